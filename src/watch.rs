//! Keeping the index current while the server runs: the corpus folder is watched (notify,
//! recursively: inotify on Linux, which follows folders as they are created, renamed and
//! removed), and changes, debounced, run the incremental sync ([`ingest::sync`]).
//!
//! A burst of changes (a thousand files copied in) becomes one sync once the folder has been
//! quiet for [`QUIET`], or at the latest [`MAX_DELAY`] after the first change, so a file is
//! searchable about a second after it is written. That sync looks only at the paths the events
//! named ([`Scope::Under`]): at 100,000 documents one changed file costs what one file costs.
//! A full sync, which compares every file's stamp and so catches what no event reported, runs
//! when the watcher starts (changes made while the server was down), after an event that says
//! events were lost, for more than [`MAX_PATHS`] changed paths, and every [`FULL_SYNC_EVERY`] in
//! any case. When another process holds the index's writer (`vidensbase index` run by hand),
//! the sync is retried a moment later. Scans are read by OCR on a thread of their own
//! ([`scans`]), after the sync that found them committed the rest.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;
use std::time::{Duration, Instant};

use notify::Watcher as _;

use crate::error::{Error, Result};
use crate::ingest::{self, Report, Scope};

mod scans;
use scans::Scans;

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
/// A sync that failed for another reason is retried after this, doubling up to
/// [`RETRY_FAILED_MAX`].
const RETRY_FAILED: Duration = Duration::from_secs(1);
const RETRY_FAILED_MAX: Duration = Duration::from_secs(60);
/// More changed paths than this make a full sync (one walk is cheaper than many small ones).
pub const MAX_PATHS: usize = 10_000;

enum Message {
    /// These paths changed; `None`: something changed, where is not known.
    Changed(Option<Vec<PathBuf>>),
    /// Build the index again from scratch, beside the live one ([`ingest::rebuild`]).
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

    /// Makes what is pending due `delay` from now, whatever the debounce says.
    fn due_in(&mut self, delay: Duration) {
        let now = Instant::now();
        let due = now + delay;
        self.times = Some((
            due.checked_sub(MAX_DELAY).unwrap_or(now),
            due.checked_sub(QUIET).unwrap_or(now),
        ));
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
    progress: ingest::Progress,
    last: Mutex<Option<(SystemTime, Report)>>,
    failed: std::sync::atomic::AtomicUsize,
    panics: std::sync::atomic::AtomicUsize,
    /// The OCR of scans in the background ([`scans`]).
    ocr: ingest::ocr::OcrProgress,
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

    /// Syncs that failed (and were tried again) since the watcher started, other than those
    /// kept back by a busy writer.
    pub fn failed_syncs(&self) -> usize {
        self.failed.load(Ordering::Relaxed)
    }

    /// Times the watcher failed with a panic and was started again.
    pub fn restarts(&self) -> usize {
        self.panics.load(Ordering::Relaxed)
    }

    /// Scans waiting for OCR (the one being read among them), and the pages done and to do of
    /// the one being read.
    pub fn ocr(&self) -> (usize, usize, usize) {
        self.ocr.get()
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
    on_sync: impl FnMut(&Report) + Send + 'static,
) -> Result<Watch> {
    // The events name paths under the folder as the file system resolves it; so do the ids.
    let (corpus, index) = (
        &crate::corpus::resolve(corpus),
        &crate::corpus::resolve(index),
    );
    let (messages, inbox) = mpsc::channel();
    // Events inside the index folder (when it lies in the corpus) are the sync's own writes.
    let ignored = index.clone();
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

    let status = Arc::new(Status::default());
    let scans =
        Scans::spawn(index.to_path_buf(), messages.clone(), status.clone()).map_err(|source| {
            Error::Io {
                path: PathBuf::from("(the OCR thread)"),
                source,
            }
        })?;
    let worker = Worker {
        corpus: corpus.to_path_buf(),
        index: index.to_path_buf(),
        status: status.clone(),
        scans,
        pending: Pending::default(),
        last_full: Instant::now(),
        failures: 0,
    };
    let worker = std::thread::Builder::new()
        .name("vidensbase-watch".into())
        .spawn(move || worker.keep_running(inbox, on_sync))
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

/// The watcher's thread: collects changes, runs the syncs and rebuilds.
struct Worker {
    corpus: PathBuf,
    index: PathBuf,
    status: Arc<Status>,
    /// The OCR of the scans the syncs leave waiting.
    scans: Scans,
    pending: Pending,
    last_full: Instant,
    /// Syncs failed in a row (other than for a busy writer), for the back-off.
    failures: u32,
}

impl Worker {
    /// Runs until stopped. A panic on the way (a bug in a sync, in extraction, in `on_sync`)
    /// does not end the watching: it is logged, and the watcher starts again with a full sync,
    /// which finds whatever the failed one was doing.
    fn keep_running(mut self, inbox: mpsc::Receiver<Message>, mut on_sync: impl FnMut(&Report)) {
        loop {
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.run(&inbox, &mut on_sync)
            }));
            let Err(panic) = run else { return };
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!("the watcher failed ({what}); starting it again with a full sync");
            self.status.panics.fetch_add(1, Ordering::Relaxed);
            self.status.syncing.store(false, Ordering::Relaxed);
            self.status.rebuilding.store(false, Ordering::Relaxed);
            self.pending = Pending::default();
        }
    }

    fn run(&mut self, inbox: &mpsc::Receiver<Message>, on_sync: &mut impl FnMut(&Report)) {
        // A full sync is due at the start.
        self.pending.add(None);
        loop {
            match inbox.recv_timeout(self.wait()) {
                Ok(Message::Changed(paths)) => self.pending.add(paths),
                Ok(Message::Rebuild) => self.rebuild(on_sync),
                Ok(Message::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => self.sync_if_due(on_sync),
            }
        }
    }

    /// How long until the next sync is due: the debounce of pending changes, else the next full
    /// sync.
    fn wait(&self) -> Duration {
        match self.pending.times {
            Some((first, last)) => QUIET
                .saturating_sub(last.elapsed())
                .min(MAX_DELAY.saturating_sub(first.elapsed())),
            None => FULL_SYNC_EVERY.saturating_sub(self.last_full.elapsed()),
        }
    }

    fn sync_if_due(&mut self, on_sync: &mut impl FnMut(&Report)) {
        match self.pending.times {
            Some((first, last)) if last.elapsed() < QUIET && first.elapsed() < MAX_DELAY => return,
            None if self.last_full.elapsed() < FULL_SYNC_EVERY => return,
            None => self.pending.add(None),
            Some(_) => {}
        }
        let scope = self.pending.take(&self.corpus);
        self.status.syncing.store(true, Ordering::Relaxed);
        let result = ingest::sync_scope(&self.corpus, &self.index, &scope, &self.status.progress);
        self.status.syncing.store(false, Ordering::Relaxed);
        if matches!(scope, Scope::All) && result.is_ok() {
            self.last_full = Instant::now();
        }
        match result {
            Ok(report) => {
                self.failures = 0;
                self.finished(report, on_sync);
            }
            Err(e) => {
                let delay = self.retry_delay(&e);
                self.retry(scope, delay);
            }
        }
    }

    /// How long to wait before trying a failed sync again: a moment for a busy writer (another
    /// process's sync ends soon), else a back-off from one second to a minute, so a lasting
    /// failure (a full disk, no file descriptors left) neither spins nor loses the changes.
    fn retry_delay(&mut self, e: &Error) -> Duration {
        if matches!(e, Error::Locked(_)) {
            tracing::debug!("index busy; syncing again shortly");
            return RETRY;
        }
        self.failures = self.failures.saturating_add(1);
        self.status.failed.fetch_add(1, Ordering::Relaxed);
        let delay = RETRY_FAILED
            .saturating_mul(1 << self.failures.min(6).saturating_sub(1))
            .min(RETRY_FAILED_MAX);
        tracing::warn!(
            "keeping the index current: {e}; trying again in {} s",
            delay.as_secs()
        );
        delay
    }

    /// Keeps what a failed sync was to do pending, due again after `delay`.
    fn retry(&mut self, scope: Scope, delay: Duration) {
        match scope {
            Scope::All => self.pending.add(None),
            Scope::Under(ids) => self
                .pending
                .add(Some(ids.iter().map(|id| self.corpus.join(id)).collect())),
        }
        self.pending.due_in(delay);
    }

    fn rebuild(&mut self, on_sync: &mut impl FnMut(&Report)) {
        self.status.syncing.store(true, Ordering::Relaxed);
        tracing::info!("rebuilding the index beside the live one");
        let result = ingest::rebuild(
            &self.corpus,
            &self.index,
            &self.status.progress,
            REBUILD_WAIT,
        );
        self.status.syncing.store(false, Ordering::Relaxed);
        self.status.rebuilding.store(false, Ordering::Relaxed);
        match result {
            Ok(report) => {
                tracing::info!("rebuilt: {report}");
                self.finished(report, on_sync);
            }
            Err(e) => tracing::warn!("rebuilding the index: {e}"),
        }
        // What changed while it was built.
        self.pending.add(None);
    }

    fn finished(&self, report: Report, on_sync: &mut impl FnMut(&Report)) {
        self.scans.queue(&report.ocr);
        on_sync(&report);
        if let Ok(mut last) = self.status.last.lock() {
            *last = Some((SystemTime::now(), report));
        }
    }
}

fn watch_error(corpus: &Path, e: notify::Error) -> Error {
    Error::Io {
        path: corpus.to_path_buf(),
        source: std::io::Error::other(format!("watching for changes: {e}")),
    }
}
