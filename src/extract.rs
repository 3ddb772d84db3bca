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

mod html;
mod load;
mod office;
mod pdf;
pub mod tool;
mod xml;

pub use crate::format::Format;
pub use load::{load, LoadError, Loaded, Source, PREFIX_BYTES, TEXT_READ_BYTES};
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
    pub date: Option<String>,
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
    #[error("has no text layer (a scanned PDF?); it needs OCR, which vidensbase does not do")]
    NoTextLayer,
    #[error("is encrypted and needs a password to open")]
    NeedsPassword,
    #[error("is damaged or not what its name says: {0}")]
    Damaged(String),
    #[error("needs {0} (Debian package poppler-utils), which is not installed")]
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
    let mut read_of = None;
    let mut doc = match (format, source) {
        (Format::Pdf, Source::File(file)) => pdf::extract(pdf::Pdf::File(&file))?,
        (format, source) => {
            let (bytes, total) = source.into_bytes()?;
            read_of = total.map(|total| (bytes.len(), total));
            match format {
                Format::Pdf => pdf::extract(pdf::Pdf::Bytes(&bytes))?,
                Format::Docx => guarded(|| office::docx(&bytes))?,
                Format::Odt => guarded(|| office::odt(&bytes))?,
                // The HTML scanner is Rust code meeting hostile input too.
                Format::Html | Format::Markdown | Format::Text => {
                    guarded(|| text_file(format, bytes))?
                }
            }
        }
    };
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

/// Skip links that scraped web pages begin with, in Danish and English: page furniture, not
/// content, so they are neither shown nor searched.
const FURNITURE: &[&str] = &[
    "skip navigation",
    "skip to main content",
    "skip to content",
    "skip to navigation",
    "gå til hovedindhold",
    "gå til indhold",
    "spring til hovedindhold",
    "spring til indhold",
    "spring navigation over",
];

/// The text without the [`FURNITURE`] phrases it starts with (each followed by the end of its
/// line, a space or a separator): `Skip Navigation Denmark Civil Society …` keeps `Denmark …`.
fn without_furniture(text: &str) -> &str {
    let mut start = text.len() - text.trim_start().len();
    'phrases: loop {
        let rest = &text[start..];
        for phrase in FURNITURE {
            let Some(head) = rest.get(..phrase.len()) else {
                continue;
            };
            let ends = rest[phrase.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || matches!(c, '·' | '|' | '»' | '>'));
            if ends && head.to_lowercase() == *phrase {
                let after = &rest[phrase.len()..];
                let skipped = after.len()
                    - after
                        .trim_start_matches(|c: char| c.is_whitespace() || "·|»>".contains(c))
                        .len();
                start += phrase.len() + skipped;
                continue 'phrases;
            }
        }
        break;
    }
    &text[start..]
}

/// `2019-07-01` from an ISO 8601 date or date-time (`2019-07-01T10:00:00+02:00`).
pub(crate) fn iso_date(value: &str) -> Option<String> {
    let date = value.trim().get(..10)?;
    let ok = date.bytes().enumerate().all(|(i, c)| match i {
        4 | 7 => c == b'-',
        _ => c.is_ascii_digit(),
    });
    ok.then(|| date.to_string())
}

/// A text format: decoded, its front matter applied.
fn text_file(format: Format, bytes: Vec<u8>) -> Result<Extracted, Refusal> {
    let raw = decode(bytes)?;
    let (front, body) = front_matter(&raw);
    // Skip links are removed before a text file's first line becomes its title.
    let mut doc = match format {
        Format::Html => {
            let mut doc = html::extract(body);
            let start = doc.text.len() - without_furniture(&doc.text).len();
            doc.text.replace_range(..start, "");
            doc
        }
        Format::Markdown => markdown(without_furniture(body)),
        _ => plain(without_furniture(body)),
    };
    if let Some(title) = front.title {
        doc.title = title;
    }
    doc.source = front.source;
    doc.date = front.date;
    doc.lang = front.lang;
    doc.translation = front.translation;
    Ok(doc)
}

/// Runs an in-process extractor of binary formats; a panic in it (a bug meeting a hostile file)
/// refuses this file instead of ending the run.
fn guarded(f: impl FnOnce() -> Result<Extracted, Refusal>) -> Result<Extracted, Refusal> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Refusal::Damaged("the extractor failed on it".into())))
}

/// Text as a reader sees it, whatever the producer wrote: ligatures (`ﬁ`) spelled out, soft
/// hyphens and zero-width characters removed, no-break spaces made spaces, decomposed letters
/// (`a` + U+030A) composed (`å`). Borrowed when there is nothing to do, the usual case.
pub fn normalise_chars(text: &str) -> Cow<'_, str> {
    if !needs_normalising(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut combining = false;
    for c in text.chars() {
        match c {
            '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            '\u{a0}' | '\u{2007}' | '\u{202f}' => out.push(' '),
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            _ => {
                combining |= ('\u{300}'..='\u{36f}').contains(&c);
                out.push(c);
            }
        }
    }
    if combining {
        use unicode_normalization::UnicodeNormalization;
        out = out.nfc().collect();
    }
    Cow::Owned(out)
}

/// Whether the UTF-8 bytes hold any character [`normalise_chars`] changes: a vectorised search
/// for the lead bytes of those characters, so the common text pays nearly nothing.
fn needs_normalising(b: &[u8]) -> bool {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let spaces_and_ligatures = memchr::memchr3_iter(0xC2, 0xE2, 0xEF, b).any(|i| match b[i] {
        0xC2 => matches!(at(i + 1), 0xA0 | 0xAD),
        0xE2 => match (at(i + 1), at(i + 2)) {
            (0x80, c) => matches!(c, 0x87 | 0x8B | 0x8C | 0x8D | 0xAF),
            (0x81, c) => c == 0xA0,
            _ => false,
        },
        _ => matches!((at(i + 1), at(i + 2)), (0xBB, 0xBF) | (0xAC, 0x80..=0x86)),
    });
    // Combining diacritics, U+0300 to U+036F.
    spaces_and_ligatures
        || memchr::memchr2_iter(0xCC, 0xCD, b).any(|i| b[i] == 0xCC || at(i + 1) <= 0xAF)
}

/// Decodes file bytes to text: UTF-8 (without a copy), UTF-16 with BOM, else Windows-1252 if it
/// looks like text.
pub fn decode(bytes: Vec<u8>) -> Result<String, Refusal> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    if nul_early(&bytes) {
        return Err(Refusal::Binary);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(not_utf8) => not_utf8.into_bytes(),
    };
    // Not UTF-8: accept as Windows-1252 only if control characters are rare.
    if mostly_controls(&bytes) {
        return Err(Refusal::Binary);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    Ok(text.into_owned())
}

/// Whether the first bytes of a longer file are binary by [`decode`]'s rules: no byte order
/// mark, and a NUL early on, or neither UTF-8 (a character cut off at the end aside) nor
/// rare in control characters.
fn prefix_is_binary(prefix: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(prefix).is_some() {
        return false;
    }
    if nul_early(prefix) {
        return true;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => false,
        Err(e) if e.error_len().is_none() => false,
        Err(_) => mostly_controls(prefix),
    }
}

/// A NUL among the first 8 KB: no text file has one.
fn nul_early(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// More than 1 % control characters (other than tab, line ends and form feed).
fn mostly_controls(bytes: &[u8]) -> bool {
    let controls = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    controls * 100 > bytes.len()
}

#[derive(Default)]
struct FrontMatter {
    title: Option<String>,
    source: Option<String>,
    date: Option<String>,
    lang: Option<Lang>,
    translation: Option<String>,
}

/// Splits an optional `---` front-matter block off the start of a text.
fn front_matter(text: &str) -> (FrontMatter, &str) {
    let mut fm = FrontMatter::default();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (fm, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim();
        if line == "---" {
            return (fm, &rest[offset..]);
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim().trim_matches('"').trim();
            if value.is_empty() {
                continue;
            }
            match key.trim().to_ascii_lowercase().as_str() {
                "title" => fm.title = Some(value.to_string()),
                "source" => fm.source = Some(value.to_string()),
                "date" => fm.date = Some(value.to_string()),
                // A language vidensbase does not analyse is ignored: the text decides.
                "lang" | "language" => fm.lang = value.parse().ok(),
                // A document id: a path relative to the corpus folder, `/` between folders.
                "translation" => {
                    fm.translation = Some(value.trim_start_matches("./").replace('\\', "/"))
                }
                _ => {}
            }
        }
    }
    // No closing line: it was not front matter after all.
    (FrontMatter::default(), text)
}

/// Menu lines of scraped pages, never their title (nor are the skip links of [`FURNITURE`]).
const MENU_LINES: [&str; 4] = ["menu", "søg", "search", "forside"];

/// Plain text: the title is the first line that reads as one.
fn plain(text: &str) -> Extracted {
    let text = normalise_newlines(text);
    let title = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| reads_as_title(l))
        .or_else(|| text.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| truncate_chars(l, 200))
        .unwrap_or_default();
    Extracted {
        title,
        text: text.trim().to_string(),
        ..Extracted::default()
    }
}

fn reads_as_title(line: &str) -> bool {
    let lower = line.to_lowercase();
    if MENU_LINES.contains(&lower.as_str()) || FURNITURE.contains(&lower.as_str()) {
        return false;
    }
    let words = line.split_whitespace().count();
    (2..=25).contains(&words)
        && line.chars().count() <= 200
        && line.chars().any(char::is_alphabetic)
}

/// Markdown: the first `#` heading is the title; markup is stripped to readable text.
fn markdown(text: &str) -> Extracted {
    let text = normalise_newlines(text);
    let mut title = None;
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let mut line = if in_code {
            trimmed
        } else {
            trimmed.trim_start_matches('#').trim()
        };
        if !in_code && trimmed.starts_with('#') && !line.is_empty() {
            let text = strip_inline_markdown(line);
            if title.is_none() {
                title = Some(text.clone());
            }
            // A heading is a paragraph of its own, with its level's marks.
            let level = trimmed.len() - trimmed.trim_start_matches('#').len();
            out.push('\n');
            out.push_str(&heading_marks(level));
            out.push_str(&text);
            out.push_str("\n\n");
            continue;
        }
        if let Some(rest) = line.strip_prefix("> ") {
            line = rest;
        }
        let line = line
            .strip_prefix("* ")
            .or_else(|| line.strip_prefix("- "))
            .or_else(|| line.strip_prefix("+ "))
            .unwrap_or(line);
        if line
            .chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '|' | ':' | ' '))
            && !line.is_empty()
        {
            continue; // rules and table separators
        }
        out.push_str(&strip_inline_markdown(line));
        out.push('\n');
    }
    let mut doc = plain(&out);
    if let Some(title) = title {
        doc.title = title;
    }
    doc
}

/// `[text](url)` → `text`, `![alt](src)` → `alt`, emphasis and code markers dropped.
fn strip_inline_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before.strip_suffix('!').unwrap_or(before));
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(end)) if close < end => {
                out.push_str(&after[1..close]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "").replace('`', "")
}

/// Text in paragraphs: pushed pieces are joined, whitespace runs collapsed to one space, and
/// non-empty paragraphs separated by a blank line, written straight into one string.
#[derive(Default)]
struct ParagraphBuilder {
    text: String,
    current: String,
}

impl ParagraphBuilder {
    fn push(&mut self, text: &str) {
        self.current.push_str(text);
    }

    fn break_paragraph(&mut self) {
        let mut words = self.current.split_whitespace();
        // Heading marks without a heading (an empty `<h2>`) are no paragraph.
        if self.current.trim().bytes().all(|b| b == b'#') {
            self.current.clear();
            return;
        }
        if let Some(first) = words.next() {
            if !self.text.is_empty() {
                self.text.push_str("\n\n");
            }
            self.text.push_str(first);
            for word in words {
                self.text.push(' ');
                self.text.push_str(word);
            }
        }
        self.current.clear();
    }

    fn finish(mut self) -> String {
        self.break_paragraph();
        self.text
    }
}

pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut b = ParagraphBuilder::default();
    b.push(text);
    b.finish()
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
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn markdown_headings_are_marked_paragraphs() {
        let doc = extract(
            Format::Markdown,
            "# Titel\n\nTekst.\n## Mål\nMere tekst.".as_bytes().to_vec(),
            "x",
        )
        .expect("md");
        let paragraphs: Vec<&str> = doc.text.split("\n\n").map(str::trim).collect();
        assert_eq!(paragraphs, ["# Titel", "Tekst.", "## Mål", "Mere tekst."]);
        assert_eq!(doc.title, "Titel");
    }

    #[test]
    fn skip_links_at_the_start_are_not_text() {
        let strip = without_furniture;
        assert_eq!(
            strip("Skip Navigation Denmark Civil Society"),
            "Denmark Civil Society"
        );
        assert_eq!(strip("  Gå til indhold\n\nSamarbejde"), "Samarbejde");
        assert_eq!(strip("Gå til indhold · Skip to content\nTekst"), "Tekst");
        // Only at the start, and only whole phrases.
        assert_eq!(strip("Tekst. Gå til indhold"), "Tekst. Gå til indhold");
        assert_eq!(strip("Skip navigationen"), "Skip navigationen");
        assert_eq!(strip("Gå til indhold"), "");
    }

    #[test]
    fn text_title_skips_navigation_lines() {
        let doc = extract(
            Format::Text,
            "Skip Navigation\nDenmark\n\nCivil Society National Strategy (DK0058)\n\nOverview"
                .as_bytes()
                .to_vec(),
            "x",
        )
        .expect("text");
        assert_eq!(doc.title, "Civil Society National Strategy (DK0058)");
        let doc = extract(
            Format::Text,
            "Gå til indhold\n\nNyt om OGP\n\nHer...".as_bytes().to_vec(),
            "x",
        )
        .expect("text");
        assert_eq!(doc.title, "Nyt om OGP");
    }

    #[test]
    fn front_matter_overrides_title_and_carries_metadata() {
        let src = "---\ntitle: Nyt om OGP\nsource: https://example.dk/ogp\ndate: 2019-07-01\n---\nGå til indhold\n\nTekst her.";
        let doc = extract(Format::Text, src.as_bytes().to_vec(), "x").expect("text");
        assert_eq!(doc.title, "Nyt om OGP");
        assert_eq!(doc.source.as_deref(), Some("https://example.dk/ogp"));
        assert_eq!(doc.date.as_deref(), Some("2019-07-01"));
        assert_eq!(doc.lang, None);
        assert_eq!(doc.translation, None);
        assert!(!doc.text.contains("title:"));
        let src = "---\ntranslation: ./en/ogp.md\n---\nTekst.";
        let doc = extract(Format::Text, src.as_bytes().to_vec(), "x").expect("text");
        assert_eq!(doc.translation.as_deref(), Some("en/ogp.md"));
    }

    #[test]
    fn front_matter_declares_a_language_vidensbase_knows() {
        let lang_of = |value: &str| {
            let src = format!("---\nlang: {value}\n---\nText.");
            extract(Format::Text, src.into_bytes(), "x")
                .expect("text")
                .lang
        };
        assert_eq!(lang_of("da"), Some(Lang::Da));
        assert_eq!(lang_of("English"), Some(Lang::En));
        assert_eq!(lang_of("de"), None);
    }

    #[test]
    fn html_keeps_main_visible_text_only() {
        let src = r#"<html><head><title>Talformat: Valuta</title><style>p{}</style></head>
            <body><nav>Forside Menu</nav><div id="DisplayArea"><h1>Valuta</h1>
            <p>Vælg <b>valuta</b> for cellen.</p><script>alert(1)</script><p>Anden linje</p></div>
            <footer>Kontakt</footer></body></html>"#;
        let doc = extract(Format::Html, src.as_bytes().to_vec(), "x").expect("html");
        assert_eq!(doc.title, "Talformat: Valuta");
        assert_eq!(
            doc.text,
            "# Valuta\n\nVælg valuta for cellen.\n\nAnden linje"
        );
    }

    #[test]
    fn html_tag_soup_entities_and_hidden_content() {
        let src = "<p>Første &amp; <i>anden</i><p>Tredje&nbsp;afsnit &#230;&#x00F8;&aring;\
                   <div hidden>skjult</div><span aria-hidden=\"true\">ikon</span>\
                   <ul><li>Et<li>To</ul><!-- kommentar --><br/>Sidste";
        let doc = extract(Format::Html, src.as_bytes().to_vec(), "x").expect("html");
        assert_eq!(
            doc.text,
            "Første & anden\n\nTredje afsnit æøå\n\nEt\n\nTo\n\nSidste"
        );
        assert_eq!(doc.title, "x", "no title or h1: the fallback");
    }

    #[test]
    fn html_main_content_wins_over_the_rest_of_the_body() {
        let src = "<body><div>Menu tekst</div><main><h1>Overskrift</h1><p>Indhold <script>var a = '</p>';</script>her</p></main>\
                   <div>Efter</div></body>";
        let doc = extract(Format::Html, src.as_bytes().to_vec(), "x").expect("html");
        assert_eq!(doc.text, "# Overskrift\n\nIndhold her");
        assert_eq!(doc.title, "Overskrift");
    }

    #[test]
    fn html_without_title_uses_h1() {
        let doc = extract(
            Format::Html,
            b"<body><h1>Overskrift her</h1><p>Tekst</p></body>".to_vec(),
            "x",
        )
        .expect("html");
        assert_eq!(doc.title, "Overskrift her");
    }

    #[test]
    fn a_title_of_heading_marks_only_is_no_title() {
        // Found by `cargo fuzz run html` (minimised: the text file `#`): the title collapsed to
        // nothing after the fallback was decided, so the document had an empty title.
        for (format, bytes) in [
            (Format::Text, &b"#"[..]),
            (Format::Markdown, b"## #\n\nTekst."),
            (Format::Html, b"<title>#</title><p>Tekst."),
        ] {
            let doc = extract(format, bytes.to_vec(), "Fil  navn").expect("text");
            assert_eq!(doc.title, "Fil navn", "{format:?}");
        }
    }

    #[test]
    fn latin1_is_decoded() {
        let bytes = b"K\xf8benhavns \xe6ldre borgere p\xe5 \xc5rhus Kommune";
        let doc = extract(Format::Text, bytes.to_vec(), "x").expect("latin-1");
        assert_eq!(doc.text, "Københavns ældre borgere på Århus Kommune");
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert_eq!(
            extract(Format::Text, b"\x89PNG\r\n\x1a\n\0\0\0IHDR".to_vec(), "x"),
            Err(Refusal::Binary)
        );
        assert_eq!(
            extract(Format::Text, b"  \n\n ".to_vec(), "x"),
            Err(Refusal::Empty)
        );
        assert_eq!(
            extract(
                Format::Html,
                b"<html><script>x()</script></html>".to_vec(),
                "x"
            ),
            Err(Refusal::Empty)
        );
    }

    #[test]
    fn markdown_heading_is_title_and_links_become_text() {
        let doc = extract(
            Format::Markdown,
            "# Frivillighed i kommunerne\n\nSe [strategien](https://x.dk) og **mere**."
                .as_bytes()
                .to_vec(),
            "x",
        )
        .expect("md");
        assert_eq!(doc.title, "Frivillighed i kommunerne");
        assert!(doc.text.contains("Se strategien og mere."));
    }

    #[test]
    fn producer_characters_are_normalised() {
        let written = "o\u{fb03}cielt \u{fb02}eksibel A\u{30a}rhus civil\u{ad}samfunds\u{200b}organisationer 10\u{a0}%";
        assert_eq!(
            normalise_chars(written),
            "officielt fleksibel Århus civilsamfundsorganisationer 10 %"
        );
        assert!(matches!(
            normalise_chars("Kommunerne – «ældre» … Ωμέγα"),
            Cow::Borrowed(_)
        ));
        // Each character on its own is found.
        for c in [
            '\u{ad}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{a0}',
            '\u{2007}', '\u{202f}', '\u{fb00}', '\u{fb06}', '\u{301}', '\u{36f}',
        ] {
            let text = format!("ab{c}cd");
            assert!(
                matches!(normalise_chars(&text), Cow::Owned(_)),
                "{:x}",
                c as u32
            );
        }
    }

    #[test]
    fn a_huge_text_is_cut_at_the_limit() {
        let text = "æ".repeat(MAX_TEXT_BYTES / 2 + 10);
        let doc = extract(Format::Text, text.into_bytes(), "x").expect("text");
        assert!(doc.text.len() <= MAX_TEXT_BYTES);
        assert_eq!(doc.cut_from, Some(MAX_TEXT_BYTES + 20));
        assert_eq!(
            extract(Format::Text, b"kort".to_vec(), "x")
                .expect("text")
                .cut_from,
            None
        );
    }

    #[test]
    fn a_text_read_in_part_says_how_long_it_was() {
        // The first tenth of a file: the whole text is estimated from it.
        let bytes = "ord ".repeat(1000).into_bytes();
        let source = Source::Prefix {
            bytes,
            total: 40_000,
        };
        let doc = extract_from(Format::Text, source, "x").expect("text");
        assert_eq!(doc.text.len(), 3999);
        assert_eq!(doc.cut_from, Some(39_990));
    }

    #[test]
    fn passing_refusals_are_not_remembered() {
        assert!(Refusal::Binary.is_lasting());
        assert!(Refusal::NeedsPassword.is_lasting());
        assert!(!Refusal::TookTooLong(120).is_lasting());
        assert!(!Refusal::ToolMissing("pdftotext").is_lasting());
    }

    #[test]
    fn formats_are_judged_by_content() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
        let read = |name: &str| std::fs::read(dir.join(name)).expect("fixture");
        assert!(Format::Pdf.matches_content(&read("to-spalter.pdf")));
        assert!(Format::Docx.matches_content(&read("elementer.docx")));
        assert!(Format::Odt.matches_content(&read("elementer.odt")));
        assert!(!Format::Pdf.matches_content(&read("elementer.docx")));
        assert!(!Format::Docx.matches_content(&read("elementer.odt")));
        assert!(!Format::Odt.matches_content(&read("elementer.docx")));
        assert!(!Format::Docx.matches_content(b"PK\x03\x04 not really"));
        assert!(Format::Text.matches_content("Kære borger".as_bytes()));
        assert!(!Format::Text.matches_content(&read("to-spalter.pdf")));
        assert!(!Format::Html.matches_content(b"\x89PNG\r\n\x1a\n\0\0"));
    }
}
