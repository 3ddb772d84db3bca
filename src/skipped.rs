//! The files a sync leaves out, and why: a typed reason ([`SkipReason`]) that names no path, so
//! the admin page can say it in Danish and the public `/api/status` in English without showing
//! where the corpus lives on the server.
//!
//! The list is kept in `skipped.json` in the index folder with each file's stamp (`Skips`). A
//! file refused for what it contains is not read again until it changes; one that may pass next
//! time (unreadable, a missing program, out of time: [`SkipReason::is_lasting`]) is listed but
//! read again every run.
//!
//! Ingestion writes the list; the admin page, `/api/status` and the document listing read it
//! ([`skipped_files`]), so it sits below both and the reading side needs nothing of ingestion.

use std::collections::BTreeMap;
use std::path::Path;

use crate::corpus::CorpusFile;
use crate::extract::Refusal;

/// What kind of reason keeps a file out of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Not text, and no format vidensbase reads.
    Binary,
    /// No text at all.
    Empty,
    /// A scan (a PDF without a text layer, an image) in which OCR found no text.
    Scanned,
    /// Encrypted; needs a password to open.
    Password,
    /// Damaged, or not what its name says.
    Damaged,
    /// The file could not be read from disk.
    Unreadable,
    /// Its format needs a program that is not installed (`pdftotext`).
    ProgramMissing,
    /// Reading it took longer than the deadline.
    Timeout,
    /// A scan whose text OCR reads in the background: indexed once it is read.
    WaitingForOcr,
}

/// Why a file is not in the index: its kind and, where it helps, the technical detail in English
/// (what the parser or the system said). Never a path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkipReason {
    pub kind: SkipKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl SkipReason {
    fn new(kind: SkipKind, detail: Option<String>) -> SkipReason {
        SkipReason { kind, detail }
    }

    /// A scan left out until OCR has read it.
    pub fn waiting_for_ocr() -> SkipReason {
        SkipReason::new(SkipKind::WaitingForOcr, None)
    }

    /// A file that could not be read (`std::io::Error` names no path).
    pub fn unreadable(err: &std::io::Error) -> SkipReason {
        SkipReason::new(SkipKind::Unreadable, Some(err.to_string()))
    }

    /// Whether the same file will be left out again for the same reason, so it need not be read
    /// again until it changes ([`Refusal::is_lasting`]).
    pub fn is_lasting(&self) -> bool {
        !matches!(
            self.kind,
            SkipKind::Unreadable
                | SkipKind::ProgramMissing
                | SkipKind::Timeout
                | SkipKind::WaitingForOcr
        )
    }

    /// Whether the reason is the file's content, so an earlier version of the document leaves
    /// the index with it (an unreadable file, or one whose program is missing, keeps it).
    pub fn is_about_content(&self) -> bool {
        !matches!(
            self.kind,
            SkipKind::Unreadable | SkipKind::ProgramMissing | SkipKind::WaitingForOcr
        )
    }
}

impl From<&Refusal> for SkipReason {
    fn from(refusal: &Refusal) -> SkipReason {
        match refusal {
            Refusal::Binary => SkipReason::new(SkipKind::Binary, None),
            Refusal::Empty => SkipReason::new(SkipKind::Empty, None),
            Refusal::NoTextLayer => SkipReason::new(SkipKind::Scanned, None),
            Refusal::NeedsPassword => SkipReason::new(SkipKind::Password, None),
            Refusal::Damaged(detail) => SkipReason::new(SkipKind::Damaged, Some(detail.clone())),
            Refusal::ToolMissing(program) => {
                SkipReason::new(SkipKind::ProgramMissing, Some(program.to_string()))
            }
            Refusal::TookTooLong(seconds) => {
                SkipReason::new(SkipKind::Timeout, Some(format!("{seconds} s")))
            }
        }
    }
}

/// The reason in English, as the warnings and `/api/status` give it: for a refusal, the words
/// of [`Refusal`]'s own message.
impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let detail = self.detail.as_deref().unwrap_or_default();
        match self.kind {
            SkipKind::Binary => write!(f, "{}", Refusal::Binary),
            SkipKind::Empty => write!(f, "{}", Refusal::Empty),
            SkipKind::Scanned => write!(f, "{}", Refusal::NoTextLayer),
            SkipKind::Password => write!(f, "{}", Refusal::NeedsPassword),
            SkipKind::Damaged => write!(f, "{}", Refusal::Damaged(detail.to_string())),
            SkipKind::Unreadable => write!(f, "could not be read: {detail}"),
            SkipKind::ProgramMissing => write!(f, "needs {detail}, which is not installed"),
            SkipKind::Timeout => write!(f, "took longer than {detail} to read and was stopped"),
            SkipKind::WaitingForOcr => write!(f, "is a scan; OCR is reading its text"),
        }
    }
}

/// The files skipped, with the stamp each had: kept in `skipped.json` in the index folder.
/// Recorded with the analysis version; another version reads them all again.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Skips {
    version: u32,
    files: BTreeMap<String, Skip>,
    #[serde(skip)]
    changed: bool,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Skip {
    mtime: u64,
    size: u64,
    reason: SkipReason,
}

const SKIPS_FILE: &str = "skipped.json";

/// The files the index in `index_dir` leaves out, with why, by id.
pub fn skipped_files(index_dir: &Path) -> Vec<(String, SkipReason)> {
    Skips::load(index_dir)
        .files
        .into_iter()
        .map(|(id, skip)| (id, skip.reason))
        .collect()
}

impl Skips {
    /// The list in `index_dir`; an empty one when there is none, or one of another version or
    /// shape (its files are then read again).
    pub(crate) fn load(index_dir: &Path) -> Skips {
        std::fs::read(index_dir.join(SKIPS_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Skips>(&bytes).ok())
            .filter(|skips| skips.version == crate::analysis::ANALYSIS_VERSION)
            .unwrap_or_default()
    }

    /// Why `file` was skipped, if it was for a lasting reason and has not changed since: it
    /// need not be read again.
    pub(crate) fn unchanged(&self, file: &CorpusFile) -> Option<&SkipReason> {
        self.files
            .get(&file.id)
            .filter(|s| s.mtime == file.mtime && s.size == file.size && s.reason.is_lasting())
            .map(|s| &s.reason)
    }

    pub(crate) fn remember(&mut self, id: String, (mtime, size): (u64, u64), reason: SkipReason) {
        self.files.insert(
            id,
            Skip {
                mtime,
                size,
                reason,
            },
        );
        self.changed = true;
    }

    pub(crate) fn forget(&mut self, id: &str) {
        self.changed |= self.files.remove(id).is_some();
    }

    pub(crate) fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        let before = self.files.len();
        self.files.retain(|id, _| keep(id));
        self.changed |= self.files.len() != before;
    }

    /// Writes the list if it changed (a temporary file, then a rename); a failure costs only
    /// re-reading those files next time.
    pub(crate) fn save(mut self, index_dir: &Path) {
        if !self.changed {
            return;
        }
        self.version = crate::analysis::ANALYSIS_VERSION;
        let written = serde_json::to_vec(&self)
            .map_err(std::io::Error::other)
            .and_then(|bytes| {
                crate::statefile::replace(&index_dir.join(SKIPS_FILE), &bytes, 0o644)
            });
        if let Err(e) = written {
            tracing::warn!("remembering skipped files in {}: {e}", index_dir.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_its_words_and_its_detail_without_a_path() {
        let damaged = Refusal::Damaged("not a readable PDF (Syntax Error)".into());
        let reason = SkipReason::from(&damaged);
        assert_eq!(reason.kind, SkipKind::Damaged);
        assert_eq!(
            reason.detail.as_deref(),
            Some("not a readable PDF (Syntax Error)")
        );
        assert_eq!(reason.to_string(), damaged.to_string());
        assert_eq!(
            SkipReason::from(&Refusal::Binary).to_string(),
            Refusal::Binary.to_string()
        );
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let unreadable = SkipReason::unreadable(&io);
        assert_eq!(unreadable.kind, SkipKind::Unreadable);
        assert!(!unreadable.is_lasting() && !unreadable.is_about_content());
        assert!(!SkipReason::from(&Refusal::ToolMissing("pdftotext")).is_lasting());
        assert!(SkipReason::from(&Refusal::NeedsPassword).is_lasting());
    }

    #[test]
    fn a_refusal_lasts_as_its_reason_does() {
        for refusal in [
            Refusal::Binary,
            Refusal::Empty,
            Refusal::NoTextLayer,
            Refusal::NeedsPassword,
            Refusal::Damaged("x".into()),
            Refusal::ToolMissing("pdftotext"),
            Refusal::TookTooLong(120),
        ] {
            let reason = SkipReason::from(&refusal);
            assert_eq!(reason.is_lasting(), refusal.is_lasting(), "{refusal:?}");
            assert!(reason.is_about_content() != matches!(refusal, Refusal::ToolMissing(_)));
        }
    }

    #[test]
    fn reasons_are_stored_by_kind() {
        let reason = SkipReason::from(&Refusal::TookTooLong(120));
        let json = serde_json::to_string(&reason).unwrap_or_default();
        assert_eq!(json, r#"{"kind":"timeout","detail":"120 s"}"#);
        let back: Option<SkipReason> = serde_json::from_str(&json).ok();
        assert_eq!(back, Some(reason));
        let plain: Option<SkipReason> = serde_json::from_str(r#"{"kind":"binary"}"#).ok();
        assert_eq!(plain, Some(SkipReason::from(&Refusal::Binary)));
    }
}
