//! "Mente du …?": a corrected query, tried word by word with the known spellings of each word
//! that no word list knows and no document holds.

use super::{Engine, SearchRequest, SearchResults, Suggestion};
use crate::analysis;
use crate::error::Result;
use crate::schema::TermField;
use crate::spelling;

impl Engine {
    /// The query with each word that no word list knows and no document holds replaced by the
    /// known spelling
    /// ([`spelling::Speller`]) that finds more than the word itself, and the most (documents
    /// with all the words count before documents with some, and a spelling's finds include its
    /// glossary translations, which a misspelt word misses); offered when the whole corrected
    /// query finds more than `found`.
    pub(super) fn suggest(
        &self,
        req: &SearchRequest,
        found: &SearchResults,
    ) -> Result<Option<Suggestion>> {
        let speller = spelling::Speller::global();
        let finds = |query: &str| -> Result<(bool, usize)> {
            let probe = SearchRequest {
                query: query.to_string(),
                limit: 1,
                offset: 0,
                facets: false,
                suggest: false,
                answer: false,
                ..req.clone()
            };
            let r = self.search_once(&probe)?;
            Ok((r.complete > 0, r.total))
        };
        let searcher = self.reader.searcher();
        let f = &self.fields;
        // A word the documents hold as it is written is no misspelling, whatever the lists say.
        let in_documents = |lower: &str| {
            TermField::LANGUAGE.iter().any(|&field| {
                searcher
                    .doc_freq(&f.term(field, lower))
                    .is_ok_and(|n| n > 0)
            })
        };
        let mut corrected = req.query.clone();
        let spans: Vec<(usize, usize)> = analysis::words(&req.query).collect();
        // Right to left, so the spans of the words not yet seen stay where they are.
        for &(start, end) in spans.iter().rev() {
            let mut lower = String::new();
            analysis::lowercase_into(&req.query[start..end], &mut lower);
            let spellings = speller.spellings(&lower);
            if spellings.is_empty() || in_documents(&lower) {
                continue;
            }
            let (mut best, mut best_found) = (None, finds(&lower)?);
            for spelling in spellings {
                let found = finds(&spelling)?;
                if found > best_found {
                    (best, best_found) = (Some(spelling), found);
                }
            }
            if let Some(spelling) = best {
                corrected = spelling::replaced(&corrected, (start, end), &spelling);
            }
        }
        if corrected == req.query {
            return Ok(None);
        }
        let (all_words, total) = finds(&corrected)?;
        let better = (all_words, total) > (found.complete > 0, found.total);
        Ok(better.then_some(Suggestion {
            query: corrected,
            total,
        }))
    }
}
