//! The small state files beside the corpus and the index (the skipped files, the links between
//! editions, the visibility rules, the editors' synonyms, the accounts, the search log): each
//! written in one step ([`replace`]: a temporary file beside it, then a rename, so a reader sees
//! the old file or the new one), and read again by the server only when it changed
//! ([`Reloaded`]: one `stat` a use).

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Replaces the file at `path` with `bytes` in one step; the new file gets `mode` (`0o600` for
/// a file only its owner may read, `0o644` otherwise).
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&temporary)?;
    out.write_all(bytes)?;
    std::fs::rename(&temporary, path)
}

/// A file's modification time, length and inode: a rewrite within one tick of the clock still
/// changes the inode (it is a rename).
type Stamp = (SystemTime, u64, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    std::fs::metadata(path)
        .and_then(|m| Ok((m.modified()?, m.len(), m.ino())))
        .ok()
}

/// What a file holds as last read, read again when the file changed (its creation and its
/// removal too).
#[derive(Debug)]
pub struct Reloaded<T> {
    path: PathBuf,
    state: Mutex<(Option<Stamp>, Option<Arc<T>>)>,
}

impl<T> Reloaded<T> {
    pub fn new(path: PathBuf) -> Reloaded<T> {
        Reloaded {
            path,
            state: Mutex::new((None, None)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's contents as `read` makes them of its path, read again when it changed.
    pub fn get(&self, read: impl FnOnce(&Path) -> T) -> Arc<T> {
        let now = stamp(&self.path);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &state.1 {
            Some(value) if state.0 == now => Arc::clone(value),
            _ => {
                let value = Arc::new(read(&self.path));
                *state = (now, Some(Arc::clone(&value)));
                value
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_again_only_when_it_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.txt");
        let reloaded: Reloaded<String> = Reloaded::new(path.clone());
        let reads = std::cell::Cell::new(0);
        let read = |p: &Path| {
            reads.set(reads.get() + 1);
            std::fs::read_to_string(p).unwrap_or_default()
        };
        assert_eq!(*reloaded.get(read), "");
        replace(&path, b"en", 0o644).expect("write");
        assert_eq!(*reloaded.get(read), "en");
        assert_eq!(*reloaded.get(read), "en");
        assert_eq!(reads.get(), 2, "unchanged: not read again");
        replace(&path, b"to", 0o600).expect("rewrite");
        assert_eq!(*reloaded.get(read), "to");
        let mode = std::fs::metadata(&path).expect("meta").permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600
        );
    }
}
