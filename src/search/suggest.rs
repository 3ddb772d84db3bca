//! "Mente du …?": a corrected query, each word that no word list knows and no document holds
//! replaced by its known spelling that the index holds most often.
//!
//! The cost is bounded: the first [`MAX_WORDS`] words that may be misspelt get their close
//! spellings (at most [`spelling::CANDIDATES`] each), which are weighed by document frequencies
//! (of the spelling and, when translations are on, of its glossary translations), or, under a
//! language or category filter, by a count within the filter; then the corrected query is
//! searched once. So a suggestion costs one search beside the user's, whatever the query holds.

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Searcher;

use super::retrieve::Window;
use super::{Engine, SearchRequest, SearchResults, Suggestion};
use crate::analysis;
use crate::error::Result;
use crate::glossary::Glossary;
use crate::query;
use crate::schema::TermField;
use crate::spelling;

/// Misspelt words corrected in one query; words after these are left as they are.
pub const MAX_WORDS: usize = 4;

impl Engine {
    /// The query with each word that no word list knows and no document holds replaced by the
    /// known spelling ([`spelling::Speller`]) that the index holds, itself or through its
    /// glossary translations, in the most documents; offered when the whole corrected query
    /// finds more than `found` (documents with all the words before documents with some).
    pub(super) fn suggest(
        &self,
        req: &SearchRequest,
        found: &SearchResults,
    ) -> Result<Option<Suggestion>> {
        let Some(corrected) = self.corrected(req) else {
            return Ok(None);
        };
        let probe = SearchRequest {
            query: corrected.clone(),
            limit: 1,
            offset: 0,
            facets: false,
            suggest: false,
            answer: false,
            ..req.clone()
        };
        let r = self.search_once(&probe)?;
        let better = (r.complete > 0, r.total) > (found.complete > 0, found.total);
        Ok(better.then_some(Suggestion {
            query: corrected,
            total: r.total,
        }))
    }

    /// The query with its misspelt words replaced, or `None` when no word has a better spelling.
    fn corrected(&self, req: &SearchRequest) -> Option<String> {
        let speller = spelling::Speller::global();
        let query = &req.query;
        let searcher = self.reader.searcher();
        let within = Within {
            searcher: &searcher,
            filters: &Window::of(req, &self.fields, &searcher).filters,
        };
        let mut replacements = Vec::new();
        let mut misspelt = 0;
        // The words the parser reads (it stops after `query::MAX_WORDS`).
        for (start, end) in analysis::words(query).take(query::MAX_WORDS) {
            let mut lower = String::new();
            analysis::lowercase_into(&query[start..end], &mut lower);
            // A word the documents hold as it is written is no misspelling, whatever the lists say.
            if !speller.may_be_misspelt(&lower) || self.documents_with(&lower, &within) > 0 {
                continue;
            }
            misspelt += 1;
            if misspelt > MAX_WORDS {
                break;
            }
            let weighed = speller
                .spellings(&lower)
                .into_iter()
                .map(|s| (self.weight(&s, req.expand, &within), s));
            // The closest of the heaviest: spellings come closest first, and `max_by_key`
            // keeps the last of equals, so they are weighed in reverse.
            let best = weighed.rev().max_by_key(|(weight, _)| *weight);
            if let Some((_, spelling)) = best.filter(|(weight, _)| *weight > 0) {
                replacements.push(((start, end), spelling));
            }
        }
        // Right to left, so the spans of the words not yet replaced stay where they are.
        let corrected = replacements
            .iter()
            .rev()
            .fold(query.to_string(), |q, (at, with)| {
                spelling::replaced(&q, *at, with)
            });
        (corrected != *query).then_some(corrected)
    }

    /// How much of what the request may find a spelling reaches: the documents holding it,
    /// plus, when translations are on (`expand`), those holding each of its glossary
    /// translations (a translation of several words by its rarest word).
    fn weight(&self, spelling: &str, expand: bool, within: &Within) -> u64 {
        let translations = match expand {
            true => Glossary::global().expand(&[spelling.to_string()]),
            false => Vec::new(),
        };
        let translated: u64 = translations
            .iter()
            .map(|t| {
                t.phrase
                    .split(' ')
                    .map(|w| self.documents_with(w, within))
                    .min()
                    .unwrap_or(0)
            })
            .sum();
        self.documents_with(spelling, within) + translated
    }

    /// Documents whose text holds `lower` in either language, within the request's filters:
    /// without any, the larger of the language fields' document frequencies (a document counts
    /// in one language's field for a word); with them, a count of the filtered documents.
    fn documents_with(&self, lower: &str, within: &Within) -> u64 {
        let searcher = within.searcher;
        if within.filters.is_empty() {
            return TermField::LANGUAGE
                .iter()
                .filter_map(|&field| searcher.doc_freq(&self.fields.term(field, lower)).ok())
                .max()
                .unwrap_or(0);
        }
        let any_field: Vec<Box<dyn Query>> = TermField::LANGUAGE
            .iter()
            .map(|&field| {
                let term = self.fields.term(field, lower);
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>
            })
            .collect();
        let q = within
            .filters
            .apply(Box::new(BooleanQuery::union(any_field)));
        searcher.search(&*q, &Count).map_or(0, |n| n as u64)
    }
}

/// What the spellings are counted in: one searcher, and the request's language and category.
struct Within<'a> {
    searcher: &'a Searcher,
    filters: &'a super::retrieve::Filters<'a>,
}
