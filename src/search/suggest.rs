//! "Mente du …?": a corrected query, each word that no word list knows and no document holds
//! replaced by its known spelling that the index holds most often.
//!
//! The cost is fixed: the spellings are weighed by term lookups only (document frequencies in
//! the language fields, of the spelling and of its glossary translations: at most
//! [`spelling::CANDIDATES`] spellings a word, [`MAX_WORDS`] words a query), then the corrected
//! query is searched once. So a suggestion costs one search beside the user's, whatever the
//! query holds.

use super::{Engine, SearchRequest, SearchResults, Suggestion};
use crate::analysis;
use crate::error::Result;
use crate::glossary::Glossary;
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
        let Some(corrected) = self.corrected(&req.query) else {
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

    /// `query` with its misspelt words replaced, or `None` when no word has a better spelling.
    fn corrected(&self, query: &str) -> Option<String> {
        let speller = spelling::Speller::global();
        let mut replacements = Vec::new();
        let mut misspelt = 0;
        for (start, end) in analysis::words(query) {
            let mut lower = String::new();
            analysis::lowercase_into(&query[start..end], &mut lower);
            let spellings = speller.spellings(&lower);
            // A word the documents hold as it is written is no misspelling, whatever the lists say.
            if spellings.is_empty() || self.documents_with(&lower) > 0 {
                continue;
            }
            misspelt += 1;
            if misspelt > MAX_WORDS {
                break;
            }
            let weighed = spellings.into_iter().map(|s| (self.weight(&s), s));
            // The closest of the heaviest: `spellings` come closest first, and `max_by_key`
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
        (corrected != query).then_some(corrected)
    }

    /// How much of the index a spelling reaches: the documents holding it, plus those holding
    /// each of its glossary translations (a translation of several words by its rarest word).
    fn weight(&self, spelling: &str) -> u64 {
        let translations = Glossary::global().expand(&[spelling.to_string()]);
        let translated: u64 = translations
            .iter()
            .map(|t| {
                t.phrase
                    .split(' ')
                    .map(|w| self.documents_with(w))
                    .min()
                    .unwrap_or(0)
            })
            .sum();
        self.documents_with(spelling) + translated
    }

    /// Documents whose text holds `lower` in either language (the larger of the fields' counts,
    /// as a document counts in one language's field for a word).
    fn documents_with(&self, lower: &str) -> u64 {
        let searcher = self.reader.searcher();
        TermField::LANGUAGE
            .iter()
            .filter_map(|&field| searcher.doc_freq(&self.fields.term(field, lower)).ok())
            .max()
            .unwrap_or(0)
    }
}
