//! What the shown hits matched, asked of them one by one after ranking: which translations they
//! contain ("Also searched"), and how each matched each word of the query (the word itself, a
//! close spelling, a translation, or not at all), so a hit says so when it is not the word.

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocAddress, DocSet, Searcher};

use crate::error::Result;
use crate::query::{checks, Found, UsedExpansion, WordCheck};

/// A query word that a hit has only through a close spelling or a translation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FoundThrough {
    pub word: String,
    /// `spelling` or `translation`.
    pub through: Found,
}

/// How one hit matched the query's words, where that is not simply the words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HowFound {
    /// Required words it lacks.
    pub missing: Vec<String>,
    /// Words it has only through a close spelling or a translation.
    pub through: Vec<FoundThrough>,
}

/// Whether `query` matches any of `addresses`.
fn matches_any(
    searcher: &Searcher,
    query: &dyn Query,
    mut addresses: impl Iterator<Item = DocAddress>,
) -> Result<bool> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for address in addresses.by_ref() {
        if holds(searcher, &*weight, address)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The translations the query was expanded with that the shown documents (`addresses`) match,
/// for "Also searched": not those of words inside a longer match (`samfund` beside
/// `civilsamfund` for `civil society`).
pub fn shown_expansions(
    searcher: &Searcher,
    expansions: Vec<(UsedExpansion, Box<dyn Query>)>,
    addresses: &[DocAddress],
) -> Result<Vec<UsedExpansion>> {
    let mut shown = Vec::new();
    for (used, found) in expansions {
        if matches_any(searcher, &*found, addresses.iter().copied())? {
            shown.push(used);
        }
    }
    let spans: Vec<Vec<String>> = shown
        .iter()
        .map(|e: &UsedExpansion| e.from.split(' ').map(str::to_string).collect())
        .filter(|words: &Vec<String>| words.len() > 1)
        .collect();
    shown.retain(|e| !spans.iter().any(|span| span.contains(&e.from)));
    Ok(shown)
}

/// For each of `addresses`, how it matched the words of `checks` ([`crate::query::checks`]).
/// Cheap when nothing can have matched otherwise than by the words: then nothing is asked.
pub fn how_found(
    searcher: &Searcher,
    checks: &[WordCheck],
    relaxed: bool,
    addresses: &[DocAddress],
) -> Result<Vec<HowFound>> {
    let mut found = vec![HowFound::default(); addresses.len()];
    if !checks::worth_asking(checks, relaxed) {
        return Ok(found);
    }
    let scoring = EnableScoring::disabled_from_searcher(searcher);
    for check in checks::required(checks) {
        let mut how: Vec<Option<Found>> = vec![None; addresses.len()];
        for (kind, query) in check.kinds() {
            let weight = query.weight(scoring)?;
            for (i, address) in addresses.iter().enumerate() {
                if how[i].is_none() && holds(searcher, &*weight, *address)? {
                    how[i] = Some(kind);
                }
            }
        }
        for (hit, how) in found.iter_mut().zip(how) {
            match how.unwrap_or(Found::Missing) {
                Found::Word => {}
                Found::Missing => hit.missing.push(check.word.clone()),
                through => hit.through.push(FoundThrough {
                    word: check.word.clone(),
                    through,
                }),
            }
        }
    }
    Ok(found)
}

/// Whether `weight`'s query matches the document at `address`.
fn holds(searcher: &Searcher, weight: &dyn Weight, address: DocAddress) -> Result<bool> {
    let segment = searcher.segment_reader(address.segment_ord);
    let mut scorer = weight.scorer(segment, 1.0)?;
    // A new scorer stands on its first document; `seek` may only move forward.
    let at = match scorer.doc() {
        doc if doc >= address.doc_id => doc,
        _ => scorer.seek(address.doc_id),
    };
    Ok(at == address.doc_id)
}
