//! Keeping the index current while the server runs: the corpus folder is watched (notify,
//! recursively: inotify on Linux, which follows folders as they are created, renamed and
//! removed), and changes, debounced, run the incremental sync ([`indexer::sync`]).
//!
//! A burst of changes (a thousand files copied in) becomes one sync once the folder has been
//! quiet for [`QUIET`], or at the latest [`MAX_DELAY`] after the first change, so a file is
//! searchable about a second after it is written. The sync compares every file's stamp, so it
//! also catches what no event reported; it runs when the watcher starts (changes made while the
//! server was down) and every [`FULL_SYNC_EVERY`] in any case. When another process holds the
//! index's writer (`vidensbase index` run by hand), the sync is retried a moment later.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;
use std::time::{Duration, Instant};

use notify::Watcher as _;

use crate::error::{Error, Result};
use crate::indexer::{self, Report};

/// Quiet time after the last change before a sync starts.
pub const QUIET: Duration = Duration::from_millis(300);
/// Longest a stream of changes holds a sync back.
pub const MAX_DELAY: Duration = Duration::from_millis(1000);
/// A full sync this often, events or not (events can be lost: queue overflow, network folders).
pub const FULL_SYNC_EVERY: Duration = Duration::from_secs(300);
/// A sync kept from running by another writer is retried after this.
const RETRY: Duration = Duration::from_millis(250);

enum Message {
    Changed,
    Stop,
}

/// What the watcher is doing and what its last sync did, for the status API.
#[derive(Debug, Default)]
pub struct Status {
    syncing: AtomicBool,
    last: Mutex<Option<(SystemTime, Report)>>,
}

impl Status {
    /// A sync is running.
    pub fn syncing(&self) -> bool {
        self.syncing.load(Ordering::Relaxed)
    }

    /// When the last sync finished, and its report.
    pub fn last(&self) -> Option<(SystemTime, Report)> {
        self.last.lock().ok().and_then(|last| last.clone())
    }
}

/// A running watcher; dropping it stops the watching and waits for a sync in progress.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
    messages: mpsc::Sender<Message>,
    worker: Option<JoinHandle<()>>,
    status: Arc<Status>,
}

impl Watch {
    pub fn status(&self) -> Arc<Status> {
        self.status.clone()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.messages.send(Message::Stop);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Starts watching `corpus` and keeping `index` in step with it; `on_sync` gets every finished
/// sync's report (on the watcher's thread). The first sync starts at once.
pub fn spawn(
    corpus: &Path,
    index: &Path,
    mut on_sync: impl FnMut(&Report) + Send + 'static,
) -> Result<Watch> {
    let (messages, inbox) = mpsc::channel();
    // Events inside the index folder (when it lies in the corpus) are the sync's own writes.
    let ignored = std::fs::canonicalize(index).unwrap_or_else(|_| index.to_path_buf());
    let events = messages.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let relevant = match &event {
            Ok(e) => {
                !matches!(e.kind, notify::EventKind::Access(_))
                    && (e.paths.is_empty() || e.paths.iter().any(|p| !p.starts_with(&ignored)))
            }
            // An error (such as a lost event queue): sync to be sure.
            Err(_) => true,
        };
        if relevant {
            let _ = events.send(Message::Changed);
        }
    })
    .map_err(|e| watch_error(corpus, e))?;
    watcher
        .watch(corpus, notify::RecursiveMode::Recursive)
        .map_err(|e| watch_error(corpus, e))?;

    let (corpus, index): (PathBuf, PathBuf) = (corpus.to_path_buf(), index.to_path_buf());
    let status = Arc::new(Status::default());
    let shared = status.clone();
    let worker = std::thread::Builder::new()
        .name("vidensbase-watch".into())
        .spawn(move || {
            let now = Instant::now();
            // (first, last) change not yet synced; a sync is due at the start.
            let mut pending = Some((now, now));
            let mut last_sync = now;
            loop {
                let wait = match pending {
                    Some((first, last)) => QUIET
                        .saturating_sub(last.elapsed())
                        .min(MAX_DELAY.saturating_sub(first.elapsed())),
                    None => FULL_SYNC_EVERY.saturating_sub(last_sync.elapsed()),
                };
                match inbox.recv_timeout(wait) {
                    Ok(Message::Changed) => {
                        let now = Instant::now();
                        pending = Some(pending.map_or((now, now), |(first, _)| (first, now)));
                        continue;
                    }
                    Ok(Message::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                let due = match pending {
                    Some((first, last)) => last.elapsed() >= QUIET || first.elapsed() >= MAX_DELAY,
                    None => last_sync.elapsed() >= FULL_SYNC_EVERY,
                };
                if !due {
                    continue;
                }
                shared.syncing.store(true, Ordering::Relaxed);
                let result = indexer::sync(&corpus, &index);
                shared.syncing.store(false, Ordering::Relaxed);
                match result {
                    Ok(report) => {
                        pending = None;
                        last_sync = Instant::now();
                        on_sync(&report);
                        if let Ok(mut last) = shared.last.lock() {
                            *last = Some((SystemTime::now(), report));
                        }
                    }
                    Err(Error::Locked(_)) => {
                        tracing::debug!("index busy; syncing again shortly");
                        std::thread::sleep(RETRY);
                        let now = Instant::now();
                        pending = Some((now - MAX_DELAY, now - QUIET));
                    }
                    Err(e) => {
                        tracing::warn!("keeping the index current: {e}");
                        pending = None;
                        last_sync = Instant::now();
                    }
                }
            }
        })
        .map_err(|source| Error::Io {
            path: PathBuf::from("(the watcher's thread)"),
            source,
        })?;
    Ok(Watch {
        _watcher: watcher,
        messages,
        worker: Some(worker),
        status,
    })
}

fn watch_error(corpus: &Path, e: notify::Error) -> Error {
    Error::Io {
        path: corpus.to_path_buf(),
        source: std::io::Error::other(format!("watching for changes: {e}")),
    }
}
