//! The audit log: who signed in or failed to, uploaded, deleted, or changed who may see a
//! document, and when. One JSON object a line (`revisionslog.jsonl` in the index folder, kept
//! when a rebuild replaces the folder),
//! appended and never rewritten; the admin page shows the newest. It names the person (or
//! `admin-token`, or the name a failed sign-in offered) and the document; never a password, a
//! token or a search.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// The log's file name, in the index folder.
pub const FILE: &str = "revisionslog.jsonl";
/// The most of the log's end the admin page reads.
const TAIL_BYTES: u64 = 256 << 10;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// RFC 3339, UTC.
    pub at: String,
    pub who: String,
    pub what: What,
    /// The document, the visibility set, the account: what it was done to.
    #[serde(default)]
    pub detail: String,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum What {
    SignIn,
    SignInFailed,
    SignOut,
    Upload,
    Delete,
    Visibility,
    /// An editor set a document's metadata or category.
    Metadata,
    Rebuild,
    Synonyms,
    Account,
}

/// The audit log of a server.
#[derive(Debug)]
pub struct Audit {
    path: PathBuf,
    writing: Mutex<()>,
}

impl Audit {
    /// The log in `folder`.
    pub fn in_folder(folder: &Path) -> Audit {
        Audit {
            path: folder.join(FILE),
            writing: Mutex::new(()),
        }
    }

    /// Appends an event (also to the server's log); a failure to write is logged, never the
    /// end of the request.
    pub fn record(&self, who: &str, what: What, detail: &str) {
        let event = Event {
            at: now(),
            who: who.to_string(),
            what,
            detail: detail.to_string(),
        };
        tracing::info!(who, what = ?what, detail, "audit");
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let written = serde_json::to_string(&event)
            .map_err(std::io::Error::other)
            .and_then(|line| {
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?;
                file.write_all(format!("{line}\n").as_bytes())
            });
        if let Err(e) = written {
            tracing::error!("{}: the audit log is not written: {e}", self.path.display());
        }
    }

    /// The newest `n` events, newest first.
    pub fn recent(&self, n: usize) -> Vec<Event> {
        let Ok(mut file) = std::fs::File::open(&self.path) else {
            return Vec::new();
        };
        let length = file.metadata().map_or(0, |m| m.len());
        let start = length.saturating_sub(TAIL_BYTES);
        let mut tail = String::new();
        if file.seek(SeekFrom::Start(start)).is_err() || file.read_to_string(&mut tail).is_err() {
            return Vec::new();
        }
        // A line cut by the tail's start is no event.
        tail.lines()
            .rev()
            .filter_map(|line| serde_json::from_str(line).ok())
            .take(n)
            .collect()
    }
}

fn now() -> String {
    crate::date::rfc3339(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_appended_and_read_newest_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let audit = Audit::in_folder(dir.path());
        assert!(audit.recent(5).is_empty());
        audit.record("anna", What::SignIn, "");
        audit.record("anna", What::Upload, "nyt/a.md");
        audit.record("bo", What::SignInFailed, "bo");
        let recent = audit.recent(2);
        assert_eq!(recent.len(), 2);
        assert_eq!(
            (recent[0].who.as_str(), recent[0].what),
            ("bo", What::SignInFailed)
        );
        assert_eq!(recent[1].detail, "nyt/a.md");
    }
}
