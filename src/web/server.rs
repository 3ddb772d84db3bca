//! The HTTP server loop: the router on hyper's HTTP/1 connections, with the limits `axum::serve`
//! does not set ([`Limits`]), so that slow or silent clients cannot take every connection slot
//! or file descriptor and keep searches from being answered:
//! - a connection that has not sent a whole request head within `header_timeout` (a slow client,
//!   or a kept-alive connection left idle) is closed;
//! - a request body has `body_timeout`, plus a second for each `body_min_rate` bytes that arrive
//!   ([`body`]); a body that misses that deadline gets 408 and the connection is closed;
//! - a response the client stops taking for `send_timeout` is abandoned and the connection
//!   closed ([`send`]);
//! - at most `max_connections` connections are open at once (by default as many as the
//!   process's open-file limit leaves room for); one more is answered 503 and closed at once, so
//!   `accept` does not run out of file descriptors. Should it fail all the same, the loop logs
//!   and waits a moment rather than stopping or spinning.
//!
//! Each slow client thus holds a slot for a bounded time only. On shutdown the server stops
//! accepting, lets requests in flight finish, and closes what is left after [`SHUTDOWN_GRACE`].

mod body;
mod send;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Longest a client may take to send a request head (and longest a kept-alive connection may
/// stay idle).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// Time a request body has, before the allowance for what has arrived.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(15);
/// Each 16 KiB of a request body that arrive give it a second more: an upload that keeps up
/// 16 KiB/s is never cut off.
pub const BODY_MIN_RATE: u64 = 16 << 10;
/// Longest a response waits for a client that takes none of it.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Open files kept for everything but connections: the index, the watcher, the indexer's reads.
const RESERVED_FILES: u64 = 128;
/// Most connections when the open-file limit is unknown.
const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// The server's deadlines and its connection limit.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for a whole request head, and longest idle time between requests.
    pub header_timeout: Duration,
    /// Time a request body has before the allowance for what arrived.
    pub body_timeout: Duration,
    /// Each this many bytes of a body that arrive add a second to its deadline.
    pub body_min_rate: u64,
    /// Longest a response waits for a client that takes none of it.
    pub send_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: HEADER_READ_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
            body_min_rate: BODY_MIN_RATE,
            send_timeout: SEND_TIMEOUT,
            max_connections: open_file_limit().map_or(DEFAULT_MAX_CONNECTIONS, connections_for),
        }
    }
}

/// A setting in the environment that is not what it must be.
#[derive(Debug, thiserror::Error)]
#[error("{name} must be {what}")]
pub struct BadSetting {
    name: &'static str,
    what: &'static str,
}

impl Limits {
    /// The defaults, with `VIDENSBASE_MAX_CONNECTIONS` and `VIDENSBASE_BODY_TIMEOUT_SECS` when
    /// set.
    pub fn from_env() -> Result<Limits, BadSetting> {
        Limits::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Limits, BadSetting> {
        let mut limits = Limits::default();
        if let Some(value) = var("VIDENSBASE_MAX_CONNECTIONS") {
            limits.max_connections = value
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=Semaphore::MAX_PERMITS).contains(n))
                .ok_or(BadSetting {
                    name: "VIDENSBASE_MAX_CONNECTIONS",
                    what: "a whole number above 0",
                })?;
        }
        if let Some(value) = var("VIDENSBASE_BODY_TIMEOUT_SECS") {
            limits.body_timeout = value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|secs| *secs > 0.0)
                .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
                .ok_or(BadSetting {
                    name: "VIDENSBASE_BODY_TIMEOUT_SECS",
                    what: "a number of seconds above 0",
                })?;
        }
        Ok(limits)
    }
}

/// The connections `files` open files leave room for: each holds its socket and, while it sends
/// an original, that file.
fn connections_for(files: u64) -> usize {
    (files.saturating_sub(RESERVED_FILES) / 2).clamp(16, 4096) as usize
}

/// The process's open-file limit (`u64::MAX` for none), when known.
#[cfg(target_os = "linux")]
fn open_file_limit() -> Option<u64> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    Some(limit.current.unwrap_or(u64::MAX))
}

#[cfg(not(target_os = "linux"))]
fn open_file_limit() -> Option<u64> {
    None
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let app = app.layer(axum::middleware::from_fn_with_state(
        body::Deadline {
            timeout: limits.body_timeout,
            min_rate: limits.body_min_rate,
        },
        body::limit,
    ));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut full = Full::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            full.refuse(stream, limits.max_connections);
            continue;
        };
        connections.spawn(serve(
            stream,
            peer,
            slot,
            app.clone(),
            limits,
            stopped.clone(),
        ));
        while connections.try_join_next().is_some() {}
    }
    let _ = stop.send(true);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tracing::warn!(
            "closing {} connections still open after {} s",
            connections.len(),
            SHUTDOWN_GRACE.as_secs()
        );
        connections.abort_all();
    }
}

/// One connection from `peer`, holding `_slot` until it closes.
async fn serve(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    _slot: OwnedSemaphorePermit,
    app: Router,
    limits: Limits,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    // Handlers see the peer's address as `ConnectInfo` (the admin sign-in limit is per client).
    let service =
        tower_http::add_extension::AddExtension::new(app, axum::extract::ConnectInfo(peer));
    let io = TokioIo::new(send::SendTimeout::new(stream, limits.send_timeout));
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(io, TowerToHyperService::new(service));
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// What a connection over the limit gets: 503, and the connection closed.
const BUSY: &str = "The server is busy; try again in a moment.\n";

/// Refusing connections over the limit, with a warning at most once a minute.
#[derive(Default)]
struct Full {
    warned: Option<Instant>,
    refused: u64,
}

impl Full {
    fn refuse(&mut self, stream: TcpStream, limit: usize) {
        let answer = format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
             Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\
             X-Content-Type-Options: nosniff\r\n\r\n{BUSY}",
            BUSY.len()
        );
        // A new socket's send buffer is empty, so this does not wait; the stream is then dropped,
        // which closes it.
        let _ = stream.try_write(answer.as_bytes());
        self.refused += 1;
        if self
            .warned
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(60))
        {
            tracing::warn!(
                "{limit} connections open, the most allowed: refusing more ({} so far)",
                self.refused
            );
            self.warned = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests;
