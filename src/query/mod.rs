//! From what a user typed to a tantivy query: parsing ([`parse`]), then expansion and ranking rules.
//!
//! A word is searched in both languages' fields at once (the query's language is unknown), with
//! lower-weighted alternatives: the folded view ([`fold`]), Danish compound parts, close spellings
//! ([`typo`]) when the word itself is nowhere in the index, and glossary translations into the
//! other language. Content words are required; documents matching with the query's own spellings
//! rank in a tier above all others; a sloppy phrase of the words adds proximity; and a relaxed
//! variant (any word, complete matches first) fills pages strict matching cannot.

mod fold;
mod parse;
pub(crate) mod typo;

use std::collections::HashSet;

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

pub use parse::{parse, Clause, MAX_WORDS};

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

/// Terms to mark in snippets and documents, per analyser.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    pub da: HashSet<String>,
    pub en: HashSet<String>,
    pub fold: HashSet<String>,
    /// Danish stems that may appear inside compounds.
    pub parts: Vec<String>,
    /// Distinct content words of the query: a snippet window with this many distinct matches
    /// cannot be improved on (unless the query quotes a phrase, which a window should show whole).
    pub words: usize,
    /// The query quotes a phrase: windows where matches stand side by side are better.
    pub phrase: bool,
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
    /// The glossary translations the query was expanded with, each with the query that finds
    /// it (to tell which ones the shown documents matched).
    pub expansions: Vec<(UsedExpansion, Box<dyn Query>)>,
}

/// Builds the plan for `raw`. `expand` turns glossary translations on.
pub fn plan(raw: &str, fields: &Fields, searcher: &Searcher, expand: bool) -> Plan {
    plan_as_typed(raw, fields, searcher, expand, false)
}

/// The plan for a query still being typed when `prefix` is set: its last word, unless a space,
/// a quote or a `-` makes it finished or special, also matches the indexed terms it begins
/// ([`PREFIX_TERMS`] most frequent per field), so `frivil` finds `frivillig` and
/// `frivilligudvalg`.
pub fn plan_as_typed(
    raw: &str,
    fields: &Fields,
    searcher: &Searcher,
    expand: bool,
    prefix: bool,
) -> Plan {
    let clauses = parse(raw);
    let typing = prefix
        && !raw.ends_with(char::is_whitespace)
        && clauses.last().is_some_and(|c| !c.quoted && !c.excluded);
    Builder {
        fields,
        searcher,
        highlight: Highlight::default(),
        expansions: Vec::new(),
        typing,
    }
    .build(&clauses, expand)
}

/// Terms a word being typed is completed to, per field.
pub const PREFIX_TERMS: usize = 16;
/// A word being typed is completed from this many characters on.
pub const PREFIX_MIN_CHARS: usize = 3;

struct Builder<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    highlight: Highlight,
    expansions: Vec<(UsedExpansion, Box<dyn Query>)>,
    /// The query's last word is being typed (see [`plan_as_typed`]).
    typing: bool,
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
        let typed = self.typing.then(|| free_run.last().cloned()).flatten();
        self.flush_free(&mut free_run, &mut units, &mut loose, expand);
        if let Some(word) = typed.filter(|w| w.chars().count() >= PREFIX_MIN_CHARS) {
            // The unit that holds the last word (its word, or a glossary span ending in it).
            if let Some(last) = units.pop() {
                let completed = self.completed(last, &word);
                if let Some(l) = loose.last_mut() {
                    *l = completed.clone_unit();
                }
                units.push(completed);
            }
        }

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
        if !self.expansions.iter().any(|(known, _)| *known == used) {
            // What names the translation in "Also searched": the words themselves, not a
            // compound that holds them (`samfund` inside `civilsamfund`).
            let f = self.fields;
            let analyzer = Analyzer::of(lang);
            let itself: Box<dyn Query> = Box::new(BooleanQuery::union(vec![
                self::phrase(f.title_field(lang), analyzer, &words, 0, 1.0),
                self::phrase(f.body_field(lang), analyzer, &words, 0, 1.0),
            ]));
            self.expansions.push((used, itself));
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
        let mut direct: Vec<Box<dyn Query>> = vec![
            term(f.title_da, &da, TITLE_BOOST),
            term(f.body_da, &da, 1.0),
            term(f.title_en, &en, TITLE_BOOST),
            term(f.body_en, &en, 1.0),
        ];
        // `aa` and `å` are one letter in Danish spelling (`Aarhus`, `Århus`; `Aalborg`): the
        // other spelling is the same word, in the same tier, not a lossy fold.
        let other = analysis::aa_spelling(lower)
            .map(|other| (analysis::stem_da(&other), analysis::stem_en(&other)));
        if let Some((other_da, other_en)) = &other {
            self.highlight.da.insert(other_da.clone());
            self.highlight.en.insert(other_en.clone());
        }
        let df = |field: Field, t: &str| self.doc_freq(field, t);
        let mut in_bodies = df(f.body_da, &da) + df(f.body_en, &en);
        let mut exact = in_bodies + df(f.title_da, &da) + df(f.title_en, &en);
        if let Some((other_da, other_en)) = &other {
            for (field, t, boost) in [
                (f.title_da, other_da, TITLE_BOOST),
                (f.body_da, other_da, 1.0),
                (f.title_en, other_en, TITLE_BOOST),
                (f.body_en, other_en, 1.0),
            ] {
                let n = df(field, t);
                if n > 0 {
                    direct.push(term(field, t, boost));
                    exact += n;
                    if field == f.body_da || field == f.body_en {
                        in_bodies += n;
                    }
                }
            }
        }
        let mut should: Vec<Box<dyn Query>> = direct.iter().map(|q| q.box_clone()).collect();
        let fold_df: u64 = f.folded_view().iter().map(|&field| df(field, &fold)).sum();
        // The folded view reaches documents the exact terms may not only through `fold_extra`
        // and the language fields whose own term for the word is not the folded one.
        let mut reach = df(f.fold, &fold);
        if fold != da {
            reach += df(f.title_da, &fold) + df(f.body_da, &fold);
        }
        if fold != en {
            reach += df(f.title_en, &fold) + df(f.body_en, &fold);
        }
        // The folded term finds `København` for `kobenhavn`. When what only it can reach is
        // rarer than the exact terms and the word has nothing to fold, it would mostly add
        // inflections of common words (`sorter` to `sort`) and work.
        if analysis::respelled(lower) || (reach > 0 && reach >= in_bodies) {
            // One term query per field rather than a `FoldQuery`: tantivy can skip blocks of a
            // union of plain term queries (block-max WAND) but not of a custom scorer, and a
            // known word's folded view mostly lies in fields its exact terms search already.
            for field in f.folded_view() {
                should.push(term(field, &fold, FOLD_BOOST));
            }
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
                let distance: u8 = if chars >= 9 { 2 } else { 1 };
                // One automaton per distinct stem: building one for two edits is the costly part.
                let mut automata: Vec<(&str, levenshtein_automata::DFA)> = Vec::new();
                for (field, stem, lang) in [
                    (f.body_da, &da, Some(Lang::Da)),
                    (f.body_en, &en, Some(Lang::En)),
                    (f.fold, &fold, None),
                ] {
                    if !automata.iter().any(|(s, _)| s == stem) {
                        automata.push((stem, typo::automaton(stem, distance)));
                    }
                    let Some((_, dfa)) = automata.iter().find(|(s, _)| s == stem) else {
                        continue;
                    };
                    let Some(lang) = lang else {
                        // Folded spellings are in `fold_extra` and, where they equal the
                        // language term, in the language fields: close ones are looked for in
                        // all, and scored as one field (`FoldQuery`).
                        let mut candidates: Vec<String> = Vec::new();
                        for field in [f.fold, f.body_da, f.body_en] {
                            for c in typo::close_terms(self.searcher, field, dfa, stem, distance) {
                                if !candidates.contains(&c) {
                                    candidates.push(c);
                                }
                            }
                        }
                        for candidate in candidates {
                            should.push(self.folded(&candidate, FUZZY_BOOST));
                            self.highlight.fold.insert(candidate);
                        }
                        continue;
                    };
                    for candidate in typo::close_terms(self.searcher, field, dfa, stem, distance) {
                        should.push(term(field, &candidate, FUZZY_BOOST));
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
        self.highlight.phrase = true;
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
        let analyzer = Analyzer::of(lang);
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
        let parts = crate::compound::split_word(lower, &known)?;
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

    /// A folded term in every field that holds folded terms ([`fold::FoldQuery`]).
    fn folded(&self, text: &str, boost: f32) -> Box<dyn Query> {
        Box::new(BoostQuery::new(
            Box::new(fold::FoldQuery::new(self.fields, text)),
            boost,
        ))
    }

    /// `unit` (the last word, being typed) or any indexed term that begins with it, in the
    /// language fields and the folded view; the completions are marked in snippets too.
    fn completed(&mut self, unit: Unit, lower: &str) -> Unit {
        let f = *self.fields;
        let folded = Analyzer::Fold.term(lower);
        let mut completions: Vec<Box<dyn Query>> = Vec::new();
        for (field, begun, boost) in [
            (f.title_da, lower, TITLE_BOOST),
            (f.body_da, lower, 1.0),
            (f.title_en, lower, TITLE_BOOST),
            (f.body_en, lower, 1.0),
            (f.fold, folded.as_str(), FOLD_BOOST),
        ] {
            for t in typo::terms_beginning(self.searcher, field, begun, PREFIX_TERMS) {
                if field == f.body_da || field == f.title_da {
                    self.highlight.da.insert(t.clone());
                } else if field == f.fold {
                    self.highlight.fold.insert(t.clone());
                } else {
                    self.highlight.en.insert(t.clone());
                }
                completions.push(term(field, &t, boost));
            }
        }
        if completions.is_empty() {
            return unit;
        }
        let any: Box<dyn Query> = Box::new(BooleanQuery::union(completions));
        Unit {
            full: Box::new(BooleanQuery::union(vec![unit.full, any.box_clone()])),
            direct: Box::new(BooleanQuery::union(vec![unit.direct, any])),
            optional: false,
            alternatives: unit.alternatives,
        }
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
