//! Re-ranking by pages: with a page index (`index/pages/`), each paged document of the first
//! results competes by the better of its whole text and its best page of the same tier, and its
//! snippet and page come from that page.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::{DocAddress, IndexReader, Searcher, TantivyDocument};

use super::retrieve::Window;
use super::{open_reader, Engine, SearchRequest};
use crate::error::Result;
use crate::query;
use crate::rank::{ByTier, Rank};
use crate::schema::{self, stored_text, Fields};
use tantivy::schema::Value;

impl Engine {
    /// The page index's reader, opened when the page index first exists.
    pub(super) fn page_reader(&self) -> Result<Option<&IndexReader>> {
        if let Some(reader) = self.pages.get() {
            return Ok(Some(reader));
        }
        let Some((index, _)) = schema::open_existing(&self.pages_dir)? else {
            return Ok(None);
        };
        let reader = open_reader(&index)?;
        Ok(Some(self.pages.get_or_init(|| reader)))
    }

    /// The page index's searcher, when it holds any page.
    pub(super) fn page_searcher(&self) -> Option<Searcher> {
        match self.page_reader() {
            Ok(reader) => reader
                .map(IndexReader::searcher)
                .filter(|s| s.num_docs() > 0),
            Err(e) => {
                tracing::warn!("page index: {e}");
                None
            }
        }
    }

    /// The best pages of each paged document for the query, best first, with their scores: the
    /// query run on the page index, its `want` best pages.
    fn best_pages(
        &self,
        pages: &Searcher,
        req: &SearchRequest,
        filters: &super::retrieve::Filters,
        want: usize,
    ) -> Result<FxHashMap<String, Vec<PageRank>>> {
        let f = &self.fields;
        let (expand, typed) = (req.expand, req.as_typed);
        let editorial = self.editorial.current();
        let (q, audience) = (&req.query, req.audience);
        let plan = query::plan_as_typed(q, f, pages, expand, typed, audience, Some(&editorial));
        // Pages are always asked with any word sufficing (those with every word first): a
        // document may have all the words of a question on no single page, and its best page is
        // then the one with the most of them.
        let core = plan.relaxed.or(plan.query);
        let mut best: FxHashMap<String, Vec<PageRank>> = FxHashMap::default();
        let Some(core) = core else {
            return Ok(best);
        };
        let by = ByTier::new(
            pages,
            &core.tiers,
            &core.preferences(),
            core.bonus.as_ref().map(|b| (b.query.as_ref(), b.max)),
        )?;
        let q = filters.apply(core.query);
        let top = TopDocs::with_limit(want.saturating_mul(4)).order_by(by);
        for (rank, address) in pages.search(&*q, &top)? {
            // Page documents store only their id, filters and number: cheap to read.
            let doc: TantivyDocument = pages.doc(address)?;
            let page = schema::stored_pages(&doc, f);
            let ocr = doc.get_first(f.ocr).and_then(|v| v.as_u64()).unwrap_or(0);
            // The collector gives pages best first.
            let found = best.entry(stored_text(&doc, f.id)).or_default();
            if found.len() <= MORE_PAGES {
                found.push((rank, page, ocr));
            }
        }
        Ok(best)
    }

    /// Main-index results ranked again with each paged document scored by the better of its
    /// whole text and its best page of the same tier, so a long report competes page for page
    /// with a short note. `top` is the main index's best `want`, best first.
    fn rerank_by_pages(
        &self,
        searcher: &Searcher,
        top: Vec<(Rank, DocAddress)>,
        best: FxHashMap<String, Vec<PageRank>>,
        want: usize,
    ) -> Result<Vec<Ranked>> {
        // Below this rank a document could not enter the first `want` by its page alone.
        let floor = match top.last() {
            Some(&(rank, _)) if top.len() >= want => Some(rank),
            _ => None,
        };
        // Each paged document's best page, by where the document is in the main index.
        let mut by_address: FxHashMap<DocAddress, Vec<PageRank>> = FxHashMap::default();
        for (id, pages) in best {
            if let Some(address) = self.address(searcher, &id)? {
                by_address.insert(address, pages);
            }
        }
        let mut ranked = Vec::with_capacity(top.len() + by_address.len());
        for (rank, address) in top {
            let pages = by_address.remove(&address).unwrap_or_default();
            let page = pages.first().copied();
            // A page ranks its document only within the document's own tier.
            let by_page = page
                .filter(|(p, _, _)| p.tier == rank.tier && p.score > rank.score)
                .map(|(p, _, _)| p);
            ranked.push(Ranked {
                rank: by_page.unwrap_or(rank),
                address,
                page: page.map(|(_, n, ocr)| (n, ocr)),
                more_pages: more_pages(&pages),
            });
        }
        for (address, pages) in by_address {
            let Some(&(rank, page, ocr)) = pages.first() else {
                continue;
            };
            if floor.is_none_or(|floor| rank > floor) {
                ranked.push(Ranked {
                    rank,
                    address,
                    page: Some((page, ocr)),
                    more_pages: more_pages(&pages),
                });
            }
        }
        ranked.sort_by(|a, b| b.rank.partial_cmp(&a.rank).unwrap_or(Ordering::Equal));
        Ok(ranked)
    }

    /// The window's hits of `top` (the main index's order: its first `offset + limit` when
    /// there is a page index to ask, `pages`), ranked again by their pages; else `top` as it is.
    pub(super) fn rank_by_pages(
        &self,
        searcher: &Searcher,
        pages: Option<&Searcher>,
        top: Vec<(Rank, DocAddress)>,
        req: &SearchRequest,
        window: &Window,
    ) -> Result<Vec<Ranked>> {
        let Some(pages) = pages else {
            return Ok(top
                .into_iter()
                .map(|(rank, address)| Ranked {
                    rank,
                    address,
                    page: None,
                    more_pages: Vec::new(),
                })
                .collect());
        };
        let want = window.offset + window.limit;
        let best = self.best_pages(pages, req, &window.filters, want)?;
        let ranked = self.rerank_by_pages(searcher, top, best, want)?;
        Ok(ranked
            .into_iter()
            .skip(window.offset)
            .take(window.limit)
            .collect())
    }
}

/// A page of a document for a query: its rank, its number and its OCR value (the page index's
/// [`schema::Fields::ocr`]: 0 for text from the file).
type PageRank = (Rank, u32, u64);

/// A document in the final order, with the page that scored it when one did (and that page's
/// OCR value).
pub(super) struct Ranked {
    pub rank: Rank,
    pub address: DocAddress,
    pub page: Option<(u32, u64)>,
    /// Its next best pages for the query, of the best page's tier (a long report's sub-results).
    pub more_pages: Vec<u32>,
}

/// Pages of a document listed under its hit besides the best one.
const MORE_PAGES: usize = 3;

/// The pages after the best that match as well as it does (its tier), in page order.
fn more_pages(pages: &[PageRank]) -> Vec<u32> {
    let Some(&(best, _, _)) = pages.first() else {
        return Vec::new();
    };
    let mut more: Vec<u32> = pages[1..]
        .iter()
        .filter(|(rank, _, _)| rank.tier == best.tier)
        .map(|&(_, page, _)| page)
        .collect();
    more.sort_unstable();
    more
}

/// The text of page `n` (from 1) of a paged text, without the blank lines around it, and its
/// byte offset in the text.
pub(super) fn page_text(text: &str, n: u32) -> (&str, usize) {
    let mut start = 0;
    for (i, page) in text.split('\u{c}').enumerate() {
        if i as u32 + 1 == n {
            let trimmed = page.trim_start();
            let shift = page.len() - trimmed.len();
            return (trimmed.trim_end(), start + shift);
        }
        start += page.len() + 1;
    }
    (text, 0)
}

pub(super) fn is_paged(doc: &TantivyDocument, f: &Fields) -> bool {
    schema::stored_pages(doc, f) > 0
}
