//! Extraction: the bytes of one corpus file become a title, plain text and metadata.
//!
//! Handles `.txt`, `.md`, `.html`/`.htm` here and in `html`, `.pdf` in `pdf` (through poppler's
//! `pdftotext`, in a limited child process: `tool`), `.docx` and `.odt` in `office`. Text bytes
//! are decoded as UTF-8 (or UTF-16 with a BOM); text that is not valid UTF-8 is decoded as
//! Windows-1252 when it looks like text, since old Danish files often are. HTML keeps only the
//! visible text of the main content (scripts, styles, navigation, headers and footers are dropped)
//! with block elements as paragraph breaks. An optional front-matter header in text files (`---`
//! lines with `title:`, `source:`, `date:`, `lang:`) overrides what the file states (`lang:`
//! spares the document-level language detection). Every format's text then goes through
//! [`normalise_chars`] (ligatures, soft hyphens, invisible spaces, decomposed letters). Paged
//! formats separate their pages with [`PAGE_BREAK`]. Files that are binary, empty, damaged,
//! locked or without a text layer are refused with a reason the indexer logs.

mod decode;
mod html;
mod load;
pub mod ocr;
mod office;
mod paragraphs;
mod pdf;
mod plain;
pub mod tool;
mod xml;

use decode::prefix_is_binary;
pub use decode::{decode, normalise_chars};
pub(crate) use paragraphs::collapse_whitespace;
use paragraphs::ParagraphBuilder;
use plain::text_file;

pub use crate::date::Date;
pub use crate::format::Format;
pub use load::{load, LoadError, Loaded, Source, PREFIX_BYTES, TEXT_READ_BYTES};
pub use pdf::page_count_of as pdf_page_count;
// The marks extraction writes into a text; defined below extraction, in `text`, for the readers.
pub(crate) use crate::text::{heading_marks, PAGE_BREAK};
/// For `fuzz/` only (feature `fuzzing`): poppler's layout output read as a PDF's is.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use pdf::layout_text as fuzz_pdf_layout;

use std::borrow::Cow;

use crate::lang::Lang;

/// Extraction's half of [`Format`]: what the bytes of a file of each format look like.
impl Format {
    /// Whether `bytes` are really a file of this format (for uploads, which are judged by
    /// content, not only by name): a PDF header, a Word or OpenDocument text package, or text.
    pub fn matches_content(self, bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(1024)];
        match self {
            Format::Pdf => head.windows(5).any(|w| w == b"%PDF-"),
            Format::Docx => is_zip_with(bytes, "word/document.xml"),
            Format::Odt => {
                // The package's first entry, stored uncompressed: its MIME type.
                bytes.starts_with(b"PK\x03\x04")
                    && head
                        .windows(39)
                        .any(|w| w == b"application/vnd.oasis.opendocument.text")
            }
            Format::Text | Format::Markdown | Format::Html => decode(bytes.to_vec()).is_ok(),
            Format::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Format::Jpeg => bytes.starts_with(b"\xff\xd8\xff"),
            Format::Tiff => bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*"),
        }
    }
}

/// A zip archive that has an entry called `name`.
fn is_zip_with(bytes: &[u8], name: &str) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .is_ok_and(|archive| archive.index_for_name(name).is_some())
}

/// Most text indexed and stored for one document; the rest of a longer one is left out (with a
/// warning), so one huge file cannot fill the memory of the indexer or of a search that shows it.
pub const MAX_TEXT_BYTES: usize = 32 << 20;

/// What extraction makes of a file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extracted {
    pub title: String,
    /// Plain text; paragraphs separated by blank lines.
    pub text: String,
    pub source: Option<String>,
    pub date: Option<Date>,
    /// The document's language when the file declares one (front matter, PDF `/Lang`, office
    /// metadata).
    pub lang: Option<Lang>,
    pub author: Option<String>,
    /// Pages of a paged format (PDF), 0 for the others; `text` has `pages - 1` [`PAGE_BREAK`]s,
    /// fewer when it was cut.
    pub pages: u32,
    /// The text's length in bytes before it was cut to [`MAX_TEXT_BYTES`], when it was; an
    /// estimate when the extractor left part of the file unread.
    pub cut_from: Option<usize>,
    /// Pages (from 1) that are a table of contents: part of the text, but never a document's
    /// best page (a contents page names every subject and is about none).
    pub contents_pages: Vec<u32>,
    /// The id of the document's other edition when the file names it (front matter
    /// `translation: path/of/other`): a link made by hand ([`crate::editions`]).
    pub translation: Option<String>,
    /// Who may open it, when the file says so (front matter `visibility: intern`; the corpus
    /// rules decide with it, [`crate::corpus::Rule::decide`]).
    pub visibility: Option<crate::access::Visibility>,
    /// Pages (from 1) of a PDF that have no text layer: OCR reads them ([`ocr`]).
    pub blank_pages: Vec<u32>,
    /// Pages (from 1) whose text OCR read, with its mean confidence (0–100).
    pub ocr_pages: Vec<(u32, u8)>,
    /// Pages OCR did not read (over its limit).
    pub ocr_left_out: u32,
    /// The document type when an editor set one ([`crate::corpus::Edits`]); else its format's.
    pub kind: Option<crate::format::Kind>,
    /// Numbered lists of two or more items (HTML `ol`, Markdown `1.` lines): procedures, what
    /// a `Hvordan …?` / `How do I …?` question asks for ([`crate::query::question`]).
    pub steps: u32,
}

impl Extracted {
    /// The document's language: the one its front matter declares, else the detected one.
    pub fn language(&self) -> Lang {
        self.lang.unwrap_or_else(|| crate::lang::detect(&self.text))
    }
}

/// Why a file is not a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("looks like a binary file")]
    Binary,
    #[error("contains no text")]
    Empty,
    /// A scan: a PDF without a text layer, or an image. OCR reads it, where Tesseract is
    /// installed; the refusal stands when OCR found no text either.
    #[error("has no text layer (a scan), and OCR found no text in it")]
    NoTextLayer,
    #[error("is encrypted and needs a password to open")]
    NeedsPassword,
    #[error("is damaged or not what its name says: {0}")]
    Damaged(String),
    #[error("needs {0} (Debian package {pkg}), which is not installed", pkg = crate::format::package_of(.0))]
    ToolMissing(&'static str),
    #[error("took longer than {0} s to read and was stopped")]
    TookTooLong(u64),
}

impl Refusal {
    /// Whether the same file will be refused again for the same reason (so a run need not read
    /// it again until it changes): not so for a missing program or a reading that ran out of
    /// time on a busy machine.
    pub fn is_lasting(&self) -> bool {
        !matches!(self, Refusal::ToolMissing(_) | Refusal::TookTooLong(_))
    }
}

/// Extracts a document from raw file bytes. `fallback_title` is used when the file has no title
/// of its own (the caller passes the file name).
pub fn extract(format: Format, bytes: Vec<u8>, fallback_title: &str) -> Result<Extracted, Refusal> {
    extract_from(format, Source::Bytes(bytes), fallback_title)
}

/// Extracts a document from `source`, as [`extract`] does from bytes.
pub fn extract_from(
    format: Format,
    source: Source,
    fallback_title: &str,
) -> Result<Extracted, Refusal> {
    // Every extractor is Rust code meeting hostile input (PDF: the reading of poppler's output),
    // so all run under one guard.
    let (mut doc, read_of) = guarded(|| match (format, source) {
        (Format::Pdf, Source::File(file)) => Ok((pdf::extract(pdf::Pdf::File(&file))?, None)),
        // A scan's text is read by OCR, after the sync has committed the rest ([`ocr`]).
        (format, _) if format.is_image() => Err(Refusal::NoTextLayer),
        (format, source) => {
            let (bytes, total) = source.into_bytes()?;
            let read_of = total.map(|total| (bytes.len(), total));
            let doc = match format {
                Format::Pdf => pdf::extract(pdf::Pdf::Bytes(&bytes))?,
                Format::Docx => office::docx(&bytes)?,
                Format::Odt => office::odt(&bytes)?,
                Format::Html | Format::Markdown | Format::Text => text_file(format, bytes)?,
                Format::Png | Format::Jpeg | Format::Tiff => return Err(Refusal::NoTextLayer),
            };
            Ok((doc, read_of))
        }
    })?;
    if let Cow::Owned(text) = normalise_chars(&doc.text) {
        doc.text = text;
    }
    if let Cow::Owned(title) = normalise_chars(&doc.title) {
        doc.title = title;
    }
    if doc.text.trim().is_empty() {
        return Err(Refusal::Empty);
    }
    let length = doc.text.len();
    // Of a file read only in part, the text there would have been, had it all been read.
    if let Some((read, total)) = read_of {
        let whole = length as u128 * total as u128 / read.max(1) as u128;
        doc.cut_from = Some(usize::try_from(whole).unwrap_or(usize::MAX));
    }
    if length > MAX_TEXT_BYTES {
        let mut end = MAX_TEXT_BYTES;
        while !doc.text.is_char_boundary(end) {
            end -= 1;
        }
        // An extractor that left text out already estimated the whole.
        doc.cut_from = Some(doc.cut_from.map_or(length, |cut| cut.max(length)));
        doc.text.truncate(end);
    }
    // Collapsed first: a title of heading marks only (`#`) collapses to nothing, and is none.
    doc.title = collapse_whitespace(&doc.title);
    if doc.title.is_empty() {
        doc.title = fallback_title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    Ok(doc)
}

/// Runs an extractor; a panic in it (a bug meeting a hostile file) refuses this file instead of
/// ending the run or the watcher.
fn guarded<T>(f: impl FnOnce() -> Result<T, Refusal>) -> Result<T, Refusal> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Refusal::Damaged("the extractor failed on it".into())))
}

/// The text with `\r\n` and lone `\r` line ends made `\n` (borrowed when there are none).
fn normalise_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return text.into();
    }
    text.replace("\r\n", "\n").replace('\r', "\n").into()
}

fn truncate_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests;
