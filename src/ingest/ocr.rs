//! OCR of scans, after the sync that found them has committed: a PDF without a text layer, the
//! pages of a PDF that have none, and images (PNG, JPEG, TIFF). Reading a scan takes seconds a
//! page, so a sync never waits for it: the read stage indexes what has text at once, leaves a
//! scan out as "waiting for OCR", and lists an [`OcrJob`] in the sync's report; [`run`] reads
//! the jobs (one page per core at a time, each page a child of its own at a lower priority) and
//! keeps the text in a [`Cache`] by the file's content hash (on threads of its own, never the
//! syncs' pool); the next sync of those files finds it
//! there ([`fill`], [`scanned`]) and indexes the text. Nothing is read by OCR twice: the cache lives in the
//! index folder (`ocr/`), moves with it when a rebuild replaces the index, and a rebuild reads
//! the live index's cache.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::extract::ocr::{self, OcrPage};
use crate::extract::{Extracted, Refusal, PAGE_BREAK};
use crate::format::Format;

/// The cache's folder in the index folder.
pub use crate::schema::OCR_CACHE_DIR as CACHE_DIR;

/// Changes when the reading changes (resolution, languages, text rules): older entries are read
/// again.
const CACHE_VERSION: u32 = 2;

/// The top bit of the rule code stored beside a document's stamp: it was indexed while some of
/// its pages waited for OCR, so the next sync reads it again ([`crate::corpus::Rules::code`]
/// never sets it).
pub(super) const WAITING: u64 = 1 << 63;

/// Most pages of one file read by OCR (`VIDENSBASE_OCR_MAX_PAGES`); the rest are left out, and
/// the file's warning says so. A 10,000-page scan costs hours, not days.
pub fn max_pages() -> u32 {
    std::env::var("VIDENSBASE_OCR_MAX_PAGES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1000)
}

/// A scan to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrJob {
    pub id: String,
    pub path: PathBuf,
    /// The file's content hash: the cache's key.
    pub hash: u64,
    pub format: Format,
    /// The pages to read (from 1); empty: all of them.
    pub pages: Vec<u32>,
}

/// What OCR read of one file.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Read {
    version: u32,
    pub pages: Vec<OcrPage>,
    /// Pages not read: over [`max_pages`].
    pub left_out: u32,
    /// Why nothing could be read, when nothing could (what was wrong with the file).
    pub failed: Option<String>,
}

/// The OCR cache of an index: one JSON file per content hash.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of the index in `index_dir`; a rebuild's folder uses its live index's.
    pub fn of(index_dir: &Path) -> Cache {
        let live = match index_dir.file_name().and_then(|n| n.to_str()) {
            Some(name) if name.ends_with(".rebuild") => {
                index_dir.with_file_name(name.trim_end_matches(".rebuild"))
            }
            _ => index_dir.to_path_buf(),
        };
        Cache {
            dir: live.join(CACHE_DIR),
        }
    }

    fn path(&self, hash: u64) -> PathBuf {
        self.dir.join(format!("{hash:016x}.json"))
    }

    pub fn get(&self, hash: u64) -> Option<Read> {
        let bytes = std::fs::read(self.path(hash)).ok()?;
        serde_json::from_slice::<Read>(&bytes)
            .ok()
            .filter(|r| r.version == CACHE_VERSION)
    }

    fn put(&self, hash: u64, read: &Read) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let bytes = serde_json::to_vec(read).map_err(std::io::Error::other)?;
        crate::statefile::replace(&self.path(hash), &bytes, 0o644)
    }
}

/// How far OCR is, for the status page: files waiting (the one being read among them), and the
/// pages of the file being read.
#[derive(Debug, Default)]
pub struct OcrProgress {
    pub files: AtomicUsize,
    pub pages_done: AtomicUsize,
    pub pages_total: AtomicUsize,
}

impl OcrProgress {
    /// `(files waiting, pages done, pages to do)`.
    pub fn get(&self) -> (usize, usize, usize) {
        (
            self.files.load(Ordering::Relaxed),
            self.pages_done.load(Ordering::Relaxed),
            self.pages_total.load(Ordering::Relaxed),
        )
    }
}

/// Reads `job` by OCR into the cache of the index in `index_dir` (unless it is there), counting
/// its pages in `progress`; whether the cache has it now. A file that changed since the sync saw
/// it, and a failure that is no property of the file (a missing program, a deadline), leave
/// nothing in the cache.
pub fn run(index_dir: &Path, job: &OcrJob, progress: &OcrProgress) -> bool {
    let cache = Cache::of(index_dir);
    if cache.get(job.hash).is_some() {
        return true;
    }
    // The file as it is now: read by OCR only when it is still the content the sync saw, so the
    // text kept under a hash is always that content's.
    let size = std::fs::metadata(&job.path).map_or(0, |m| m.len());
    let file = match crate::extract::load(job.format, &job.path, size) {
        Ok(loaded) if loaded.hash == job.hash => match loaded.source {
            crate::extract::Source::File(file) => file,
            _ => return false,
        },
        // Changed, moved or gone since: its next sync lists it again.
        _ => return false,
    };
    let started = std::time::Instant::now();
    let read = match read(&file, job, progress) {
        Ok(read) => read,
        // A missing program or a busy machine is no property of the file: nothing is kept,
        // and it is read again when it is listed again.
        Err(refusal) if !refusal.is_lasting() => {
            tracing::warn!("OCR of {}: {refusal}", job.id);
            return false;
        }
        Err(refusal) => Read {
            version: CACHE_VERSION,
            failed: Some(match refusal {
                Refusal::Damaged(detail) => detail,
                other => other.to_string(),
            }),
            ..Read::default()
        },
    };
    tracing::info!(
        pages = read.pages.len(),
        seconds = started.elapsed().as_secs(),
        "read {} by OCR",
        job.id
    );
    match cache.put(job.hash, &read) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("keeping the OCR of {}: {e}", job.id);
            false
        }
    }
}

/// OCR's own threads, one per core: each waits on a child for seconds, and on rayon's global
/// pool they would hold up the syncs that index text.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
            .thread_name(|i| format!("vidensbase-ocr-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

fn read(file: &std::fs::File, job: &OcrJob, progress: &OcrProgress) -> Result<Read, Refusal> {
    let mut read = Read {
        version: CACHE_VERSION,
        ..Read::default()
    };
    if job.format.is_image() {
        progress.pages_done.store(0, Ordering::Relaxed);
        progress.pages_total.store(1, Ordering::Relaxed);
        read.pages = ocr::image(file)?;
        read.left_out = (read.pages.len() as u32).saturating_sub(max_pages());
        read.pages.truncate(max_pages() as usize);
        progress.pages_done.store(1, Ordering::Relaxed);
        return Ok(read);
    }
    let mut pages = job.pages.clone();
    if pages.is_empty() {
        pages = (1..=crate::extract::pdf_page_count(file)?).collect();
    }
    read.left_out = (pages.len() as u32).saturating_sub(max_pages());
    pages.truncate(max_pages() as usize);
    progress.pages_done.store(0, Ordering::Relaxed);
    progress.pages_total.store(pages.len(), Ordering::Relaxed);
    let read_pages = || -> Vec<Result<OcrPage, Refusal>> {
        pages
            .par_iter()
            .map(|&page| {
                let result = ocr::pdf_page(file, page);
                progress.pages_done.fetch_add(1, Ordering::Relaxed);
                result
            })
            .collect()
    };
    let results = match pool() {
        Some(pool) => pool.install(read_pages),
        None => read_pages(),
    };
    for (page, result) in pages.iter().zip(results) {
        match result {
            Ok(ocr_page) => read.pages.push(ocr_page),
            Err(Refusal::ToolMissing(tool)) => return Err(Refusal::ToolMissing(tool)),
            Err(e) => tracing::warn!("OCR of {} page {page}: {e}", job.id),
        }
    }
    Ok(read)
}

/// `doc` (a PDF's own text, some of its pages blank) with the text OCR read in its blank pages.
pub fn fill(doc: &mut Extracted, read: &Read) {
    let mut texts: Vec<String> = if doc.text.is_empty() {
        vec![String::new(); doc.pages.max(1) as usize]
    } else {
        doc.text.split(PAGE_BREAK).map(str::to_string).collect()
    };
    for page in &read.pages {
        let text = page.text.trim();
        if text.is_empty() || !doc.blank_pages.contains(&page.page) {
            continue;
        }
        if let Some(slot) = texts.get_mut(page.page.saturating_sub(1) as usize) {
            *slot = text.to_string();
            doc.ocr_pages.push((page.page, page.confidence));
        }
    }
    doc.text = texts.join(PAGE_BREAK);
    doc.blank_pages.clear();
    doc.ocr_left_out = read.left_out;
}

/// A scan without any text layer as the text OCR read, titled by its first line of words (else
/// `fallback_title`); `None` when OCR found no text.
pub fn scanned(read: &Read, fallback_title: &str) -> Option<Extracted> {
    let pages = (read.pages.iter().map(|p| p.page).max().unwrap_or(0) + read.left_out).max(1);
    let mut doc = Extracted {
        title: fallback_title.to_string(),
        pages,
        blank_pages: (1..=pages).collect(),
        ..Extracted::default()
    };
    fill(&mut doc, read);
    if doc.ocr_pages.is_empty() {
        return None;
    }
    let first_line = doc
        .text
        .lines()
        .map(str::trim)
        .find(|l| l.chars().any(char::is_alphabetic));
    if let Some(line) = first_line {
        doc.title = line.chars().take(120).collect();
    }
    Some(doc)
}

/// An extraction's document with the text OCR read for it when the cache has it (blank pages
/// filled; a scan read whole); a scan OCR has not read is refused as one without text.
pub fn with_cached(
    extracted: Result<Extracted, Refusal>,
    cache: &Cache,
    hash: u64,
    title: &str,
) -> Result<Extracted, Refusal> {
    match extracted {
        Ok(mut doc) if !doc.blank_pages.is_empty() => {
            if let Some(read) = cache.get(hash) {
                fill(&mut doc, &read);
            }
            Ok(doc)
        }
        Err(Refusal::NoTextLayer) => cache
            .get(hash)
            .and_then(|read| scanned(&read, title))
            .ok_or(Refusal::NoTextLayer),
        other => other,
    }
}

/// The mean confidence of a document's OCR pages, plus 1 (0: none), as the index stores it.
pub(super) fn stored_confidence(pages: &[(u32, u8)]) -> u64 {
    if pages.is_empty() {
        return 0;
    }
    let sum: u64 = pages.iter().map(|&(_, c)| u64::from(c)).sum();
    1 + sum / pages.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(page: u32, text: &str, confidence: u8) -> OcrPage {
        OcrPage {
            page,
            text: text.into(),
            confidence,
        }
    }

    #[test]
    fn ocr_fills_the_blank_pages_and_nothing_else() {
        let doc = Extracted {
            title: "Håndbog".into(),
            text: format!("Side et{PAGE_BREAK}{PAGE_BREAK}Side tre"),
            pages: 3,
            blank_pages: vec![2],
            ..Extracted::default()
        };
        let read = Read {
            pages: vec![page(2, "Skannet side to", 80), page(3, "ikke denne", 90)],
            ..Read::default()
        };
        let mut doc = doc;
        fill(&mut doc, &read);
        assert_eq!(
            doc.text,
            format!("Side et{PAGE_BREAK}Skannet side to{PAGE_BREAK}Side tre")
        );
        assert_eq!(doc.ocr_pages, [(2, 80)]);
        assert_eq!(doc.title, "Håndbog");
        assert_eq!(stored_confidence(&doc.ocr_pages), 81);
    }

    #[test]
    fn a_scan_without_text_is_its_ocr_text_titled_by_its_first_line() {
        let read = Read {
            pages: vec![
                page(1, "Samarbejdsaftale\n\nMellem kommunen og foreningen", 91),
                page(2, "", 0),
            ],
            ..Read::default()
        };
        let doc = scanned(&read, "aftale").expect("text");
        assert_eq!(doc.pages, 2);
        assert_eq!(doc.title, "Samarbejdsaftale");
        assert_eq!(doc.ocr_pages, [(1, 91)]);
        assert!(scanned(&Read::default(), "tom").is_none());
    }

    #[test]
    fn a_file_changed_since_its_sync_is_not_read_and_nothing_is_kept() {
        let corpus = tempfile::tempdir().expect("tempdir");
        let index = tempfile::tempdir().expect("tempdir");
        let path = corpus.path().join("scan.png");
        std::fs::write(&path, b"\x89PNG\r\n\x1a\nnot the bytes the sync saw").expect("write");
        let job = OcrJob {
            id: "scan.png".into(),
            path,
            hash: 42,
            format: Format::Png,
            pages: Vec::new(),
        };
        assert!(!run(index.path(), &job, &OcrProgress::default()));
        assert!(Cache::of(index.path()).get(42).is_none());
        assert!(!index.path().join(CACHE_DIR).exists());
    }

    #[test]
    fn a_rebuild_reads_the_live_index_cache() {
        let live = Cache::of(Path::new("/srv/index"));
        let rebuild = Cache::of(Path::new("/srv/index.rebuild"));
        assert_eq!(live.dir, rebuild.dir);
    }
}
