//! From what a user typed to a tantivy query: parsing ([`parse`]), then expansion and ranking rules.
//!
//! A word is searched in both languages' fields at once, with lower-weighted alternatives: the
//! folded view ([`fold`]), Danish compound parts, close spellings ([`typo`]) when the word itself
//! is nowhere in the index, and glossary translations into the other language. Content words are
//! required; a sloppy phrase of the words adds proximity; the word as typed (its form, unstemmed)
//! adds score over its other inflections; and a relaxed variant (any word) fills pages strict
//! matching cannot.
//!
//! The ranking tiers come with the query ([`Tiered`], sorted by [`crate::rank`]): first the
//! documents that match every word with the reader's own spelling in the reader's language
//! ([`language`]), then those that match every word in that language in any way (inflection,
//! compound part, folding, a typo), then the rest (translations, the other language's text).

pub(crate) mod checks;
mod fold;
mod language;
mod parse;
pub mod question;
pub(crate) mod typo;

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{self, Analyzer};
use crate::compound::MIN_PART_CHARS;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::schema::{Fields, TermField};

pub use checks::{Found, WordCheck};
pub use parse::{parse, Clause, MAX_WORDS};

const TITLE_BOOST: f32 = 3.0;
const FOLD_BOOST: f32 = 0.3;
const PARTS_BOOST: f32 = 0.45;
const FUZZY_BOOST: f32 = 0.25;
const TRANSLATION_BOOST: f32 = 0.5;
/// The query's word form, unstemmed, in `forms`: `volunteering` above `volunteer` for
/// `volunteering`, within a tier.
const FORM_BOOST: f32 = 0.5;
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
        if self.da.insert(Analyzer::Da.term(lower)) && !analysis::is_stop_word(lower) {
            self.words += 1;
        }
        self.en.insert(Analyzer::En.term(lower));
        self.fold.insert(Analyzer::Fold.term(lower));
        if lower.chars().count() >= MIN_PART_CHARS {
            self.parts.push(Analyzer::Da.term(lower));
        }
    }

    /// Another spelling of a word already added (`aarhus` for `århus`): its language terms.
    fn add_spelling(&mut self, lower: &str) {
        self.da.insert(Analyzer::Da.term(lower));
        self.en.insert(Analyzer::En.term(lower));
    }

    /// A term of `lang`'s analyser.
    fn insert(&mut self, lang: Lang, term: String) {
        match lang {
            Lang::Da => self.da.insert(term),
            Lang::En => self.en.insert(term),
        };
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

/// A query and its ranking tiers: yes/no queries, best first, that order the documents the query
/// finds before their scores do ([`crate::rank`]).
pub struct Tiered {
    pub query: Box<dyn Query>,
    pub tiers: Vec<Box<dyn Query>>,
    /// The documents in the reader's language, preferred within a tier
    /// ([`crate::rank::PREFERRED`]): where both editions of a text match alike, or an English
    /// passage quoted in a Danish manual matches an English question, the reader's edition
    /// comes first; a clearly better match in the other language still wins.
    pub prefer: Option<Box<dyn Query>>,
    /// The documents with every word, when `query` is lenient and asks for fewer
    /// ([`words_needed`]): what `complete` counts.
    pub every: Option<Box<dyn Query>>,
}

/// Everything the search needs from a query.
pub struct Plan {
    /// `None` for a query with no words.
    pub query: Option<Tiered>,
    /// The same query with any single word sufficing, documents with every word first; used
    /// when `query` finds too few.
    pub relaxed: Option<Tiered>,
    /// The reader's language as the query's words tell it; `None` when they tell both or
    /// neither.
    pub lang: Option<Lang>,
    pub highlight: Highlight,
    /// The glossary translations the query was expanded with, each with the query that finds
    /// it (to tell which ones the shown documents matched).
    pub expansions: Vec<(UsedExpansion, Box<dyn Query>)>,
    /// Each word's alternatives by kind, to tell how a hit matched it ([`checks`]).
    pub checks: Vec<WordCheck>,
    /// The query's words are many, and a document may lack some of them ([`words_needed`]).
    pub lenient: bool,
}

/// How many of a query's `n` required words a document must have: all of a short query's, all
/// but a quarter of a long one's (from four words on). A question names its subject among
/// words of its own (`properly`, `længere`, `bagefter`) that the page answering it need not use.
pub fn words_needed(n: usize) -> usize {
    if n >= 4 {
        n - n / 4
    } else {
        n
    }
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
    let mut builder = Builder {
        fields,
        searcher,
        highlight: Highlight::default(),
        expansions: Vec::new(),
        typing,
        reader: None,
        doc_freqs: Default::default(),
        checks: Vec::new(),
        content: clauses
            .iter()
            .filter(|c| !c.excluded)
            .flat_map(|c| &c.words)
            .any(|w| !analysis::is_stop_word(w)),
    };
    builder.reader = builder.language(&clauses);
    builder.build(&clauses, expand)
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
    /// The reader's language ([`language`]); `None` for both.
    reader: Option<Lang>,
    doc_freqs: std::cell::RefCell<std::collections::HashMap<Term, u64>>,
    /// Per word, in the order of the query ([`checks`]).
    checks: Vec<WordCheck>,
    /// The query has words besides function words: those are then not marked as found (`er`,
    /// `hvordan` in a snippet say nothing of why a hit matched).
    content: bool,
}

/// One required piece of the query: everything that may satisfy it, and the parts of that which
/// decide its ranking tier.
struct Unit {
    full: Box<dyn Query>,
    /// The reader's own spelling (or its `aa`/`å` twin) in the reader's language's fields.
    direct: Box<dyn Query>,
    /// Any match in the reader's language: `direct`, inflections, folding, compound parts,
    /// close spellings; not translations, not the other language's text.
    native: Box<dyn Query>,
    /// A function word: neither required nor scored (see [`Builder::build`]).
    optional: bool,
    /// `full` can match where `direct` does not.
    alternatives: bool,
}

impl Unit {
    fn clone_unit(&self) -> Unit {
        Unit {
            full: self.full.box_clone(),
            direct: self.direct.box_clone(),
            native: self.native.box_clone(),
            optional: self.optional,
            alternatives: self.alternatives,
        }
    }
}

/// A query's alternatives sorted by what they say about the match: all of them, those in the
/// reader's language, and the reader's own spellings there.
#[derive(Default)]
struct Alternatives {
    all: Vec<Box<dyn Query>>,
    native: Vec<Box<dyn Query>>,
    direct: Vec<Box<dyn Query>>,
    /// Queries that add score to matches the others make, and find nothing new.
    scoring: Vec<Box<dyn Query>>,
}

impl Alternatives {
    /// Adds `other`'s alternatives to these.
    fn absorb(&mut self, other: Alternatives) {
        self.all.extend(other.all);
        self.native.extend(other.native);
        self.direct.extend(other.direct);
        self.scoring.extend(other.scoring);
    }

    fn into_unit(self, optional: bool) -> Unit {
        Unit {
            alternatives: self.all.len() > self.direct.len(),
            full: Box::new(BooleanQuery::union(
                self.all.into_iter().chain(self.scoring).collect(),
            )),
            direct: Box::new(BooleanQuery::union(self.direct)),
            native: Box::new(BooleanQuery::union(self.native)),
            optional,
        }
    }
}

fn clones(queries: &[Box<dyn Query>]) -> Vec<Box<dyn Query>> {
    queries.iter().map(|q| q.box_clone()).collect()
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
                let saved = (self.highlight.clone(), self.checks.len());
                excluded.push(self.phrase_or_word(words).full);
                self.highlight = saved.0;
                self.checks.truncate(saved.1);
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
                lang: self.reader,
                highlight: self.highlight,
                expansions: self.expansions,
                checks: self.checks,
                lenient: false,
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
        // Function words neither decide nor score: `hvordan`, `kan jeg`, `how do I` say what kind
        // of answer is wanted, not what it is about, and a page that repeats them is no better
        // for it. They stay in the proximity boost, where they join the words of a phrase.
        units.retain(|u| !u.optional);
        // Without fallbacks every match is direct, and the tiers would only repeat the query.
        let tiered = units.iter().chain(&loose).any(|u| u.alternatives);
        let mut full = Vec::new();
        let mut direct = Vec::new();
        let mut native = Vec::new();
        for u in units {
            full.push(u.full);
            direct.push(u.direct);
            native.push(u.native);
        }
        let need = words_needed(full.len());
        let lenient = need < full.len();
        let every = lenient.then(|| at_least(clones(&full), usize::MAX));
        let core = at_least(full, need);
        let mut tiers = if tiered {
            vec![at_least(direct, need), at_least(native, need)]
        } else {
            Vec::new()
        };
        // The reader's edition: the documents in the reader's language that match in it. Where a
        // Danish manual quotes an English passage, an English question gets the English edition,
        // however short and dense the quoted passage scores; a weak English text is no better an
        // answer to `social housing` than a Danish one on `almene boliger`.
        let prefer = self.reader.map(|reader| {
            let lang = term_query(Term::from_field_text(self.fields.lang, reader.code()));
            match tiers.last() {
                Some(native) => at_least(vec![native.box_clone(), lang], 2),
                None => lang,
            }
        });
        let loose: Vec<Unit> = loose.into_iter().filter(|u| !u.optional).collect();
        // Documents with (nearly) every word first, in the strict query's tiers; the others by
        // score.
        let mut relaxed_tiers = vec![core.box_clone()];
        relaxed_tiers.extend(tiers.iter().map(|t| t.box_clone()));
        // The strict query's last tier: among the documents with the words, the reader's edition.
        if let Some(prefer) = &prefer {
            tiers.push(prefer.box_clone());
        }
        let relaxed = (loose.len() > 1).then(|| {
            let any: Vec<_> = loose.into_iter().map(|u| u.full).collect();
            Tiered {
                query: wrap(at_least(any, 1), proximity.as_deref(), &excluded),
                tiers: relaxed_tiers,
                prefer: prefer.as_ref().map(|p| p.box_clone()),
                every: None,
            }
        });
        Plan {
            query: Some(Tiered {
                query: wrap(core, proximity.as_deref(), &excluded),
                tiers,
                prefer,
                every,
            }),
            relaxed,
            lang: self.reader,
            highlight: self.highlight,
            expansions: self.expansions,
            checks: self.checks,
            lenient,
        }
    }

    /// The reader's language, from the words of the query ([`language`]).
    fn language(&self, clauses: &[Clause]) -> Option<Lang> {
        let docs = |code: &str| self.raw_df(self.fields.lang, code);
        let (da_docs, en_docs) = (docs(Lang::Da.code()), docs(Lang::En.code()));
        let words = clauses
            .iter()
            .filter(|c| !c.excluded)
            .flat_map(|c| &c.words)
            .map(|lower| {
                let mut seen = language::Occurrences {
                    da_docs,
                    en_docs,
                    ..Default::default()
                };
                let spellings = std::iter::once(lower.clone()).chain(analysis::aa_spelling(lower));
                // Documents, as far as frequencies tell: a document with the word in its title
                // and its text is one, so each language counts its field with the most.
                for w in spellings {
                    let (mut da, mut en) = (0, 0);
                    for field in TermField::LANGUAGE.into_iter().chain([TermField::Parts]) {
                        match field.lang() {
                            Some(Lang::Da) => da = da.max(self.df(field, &w)),
                            Some(Lang::En) => en = en.max(self.df(field, &w)),
                            None => {}
                        }
                    }
                    seen.in_da += da;
                    seen.in_en += en;
                }
                language::of_word(lower, seen)
            });
        language::of_query(words)
    }

    /// Whether a match in `lang`'s fields (`None`: a field of both) is in the reader's language.
    fn native(&self, lang: Option<Lang>) -> bool {
        match (self.reader, lang) {
            (Some(reader), Some(lang)) => reader == lang,
            _ => true,
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
            self.translations(run)
        } else {
            Vec::new()
        };
        let first_check = self.checks.len();
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
            // A glossary entry of several words is a concept: written as a phrase it is the
            // reader's own match; its words apart match only as well as its translation does.
            let full = words[i..end].iter().map(|u| u.full.box_clone()).collect();
            let together = self.together(&run[i..end]);
            let apart = Box::new(BoostQuery::new(
                at_least(full, usize::MAX),
                TRANSLATION_BOOST,
            ));
            // (The phrase needs no alternative of its own: the words apart find it, and the
            // proximity boost scores it.)
            let mut alternatives: Vec<Box<dyn Query>> = vec![apart];
            for e in here {
                let q = self.translation(&e.phrase, e.lang, &run[i..end].join(" "));
                for check in self.checks.iter_mut().skip(first_check + i).take(end - i) {
                    check.translated.push(q.box_clone());
                }
                alternatives.push(q);
            }
            units.push(Unit {
                full: Box::new(BooleanQuery::union(alternatives)),
                direct: together.box_clone(),
                native: together,
                optional: false,
                alternatives: true,
            });
            i = end;
        }
        run.clear();
    }

    /// The glossary's translations of `words` out of the reader's language: a query read as
    /// English is not translated as if it were Danish (`offer`, a Danish "victim"; `motion`,
    /// Danish "exercise"), nor the other way round.
    fn translations(&self, words: &[String]) -> Vec<crate::glossary::Expansion> {
        let mut found = Glossary::global().expand(words);
        found.retain(|e| self.reader.is_none_or(|reader| e.lang != reader));
        found
    }

    /// A word with its single-word glossary translations as alternatives.
    fn translated_word(&mut self, lower: &str, expand: bool) -> Unit {
        let unit = self.word(lower);
        if !expand || unit.optional {
            return unit;
        }
        let translations: Vec<Box<dyn Query>> = self
            .translations(&[lower.to_string()])
            .into_iter()
            .map(|e| self.translation(&e.phrase, e.lang, lower))
            .collect();
        if translations.is_empty() {
            return unit;
        }
        if let Some(check) = self.checks.last_mut() {
            check
                .translated
                .extend(translations.iter().map(|q| q.box_clone()));
        }
        let mut alternatives = vec![unit.full];
        alternatives.extend(translations);
        Unit {
            full: Box::new(BooleanQuery::union(alternatives)),
            direct: unit.direct,
            native: unit.native,
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
            let itself: Box<dyn Query> = Box::new(BooleanQuery::union(vec![
                self.phrase(TermField::Title(lang), &words, 0, 1.0),
                self.phrase(TermField::Body(lang), &words, 0, 1.0),
            ]));
            self.expansions.push((used, itself));
        }
        Box::new(BoostQuery::new(
            self.in_language(&words, lang),
            TRANSLATION_BOOST,
        ))
    }

    /// Adds one alternative of a word: a query in `lang`'s fields (`None`: fields of both), the
    /// reader's own spelling when `own`.
    fn alternative(&self, to: &mut Alternatives, q: Box<dyn Query>, lang: Option<Lang>, own: bool) {
        if self.native(lang) {
            if own {
                to.direct.push(q.box_clone());
            }
            to.native.push(q.box_clone());
        }
        to.all.push(q);
    }

    /// A single word in every field, with its fallbacks.
    fn word(&mut self, lower: &str) -> Unit {
        let quiet = self.content && analysis::is_stop_word(lower);
        let marked = quiet.then(|| self.highlight.clone());
        let unit = self.word_unit(lower);
        if let Some(marked) = marked {
            self.highlight = marked;
        }
        unit
    }

    fn word_unit(&mut self, lower: &str) -> Unit {
        self.highlight.add_word(lower);
        let mut to = Alternatives::default();
        for field in TermField::LANGUAGE {
            let q = self.term(field, lower, weight(field));
            self.alternative(&mut to, q, field.lang(), true);
        }
        // `aa` and `å` are one letter in Danish spelling (`Aarhus`, `Århus`; `Aalborg`): the
        // other spelling is the same word, in the same tier, not a lossy fold.
        let aa = analysis::aa_spelling(lower);
        // The word as typed (in either spelling) scores above its other inflections: not a
        // tier of its own, as the stems above already find it.
        if !analysis::is_stop_word(lower) {
            for form in std::iter::once(lower).chain(aa.as_deref()) {
                to.scoring
                    .push(self.term(TermField::Forms, form, FORM_BOOST));
                let in_title = analysis::title_form(form);
                to.scoring
                    .push(self.raw(TermField::Forms, &in_title, FORM_BOOST * TITLE_BOOST));
            }
        }
        let body = |lang| TermField::Body(lang);
        let mut in_bodies = self.df(body(Lang::Da), lower) + self.df(body(Lang::En), lower);
        let mut exact = in_bodies
            + self.df(TermField::Title(Lang::Da), lower)
            + self.df(TermField::Title(Lang::En), lower);
        if let Some(other) = &aa {
            self.highlight.add_spelling(other);
            for field in TermField::LANGUAGE {
                let n = self.df(field, other);
                if n > 0 {
                    let q = self.term(field, other, weight(field));
                    self.alternative(&mut to, q, field.lang(), true);
                    exact += n;
                    if matches!(field, TermField::Body(_)) {
                        in_bodies += n;
                    }
                }
            }
        }
        let fold = Analyzer::Fold.term(lower);
        let fold_df: u64 = TermField::FOLDED_VIEW
            .iter()
            .map(|&field| self.raw_df_in(field, &fold))
            .sum();
        // The folded view reaches documents the exact terms may not only through `Fold` and the
        // language fields whose own term for the word is not the folded one.
        let mut reach = self.raw_df_in(TermField::Fold, &fold);
        for field in TermField::LANGUAGE {
            if field.analyzer().term(lower) != fold {
                reach += self.raw_df_in(field, &fold);
            }
        }
        // The folded term finds `København` for `kobenhavn`. When what only it can reach is
        // rarer than the exact terms and the word has nothing to fold, it would mostly add
        // inflections of common words (`sorter` to `sort`) and work.
        if analysis::respelled(lower) || (reach > 0 && reach >= in_bodies) {
            // One term query per field rather than a `FoldQuery`: tantivy can skip blocks of a
            // union of plain term queries (block-max WAND) but not of a custom scorer, and a
            // known word's folded view mostly lies in fields its exact terms search already.
            for field in TermField::FOLDED_VIEW {
                let q = self.raw(field, &fold, FOLD_BOOST);
                self.alternative(&mut to, q, field.lang(), false);
            }
        }
        // The other way round: a query with Danish letters also finds documents that spell the
        // word in ASCII (`ældre` → `aeldre`), by its folded spelling in the exact fields.
        if analysis::respelled(lower) {
            let ascii = analysis::fold(lower);
            if ascii != lower {
                for field in [body(Lang::Da), body(Lang::En)] {
                    if self.df(field, &ascii) > 0 {
                        let q = self.term(field, &ascii, FOLD_BOOST);
                        self.alternative(&mut to, q, field.lang(), false);
                    }
                }
            }
        }
        let chars = lower.chars().count();
        if chars >= MIN_PART_CHARS && self.df(TermField::Parts, lower) > 0 {
            let q = self.term(TermField::Parts, lower, PARTS_BOOST);
            self.alternative(&mut to, q, TermField::Parts.lang(), false);
        }
        // Close spellings only for a word no document holds; they are told apart from the word
        // itself, for what a hit says of how it matched.
        let mut spelt = Alternatives::default();
        if chars >= 5 && !lower.chars().any(|c| c.is_ascii_digit()) && exact + fold_df == 0 {
            self.close_spellings(lower, &mut spelt);
            if let Some(parts) = self.decompound(lower) {
                let q = Box::new(BoostQuery::new(parts, PARTS_BOOST));
                self.alternative(&mut to, q, Some(Lang::Da), false);
            }
        }
        let optional = analysis::is_stop_word(lower);
        let mut check = WordCheck::new(lower, optional, clones(&to.all));
        check.close = clones(&spelt.all);
        self.checks.push(check);
        to.absorb(spelt);
        to.into_unit(optional)
    }

    /// Close spellings of a word that is in no field: 1 edit from 5 letters, 2 from 9, in each
    /// language's body (and title) and in the folded view; and the parts of a compound the index
    /// lacks.
    fn close_spellings(&mut self, lower: &str, to: &mut Alternatives) {
        let distance: u8 = if lower.chars().count() >= 9 { 2 } else { 1 };
        // One automaton per distinct term: building one for two edits is the costly part.
        let mut automata: Vec<(String, levenshtein_automata::DFA)> = Vec::new();
        for field in [
            TermField::Body(Lang::Da),
            TermField::Body(Lang::En),
            TermField::Fold,
        ] {
            let stem = field.analyzer().term(lower);
            if !automata.iter().any(|(s, _)| *s == stem) {
                let dfa = typo::automaton(&stem, distance);
                automata.push((stem.clone(), dfa));
            }
            let Some((_, dfa)) = automata.iter().find(|(s, _)| *s == stem) else {
                continue;
            };
            let close = |in_field: TermField| {
                let field = self.fields.get(in_field);
                typo::close_terms(self.searcher, field, dfa, &stem, distance)
            };
            let Some(lang) = field.lang() else {
                // Folded spellings are in `Fold` and, where they equal the language term, in the
                // language fields: close ones are looked for in all, and scored as one field
                // (`FoldQuery`).
                let mut candidates: Vec<String> = Vec::new();
                for in_field in [
                    TermField::Fold,
                    TermField::Body(Lang::Da),
                    TermField::Body(Lang::En),
                ] {
                    for c in close(in_field) {
                        if !candidates.contains(&c) {
                            candidates.push(c);
                        }
                    }
                }
                for candidate in candidates {
                    let q = self.folded(&candidate, FUZZY_BOOST);
                    self.alternative(to, q, None, false);
                    self.highlight.fold.insert(candidate);
                }
                continue;
            };
            for candidate in close(field) {
                let title = TermField::Title(lang);
                let in_body = self.raw(field, &candidate, FUZZY_BOOST);
                let in_title = self.raw(title, &candidate, FUZZY_BOOST * TITLE_BOOST);
                self.alternative(to, in_body, Some(lang), false);
                self.alternative(to, in_title, Some(lang), false);
                self.highlight.insert(lang, candidate);
            }
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
        let together = self.together(words);
        let q: Box<dyn Query> = Box::new(BooleanQuery::union(
            TermField::LANGUAGE
                .into_iter()
                .map(|field| self.phrase(field, words, 0, weight(field)))
                .collect(),
        ));
        self.checks
            .push(WordCheck::new(&words.join(" "), false, vec![q.box_clone()]));
        Unit {
            full: q,
            direct: together.box_clone(),
            native: together,
            optional: false,
            alternatives: self.reader.is_some(),
        }
    }

    /// Words side by side, in the reader's language's fields.
    fn together(&self, words: &[String]) -> Box<dyn Query> {
        Box::new(BooleanQuery::union(
            TermField::LANGUAGE
                .into_iter()
                .filter(|field| self.native(field.lang()))
                .map(|field| self.phrase(field, words, 0, weight(field)))
                .collect(),
        ))
    }

    /// A (translated) phrase or word in one language's fields only.
    fn in_language(&self, words: &[String], lang: Lang) -> Box<dyn Query> {
        let mut alternatives = vec![
            self.phrase(TermField::Title(lang), words, 0, TITLE_BOOST),
            self.phrase(TermField::Body(lang), words, 0, 1.0),
        ];
        if lang == Lang::Da && words.len() == 1 {
            alternatives.push(self.term(TermField::Parts, &words[0], PARTS_BOOST));
        }
        Box::new(BooleanQuery::union(alternatives))
    }

    fn highlight_in(&mut self, lower: &str, lang: Lang) {
        self.highlight.insert(lang, lang.analyzer().term(lower));
        if lang == Lang::Da && lower.chars().count() >= MIN_PART_CHARS {
            self.highlight.parts.push(Analyzer::Da.term(lower));
        }
    }

    /// All the free words near each other, in order, in either language's body.
    fn proximity(&self, words: &[String]) -> Box<dyn Query> {
        // Titles are short, so their positions are cheap to check for any query length; bodies
        // only for short queries.
        let mut near = vec![
            self.phrase(
                TermField::Title(Lang::Da),
                words,
                PROXIMITY_SLOP,
                TITLE_BOOST,
            ),
            self.phrase(
                TermField::Title(Lang::En),
                words,
                PROXIMITY_SLOP,
                TITLE_BOOST,
            ),
        ];
        if words.len() <= MAX_BODY_PROXIMITY_WORDS {
            near.push(self.phrase(TermField::Body(Lang::Da), words, PROXIMITY_SLOP, 1.0));
            near.push(self.phrase(TermField::Body(Lang::En), words, PROXIMITY_SLOP, 1.0));
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
        const DANISH: [TermField; 3] = [
            TermField::Title(Lang::Da),
            TermField::Body(Lang::Da),
            TermField::Parts,
        ];
        let known = |part: &str| {
            DANISH
                .iter()
                .map(|&field| self.df(field, part))
                .sum::<u64>()
                > 0
        };
        let parts = crate::compound::split_word(lower, &known)?;
        let mut each: Vec<Box<dyn Query>> = Vec::new();
        for part in parts {
            let stem = Analyzer::Da.term(part);
            self.highlight.da.insert(stem.clone());
            self.highlight.parts.push(stem);
            each.push(Box::new(BooleanQuery::union(
                DANISH
                    .into_iter()
                    .map(|field| {
                        let boost = match field {
                            TermField::Parts => PARTS_BOOST,
                            field => weight(field),
                        };
                        self.term(field, part, boost)
                    })
                    .collect(),
            )));
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
        let folded = Analyzer::Fold.term(lower);
        let mut to = Alternatives::default();
        for field in TermField::LANGUAGE.into_iter().chain([TermField::Fold]) {
            let (begun, boost) = match field {
                TermField::Fold => (folded.as_str(), FOLD_BOOST),
                field => (lower, weight(field)),
            };
            let begins =
                typo::terms_beginning(self.searcher, self.fields.get(field), begun, PREFIX_TERMS);
            for t in begins {
                match field.lang() {
                    Some(lang) => self.highlight.insert(lang, t.clone()),
                    None => {
                        self.highlight.fold.insert(t.clone());
                    }
                }
                let q = self.raw(field, &t, boost);
                self.alternative(&mut to, q, field.lang(), true);
            }
        }
        if to.all.is_empty() {
            return unit;
        }
        if let Some(check) = self.checks.last_mut() {
            check.plain.extend(clones(&to.all));
        }
        to.all.push(unit.full);
        to.direct.push(unit.direct);
        to.native.push(unit.native);
        to.into_unit(false)
    }

    /// A lowercased word's term query in `field` (made by the field's analyser).
    fn term(&self, field: TermField, lower: &str, boost: f32) -> Box<dyn Query> {
        boosted(term_query(self.fields.term(field, lower)), boost)
    }

    /// A query for a term already made (read from `field`'s dictionary, or folded).
    fn raw(&self, field: TermField, term: &str, boost: f32) -> Box<dyn Query> {
        boosted(term_query(self.fields.raw_term(field, term)), boost)
    }

    /// Words side by side (`slop` words apart at most) in `field`.
    fn phrase(&self, field: TermField, words: &[String], slop: u32, boost: f32) -> Box<dyn Query> {
        let terms: Vec<(usize, Term)> = words
            .iter()
            .map(|w| self.fields.term(field, w))
            .enumerate()
            .collect();
        let q: Box<dyn Query> = match terms.as_slice() {
            [(_, t)] => term_query(t.clone()),
            _ => Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)),
        };
        boosted(q, boost)
    }

    /// Documents whose `field` holds a lowercased word.
    fn df(&self, field: TermField, lower: &str) -> u64 {
        self.term_df(self.fields.term(field, lower))
    }

    /// Documents whose `field` holds a term already made.
    fn raw_df_in(&self, field: TermField, term: &str) -> u64 {
        self.raw_df(self.fields.get(field), term)
    }

    fn raw_df(&self, field: Field, term: &str) -> u64 {
        self.term_df(Term::from_field_text(field, term))
    }

    /// A term's document frequency, looked up once per query (the language vote and the
    /// word's alternatives ask for the same ones).
    fn term_df(&self, term: Term) -> u64 {
        if let Some(&n) = self.doc_freqs.borrow().get(&term) {
            return n;
        }
        let n = self.searcher.doc_freq(&term).unwrap_or(0);
        self.doc_freqs.borrow_mut().insert(term, n);
        n
    }
}

/// The weight of a match in `field`: titles count three times.
fn weight(field: TermField) -> f32 {
    match field {
        TermField::Title(_) => TITLE_BOOST,
        _ => 1.0,
    }
}

/// Adds the proximity boost and exclusions around a core query.
fn wrap(
    core: Box<dyn Query>,
    proximity: Option<&dyn Query>,
    excluded: &[Box<dyn Query>],
) -> Box<dyn Query> {
    let mut clauses = vec![(Occur::Must, core)];
    if let Some(p) = proximity {
        clauses.push((Occur::Should, p.box_clone()));
    }
    for e in excluded {
        clauses.push((Occur::MustNot, e.box_clone()));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Restricts `query` to documents whose `field` is `value`, without changing scores.
pub fn filtered(query: Box<dyn Query>, filters: &[(Field, &str)]) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
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
    Box::new(BooleanQuery::new(clauses))
}

fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}
