//! The bundled Danish–English glossary of public-sector vocabulary and query expansion with it.
//!
//! `data/glossary.tsv` (written for vidensbase; `danish<TAB>english` per line) is compiled into
//! the binary. Entries are keyed by the stems of their words, so `kommunerne` finds the entry
//! `kommune` and `municipalities` the entry `municipality`. [`Glossary::expand`] finds the longest
//! entries in a query, left to right without overlap, and returns the other language's phrases.
//! Its Danish words also feed the compound splitter's lexicon.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::analysis::{self, stem_da, stem_en};
use crate::lang::Lang;

pub mod editorial;

const SOURCE: &str = include_str!("../data/glossary.tsv");

static GLOSSARY: LazyLock<Glossary> = LazyLock::new(|| Glossary::parse(SOURCE));

/// One translation found in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Query words `start..end` (word indices) are translated.
    pub start: usize,
    pub end: usize,
    /// The language of `phrase`.
    pub lang: Lang,
    /// The translation, lowercase words separated by spaces.
    pub phrase: String,
    /// An editor's synonym ([`editorial`]): in the query's own language too.
    pub synonym: bool,
    /// A false friend (`barn`, `offer`, `motion`): translated only when the query's language
    /// is known.
    pub false_friend: bool,
}

#[derive(Debug, Default)]
pub struct Glossary {
    /// Danish stems key → English phrases.
    da_to_en: HashMap<String, Vec<String>>,
    /// English stems key → Danish phrases.
    en_to_da: HashMap<String, Vec<String>>,
    /// The pairs marked as false friends, `(danish, english)` phrases.
    false_friends: std::collections::HashSet<(String, String)>,
    danish_words: Vec<String>,
    /// Every word of the English side, as written (lowercase).
    english_words: std::collections::HashSet<String>,
    max_words: usize,
    pairs: usize,
}

fn key(words: &[String], stem: fn(&str) -> String) -> String {
    words.iter().map(|w| stem(w)).collect::<Vec<_>>().join(" ")
}

fn lower_words(text: &str) -> Vec<String> {
    analysis::lower_words(text).map(|(_, w)| w).collect()
}

impl Glossary {
    /// The glossary compiled into the binary.
    pub fn global() -> &'static Glossary {
        &GLOSSARY
    }

    pub fn parse(source: &str) -> Glossary {
        let mut g = Glossary::default();
        for line in source.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cells = line.split('\t');
            let (Some(da), Some(en)) = (cells.next(), cells.next()) else {
                continue;
            };
            let false_friend = cells.next().is_some_and(|c| c.trim() == "!");
            let (da_words, en_words) = (lower_words(da), lower_words(en));
            if da_words.is_empty() || en_words.is_empty() || da_words == en_words {
                continue;
            }
            g.pairs += 1;
            if false_friend {
                g.false_friends
                    .insert((da_words.join(" "), en_words.join(" ")));
            }
            g.max_words = g.max_words.max(da_words.len()).max(en_words.len());
            push_unique(
                g.da_to_en.entry(key(&da_words, stem_da)).or_default(),
                en_words.join(" "),
            );
            push_unique(
                g.en_to_da.entry(key(&en_words, stem_en)).or_default(),
                da_words.join(" "),
            );
            g.danish_words.extend(da_words);
            g.english_words.extend(en_words);
        }
        g.danish_words.sort();
        g.danish_words.dedup();
        g
    }

    /// Number of translation pairs.
    pub fn len(&self) -> usize {
        self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs == 0
    }

    /// Every Danish word the glossary knows (lowercase).
    pub fn danish_words(&self) -> &[String] {
        &self.danish_words
    }

    /// Every phrase of the glossary, Danish and English (lowercase words separated by spaces).
    pub fn phrases(&self) -> impl Iterator<Item = &str> {
        self.da_to_en
            .values()
            .chain(self.en_to_da.values())
            .flatten()
            .map(String::as_str)
    }

    /// The language whose side of the glossary has the word `lower`: `None` when neither side
    /// or both sides do. The Danish side is looked up by Danish stem, as Danish queries inflect
    /// (`klimaplanen`); the English side by the word as written, as the English stemmer would
    /// put the Danish `moderne` beside English `modernisation`.
    pub fn side(&self, lower: &str) -> Option<Lang> {
        let da = self.da_to_en.contains_key(&stem_da(lower));
        let en = self.english_words.contains(lower);
        match (da, en) {
            (true, false) => Some(Lang::Da),
            (false, true) => Some(Lang::En),
            _ => None,
        }
    }

    /// Translations of the query's lowercased words into the other language.
    pub fn expand(&self, query_words: &[String]) -> Vec<Expansion> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < query_words.len() {
            let longest = self.max_words.min(query_words.len() - i);
            let mut matched = 0;
            for len in (1..=longest).rev() {
                let span = &query_words[i..i + len];
                let hits = [
                    (Lang::En, self.da_to_en.get(&key(span, stem_da))),
                    (Lang::Da, self.en_to_da.get(&key(span, stem_en))),
                ];
                let written = span.join(" ");
                for (lang, phrases) in hits {
                    for phrase in phrases.into_iter().flatten() {
                        // Skip translations that are just the query words again.
                        if phrase.split(' ').eq(span.iter().map(String::as_str)) {
                            continue;
                        }
                        let pair = match lang {
                            Lang::En => (written.clone(), phrase.clone()),
                            Lang::Da => (phrase.clone(), written.clone()),
                        };
                        out.push(Expansion {
                            start: i,
                            end: i + len,
                            lang,
                            phrase: phrase.clone(),
                            synonym: false,
                            false_friend: self.false_friend(&pair),
                        });
                        matched = len;
                    }
                }
                if matched > 0 {
                    break;
                }
            }
            i += matched.max(1);
        }
        out
    }
}

impl Glossary {
    /// Whether a pair found for the query's words is a marked false friend: by its written
    /// words, or by stems (`ofrene` is `offer`).
    fn false_friend(&self, (da, en): &(String, String)) -> bool {
        if self.false_friends.is_empty() {
            return false;
        }
        let stems = |text: &str, stem: fn(&str) -> String| {
            text.split(' ').map(stem).collect::<Vec<_>>().join(" ")
        };
        self.false_friends.iter().any(|(fd, fe)| {
            stems(fd, stem_da) == stems(da, stem_da) && stems(fe, stem_en) == stems(en, stem_en)
        })
    }
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Vec<String> {
        lower_words(text)
    }

    #[test]
    fn bundled_glossary_is_large_enough() {
        assert!(
            Glossary::global().len() >= 300,
            "{}",
            Glossary::global().len()
        );
    }

    #[test]
    fn false_friends_are_marked_both_ways() {
        let g = Glossary::parse("barn\tchild\t!\ntilbud\toffer\t!\nkommune\tmunicipality\n");
        let friend = |text: &str| g.expand(&q(text)).iter().all(|e| e.false_friend);
        assert!(friend("børnene") && friend("children") && friend("offer") && friend("tilbud"));
        assert!(!friend("kommunerne"));
        assert_eq!(g.len(), 3);
        // The marked pairs of the bundled glossary include the examples.
        let bundled = Glossary::global();
        for word in ["barn", "offer", "motion"] {
            let found = bundled.expand(&q(word));
            assert!(
                !found.is_empty() && found.iter().any(|e| e.false_friend),
                "{word}"
            );
        }
        assert!(
            bundled.expand(&q("sag")).is_empty(),
            "sag -> case is too generic"
        );
    }

    #[test]
    fn translates_both_ways_through_inflections() {
        let g = Glossary::parse(
            "kommune\tmunicipality\ncivilsamfund\tcivil society\nensomhed\tloneliness\n",
        );
        let e = g.expand(&q("kommunerne"));
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].lang, e[0].phrase.as_str()),
            (Lang::En, "municipality")
        );
        let e = g.expand(&q("Civil Society strategy"));
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].start, e[0].end, e[0].lang), (0, 2, Lang::Da));
        assert_eq!(e[0].phrase, "civilsamfund");
        let e = g.expand(&q("municipalities and loneliness"));
        let phrases: Vec<&str> = e.iter().map(|x| x.phrase.as_str()).collect();
        assert_eq!(phrases, ["kommune", "ensomhed"]);
    }

    #[test]
    fn longest_entry_wins() {
        let g = Glossary::parse("strategi\tstrategy\nnational strategi\tnational strategy\n");
        let e = g.expand(&q("national strategy"));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].phrase, "national strategi");
    }

    #[test]
    fn identical_words_are_not_expansions() {
        let g = Glossary::parse("innovation\tinnovation\ndata\tdata\n");
        assert!(g.is_empty());
        assert!(g.expand(&q("innovation")).is_empty());
    }
}
