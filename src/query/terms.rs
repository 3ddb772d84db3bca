//! The term-level pieces the builder makes its queries of: term and phrase queries in a field,
//! document frequencies (looked up once per query), weights and the wrapping of a core query.

use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::builder::*;
use super::*;
use crate::schema::TermField;

impl Builder<'_> {
    /// A lowercased word's term query in `field` (made by the field's analyser).
    pub(super) fn term(&self, field: TermField, lower: &str, boost: f32) -> Box<dyn Query> {
        boosted(term_query(self.fields.term(field, lower)), boost)
    }

    /// A query for a term already made (read from `field`'s dictionary, or folded).
    pub(super) fn raw(&self, field: TermField, term: &str, boost: f32) -> Box<dyn Query> {
        boosted(term_query(self.fields.raw_term(field, term)), boost)
    }

    /// Words side by side (`slop` words apart at most) in `field`.
    pub(super) fn phrase(
        &self,
        field: TermField,
        words: &[String],
        slop: u32,
        boost: f32,
    ) -> Box<dyn Query> {
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
    pub(super) fn df(&self, field: TermField, lower: &str) -> u64 {
        self.term_df(self.fields.term(field, lower))
    }

    /// Documents whose `field` holds a term already made.
    pub(super) fn raw_df_in(&self, field: TermField, term: &str) -> u64 {
        self.raw_df(self.fields.get(field), term)
    }

    pub(super) fn raw_df(&self, field: Field, term: &str) -> u64 {
        self.term_df(Term::from_field_text(field, term))
    }

    /// A term's document frequency, looked up once per query (the language vote and the
    /// word's alternatives ask for the same ones).
    /// For a reader who may not see internal documents, only the public ones count: what the
    /// plan decides from frequencies (the reader's language, close spellings, completions, the
    /// folded view) then tells nothing of internal text.
    pub(super) fn term_df(&self, term: Term) -> u64 {
        if let Some(&n) = self.doc_freqs.borrow().get(&term) {
            return n;
        }
        let all = self.searcher.doc_freq(&term).unwrap_or(0);
        let n = match (&self.hidden, all) {
            (Some(hidden), 1..) => all.saturating_sub(hidden_count(self.searcher, &term, hidden)),
            _ => all,
        };
        self.doc_freqs.borrow_mut().insert(term, n);
        n
    }

    /// Whether a public document holds the term of `field` (any document, for staff).
    pub(super) fn visible(&self, field: Field, term: &str) -> bool {
        self.hidden.is_none() || self.raw_df(field, term) > 0
    }
}

/// Documents holding both terms, deleted ones included as [`Searcher::doc_freq`] includes them.
fn hidden_count(searcher: &tantivy::Searcher, term: &Term, hidden: &Term) -> u64 {
    let both = BooleanQuery::intersection(vec![
        Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)),
        Box::new(TermQuery::new(hidden.clone(), IndexRecordOption::Basic)),
    ]);
    let Ok(weight) = both.weight(tantivy::query::EnableScoring::disabled_from_searcher(
        searcher,
    )) else {
        return 0;
    };
    searcher
        .segment_readers()
        .iter()
        .filter_map(|segment| weight.scorer(segment, 1.0).ok())
        .map(|mut scorer| u64::from(scorer.count_including_deleted()))
        .sum()
}

/// The weight of a match in `field`: titles count three times.
pub(super) fn weight(field: TermField) -> f32 {
    match field {
        TermField::Title(_) => TITLE_BOOST,
        _ => 1.0,
    }
}

/// Adds the exclusions to a core query.
pub(super) fn wrap(core: Box<dyn Query>, excluded: &[Box<dyn Query>]) -> Box<dyn Query> {
    if excluded.is_empty() {
        return core;
    }
    let mut clauses = vec![(Occur::Must, core)];
    for e in excluded {
        clauses.push((Occur::MustNot, e.box_clone()));
    }
    Box::new(BooleanQuery::new(clauses))
}

pub(super) fn term_query(term: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
}

pub(super) fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}
