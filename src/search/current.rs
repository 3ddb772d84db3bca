//! Following the index folder across rebuilds: [`Current`] is the server's handle on the
//! [`Engine`], opened again when a rebuild has put a new folder in the index's place, while
//! requests in flight finish on the old one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::Engine;

/// The index a server searches: the [`Engine`] of the index folder, opened again when a rebuild
/// ([`crate::ingest::rebuild`]) has put a new folder in its place. Checked at most every
/// [`Current::CHECK_EVERY`], when a request asks for the engine.
pub struct Current {
    dir: PathBuf,
    engine: std::sync::RwLock<(Arc<Engine>, Option<FolderId>)>,
    checked: std::sync::Mutex<Instant>,
}

/// Which folder is at a path (device and inode), to tell that it was replaced.
type FolderId = (u64, u64);

fn folder_id(dir: &Path) -> Option<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

impl Current {
    pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

    /// `engine`'s index folder, to be followed across rebuilds.
    pub fn new(engine: Engine) -> Current {
        let dir = engine.dir.clone();
        let id = folder_id(&dir);
        Current {
            dir,
            engine: std::sync::RwLock::new((Arc::new(engine), id)),
            checked: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// The engine to search now.
    pub fn get(&self) -> Arc<Engine> {
        let due = self.checked.try_lock().is_ok_and(|mut checked| {
            let due = checked.elapsed() >= Self::CHECK_EVERY;
            if due {
                *checked = Instant::now();
            }
            due
        });
        if due {
            self.follow();
        }
        match self.engine.read() {
            Ok(current) => current.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    /// Searches the latest commit from now on (the reader would see it within half a second by
    /// itself): called by the watcher after a sync, so a new file is searchable at once.
    pub fn refresh(&self) {
        self.follow();
        if let Err(e) = self.get().reload() {
            tracing::warn!("reloading the index: {e}");
        }
    }

    /// Opens the index folder again if another folder has taken its place.
    fn follow(&self) {
        let now = folder_id(&self.dir);
        let (known, old) = match self.engine.read() {
            Ok(current) => (current.1, Arc::clone(&current.0)),
            Err(poisoned) => {
                let current = poisoned.into_inner();
                (current.1, Arc::clone(&current.0))
            }
        };
        if now.is_none() || now == known {
            return;
        }
        match Engine::open(&self.dir).map(|e| e.keeping_synonyms_of(&old)) {
            Ok(engine) => {
                tracing::info!(
                    documents = engine.num_docs(),
                    "the index was rebuilt; searching the new one"
                );
                if let Ok(mut current) = self.engine.write() {
                    *current = (Arc::new(engine), now);
                }
            }
            Err(e) => tracing::warn!("opening the rebuilt index: {e}"),
        }
    }
}
