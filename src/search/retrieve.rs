//! Retrieval: the plan's query, filtered, collected in rank order ([`crate::rank`]) or by date,
//! with the relaxed query (any word) taking over when too few documents have every word.

use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use super::{SearchRequest, Sort, MAX_LIMIT, MAX_OFFSET, RELAX_BELOW};
use crate::error::Result;
use crate::lang::Lang;
use crate::query::{self, Tiered};
use crate::rank::{ByTier, Rank};
use crate::schema::{self, Fields};

/// What part of the results a request asks for, and its filters.
pub(super) struct Window<'a> {
    pub limit: usize,
    pub offset: usize,
    pub lang: Option<&'static str>,
    pub category: Option<&'a str>,
    pub kind: Option<&'static str>,
    /// The first and last day numbers of the years asked for (`day` column).
    pub days: Option<(u64, u64)>,
    /// The language, category and type filters, the years and the audience's restriction.
    pub filters: Filters<'a>,
    /// The audience's restriction alone (what facet counts keep when they drop a filter).
    pub restricted: Vec<(Field, &'a str)>,
}

/// Filters of a search: terms a document must hold, and a range of its date's day numbers.
#[derive(Clone, Default)]
pub(super) struct Filters<'a> {
    pub terms: Vec<(Field, &'a str)>,
    /// The `day` field, and its first and last value let through.
    pub days: Option<(Field, u64, u64)>,
}

impl Filters<'_> {
    /// `q` restricted to the documents the filters let through, its scores unchanged.
    pub fn apply(&self, q: Box<dyn tantivy::query::Query>) -> Box<dyn tantivy::query::Query> {
        let q = query::filtered(q, &self.terms);
        let Some((day, first, last)) = self.days else {
            return q;
        };
        let range = tantivy::query::RangeQuery::new(
            std::ops::Bound::Included(tantivy::Term::from_field_u64(day, first)),
            std::ops::Bound::Included(tantivy::Term::from_field_u64(day, last)),
        );
        let range = tantivy::query::ConstScoreQuery::new(Box::new(range), 0.0);
        Box::new(tantivy::query::BooleanQuery::intersection(vec![
            q,
            Box::new(range),
        ]))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.days.is_none()
    }
}

impl<'a> Window<'a> {
    pub fn of(req: &'a SearchRequest, f: &Fields, searcher: &Searcher) -> Window<'a> {
        let lang = req.lang.map(Lang::code);
        let category = req.category.as_deref().filter(|c| !c.is_empty());
        let kind = req.kind.map(crate::format::Kind::code);
        let days = req.years.map(|(first, last)| {
            let (first, last) = (first.min(last), first.max(last));
            (
                u64::from(first) * 10_000 + 101,
                u64::from(last) * 10_000 + 1231,
            )
        });
        let restricted = super::restriction(f, searcher, req.audience);
        let mut terms = restricted.clone();
        terms.extend(lang.map(|l| (f.lang, l)));
        terms.extend(category.map(|c| (f.category, c)));
        terms.extend(kind.map(|k| (f.kind, k)));
        Window {
            limit: req.limit.clamp(1, MAX_LIMIT),
            offset: req.offset.min(MAX_OFFSET),
            lang,
            category,
            kind,
            days,
            filters: Filters {
                terms,
                days: days.map(|(first, last)| (f.day, first, last)),
            },
            restricted,
        }
    }

    /// A filter the reader chose is set: a query without words then lists documents.
    pub fn browses(&self) -> bool {
        self.lang.is_some() || self.category.is_some() || self.kind.is_some() || self.days.is_some()
    }
}

/// The documents retrieved, best first.
pub(super) struct Retrieved {
    /// The first `offset + limit` when they are to be ranked again by pages (`paged`), else the
    /// window itself.
    pub top: Vec<(Rank, DocAddress)>,
    pub total: usize,
    /// Documents with every word.
    pub complete: usize,
    /// The relaxed query took over.
    pub relaxed: bool,
    /// The query that found them (for the facet counts).
    pub core: Tiered,
}

/// Runs `strict` (or, without words, every document: browsing the filters), and `relaxed` when
/// fewer than [`RELAX_BELOW`] documents have every word. Whether to relax depends on the query
/// alone, not on the page asked for, so every page of a query has the same documents in the same
/// order and the same `total`.
pub(super) fn retrieve(
    searcher: &Searcher,
    strict: Option<Tiered>,
    relaxed: Option<Tiered>,
    sort: Sort,
    window: &Window,
    paged: bool,
) -> Result<Retrieved> {
    let browse = || Tiered {
        query: Box::new(tantivy::query::AllQuery),
        tiers: Vec::new(),
        prefer: None,
        steps: None,
        every: None,
        bonus: None,
    };
    let core = strict.unwrap_or_else(browse);
    let (top, total) = collect(searcher, &core, sort, window, paged)?;
    let complete = match &core.every {
        Some(every) => searcher.search(&*window.filters.apply(every.box_clone()), &Count)?,
        None => total,
    };
    let mut found = Retrieved {
        top,
        total,
        complete,
        relaxed: false,
        core,
    };
    if let Some(relaxed) = relaxed.filter(|_| total < RELAX_BELOW) {
        let (top, total) = collect(searcher, &relaxed, sort, window, paged)?;
        if total > found.total {
            found.top = top;
            found.total = total;
            found.relaxed = true;
            found.core = relaxed;
        }
    }
    Ok(found)
}

/// One query's documents in the window (the first `offset + limit` when `paged`: they are ranked
/// again by pages), and how many match.
fn collect(
    searcher: &Searcher,
    t: &Tiered,
    sort: Sort,
    window: &Window,
    paged: bool,
) -> Result<(Vec<(Rank, DocAddress)>, usize)> {
    let q = window.filters.apply(t.query.box_clone());
    Ok(match sort {
        Sort::Relevance => {
            let (want, skip) = match paged {
                true => (window.offset + window.limit, 0),
                false => (window.limit, window.offset),
            };
            let top = TopDocs::with_limit(want)
                .and_offset(skip)
                .order_by(ByTier::new(
                    searcher,
                    &t.tiers,
                    &t.preferences(),
                    t.bonus.as_ref().map(|b| (b.query.as_ref(), b.max)),
                )?);
            searcher.search(&*q, &(top, Count))?
        }
        Sort::Newest => {
            let newest = TopDocs::with_limit(window.limit)
                .and_offset(window.offset)
                .order_by_fast_field::<u64>(schema::DAY, tantivy::Order::Desc);
            let (docs, total) = searcher.search(&*q, &(newest, Count))?;
            let docs = docs.into_iter().map(|(_, a)| (Rank::default(), a));
            (docs.collect(), total)
        }
    })
}

impl super::Engine {
    /// The plan's queries run: the counts (and facets) go into `results`; returns the documents
    /// in rank order.
    pub(super) fn counted(
        &self,
        searcher: &Searcher,
        plan: &mut crate::query::Plan,
        req: &SearchRequest,
        window: &Window,
        paged: bool,
        results: &mut super::SearchResults,
    ) -> Result<Vec<(Rank, DocAddress)>> {
        let (strict, relaxed) = (plan.query.take(), plan.relaxed.take());
        let found = retrieve(searcher, strict, relaxed, req.sort, window, paged)?;
        (results.total, results.complete) = (found.total, found.complete);
        results.relaxed = found.relaxed;
        if req.facets {
            results.facets = Some(self.facets(searcher, &*found.core.query, window)?);
        }
        Ok(found.top)
    }
}
