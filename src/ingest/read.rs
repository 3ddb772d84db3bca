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
use super::plan::Stamp;
use super::Progress;
use rustc_hash::FxHashMap;

use crate::corpus::{self, CorpusFile};
use crate::extract::{self, Extracted};
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
    (stamps, rules): (&FxHashMap<String, Stamp>, &corpus::Rules),
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
                let outcome = prepare(worker, fields, file, stamps.get(&file.id), rules);
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

fn prepare(
    worker: &mut Worker,
    fields: &Fields,
    file: &CorpusFile,
    stamp: Option<&Stamp>,
    rules: &corpus::Rules,
) -> Outcome {
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
    let restamp = stamp.is_some_and(|s| s.hash == hash && s.rule == rules.code(&file.id));
    match extract::extract_from(file.format, loaded.source, &corpus::title_from_id(&file.id)) {
        Ok(mut doc) => {
            if let Some(edits) = rules.edits(&file.id) {
                edits.apply(&mut doc);
            }
            let mut prepared = analysed(worker, fields, (file, rules), doc, hash);
            prepared.restamp = restamp;
            Outcome::Ready(Box::new(prepared))
        }
        Err(refusal) => Outcome::skipped(file, SkipReason::from(&refusal)),
    }
}

/// Detects the languages of an extracted file, analyses its title and paragraphs, each word
/// once, and makes its tantivy documents (all but the compound parts).
fn analysed(
    worker: &mut Worker,
    fields: &Fields,
    (file, rules): (&CorpusFile, &corpus::Rules),
    doc: Extracted,
    hash: u64,
) -> Prepared {
    let lang = doc.language();
    let visibility = rules.rule(&file.id).decide(doc.visibility);
    let code = rules.code(&file.id);
    worker.analyse(&doc, lang);
    Prepared {
        id: file.id.clone(),
        doc: document(fields, file, &doc, (lang, visibility), hash, worker, code),
        pages: page_documents(fields, file, &doc, (lang, visibility), worker),
        restamp: false,
        notice: doc.cut_from.map(|len| {
            format!(
                "{}: only the first {} MB of its {} MB of text are indexed",
                file.path.display(),
                doc.text.len().div_ceil(1 << 20),
                len >> 20
            )
        }),
        danish_words: worker.take_danish_words(),
    }
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
            (&file, &corpus::Rules::default()),
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
