//! A rebuild: a sync of the whole corpus into a new index beside the live one, then swapped into
//! its place in one step, so a server answers from the old index until the new one is complete.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{sync_scope, Progress, Report, Scope};
use crate::error::{Error, Result};
use crate::schema;

/// Builds a new index of the whole corpus beside the one in `index_dir` (in
/// [`schema::rebuild_dir`]) and then puts it in its place in one step ([`schema::replace`]): a
/// server answers from the old index until the new one is complete, then from the new one. A
/// leftover of an interrupted rebuild is deleted first. Waits up to `wait` for another writer of
/// the live index (a watching server's sync) before the swap. Changes made to the corpus during
/// the build may be missing from the new index: a sync afterwards catches them.
pub fn rebuild(
    corpus_dir: &Path,
    index_dir: &Path,
    progress: &Progress,
    wait: Duration,
) -> Result<Report> {
    let building = schema::rebuild_dir(index_dir);
    if building.exists() {
        // Another rebuild holds it while it runs.
        if let Ok(directory) = tantivy::directory::MmapDirectory::open(&building) {
            let lock = tantivy::Directory::acquire_lock(
                &directory,
                &tantivy::directory::INDEX_WRITER_LOCK,
            );
            if lock.is_err() {
                return Err(Error::Locked(building));
            }
        }
        std::fs::remove_dir_all(&building).map_err(|source| Error::Io {
            path: building.clone(),
            source,
        })?;
    }
    let report = sync_scope(corpus_dir, &building, &Scope::All, progress)?;
    let started = Instant::now();
    loop {
        match schema::replace(index_dir, &building) {
            Err(Error::Locked(_)) if started.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(100));
            }
            other => {
                if other.is_ok() {
                    super::editions::moved(&building, index_dir);
                }
                return other.map(|()| report);
            }
        }
    }
}
