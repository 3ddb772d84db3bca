//! Ingestion: incremental sync of the corpus folder into the index. New files are added,
//! changed ones re-indexed, removed ones deleted, and unchanged ones left alone.
//!
//! A sync runs as stages, one file each:
//! 1. [`plan`]: what changed. A file is unchanged when its size and modification time match what
//!    the index stored; only the others are read.
//! 2. [`read`]: on the rayon pool, each changed file read and hashed (xxh3) and, when the hash
//!    differs, extracted; a file that cannot be read, or is binary or empty, becomes a skip with
//!    its reason ([`crate::skipped`]) and the run goes on.
//! 3. [`analyse`] (still on the pool, in the same pass): language detection, one pass per
//!    paragraph giving every field's terms and the paragraph's function words, and the tantivy
//!    documents ([`document`]), through per-worker state owned by the sync.
//! 4. [`write`]: serially, beside the pool working on the next chunk, the compound lexicon grows
//!    with each chunk's Danish vocabulary ([`lexicon`]; on top of the index's and the
//!    glossary's), the chunk's compounds are split and its documents added; everything is
//!    committed once at the end, so a running server sees one consistent new version.
//! 5. [`editions`]: after the commit, the Danish and English editions of one text are linked
//!    anew where this sync touched them, and the links written beside the index.
//!
//! [`rebuild`] is a sync of everything into a new folder, swapped with the live one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::corpus::{self, CorpusFile};
use crate::error::{Error, Result};
use crate::schema;

mod analyse;
mod document;
mod editions;
mod lexicon;
pub mod ocr;
mod plan;
mod read;
mod rebuild;
mod write;

pub use crate::skipped::{skipped_files, SkipKind, SkipReason};
pub use editions::own as own_editions;
pub use rebuild::rebuild;

use crate::skipped::Skips;
use read::{Outcome, Workers};
use write::{Adder, Writers};

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
    /// Scans whose text OCR is to read ([`ocr::run`]); the next sync of them indexes it.
    pub ocr: Vec<ocr::OcrJob>,
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

impl Report {
    /// A file left out, with the warning that names it (logged).
    fn skip(&mut self, message: String) {
        tracing::warn!("{message}");
        self.warnings.push(message);
        self.skipped += 1;
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
                // The visibility rules (and the category table's) and the metadata file cover
                // the whole corpus.
                Some(id)
                    if id.is_empty()
                        || id == corpus::RULES_FILE
                        || id == corpus::CATEGORIES_FILE
                        || id == corpus::METADATA_FILE =>
                {
                    return Scope::All
                }
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
        return Err(no_corpus(corpus_dir));
    }
    let (index, fields) = schema::open_or_create(index_dir)?;
    let mut writers = Writers::open(&index, index_dir, fields)?;
    // Read under the writer's lock: no other process commits before this sync does.
    let before = index.load_metas()?.opstamp;
    let mut report = Report::default();
    let mut skips = Skips::load(index_dir);
    // What changed; the documents whose file is gone are deleted.
    let plan = plan::plan(
        (corpus_dir, index_dir),
        &index,
        &fields,
        scope,
        &mut skips,
        &mut report,
    )?;
    for id in &plan.deleted {
        writers.delete(id)?;
        report.deleted += 1;
    }
    report.read = plan.changed.len();
    progress.start(plan.changed.len());
    let adder = Adder::new(&index, &mut writers, &mut skips, &plan, &mut report);
    read_and_write(&fields, &plan, progress, adder)?;
    let after = writers.commit()?.unwrap_or(before);
    // After the commit: a skip remembered before it would hide a file the commit lost.
    skips.save(index_dir);
    editions::link(&index, index_dir, &fields, (before, after), &plan);
    report.total = index.reader()?.searcher().num_docs();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Reads, extracts and analyses the changed files a chunk at a time on the pool while `adder`
/// writes the chunk before.
fn read_and_write(
    fields: &schema::Fields,
    plan: &plan::Plan,
    progress: &Progress,
    mut adder: Adder,
) -> Result<()> {
    let workers = Workers::default();
    let context = read::Context {
        stamps: &plan.stamps,
        rules: &plan.rules,
        ocr: &plan.ocr,
    };
    pipeline(
        &plan.changed,
        |chunk| read::read_chunk(fields, chunk, &context, &workers, progress),
        |outcomes, files| adder.add_chunk(outcomes, files),
    )?;
    adder.finish();
    Ok(())
}

/// The error of a sync whose corpus folder is not there.
fn no_corpus(corpus_dir: &Path) -> Error {
    Error::Io {
        path: corpus_dir.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "corpus folder not found"),
    }
}

/// Reads `files` chunk by chunk ([`plan::chunked`]) with `read` and hands each chunk's outcomes
/// to `write`, reading the next chunk on the pool while one is written: the writer's own threads
/// would otherwise wait for the extraction, and the pool for the adding.
fn pipeline(
    files: &[CorpusFile],
    read: impl Fn(&[CorpusFile]) -> Vec<Outcome> + Sync,
    mut write: impl FnMut(Vec<Outcome>, usize) -> Result<()> + Send,
) -> Result<()> {
    let chunks = plan::chunked(files);
    let mut next = chunks.first().map(|chunk| read(chunk));
    for (i, chunk) in chunks.iter().enumerate() {
        let outcomes = next.take().unwrap_or_default();
        let written;
        (next, written) = rayon::join(
            || chunks.get(i + 1).map(|chunk| read(chunk)),
            || write(outcomes, chunk.len()),
        );
        written?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
