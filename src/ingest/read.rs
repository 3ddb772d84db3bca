//! The second stage of a sync, per changed file on the rayon pool: read it (no more of it than
//! its extraction needs) and hash it, extract it (extraction catches a parser's panic and refuses
//! the file), then analyse it ([`super::analyse`]) and make its tantivy documents
//! ([`super::document`]). A file that cannot be indexed becomes a skip with its reason.
//!
//! Each pool job borrows a [`Worker`] from the sync's [`Workers`] for its files and gives it
//! back when it ends, so a worker's term cache is owned by the sync, warm from chunk to chunk,
//! and never shared between two threads at once.

use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use tantivy::TantivyDocument;

use super::analyse::{WordCounts, Worker};
use super::document::{document, page_documents};
use super::ocr::{self, Cache, OcrJob};
use super::plan::Stamp;
use super::Progress;
use rustc_hash::FxHashMap;

use crate::corpus::{self, CorpusFile};
use crate::extract::{self, Extracted, Refusal};
use crate::schema::Fields;
use crate::skipped::SkipReason;

/// A changed file, read, extracted, analysed and made into a tantivy document: everything but
/// its compound parts, which need the lexicon of the whole chunk.
pub(super) struct Prepared {
    pub id: String,
    pub doc: TantivyDocument,
    /// One document per page for the page index (paged formats only).
    pub pages: Vec<TantivyDocument>,
    /// The content is what the index has; only the stamp changed.
    pub restamp: bool,
    /// A warning to give although the file is indexed (its text was cut).
    pub notice: Option<String>,
    /// Pages of it that wait for OCR (indexed without them for now).
    pub ocr: Option<OcrJob>,
    /// Distinct lowercased Danish words (title and Danish paragraphs) of at least
    /// [`crate::compound::MIN_PART_CHARS`] characters, with their counts: the lexicon learns
    /// them, and the long ones are compound candidates. (A word can be listed twice, its count
    /// split, if the term cache started over in the middle of the document: the parts come out
    /// the same.)
    pub danish_words: WordCounts,
}

/// What became of a changed file.
pub(super) enum Outcome {
    Ready(Box<Prepared>),
    /// Left out, and why. A file whose format needs a program that is not installed is warned
    /// about once for the whole run.
    Skipped {
        id: String,
        path: String,
        /// The file's `(mtime, size)`, to know it unchanged next time.
        stamp: (u64, u64),
        reason: SkipReason,
        /// A scan left out until OCR has read it.
        ocr: Option<OcrJob>,
    },
}

impl Outcome {
    fn skipped(file: &CorpusFile, reason: SkipReason) -> Outcome {
        Outcome::skipped_for(file, reason, None)
    }

    /// A skip, of a scan waiting for `ocr` when it is one.
    fn skipped_for(file: &CorpusFile, reason: SkipReason, ocr: Option<OcrJob>) -> Outcome {
        Outcome::Skipped {
            id: file.id.clone(),
            path: file.path.display().to_string(),
            stamp: (file.mtime, file.size),
            reason,
            ocr,
        }
    }
}

/// What a sync's read stage needs besides the file: the index's stamps, the corpus's rules and
/// the OCR cache.
pub(super) struct Context<'a> {
    pub stamps: &'a FxHashMap<String, Stamp>,
    pub rules: &'a corpus::Rules,
    pub ocr: &'a Cache,
}

/// The sync's workers not lent out at the moment: about one per pool thread, made as needed.
#[derive(Default)]
pub(super) struct Workers(Mutex<Vec<Worker>>);

/// A worker lent to one pool job; given back to its [`Workers`] when the job drops it.
struct Lease<'a> {
    worker: Option<Worker>,
    from: &'a Workers,
}

impl Workers {
    fn lend(&self) -> Lease<'_> {
        let worker = self.0.lock().ok().and_then(|mut idle| idle.pop());
        Lease {
            worker: Some(worker.unwrap_or_default()),
            from: self,
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(worker), Ok(mut idle)) = (self.worker.take(), self.from.0.lock()) {
            idle.push(worker);
        }
    }
}

/// Reads, extracts and analyses a chunk of changed files on the pool, counting them in
/// `progress`; the outcomes in the order of `chunk`.
pub(super) fn read_chunk(
    fields: &Fields,
    chunk: &[CorpusFile],
    context: &Context,
    workers: &Workers,
    progress: &Progress,
) -> Vec<Outcome> {
    let t = Instant::now();
    let outcomes: Vec<Outcome> = chunk
        .par_iter()
        .map_init(
            || workers.lend(),
            |lease, file| {
                let worker = lease.worker.get_or_insert_with(Worker::default);
                let outcome = prepare(worker, fields, file, context);
                progress.done.fetch_add(1, Ordering::Relaxed);
                outcome
            },
        )
        .collect();
    tracing::debug!(
        files = chunk.len(),
        ms = t.elapsed().as_millis() as u64,
        "extracted"
    );
    outcomes
}

fn prepare(worker: &mut Worker, fields: &Fields, file: &CorpusFile, context: &Context) -> Outcome {
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
    let title = corpus::title_from_id(&file.id);
    let (doc, ocr) = match extract::extract_from(file.format, loaded.source, &title) {
        Ok(doc) => with_ocr(file, doc, hash, context.ocr),
        Err(Refusal::NoTextLayer) => match scan(file, hash, context.ocr, &title) {
            Ok(doc) => (doc, None),
            Err((reason, ocr)) => return Outcome::skipped_for(file, reason, ocr),
        },
        Err(refusal) => return Outcome::skipped(file, SkipReason::from(&refusal)),
    };
    let (rules, mut doc) = (context.rules, doc);
    if let Some(edits) = rules.edits(&file.id) {
        edits.apply(&mut doc);
    }
    // Pages still blank wait for OCR (its job, or Tesseract to be installed): every full sync
    // reads the file again until they are filled.
    let waiting = !doc.blank_pages.is_empty();
    let code = rules.code(&file.id) | if waiting { ocr::WAITING } else { 0 };
    // The same content under a new stamp (a `touch`, a copy that kept the bytes) is indexed
    // again all the same: the stamp lives in the document, and a stale one would have the file
    // read on every run.
    let stamp = context.stamps.get(&file.id);
    let restamp = stamp.is_some_and(|s| s.hash == hash && s.rule == code);
    let mut prepared = analysed(worker, fields, (file, rules, code), doc, hash);
    prepared.restamp = restamp;
    prepared.ocr = ocr;
    Outcome::Ready(Box::new(prepared))
}

/// A PDF with text, its blank pages filled by OCR when the cache has them; else the job that
/// reads them (when OCR is installed).
fn with_ocr(
    file: &CorpusFile,
    doc: Extracted,
    hash: u64,
    cache: &Cache,
) -> (Extracted, Option<OcrJob>) {
    if doc.blank_pages.is_empty() || !extract::ocr::available() {
        return (doc, None);
    }
    match cache.get(hash) {
        Some(read) => {
            let mut doc = doc;
            ocr::fill(&mut doc, &read);
            (doc, None)
        }
        None => {
            let job = job(file, hash, doc.blank_pages.clone());
            (doc, Some(job))
        }
    }
}

/// A scan (a PDF without a text layer, an image): its OCR text from the cache, or why it is left
/// out for now (waiting for OCR, with the job that reads it; no Tesseract) or for good (no text
/// found).
fn scan(
    file: &CorpusFile,
    hash: u64,
    cache: &Cache,
    title: &str,
) -> Result<Extracted, (SkipReason, Option<OcrJob>)> {
    if !extract::ocr::available() {
        let missing = Refusal::ToolMissing(extract::ocr::PROGRAM);
        return Err((SkipReason::from(&missing), None));
    }
    let Some(read) = cache.get(hash) else {
        let job = job(file, hash, Vec::new());
        return Err((SkipReason::waiting_for_ocr(), Some(job)));
    };
    if let Some(failed) = &read.failed {
        return Err((SkipReason::from(&Refusal::Damaged(failed.clone())), None));
    }
    ocr::scanned(&read, title).ok_or((SkipReason::from(&Refusal::NoTextLayer), None))
}

fn job(file: &CorpusFile, hash: u64, pages: Vec<u32>) -> OcrJob {
    OcrJob {
        id: file.id.clone(),
        path: file.path.clone(),
        hash,
        format: file.format,
        pages,
    }
}

/// Detects the languages of an extracted file, analyses its title and paragraphs, each word
/// once, and makes its tantivy documents (all but the compound parts).
fn analysed(
    worker: &mut Worker,
    fields: &Fields,
    (file, rules, code): (&CorpusFile, &corpus::Rules, u64),
    doc: Extracted,
    hash: u64,
) -> Prepared {
    let lang = doc.language();
    let visibility = rules.rule(&file.id).decide(doc.visibility);
    worker.analyse(&doc, lang);
    Prepared {
        id: file.id.clone(),
        doc: document(fields, file, &doc, (lang, visibility), hash, worker, code),
        pages: page_documents(fields, file, &doc, (lang, visibility), worker),
        restamp: false,
        ocr: None,
        notice: notice(file, &doc),
        danish_words: worker.take_danish_words(),
    }
}

/// A warning for a document indexed in part: its text was cut, or OCR left pages out.
fn notice(file: &CorpusFile, doc: &Extracted) -> Option<String> {
    if doc.ocr_left_out > 0 {
        return Some(format!(
            "{}: only the first {} pages were read by OCR (VIDENSBASE_OCR_MAX_PAGES); the other {} are not searchable",
            file.path.display(),
            doc.pages.saturating_sub(doc.ocr_left_out),
            doc.ocr_left_out
        ));
    }
    doc.cut_from.map(|len| {
        format!(
            "{}: only the first {} MB of its {} MB of text are indexed",
            file.path.display(),
            doc.text.len().div_ceil(1 << 20),
            len >> 20
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use tantivy::schema::Value;

    #[test]
    fn an_english_paragraph_of_a_danish_document_is_english_and_not_danish_vocabulary() {
        let (_, fields) = schema::schema();
        let file = CorpusFile {
            id: "strategi.txt".into(),
            path: "strategi.txt".into(),
            category: "general".into(),
            format: crate::format::Format::Text,
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
        let p = analysed(
            &mut Worker::default(),
            &fields,
            (&file, &corpus::Rules::default(), 0),
            doc,
            0,
        );
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
}
