//! The serving loop's limits, each on a real server on a loopback port.

use super::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Generous: what a test waits for before it fails.
const PATIENCE: Duration = Duration::from_secs(10);

fn limits() -> Limits {
    Limits {
        max_connections: 64,
        ..Limits::default()
    }
}

/// A body that never ends, and says when it is dropped.
struct Endless(Arc<AtomicBool>);

impl axum::body::HttpBody for Endless {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let chunk = axum::body::Bytes::from_static(&[b'x'; 64 << 10]);
        Poll::Ready(Some(Ok(hyper::body::Frame::data(chunk))))
    }
}

impl Drop for Endless {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn server(limits: Limits) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    server_with(limits, Arc::default()).await
}

/// A server with `/` (ok), `POST /echo` (the body) and `/endless` (a body that never ends;
/// `dropped` says when the server let go of it).
async fn server_with(
    limits: Limits,
    dropped: Arc<AtomicBool>,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new()
        .route("/", axum::routing::get(|| async { "ok" }))
        .route("/echo", axum::routing::post(|body: String| async { body }))
        .route(
            "/endless",
            axum::routing::get(
                move || async move { axum::body::Body::new(Endless(dropped.clone())) },
            ),
        );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(run(listener, app, limits, async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Reads until the server closes the connection; what it sent.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut chunk = [0u8; 4096];
        // A reset after the answer ends the reading as a close does.
        while let Ok(n @ 1..) = stream.read(&mut chunk).await {
            out.extend_from_slice(&chunk[..n]);
        }
    });
    assert!(read.await.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends a GET of `/` on a kept-alive connection and reads its answer.
async fn kept_alive(addr: std::net::SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !answer.ends_with(b"\r\n\r\nok") {
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("an answer")
            .expect("read");
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&chunk[..n]);
    }
    stream
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_is_cut_off() {
    let (addr, _stop) = server(Limits {
        header_timeout: Duration::from_millis(300),
        ..limits()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    until_closed(&mut stream).await;
}

#[tokio::test]
async fn a_client_that_sends_nothing_is_cut_off() {
    let (addr, _stop) = server(Limits {
        header_timeout: Duration::from_millis(300),
        ..limits()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    assert_eq!(until_closed(&mut stream).await, "");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let (addr, _stop) = server(Limits {
        header_timeout: Duration::from_millis(300),
        ..limits()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let answer = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_that_comes_too_slowly_gets_408_and_the_connection_closed() {
    let (addr, _stop) = server(Limits {
        body_timeout: Duration::from_millis(300),
        ..limits()
    })
    .await;
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut reading, mut writing) = stream.into_split();
    let drip = tokio::spawn(async move {
        writing
            .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
            .await
            .expect("head");
        // A byte every 50 ms: the whole body would take 50 s.
        for _ in 0..1000 {
            if writing.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = reading.read(&mut chunk).await {
            out.extend_from_slice(&chunk[..n]);
        }
    });
    assert!(read.await.is_ok(), "the server waited for the whole body");
    drip.abort();
    let answer = String::from_utf8_lossy(&out);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive in time"), "{answer}");
}

#[tokio::test]
async fn a_body_that_comes_in_time_is_read_whole() {
    let (addr, _stop) = server(Limits {
        body_timeout: Duration::from_secs(5),
        ..limits()
    })
    .await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let body = "x".repeat(100_000);
    stream
        .write_all(
            format!(
                "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    let answer = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:.100}");
    assert!(answer.ends_with(&body));
}

#[tokio::test]
async fn connections_over_the_limit_are_refused_at_once() {
    let (addr, _stop) = server(Limits {
        max_connections: 2,
        ..limits()
    })
    .await;
    // Two kept-alive connections hold both slots (for up to the 15 s header timeout).
    let first = kept_alive(addr).await;
    let _second = kept_alive(addr).await;
    let mut third = TcpStream::connect(addr).await.expect("connect");
    let _ = third.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let answer = until_closed(&mut third).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 503"),
        "{answer}"
    );
    // A slot given back is taken again.
    drop(first);
    let served = tokio::time::timeout(PATIENCE, async {
        loop {
            let mut stream = TcpStream::connect(addr).await.expect("connect");
            let _ = stream
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await;
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer).await;
            if answer.starts_with("HTTP/1.1 200") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(served.await.is_ok(), "no connection was served again");
}

#[tokio::test]
async fn a_response_the_client_stops_reading_is_given_up() {
    let dropped = Arc::new(AtomicBool::new(false));
    let (addr, _stop) = server_with(
        Limits {
            send_timeout: Duration::from_millis(300),
            ..limits()
        },
        dropped.clone(),
    )
    .await;
    // Asks for a body that never ends, and reads none of it.
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let given_up = tokio::time::timeout(PATIENCE, async {
        while !dropped.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(
        given_up.await.is_ok(),
        "the server still waits for the client"
    );
    drop(stream);
}

#[tokio::test]
async fn shutdown_stops_accepting() {
    let (addr, stop) = server(limits()).await;
    let _ = stop.send(());
    let refused = tokio::time::timeout(PATIENCE, async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(refused.await.is_ok(), "still accepting");
}

#[test]
fn the_limits_are_read_from_the_environment() {
    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        }
    }
    let limits = Limits::from_vars(vars(&[
        ("VIDENSBASE_MAX_CONNECTIONS", "40"),
        ("VIDENSBASE_BODY_TIMEOUT_SECS", "1.5"),
    ]))
    .expect("valid");
    assert_eq!(limits.max_connections, 40);
    assert_eq!(limits.body_timeout, Duration::from_millis(1500));
    let defaults = Limits::from_vars(vars(&[])).expect("valid");
    assert_eq!(defaults.body_timeout, BODY_TIMEOUT);
    for bad in [
        ("VIDENSBASE_MAX_CONNECTIONS", "0"),
        ("VIDENSBASE_MAX_CONNECTIONS", "2.5"),
        ("VIDENSBASE_MAX_CONNECTIONS", "many"),
        ("VIDENSBASE_BODY_TIMEOUT_SECS", "-1"),
        ("VIDENSBASE_BODY_TIMEOUT_SECS", "NaN"),
        ("VIDENSBASE_BODY_TIMEOUT_SECS", "inf"),
    ] {
        let error = Limits::from_vars(vars(&[bad])).expect_err(bad.1);
        assert!(error.to_string().starts_with(bad.0), "{error}");
    }
}

#[test]
fn the_connection_limit_leaves_room_in_the_open_file_limit() {
    assert_eq!(connections_for(1024), 448);
    assert_eq!(connections_for(512), 192);
    assert_eq!(connections_for(100), 16);
    assert_eq!(connections_for(u64::MAX), 4096);
}
