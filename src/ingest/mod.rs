//! Incremental sync of the corpus folder into the index: add new files, re-index changed ones,
//! delete removed ones, and leave unchanged ones alone.
//!
//! A file is unchanged when its size and modification time match what the index stored; only
//! when they differ is it read and hashed (xxh3), and only when the hash differs is it extracted
//! and re-indexed. Files that cannot be read, or are binary or empty, are skipped with a warning
//! naming them and the run goes on. Reading, extraction, language detection, analysis (one pass
//! per paragraph, giving every field's terms and the paragraph's function words) and building the
//! tantivy document run in parallel in chunks; the compound lexicon grows with each chunk's Danish
//! vocabulary (on top of the existing index's and the glossary's), then the chunk's compounds are
//! split and its documents added, while the next chunk is being extracted. Everything is
//! committed once at the end, so a running server sees one consistent new version.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tantivy::{DocSet, Index, IndexWriter, TantivyDocument, Term};

use rustc_hash::FxHashMap;

use crate::analysis::{Analysis, SideTerms, WordId};
use crate::compound::{at_least_chars, Splitter, MIN_PART_CHARS};
use crate::corpus::{self, CorpusFile};
use crate::error::{Error, Result};
use crate::extract::{self, Extracted};
use crate::glossary::Glossary;
use crate::lang::{self, Lang};
use crate::schema::{self, Fields, TermField};

mod skips;
use skips::Skips;
pub use skips::{skipped_files, SkipKind, SkipReason};

/// Documents extracted in parallel before being added, and the unit the lexicon grows by.
const CHUNK: usize = 4096;
/// A chunk also ends once its files add up to this many bytes, so a folder of large files does
/// not hold thousands of them in memory at once.
const CHUNK_BYTES: u64 = 512 << 20;
/// tantivy indexing threads. Analysis runs on the rayon pool beside them, so they only record
/// postings and serialise segments.
const INDEXING_THREADS: usize = 2;
/// Memory the tantivy writer may use before it flushes a segment.
const WRITER_BUDGET: usize = 256 * 1024 * 1024;
/// The same for the page index, written by one thread.
const PAGE_WRITER_BUDGET: usize = 64 * 1024 * 1024;

/// What a sync did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    pub skipped: usize,
    /// Files read (those whose size or modification time differed from the index's stamp).
    pub read: usize,
    /// Of `skipped`, files an earlier run skipped that have not changed since: not read again
    /// (their warnings are repeated in `warnings` but not logged).
    pub skipped_before: usize,
    /// Documents in the index after the sync.
    pub total: u64,
    pub elapsed: Duration,
    /// One line per skipped file, naming it.
    pub warnings: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} updated, {} deleted, {} unchanged, {} skipped; {} documents in the index ({:.2} s)",
            self.added,
            self.updated,
            self.deleted,
            self.unchanged,
            self.skipped,
            self.total,
            self.elapsed.as_secs_f64()
        )
    }
}

/// What the index remembers of a document, to decide whether the file changed.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    mtime: u64,
    size: u64,
    hash: u64,
}

/// A changed file, read, extracted, analysed and made into a tantivy document: everything but
/// its compound parts, which need the lexicon of the whole chunk.
struct Prepared {
    id: String,
    doc: TantivyDocument,
    /// One document per page for the page index (paged formats only).
    pages: Vec<TantivyDocument>,
    /// The content is what the index has; only the stamp changed.
    restamp: bool,
    /// A warning to give although the file is indexed (its text was cut).
    notice: Option<String>,
    /// Distinct lowercased Danish words (title and Danish paragraphs) of at least
    /// [`MIN_PART_CHARS`] characters, with their counts: the lexicon learns them, and the long
    /// ones are compound candidates. (A word can be listed twice, its count split, if the term
    /// cache started over in the middle of the document: the parts come out the same.)
    danish_words: WordCounts,
}

/// What analysing one document writes; one per pool thread, reused from document to document
/// (tantivy copies the terms into its own document).
#[derive(Default)]
struct Scratch {
    /// The title's terms under the document language's analyser.
    title: String,
    /// The body's terms per paragraph language (index: `Lang as usize`).
    body: [String; 2],
    /// The folded terms and word forms of title and body.
    side: SideTerms,
    danish: WordCounter,
    /// Where each page's terms start in `body` and `side` (paged formats only).
    page_starts: Vec<[usize; 4]>,
    /// This thread's analysis, with its term cache.
    analysis: Analysis,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// In place of a stem's length: the stem is not a prefix of its word (not so far for any
/// Danish word) or is too long to say.
const NO_STEM: u8 = u8::MAX;

/// Counts a document's distinct words and keeps each one's Danish stem, as its length (Danish
/// stems are prefixes of their words). Words are told apart by the [`WordId`] the analysis gives
/// them, so counting hashes an integer, in a table that is reused from document to document.
#[derive(Default)]
struct WordCounter {
    /// Where each word is in `counts`.
    seen: FxHashMap<WordId, usize>,
    counts: WordCounts,
}

impl WordCounter {
    /// Counts a word of at least [`MIN_PART_CHARS`] characters (shorter ones, most function
    /// words among them, can be no compound part).
    fn add(&mut self, id: WordId, word: &str, stem: &str) {
        if !at_least_chars(word, MIN_PART_CHARS) {
            return;
        }
        let counts = &mut self.counts;
        let at = *self.seen.entry(id).or_insert_with(|| {
            let stem = match u8::try_from(stem.len()) {
                Ok(len) if len < NO_STEM && word.starts_with(stem) => len,
                _ => NO_STEM,
            };
            counts.push(word, 0, stem);
            counts.counts.len() - 1
        });
        if let Some((count, _)) = counts.counts.get_mut(at) {
            *count += 1;
        }
    }

    /// Takes one occurrence of a word back.
    fn remove(&mut self, id: WordId) {
        if let Some(&at) = self.seen.get(&id) {
            if let Some((count, _)) = self.counts.counts.get_mut(at) {
                *count = count.saturating_sub(1);
            }
        }
    }

    /// The words counted so far, leaving the counter empty.
    fn take(&mut self) -> WordCounts {
        self.seen.clear();
        std::mem::take(&mut self.counts)
    }
}

/// Distinct words with their counts and stems' lengths, the words in one string (words never
/// contain a newline).
#[derive(Debug, Default)]
struct WordCounts {
    words: String,
    counts: Vec<(u32, u8)>,
}

impl WordCounts {
    fn push(&mut self, word: &str, count: u32, stem: u8) {
        if !self.counts.is_empty() {
            self.words.push('\n');
        }
        self.words.push_str(word);
        self.counts.push((count, stem));
    }

    /// Each word still counted, its count, and its Danish stem if it was kept.
    fn iter(&self) -> impl Iterator<Item = (&str, u32, Option<&str>)> {
        self.words
            .split('\n')
            .zip(self.counts.iter())
            .filter(|(_, &(count, _))| count > 0)
            .map(|(word, &(count, stem))| {
                let stem = match stem {
                    NO_STEM => None,
                    len => word.get(..usize::from(len)),
                };
                (word, count, stem)
            })
    }
}

/// Which part of the corpus a sync compares with the index.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every file (each one stat-ed) and every document the index holds.
    All,
    /// These ids and everything under them, taken as folders: the paths the watcher was told
    /// changed. A sync of a few paths costs what they cost, not what the corpus costs.
    Under(Vec<String>),
}

impl Scope {
    /// The scope of the changed paths (files or folders, removed or not) under `corpus_dir`;
    /// the whole corpus when one of them is the corpus folder itself.
    pub fn of_paths(corpus_dir: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Scope {
        let root = corpus::resolve(corpus_dir);
        let mut ids = Vec::new();
        for path in paths {
            // The folder is resolved, the last name is not: a link inside the corpus is a
            // document of its own, under its own name.
            let path = match (path.parent(), path.file_name()) {
                (Some(folder), Some(name)) => corpus::resolve(folder).join(name),
                _ => corpus::resolve(&path),
            };
            match corpus::doc_id(&root, &path) {
                Some(id) if id.is_empty() => return Scope::All,
                Some(id) => ids.push(id),
                None => {}
            }
        }
        ids.sort();
        ids.dedup();
        Scope::Under(ids)
    }

    fn contains(&self, id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Under(ids) => ids.iter().any(|under| {
                id.strip_prefix(under.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            }),
        }
    }
}

/// How far a running sync is: files to read, and files read so far (for a status page).
#[derive(Debug, Default)]
pub struct Progress {
    total: AtomicUsize,
    done: AtomicUsize,
}

impl Progress {
    /// `(done, total)` files of the running sync; `(0, 0)` before it knows.
    pub fn get(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    fn start(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
}

/// Brings the index in `index_dir` in line with the corpus in `corpus_dir`.
pub fn sync(corpus_dir: &Path, index_dir: &Path) -> Result<Report> {
    sync_scope(corpus_dir, index_dir, &Scope::All, &Progress::default())
}

/// Builds a new index of the whole corpus beside the one in `index_dir` (in
/// [`schema::rebuild_dir`]) and then puts it in its place in one step ([`schema::replace`]): a
/// server answers from the old index until the new one is complete, then from the new one. A
/// leftover of an interrupted rebuild is deleted first. Waits up to `wait` for another writer of
/// the live index (a watching server's sync) before the swap. Changes made to the corpus during
/// the build may be missing from the new index: a sync afterwards catches them.
pub fn rebuild(
    corpus_dir: &Path,
    index_dir: &Path,
    progress: &Progress,
    wait: Duration,
) -> Result<Report> {
    let building = schema::rebuild_dir(index_dir);
    if building.exists() {
        // Another rebuild holds it while it runs.
        if let Ok(directory) = tantivy::directory::MmapDirectory::open(&building) {
            let lock = tantivy::Directory::acquire_lock(
                &directory,
                &tantivy::directory::INDEX_WRITER_LOCK,
            );
            if lock.is_err() {
                return Err(Error::Locked(building));
            }
        }
        std::fs::remove_dir_all(&building).map_err(|source| Error::Io {
            path: building.clone(),
            source,
        })?;
    }
    let report = sync_scope(corpus_dir, &building, &Scope::All, progress)?;
    let started = Instant::now();
    loop {
        match schema::replace(index_dir, &building) {
            Err(Error::Locked(_)) if started.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(100));
            }
            other => return other.map(|()| report),
        }
    }
}

/// Brings the index in line with the part of the corpus in `scope`, counting the files it
/// reads in `progress`.
pub fn sync_scope(
    corpus_dir: &Path,
    index_dir: &Path,
    scope: &Scope,
    progress: &Progress,
) -> Result<Report> {
    let started = Instant::now();
    if !corpus_dir.is_dir() {
        return Err(Error::Io {
            path: corpus_dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "corpus folder not found"),
        });
    }
    let (index, fields) = schema::open_or_create(index_dir)?;
    let mut writer = Writers::open(&index, index_dir, fields)?;
    let mut report = Report::default();
    let warn = |report: &mut Report, message: String| {
        tracing::warn!("{message}");
        report.warnings.push(message);
        report.skipped += 1;
    };

    tracing::debug!(ms = started.elapsed().as_millis() as u64, "writer ready");
    let stamps = read_stamps(&index, &fields, scope)?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        documents = stamps.len(),
        "stamps read"
    );
    let mut walk_warnings = Vec::new();
    let files = match scope {
        Scope::All => corpus::walk(corpus_dir, |w| walk_warnings.push(w)),
        Scope::Under(ids) => corpus::walk_ids(corpus_dir, ids, |w| walk_warnings.push(w)),
    };
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        files = files.len(),
        "corpus walked"
    );
    for w in walk_warnings {
        warn(&mut report, w);
    }

    // Deleted files.
    let present: std::collections::HashSet<&str> = files.iter().map(|f| f.id.as_str()).collect();
    for id in stamps.keys() {
        if !present.contains(id.as_str()) {
            writer.delete(id)?;
            report.deleted += 1;
        }
    }

    // Files whose stamp differs: the only ones read. A file skipped before and unchanged since
    // is not read again (a 1 GB binary would cost a second and a gigabyte every run).
    let mut skips = Skips::load(index_dir);
    skips.retain(|id| !scope.contains(id) || present.contains(id));
    let candidates: Vec<CorpusFile> = files
        .iter()
        .filter(|f| match stamps.get(&f.id) {
            Some(s) if s.mtime == f.mtime && s.size == f.size => {
                report.unchanged += 1;
                false
            }
            _ => match skips.unchanged(f) {
                Some(reason) => {
                    report.skipped += 1;
                    report.skipped_before += 1;
                    report
                        .warnings
                        .push(format!("skipping {}: {reason}", f.path.display()));
                    false
                }
                None => true,
            },
        })
        .cloned()
        .collect();

    report.read = candidates.len();
    progress.start(candidates.len());
    if !candidates.is_empty() {
        let mut splitter = Splitter::new();
        let mut needs_tool: Vec<String> = Vec::new();
        let mut lexicon_loaded = false;
        let bar = progress_bar(candidates.len());
        let prepare_chunk = |chunk: &[CorpusFile]| -> Vec<Outcome> {
            let t = Instant::now();
            let results: Vec<Outcome> = chunk
                .par_iter()
                .map(|file| {
                    let outcome = prepare(&fields, file, stamps.get(&file.id));
                    progress.done.fetch_add(1, Ordering::Relaxed);
                    outcome
                })
                .collect();
            tracing::debug!(
                files = chunk.len(),
                ms = t.elapsed().as_millis() as u64,
                "extracted"
            );
            results
        };
        // Sorts one chunk's outcomes, grows the lexicon by its Danish words, splits its compounds
        // and hands its documents to the writer.
        let mut add_chunk = |results: Vec<Outcome>, files: usize| -> Result<()> {
            let t = Instant::now();
            let mut prepared = Vec::with_capacity(results.len());
            for outcome in results {
                match outcome {
                    Outcome::Ready(p) => prepared.push(p),
                    Outcome::Skipped {
                        id,
                        path,
                        stamp,
                        reason,
                    } => {
                        let indexed = stamps.contains_key(&id);
                        if reason.is_about_content() && indexed {
                            writer.delete(&id)?;
                            report.deleted += 1;
                        }
                        match reason.kind {
                            SkipKind::ProgramMissing => needs_tool.push(path),
                            _ => warn(&mut report, format!("skipping {path}: {reason}")),
                        }
                        // An earlier version that stays in the index is what the file is listed
                        // as; the next run reads the file again anyway.
                        if reason.is_about_content() || !indexed {
                            skips.remember(id, stamp, reason);
                        }
                    }
                }
            }
            // The lexicon is loaded only when there is something to analyse: a run that
            // merely re-reads files that cannot be indexed should not pay for it.
            if !prepared.is_empty() && !lexicon_loaded {
                for word in Glossary::global().danish_words() {
                    splitter.learn(word);
                }
                learn_index_vocabulary(&index, &fields, &mut splitter)?;
                lexicon_loaded = true;
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "lexicon loaded");
            }
            for p in &prepared {
                for (word, _, stem) in p.danish_words.iter() {
                    match stem {
                        Some(stem) => splitter.learn_stemmed(word, stem),
                        None => splitter.learn(word),
                    }
                }
            }
            for p in prepared {
                skips.forget(&p.id);
                if let Some(notice) = &p.notice {
                    tracing::warn!("{notice}");
                    report.warnings.push(notice.clone());
                }
                let existed = stamps.contains_key(&p.id);
                let mut doc = p.doc;
                let parts = compound_parts(&p.danish_words, &mut splitter);
                if !parts.is_empty() {
                    doc.add_text(fields.get(TermField::Parts), &parts);
                }
                if existed {
                    writer.delete(&p.id)?;
                }
                writer.add(doc, p.pages)?;
                if p.restamp {
                    report.unchanged += 1;
                } else if existed {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "analysed and added");
            bar.inc(files as u64);
            Ok(())
        };
        let chunks = chunked(&candidates);
        let mut next = chunks.first().map(|chunk| prepare_chunk(chunk));
        for i in 0..chunks.len() {
            let results = next.take().unwrap_or_default();
            // The pool extracts the next chunk while this one is added: the writer's own threads
            // would otherwise wait for the extraction, and the pool for the adding.
            let added;
            (next, added) = rayon::join(
                || chunks.get(i + 1).map(|chunk| prepare_chunk(chunk)),
                || add_chunk(results, chunks[i].len()),
            );
            added?;
        }
        bar.finish_and_clear();
        if let Some(first) = needs_tool.first() {
            let more = needs_tool.len() - 1;
            warn(
                &mut report,
                format!(
                    "skipping {} PDF file{} ({first}{}): reading PDFs needs pdftotext (Debian package poppler-utils), which is not installed; the other formats are indexed",
                    needs_tool.len(),
                    if more == 0 { "" } else { "s" },
                    if more == 0 { String::new() } else { format!(" and {more} more") },
                ),
            );
            report.skipped += more;
        }
        tracing::debug!(lexicon = splitter.lexicon_len(), "compound lexicon");
    }

    if writer.dirty {
        writer.commit()?;
    }
    // After the commit: a skip remembered before it would hide a file the commit lost.
    skips.save(index_dir);
    index.load_metas()?;
    let reader = index.reader()?;
    report.total = reader.searcher().num_docs();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// `files` in runs of at most [`CHUNK`] files and, past the first file, [`CHUNK_BYTES`] bytes.
fn chunked(files: &[CorpusFile]) -> Vec<&[CorpusFile]> {
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, file) in files.iter().enumerate() {
        if i > start && (i - start == CHUNK || bytes + file.size > CHUNK_BYTES) {
            chunks.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += file.size;
    }
    if start < files.len() {
        chunks.push(&files[start..]);
    }
    chunks
}

/// The writers of the main index and of the page index ([`schema::PAGES_DIR`]), which change
/// together: a document's pages are deleted and added with it. The page index is opened only
/// when there is a page to add or to delete, so a corpus without PDFs never touches it.
struct Writers {
    main: IndexWriter<TantivyDocument>,
    pages: Option<IndexWriter<TantivyDocument>>,
    pages_dir: PathBuf,
    fields: Fields,
    /// The page index has documents, so deletions must reach it.
    pages_held: bool,
    pages_changed: bool,
    /// Anything was deleted or added: there is something to commit.
    dirty: bool,
}

/// A writer's error, with a lock held by another process told apart.
fn writer_error(dir: &Path) -> impl Fn(tantivy::TantivyError) -> Error + '_ {
    move |e| match e {
        tantivy::TantivyError::LockFailure(..) => Error::Locked(dir.to_path_buf()),
        other => Error::index(dir, other),
    }
}

impl Writers {
    fn open(index: &Index, dir: &Path, fields: Fields) -> Result<Writers> {
        let main = index
            .writer_with_num_threads(INDEXING_THREADS, WRITER_BUDGET)
            .map_err(writer_error(dir))?;
        // A run killed inside its commit leaves files the last meta.json does not know (a
        // segment's new deletes file among them, whose name the next run would write again).
        main.garbage_collect_files().wait()?;
        let pages_dir = dir.join(schema::PAGES_DIR);
        let pages_held = match schema::open_existing(&pages_dir)? {
            Some((pages, _)) => pages.reader()?.searcher().num_docs() > 0,
            None => false,
        };
        Ok(Writers {
            main,
            pages: None,
            pages_dir,
            fields,
            pages_held,
            pages_changed: false,
            dirty: false,
        })
    }

    fn page_writer(&mut self) -> Result<&mut IndexWriter<TantivyDocument>> {
        if self.pages.is_none() {
            let (index, _) = schema::open_or_create(&self.pages_dir)?;
            let writer = index
                .writer_with_num_threads(1, PAGE_WRITER_BUDGET)
                .map_err(writer_error(&self.pages_dir))?;
            writer.garbage_collect_files().wait()?;
            self.pages = Some(writer);
        }
        self.pages_changed = true;
        self.pages
            .as_mut()
            .ok_or_else(|| Error::Internal("page index writer".into()))
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        let term = Term::from_field_text(self.fields.id, id);
        if self.pages_held {
            self.page_writer()?.delete_term(term.clone());
        }
        self.main.delete_term(term);
        self.dirty = true;
        Ok(())
    }

    fn add(&mut self, doc: TantivyDocument, pages: Vec<TantivyDocument>) -> Result<()> {
        if !pages.is_empty() {
            let writer = self.page_writer()?;
            for page in pages {
                writer.add_document(page)?;
            }
        }
        self.main.add_document(doc)?;
        self.dirty = true;
        Ok(())
    }

    /// Commits the page index, then the main index, so a reader never finds a document whose
    /// pages are missing.
    fn commit(mut self) -> Result<()> {
        let t = Instant::now();
        let payload = crate::analysis::commit_payload();
        if let Some(pages) = self.pages.as_mut().filter(|_| self.pages_changed) {
            let mut commit = pages.prepare_commit()?;
            commit.set_payload(&payload);
            commit.commit()?;
        }
        let mut commit = self.main.prepare_commit()?;
        commit.set_payload(&payload);
        commit.commit()?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "committed");
        if let Some(pages) = self.pages {
            pages.wait_merging_threads()?;
        }
        self.main.wait_merging_threads()?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "merged");
        Ok(())
    }
}

enum Outcome {
    Ready(Box<Prepared>),
    /// Left out, and why. A file whose format needs a program that is not installed is warned
    /// about once for the whole run.
    Skipped {
        id: String,
        path: String,
        /// The file's `(mtime, size)`, to know it unchanged next time.
        stamp: (u64, u64),
        reason: SkipReason,
    },
}

impl Outcome {
    fn skipped(file: &CorpusFile, reason: SkipReason) -> Outcome {
        Outcome::Skipped {
            id: file.id.clone(),
            path: file.path.display().to_string(),
            stamp: (file.mtime, file.size),
            reason,
        }
    }
}

fn prepare(fields: &Fields, file: &CorpusFile, stamp: Option<&Stamp>) -> Outcome {
    // Only as much of the file as its extraction needs is held (a binary not even that).
    let loaded = match extract::load(file.format, &file.path, file.size) {
        Ok(loaded) => loaded,
        Err(extract::LoadError::Unreadable(err)) => {
            return Outcome::skipped(file, SkipReason::unreadable(&err))
        }
        Err(extract::LoadError::Refused(refusal)) => {
            return Outcome::skipped(file, SkipReason::from(&refusal))
        }
    };
    let hash = loaded.hash;
    // The same content under a new stamp (a `touch`, a copy that kept the bytes) is indexed
    // again all the same: the stamp lives in the document, and a stale one would have the file
    // read on every run.
    let restamp = stamp.is_some_and(|s| s.hash == hash);
    match extract::extract_from(file.format, loaded.source, &corpus::title_from_id(&file.id)) {
        Ok(doc) => {
            let mut prepared = analyse(fields, file, doc, hash);
            prepared.restamp = restamp;
            Outcome::Ready(Box::new(prepared))
        }
        Err(refusal) => Outcome::skipped(file, SkipReason::from(&refusal)),
    }
}

/// Detects the languages of a document, analyses its title and paragraphs, each word once, and
/// makes the tantivy document (all but the compound parts).
fn analyse(fields: &Fields, file: &CorpusFile, doc: Extracted, hash: u64) -> Prepared {
    let lang = doc.language();
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch {
            title,
            body,
            side,
            danish,
            page_starts,
            analysis,
        } = scratch;
        title.clear();
        side.clear();
        page_starts.clear();
        for body in body.iter_mut() {
            body.clear();
        }
        // (The Danish analyser's term of a word is its Danish stem.)
        analysis.index_text(
            &doc.title,
            TermField::Title(lang).analyzer(),
            title,
            side,
            |word, term, id| {
                if lang == Lang::Da {
                    danish.add(id, word, term)
                }
            },
        );
        side.mark_title_forms();
        // Each paragraph is analysed in the document's language, its function words counted on
        // the way; the rare one that is in the other language is taken back and analysed again.
        let doc_lang = lang;
        // A text without pages is one page, and is not searched for page breaks.
        let pages: Box<dyn Iterator<Item = &str>> = match doc.pages {
            0 => Box::new(std::iter::once(doc.text.as_str())),
            _ => Box::new(doc.text.split(extract::PAGE_BREAK)),
        };
        for page in pages {
            if doc.pages > 0 {
                let [folded, forms] = side.marks();
                page_starts.push([body[0].len(), body[1].len(), folded, forms]);
            }
            for paragraph in lang::paragraphs(page) {
                let marks = (body[doc_lang as usize].len(), side.marks());
                let mut function_words = lang::FunctionWords::default();
                analysis.index_text(
                    paragraph,
                    TermField::Body(doc_lang).analyzer(),
                    &mut body[doc_lang as usize],
                    side,
                    |word, term, id| {
                        function_words.count(word);
                        if doc_lang == Lang::Da {
                            danish.add(id, word, term)
                        }
                    },
                );
                let lang = lang::paragraph_language(paragraph, doc_lang, function_words);
                if lang == doc_lang {
                    continue;
                }
                body[doc_lang as usize].truncate(marks.0);
                side.truncate(marks.1);
                analysis.index_text(
                    paragraph,
                    TermField::Body(lang).analyzer(),
                    &mut body[lang as usize],
                    side,
                    |word, term, id| match lang {
                        Lang::Da => danish.add(id, word, term),
                        // Danish words counted before the paragraph turned out English.
                        Lang::En => danish.remove(id),
                    },
                );
            }
        }
        Prepared {
            id: file.id.clone(),
            doc: document(fields, file, &doc, lang, hash, scratch),
            pages: page_documents(fields, file, lang, &doc.contents_pages, scratch),
            restamp: false,
            notice: doc.cut_from.map(|len| {
                format!(
                    "{}: only the first {} MB of its {} MB of text are indexed",
                    file.path.display(),
                    doc.text.len().div_ceil(1 << 20),
                    len >> 20
                )
            }),
            danish_words: scratch.danish.take(),
        }
    })
}

/// The page index's documents of an analysed paged file: each page's terms (the slices of the
/// document's terms between its page starts), its number, and the filter values of its document;
/// contents pages are left out.
fn page_documents(
    f: &Fields,
    file: &CorpusFile,
    lang: Lang,
    contents_pages: &[u32],
    terms: &Scratch,
) -> Vec<TantivyDocument> {
    let starts = &terms.page_starts;
    let ends = starts.iter().skip(1).copied().chain(std::iter::once([
        terms.body[0].len(),
        terms.body[1].len(),
        terms.side.folded.len(),
        terms.side.forms.len(),
    ]));
    let mut pages = Vec::with_capacity(starts.len());
    for (n, (start, end)) in starts.iter().zip(ends).enumerate() {
        if contents_pages.contains(&(n as u32 + 1)) {
            continue;
        }
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, &file.id);
        doc.add_text(f.lang, lang.code());
        doc.add_text(f.category, &file.category);
        doc.add_u64(f.pages, n as u64 + 1);
        for l in Lang::ALL {
            let i = l as usize;
            if let Some(slice) = terms.body[i]
                .get(start[i]..end[i])
                .filter(|s| !s.trim().is_empty())
            {
                doc.add_text(f.get(TermField::Body(l)), slice);
            }
        }
        for (field, text, i) in [
            (f.get(TermField::Fold), &terms.side.folded, 2),
            (f.get(TermField::Forms), &terms.side.forms, 3),
        ] {
            if let Some(slice) = text.get(start[i]..end[i]).filter(|s| !s.trim().is_empty()) {
                doc.add_text(field, slice);
            }
        }
        pages.push(doc);
    }
    pages
}

/// Stamps of every live document, read from fast fields (no stored body is touched).
fn read_stamps(index: &Index, fields: &Fields, scope: &Scope) -> Result<HashMap<String, Stamp>> {
    let searcher = index.reader()?.searcher();
    let mut stamps = HashMap::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let (mtime, size, hash) = (
            ff.u64(schema::MTIME)?,
            ff.u64(schema::SIZE)?,
            ff.u64(schema::HASH)?,
        );
        let stamp = |doc| Stamp {
            mtime: mtime.first(doc).unwrap_or(0),
            size: size.first(doc).unwrap_or(0),
            hash: hash.first(doc).unwrap_or(0),
        };
        if let Scope::Under(under) = scope {
            // Each id and the ids below it, from the id field's term dictionary.
            let inverted = segment.inverted_index(fields.id)?;
            for id in under {
                for (from, to) in [
                    (id.clone(), format!("{id}\0")),
                    (format!("{id}/"), format!("{id}0")),
                ] {
                    let mut terms = inverted.terms().range().ge(&from).lt(&to).into_stream()?;
                    while terms.advance() {
                        let mut docs = inverted.read_postings_from_terminfo(
                            terms.value(),
                            tantivy::schema::IndexRecordOption::Basic,
                        )?;
                        while docs.doc() != tantivy::TERMINATED {
                            if !segment.is_deleted(docs.doc()) {
                                let id = String::from_utf8_lossy(terms.key()).into_owned();
                                stamps.insert(id, stamp(docs.doc()));
                            }
                            docs.advance();
                        }
                    }
                }
            }
            continue;
        }
        for (doc, id) in schema::live_ids(segment)? {
            stamps.insert(id, stamp(doc));
        }
    }
    Ok(stamps)
}

/// Adds the Danish stems already in the index to the lexicon.
fn learn_index_vocabulary(index: &Index, fields: &Fields, splitter: &mut Splitter) -> Result<()> {
    let searcher = index.reader()?.searcher();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.get(TermField::Body(Lang::Da)))?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if at_least_chars(term, MIN_PART_CHARS) {
                    splitter.learn_stem(term.to_string());
                }
            }
        }
    }
    Ok(())
}

/// `2019-07-01` as `20190701`, `2019-07` as `20190700`, `2019` as `20190000`; 0 for anything
/// else. Sorting by it puts the newest first.
fn day_number(date: &str) -> u64 {
    let parts: Vec<&str> = date.trim().split('-').collect();
    let number = |s: Option<&&str>, len: usize, max: u64| {
        s.filter(|s| s.len() == len)
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|n| *n <= max)
    };
    let Some(year) = number(parts.first(), 4, 9999) else {
        return 0;
    };
    let Some(month) = number(parts.get(1), 2, 12).filter(|m| *m > 0) else {
        return year * 10_000;
    };
    let day = number(parts.get(2), 2, 31).unwrap_or(0);
    year * 10_000 + month * 100 + day
}

/// The tantivy document of an analysed file, without its compound parts.
fn document(
    f: &Fields,
    file: &CorpusFile,
    extracted: &Extracted,
    lang: Lang,
    hash: u64,
    terms: &Scratch,
) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &file.id);
    doc.add_text(f.title, &extracted.title);
    doc.add_text(f.body, &extracted.text);
    doc.add_text(f.lang, lang.code());
    doc.add_text(f.category, &file.category);
    if let Some(source) = &extracted.source {
        doc.add_text(f.source, source);
    }
    doc.add_u64(f.day, extracted.date.as_deref().map_or(0, day_number));
    if let Some(date) = &extracted.date {
        doc.add_text(f.date, date);
    }
    if let Some(author) = &extracted.author {
        doc.add_text(f.author, author);
    }
    if extracted.pages > 0 {
        doc.add_u64(f.pages, u64::from(extracted.pages));
    }
    doc.add_u64(f.mtime, file.mtime);
    doc.add_u64(f.size, file.size);
    doc.add_u64(f.hash, hash);

    doc.add_text(f.get(TermField::Title(lang)), &terms.title);
    if !terms.side.folded.is_empty() {
        doc.add_text(f.get(TermField::Fold), &terms.side.folded);
    }
    if !terms.side.forms.is_empty() {
        doc.add_text(f.get(TermField::Forms), &terms.side.forms);
    }
    for lang in Lang::ALL {
        let body = &terms.body[lang as usize];
        if !body.is_empty() {
            doc.add_text(f.get(TermField::Body(lang)), body);
        }
    }
    doc
}

/// The Danish stems of the parts of a document's compound words, space-separated, each as often
/// as its compound occurs (the field keeps frequencies, not positions).
fn compound_parts(danish_words: &WordCounts, splitter: &mut Splitter) -> String {
    let mut out = String::new();
    for (word, count, _) in danish_words.iter() {
        // Fewer bytes than a compound has characters: cannot be one.
        if word.len() < MIN_PART_CHARS * 2 {
            continue;
        }
        if let Some(parts) = splitter.parts(word) {
            for _ in 0..count {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(parts);
            }
        }
    }
    out
}

fn progress_bar(len: usize) -> ProgressBar {
    if len < 500 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} documents ({eta} left)") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::Value;

    #[test]
    fn dates_become_sortable_numbers() {
        assert_eq!(day_number("2019-07-01"), 20190701);
        assert_eq!(day_number("2022-08"), 20220800);
        assert_eq!(day_number("2021"), 20210000);
        assert_eq!(day_number("i går"), 0);
        assert_eq!(day_number("2019-13-01"), 20190000);
    }

    #[test]
    fn a_scope_holds_its_ids_and_what_is_under_them() {
        let corpus = Path::new("/c");
        let scope = Scope::of_paths(
            corpus,
            ["/c/irm/a.pdf", "/c/nyt", "/elsewhere/x"].map(PathBuf::from),
        );
        let Scope::Under(ids) = &scope else {
            panic!("{scope:?}");
        };
        assert_eq!(ids, &["irm/a.pdf", "nyt"]);
        assert!(
            scope.contains("irm/a.pdf") && scope.contains("nyt/b/c.txt") && scope.contains("nyt")
        );
        assert!(!scope.contains("nyt-arkiv/x.txt") && !scope.contains("irm/b.pdf"));
        assert!(matches!(
            Scope::of_paths(corpus, [PathBuf::from("/c")]),
            Scope::All
        ));
    }

    #[test]
    fn chunks_end_at_a_count_or_a_size() {
        let file = |size: u64| CorpusFile {
            id: String::new(),
            path: std::path::PathBuf::new(),
            category: String::new(),
            format: crate::extract::Format::Text,
            mtime: 0,
            size,
        };
        let small: Vec<CorpusFile> = (0..CHUNK + 1).map(|_| file(10)).collect();
        let lengths: Vec<usize> = chunked(&small).iter().map(|c| c.len()).collect();
        assert_eq!(lengths, [CHUNK, 1]);
        let big: Vec<CorpusFile> = (0..5).map(|_| file(CHUNK_BYTES / 2)).collect();
        let lengths: Vec<usize> = chunked(&big).iter().map(|c| c.len()).collect();
        assert_eq!(lengths, [2, 2, 1]);
        let huge = vec![file(CHUNK_BYTES * 3), file(1)];
        let lengths: Vec<usize> = chunked(&huge).iter().map(|c| c.len()).collect();
        assert_eq!(lengths, [1, 1]);
        assert!(chunked(&[]).is_empty());
    }

    #[test]
    fn an_english_paragraph_of_a_danish_document_is_english_and_not_danish_vocabulary() {
        let (_, fields) = schema::schema();
        let file = CorpusFile {
            id: "strategi.txt".into(),
            path: "strategi.txt".into(),
            category: "general".into(),
            format: extract::Format::Text,
            mtime: 0,
            size: 0,
        };
        let danish = "Kommunerne skal styrke samarbejdet med de frivillige foreninger, så flere \
                      borgere bliver en del af fællesskabet i lokalsamfundet, og det er også \
                      vigtigt at foreningerne har mulighed for at søge støtte til aktiviteterne.";
        let english = "The report describes how the municipalities support the volunteers and \
                       the associations across the country in many different ways.";
        let doc = Extracted {
            title: "Strategi".into(),
            text: format!("{danish}\n\n{english}\n\n{danish}"),
            ..Extracted::default()
        };
        let p = analyse(&fields, &file, doc, 0);
        let field = |f| {
            p.doc
                .get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            field(fields.body_en).contains(&crate::analysis::Analyzer::En.term("municipalities"))
        );
        assert!(!field(fields.body_da).contains("municipal"));
        let words: Vec<(&str, u32)> = p.danish_words.iter().map(|(w, n, _)| (w, n)).collect();
        assert!(words.contains(&("kommunerne", 2)), "{words:?}");
        assert!(!words
            .iter()
            .any(|(w, _)| *w == "municipalities" || *w == "report"));
    }

    #[test]
    fn word_counter_counts_words_by_id_with_their_stems_and_starts_over() {
        let mut counter = WordCounter::default();
        let words = [
            "udvalg",
            "frivillig",
            "udvalg",
            "æblerne",
            "frivillig",
            "udvalg",
        ];
        // The analysis gives equal words equal ids.
        let id = |w: &str| words.iter().position(|x| *x == w).unwrap_or(usize::MAX) as WordId;
        for word in words {
            counter.add(id(word), word, &crate::analysis::stem_da(word));
        }
        counter.add(99, "happy", "happi"); // a stem that is no prefix is not kept
        let stem = |w: &str| Some(crate::analysis::stem_da(w));
        let counts: Vec<(String, u32, Option<String>)> = counter
            .take()
            .iter()
            .map(|(w, n, stem)| (w.to_string(), n, stem.map(str::to_string)))
            .collect();
        assert_eq!(
            counts,
            [
                ("udvalg".to_string(), 3, stem("udvalg")),
                ("frivillig".to_string(), 2, stem("frivillig")),
                ("æblerne".to_string(), 1, stem("æblerne")),
                ("happy".to_string(), 1, None),
            ]
        );
        assert_eq!(counter.take().iter().count(), 0);
        // Occurrences taken back; a word taken back entirely is not listed.
        for word in ["udvalg", "udvalg", "frivillig"] {
            counter.add(id(word), word, word);
        }
        counter.remove(id("frivillig"));
        counter.remove(id("udvalg"));
        counter.remove(id("æblerne")); // never counted: nothing happens
        assert_eq!(
            counter.take().iter().collect::<Vec<_>>(),
            [("udvalg", 1, Some("udvalg"))]
        );
        counter.add(0, "og", "og"); // too short to count
        counter.add(0, "udvalg", "udvalg");
        assert_eq!(
            counter.take().iter().collect::<Vec<_>>(),
            [("udvalg", 1, Some("udvalg"))]
        );
    }
}
