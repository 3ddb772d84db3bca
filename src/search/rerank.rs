//! Re-ranking a question's first results by their best passages: the words of a question stand
//! together in one passage (a paragraph or a short section, with its heading) of the page that
//! answers it, where a menu or an overview page names them in different places. For a question
//! (`Plan::lenient`) in relevance order, the ranking's first [`RERANKED`] hits each have their
//! score multiplied by the share of the question's content words that their best passage holds
//! with its heading ([`answer::best_shares`]) and are ordered again, within their tiers; every
//! page of results that shows any of them is cut from that order, so pages agree.

use std::cmp::Ordering;

use tantivy::{DocAddress, Searcher};

use super::retrieve::Window;
use super::{answer, Hit, SearchRequest, Sort, DEFAULT_LIMIT, MAX_LIMIT};
use crate::error::Result;
use crate::query::Plan;
use crate::schema::Fields;

/// How many of the ranking's first hits are ordered again.
pub(super) const RERANKED: usize = DEFAULT_LIMIT;

/// Whether `req` is re-ranked: a question (`plan`) in relevance order, not being typed, on a page
/// that shows any of the first [`RERANKED`].
pub(super) fn applies(req: &SearchRequest, plan: &Plan) -> bool {
    plan.lenient && req.sort == Sort::Relevance && !req.as_typed && req.offset < RERANKED
}

/// `window` widened to retrieve from the ranking's start, at least its first [`RERANKED`] and
/// all of the page asked for (its limit and offset already bounded).
pub(super) fn widen(window: &mut Window) {
    window.limit = (window.offset + window.limit).max(RERANKED);
    window.offset = 0;
}

/// The hits of the widened window re-ranked, then cut to `req`'s page (`addresses` in step);
/// whether the passages put another hit first on the first page.
pub(super) fn apply(
    searcher: &Searcher,
    f: &Fields,
    req: &SearchRequest,
    hits: &mut Vec<Hit>,
    addresses: &mut Vec<DocAddress>,
) -> Result<bool> {
    let n = hits.len().min(RERANKED);
    let mut first: Vec<Hit> = hits.drain(..n).collect();
    let mut first_addresses: Vec<DocAddress> = addresses.drain(..n).collect();
    let moved = by_passages(searcher, f, &req.query, &mut first, &mut first_addresses)?;
    hits.splice(0..0, first);
    addresses.splice(0..0, first_addresses);
    let (offset, limit) = (req.offset.min(hits.len()), req.limit.clamp(1, MAX_LIMIT));
    hits.drain(..offset);
    addresses.drain(..offset);
    hits.truncate(limit);
    addresses.truncate(limit);
    Ok(moved && req.offset == 0)
}

/// Orders `hits` (and their `addresses`, in step) by their scores times their best passages'
/// shares of `query`'s words; whether another hit is now first.
pub(super) fn by_passages(
    searcher: &Searcher,
    f: &Fields,
    query: &str,
    hits: &mut Vec<Hit>,
    addresses: &mut Vec<DocAddress>,
) -> Result<bool> {
    let shares = answer::best_shares(searcher, f, query, addresses, hits)?;
    let first = hits.first().map(|h| h.id.clone());
    let mut scored: Vec<(Hit, DocAddress)> = hits.drain(..).zip(addresses.drain(..)).collect();
    for ((hit, _), share) in scored.iter_mut().zip(shares) {
        hit.score *= share;
    }
    // Stable: equal scores keep the ranking's order.
    scored.sort_by(|(a, _), (b, _)| {
        b.tier
            .cmp(&a.tier)
            .then(b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal))
    });
    for (hit, address) in scored {
        hits.push(hit);
        addresses.push(address);
    }
    Ok(hits.first().map(|h| &h.id) != first.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::present::test_hit;

    #[test]
    fn hits_are_ordered_by_score_times_share_within_their_tiers() {
        let (index, _writer, f) = crate::schema::in_memory();
        let searcher = index.reader().expect("reader").searcher();
        // A query without content words: every share is 1 (no document is read), so the order
        // follows tier and score alone.
        let mut hits = vec![
            test_hit("da/c", 2.0),
            test_hit("da/b", 3.0),
            test_hit("da/a", 1.0),
        ];
        hits[2].tier = 1;
        let mut addresses: Vec<DocAddress> = (0..3).map(|i| DocAddress::new(0, i)).collect();
        let moved = by_passages(&searcher, &f, "og", &mut hits, &mut addresses).expect("rerank");
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["da/a", "da/b", "da/c"]);
        let docs: Vec<u32> = addresses.iter().map(|a| a.doc_id).collect();
        assert_eq!(docs, [2, 1, 0], "addresses move with their hits");
        assert!(moved);
    }

    #[test]
    fn a_page_is_cut_from_the_reranked_order() {
        let (index, _writer, f) = crate::schema::in_memory();
        let searcher = index.reader().expect("reader").searcher();
        let scores = [1.0, 5.0, 4.0, 3.0, 2.0];
        let all = || -> (Vec<Hit>, Vec<DocAddress>) {
            let hits = scores
                .iter()
                .enumerate()
                .map(|(i, &s)| test_hit(&format!("da/{i}"), s))
                .collect();
            (hits, (0..5).map(|i| DocAddress::new(0, i)).collect())
        };
        let mut req = SearchRequest::new("og");
        (req.offset, req.limit) = (1, 2);
        let (mut hits, mut addresses) = all();
        let moved = apply(&searcher, &f, &req, &mut hits, &mut addresses).expect("rerank");
        let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["da/2", "da/3"],
            "the second and third of 1, 2, 3, 4, 0"
        );
        assert_eq!(addresses, [DocAddress::new(0, 2), DocAddress::new(0, 3)]);
        assert!(!moved, "only the first page tells a moved first hit");
        req.offset = 0;
        let (mut hits, mut addresses) = all();
        assert!(apply(&searcher, &f, &req, &mut hits, &mut addresses).expect("rerank"));
        assert_eq!(hits[0].id, "da/1");
    }

    #[test]
    fn the_widened_window_holds_the_whole_page_asked_for() {
        let (index, _writer, f) = crate::schema::in_memory();
        let searcher = index.reader().expect("reader").searcher();
        for (offset, limit, widened) in
            [(0, 3, RERANKED), (5, MAX_LIMIT, 5 + MAX_LIMIT), (9, 2, 11)]
        {
            let mut req = SearchRequest::new("hvordan");
            (req.offset, req.limit) = (offset, limit);
            let mut window = Window::of(&req, &f, &searcher);
            widen(&mut window);
            assert_eq!(
                (window.offset, window.limit),
                (0, widened),
                "{offset} {limit}"
            );
        }
    }
}
