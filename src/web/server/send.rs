//! A connection whose writes give up when the client stops reading. A response is written as
//! fast as the client takes it; when the client takes nothing for [`SendTimeout`]'s timeout (its
//! window stays shut: it went away without closing, or it reads a download a byte at a time on
//! purpose), the write fails and hyper closes the connection, so such a client cannot keep a
//! connection slot and an open original file for ever. nginx's `send_timeout` is the same rule.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// `inner`, its writes failing after `timeout` without progress.
pub struct SendTimeout<T> {
    inner: T,
    timeout: Duration,
    /// Running while a write waits for the client.
    stall: Pin<Box<Sleep>>,
    stalled: bool,
}

impl<T> SendTimeout<T> {
    pub fn new(inner: T, timeout: Duration) -> SendTimeout<T> {
        SendTimeout {
            inner,
            timeout,
            stall: Box::pin(tokio::time::sleep(timeout)),
            stalled: false,
        }
    }

    /// `result` of a write, or the timeout's error when the write has waited too long.
    fn watch<R>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if result.is_ready() {
            self.stalled = false;
            return result;
        }
        if !self.stalled {
            self.stalled = true;
            self.stall.as_mut().reset(Instant::now() + self.timeout);
        }
        match self.stall.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for SendTimeout<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for SendTimeout<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, result)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch(cx, result)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test(start_paused = true)]
    async fn a_write_the_reader_never_takes_fails_after_the_timeout() {
        // A pipe with room for 64 bytes, whose reader reads nothing.
        let (writer, _reader) = tokio::io::duplex(64);
        let mut writer = SendTimeout::new(writer, Duration::from_secs(60));
        let error = writer
            .write_all(&[b'x'; 1000])
            .await
            .expect_err("the write gives up");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_that_keeps_reading_gets_everything() {
        let (writer, mut reader) = tokio::io::duplex(64);
        let mut writer = SendTimeout::new(writer, Duration::from_secs(60));
        let reading = tokio::spawn(async move {
            let mut out = Vec::new();
            let mut chunk = [0u8; 64];
            loop {
                // Slower than nothing at all for a while, but never a whole timeout.
                tokio::time::sleep(Duration::from_secs(50)).await;
                match tokio::io::AsyncReadExt::read(&mut reader, &mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => out.extend_from_slice(&chunk[..n]),
                }
            }
            out
        });
        writer.write_all(&[b'x'; 1000]).await.expect("written");
        writer.shutdown().await.expect("closed");
        drop(writer);
        assert_eq!(reading.await.expect("reader").len(), 1000);
    }
}
