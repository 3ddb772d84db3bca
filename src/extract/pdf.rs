//! PDF: text per page in reading order, from poppler's `pdftotext -bbox-layout` run as a limited
//! child process ([`super::tool`]).
//!
//! poppler finds the reading order (columns as flows, paragraphs as blocks) and gives every word
//! with its box; [`pages`] makes text of it by the rules of [`text`]. The file is poppler's own
//! input (an open file it may seek in, never read into memory here), and it is read in batches
//! of [`BATCH_PAGES`] pages (`-f`/`-l`), each a child with its own limits, whose output is parsed
//! as it streams ([`parse`]): a report of any length is read, one page held as words at a time,
//! until its pages hold all the text the index takes (the rest are counted, not read).
//! Title, author and date come from the document information poppler prints, else from the XMP
//! packet (`pdfinfo -meta`, asked only when there is no title); the title falls back to the
//! tallest line opening the first page. `/Lang` is read from the catalog when it is stored
//! uncompressed.

mod compact;
mod headings;
mod pages;
mod parse;
mod text;

use std::io::{Read, Seek};
use std::sync::OnceLock;

use super::tool::{self, Input, RunError};
use super::xml;
use super::{Extracted, Refusal};
use crate::lang::Lang;
use pages::Document;

const PDFTOTEXT: &str = "pdftotext";

/// Pages read by one `pdftotext` run. Each run opens the document again (a fraction of a second
/// for a 24,000-page report) and has the whole of [`tool::EXTRACTION`] to itself.
const BATCH_PAGES: u32 = 1000;

/// Whether `pdftotext` can be run here; asked once per process.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| tool::installed(PDFTOTEXT))
}

/// A PDF to read: an open file, which poppler reads itself as it needs, or bytes in memory.
#[derive(Debug, Clone, Copy)]
pub enum Pdf<'a> {
    File(&'a std::fs::File),
    Bytes(&'a [u8]),
}

impl<'a> Pdf<'a> {
    /// The child's input, and the name poppler reads it by.
    fn input(self) -> (Input<'a>, &'static str) {
        match self {
            Pdf::File(file) => (Input::File(file), "/dev/stdin"),
            Pdf::Bytes(bytes) => (Input::Bytes(bytes), "-"),
        }
    }
}

pub fn extract(pdf: Pdf) -> Result<Extracted, Refusal> {
    if !available() {
        return Err(Refusal::ToolMissing(PDFTOTEXT));
    }
    let mut doc = Document::default();
    let mut total = None;
    let mut first = 1;
    loop {
        let last = first + (BATCH_PAGES - 1);
        read_pages(pdf, first, last, &mut doc)?;
        // A first batch that is not full is the whole document; otherwise poppler counts.
        let total = match total {
            Some(total) => total,
            None if doc.pages() < BATCH_PAGES => break,
            None => *total.insert(page_count(pdf)?),
        };
        // Pages after those that hold all the text the index takes are counted, not read.
        if last >= total || doc.is_full() {
            doc.set_total(total);
            break;
        }
        first = last + 1;
    }
    let info_title = text::is_real_title(doc.title.trim());
    let mut out = doc.finish();
    if out.text.trim().is_empty() {
        return Err(Refusal::NoTextLayer);
    }
    out.lang = catalog_language(pdf);
    // Producers that write only XMP (PDF 2.0 deprecates the document information).
    if !info_title {
        let xmp = xmp_metadata(pdf);
        out.date = out.date.or_else(|| xmp.date());
        out.lang = out.lang.or_else(|| xmp.lang());
        if let Some(title) = xmp.title.filter(|t| text::is_real_title(t)) {
            out.title = title;
        }
        out.author = out.author.or(xmp.author);
    }
    Ok(out)
}

/// pdftotext's `-bbox-layout` output made a document, as [`extract`] makes it from a run's
/// output: the entry point of `fuzz/`'s `pdf_layout` target, which needs no PDF and no child.
#[cfg(feature = "fuzzing")]
pub fn layout_text(output: &[u8]) -> Result<Extracted, String> {
    let mut doc = Document::default();
    parse::parse(output, &mut doc)?;
    Ok(doc.finish())
}

/// Pages `first..=last` (as far as there are) into `doc`, parsed as `pdftotext` writes them.
fn read_pages(pdf: Pdf, first: u32, last: u32, doc: &mut Document) -> Result<(), Refusal> {
    let (input, name) = pdf.input();
    let (first, last) = (first.to_string(), last.to_string());
    let args = [
        "-bbox-layout",
        "-enc",
        "UTF-8",
        "-f",
        &first,
        "-l",
        &last,
        name,
        "-",
    ];
    tool::run_with(PDFTOTEXT, &args, input, tool::EXTRACTION, |out| {
        parse::parse(out, doc)
    })
    .map_err(refusal)
}

/// Why a PDF is refused, from what went wrong with poppler's run.
fn refusal(e: RunError) -> Refusal {
    match e {
        RunError::Failed { stderr, .. } if stderr.to_lowercase().contains("password") => {
            Refusal::NeedsPassword
        }
        RunError::Failed { stderr, .. } if !stderr.is_empty() => {
            Refusal::Damaged(format!("not a readable PDF ({stderr})"))
        }
        RunError::Failed { .. } => Refusal::Damaged("not a readable PDF".to_string()),
        RunError::Missing(tool) => Refusal::Damaged(format!("{tool} is not installed")),
        RunError::TimedOut(limit) => Refusal::TookTooLong(limit.as_secs()),
        RunError::BadOutput(message) => Refusal::Damaged(message),
        other => Refusal::Damaged(format!("pdftotext {other}")),
    }
}

/// The number of pages of the PDF `file`, as `pdfinfo` counts them (for OCR of a scan).
pub fn page_count_of(file: &std::fs::File) -> Result<u32, Refusal> {
    page_count(Pdf::File(file))
}

/// The number of pages, as `pdfinfo` counts them.
fn page_count(pdf: Pdf) -> Result<u32, Refusal> {
    let (input, name) = pdf.input();
    let limits = tool::Limits {
        output: 1 << 20,
        ..tool::EXTRACTION
    };
    let out = tool::run("pdfinfo", &[name], input, limits).map_err(refusal)?;
    // The last such line: a title with a line break cannot pass for it.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("Pages:"))
        .next_back()
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| Refusal::Damaged("pdfinfo gave no page count".to_string()))
}

/// The XMP packet's metadata, as `pdfinfo -meta` prints it (empty when there is none).
fn xmp_metadata(pdf: Pdf) -> xml::Meta {
    let (input, name) = pdf.input();
    let limits = tool::Limits {
        wall: std::time::Duration::from_secs(20),
        output: 16 << 20,
        ..tool::EXTRACTION
    };
    match tool::run("pdfinfo", &["-meta", name], input, limits) {
        Ok(out) => xml::dublin_core(&out.stdout),
        Err(_) => xml::Meta::default(),
    }
}

/// How much of the file before and after the catalog's `/Type` is searched for its `/Lang`.
const CATALOG_REACH: usize = 64 << 10;

/// The document language the catalog declares (`/Lang (da-DK)`), when the catalog is stored as
/// plain text in the file (not inside a compressed object stream). A file is searched block by
/// block, never held whole.
fn catalog_language(pdf: Pdf) -> Option<Lang> {
    let file = match pdf {
        Pdf::Bytes(bytes) => return language_in_catalog(bytes),
        Pdf::File(file) => file,
    };
    let mut file = file;
    file.rewind().ok()?;
    let needles = [
        memchr::memmem::Finder::new(b"/Type/Catalog"),
        memchr::memmem::Finder::new(b"/Type /Catalog"),
    ];
    // The end of the block before (so a match across blocks is found, and the object's start
    // before it is at hand), then the next block.
    let mut window: Vec<u8> = Vec::new();
    let mut block = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut block).ok()?;
        if n == 0 {
            return None;
        }
        let searched = window.len().saturating_sub(needles[1].needle().len());
        window.extend_from_slice(&block[..n]);
        let found = needles
            .iter()
            .filter_map(|f| f.find(&window[searched..]))
            .min();
        if let Some(at) = found.map(|i| searched + i) {
            // The rest of the object, as far as it reaches.
            let mut after = Vec::new();
            file.take(CATALOG_REACH as u64)
                .read_to_end(&mut after)
                .ok()?;
            window.extend_from_slice(&after);
            let end = window.len().min(at + CATALOG_REACH);
            return language_in_catalog(&window[at.saturating_sub(CATALOG_REACH)..end]);
        }
        let keep = window.len().saturating_sub(CATALOG_REACH);
        window.drain(..keep);
    }
}

/// [`catalog_language`] of bytes in memory.
fn language_in_catalog(bytes: &[u8]) -> Option<Lang> {
    let find = |hay: &[u8], needle: &[u8]| memchr::memmem::find(hay, needle);
    let catalog = find(bytes, b"/Type/Catalog").or_else(|| find(bytes, b"/Type /Catalog"))?;
    let start = bytes[..catalog]
        .windows(3)
        .rposition(|w| w == b"obj")
        .unwrap_or(0);
    let end = catalog + find(&bytes[catalog..], b"endobj").unwrap_or(bytes.len() - catalog);
    let object = &bytes[start..end];
    let at = find(object, b"/Lang")? + 5;
    let value = object[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .skip(1) // `(`
        .take_while(|b| b.is_ascii_alphabetic())
        .take(2)
        .map(|b| b.to_ascii_lowercase() as char)
        .collect::<String>();
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_in_the_catalog() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/Lang(da-DK)>>\nendobj\n";
        assert_eq!(language_in_catalog(pdf), Some(Lang::Da));
        let pdf = b"%PDF-1.7\n1 0 obj\n<</Type /Catalog /Lang (en-GB)>>\nendobj\n";
        assert_eq!(language_in_catalog(pdf), Some(Lang::En));
        assert_eq!(language_in_catalog(b"%PDF-1.7\n"), None);
    }

    #[test]
    fn the_catalog_of_a_file_is_found_block_by_block() {
        use std::io::Write;
        // The catalog far into the file, across the edge of the first block.
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.resize((1 << 20) - 16, b' ');
        bytes.extend_from_slice(
            b"\n7 0 obj\n<</Type /Catalog /Pages 2 0 R /Lang (da-DK)>>\nendobj\n",
        );
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(&bytes).expect("write");
        assert_eq!(catalog_language(Pdf::File(&file)), Some(Lang::Da));
        assert_eq!(catalog_language(Pdf::Bytes(&bytes)), Some(Lang::Da));
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(b"%PDF-1.7\n1 0 obj\n<</Type/Pages>>\nendobj\n")
            .expect("write");
        assert_eq!(catalog_language(Pdf::File(&file)), None);
    }
}
