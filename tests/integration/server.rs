//! The real server under load it must survive: many clients dripping request bodies while
//! others search, a process out of file descriptors, and large originals downloaded in
//! parallel (streamed, not held in memory); and `Range` on an original.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

use crate::common::*;

/// Generous: how long a test waits for what must happen before it fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// Lowers the open-file limit of process `pid` to `files` (util-linux's `prlimit`).
fn limit_open_files(pid: u32, files: usize) {
    let status = std::process::Command::new("prlimit")
        .arg(format!("--pid={pid}"))
        .arg(format!("--nofile={files}:{files}"))
        .status()
        .expect("run prlimit (util-linux)");
    assert!(status.success(), "prlimit failed");
}

fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("/proc/PID/fd")
        .count()
}

/// `host:port` of a served base address.
fn host(served: &Served) -> String {
    served.base.trim_start_matches("http://").to_string()
}

/// One search over a new connection; true when it was answered with the document.
fn searched(host: &str) -> bool {
    let attempt = || -> std::io::Result<String> {
        let mut stream = TcpStream::connect(host)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        write!(
            stream,
            "GET /api/search?q=frivillige HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    };
    attempt().is_ok_and(|a| a.starts_with("HTTP/1.1 200") && a.contains(DA_VOLUNTEERS))
}

/// Searches until `answers` searches have been answered (a refused one is tried again, as a
/// client does after a 503) or `PATIENCE` is over; the number answered.
fn search_until_answered(host: &str, answers: usize) -> usize {
    let start = Instant::now();
    let mut answered = 0;
    while answered < answers && start.elapsed() < PATIENCE {
        if searched(host) {
            answered += 1;
        } else {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    answered
}

/// What happened to the drip's connections.
#[derive(Default)]
struct Tally {
    /// Ended by the server before their body was whole.
    ended: AtomicUsize,
    /// Of those, answered 408 (body too slow).
    timed_out: AtomicUsize,
}

/// A client that holds a connection to `host` by sending a request body a byte every 200 ms,
/// connecting again half a second after the server closes it, until `stop`.
async fn drip(host: String, stop: Arc<AtomicBool>, tally: Arc<Tally>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    while !stop.load(Ordering::SeqCst) {
        let Ok(stream) = tokio::net::TcpStream::connect(&host).await else {
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let (mut reading, mut writing) = stream.into_split();
        let head = format!(
            "POST /admin/login HTTP/1.1\r\nHost: {host}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        );
        if writing.write_all(head.as_bytes()).await.is_ok() {
            let mut answer = [0u8; 1024];
            loop {
                tokio::select! {
                    // Whatever the server says (408, 503) or a close: this connection is over.
                    _ = reading.read(&mut answer) => {
                        if answer.starts_with(b"HTTP/1.1 408") {
                            tally.timed_out.fetch_add(1, Ordering::SeqCst);
                        }
                        tally.ended.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        if writing.write_all(b"x").await.is_err() {
                            tally.ended.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_are_answered_while_many_clients_drip_request_bodies() {
    let fixture = Fixture::new();
    fixture.sync();
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[
            ("VIDENSBASE_MAX_CONNECTIONS", "40"),
            ("VIDENSBASE_BODY_TIMEOUT_SECS", "1"),
        ],
    );
    let pid = served.child.id();
    // Room for 64 files more than the server has open now; the drip wants 150 connections.
    limit_open_files(pid, open_files(pid) + 64);
    let host = host(&served);
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let drips: Vec<_> = (0..150)
        .map(|_| tokio::spawn(drip(host.clone(), stop.clone(), tally.clone())))
        .collect();
    // The server ends the dripping connections (refused over the limit, or cut off at the body
    // deadline) while the drip goes on.
    let started = Instant::now();
    while tally.ended.load(Ordering::SeqCst) < 150 && started.elapsed() < PATIENCE {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let ended = tally.ended.load(Ordering::SeqCst);
    let answered = {
        let host = host.clone();
        tokio::task::spawn_blocking(move || search_until_answered(&host, 3))
            .await
            .expect("searcher")
    };
    stop.store(true, Ordering::SeqCst);
    for drip in drips {
        drip.await.expect("drip");
    }
    assert!(
        ended >= 150,
        "the server ended only {ended} dripping connections"
    );
    assert_eq!(answered, 3, "searches answered while the drip went on");
    assert!(
        tally.timed_out.load(Ordering::SeqCst) > 0,
        "no body deadline"
    );
    assert!(served_alive(&served));
}

fn served_alive(served: &Served) -> bool {
    Path::new(&format!("/proc/{}", served.child.id())).exists() && searched(&host(served))
}

#[test]
fn the_server_outlives_running_out_of_file_descriptors() {
    let fixture = Fixture::new();
    fixture.sync();
    // A connection limit far above what the open-file limit allows, so `accept` fails.
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_MAX_CONNECTIONS", "10000")],
    );
    let pid = served.child.id();
    let limit = open_files(pid) + 8;
    limit_open_files(pid, limit);
    let host = host(&served);
    let idle: Vec<TcpStream> = (0..30)
        .map(|_| TcpStream::connect(&host).expect("connect (the kernel queues it)"))
        .collect();
    // The server takes all it can, until its open files reach the limit and `accept` fails.
    let start = Instant::now();
    while open_files(pid) < limit && start.elapsed() < PATIENCE {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        open_files(pid) >= limit,
        "the server did not run out of file descriptors"
    );
    drop(idle);
    assert_eq!(
        search_until_answered(&host, 1),
        1,
        "no answer after the rush"
    );
    assert!(served_alive(&served));
}

/// Writes `size` bytes of an HTML page whose text is a sentence and whose bulk is a comment of
/// numbered lines (so a misplaced chunk shows), quick to index however large.
fn write_large_page(path: &Path, size: u64) {
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let mut written = 0u64;
    let head = "<html><head><title>Stor side</title></head><body>\
                <p>Frivillige foreninger i kommunen.</p><!--\n";
    out.write_all(head.as_bytes()).expect("write");
    written += head.len() as u64;
    let mut line = 0u64;
    while written < size {
        let text = format!("{line:012} {}\n", "x".repeat(67));
        out.write_all(text.as_bytes()).expect("write");
        written += text.len() as u64;
        line += 1;
    }
    out.write_all(b"--></body></html>\n").expect("write");
    out.flush().expect("flush");
}

/// Peak resident memory of process `pid` in bytes (`VmHWM`).
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb * 1024
}

/// Reads a response head from `reader`: its lines, lowercased names.
fn response_head(reader: &mut impl BufRead) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("head");
        let line = line.trim_end().to_string();
        if line.is_empty() {
            return lines;
        }
        lines.push(line);
    }
}

fn header_of<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[test]
fn large_originals_are_streamed_not_held_in_memory() {
    const ID: &str = "store/stor-side.html";
    const DOWNLOADS: usize = 4;
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    let file = corpus.join(ID);
    write_large_page(&file, 200 << 20);
    let size = std::fs::metadata(&file).expect("size").len();
    let report = vidensbase::ingest::sync(&corpus, &index).expect("index");
    assert_eq!(report.added, 1, "the large page is indexed");
    let served = Served::start(&corpus, &index, &[]);
    let host = host(&served);
    let all_started = Arc::new(std::sync::Barrier::new(DOWNLOADS));
    let downloads: Vec<_> = (0..DOWNLOADS)
        .map(|_| {
            let (host, file, all_started) = (host.clone(), file.clone(), all_started.clone());
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&host).expect("connect");
                stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
                write!(
                    stream,
                    "GET /files/{ID} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                )
                .expect("request");
                let mut reader = BufReader::new(stream);
                let head = response_head(&mut reader);
                // Every download has begun before any goes on: they run side by side.
                all_started.wait();
                let mut expected = BufReader::new(std::fs::File::open(&file).expect("open"));
                let (mut got, mut want) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
                let mut same = 0u64;
                loop {
                    let n = reader.read(&mut got).expect("body");
                    if n == 0 {
                        break;
                    }
                    expected
                        .read_exact(&mut want[..n])
                        .expect("no more than the file");
                    assert!(got[..n] == want[..n], "bytes differ after {same}");
                    same += n as u64;
                }
                (head, same)
            })
        })
        .collect();
    for download in downloads {
        let (head, bytes) = download.join().expect("download");
        assert_eq!(head[0], "HTTP/1.1 200 OK", "{head:?}");
        assert_eq!(bytes, size, "the whole file");
        assert_eq!(
            header_of(&head, "content-length"),
            Some(size.to_string().as_str())
        );
        assert_eq!(
            header_of(&head, "content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header_of(&head, "content-security-policy"), Some("sandbox"));
        assert!(
            header_of(&head, "content-disposition").is_some_and(|d| d.starts_with("inline")),
            "{head:?}"
        );
    }
    let served_bytes = size * DOWNLOADS as u64;
    let peak = peak_memory(served.child.id());
    assert!(
        peak < served_bytes / 2,
        "peak memory {} MB serving {} MB",
        peak >> 20,
        served_bytes >> 20
    );
}

#[tokio::test]
async fn an_original_is_served_in_ranges_and_by_modification_time() {
    let (fixture, _) = shared();
    let app = vidensbase::web::router(
        fixture.engine(),
        vidensbase::web::Settings::new(fixture.corpus()),
    );
    let file = std::fs::read(fixture.corpus().join(DA_VOLUNTEERS)).expect("fixture");
    let uri = format!("/files/{DA_VOLUNTEERS}");
    let request = |method: &str, headers: &[(header::HeaderName, &str)]| {
        let mut request = Request::builder().method(method).uri(&uri);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        request.body(Body::empty()).expect("request")
    };

    let (status, headers, body) =
        send_to(&app, request("GET", &[(header::RANGE, "bytes=10-19")])).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, file[10..20]);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 10-19/{}", file.len()).as_str()
    );
    assert_eq!(headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .is_ok_and(|d| d.starts_with("inline")));

    let (status, headers, body) = send_to(&app, request("GET", &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, file);
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    let modified = headers[header::LAST_MODIFIED]
        .to_str()
        .expect("date")
        .to_string();

    let (status, _, body) = send_to(
        &app,
        request("GET", &[(header::IF_MODIFIED_SINCE, &modified)]),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());

    let (status, headers, body) = send_to(&app, request("HEAD", &[])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_LENGTH],
        file.len().to_string().as_str()
    );
    assert!(body.is_empty());

    let beyond = format!("bytes={}-", file.len() + 10);
    let (status, _, _) = send_to(&app, request("GET", &[(header::RANGE, &beyond)])).await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);
}
