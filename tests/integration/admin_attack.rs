//! The admin API under load and attack: parallel uploads of one name through a real server, an
//! upload killed midway, failed sign-ins limited per client (a real server seeing several peer
//! addresses), names too long, categories in the way, links out of the corpus, deleting what is
//! not a document, and names that look alike (NFC) or hide control characters.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::admin::{call, indexed, multipart, settings, BOUNDARY, TOKEN};
use crate::common::{Fixture, Served};

/// A connection to `served` from the local address `from` (any of 127.0.0.0/8 on Linux), so one
/// machine can be several clients.
fn connect_from(served: &Served, from: IpAddr) -> TcpStream {
    let server: SocketAddr = served
        .base
        .trim_start_matches("http://")
        .parse()
        .expect("server address");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind(SocketAddr::new(from, 0)).expect("bind");
        socket.connect(server).await.expect("connect")
    });
    let stream = stream.into_std().expect("std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream
}

/// One request over `stream` with `headers` and `body`: the status and the body.
fn exchange(
    served: &Served,
    mut stream: TcpStream,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let host = served.base.trim_start_matches("http://");
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(crate::common::parse_answer(&answer))
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// `POST /api/documents` of one file from `from` with `authorization` (the whole header value).
fn upload_from(
    served: &Served,
    from: IpAddr,
    authorization: Option<&str>,
    name: &str,
    bytes: &[u8],
) -> (u16, String) {
    let body = multipart(&[("file", Some(name), bytes)]);
    let content_type = content_type();
    let mut headers = vec![
        ("Content-Type", content_type.as_str()),
        ("X-Forwarded-For", "10.9.8.7"),
    ];
    if let Some(value) = authorization {
        headers.push(("Authorization", value));
    }
    let stream = connect_from(served, from);
    exchange(served, stream, "POST", "/api/documents", &headers, &body).expect("upload")
}

/// The id in a 201's JSON body.
fn id_of(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    json["id"].as_str().unwrap_or_default().to_string()
}

const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

#[test]
fn parallel_uploads_of_one_name_each_keep_their_own_bytes_under_their_own_id() {
    let fixture = Fixture::new();
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    let bearer = format!("Bearer {TOKEN}");
    let mut answers = Vec::new();
    for round in 0..10 {
        let round_answers: Vec<(Vec<u8>, (u16, String))> = std::thread::scope(|scope| {
            let uploads: Vec<_> = (0..20)
                .map(|n| {
                    let (served, bearer) = (&served, bearer.as_str());
                    scope.spawn(move || {
                        // Large enough that the writes of parallel uploads overlap.
                        let bytes = format!("Upload {round}-{n}\n\n").repeat(4000).into_bytes();
                        let answer = upload_from(served, LOCAL, Some(bearer), "samme.txt", &bytes);
                        (bytes, answer)
                    })
                })
                .collect();
            uploads
                .into_iter()
                .map(|u| u.join().expect("upload thread"))
                .collect()
        });
        answers.extend(round_answers);
    }
    let mut ids = std::collections::HashSet::new();
    for (bytes, (status, body)) in &answers {
        assert_eq!(*status, 201, "{body}");
        let id = id_of(body);
        assert!(ids.insert(id.clone()), "{id} was given to two uploads");
        let written = std::fs::read(fixture.corpus().join(&id)).expect("the uploaded file");
        assert!(written == *bytes, "{id} holds another upload's bytes");
    }
    assert_eq!(ids.len(), 200);
    assert!(leftovers(&fixture.corpus()).is_empty());
}

/// Hidden `*.upload` files under `root` (temporary files of uploads).
fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(entry.path());
            } else if name.starts_with('.') && name.ends_with(".upload") {
                found.push(entry.path());
            }
        }
    }
    found
}

/// Uploads large files to a real server and kills it (SIGKILL) as soon as an upload's temporary
/// file appears; the leftovers found after it died.
fn kill_during_an_upload(fixture: &Fixture) -> Vec<PathBuf> {
    let env = [
        ("VIDENSBASE_ADMIN_TOKEN", TOKEN),
        ("VIDENSBASE_MAX_UPLOAD_MB", "64"),
    ];
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut attempt = 0;
    while Instant::now() < deadline {
        attempt += 1;
        let served = Served::start(&fixture.corpus(), &fixture.index(), &env);
        let pid = served.child.id().to_string();
        let bytes = "Kæmpefil med tekst, der bliver skrevet.\n"
            .repeat(1 << 20)
            .into_bytes();
        let bearer = format!("Bearer {TOKEN}");
        let name = format!("kaempefil-{attempt}.txt");
        let seen = std::thread::scope(|scope| {
            let uploading = scope.spawn(|| {
                let body = multipart(&[("file", Some(&name), &bytes)]);
                let content_type = content_type();
                let headers = [
                    ("Content-Type", content_type.as_str()),
                    ("Authorization", &bearer),
                ];
                let stream = connect_from(&served, LOCAL);
                let _ = exchange(&served, stream, "POST", "/api/documents", &headers, &body);
            });
            let mut seen = false;
            while !uploading.is_finished() && Instant::now() < deadline {
                if !leftovers(&fixture.corpus()).is_empty() {
                    // SIGKILL, as `Child::kill` sends, without taking `served` from the upload.
                    let killed = std::process::Command::new("kill")
                        .args(["-KILL", &pid])
                        .status();
                    assert!(killed.is_ok_and(|s| s.success()), "kill {pid}");
                    seen = true;
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            seen
        });
        drop(served);
        let found = leftovers(&fixture.corpus());
        if seen && !found.is_empty() {
            return found;
        }
    }
    panic!("no upload was caught writing its temporary file in {attempt} attempts")
}

#[test]
fn an_upload_killed_midway_leaves_nothing_once_the_server_starts_again() {
    let fixture = Fixture::new();
    fixture.sync();
    let before = fixture.engine().num_docs();
    let found = kill_during_an_upload(&fixture);
    eprintln!("left by the killed server: {found:?}");
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    assert_eq!(leftovers(&fixture.corpus()), Vec::<PathBuf>::new());
    // The first sync of the restarted server counts only whole files: the fixture's documents
    // and any upload the kill came after.
    let whole = std::fs::read_dir(fixture.corpus())
        .expect("corpus")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("kaempefil-"))
        .count() as u64;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut status = serde_json::Value::Null;
    while Instant::now() < deadline {
        let (_, body) = served.get("/api/status");
        status = serde_json::from_str(&body).unwrap_or_default();
        if status["last_commit"].is_string() && !status["indexing"].as_bool().unwrap_or(true) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(status["last_commit"].is_string(), "{status}");
    assert_eq!(status["documents"], before + whole, "{status}");
}

#[test]
fn failed_sign_ins_lock_out_that_client_only_and_never_the_right_token() {
    let fixture = Fixture::new();
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    let attacker: IpAddr = "127.0.0.2".parse().expect("ip");
    let stranger: IpAddr = "127.0.0.3".parse().expect("ip");
    let text = b"Et notat om havnen.".as_slice();
    // Ten failures (no token) from one address; the forwarded-for header it sends is not trusted.
    for n in 0..10 {
        let (status, body) = upload_from(&served, attacker, None, "a.txt", text);
        assert_eq!(status, 401, "failure {n}: {body}");
    }
    let (status, _) = upload_from(&served, attacker, Some("Bearer wrong"), "a.txt", text);
    assert_eq!(status, 429);
    // The sign-in form shares the per-client count.
    let sign_in = |from: IpAddr, token: &str| {
        let body = serde_urlencoded::to_string([("token", token)]).expect("form");
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        let stream = connect_from(&served, from);
        exchange(
            &served,
            stream,
            "POST",
            "/admin/login",
            &headers,
            body.as_bytes(),
        )
        .expect("sign in")
        .0
    };
    assert_eq!(sign_in(attacker, "forkert"), 429);
    // Another client's wrong token is a plain 401.
    assert_eq!(sign_in(stranger, "forkert"), 401);
    let (status, _) = upload_from(&served, stranger, Some("Bearer wrong"), "a.txt", text);
    assert_eq!(status, 401);
    // The right token always gets in: from another client, and from the locked-out one, with
    // the scheme in any case, and on the form.
    for (from, scheme) in [
        (LOCAL, "Bearer"),
        (attacker, "bearer"),
        (attacker, "BEARER"),
    ] {
        let authorization = format!("{scheme} {TOKEN}");
        let (status, body) = upload_from(&served, from, Some(&authorization), "a.txt", text);
        assert_eq!(status, 201, "{from} {scheme}: {body}");
    }
    assert_eq!(sign_in(LOCAL, TOKEN), 303);
    for _ in 0..10 {
        upload_from(&served, attacker, None, "a.txt", text);
    }
    assert_eq!(sign_in(attacker, "forkert"), 429);
    assert_eq!(sign_in(attacker, TOKEN), 303);
}

#[tokio::test]
async fn names_and_categories_over_255_bytes_are_refused_and_numbered_names_fit() {
    let fixture = indexed();
    let root = fixture.corpus();
    let post = |parts: Vec<u8>| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "POST", "/api/documents", Some(TOKEN), parts).await }
    };
    // 256 bytes in 130 characters: one byte too long for a file name.
    let long = format!("{}.txt", "å".repeat(126));
    assert_eq!(long.len(), 256);
    let (status, json) = post(multipart(&[("file", Some(&long), b"Tekst")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(
        json["error"].as_str().is_some_and(|e| e.contains("255")),
        "{json}"
    );
    let (status, json) = post(multipart(&[
        ("category", None, "ø".repeat(128).as_bytes()),
        ("file", Some("a.txt"), b"Tekst"),
    ]))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");

    // A name of exactly 255 bytes fits, and so does its numbered copy.
    let longest = format!("{}.txt", "a".repeat(251));
    let mut ids = Vec::new();
    for text in ["Første", "Anden"] {
        let (status, json) = post(multipart(&[("file", Some(&longest), text.as_bytes())])).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        let id = json["id"].as_str().expect("id").to_string();
        assert!(id.len() <= 255 && id.ends_with(".txt"), "{id}");
        assert_eq!(std::fs::read_to_string(root.join(&id)).expect("read"), text);
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn a_category_that_is_a_file_or_a_link_out_of_the_corpus_is_a_conflict() {
    let fixture = indexed();
    let root = fixture.corpus();
    let post = |parts: Vec<u8>| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "POST", "/api/documents", Some(TOKEN), parts).await }
    };
    // A category that names a file.
    std::fs::write(root.join("notat.txt"), "Et notat").expect("write");
    let (status, json) = post(multipart(&[
        ("category", None, b"notat.txt"),
        ("file", Some("a.txt"), b"Tekst"),
    ]))
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_eq!(
        std::fs::read_to_string(root.join("notat.txt")).expect("read"),
        "Et notat"
    );

    // A category folder that is a link out of the corpus: nothing is written there.
    let outside = fixture.dir.path().join("udenfor");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::os::unix::fs::symlink(&outside, root.join("ud")).expect("ln");
    let (status, json) = post(multipart(&[
        ("category", None, b"ud"),
        ("file", Some("a.txt"), b"Tekst"),
    ]))
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_eq!(std::fs::read_dir(&outside).expect("ls").count(), 0);
}

#[tokio::test]
async fn only_documents_can_be_deleted() {
    let fixture = indexed();
    let root = fixture.corpus();
    std::fs::write(root.join("kategorier.tsv"), "irm\tIRM-rapporter\n").expect("write");
    std::fs::write(root.join(".skjult.txt"), "skjult").expect("write");
    std::fs::write(root.join("kommuner/.skjult.txt"), "skjult").expect("write");
    for id in [
        "kategorier.tsv",
        ".skjult.txt",
        "kommuner/.skjult.txt",
        "kommuner/ignored.doc",
        "kommuner",
    ] {
        let s = settings(&fixture, Some(TOKEN));
        let uri = format!("/api/documents/{id}");
        let (status, json) = call(&fixture, s, "DELETE", &uri, Some(TOKEN), Vec::new()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}: {json}");
        assert!(root.join(id).exists(), "{id} was deleted");
    }
}

/// The names of the entries of `folder`.
fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn names_and_categories_are_normalised_to_nfc() {
    let fixture = indexed();
    let root = fixture.corpus();
    let post = |parts: Vec<u8>| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "POST", "/api/documents", Some(TOKEN), parts).await }
    };
    // `på.txt` decomposed (as macOS writes it) and composed are one name.
    let (status, json) = post(multipart(&[
        ("category", None, "pa\u{30a}ske".as_bytes()),
        ("file", Some("pa\u{30a}.txt"), b"Decomposed"),
    ]))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["id"], "påske/på.txt");
    let (status, json) = post(multipart(&[
        ("category", None, "påske".as_bytes()),
        ("file", Some("på.txt"), b"Composed"),
    ]))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["id"], "påske/på-2.txt");
    assert!(names_in(&root).contains(&"påske".to_string()));
    assert_eq!(names_in(&root.join("påske")), ["på-2.txt", "på.txt"]);
}

#[tokio::test]
async fn control_characters_in_names_and_categories_are_refused() {
    let fixture = indexed();
    let root = fixture.corpus();
    let post = |parts: Vec<u8>| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "POST", "/api/documents", Some(TOKEN), parts).await }
    };
    // Control characters, bidi controls among them, are refused, not dropped.
    let before = names_in(&root);
    // (A C0 control cannot be sent in a multipart header; a C1 one can.)
    for name in [
        "rapport\u{202e}txt.exe.txt",
        "a\u{85}b.txt",
        "a\u{200f}.txt",
    ] {
        let (status, json) = post(multipart(&[("file", Some(name), b"Tekst")])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name:?}: {json}");
        assert!(
            json["error"]
                .as_str()
                .is_some_and(|e| e.contains("control")),
            "{json}"
        );
    }
    for category in ["a\nb", "ud\u{202e}"] {
        let (status, json) = post(multipart(&[
            ("category", None, category.as_bytes()),
            ("file", Some("a.txt"), b"Tekst"),
        ]))
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{category:?}: {json}");
    }
    assert_eq!(names_in(&root), before, "nothing was written");
}
