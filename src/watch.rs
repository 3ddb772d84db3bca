//! Keeping the index current while the server runs: the corpus folder is watched (notify,
//! recursively: inotify on Linux, which follows folders as they are created, renamed and
//! removed), and changes, debounced, run the incremental sync ([`indexer::sync`]).
//!
//! A burst of changes (a thousand files copied in) becomes one sync once the folder has been
//! quiet for [`QUIET`], or at the latest [`MAX_DELAY`] after the first change, so a file is
//! searchable about a second after it is written. That sync looks only at the paths the events
//! named ([`Scope::Under`]): at 100,000 documents one changed file costs what one file costs.
//! A full sync, which compares every file's stamp and so catches what no event reported, runs
//! when the watcher starts (changes made while the server was down), after an event that says
//! events were lost, for more than [`MAX_PATHS`] changed paths, and every [`FULL_SYNC_EVERY`] in
//! any case. When another process holds the index's writer (`vidensbase index` run by hand),
//! the sync is retried a moment later.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;
use std::time::{Duration, Instant};

use notify::Watcher as _;

use crate::error::{Error, Result};
use crate::indexer::{self, Report, Scope};

/// Quiet time after the last change before a sync starts.
pub const QUIET: Duration = Duration::from_millis(300);
/// Longest a stream of changes holds a sync back.
pub const MAX_DELAY: Duration = Duration::from_millis(1000);
/// A full sync this often, events or not (events can be lost: queue overflow, network folders).
pub const FULL_SYNC_EVERY: Duration = Duration::from_secs(300);
/// A sync kept from running by another writer is retried after this.
const RETRY: Duration = Duration::from_millis(250);
/// How long a rebuild waits for another process's writer before giving up the swap.
const REBUILD_WAIT: Duration = Duration::from_secs(600);
/// More changed paths than this make a full sync (one walk is cheaper than many small ones).
pub const MAX_PATHS: usize = 10_000;

enum Message {
    /// These paths changed; `None`: something changed, where is not known.
    Changed(Option<Vec<PathBuf>>),
    /// Build the index again from scratch, beside the live one ([`indexer::rebuild`]).
    Rebuild,
    Stop,
}

/// Changes seen and not yet synced.
#[derive(Default)]
struct Pending {
    /// The first and the last change.
    times: Option<(Instant, Instant)>,
    paths: HashSet<PathBuf>,
    /// A full sync is due.
    full: bool,
}

impl Pending {
    fn add(&mut self, paths: Option<Vec<PathBuf>>) {
        let now = Instant::now();
        self.times = Some(self.times.map_or((now, now), |(first, _)| (first, now)));
        match paths {
            Some(paths) if !self.full => {
                self.paths.extend(paths);
                if self.paths.len() > MAX_PATHS {
                    self.full_sync();
                }
            }
            Some(_) => {}
            None => self.full_sync(),
        }
    }

    fn full_sync(&mut self) {
        self.full = true;
        self.paths.clear();
    }

    /// What to sync, leaving nothing pending.
    fn take(&mut self, corpus: &Path) -> Scope {
        let pending = std::mem::take(self);
        if pending.full {
            Scope::All
        } else {
            Scope::of_paths(corpus, pending.paths)
        }
    }
}

/// What the watcher is doing and what its last sync did, for the status API.
#[derive(Debug, Default)]
pub struct Status {
    syncing: AtomicBool,
    rebuilding: AtomicBool,
    progress: indexer::Progress,
    last: Mutex<Option<(SystemTime, Report)>>,
}

impl Status {
    /// A sync (or a rebuild) is running.
    pub fn syncing(&self) -> bool {
        self.syncing.load(Ordering::Relaxed)
    }

    /// A rebuild is running or asked for.
    pub fn rebuilding(&self) -> bool {
        self.rebuilding.load(Ordering::Relaxed)
    }

    /// Files read and files to read by the running sync or rebuild.
    pub fn progress(&self) -> (usize, usize) {
        self.progress.get()
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

    /// A handle that asks this watcher for a rebuild.
    pub fn rebuilder(&self) -> Rebuilder {
        Rebuilder {
            messages: Mutex::new(self.messages.clone()),
            status: self.status.clone(),
        }
    }
}

/// Asks a running watcher to build the index again from scratch (the admin's "re-index
/// everything"); searches go on against the old index until the new one replaces it.
#[derive(Debug)]
pub struct Rebuilder {
    messages: Mutex<mpsc::Sender<Message>>,
    status: Arc<Status>,
}

impl Rebuilder {
    /// Starts a rebuild unless one is running; false when one was.
    pub fn start(&self) -> bool {
        if self.status.rebuilding.swap(true, Ordering::Relaxed) {
            return false;
        }
        let sent = self
            .messages
            .lock()
            .is_ok_and(|messages| messages.send(Message::Rebuild).is_ok());
        if !sent {
            self.status.rebuilding.store(false, Ordering::Relaxed);
        }
        sent
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
        let changed = match event {
            Ok(e) if matches!(e.kind, notify::EventKind::Access(_)) => return,
            Ok(e) if e.need_rescan() || e.paths.is_empty() => None,
            Ok(e) => {
                let paths: Vec<PathBuf> = e
                    .paths
                    .into_iter()
                    .filter(|p| !p.starts_with(&ignored))
                    .collect();
                if paths.is_empty() {
                    return;
                }
                Some(paths)
            }
            // An error (such as a lost event queue): a full sync to be sure.
            Err(_) => None,
        };
        let _ = events.send(Message::Changed(changed));
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
            // A full sync is due at the start.
            let mut pending = Pending::default();
            pending.add(None);
            let mut last_full = Instant::now();
            loop {
                let wait = match pending.times {
                    Some((first, last)) => QUIET
                        .saturating_sub(last.elapsed())
                        .min(MAX_DELAY.saturating_sub(first.elapsed())),
                    None => FULL_SYNC_EVERY.saturating_sub(last_full.elapsed()),
                };
                match inbox.recv_timeout(wait) {
                    Ok(Message::Changed(paths)) => {
                        pending.add(paths);
                        continue;
                    }
                    Ok(Message::Rebuild) => {
                        shared.syncing.store(true, Ordering::Relaxed);
                        tracing::info!("rebuilding the index beside the live one");
                        let result =
                            indexer::rebuild(&corpus, &index, &shared.progress, REBUILD_WAIT);
                        shared.syncing.store(false, Ordering::Relaxed);
                        shared.rebuilding.store(false, Ordering::Relaxed);
                        match result {
                            Ok(report) => {
                                tracing::info!("rebuilt: {report}");
                                on_sync(&report);
                                if let Ok(mut last) = shared.last.lock() {
                                    *last = Some((SystemTime::now(), report));
                                }
                            }
                            Err(e) => tracing::warn!("rebuilding the index: {e}"),
                        }
                        // What changed while it was built.
                        pending.add(None);
                        continue;
                    }
                    Ok(Message::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                match pending.times {
                    Some((first, last))
                        if last.elapsed() < QUIET && first.elapsed() < MAX_DELAY =>
                    {
                        continue
                    }
                    None if last_full.elapsed() < FULL_SYNC_EVERY => continue,
                    None => pending.add(None),
                    Some(_) => {}
                }
                let scope = pending.take(&corpus);
                shared.syncing.store(true, Ordering::Relaxed);
                let result = indexer::sync_scope(&corpus, &index, &scope, &shared.progress);
                shared.syncing.store(false, Ordering::Relaxed);
                if matches!(scope, Scope::All) {
                    last_full = Instant::now();
                }
                match result {
                    Ok(report) => {
                        on_sync(&report);
                        if let Ok(mut last) = shared.last.lock() {
                            *last = Some((SystemTime::now(), report));
                        }
                    }
                    Err(Error::Locked(_)) => {
                        tracing::debug!("index busy; syncing again shortly");
                        std::thread::sleep(RETRY);
                        // Due again at once, with what it was to sync.
                        let now = Instant::now();
                        match scope {
                            Scope::All => pending.add(None),
                            Scope::Under(ids) => {
                                pending.add(Some(ids.iter().map(|id| corpus.join(id)).collect()))
                            }
                        }
                        pending.times = Some((now - MAX_DELAY, now - QUIET));
                    }
                    Err(e) => tracing::warn!("keeping the index current: {e}"),
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
