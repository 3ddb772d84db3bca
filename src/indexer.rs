//! Incremental sync of the corpus folder into the index: add new files, re-index changed ones,
//! delete removed ones, and leave unchanged ones alone.
//!
//! A file is unchanged when its size and modification time match what the index stored; only
//! when they differ is it read and hashed (xxh3), and only when the hash differs is it extracted
//! and re-indexed. Files that cannot be read, or are binary or empty, are skipped with a warning
//! naming them and the run goes on. Extraction runs in parallel in chunks; the compound lexicon
//! grows with each chunk's Danish vocabulary (on top of the existing index's and the glossary's),
//! then the chunk is analysed and added. Everything is committed once at the end, so a running
//! server sees one consistent new version.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use crate::analysis::words;
use crate::compound::Splitter;
use crate::corpus::{self, CorpusFile};
use crate::error::{Error, Result};
use crate::extract::{self, Extracted};
use crate::glossary::Glossary;
use crate::lang::{self, Lang};
use crate::schema::{self, Fields};

/// Documents extracted in parallel before being added, and the unit the lexicon grows by.
const CHUNK: usize = 4096;
/// Memory the tantivy writer may use before it flushes a segment.
const WRITER_BUDGET: usize = 256 * 1024 * 1024;

/// What a sync did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub added: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    pub skipped: usize,
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

/// A changed file, read and extracted, ready to analyse.
struct Prepared {
    file: CorpusFile,
    doc: Extracted,
    lang: Lang,
    hash: u64,
    /// The text's paragraphs joined per language (index: `Lang as usize`).
    per_lang: [String; 2],
    /// Distinct lowercased words of the Danish paragraphs (and title), for the lexicon.
    danish_words: Vec<String>,
}

/// Brings the index in `index_dir` in line with the corpus in `corpus_dir`.
pub fn sync(corpus_dir: &Path, index_dir: &Path) -> Result<Report> {
    let started = Instant::now();
    if !corpus_dir.is_dir() {
        return Err(Error::Io {
            path: corpus_dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "corpus folder not found"),
        });
    }
    let (index, fields) = schema::open_or_create(index_dir)?;
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer(WRITER_BUDGET).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => Error::Locked(index_dir.to_path_buf()),
            other => Error::index(index_dir, other),
        })?;
    let mut report = Report::default();
    let warn = |report: &mut Report, message: String| {
        tracing::warn!("{message}");
        report.warnings.push(message);
        report.skipped += 1;
    };

    tracing::debug!(ms = started.elapsed().as_millis() as u64, "writer ready");
    let stamps = read_stamps(&index)?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        documents = stamps.len(),
        "stamps read"
    );
    let mut walk_warnings = Vec::new();
    let files = corpus::walk(corpus_dir, |w| walk_warnings.push(w));
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
            writer.delete_term(Term::from_field_text(fields.id, id));
            report.deleted += 1;
        }
    }

    // Files whose stamp differs: the only ones read.
    let candidates: Vec<CorpusFile> = files
        .into_iter()
        .filter(|f| match stamps.get(&f.id) {
            Some(s) if s.mtime == f.mtime && s.size == f.size => {
                report.unchanged += 1;
                false
            }
            _ => true,
        })
        .collect();

    if !candidates.is_empty() {
        let mut splitter = Splitter::new();
        let mut lexicon_loaded = false;
        let progress = progress_bar(candidates.len());
        for chunk in candidates.chunks(CHUNK) {
            let t = Instant::now();
            let results: Vec<Outcome> = chunk
                .par_iter()
                .map(|file| prepare(file, stamps.get(&file.id)))
                .collect();
            tracing::debug!(
                files = chunk.len(),
                ms = t.elapsed().as_millis() as u64,
                "extracted"
            );
            let t = Instant::now();
            let mut prepared = Vec::with_capacity(results.len());
            for outcome in results {
                match outcome {
                    Outcome::Ready(p) => prepared.push(p),
                    Outcome::SameContent => report.unchanged += 1,
                    Outcome::Unreadable(message) => warn(&mut report, message),
                    Outcome::Refused { id, message } => {
                        if stamps.contains_key(&id) {
                            writer.delete_term(Term::from_field_text(fields.id, &id));
                            report.deleted += 1;
                        }
                        warn(&mut report, message);
                    }
                }
            }
            // The lexicon is loaded only when there is something to analyse: a run that merely
            // re-reads files that cannot be indexed should not pay for it.
            if !prepared.is_empty() && !lexicon_loaded {
                for word in Glossary::global().danish_words() {
                    splitter.learn(word);
                }
                learn_index_vocabulary(&index, &fields, &mut splitter)?;
                lexicon_loaded = true;
                tracing::debug!(ms = started.elapsed().as_millis() as u64, "lexicon loaded");
            }
            for p in &prepared {
                for word in &p.danish_words {
                    splitter.learn(word);
                }
            }
            for p in prepared {
                let existed = stamps.contains_key(&p.file.id);
                let doc = document(&fields, &p, &mut splitter);
                writer.delete_term(Term::from_field_text(fields.id, &p.file.id));
                writer.add_document(doc)?;
                if existed {
                    report.updated += 1;
                } else {
                    report.added += 1;
                }
            }
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "analysed and added");
            progress.inc(chunk.len() as u64);
        }
        progress.finish_and_clear();
        tracing::debug!(lexicon = splitter.lexicon_len(), "compound lexicon");
    }

    if report.added + report.updated + report.deleted > 0 {
        let t = Instant::now();
        writer.commit()?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "committed");
        writer.wait_merging_threads()?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "merged");
    }
    index.load_metas()?;
    let reader = index.reader()?;
    report.total = reader.searcher().num_docs();
    report.elapsed = started.elapsed();
    Ok(report)
}

enum Outcome {
    Ready(Box<Prepared>),
    SameContent,
    Unreadable(String),
    Refused { id: String, message: String },
}

fn prepare(file: &CorpusFile, stamp: Option<&Stamp>) -> Outcome {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(err) => return Outcome::Unreadable(format!("skipping {}: {err}", file.path.display())),
    };
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    if stamp.is_some_and(|s| s.hash == hash) {
        return Outcome::SameContent;
    }
    match extract::extract(file.format, &bytes, &corpus::title_from_id(&file.id)) {
        Ok(doc) => {
            let lang = lang::detect(&doc.text);
            let mut per_lang: [String; 2] = Default::default();
            for (lang, paragraph) in lang::split_paragraphs(&doc.text, lang) {
                let buf = &mut per_lang[lang as usize];
                if !buf.is_empty() {
                    buf.push_str("\n\n");
                }
                buf.push_str(paragraph);
            }
            let mut danish_words = std::collections::HashSet::new();
            let title = if lang == Lang::Da {
                doc.title.as_str()
            } else {
                ""
            };
            for text in [title, per_lang[Lang::Da as usize].as_str()] {
                for (s, e) in words(text) {
                    let word = &text[s..e];
                    if word.chars().count() >= crate::compound::MIN_PART_CHARS {
                        danish_words.insert(word.to_lowercase());
                    }
                }
            }
            Outcome::Ready(Box::new(Prepared {
                file: file.clone(),
                doc,
                lang,
                hash,
                per_lang,
                danish_words: danish_words.into_iter().collect(),
            }))
        }
        Err(refusal) => Outcome::Refused {
            id: file.id.clone(),
            message: format!("skipping {}: {refusal}", file.path.display()),
        },
    }
}

/// Stamps of every live document, read from fast fields (no stored body is touched).
fn read_stamps(index: &Index) -> Result<HashMap<String, Stamp>> {
    let searcher = index.reader()?.searcher();
    let mut stamps = HashMap::new();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let Some(ids) = ff.str(schema::ID)? else {
            continue;
        };
        let (mtime, size, hash) = (
            ff.u64(schema::MTIME)?,
            ff.u64(schema::SIZE)?,
            ff.u64(schema::HASH)?,
        );
        // Every id once, in ordinal order: one pass over the dictionary instead of a lookup
        // (which scans a block) per document.
        let mut by_ord = Vec::with_capacity(ids.num_terms());
        let mut stream = ids.dictionary().stream()?;
        while stream.advance() {
            by_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        for doc in segment.doc_ids_alive() {
            let Some(id) = ids
                .term_ords(doc)
                .next()
                .and_then(|ord| by_ord.get(ord as usize))
            else {
                continue;
            };
            stamps.insert(
                id.clone(),
                Stamp {
                    mtime: mtime.first(doc).unwrap_or(0),
                    size: size.first(doc).unwrap_or(0),
                    hash: hash.first(doc).unwrap_or(0),
                },
            );
        }
    }
    Ok(stamps)
}

/// Adds the Danish stems already in the index to the lexicon.
fn learn_index_vocabulary(index: &Index, fields: &Fields, splitter: &mut Splitter) -> Result<()> {
    let searcher = index.reader()?.searcher();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.body_da)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if term.chars().count() >= crate::compound::MIN_PART_CHARS {
                    splitter.learn_stem(term.to_string());
                }
            }
        }
    }
    Ok(())
}

/// The tantivy document for a prepared file.
fn document(f: &Fields, p: &Prepared, splitter: &mut Splitter) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &p.file.id);
    doc.add_text(f.title, &p.doc.title);
    doc.add_text(f.body, &p.doc.text);
    doc.add_text(f.lang, p.lang.code());
    doc.add_text(f.category, &p.file.category);
    if let Some(source) = &p.doc.source {
        doc.add_text(f.source, source);
    }
    if let Some(date) = &p.doc.date {
        doc.add_text(f.date, date);
    }
    doc.add_u64(f.mtime, p.file.mtime);
    doc.add_u64(f.size, p.file.size);
    doc.add_u64(f.hash, p.hash);

    doc.add_text(f.title_field(p.lang), &p.doc.title);
    doc.add_text(f.fold, &p.doc.title);
    doc.add_text(f.fold, &p.doc.text);

    let per_lang = &p.per_lang;
    for lang in Lang::ALL {
        let text = &per_lang[lang as usize];
        if !text.is_empty() {
            doc.add_text(f.body_field(lang), text);
        }
    }

    let mut danish = String::new();
    if p.lang == Lang::Da {
        danish.push_str(&p.doc.title);
        danish.push('\n');
    }
    danish.push_str(&per_lang[Lang::Da as usize]);
    let parts = compound_parts(&danish, splitter);
    if !parts.tokens.is_empty() {
        doc.add_pre_tokenized_text(f.parts, parts);
    }
    doc
}

/// The compound parts of a Danish text as tokens (one position per part).
fn compound_parts(text: &str, splitter: &mut Splitter) -> PreTokenizedString {
    let mut parts = Vec::new();
    for (s, e) in words(text) {
        // Fewer bytes than a compound has characters: not worth lowercasing.
        if e - s < crate::compound::MIN_PART_CHARS * 2 {
            continue;
        }
        if let Some(p) = splitter.parts(&text[s..e].to_lowercase()) {
            parts.extend(p.iter().cloned());
        }
    }
    pre_tokenized(parts.into_iter())
}

/// Terms the indexer computed itself, as a token stream for a field that stores no text.
fn pre_tokenized(terms: impl Iterator<Item = String>) -> PreTokenizedString {
    let tokens = terms
        .enumerate()
        .map(|(position, text)| Token {
            offset_from: 0,
            offset_to: 0,
            position,
            text,
            position_length: 1,
        })
        .collect();
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
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
