//! The last stage of a sync, serial beside the pool: write and commit. Each chunk's outcomes are
//! sorted (skips remembered with their reason, a file that lost its content deleted), its Danish
//! words learned into the compound lexicon, its compounds split into each document's `parts`,
//! and its documents handed to tantivy's indexing threads; at the end everything is committed
//! once, the page index first, so a running server sees one consistent new version and never a
//! document whose pages are missing.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::lexicon::Lexicon;
use super::plan::{Plan, Stamp};
use super::read::{Outcome, Prepared};
use super::Report;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::schema::{self, Fields, TermField};
use crate::skipped::{SkipKind, Skips};

/// tantivy indexing threads. Analysis runs on the rayon pool beside them, so they only record
/// postings and serialise segments.
const INDEXING_THREADS: usize = 2;
/// Memory the tantivy writer may use before it flushes a segment.
const WRITER_BUDGET: usize = 256 * 1024 * 1024;
/// The same for the page index, written by one thread.
const PAGE_WRITER_BUDGET: usize = 64 * 1024 * 1024;

/// The serial step of a sync: what it adds to the writers, chunk by chunk.
pub(super) struct Adder<'a> {
    index: &'a Index,
    fields: Fields,
    writers: &'a mut Writers,
    skips: &'a mut Skips,
    /// The stamps of the documents the index had: which files are indexed.
    stamps: &'a FxHashMap<String, Stamp>,
    report: &'a mut Report,
    lexicon: Lexicon,
    /// The files left out because a program is missing (`pdftotext`, `tesseract`), with its
    /// name: one warning for all of them per program.
    needs_tool: Vec<(String, String)>,
    /// Documents added, on a terminal.
    bar: ProgressBar,
}

impl<'a> Adder<'a> {
    pub fn new(
        index: &'a Index,
        writers: &'a mut Writers,
        skips: &'a mut Skips,
        plan: &'a Plan,
        report: &'a mut Report,
    ) -> Adder<'a> {
        Adder {
            index,
            fields: writers.fields,
            writers,
            skips,
            stamps: &plan.stamps,
            report,
            lexicon: Lexicon::default(),
            needs_tool: Vec::new(),
            bar: progress_bar(plan.changed.len()),
        }
    }

    /// Sorts one chunk's outcomes, grows the lexicon by its Danish words, splits its compounds
    /// and hands its documents to the writers.
    pub fn add_chunk(&mut self, outcomes: Vec<Outcome>, files: usize) -> Result<()> {
        let t = Instant::now();
        let mut prepared = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            match outcome {
                Outcome::Ready(p) => prepared.push(p),
                Outcome::Skipped {
                    id,
                    path,
                    stamp,
                    reason,
                    ocr,
                } => {
                    let indexed = self.stamps.contains_key(&id);
                    if reason.is_about_content() && indexed {
                        self.writers.delete(&id)?;
                        self.report.deleted += 1;
                    }
                    match (reason.kind, ocr) {
                        (SkipKind::ProgramMissing, _) => {
                            let program = reason.detail.clone().unwrap_or_default();
                            self.needs_tool.push((program, path));
                        }
                        (SkipKind::WaitingForOcr, Some(job)) => self.report.ocr.push(job),
                        _ => self.report.skip(format!("skipping {path}: {reason}")),
                    }
                    // An earlier version that stays in the index is what the file is listed as;
                    // the next run reads the file again anyway.
                    if reason.is_about_content() || !indexed {
                        self.skips.remember(id, stamp, reason);
                    }
                }
            }
        }
        if !prepared.is_empty() {
            self.lexicon.load(self.index, &self.fields)?;
        }
        for p in &prepared {
            self.lexicon.learn(&p.danish_words);
        }
        for p in prepared {
            self.add(*p)?;
        }
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "analysed and added");
        self.bar.inc(files as u64);
        Ok(())
    }

    /// Adds a prepared document with its compound parts, in place of its earlier version.
    fn add(&mut self, mut p: Prepared) -> Result<()> {
        self.skips.forget(&p.id);
        if let Some(job) = p.ocr.take() {
            self.report.ocr.push(job);
        }
        if let Some(notice) = &p.notice {
            tracing::warn!("{notice}");
            self.report.warnings.push(notice.clone());
        }
        let existed = self.stamps.contains_key(&p.id);
        let mut doc = p.doc;
        let parts = self.lexicon.compound_parts(&p.danish_words);
        if !parts.is_empty() {
            doc.add_text(self.fields.get(TermField::Parts), &parts);
        }
        if existed {
            self.writers.delete(&p.id)?;
        }
        self.writers.add(doc, p.pages)?;
        if p.restamp {
            self.report.unchanged += 1;
        } else if existed {
            self.report.updated += 1;
        } else {
            self.report.added += 1;
        }
        Ok(())
    }

    /// Ends the run's adding: one warning for the files that need each missing program.
    pub fn finish(mut self) {
        self.bar.finish_and_clear();
        self.needs_tool.sort();
        for chunk in self.needs_tool.chunk_by(|a, b| a.0 == b.0) {
            let (program, first) = (&chunk[0].0, &chunk[0].1);
            let more = chunk.len() - 1;
            let what = match program.as_str() {
                "tesseract" => "scans (reading their text needs OCR)",
                _ => "PDF files",
            };
            self.report.skip(format!(
                "skipping {} {what} ({first}{}): they need {program} (Debian package {}), which is not installed; the other files are indexed",
                chunk.len(),
                if more == 0 { String::new() } else { format!(" and {more} more") },
                crate::format::package_of(program),
            ));
            self.report.skipped += more;
        }
        tracing::debug!(lexicon = self.lexicon.len(), "compound lexicon");
    }
}

/// A progress bar on a terminal for a run of `len` files, hidden for short runs.
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

/// The writers of the main index and of the page index ([`schema::PAGES_DIR`]), which change
/// together: a document's pages are deleted and added with it. The page index is opened only
/// when there is a page to add or to delete, so a corpus without PDFs never touches it.
pub(super) struct Writers {
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
    pub fn open(index: &Index, dir: &Path, fields: Fields) -> Result<Writers> {
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

    pub fn delete(&mut self, id: &str) -> Result<()> {
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
    /// pages are missing; nothing when nothing was deleted or added.
    /// Commits what was written: the main index's new opstamp, `None` when there was nothing.
    pub fn commit(mut self) -> Result<Option<u64>> {
        if !self.dirty {
            return Ok(None);
        }
        let t = Instant::now();
        let payload = crate::analysis::commit_payload();
        if let Some(pages) = self.pages.as_mut().filter(|_| self.pages_changed) {
            let mut commit = pages.prepare_commit()?;
            commit.set_payload(&payload);
            commit.commit()?;
        }
        let mut commit = self.main.prepare_commit()?;
        commit.set_payload(&payload);
        let opstamp = commit.commit()?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "committed");
        if let Some(pages) = self.pages {
            pages.wait_merging_threads()?;
        }
        self.main.wait_merging_threads()?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "merged");
        Ok(Some(opstamp))
    }
}
