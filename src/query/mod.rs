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

mod at_least;
mod builder;
pub(crate) mod checks;
mod fold;
mod language;
mod parse;
mod phrase;
pub mod question;
mod terms;
pub(crate) mod typo;
mod word;

use std::collections::HashSet;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::access::{Audience, Visibility};
use crate::analysis::{self, Analyzer};
use crate::compound::MIN_PART_CHARS;
use crate::glossary::editorial::Editorial;
use crate::lang::Lang;
use crate::schema::Fields;

use builder::Builder;
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
    /// For a question that asks how to do something, the documents with numbered steps
    /// ([`crate::rank::STEPS`]), preferred within a tier.
    pub steps: Option<Box<dyn Query>>,
    /// The documents with every word, when `query` is lenient and asks for fewer
    /// ([`words_needed`]): what `complete` counts.
    pub every: Option<Box<dyn Query>>,
    /// Score added to the documents `query` finds, found only for those that could still enter
    /// the top ([`crate::rank`]): the proximity of the words.
    pub bonus: Option<Bonus>,
}

impl Tiered {
    /// The documents whose scores are multiplied within their tier, and by how much
    /// ([`crate::rank::ByTier::new`]).
    pub fn preferences(&self) -> Vec<(&dyn Query, tantivy::Score)> {
        let prefer = self.prefer.as_deref().map(|q| (q, crate::rank::PREFERRED));
        let steps = self.steps.as_deref().map(|q| (q, crate::rank::STEPS));
        prefer.into_iter().chain(steps).collect()
    }
}

/// A query that only adds to the score of documents found otherwise, and the most it can add
/// to any document.
pub struct Bonus {
    pub query: Box<dyn Query>,
    pub max: tantivy::Score,
}

impl Clone for Bonus {
    fn clone(&self) -> Bonus {
        Bonus {
            query: self.query.box_clone(),
            max: self.max,
        }
    }
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
pub fn plan(
    raw: &str,
    fields: &Fields,
    searcher: &Searcher,
    expand: bool,
    audience: Audience,
) -> Plan {
    plan_as_typed(raw, fields, searcher, expand, false, audience, None)
}

/// The plan for a query still being typed when `prefix` is set: its last word, unless a space,
/// a quote or a `-` makes it finished or special, also matches the indexed terms it begins
/// ([`PREFIX_TERMS`] most frequent per field), so `frivil` finds `frivillig` and
/// `frivilligudvalg`. For `audience`, the plan is made from the documents it may see: a word
/// only internal documents hold is, for anyone else, a word the index does not have. With
/// `expand`, the editors' synonyms and translations (`editorial`) expand it too.
pub fn plan_as_typed(
    raw: &str,
    fields: &Fields,
    searcher: &Searcher,
    expand: bool,
    prefix: bool,
    audience: Audience,
    editorial: Option<&Editorial>,
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
        content: builder::searched_words(&clauses).any(|w| !analysis::is_stop_word(w)),
        hidden: hidden_term(fields, searcher, audience),
        editorial,
    };
    builder.reader = builder.language(&clauses);
    builder.build(&clauses, expand)
}

/// The term of the documents `audience` may not see, when the index holds any.
fn hidden_term(fields: &Fields, searcher: &Searcher, audience: Audience) -> Option<Term> {
    audience.restricted_to()?;
    let hidden = Term::from_field_text(fields.visibility, Visibility::Intern.code());
    (searcher.doc_freq(&hidden).unwrap_or(1) > 0).then_some(hidden)
}

/// Terms a word being typed is completed to, per field.
pub const PREFIX_TERMS: usize = 16;
/// A word being typed is completed from this many characters on.
pub const PREFIX_MIN_CHARS: usize = 3;

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
