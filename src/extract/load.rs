//! Reading a corpus file for extraction, no more of it than extraction needs.
//!
//! Every file is hashed whole (xxh3, for change detection), but what is kept in memory depends on
//! its format. The first [`PREFIX_BYTES`] decide what need not be read at all: a text file that
//! is binary by the rules [`super::decode`] applies (a NUL early on, mostly control characters),
//! a Word or OpenDocument file that is no zip archive, an image without its format's signature.
//! A PDF or an image is hashed block by block and handed on as the open file, which poppler or
//! Tesseract reads where it lies. A text file is kept up to
//! [`TEXT_READ_BYTES`], more than the index takes of any text; the rest is only hashed. Word and
//! OpenDocument files are read whole (the zip reader needs them in memory; each part it
//! decompresses is capped).

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use super::{Format, Refusal, MAX_TEXT_BYTES};

/// The first bytes of a file, read before anything else: enough to tell text from binary.
pub const PREFIX_BYTES: usize = 64 << 10;

/// Most of a text file kept for extraction: four times what the index takes of one document,
/// room for markup, Markdown links and text in UTF-16.
pub const TEXT_READ_BYTES: usize = 4 * MAX_TEXT_BYTES;

/// What extraction reads a file from ([`load`] chooses).
#[derive(Debug)]
pub enum Source {
    /// The whole file, in memory.
    Bytes(Vec<u8>),
    /// The first bytes of a longer file (ending with a whole character) and its whole length:
    /// the rest is not read.
    Prefix { bytes: Vec<u8>, total: u64 },
    /// The open file, read by its extractor as it needs (a PDF, by poppler).
    File(std::fs::File),
}

impl Source {
    /// The bytes in memory (the file's, read whole), and its whole length when they are only
    /// its beginning.
    pub(super) fn into_bytes(self) -> Result<(Vec<u8>, Option<u64>), Refusal> {
        match self {
            Source::Bytes(bytes) => Ok((bytes, None)),
            Source::Prefix { bytes, total } => Ok((bytes, Some(total))),
            Source::File(mut file) => {
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes)
                    .map_err(|e| Refusal::Damaged(format!("could not be read: {e}")))?;
                Ok((bytes, None))
            }
        }
    }
}

/// A file ready for extraction: the hash of all its bytes, and what extraction reads.
pub struct Loaded {
    pub hash: u64,
    pub source: Source,
}

/// Why a file was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// It could not be opened or read.
    #[error("{0}")]
    Unreadable(std::io::Error),
    /// Its first bytes show it is no document of its format.
    #[error("{0}")]
    Refused(Refusal),
}

/// Opens and reads the file at `path` of `format`; `size` is its size as the walk saw it, to
/// size the buffer (the file is read to its end whatever it says).
pub fn load(format: Format, path: &Path, size: u64) -> Result<Loaded, LoadError> {
    let mut file = File::open(path).map_err(LoadError::Unreadable)?;
    let keep = match format {
        Format::Pdf | Format::Png | Format::Jpeg | Format::Tiff => PREFIX_BYTES,
        Format::Text | Format::Markdown | Format::Html => TEXT_READ_BYTES,
        Format::Docx | Format::Odt => usize::MAX,
    };
    let expected = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_add(1)
        .min(keep);
    // A file too large for memory is an error for this file, not the end of the run.
    let reserve = |bytes: &mut Vec<u8>, len: usize| {
        bytes
            .try_reserve_exact(len.saturating_sub(bytes.len()))
            .map_err(|e| LoadError::Unreadable(std::io::Error::other(e)))
    };
    let mut bytes = Vec::new();
    reserve(&mut bytes, expected.min(PREFIX_BYTES))?;
    let unreadable = LoadError::Unreadable;
    (&mut file)
        .take(PREFIX_BYTES as u64)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let whole_prefix = bytes.len() < PREFIX_BYTES;
    refuse_by_prefix(format, &bytes, whole_prefix).map_err(LoadError::Refused)?;
    if format == Format::Pdf || format.is_image() {
        let mut hasher = Xxh3::new();
        hasher.update(&bytes);
        hash_rest(&mut file, &mut hasher).map_err(unreadable)?;
        file.rewind().map_err(unreadable)?;
        return Ok(Loaded {
            hash: hasher.digest(),
            source: Source::File(file),
        });
    }
    reserve(&mut bytes, expected)?;
    // Through `take`, which has no size probe of its own.
    (&mut file)
        .take((keep - bytes.len()) as u64)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() < keep {
        return Ok(Loaded {
            hash: xxh3_64(&bytes),
            source: Source::Bytes(bytes),
        });
    }
    let mut hasher = Xxh3::new();
    hasher.update(&bytes);
    let total = bytes.len() as u64 + hash_rest(&mut file, &mut hasher).map_err(unreadable)?;
    if total == bytes.len() as u64 {
        return Ok(Loaded {
            hash: hasher.digest(),
            source: Source::Bytes(bytes),
        });
    }
    cut_at_character(&mut bytes);
    Ok(Loaded {
        hash: hasher.digest(),
        source: Source::Prefix { bytes, total },
    })
}

/// What the first bytes of a file (all of it when `whole`) show it is not: a text file that is
/// binary, an office file that is no zip archive, an image that is empty or not of its kind.
fn refuse_by_prefix(format: Format, bytes: &[u8], whole: bool) -> Result<(), Refusal> {
    let image = matches!(format, Format::Png | Format::Jpeg | Format::Tiff);
    match format {
        Format::Text | Format::Markdown | Format::Html
            if !whole && super::prefix_is_binary(bytes) =>
        {
            Err(Refusal::Binary)
        }
        Format::Docx | Format::Odt if !bytes.starts_with(b"PK\x03\x04") => Err(Refusal::Damaged(
            "not a readable zip archive (no zip header)".to_string(),
        )),
        _ if image && bytes.is_empty() => Err(Refusal::Empty),
        _ if image && !format.matches_content(bytes) => Err(Refusal::Damaged(format!(
            "not an image of its kind ({})",
            format.mime()
        ))),
        _ => Ok(()),
    }
}

/// Hashes the rest of `file` block by block; how many bytes that was.
fn hash_rest(file: &mut File, hasher: &mut Xxh3) -> std::io::Result<u64> {
    let mut block = vec![0u8; 1 << 20];
    let mut read = 0;
    loop {
        match file.read(&mut block) {
            Ok(0) => return Ok(read),
            Ok(n) => {
                hasher.update(&block[..n]);
                read += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The beginning of a text ends with a whole character: a UTF-8 sequence cut off is dropped, and
/// text in UTF-16 (with its byte order mark) ends on a whole unit.
fn cut_at_character(bytes: &mut Vec<u8>) {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, _)) if encoding != encoding_rs::UTF_8 => {
            bytes.truncate(bytes.len() & !1);
        }
        _ => {
            if let Err(e) = std::str::from_utf8(bytes) {
                if e.error_len().is_none() {
                    bytes.truncate(e.valid_up_to());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn load_file(format: Format, path: &Path) -> Result<Loaded, LoadError> {
        let size = std::fs::metadata(path).expect("stat").len();
        load(format, path, size)
    }

    #[test]
    fn a_binary_is_known_by_its_beginning_and_not_read_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        // NULs from the start, in a sparse file of 64 GB: read whole, it would take minutes.
        let path = dir.path().join("stor.txt");
        let file = File::create(&path).expect("create");
        file.set_len(1 << 36).expect("sparse file");
        let err = load(Format::Text, &path, 1 << 36).err();
        assert!(
            matches!(err, Some(LoadError::Refused(Refusal::Binary))),
            "{err:?}"
        );
        // Mostly control characters, not UTF-8: binary by the same rule as a whole file.
        let mut noise: Vec<u8> = (0..PREFIX_BYTES * 2).map(|i| (i % 7) as u8 + 1).collect();
        noise[10] = 0xff;
        let err = load_file(Format::Html, &write(dir.path(), "stoej.html", &noise)).err();
        assert!(
            matches!(err, Some(LoadError::Refused(Refusal::Binary))),
            "{err:?}"
        );
        // Long text whose first bytes end inside a character is text.
        let text = "æ".repeat(PREFIX_BYTES);
        let loaded = load_file(
            Format::Text,
            &write(dir.path(), "tekst.txt", text.as_bytes()),
        )
        .unwrap_or_else(|_| panic!("text"));
        assert!(matches!(loaded.source, Source::Bytes(ref b) if b == text.as_bytes()));
        assert_eq!(loaded.hash, xxh3_64(text.as_bytes()));
    }

    #[test]
    fn office_files_without_a_zip_header_are_refused_from_their_beginning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stor.docx");
        File::create(&path)
            .expect("create")
            .set_len(1 << 36)
            .expect("sparse file");
        let err = load(Format::Docx, &path, 1 << 36).err();
        assert!(
            matches!(err, Some(LoadError::Refused(Refusal::Damaged(ref m))) if m.contains("zip")),
            "{err:?}"
        );
    }

    #[test]
    fn a_pdf_is_hashed_whole_and_left_in_its_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes: Vec<u8> = (0..3 * (1 << 20) + 17)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let loaded = load_file(Format::Pdf, &write(dir.path(), "a.pdf", &bytes))
            .unwrap_or_else(|_| panic!("pdf"));
        assert_eq!(loaded.hash, xxh3_64(&bytes));
        let Source::File(mut file) = loaded.source else {
            panic!("a PDF stays in its file");
        };
        let mut again = Vec::new();
        file.read_to_end(&mut again).expect("read");
        assert_eq!(again, bytes, "handed on from its start");
    }

    #[test]
    fn a_huge_text_is_kept_up_to_the_limit_and_hashed_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        // UTF-8 whose cut falls inside a character.
        let mut bytes = b"x".to_vec();
        while bytes.len() <= TEXT_READ_BYTES + 10 {
            bytes.extend_from_slice("ø".as_bytes());
        }
        let loaded = load_file(Format::Text, &write(dir.path(), "lang.txt", &bytes))
            .unwrap_or_else(|_| panic!("text"));
        assert_eq!(loaded.hash, xxh3_64(&bytes));
        match loaded.source {
            Source::Prefix { bytes: kept, total } => {
                assert_eq!(total, bytes.len() as u64);
                assert_eq!(kept.len(), TEXT_READ_BYTES - 1);
                assert!(std::str::from_utf8(&kept).is_ok());
            }
            _ => panic!("a prefix"),
        }
    }
}
