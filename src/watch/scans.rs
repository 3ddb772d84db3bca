//! The watcher's OCR thread: the scans a sync left waiting ([`crate::ingest::ocr`]) are read
//! here, one file at a time (its pages one per core), never in the way of the syncs that index
//! text; when a file is read, the watcher is told it changed, and its next sync indexes the
//! text from the OCR cache. A job already waiting is not queued twice (a full sync lists every
//! waiting scan again), and a file whose reading left nothing in the cache (a panic, a missing
//! program, a full disk) is not queued again by this process: it waits for the file to change or
//! the server to start again, rather than being read over and over.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};

use super::{Message, Status};
use crate::ingest::ocr::{self, OcrJob};

/// The queue of the OCR thread.
pub(super) struct Scans {
    jobs: mpsc::Sender<OcrJob>,
    /// Files queued or being read, by id and content hash.
    queued: Arc<Mutex<HashSet<(String, u64)>>>,
    /// Contents whose reading left nothing in the cache.
    given_up: Arc<Mutex<HashSet<u64>>>,
    status: Arc<Status>,
}

impl Scans {
    /// Starts the thread that reads scans into the OCR cache of the index in `index`, telling
    /// the watcher (`messages`) of each file read.
    pub fn spawn(
        index: PathBuf,
        messages: mpsc::Sender<Message>,
        status: Arc<Status>,
    ) -> std::io::Result<Scans> {
        let (jobs, inbox) = mpsc::channel::<OcrJob>();
        let queued: Arc<Mutex<HashSet<(String, u64)>>> = Arc::default();
        let given_up: Arc<Mutex<HashSet<u64>>> = Arc::default();
        let (done, failed, progress) = (queued.clone(), given_up.clone(), status.clone());
        std::thread::Builder::new()
            .name("vidensbase-ocr".into())
            .spawn(move || {
                for job in inbox {
                    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        ocr::run(&index, &job, &progress.ocr)
                    }));
                    if read.is_err() {
                        tracing::error!("reading {} by OCR failed; it stays out", job.id);
                    }
                    if !matches!(read, Ok(true)) {
                        if let Ok(mut failed) = failed.lock() {
                            failed.insert(job.hash);
                        }
                    }
                    if let Ok(mut queued) = done.lock() {
                        queued.remove(&(job.id.clone(), job.hash));
                    }
                    progress.ocr.files.fetch_sub(1, Ordering::Relaxed);
                    let _ = messages.send(Message::Changed(Some(vec![job.path])));
                }
            })?;
        Ok(Scans {
            jobs,
            queued,
            given_up,
            status,
        })
    }

    /// Queues the jobs not queued yet (nor given up).
    pub fn queue(&self, jobs: &[OcrJob]) {
        let (Ok(mut queued), Ok(given_up)) = (self.queued.lock(), self.given_up.lock()) else {
            return;
        };
        for job in jobs {
            if !given_up.contains(&job.hash) && queued.insert((job.id.clone(), job.hash)) {
                self.status.ocr.files.fetch_add(1, Ordering::Relaxed);
                if self.jobs.send(job.clone()).is_err() {
                    self.status.ocr.files.fetch_sub(1, Ordering::Relaxed);
                }
            }
        }
    }
}
