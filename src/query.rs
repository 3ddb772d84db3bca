//! From what a user typed to a tantivy query: lenient parsing, then expansion and ranking rules.
//!
//! Parsing knows only two pieces of syntax: `"quoted phrases"` (an unbalanced quote runs to the
//! end) and a leading `-` to exclude a word or phrase. Everything else is text: `field:`, `AND`,
//! brackets and other punctuation separate words and are never errors, so `Talformat: Valuta`
//! searches for its two words. A word is searched in both languages' fields at once (the query's
//! language is unknown), with lower-weighted alternatives: the folded field, Danish compound parts,
//! close spellings when the word itself is nowhere in the index, and glossary translations into the
//! other language. Words are required (all of one or two, all but one of three or four, 70 % of
//! longer queries); a sloppy phrase of all the words adds proximity to the score.

use std::collections::HashSet;
use std::sync::LazyLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{self, Analyzer};
use crate::compound::MIN_PART_CHARS;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::schema::Fields;

/// Queries are cut to this many words: enough for any real question, bounded work for the rest.
pub const MAX_WORDS: usize = 32;

const TITLE_BOOST: f32 = 3.0;
const FOLD_BOOST: f32 = 0.3;
const PARTS_BOOST: f32 = 0.45;
const FUZZY_BOOST: f32 = 0.25;
const TRANSLATION_BOOST: f32 = 0.5;
const PROXIMITY_BOOST: f32 = 1.5;
const PROXIMITY_SLOP: u32 = 3;
/// Longer queries get no proximity boost in bodies: it costs position reads for every
/// candidate, and long queries are mostly titles, where proximity is still checked.
const MAX_BODY_PROXIMITY_WORDS: usize = 4;
/// Close spellings taken per word and field, most frequent first.
const FUZZY_CANDIDATES: usize = 4;

/// One piece of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Lowercased words; more than one must appear together when `quoted`.
    pub words: Vec<String>,
    pub quoted: bool,
    pub excluded: bool,
}

/// Splits a raw query into clauses. Never fails.
pub fn parse(raw: &str) -> Vec<Clause> {
    let mut clauses = Vec::new();
    let mut rest = raw;
    let mut total_words = 0;
    while !rest.is_empty() && total_words < MAX_WORDS {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        let (excluded, after_sign) = match first {
            '-' => (true, &rest[1..]),
            '+' => (false, &rest[1..]),
            _ => (false, rest),
        };
        let (text, quoted, next) = if let Some(inner) = after_sign.strip_prefix('"') {
            match inner.find('"') {
                Some(end) => (&inner[..end], true, &inner[end + 1..]),
                None => (inner, true, ""),
            }
        } else {
            let end = after_sign
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(after_sign.len());
            // A quote glued to a word (`foo"bar`) starts a phrase at the next round.
            let end = if end == 0 {
                after_sign.chars().next().map_or(0, char::len_utf8)
            } else {
                end
            };
            (&after_sign[..end], false, &after_sign[end..])
        };
        rest = next;
        let mut words: Vec<String> = analysis::words(text)
            .map(|(s, e)| text[s..e].to_lowercase())
            .collect();
        words.truncate(MAX_WORDS - total_words);
        if words.is_empty() {
            continue;
        }
        total_words += words.len();
        clauses.push(Clause {
            words,
            quoted,
            excluded,
        });
    }
    // A query made only of exclusions excludes nothing: search the words instead.
    if clauses.iter().all(|Clause { excluded, .. }| *excluded) {
        for Clause { excluded, .. } in &mut clauses {
            *excluded = false;
        }
    }
    clauses
}

/// Terms to mark in snippets and documents, per analyser.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    pub da: HashSet<String>,
    pub en: HashSet<String>,
    pub fold: HashSet<String>,
    /// Danish stems that may appear inside compounds.
    pub parts: Vec<String>,
    /// Distinct content words of the query: a snippet window with this many distinct matches
    /// cannot be improved on.
    pub words: usize,
}

impl Highlight {
    fn add_word(&mut self, lower: &str) {
        if self.da.insert(analysis::stem_da(lower)) && !analysis::is_stop_word(lower) {
            self.words += 1;
        }
        self.en.insert(analysis::stem_en(lower));
        self.fold.insert(Analyzer::Fold.term(lower));
        if lower.chars().count() >= MIN_PART_CHARS {
            self.parts.push(analysis::stem_da(lower));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.da.is_empty() && self.en.is_empty()
    }
}

/// A translation the query was expanded with, for "Also searched: …".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsedExpansion {
    pub phrase: String,
    pub lang: Lang,
    /// The query words it translates.
    pub from: String,
}

/// Everything the search needs from a query.
pub struct Plan {
    /// `None` for a query with no words.
    pub query: Option<Box<dyn Query>>,
    /// The same query with any single word sufficing; tried when `query` finds nothing.
    pub relaxed: Option<Box<dyn Query>>,
    pub highlight: Highlight,
    pub expansions: Vec<UsedExpansion>,
}

/// Builds the plan for `raw`. `expand` turns glossary translations on.
pub fn plan(raw: &str, fields: &Fields, searcher: &Searcher, expand: bool) -> Plan {
    Builder {
        fields,
        searcher,
        highlight: Highlight::default(),
        expansions: Vec::new(),
    }
    .build(&parse(raw), expand)
}

struct Builder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    highlight: Highlight,
    expansions: Vec<UsedExpansion>,
}

/// One required piece of the query: everything that may satisfy it, and the exact-spelling part
/// alone (which decides the ranking tier).
struct Unit {
    full: Box<dyn Query>,
    direct: Box<dyn Query>,
    /// A function word: it adds to the score where it occurs but is not required.
    optional: bool,
    /// `full` can match where `direct` does not (folding, parts, typos, translations).
    alternatives: bool,
}

impl Unit {
    fn clone_unit(&self) -> Unit {
        Unit {
            full: self.full.box_clone(),
            direct: self.direct.box_clone(),
            optional: self.optional,
            alternatives: self.alternatives,
        }
    }
}

/// How many of `n` units a document must match.
fn required_units(n: usize) -> usize {
    n
}

/// All of `queries` (when `required` is all of them) or at least `required` of them.
fn at_least(queries: Vec<Box<dyn Query>>, required: usize) -> Box<dyn Query> {
    if required >= queries.len() {
        Box::new(BooleanQuery::intersection(queries))
    } else {
        Box::new(BooleanQuery::union_with_minimum_required_clauses(
            queries, required,
        ))
    }
}

impl Builder<'_> {
    fn build(mut self, clauses: &[Clause], expand: bool) -> Plan {
        // `units` are what the query requires; `loose` are the single words (and quoted phrases)
        // that the relaxed query accepts any one of.
        let mut units: Vec<Unit> = Vec::new();
        let mut loose: Vec<Unit> = Vec::new();
        let mut excluded: Vec<Box<dyn Query>> = Vec::new();
        // Consecutive free words, for glossary spans and the proximity boost.
        let mut free_run: Vec<String> = Vec::new();
        let mut all_free: Vec<String> = Vec::new();
        for Clause {
            words,
            quoted,
            excluded: is_excluded,
        } in clauses
        {
            if *is_excluded {
                let saved = self.highlight.clone();
                excluded.push(self.phrase_or_word(words).full);
                self.highlight = saved;
                continue;
            }
            // Unquoted words, including hyphenated ones (`anti-corruption`), are free words:
            // each is required on its own, glossary entries can span them, proximity rewards order.
            if !quoted {
                free_run.extend(words.iter().cloned());
                all_free.extend(words.iter().cloned());
                continue;
            }
            self.flush_free(&mut free_run, &mut units, &mut loose, expand);
            let unit = self.phrase_or_word(words);
            loose.push(unit.clone_unit());
            units.push(unit);
        }
        self.flush_free(&mut free_run, &mut units, &mut loose, expand);

        if units.is_empty() {
            return Plan {
                query: None,
                relaxed: None,
                highlight: self.highlight,
                expansions: self.expansions,
            };
        }
        let proximity = (2..=12)
            .contains(&all_free.len())
            .then(|| self.proximity(&all_free));
        // Function words are optional, unless the query has nothing else.
        if units.iter().all(|u| u.optional) {
            for u in units.iter_mut().chain(loose.iter_mut()) {
                u.optional = false;
            }
        }
        let (optional, units): (Vec<Unit>, Vec<Unit>) = units.into_iter().partition(|u| u.optional);
        let optional: Vec<Box<dyn Query>> = optional.into_iter().map(|u| u.full).collect();
        // Without fallbacks every match is direct, and the tier would only repeat the query.
        let tiered = units.iter().chain(&loose).any(|u| u.alternatives);
        let required = required_units(units.len());
        let (full, direct): (Vec<_>, Vec<_>) =
            units.into_iter().map(|u| (u.full, u.direct)).unzip();
        let core = at_least(full, required);
        let tier = tiered.then(|| at_least(direct, required));
        let loose: Vec<Unit> = loose.into_iter().filter(|u| !u.optional).collect();
        let relaxed = (loose.len() > 1).then(|| {
            let (any, any_direct): (Vec<_>, Vec<_>) =
                loose.into_iter().map(|u| (u.full, u.direct)).unzip();
            let relaxed = wrap(
                at_least(any, 1),
                tiered.then(|| at_least(any_direct, 1)),
                proximity.as_deref(),
                &optional,
                &excluded,
            );
            // Documents with all the required words stay above those with only some.
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, relaxed),
                (
                    Occur::Should,
                    Box::new(ConstScoreQuery::new(core.box_clone(), COMPLETE_TIER)),
                ),
            ])) as Box<dyn Query>
        });
        Plan {
            query: Some(wrap(core, tier, proximity.as_deref(), &optional, &excluded)),
            relaxed,
            highlight: self.highlight,
            expansions: self.expansions,
        }
    }

    /// Turns a run of free words into units: each word with its own translations, and words
    /// that form a multi-word glossary entry joined into one unit with the entry's translation.
    fn flush_free(
        &mut self,
        run: &mut Vec<String>,
        units: &mut Vec<Unit>,
        loose: &mut Vec<Unit>,
        expand: bool,
    ) {
        if run.is_empty() {
            return;
        }
        let spans = if expand {
            Glossary::global().expand(run)
        } else {
            Vec::new()
        };
        let words: Vec<Unit> = run
            .iter()
            .map(|w| self.translated_word(w, expand))
            .collect();
        loose.extend(words.iter().map(Unit::clone_unit));
        let mut i = 0;
        while i < run.len() {
            let here: Vec<_> = spans
                .iter()
                .filter(|e| e.start == i && e.end > i + 1)
                .collect();
            let Some(end) = here.first().map(|e| e.end) else {
                units.push(words[i].clone_unit());
                i += 1;
                continue;
            };
            let full = words[i..end].iter().map(|u| u.full.box_clone()).collect();
            let direct = words[i..end].iter().map(|u| u.direct.box_clone()).collect();
            let mut alternatives = vec![at_least(full, usize::MAX)];
            for e in here {
                alternatives.push(self.translation(&e.phrase, e.lang, &run[i..end].join(" ")));
            }
            units.push(Unit {
                full: Box::new(BooleanQuery::union(alternatives)),
                direct: at_least(direct, usize::MAX),
                optional: false,
                alternatives: true,
            });
            i = end;
        }
        run.clear();
    }

    /// A word with its single-word glossary translations as alternatives.
    fn translated_word(&mut self, lower: &str, expand: bool) -> Unit {
        let unit = self.word(lower);
        if !expand || unit.optional {
            return unit;
        }
        let translations: Vec<Box<dyn Query>> = Glossary::global()
            .expand(&[lower.to_string()])
            .into_iter()
            .map(|e| self.translation(&e.phrase, e.lang, lower))
            .collect();
        if translations.is_empty() {
            return unit;
        }
        let mut alternatives = vec![unit.full];
        alternatives.extend(translations);
        Unit {
            full: Box::new(BooleanQuery::union(alternatives)),
            direct: unit.direct,
            optional: false,
            alternatives: true,
        }
    }

    /// The query for a glossary translation, recorded for "Also searched" and highlighting.
    fn translation(&mut self, phrase: &str, lang: Lang, from: &str) -> Box<dyn Query> {
        let words: Vec<String> = phrase.split(' ').map(str::to_string).collect();
        for w in &words {
            self.highlight_in(w, lang);
        }
        let used = UsedExpansion {
            phrase: phrase.to_string(),
            lang,
            from: from.to_string(),
        };
        if !self.expansions.contains(&used) {
            self.expansions.push(used);
        }
        Box::new(BoostQuery::new(
            self.in_language(&words, lang),
            TRANSLATION_BOOST,
        ))
    }

    /// A single word in every field, with its fallbacks.
    fn word(&mut self, lower: &str) -> Unit {
        let f = *self.fields;
        self.highlight.add_word(lower);
        let da = analysis::stem_da(lower);
        let en = analysis::stem_en(lower);
        let fold = Analyzer::Fold.term(lower);
        let direct: Vec<Box<dyn Query>> = vec![
            term(f.title_da, &da, TITLE_BOOST),
            term(f.body_da, &da, 1.0),
            term(f.title_en, &en, TITLE_BOOST),
            term(f.body_en, &en, 1.0),
        ];
        let mut should: Vec<Box<dyn Query>> = direct.iter().map(|q| q.box_clone()).collect();
        let df = |field: Field, t: &str| self.doc_freq(field, t);
        let in_bodies = df(f.body_da, &da) + df(f.body_en, &en);
        let exact = in_bodies + df(f.title_da, &da) + df(f.title_en, &en);
        let fold_df = df(f.fold, &fold);
        // The folded field finds `København` for `kobenhavn`; when it reaches no more documents
        // than the exact fields and the word has nothing to fold, it would only add work.
        if analysis::respelled(lower) || fold_df > in_bodies {
            should.push(term(f.fold, &fold, FOLD_BOOST));
        }
        // The other way round: a query with Danish letters also finds documents that spell the
        // word in ASCII (`ældre` → `aeldre`), by its folded spelling in the exact fields.
        if analysis::respelled(lower) {
            let ascii = analysis::fold(lower);
            if ascii != lower {
                for (field, t) in [
                    (f.body_da, analysis::stem_da(&ascii)),
                    (f.body_en, analysis::stem_en(&ascii)),
                ] {
                    if df(field, &t) > 0 {
                        should.push(term(field, &t, FOLD_BOOST));
                    }
                }
            }
        }
        let chars = lower.chars().count();
        if chars >= MIN_PART_CHARS && df(f.parts, &da) > 0 {
            should.push(term(f.parts, &da, PARTS_BOOST));
        }
        if chars >= 5 && !lower.chars().any(|c| c.is_ascii_digit()) {
            let exact = exact + fold_df;
            if exact == 0 {
                let distance: usize = if chars >= 9 { 2 } else { 1 };
                // One automaton per distinct stem: building one for two edits is the costly part.
                let mut automata: Vec<(&str, DFA)> = Vec::new();
                for (field, stem, lang) in [
                    (f.body_da, &da, Some(Lang::Da)),
                    (f.body_en, &en, Some(Lang::En)),
                    (f.fold, &fold, None),
                ] {
                    if !automata.iter().any(|(s, _)| s == stem) {
                        automata.push((stem, LEVENSHTEIN[distance - 1].build_dfa(stem)));
                    }
                    let Some((_, dfa)) = automata.iter().find(|(s, _)| s == stem) else {
                        continue;
                    };
                    for candidate in close_terms(self.searcher, field, dfa, prefix(stem, distance))
                    {
                        should.push(term(field, &candidate, FUZZY_BOOST));
                        match lang {
                            Some(lang) => {
                                should.push(term(
                                    f.title_field(lang),
                                    &candidate,
                                    FUZZY_BOOST * TITLE_BOOST,
                                ));
                                match lang {
                                    Lang::Da => self.highlight.da.insert(candidate),
                                    Lang::En => self.highlight.en.insert(candidate),
                                };
                            }
                            None => {
                                self.highlight.fold.insert(candidate);
                            }
                        }
                    }
                }
                if let Some(parts) = self.decompound(lower) {
                    should.push(Box::new(BoostQuery::new(parts, PARTS_BOOST)));
                }
            }
        }
        Unit {
            alternatives: should.len() > direct.len(),
            full: Box::new(BooleanQuery::union(should)),
            direct: Box::new(BooleanQuery::union(direct)),
            optional: analysis::is_stop_word(lower),
        }
    }

    /// Words that must appear together: a phrase in each language's fields.
    fn phrase_or_word(&mut self, words: &[String]) -> Unit {
        if words.len() == 1 {
            return self.word(&words[0]);
        }
        for w in words {
            self.highlight.add_word(w);
        }
        let f = *self.fields;
        let q: Box<dyn Query> = Box::new(BooleanQuery::union(vec![
            phrase(f.title_da, Analyzer::Da, words, 0, TITLE_BOOST),
            phrase(f.body_da, Analyzer::Da, words, 0, 1.0),
            phrase(f.title_en, Analyzer::En, words, 0, TITLE_BOOST),
            phrase(f.body_en, Analyzer::En, words, 0, 1.0),
        ]));
        Unit {
            direct: q.box_clone(),
            full: q,
            optional: false,
            alternatives: false,
        }
    }

    /// A (translated) phrase or word in one language's fields only.
    fn in_language(&self, words: &[String], lang: Lang) -> Box<dyn Query> {
        let f = self.fields;
        let analyzer = match lang {
            Lang::Da => Analyzer::Da,
            Lang::En => Analyzer::En,
        };
        let mut alternatives = vec![
            phrase(f.title_field(lang), analyzer, words, 0, TITLE_BOOST),
            phrase(f.body_field(lang), analyzer, words, 0, 1.0),
        ];
        if lang == Lang::Da && words.len() == 1 {
            alternatives.push(term(f.parts, &analysis::stem_da(&words[0]), PARTS_BOOST));
        }
        Box::new(BooleanQuery::union(alternatives))
    }

    fn highlight_in(&mut self, lower: &str, lang: Lang) {
        match lang {
            Lang::Da => {
                self.highlight.da.insert(analysis::stem_da(lower));
                if lower.chars().count() >= MIN_PART_CHARS {
                    self.highlight.parts.push(analysis::stem_da(lower));
                }
            }
            Lang::En => {
                self.highlight.en.insert(analysis::stem_en(lower));
            }
        }
    }

    /// All the free words near each other, in order, in either language's body.
    fn proximity(&self, words: &[String]) -> Box<dyn Query> {
        let f = self.fields;
        // Titles are short, so their positions are cheap to check for any query length; bodies
        // only for short queries.
        let mut near = vec![
            phrase(f.title_da, Analyzer::Da, words, PROXIMITY_SLOP, TITLE_BOOST),
            phrase(f.title_en, Analyzer::En, words, PROXIMITY_SLOP, TITLE_BOOST),
        ];
        if words.len() <= MAX_BODY_PROXIMITY_WORDS {
            near.push(phrase(f.body_da, Analyzer::Da, words, PROXIMITY_SLOP, 1.0));
            near.push(phrase(f.body_en, Analyzer::En, words, PROXIMITY_SLOP, 1.0));
        }
        Box::new(BoostQuery::new(
            Box::new(BooleanQuery::union(near)),
            PROXIMITY_BOOST,
        ))
    }

    /// A Danish compound the index does not contain, as its parts (each found as a word or as a
    /// compound part): `korruptionsforebyggelse` → `korruption` and `forebyggelse`. The index's
    /// own vocabulary is the lexicon.
    fn decompound(&mut self, lower: &str) -> Option<Box<dyn Query>> {
        let f = *self.fields;
        let known = |part: &str| {
            let stem = analysis::stem_da(part);
            self.doc_freq(f.body_da, &stem)
                + self.doc_freq(f.parts, &stem)
                + self.doc_freq(f.title_da, &stem)
                > 0
        };
        let parts = crate::compound::split(lower, &known)?;
        let mut each: Vec<Box<dyn Query>> = Vec::new();
        for part in parts {
            let stem = analysis::stem_da(part);
            self.highlight.da.insert(stem.clone());
            self.highlight.parts.push(stem.clone());
            each.push(Box::new(BooleanQuery::union(vec![
                term(f.title_da, &stem, TITLE_BOOST),
                term(f.body_da, &stem, 1.0),
                term(f.parts, &stem, PARTS_BOOST),
            ])));
        }
        Some(Box::new(BooleanQuery::intersection(each)))
    }

    fn doc_freq(&self, field: Field, text: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, text))
            .unwrap_or(0)
    }
}

/// Bonus for documents that match the query with its own spellings: it puts them in a tier
/// above every document found only through folding, compound parts, typos or translations.
const DIRECT_TIER: f32 = 1000.0;
/// Bonus, in a relaxed query, for documents that have all the required words.
const COMPLETE_TIER: f32 = 10_000.0;

/// Adds the ranking tier, the proximity boost and exclusions around a core query.
fn wrap(
    core: Box<dyn Query>,
    tier: Option<Box<dyn Query>>,
    proximity: Option<&dyn Query>,
    optional: &[Box<dyn Query>],
    excluded: &[Box<dyn Query>],
) -> Box<dyn Query> {
    let mut clauses = vec![(Occur::Must, core)];
    if let Some(tier) = tier {
        clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(tier, DIRECT_TIER)),
        ));
    }
    if let Some(p) = proximity {
        clauses.push((Occur::Should, p.box_clone()));
    }
    for o in optional {
        clauses.push((Occur::Should, o.box_clone()));
    }
    for e in excluded {
        clauses.push((Occur::MustNot, e.box_clone()));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Restricts `query` (or everything, when `None`) to documents whose `field` is `value`,
/// without changing scores.
pub fn filtered(query: Option<Box<dyn Query>>, filters: &[(Field, &str)]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, query.unwrap_or_else(|| Box::new(AllQuery)))];
    for (field, value) in filters {
        let t = TermQuery::new(
            Term::from_field_text(*field, value),
            IndexRecordOption::Basic,
        );
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(t), 0.0)),
        ));
    }
    if clauses.len() == 1 {
        return clauses
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(AllQuery));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    if boost == 1.0 {
        Box::new(q)
    } else {
        Box::new(BoostQuery::new(Box::new(q), boost))
    }
}

fn phrase(
    field: Field,
    analyzer: Analyzer,
    words: &[String],
    slop: u32,
    boost: f32,
) -> Box<dyn Query> {
    let terms: Vec<(usize, Term)> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (i, Term::from_field_text(field, &analyzer.term(w))))
        .collect();
    let q: Box<dyn Query> = if terms.len() == 1 {
        let (_, t) = terms.into_iter().next().expect("one term, checked above");
        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
    } else {
        Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
    };
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

static LEVENSHTEIN: LazyLock<[LevenshteinAutomatonBuilder; 2]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
    ]
});

/// Adapter so tantivy's term dictionaries can be searched with a Levenshtein DFA.
struct Dfa<'a>(&'a DFA);

impl tantivy_fst::Automaton for Dfa<'_> {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The first `n` characters of a word, which a typo is assumed to leave intact (as Lucene's
/// `prefix_length`): it confines the automaton to a small slice of the term dictionary.
fn prefix(word: &str, n: usize) -> &str {
    word.char_indices().nth(n).map_or(word, |(i, _)| &word[..i])
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
fn prefix_end(prefix: &str) -> Option<Vec<u8>> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Indexed terms of `field` that start with `prefix` and that `dfa` accepts: the closest ones
/// only, most frequent first.
fn close_terms(searcher: &Searcher, field: Field, dfa: &DFA, prefix: &str) -> Vec<String> {
    let mut found: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let mut range = inverted.terms().search(Dfa(dfa)).ge(prefix);
        if let Some(end) = prefix_end(prefix) {
            range = range.lt(end);
        }
        let Ok(mut stream) = range.into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                *found.entry(t.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let edits = |t: &str| match dfa.eval(t) {
        Distance::Exact(d) | Distance::AtLeast(d) => d,
    };
    let mut found: Vec<(u8, u64, String)> = found
        .into_iter()
        .map(|(t, df)| (edits(&t), df, t))
        .collect();
    let closest = found.iter().map(|f| f.0).min().unwrap_or(0);
    found.retain(|f| f.0 == closest);
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    found
        .into_iter()
        .take(FUZZY_CANDIDATES)
        .map(|(_, _, t)| t)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(clauses: &[Clause]) -> Vec<(Vec<&str>, bool, bool)> {
        clauses
            .iter()
            .map(
                |Clause {
                     words,
                     quoted,
                     excluded,
                 }| {
                    (
                        words.iter().map(String::as_str).collect(),
                        *quoted,
                        *excluded,
                    )
                },
            )
            .collect()
    }

    #[test]
    fn punctuation_is_text_not_syntax() {
        let c = parse("Talformat: Valuta");
        assert_eq!(
            words_of(&c),
            [
                (vec!["talformat"], false, false),
                (vec!["valuta"], false, false)
            ]
        );
        let c = parse("Diagramguide - Diagramelementer");
        assert_eq!(
            words_of(&c),
            [
                (vec!["diagramguide"], false, false),
                (vec!["diagramelementer"], false, false)
            ]
        );
        let c = parse("title:(foo AND bar]");
        assert_eq!(
            words_of(&c)
                .into_iter()
                .map(|(w, _, _)| w)
                .collect::<Vec<_>>(),
            [vec!["title", "foo"], vec!["and"], vec!["bar"]]
        );
    }

    #[test]
    fn phrases_exclusions_and_unbalanced_quotes() {
        let c = parse(r#""civil society" -radikalisering"#);
        assert_eq!(
            words_of(&c),
            [
                (vec!["civil", "society"], true, false),
                (vec!["radikalisering"], false, true)
            ]
        );
        let c = parse(r#"open "national strategy"#);
        assert_eq!(
            words_of(&c),
            [
                (vec!["open"], false, false),
                (vec!["national", "strategy"], true, false)
            ]
        );
        assert!(parse(r#"""#).is_empty());
        assert!(parse("").is_empty());
        assert!(parse("  -- ++ !!! ").is_empty());
        assert_eq!(
            parse("-\u{a0}kommune").len(),
            1,
            "non-ASCII space after a sign"
        );
    }

    #[test]
    fn only_exclusions_become_plain_words() {
        assert_eq!(
            words_of(&parse("-kommune")),
            [(vec!["kommune"], false, false)]
        );
    }

    #[test]
    fn long_queries_are_bounded() {
        let long = "kommune ".repeat(2000);
        let c = parse(&long);
        assert_eq!(c.len(), MAX_WORDS);
        let c = parse(&"x".repeat(5000));
        assert!(c.len() <= 1);
    }

    #[test]
    fn typo_prefixes() {
        assert_eq!(prefix("volunter", 1), "v");
        assert_eq!(prefix("ældre", 2), "æl");
        assert_eq!(prefix("a", 2), "a");
        assert_eq!(prefix_end("ab").as_deref(), Some(&b"ac"[..]));
        assert_eq!(prefix_end("").as_deref(), None);
    }

    #[test]
    fn hyphenated_word_is_a_phrase() {
        assert_eq!(
            words_of(&parse("OGP-netværket")),
            [(vec!["ogp", "netværket"], false, false)]
        );
    }
}
