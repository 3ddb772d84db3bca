//! The file kinds vidensbase reads ([`Format`]): which files of the corpus are documents (by
//! name) and the MIME type an original is served with. Below extraction, so the corpus walk, the
//! search and the web pages can name a format without importing extraction; whether some bytes
//! really are a file of a format is extraction's to say (`Format::matches_content`, in
//! `extract`).

use std::path::Path;

/// File kinds vidensbase reads; everything else in the corpus is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Pdf,
    Docx,
    Odt,
    /// Scans as image files: their text is read by OCR.
    Png,
    Jpeg,
    Tiff,
}

/// What a reader calls a document's type, for the filter: a format's family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Pdf,
    /// Word and OpenDocument.
    Office,
    /// A web page (HTML).
    Web,
    /// Plain text and Markdown.
    Text,
    /// A scan saved as an image (PNG, JPEG, TIFF).
    Image,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Pdf, Kind::Office, Kind::Web, Kind::Text, Kind::Image];

    /// The value in the index and in a request's `type` parameter.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Office => "office",
            Kind::Web => "web",
            Kind::Text => "text",
            Kind::Image => "image",
        }
    }

    pub fn parse(value: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == value.trim())
    }
}

impl Format {
    /// Its family, for the type filter.
    pub fn kind(self) -> Kind {
        match self {
            Format::Pdf => Kind::Pdf,
            Format::Docx | Format::Odt => Kind::Office,
            Format::Html => Kind::Web,
            Format::Text | Format::Markdown => Kind::Text,
            Format::Png | Format::Jpeg | Format::Tiff => Kind::Image,
        }
    }

    /// The format of a file by its name's extension (in any case); `None` for no document.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "tif" | "tiff" => Some(Format::Tiff),
            _ => None,
        }
    }

    /// Whether its text is read by OCR (an image), not from the file.
    pub fn is_image(self) -> bool {
        self.kind() == Kind::Image
    }

    /// The MIME type the original file is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Tiff => "image/tiff",
        }
    }
}

/// The Debian package that installs `program`, one of the programs extraction runs: poppler's
/// (`pdftotext`, `pdfinfo`, `pdftoppm`) and Tesseract (OCR of scans).
pub fn package_of(program: &str) -> &'static str {
    match program {
        "tesseract" => "tesseract-ocr, with tesseract-ocr-dan",
        _ => "poppler-utils",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.HTM")), Some(Format::Html));
        assert_eq!(
            Format::from_path(Path::new("a/b.md")),
            Some(Format::Markdown)
        );
        assert_eq!(Format::from_path(Path::new("a/b.PDF")), Some(Format::Pdf));
        assert_eq!(Format::from_path(Path::new("a/b.docx")), Some(Format::Docx));
        assert_eq!(Format::from_path(Path::new("a/b.doc")), None);
        assert_eq!(Format::from_path(Path::new("a/README")), None);
    }
}
