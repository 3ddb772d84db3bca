//! The deadline for a request body. A body must have arrived within [`Deadline::timeout`] of its
//! request head, and every [`Deadline::min_rate`] bytes that arrive add a second: an upload that
//! keeps up that rate on average is never cut off, while a client that sends a byte now and then
//! is, however long it goes on. A body that misses its deadline ends in an error for the handler
//! reading it, and the request is answered 408 with the connection closed, whatever the handler
//! made of the error.
//!
//! tower-http's `RequestBodyTimeout` is not this: it limits the wait for each frame, and a client
//! that sends a byte every second never waits long for one.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How long a request body may take.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// The time a body has from its request head, before the allowance for what arrived.
    pub timeout: Duration,
    /// Each this many bytes received add a second to the deadline (0: no allowance).
    pub min_rate: u64,
}

/// The middleware: each request body under `deadline`, and 408 for a request whose body missed
/// it.
pub async fn limit(State(deadline): State<Deadline>, request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let expired = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| Body::new(TimedBody::new(body, deadline, expired.clone())));
    let response = next.run(request).await;
    if expired.load(Ordering::Relaxed) {
        too_slow()
    } else {
        response
    }
}

fn too_slow() -> Response {
    (
        StatusCode::REQUEST_TIMEOUT,
        [
            (header::CONNECTION, "close"),
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        "The request body did not arrive in time.\n",
    )
        .into_response()
}

/// The error a handler reads from a body past its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct TooSlow;

/// A body that fails with [`TooSlow`] once its deadline has passed.
struct TimedBody {
    inner: Body,
    deadline: Deadline,
    start: Instant,
    received: u64,
    sleep: Pin<Box<Sleep>>,
    /// Set when the deadline passed, for [`limit`].
    expired: Arc<AtomicBool>,
    /// The body ended, failed or expired: nothing more comes.
    done: bool,
}

impl TimedBody {
    fn new(inner: Body, deadline: Deadline, expired: Arc<AtomicBool>) -> TimedBody {
        let start = Instant::now();
        TimedBody {
            inner,
            deadline,
            start,
            received: 0,
            sleep: Box::pin(tokio::time::sleep_until(start + deadline.timeout)),
            expired,
            done: false,
        }
    }

    /// The deadline for the rest of the body, given what has arrived.
    fn until(&self) -> Instant {
        let allowance = match self.deadline.min_rate {
            0 => Duration::ZERO,
            rate => Duration::from_secs_f64(self.received as f64 / rate as f64),
        };
        self.start + self.deadline.timeout + allowance
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let until = this.until();
                    this.sleep.as_mut().reset(until);
                }
                return Poll::Ready(Some(Ok(frame)));
            }
            Poll::Ready(Some(Err(e))) => {
                this.done = true;
                return Poll::Ready(Some(Err(e.into())));
            }
            Poll::Ready(None) => {
                this.done = true;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        ready!(this.sleep.as_mut().poll(cx));
        this.done = true;
        this.expired.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(Box::new(TooSlow))))
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    /// A body whose data a test sends as a client would.
    struct Channel(tokio::sync::mpsc::Receiver<Bytes>);

    impl HttpBody for Channel {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            self.0
                .poll_recv(cx)
                .map(|data| data.map(|d| Ok(Frame::data(d))))
        }
    }

    fn channel_body() -> (tokio::sync::mpsc::Sender<Bytes>, Body) {
        let (send, receive) = tokio::sync::mpsc::channel(16);
        (send, Body::new(Channel(receive)))
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_keeps_the_rate_is_not_cut_off() {
        let (send, body) = channel_body();
        let deadline = Deadline {
            timeout: Duration::from_secs(1),
            min_rate: 1000,
        };
        let expired = Arc::new(AtomicBool::new(false));
        let body = TimedBody::new(body, deadline, expired.clone());
        let sender = tokio::spawn(async move {
            // 2,000 bytes a second, twice the rate, for ten times the timeout.
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                send.send(Bytes::from(vec![b'x'; 200])).await.expect("send");
            }
        });
        let collected = body.collect().await.expect("the whole body");
        sender.await.expect("sender");
        assert_eq!(collected.to_bytes().len(), 20_000);
        assert!(!expired.load(Ordering::Relaxed));
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_falls_behind_the_rate_is_cut_off() {
        let (send, body) = channel_body();
        let deadline = Deadline {
            timeout: Duration::from_secs(1),
            min_rate: 1000,
        };
        let expired = Arc::new(AtomicBool::new(false));
        let body = TimedBody::new(body, deadline, expired.clone());
        let _sender = tokio::spawn(async move {
            // A byte every 100 ms, for as long as anyone listens.
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if send.send(Bytes::from_static(b"x")).await.is_err() {
                    break;
                }
            }
        });
        let error = tokio::time::timeout(Duration::from_secs(600), body.collect())
            .await
            .expect("cut off before the (virtual) ten minutes")
            .expect_err("cut off");
        assert!(error.is::<TooSlow>(), "{error}");
        assert!(expired.load(Ordering::Relaxed));
    }
}
