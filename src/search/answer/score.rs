//! How well a passage answers a query: which of the query's content words it holds (stemmed in
//! either language, folded, or as the last part of a compound), weighted by how rare each word
//! is; the same for the heading it sits under; and the answer-type cue ([`cue`]).
//!
//! Question words and function words are no content words: they decide the answer type
//! ([`crate::query::question`]), not the score.

use rustc_hash::FxHashSet;
use tantivy::Searcher;

use crate::analysis::{self, Analyzer};
use crate::lang::Lang;
use crate::lang::MONTHS;
use crate::query::question::{self, AnswerType};
use crate::schema::{Fields, TermField};

/// A content word of the query and the terms that match it.
pub struct Word {
    terms: [String; 3],
    /// Its Danish stem, when long enough to end a compound (`sideskift` in `manuelsideskift`).
    part: Option<String>,
    pub weight: f32,
}

/// What the query asks: its content words and answer type.
pub struct Asked {
    pub words: Vec<Word>,
    pub kind: Option<AnswerType>,
    /// The folded first two letters of every content word's terms: a word that begins otherwise
    /// can only match as a compound's tail, so most words are never stemmed (as in `snippet`).
    prefixes: FxHashSet<[char; 2]>,
}

impl Asked {
    /// The content words of `query` (neither function nor question words, one per Danish stem),
    /// each weighted by its inverse document frequency in the body fields.
    pub fn of(query: &str, searcher: &Searcher, f: &Fields) -> Asked {
        let lower: Vec<String> = analysis::lower_words(query).map(|(_, w)| w).collect();
        let kind = question::question_type(&lower);
        let n = searcher.num_docs().max(1) as f32;
        let mut seen = FxHashSet::default();
        let mut words = Vec::new();
        for w in &lower {
            if analysis::is_stop_word(w) || question::is_any_question_word(w) {
                continue;
            }
            let da = Analyzer::Da.term(w);
            if !seen.insert(da.clone()) {
                continue;
            }
            let df = [Lang::Da, Lang::En]
                .into_iter()
                .map(|l| {
                    let term = f.term(TermField::Body(l), w);
                    searcher.doc_freq(&term).unwrap_or(0)
                })
                .max()
                .unwrap_or(0) as f32;
            words.push(Word {
                part: (w.chars().count() >= 4).then(|| da.clone()),
                terms: [da, Analyzer::En.term(w), Analyzer::Fold.term(w)],
                weight: 1.0 + (n / (df + 1.0)).ln().max(0.0),
            });
        }
        Asked::new(words, kind)
    }

    fn new(words: Vec<Word>, kind: Option<AnswerType>) -> Asked {
        let prefixes = words
            .iter()
            .flat_map(|w| w.terms.iter().map(|t| analysis::fold_prefix(t)))
            .collect();
        Asked {
            words,
            kind,
            prefixes,
        }
    }

    /// Cheap filter for [`Self::found_in`]: the word begins as a content word does, or holds a
    /// content word's stem (ASCII case ignored) where a compound's tail would be.
    fn may_match(&self, word: &str) -> bool {
        self.prefixes.contains(&analysis::fold_prefix(word))
            || self.words.iter().any(|w| {
                w.part.as_ref().is_some_and(|p| {
                    let (word, p) = (word.as_bytes(), p.as_bytes());
                    word.len() >= p.len() + 3
                        && word[word.len() - p.len() - 3..]
                            .windows(p.len())
                            .any(|win| win.eq_ignore_ascii_case(p))
                })
            })
    }

    pub fn total_weight(&self) -> f32 {
        self.words.iter().map(|w| w.weight).sum()
    }

    /// Which content words `text` holds, one bit each.
    pub fn found_in(&self, text: &str) -> u64 {
        let mut found = 0u64;
        let mut lower = String::new();
        for (s, e) in analysis::words(text) {
            if !self.may_match(&text[s..e]) {
                continue;
            }
            analysis::lowercase_into(&text[s..e], &mut lower);
            let terms = [
                Analyzer::Da.term(&lower),
                Analyzer::En.term(&lower),
                Analyzer::Fold.term(&lower),
            ];
            for (i, w) in self.words.iter().enumerate().take(64) {
                let same = w.terms.iter().zip(&terms).any(|(a, b)| a == b);
                let compound = w.part.as_ref().is_some_and(|p| ends_with_part(&lower, p));
                if same || compound {
                    found |= 1 << i;
                }
            }
        }
        found
    }

    /// Where in `text[within]` content words are: each word that is one, by its byte offset
    /// (ascending), with its bit. Each word is analysed once, however many passages hold it.
    pub fn marks(&self, text: &str, within: std::ops::Range<usize>) -> Vec<(usize, u64)> {
        analysis::words(&text[within.clone()])
            .map(|(s, e)| {
                (
                    within.start + s,
                    self.found_in(&text[within.start + s..within.start + e]),
                )
            })
            .filter(|&(_, found)| found != 0)
            .collect()
    }

    /// The weight of the words in `found`.
    pub fn weight_of(&self, found: u64) -> f32 {
        self.words
            .iter()
            .enumerate()
            .take(64)
            .filter(|(i, _)| found & (1 << i) != 0)
            .map(|(_, w)| w.weight)
            .sum()
    }
}

/// A compound whose last part is `part`: `manuelsideskift` ends with `sideskift`.
fn ends_with_part(lower: &str, part: &str) -> bool {
    lower.len() >= part.len() + 3
        && lower
            .rmatch_indices(part)
            .next()
            .is_some_and(|(i, _)| i > 0 && lower.len() - i <= part.len() + 3)
}

/// How strongly `passage` reads as the kind of answer asked for, 0 to 1: for a definition, a
/// content word followed by `er`/`is`/`betyder`/`means` or an expansion in parentheses; for steps,
/// instructions (imperatives, a numbered list, a menu path); for a date, a date or a year; for an
/// amount, a number; for eligibility, who may or must; for a place, a menu, folder or page.
pub fn cue(kind: AnswerType, passage: &str, asked: &Asked) -> f32 {
    let has =
        |list: &[&str]| analysis::lower_words(passage).any(|(_, w)| list.contains(&w.as_str()));
    let score: f32 = match kind {
        AnswerType::Definition => f32::from(defines(passage, asked)),
        AnswerType::Steps => {
            let imperative = analysis::lower_words(passage)
                .take(3)
                .any(|(_, w)| IMPERATIVES.contains(&w.as_str()))
                || passage.split(". ").any(|s| {
                    analysis::lower_words(s)
                        .next()
                        .is_some_and(|(_, w)| IMPERATIVES.contains(&w.as_str()))
                });
            let menu = passage.contains(" - ") || passage.contains(" > ") || passage.contains('→');
            0.7 * f32::from(imperative) + 0.3 * f32::from(menu)
        }
        AnswerType::Date => {
            let year = analysis::words(passage).any(|(s, e)| {
                e - s == 4
                    && passage[s..e]
                        .parse::<u32>()
                        .is_ok_and(|y| (1900..2100).contains(&y))
            });
            let month = analysis::lower_words(passage).any(|(_, w)| {
                MONTHS
                    .iter()
                    .any(|(da, en)| w == *da || w.eq_ignore_ascii_case(en))
            });
            if year || month {
                1.0
            } else {
                0.5 * f32::from(has(TIMES))
            }
        }
        AnswerType::Amount => f32::from(quantity(passage) || has(NUMBERS)),
        AnswerType::Eligibility => f32::from(has(ELIGIBILITY)),
        AnswerType::Place => {
            let menu = passage.contains(" - ") || passage.contains(" > ") || passage.contains('/');
            0.6 * f32::from(menu) + 0.4 * f32::from(has(PLACES))
        }
    };
    score.clamp(0.0, 1.0)
}

/// A passage that begins by defining a content word: the word among its first words, followed
/// by a defining verb (`DHCP er en protokol`, `Secure boot means`), or by an expansion in
/// parentheses whose initials spell it (`DHCP (Dynamic Host Configuration Protocol)`), or as an
/// acronym in the parentheses after a name (`Kommaadskilte værdier (CSV)`). A function call
/// (`VLOOKUP(...)`) or an aside (`partitioning (either classic or …)`) is no expansion.
/// Words that, right after a defining verb, make it say what something is not.
const NEGATIONS: &[&str] = &["ikke", "aldrig", "not", "never", "no"];

fn defines(passage: &str, asked: &Asked) -> bool {
    let opening: Vec<(usize, usize)> = analysis::words(passage).take(OPENING_WORDS + 2).collect();
    let lower = |&(s, e): &(usize, usize)| passage[s..e].to_lowercase();
    opening
        .iter()
        .enumerate()
        .take(OPENING_WORDS)
        .any(|(i, w)| {
            if asked.found_in(&passage[w.0..w.1]) == 0 {
                return false;
            }
            // `X er ikke …` / `X is not …` says what X is not: no definition.
            let negated = opening
                .get(i + 2)
                .is_some_and(|n| NEGATIONS.contains(&lower(n).as_str()));
            let verb = !negated
                && opening
                    .get(i + 1)
                    .is_some_and(|v| DEFINING.contains(&lower(v).as_str()));
            let word = &passage[w.0..w.1];
            let after = passage[w.1..]
                .strip_prefix(" (")
                .and_then(|rest| rest.split_once(')'))
                .is_some_and(|(inside, _)| expands(word, inside));
            let inside = passage[..w.0].ends_with(" (")
                && passage[w.1..].starts_with(')')
                && word
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase);
            verb || after || inside
        })
}

/// Whether `long` spells out the acronym `short`: the initials of its words are its letters
/// (`DHCP`, `Dynamic Host Configuration Protocol`).
fn expands(short: &str, long: &str) -> bool {
    let initials: String = analysis::words(long)
        .filter_map(|(s, _)| long[s..].chars().next())
        .flat_map(char::to_lowercase)
        .collect();
    let letters: String = short.chars().flat_map(char::to_lowercase).collect();
    letters.chars().count() >= 2 && initials == letters
}

/// A number as a word of its own, or with a unit after it (`512`, `1160MB`, `25 %`); not a digit
/// inside a name (`ext4`).
fn quantity(passage: &str) -> bool {
    analysis::words(passage).any(|(s, e)| {
        let word = &passage[s..e];
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && word.len() - digits <= 3
    })
}

/// How far into a passage the defined word may stand.
const OPENING_WORDS: usize = 5;

const DEFINING: &[&str] = &[
    "er", "betyder", "betegner", "kaldes", "is", "are", "means", "refers", "stands", "denotes",
];
const IMPERATIVES: &[&str] = &[
    "vælg",
    "klik",
    "tryk",
    "åbn",
    "gå",
    "skriv",
    "indtast",
    "marker",
    "markér",
    "angiv",
    "brug",
    "træk",
    "højreklik",
    "dobbeltklik",
    "indsæt",
    "kør",
    "start",
    "sæt",
    "slet",
    "opret",
    "tilføj",
    "choose",
    "select",
    "click",
    "press",
    "open",
    "go",
    "type",
    "enter",
    "mark",
    "use",
    "drag",
    "right",
    "double",
    "insert",
    "run",
    "set",
    "delete",
    "create",
    "add",
    "to",
];
const TIMES: &[&str] = &[
    "når", "før", "efter", "inden", "dag", "dage", "uge", "måned", "år", "when", "before", "after",
    "day", "days", "week", "month", "year", "during", "while", "once",
];
const NUMBERS: &[&str] = &[
    "tre", "fire", "fem", "seks", "ti", "two", "three", "four", "five", "six", "ten", "hundred",
    "hundrede",
];
const ELIGIBILITY: &[&str] = &[
    "kan",
    "skal",
    "må",
    "alle",
    "borgere",
    "berettiget",
    "ret",
    "krav",
    "can",
    "must",
    "may",
    "eligible",
    "anyone",
    "everyone",
    "only",
    "kun",
    "required",
    "requires",
];
const PLACES: &[&str] = &[
    "menu",
    "menuen",
    "mappe",
    "mappen",
    "fanen",
    "fane",
    "side",
    "siden",
    "vindue",
    "vinduet",
    "dialog",
    "dialogen",
    "bjælke",
    "linjen",
    "statuslinjen",
    "folder",
    "directory",
    "tab",
    "window",
    "bar",
    "page",
    "panel",
    "located",
    "findes",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(words: &[&str], kind: Option<AnswerType>) -> Asked {
        let words = words
            .iter()
            .map(|w| Word {
                terms: [
                    Analyzer::Da.term(w),
                    Analyzer::En.term(w),
                    Analyzer::Fold.term(w),
                ],
                part: Some(Analyzer::Da.term(w)),
                weight: 1.0,
            })
            .collect();
        Asked::new(words, kind)
    }

    #[test]
    fn content_words_match_inflections_and_compound_tails() {
        let a = asked(&["sideskift", "slette"], None);
        assert_eq!(a.found_in("Sådan sletter du sideskiftene."), 0b11);
        assert_eq!(a.found_in("Et manuelsideskift."), 0b01);
        assert_eq!(a.found_in("Ingen af ordene."), 0);
    }

    #[test]
    fn cues_tell_the_kind_of_passage() {
        let a = asked(&["dhcp"], Some(AnswerType::Definition));
        let def = AnswerType::Definition;
        assert_eq!(cue(def, "DHCP er en protokol til adresser.", &a), 1.0);
        assert_eq!(cue(def, "Slå DHCP til i menuen", &a), 0.0);
        assert_eq!(cue(def, "DHCP is not required here.", &a), 0.0);
        assert_eq!(cue(def, "DHCP er ikke slået til.", &a), 0.0);
        assert_eq!(
            cue(def, "Slå den til i menuen, hvor DHCP er valgt.", &a),
            0.0
        );
        assert_eq!(
            cue(
                def,
                "DHCP (Dynamic Host Configuration Protocol) giver adresser.",
                &a
            ),
            1.0
        );
        assert_eq!(
            cue(
                def,
                "Dynamic Host Configuration Protocol (DHCP) giver adresser.",
                &a
            ),
            1.0
        );
        let steps = AnswerType::Steps;
        assert!(cue(steps, "Vælg Formater - Side.", &a) >= 0.99);
        assert_eq!(cue(steps, "Siden har en typografi.", &a), 0.0);
        assert_eq!(
            cue(AnswerType::Date, "Mødet er den 3. marts 2024.", &a),
            1.0
        );
        assert_eq!(cue(AnswerType::Date, "Mødet er vigtigt.", &a), 0.0);
        assert_eq!(cue(AnswerType::Amount, "Du skal bruge 512 MB.", &a), 1.0);
        assert_eq!(cue(AnswerType::Amount, "You need 1160MB.", &a), 1.0);
        assert_eq!(cue(AnswerType::Amount, "The type is ext4.", &a), 0.0);
        assert_eq!(cue(def, "=ISTEXT(DHCP(...))", &a), 0.0);
        assert_eq!(cue(def, "For network DHCP it is", &a), 0.0);
        assert_eq!(
            cue(def, "DHCP (either static or dynamic) addresses.", &a),
            0.0
        );
        assert_eq!(
            cue(
                AnswerType::Eligibility,
                "Alle borgere over 65 kan søge.",
                &a
            ),
            1.0
        );
    }
}
