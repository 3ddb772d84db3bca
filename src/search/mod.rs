//! Searching: a [`SearchRequest`] in, [`SearchResults`] out — hits, snippets, counts, timing.
//!
//! The [`Engine`] owns the index reader, which reloads by itself shortly after another process
//! (`vidensbase index`) commits, so a running server sees changes without a restart. Results are
//! plain data; the web layer renders the same value as HTML or JSON. Filters (`lang`, `category`)
//! never change scores. A query that matches nothing with its words required is retried with any
//! word sufficing, and the results say so. Also here: fetching one document for its page, with
//! the query's words marked, and finding related documents.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::Serialize;
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Searcher};

use crate::access::{Audience, Visibility};
use crate::analysis;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::query::{self, UsedExpansion};
use crate::schema::{self, Fields};
use crate::snippet::Snippet;

mod answer;
mod current;
mod document;
mod editions;
mod facets;
mod notes;
mod pages;
mod present;
mod related;
mod rerank;
mod retrieve;
mod suggest;

pub use answer::Answer;
pub use current::Current;
pub use notes::FoundThrough;
use retrieve::Window;
pub use suggest::MAX_WORDS as MAX_SUGGESTED_WORDS;

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
    /// Only documents of this type.
    pub kind: Option<crate::format::Kind>,
    /// Only documents dated in these years (first and last, both included).
    pub years: Option<(u16, u16)>,
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
    /// Look for the passage that answers the query ([`SearchResults::answer`]; the first page
    /// in relevance order only). Off for the probes of "Mente du …?", which show no hits.
    pub answer: bool,
    pub sort: Sort,
    /// Whom the results are for: anyone sees public documents only ([`Audience`]).
    pub audience: Audience,
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
            kind: None,
            years: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            expand: true,
            facets: false,
            suggest: true,
            as_typed: false,
            answer: true,
            sort: Sort::Relevance,
            audience: Audience::Anyone,
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
    /// Other pages of a paged document that match as well (at most three, in page order).
    pub more_pages: Vec<u32>,
    /// The document's date, when it has one (JSON: `2019-07-01`, `2019-07` or `2019`).
    pub date: Option<Date>,
    /// Who published it (front matter, the file's metadata), when it says.
    pub source: Option<String>,
    /// The headings in force at the snippet, outermost first ([`crate::sections::heading_path`]);
    /// empty before a document's first heading or in a document without headings.
    pub headings: Vec<String>,
    /// The anchor of the snippet's section on the document page, when it is in one.
    pub section_anchor: Option<String>,
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
    /// The other edition of its text (Danish or English), when it has one
    /// ([`crate::editions`]); an edition ranked below it is left out of the results.
    pub editions: Vec<crate::editions::store::Edition>,
    /// The hit shows text read by OCR from a scan, with this mean confidence (0–100).
    pub ocr_confidence: Option<u8>,
}

/// Hit counts per filter value, most frequent first (years: newest first).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub lang: Vec<(String, u64)>,
    pub category: Vec<(String, u64)>,
    /// Per document type ([`crate::format::Kind::code`]).
    pub kind: Vec<(String, u64)>,
    /// Per year of the documents' dates (documents without one are not counted).
    pub year: Vec<(u16, u64)>,
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
    /// A query of many words, whose hits need not have every word: each hit's `missing` tells
    /// which it lacks ([`query::words_needed`]).
    pub lenient: bool,
    /// Documents with every word (`total` when neither `relaxed` nor `lenient`).
    pub complete: usize,
    /// The reader's language as the query's words tell it (`da`, `en`), whose matches rank
    /// first; `None` when they tell both or neither.
    pub query_lang: Option<&'static str>,
    pub facets: Option<Facets>,
    /// "Mente du …?": the query with misspelt words corrected, when this one found fewer than
    /// [`SUGGEST_BELOW`] documents (or only some of its words) and the corrected one finds more.
    pub suggestion: Option<Suggestion>,
    /// The passage of the best hits that answers the query, when one clearly does (first page,
    /// relevance order, not while typing).
    pub answer: Option<Answer>,
}

impl SearchResults {
    /// Nothing found yet for `req`, whose words `plan` read.
    fn of(req: &SearchRequest, plan: &query::Plan) -> SearchResults {
        SearchResults {
            query: req.query.clone(),
            total: 0,
            took_ms: 0.0,
            hits: Vec::new(),
            expansions: Vec::new(),
            relaxed: false,
            lenient: plan.lenient,
            complete: 0,
            query_lang: plan.lang.map(Lang::code),
            facets: None,
            suggestion: None,
            answer: None,
        }
    }
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
    pub date: Option<Date>,
    pub author: Option<String>,
    /// Its type in the type filter (an editor may have set it, [`crate::corpus::Edits`]).
    pub kind: Option<crate::format::Kind>,
    /// Some of its text was read by OCR from a scan, with this mean confidence (0–100).
    pub ocr_confidence: Option<u8>,
    /// Pages of a paged document (PDF), 0 otherwise; `body` then holds form feeds between pages.
    pub pages: u32,
    pub body: Snippet,
    pub related: Vec<Related>,
    /// The other edition of its text, when it has one.
    pub editions: Vec<crate::editions::store::Edition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Related {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub category: String,
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
    /// The links between editions (`editions.json`), read again when it changes.
    editions: crate::statefile::Reloaded<editions::Links>,
    /// The editors' synonyms and translations ([`Engine::read_synonyms_from`]).
    editorial: Arc<crate::glossary::editorial::Cached>,
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
            editions: crate::statefile::Reloaded::new(dir.join(crate::editions::store::FILE)),
            editorial: Default::default(),
        };
        engine.page_reader()?;
        Ok(engine)
    }

    /// Expands queries with the editors' synonyms and translations in `corpus`'s
    /// `synonymer.tsv` too, read again whenever it changes.
    pub fn read_synonyms_from(mut self, corpus: &Path) -> Engine {
        let path = corpus.join(crate::glossary::editorial::FILE);
        self.editorial = Arc::new(crate::glossary::editorial::Cached::of(path));
        self
    }

    /// This engine with the synonyms `old` read (an engine on a rebuilt index replacing it).
    pub(super) fn keeping_synonyms_of(mut self, old: &Engine) -> Engine {
        self.editorial = Arc::clone(&old.editorial);
        self
    }

    /// Re-reads the index now instead of waiting for the file watcher.
    pub fn reload(&self) -> Result<()> {
        if let Some(pages) = self.page_reader()? {
            pages.reload()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// A searcher of the index as it is now.
    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn fields(&self) -> &Fields {
        &self.fields
    }

    /// The index folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// When the index last changed (its last commit's `meta.json`).
    pub fn changed(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.dir.join("meta.json"))
            .and_then(|m| m.modified())
            .ok()
    }

    /// Documents in the index, whoever may see them.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Documents `audience` may see.
    pub fn num_docs_for(&self, audience: Audience) -> Result<u64> {
        let searcher = self.reader.searcher();
        match restriction(&self.fields, &searcher, audience).first() {
            None => Ok(searcher.num_docs()),
            Some(&(field, value)) => {
                let term = tantivy::Term::from_field_text(field, value);
                let q = tantivy::query::TermQuery::new(term, Default::default());
                Ok(searcher.search(&q, &tantivy::collector::Count)? as u64)
            }
        }
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

    /// One search, as a list of its stages: plan, retrieve and count, rank by pages, present,
    /// answer.
    fn search_once(&self, req: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let (expand, typed, audience) = (req.expand, req.as_typed, req.audience);
        let editorial = self.editorial.current();
        let mut plan = query::plan_as_typed(
            &req.query,
            f,
            &searcher,
            expand,
            typed,
            audience,
            Some(&editorial),
        );
        // A question re-ranked by passages is retrieved from its start (`rerank::widen`).
        let reranks = rerank::applies(req, &plan);
        let mut window = Window::of(req, f, &searcher);
        if reranks {
            rerank::widen(&mut window);
        }
        let mut results = SearchResults::of(req, &plan);
        // A query without words lists documents only when a filter is set (browsing).
        if plan.query.is_none() && !window.browses() {
            results.took_ms = elapsed_ms(started);
            return Ok(results);
        }
        // With a page index, the first `offset + limit` are ranked again by their pages (not
        // when they are ordered by date).
        let pages = self.page_searcher().filter(|_| req.sort == Sort::Relevance);
        let top = self.counted(
            &searcher,
            &mut plan,
            req,
            &window,
            pages.is_some(),
            &mut results,
        )?;
        let ranked = self.rank_by_pages(&searcher, pages.as_ref(), top, req, &window)?;
        let mut addresses: Vec<DocAddress> = ranked.iter().map(|r| r.address).collect();
        results.hits = present::hits(&searcher, f, &plan, ranked, results.relaxed)?;
        // A first hit the passages chose over the ranking's gets no answer box: the two
        // disagree on which document answers.
        let moved = match reranks {
            true => rerank::apply(&searcher, f, req, &mut results.hits, &mut addresses)?,
            false => false,
        };
        let expansions = std::mem::take(&mut plan.expansions);
        results.expansions = notes::shown_expansions(&searcher, expansions, &addresses)?;
        let reader = results.query_lang;
        let may_see = |id: &str| self.may_see(&searcher, id, req.audience);
        editions::attach(
            &mut results.hits,
            &mut addresses,
            &self.editions(),
            reader,
            may_see,
        );
        if req.answer && req.offset == 0 && req.sort == Sort::Relevance && !req.as_typed && !moved {
            let (hl, q) = (&plan.highlight, &req.query);
            results.answer = answer::find(&searcher, f, q, reader, hl, &addresses, &results.hits)?;
        }
        results.took_ms = elapsed_ms(started);
        tracing::debug!(query = %req.query, took_ms = results.took_ms, relaxed = results.relaxed, "searched");
        Ok(results)
    }
}

/// The filter that restricts a search of `searcher` to what `audience` may see: none for staff,
/// and none while the index holds no internal document (the clause would cost every query a
/// walk through every document's posting for nothing).
pub(crate) fn restriction(
    f: &Fields,
    searcher: &Searcher,
    audience: Audience,
) -> Vec<(tantivy::schema::Field, &'static str)> {
    let Some(visible) = audience.restricted_to() else {
        return Vec::new();
    };
    let hidden = tantivy::Term::from_field_text(f.visibility, Visibility::Intern.code());
    match searcher.doc_freq(&hidden) {
        Ok(0) => Vec::new(),
        _ => vec![(f.visibility, visible.code())],
    }
}

/// An index of at least this many documents when a reader opens it is searched on every core.
/// Below it a search takes about a millisecond, and handing its segments to other threads costs
/// more than it saves (5 % of the mean at 5,100 pages).
const PARALLEL_FROM: usize = 100_000;

/// A reader whose searches of a large index read its segments on every core: a search of a
/// million pages (a handful of segments of up to 400,000 documents) then waits for its largest
/// segment, not for all of them in turn. Each such reader has its own threads.
fn open_reader(index: &tantivy::Index) -> Result<IndexReader> {
    let mut index = index.clone();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let documents: usize = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| m.num_docs() as usize)
        .sum();
    if cores > 1 && documents >= PARALLEL_FROM {
        index.set_multithread_executor(cores)?;
    }
    Ok(index
        .reader_builder()
        .reload_policy(ReloadPolicy::OnCommitWithDelay)
        .try_into()?)
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}
