//! Searching: a [`SearchRequest`] in, [`SearchResults`] out — hits, snippets, counts, timing.
//!
//! The [`Engine`] owns the index reader, which reloads by itself shortly after another process
//! (`vidensbase index`) commits, so a running server sees changes without a restart. Results are
//! plain data; the web layer renders the same value as HTML or JSON. Filters (`lang`, `category`)
//! never change scores. A query that matches nothing with its words required is retried with any
//! word sufficing, and the results say so. Also here: fetching one document for its page, with
//! the query's words marked, and finding related documents.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, IndexReader, ReloadPolicy, Score, Searcher, SegmentReader, TantivyDocument,
    Term,
};

use crate::analysis;
use crate::error::{Error, Result};
use crate::extract;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::query::{self, Tiered, UsedExpansion};
use crate::rank::{ByTier, Rank};
use crate::schema::{self, stored_text, Fields, TermField};
use crate::snippet::{self, Snippet};
use crate::spelling;
use rustc_hash::FxHashMap;

mod notes;
use notes::matches_any;
pub use notes::FoundThrough;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;
/// Deep pages cost work for nobody; past this offset results are cut.
pub const MAX_OFFSET: usize = 10_000;
const RELATED: usize = 5;
/// A query that fewer documents than this match with every word is relaxed: documents with some
/// of its words follow those with all. A constant, not the page's end, so that all pages of a
/// query agree.
pub const RELAX_BELOW: usize = DEFAULT_LIMIT;

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub lang: Option<Lang>,
    pub category: Option<String>,
    pub limit: usize,
    pub offset: usize,
    /// Expand the query with glossary translations.
    pub expand: bool,
    /// Count hits per language and category (for filter links).
    pub facets: bool,
    /// Offer a corrected query when this one finds little ([`SearchResults::suggestion`]).
    pub suggest: bool,
    /// The query is being typed: its last word also matches what it begins
    /// ([`query::plan_as_typed`]).
    pub as_typed: bool,
    pub sort: Sort,
}

/// The order of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest document first (by its date; documents without one last); every hit's score is 0.
    Newest,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            lang: None,
            category: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            expand: true,
            facets: false,
            suggest: true,
            as_typed: false,
            sort: Sort::Relevance,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub score: f32,
    /// The ranking tier ([`crate::rank::Rank::tier`]): results are ordered by tier, then score.
    pub tier: u8,
    /// The physical page (from 1) of the snippet, for paged documents (PDF); `None` otherwise.
    pub page: Option<u32>,
    /// The document's date as stored (`2019-07-01`), when it has one.
    pub date: Option<String>,
    #[serde(skip)]
    pub snippet: Snippet,
    /// The title with the query's words marked (for HTML; `title` stays plain text).
    #[serde(skip)]
    pub title_marked: Snippet,
    /// The language of the snippet's paragraph (`da`, `en`), detected by the rule the indexer
    /// applied to it: a Danish paragraph of an English document is marked Danish.
    pub snippet_lang: &'static str,
    /// The query's required words this document lacks (a relaxed query's documents with some of
    /// the words).
    pub missing: Vec<String>,
    /// The query's words this document has only through a close spelling or a translation.
    pub found_through: Vec<FoundThrough>,
}

/// Hit counts per filter value, most frequent first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub lang: Vec<(String, u64)>,
    pub category: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    /// Glossary translations the query was expanded with.
    pub expansions: Vec<UsedExpansion>,
    /// True when fewer than [`RELAX_BELOW`] documents had all the words and any word was
    /// allowed to match.
    pub relaxed: bool,
    /// Documents with every word (`total` when not `relaxed`).
    pub complete: usize,
    /// The reader's language as the query's words tell it (`da`, `en`), whose matches rank
    /// first; `None` when they tell both or neither.
    pub query_lang: Option<&'static str>,
    pub facets: Option<Facets>,
    /// "Mente du …?": the query with misspelt words corrected, when this one found fewer than
    /// [`SUGGEST_BELOW`] documents (or only some of its words) and the corrected one finds more.
    pub suggestion: Option<Suggestion>,
}

/// A corrected query and how many documents it finds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suggestion {
    pub query: String,
    pub total: usize,
}

/// Below this many results a corrected query is looked for.
pub const SUGGEST_BELOW: usize = 3;
/// A query of at most this many words is also corrected when only some of its words matched.
pub const SUGGEST_WORDS: usize = 3;

/// One whole document, for its page.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    /// Pages of a paged document (PDF), 0 otherwise; `body` then holds form feeds between pages.
    pub pages: u32,
    pub body: Snippet,
    pub related: Vec<Related>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub category: String,
}

/// The index a server searches: the [`Engine`] of the index folder, opened again when a rebuild
/// ([`crate::indexer::rebuild`]) has put a new folder in its place. Checked at most every
/// [`Current::CHECK_EVERY`], when a request asks for the engine.
pub struct Current {
    dir: PathBuf,
    engine: std::sync::RwLock<(Arc<Engine>, Option<FolderId>)>,
    checked: std::sync::Mutex<Instant>,
}

/// Which folder is at a path (device and inode), to tell that it was replaced.
type FolderId = (u64, u64);

fn folder_id(dir: &Path) -> Option<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

impl Current {
    pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

    /// `engine`'s index folder, to be followed across rebuilds.
    pub fn new(engine: Engine) -> Current {
        let dir = engine.dir.clone();
        let id = folder_id(&dir);
        Current {
            dir,
            engine: std::sync::RwLock::new((Arc::new(engine), id)),
            checked: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// The engine to search now.
    pub fn get(&self) -> Arc<Engine> {
        let due = self.checked.try_lock().is_ok_and(|mut checked| {
            let due = checked.elapsed() >= Self::CHECK_EVERY;
            if due {
                *checked = Instant::now();
            }
            due
        });
        if due {
            self.follow();
        }
        match self.engine.read() {
            Ok(current) => current.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// Searches the latest commit from now on (the reader would see it within half a second by
    /// itself): called by the watcher after a sync, so a new file is searchable at once.
    pub fn refresh(&self) {
        self.follow();
        if let Err(e) = self.get().reload() {
            tracing::warn!("reloading the index: {e}");
        }
    }

    /// Opens the index folder again if another folder has taken its place.
    fn follow(&self) {
        let now = folder_id(&self.dir);
        let known = match self.engine.read() {
            Ok(current) => current.1,
            Err(poisoned) => poisoned.into_inner().1,
        };
        if now.is_none() || now == known {
            return;
        }
        match Engine::open(&self.dir) {
            Ok(engine) => {
                tracing::info!(
                    documents = engine.num_docs(),
                    "the index was rebuilt; searching the new one"
                );
                if let Ok(mut current) = self.engine.write() {
                    *current = (Arc::new(engine), now);
                }
            }
            Err(e) => tracing::warn!("opening the rebuilt index: {e}"),
        }
    }
}

/// An open index, ready to search.
pub struct Engine {
    reader: IndexReader,
    /// The page index ([`schema::PAGES_DIR`]), once there is one (an index run may create it
    /// while the server runs).
    pages: OnceLock<IndexReader>,
    pages_dir: PathBuf,
    dir: PathBuf,
    fields: Fields,
}

impl Engine {
    /// Opens the index in `dir`; it must exist (run the indexer first).
    pub fn open(dir: &Path) -> Result<Engine> {
        let (index, fields) =
            schema::open_existing(dir)?.ok_or_else(|| Error::NoIndex(dir.to_path_buf()))?;
        let engine = Engine {
            reader: open_reader(&index)?,
            pages: OnceLock::new(),
            pages_dir: dir.join(schema::PAGES_DIR),
            dir: dir.to_path_buf(),
            fields,
        };
        engine.page_reader()?;
        Ok(engine)
    }

    /// Re-reads the index now instead of waiting for the file watcher.
    pub fn reload(&self) -> Result<()> {
        if let Some(pages) = self.page_reader()? {
            pages.reload()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// The page index's reader, opened when the page index first exists.
    fn page_reader(&self) -> Result<Option<&IndexReader>> {
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
    fn page_searcher(&self) -> Option<Searcher> {
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

    /// The best page of each paged document for the query, with its score: the same query
    /// (strict or relaxed, as the main search ran it) run on the page index, its `want` best
    /// pages.
    fn best_pages(
        &self,
        pages: &Searcher,
        req: &SearchRequest,
        relaxed: bool,
        filters: &[(tantivy::schema::Field, &str)],
        want: usize,
    ) -> Result<FxHashMap<String, (Rank, u32)>> {
        let f = &self.fields;
        let plan = query::plan_as_typed(&req.query, f, pages, req.expand, req.as_typed);
        let core = if relaxed { plan.relaxed } else { plan.query };
        let mut best: FxHashMap<String, (Rank, u32)> = FxHashMap::default();
        let Some(core) = core else {
            return Ok(best);
        };
        let q = query::filtered(core.query, filters);
        let top =
            TopDocs::with_limit(want.saturating_mul(4)).order_by(ByTier::new(pages, &core.tiers)?);
        for (rank, address) in pages.search(&*q, &top)? {
            // Page documents store only their id, filters and number: cheap to read.
            let doc: TantivyDocument = pages.doc(address)?;
            let page = stored_pages(&doc, f);
            let entry = best.entry(stored_text(&doc, f.id)).or_insert((rank, page));
            if rank > entry.0 {
                *entry = (rank, page);
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
        best: FxHashMap<String, (Rank, u32)>,
        want: usize,
    ) -> Result<Vec<Ranked>> {
        // Below this rank a document could not enter the first `want` by its page alone.
        let floor = match top.last() {
            Some(&(rank, _)) if top.len() >= want => Some(rank),
            _ => None,
        };
        // Each paged document's best page, by where the document is in the main index.
        let mut by_address: FxHashMap<DocAddress, (Rank, u32)> = FxHashMap::default();
        for (id, best_page) in best {
            if let Some(address) = self.address(searcher, &id)? {
                by_address.insert(address, best_page);
            }
        }
        let mut ranked = Vec::with_capacity(top.len() + by_address.len());
        for (rank, address) in top {
            let page = by_address.remove(&address);
            // A page ranks its document only within the document's own tier.
            let by_page = page
                .filter(|(p, _)| p.tier == rank.tier && p.score > rank.score)
                .map(|(p, _)| p);
            ranked.push(Ranked {
                rank: by_page.unwrap_or(rank),
                address,
                page: page.map(|(_, n)| n),
            });
        }
        for (address, (rank, page)) in by_address {
            if floor.is_none_or(|floor| rank > floor) {
                ranked.push(Ranked {
                    rank,
                    address,
                    page: Some(page),
                });
            }
        }
        ranked.sort_by(|a, b| b.rank.partial_cmp(&a.rank).unwrap_or(Ordering::Equal));
        Ok(ranked)
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let mut results = self.search_once(req)?;
        // A word of the query may be misspelt: look for a spelling that finds more.
        // Only some of the words matched: a misspelling is likely in a short query, not in a
        // sentence pasted in.
        let short = analysis::words(&req.query).count() <= SUGGEST_WORDS;
        if req.suggest
            && req.offset == 0
            && (results.total < SUGGEST_BELOW || (results.relaxed && short))
        {
            let started = Instant::now();
            results.suggestion = self.suggest(req, &results)?;
            results.took_ms += elapsed_ms(started);
        }
        Ok(results)
    }

    /// The query with each word that no word list knows and no document holds replaced by the
    /// known spelling
    /// ([`spelling::Speller`]) that finds more than the word itself, and the most (documents
    /// with all the words count before documents with some, and a spelling's finds include its
    /// glossary translations, which a misspelt word misses); offered when the whole corrected
    /// query finds more than `found`.
    fn suggest(&self, req: &SearchRequest, found: &SearchResults) -> Result<Option<Suggestion>> {
        let speller = spelling::Speller::global();
        let finds = |query: &str| -> Result<(bool, usize)> {
            let probe = SearchRequest {
                query: query.to_string(),
                limit: 1,
                offset: 0,
                facets: false,
                suggest: false,
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

    fn search_once(&self, req: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let plan = query::plan_as_typed(&req.query, f, &searcher, req.expand, req.as_typed);
        let planned = started.elapsed();
        let limit = req.limit.clamp(1, MAX_LIMIT);
        let offset = req.offset.min(MAX_OFFSET);
        let lang = req.lang.map(Lang::code);
        let category = req.category.as_deref().filter(|c| !c.is_empty());
        let mut filters = Vec::new();
        if let Some(lang) = lang {
            filters.push((f.lang, lang));
        }
        if let Some(category) = category {
            filters.push((f.category, category));
        }

        let mut results = SearchResults {
            query: req.query.clone(),
            total: 0,
            took_ms: 0.0,
            hits: Vec::new(),
            expansions: Vec::new(),
            relaxed: false,
            complete: 0,
            query_lang: plan.lang.map(Lang::code),
            facets: None,
            suggestion: None,
        };
        // A query without words lists documents only when a filter is set (browsing).
        if plan.query.is_none() && filters.is_empty() {
            results.took_ms = elapsed_ms(started);
            return Ok(results);
        }
        // With a page index, the first `offset + limit` are ranked again by their pages (not
        // when they are ordered by date).
        let page_searcher = self.page_searcher().filter(|_| req.sort == Sort::Relevance);
        let (want, skip) = match page_searcher {
            Some(_) => (offset + limit, 0),
            None => (limit, offset),
        };
        let collect = |t: &Tiered| -> Result<(Vec<(Rank, DocAddress)>, usize)> {
            let q = query::filtered(t.query.box_clone(), &filters);
            Ok(match req.sort {
                Sort::Relevance => {
                    let top = TopDocs::with_limit(want)
                        .and_offset(skip)
                        .order_by(ByTier::new(&searcher, &t.tiers)?);
                    searcher.search(&*q, &(top, Count))?
                }
                Sort::Newest => {
                    let newest = TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_fast_field::<u64>(schema::DAY, tantivy::Order::Desc);
                    let (docs, total) = searcher.search(&*q, &(newest, Count))?;
                    let docs = docs.into_iter().map(|(_, a)| (Rank::default(), a));
                    (docs.collect(), total)
                }
            })
        };
        // A query without words browses the filtered documents.
        let browse = || Tiered {
            query: Box::new(tantivy::query::AllQuery),
            tiers: Vec::new(),
        };
        let mut core = plan.query.unwrap_or_else(browse);
        let (mut top_docs, mut total) = collect(&core)?;
        results.complete = total;
        // Too few documents have all the words: add those with some of them, below the complete
        // matches. Whether to is decided by the query alone, not by the page asked for, so every
        // page of a query has the same documents in the same order and the same `total`.
        if total < RELAX_BELOW {
            if let Some(relaxed) = plan.relaxed {
                let (relaxed_docs, relaxed_total) = collect(&relaxed)?;
                if relaxed_total > total {
                    (top_docs, total) = (relaxed_docs, relaxed_total);
                    results.relaxed = true;
                    core = relaxed;
                }
            }
        }
        results.total = total;
        let searched = started.elapsed();
        if req.facets {
            results.facets = Some(self.facets(&searcher, &*core.query, lang, category)?);
        }
        let ranked: Vec<Ranked> = match &page_searcher {
            Some(pages) => {
                let best =
                    self.best_pages(pages, req, results.relaxed, &filters, offset + limit)?;
                let ranked = self.rerank_by_pages(&searcher, top_docs, best, offset + limit)?;
                tracing::debug!(
                    pages_us = (started.elapsed() - searched).as_micros() as u64,
                    "ranked by pages"
                );
                ranked.into_iter().skip(offset).take(limit).collect()
            }
            None => top_docs
                .into_iter()
                .map(|(rank, address)| Ranked {
                    rank,
                    address,
                    page: None,
                })
                .collect(),
        };
        // "Also searched" names the translations that a shown document matched, not those of
        // words inside a longer match (`samfund` beside `civilsamfund` for `civil society`).
        for (used, found) in plan.expansions {
            if matches_any(&searcher, &*found, ranked.iter().map(|r| r.address))? {
                results.expansions.push(used);
            }
        }
        let spans: Vec<Vec<String>> = results
            .expansions
            .iter()
            .map(|e| e.from.split(' ').map(str::to_string).collect())
            .filter(|words: &Vec<String>| words.len() > 1)
            .collect();
        results
            .expansions
            .retain(|e| !spans.iter().any(|span| span.contains(&e.from)));
        let addresses: Vec<DocAddress> = ranked.iter().map(|r| r.address).collect();
        let how = notes::how_found(&searcher, &plan.checks, results.relaxed, &addresses)?;
        for (
            Ranked {
                rank,
                address,
                page: best_page,
            },
            how,
        ) in ranked.into_iter().zip(how)
        {
            let doc: TantivyDocument = searcher.doc(address)?;
            let body = doc
                .get_first(f.body)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let title = stored_text(&doc, f.title);
            let title_marked = snippet::highlight_all(&title, &plan.highlight);
            // The snippet of a paged document comes from its best page, when it has one.
            let (shown, shift) = match best_page {
                Some(n) => page_text(body, n),
                None => (body, 0),
            };
            let mut snippet = snippet::snippet(shown, &plan.highlight);
            snippet.anchor += shift;
            // A hit found by its title alone still shows what matched.
            if !snippet.has_marks() && title_marked.has_marks() {
                snippet = snippet::joined(&title_marked, snippet);
            }
            let page = is_paged(&doc, f).then(|| extract::page_at(body, snippet.anchor));
            let lang = stored_text(&doc, f.lang);
            let snippet_lang = lang.parse().map_or("", |doc_lang| {
                let paragraph = crate::lang::paragraph_around(body, snippet.anchor);
                crate::lang::language_of_paragraph(paragraph, doc_lang).code()
            });
            results.hits.push(Hit {
                id: stored_text(&doc, f.id),
                title,
                lang,
                category: stored_text(&doc, f.category),
                score: rank.score,
                tier: rank.tier,
                page,
                date: Some(stored_text(&doc, f.date)).filter(|d| !d.is_empty()),
                snippet,
                title_marked,
                snippet_lang,
                missing: how.missing,
                found_through: how.through,
            });
        }
        results.took_ms = elapsed_ms(started);
        tracing::debug!(
            query = %req.query,
            plan_us = planned.as_micros() as u64,
            search_us = (searched - planned).as_micros() as u64,
            rest_us = (started.elapsed() - searched).as_micros() as u64,
            relaxed = results.relaxed,
            "searched"
        );
        Ok(results)
    }

    /// Counts per language (ignoring the language filter) and per category (ignoring the
    /// category filter), so each filter link shows what choosing it would give.
    fn facets(
        &self,
        searcher: &Searcher,
        core: &dyn Query,
        lang: Option<&str>,
        category: Option<&str>,
    ) -> Result<Facets> {
        let f = &self.fields;
        let run = |filters: &[(tantivy::schema::Field, &str)]| -> Result<FacetFruit> {
            let q = query::filtered(core.box_clone(), filters);
            Ok(searcher.search(&*q, &FacetCounts)?)
        };
        let (langs, categories) = match (lang, category) {
            (None, None) => {
                let both = run(&[])?;
                (both.lang, both.category)
            }
            _ => {
                let by_lang = run(&category.map(|c| vec![(f.category, c)]).unwrap_or_default())?;
                let by_category = run(&lang.map(|l| vec![(f.lang, l)]).unwrap_or_default())?;
                (by_lang.lang, by_category.category)
            }
        };
        Ok(Facets {
            lang: sorted(langs),
            category: sorted(categories),
        })
    }

    /// The document `id`, with the words of `query` (if any) marked, and its related documents.
    pub fn document(&self, id: &str, query: Option<&str>) -> Result<DocumentView> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let (address, doc) = self
            .find(&searcher, id)?
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        let body = stored_text(&doc, f.body);
        let highlight = match query.filter(|q| !q.trim().is_empty()) {
            Some(q) => query::plan(q, f, &searcher, true).highlight,
            None => Default::default(),
        };
        let optional = |field| Some(stored_text(&doc, field)).filter(|s| !s.is_empty());
        Ok(DocumentView {
            id: stored_text(&doc, f.id),
            title: stored_text(&doc, f.title),
            lang: stored_text(&doc, f.lang),
            category: stored_text(&doc, f.category),
            source: optional(f.source),
            date: optional(f.date),
            author: optional(f.author),
            pages: stored_pages(&doc, f),
            body: snippet::highlight_all(&body, &highlight),
            related: self.related(&searcher, address, &doc)?,
        })
    }

    /// The format of a document's original file, for serving it: `None` for an unknown id.
    pub fn original(&self, id: &str) -> Result<Option<extract::Format>> {
        let searcher = self.reader.searcher();
        Ok(self
            .address(&searcher, id)?
            .and_then(|_| extract::Format::from_path(std::path::Path::new(id))))
    }

    fn find(&self, searcher: &Searcher, id: &str) -> Result<Option<(DocAddress, TantivyDocument)>> {
        match self.address(searcher, id)? {
            Some(address) => Ok(Some((address, searcher.doc(address)?))),
            None => Ok(None),
        }
    }

    /// Where document `id` is, without reading it (its stored body can be megabytes).
    fn address(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
        Ok(top.first().map(|&(_, address)| address))
    }

    /// Up to five documents sharing the most distinctive words of `doc`, in either language:
    /// its top terms by tf-idf, plus their glossary translations.
    fn related(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        doc: &TantivyDocument,
    ) -> Result<Vec<Related>> {
        let f = &self.fields;
        let lang: Lang = stored_text(doc, f.lang).parse().unwrap_or(Lang::En);
        let text = format!(
            "{}\n\n{}",
            stored_text(doc, f.title),
            stored_text(doc, f.body)
        );
        let body = TermField::Body(lang);
        // Term frequencies of the document's own words (first occurrence keeps the surface form).
        let mut tf: HashMap<String, (u32, String)> = HashMap::new();
        for (_, lower) in analysis::lower_words(&text) {
            if lower.chars().count() < 4 || lower.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let t = body.analyzer().term(&lower);
            tf.entry(t).or_insert((0, lower)).0 += 1;
        }
        let n = searcher.num_docs().max(1) as f32;
        let field = f.get(body);
        let mut scored: Vec<(f32, String, String)> = tf
            .into_iter()
            .filter_map(|(t, (count, surface))| {
                let df = searcher.doc_freq(&Term::from_field_text(field, &t)).ok()? as f32;
                if df < 2.0 || df > n * 0.3 {
                    return None; // unique to this document, or too common to mean anything
                }
                Some(((1.0 + (count as f32).ln()) * (n / df).ln(), t, surface))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.truncate(20);
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (weight, term, surface) in &scored {
            let q = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), *weight)),
            ));
            for e in Glossary::global().expand(std::slice::from_ref(surface)) {
                let words: Vec<&str> = e.phrase.split(' ').collect();
                if let [single] = words.as_slice() {
                    let q = TermQuery::new(
                        f.term(TermField::Body(e.lang), single),
                        IndexRecordOption::WithFreqs,
                    );
                    should.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(q), *weight)),
                    ));
                }
            }
        }
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let q = BooleanQuery::new(should);
        let top = searcher.search(&q, &TopDocs::with_limit(RELATED + 1).order_by_score())?;
        let mut related = Vec::new();
        for (_, other) in top.into_iter().filter(|(_, a)| *a != address).take(RELATED) {
            let d: TantivyDocument = searcher.doc(other)?;
            related.push(Related {
                id: stored_text(&d, f.id),
                title: stored_text(&d, f.title),
                lang: stored_text(&d, f.lang),
                category: stored_text(&d, f.category),
            });
        }
        Ok(related)
    }

    /// Every stored document, sorted by id (for tests and diagnostics).
    pub fn all_documents(&self) -> Result<Vec<StoredDoc>> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut out = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in segment.doc_ids_alive() {
                let d: TantivyDocument =
                    searcher.doc(DocAddress::new(segment_ord as u32, doc_id))?;
                out.push(StoredDoc {
                    id: stored_text(&d, f.id),
                    title: stored_text(&d, f.title),
                    lang: stored_text(&d, f.lang),
                    category: stored_text(&d, f.category),
                    body: stored_text(&d, f.body),
                });
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}

/// A row of the admin page's document list: a document in the index, or a corpus file the
/// index leaves out, with why.
#[derive(Debug, Clone)]
pub enum Listed {
    Indexed {
        id: String,
        title: String,
        lang: String,
        category: String,
        date: Option<String>,
        /// The file's size in bytes.
        size: u64,
        pages: u32,
    },
    Skipped {
        id: String,
        reason: crate::indexer::SkipReason,
    },
}

impl Listed {
    pub fn id(&self) -> &str {
        match self {
            Listed::Indexed { id, .. } | Listed::Skipped { id, .. } => id,
        }
    }
}

/// One page of the document list, and how many rows there are in all.
#[derive(Debug, Default)]
pub struct Listing {
    pub total: usize,
    pub rows: Vec<Listed>,
    /// Every category of the index, for choosing where an upload goes.
    pub categories: Vec<String>,
}

impl Engine {
    /// The documents whose id contains `filter` (ignoring case), and the `skipped` files
    /// (`(id, reason)`) that match it, in id order: rows `offset..offset + limit`. Ids come from
    /// the id column; only the rows shown are read from the store.
    pub fn list(
        &self,
        filter: &str,
        skipped: Vec<(String, crate::indexer::SkipReason)>,
        offset: usize,
        limit: usize,
    ) -> Result<Listing> {
        let searcher = self.reader.searcher();
        let filter = filter.trim().to_lowercase();
        let matches = |id: &str| filter.is_empty() || id.to_lowercase().contains(&filter);
        let mut rows: Vec<(
            String,
            Option<DocAddress>,
            Option<crate::indexer::SkipReason>,
        )> = Vec::new();
        let mut categories = std::collections::BTreeSet::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for (doc, id) in schema::live_ids(segment)? {
                categories.insert(crate::corpus::category_of(&id));
                if matches(&id) {
                    rows.push((id, Some(DocAddress::new(ord as u32, doc)), None));
                }
            }
        }
        rows.extend(
            skipped
                .into_iter()
                .filter(|(id, _)| matches(id))
                .map(|(id, reason)| (id, None, Some(reason))),
        );
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let total = rows.len();
        let f = &self.fields;
        let mut shown = Vec::new();
        for (id, address, reason) in rows.into_iter().skip(offset).take(limit) {
            let Some(address) = address else {
                if let Some(reason) = reason {
                    shown.push(Listed::Skipped { id, reason });
                }
                continue;
            };
            let doc: TantivyDocument = searcher.doc(address)?;
            let segment = searcher.segment_reader(address.segment_ord);
            let size = segment
                .fast_fields()
                .u64(schema::SIZE)?
                .first(address.doc_id)
                .unwrap_or(0);
            let date = stored_text(&doc, f.date);
            shown.push(Listed::Indexed {
                title: stored_text(&doc, f.title),
                lang: stored_text(&doc, f.lang),
                category: stored_text(&doc, f.category),
                date: (!date.is_empty()).then_some(date),
                size,
                pages: stored_pages(&doc, f),
                id,
            });
        }
        Ok(Listing {
            total,
            rows: shown,
            categories: categories.into_iter().collect(),
        })
    }
}

/// A document as stored in the index.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub body: String,
}

fn open_reader(index: &tantivy::Index) -> Result<IndexReader> {
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::OnCommitWithDelay)
        .try_into()?)
}

/// A document in the final order, with the page that scored it when one did.
struct Ranked {
    rank: Rank,
    address: DocAddress,
    page: Option<u32>,
}

/// The text of page `n` (from 1) of a paged text, without the blank lines around it, and its
/// byte offset in the text.
fn page_text(text: &str, n: u32) -> (&str, usize) {
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

/// Pages of a stored paged document; 0 for a document without pages.
fn stored_pages(doc: &TantivyDocument, f: &Fields) -> u32 {
    doc.get_first(f.pages)
        .and_then(|v| v.as_u64())
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn is_paged(doc: &TantivyDocument, f: &Fields) -> bool {
    stored_pages(doc, f) > 0
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

fn sorted(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<_> = counts.into_iter().filter(|(k, _)| !k.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Counts matching documents per language and category from fast fields.
struct FacetCounts;

#[derive(Default)]
struct FacetFruit {
    lang: HashMap<String, u64>,
    category: HashMap<String, u64>,
}

struct SegmentFacetCounts {
    columns: [Option<tantivy::columnar::StrColumn>; 2],
    counts: [Vec<u64>; 2],
}

impl Collector for FacetCounts {
    type Fruit = FacetFruit;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let ff = segment.fast_fields();
        let columns = [ff.str(schema::LANG)?, ff.str(schema::CATEGORY)?];
        let counts = [0, 1].map(|i| vec![0; columns[i].as_ref().map_or(0, |c| c.num_terms())]);
        Ok(SegmentFacetCounts { columns, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetFruit>) -> tantivy::Result<FacetFruit> {
        let mut all = FacetFruit::default();
        for fruit in fruits {
            for (k, v) in fruit.lang {
                *all.lang.entry(k).or_default() += v;
            }
            for (k, v) in fruit.category {
                *all.category.entry(k).or_default() += v;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = FacetFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.columns.iter().zip(&mut self.counts) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(c) = counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> FacetFruit {
        let mut maps: [HashMap<String, u64>; 2] = Default::default();
        let mut name = String::new();
        for ((map, column), counts) in maps.iter_mut().zip(&self.columns).zip(&self.counts) {
            let Some(column) = column else { continue };
            for (ord, &count) in counts.iter().enumerate() {
                if count > 0 && column.ord_to_str(ord as u64, &mut name).unwrap_or(false) {
                    map.insert(name.clone(), count);
                }
            }
        }
        let [lang, category] = maps;
        FacetFruit { lang, category }
    }
}
