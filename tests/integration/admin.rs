//! The admin API through the router: closed without a token, bearer tokens, uploads (names,
//! formats by content, size limit, no overwriting), deletion, status, and an upload reaching
//! search through the watcher.

use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use vidensbase::search::SearchRequest;
use vidensbase::web::{router, Settings};

use crate::common::Fixture;

pub const TOKEN: &str = "korrekt-hest-batteri-haefteklamme";
pub const BOUNDARY: &str = "vidensbase-test-boundary";

pub fn settings(fixture: &Fixture, token: Option<&str>) -> Settings {
    Settings {
        admin_token: token.map(str::to_string),
        max_upload: 1 << 20,
        ..Settings::new(fixture.corpus())
    }
}

/// A `multipart/form-data` body: `(field, file name, bytes)`, a file name of `None` for a plain
/// field.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (field, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub async fn call(
    fixture: &Fixture,
    settings: Settings,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if !body.is_empty() {
        request = request.header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
    }
    let response = router(fixture.engine(), settings)
        .oneshot(request.body(Body::from(body)).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

pub fn indexed() -> Fixture {
    let fixture = Fixture::new();
    fixture.sync();
    fixture
}

fn files_in(dir: &Path) -> usize {
    walkdir_count(dir)
}

fn walkdir_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        walkdir_count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn without_a_token_the_writing_routes_do_not_exist() {
    let fixture = indexed();
    let body = multipart(&[("file", Some("a.txt"), b"Tekst")]);
    let (status, _) = call(
        &fixture,
        settings(&fixture, None),
        "POST",
        "/api/documents",
        Some(TOKEN),
        body,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &fixture,
        settings(&fixture, None),
        "DELETE",
        "/api/documents/kommuner/frivillige-foreninger.txt",
        Some(TOKEN),
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(fixture
        .corpus()
        .join("kommuner/frivillige-foreninger.txt")
        .exists());
    let (status, json) = call(
        &fixture,
        settings(&fixture, None),
        "GET",
        "/api/status",
        None,
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["documents"], 9, "{json}");
    assert_eq!(json["watching"], false);
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_401_repeated_failures_429_and_the_right_token_always_gets_in()
{
    let fixture = indexed();
    let upload = || multipart(&[("file", Some("a.txt"), b"Tekst")]);
    let s = || settings(&fixture, Some(TOKEN));
    let router_once = |token: Option<&'static str>| {
        let s = s();
        let body = upload();
        let fixture = &fixture;
        async move {
            call(fixture, s, "POST", "/api/documents", token, body)
                .await
                .0
        }
    };
    assert_eq!(router_once(None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        router_once(Some("korrekt-hest-batteri-haefteklammE")).await,
        StatusCode::UNAUTHORIZED
    );
    // Through the router every request is one client (no peer address): ten failures, then 429
    // for a wrong token, and the right token still gets in.
    let app = router(fixture.engine(), s());
    let request = |token: &str| {
        Request::builder()
            .method("POST")
            .uri("/api/documents")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(upload()))
            .expect("request")
    };
    for _ in 0..10 {
        let response = app
            .clone()
            .oneshot(request("wrong"))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app
        .clone()
        .oneshot(request("wrong"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!fixture.corpus().join("a.txt").exists());
    let response = app.clone().oneshot(request(TOKEN)).await.expect("response");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(fixture.corpus().join("a.txt").exists());
}

#[tokio::test]
async fn an_upload_lands_in_its_category_and_never_overwrites_unless_asked() {
    let fixture = indexed();
    let post = |parts: Vec<u8>, uri: &'static str| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "POST", uri, Some(TOKEN), parts).await }
    };
    let note = "Referat fra høringsmødet\n\nKommunen holdt høringsmøde om skovrejsning ved Hasle.";
    let (status, json) = post(
        multipart(&[
            ("category", None, b"referater"),
            ("file", Some("hoering.txt"), note.as_bytes()),
        ]),
        "/api/documents",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json, serde_json::json!({ "id": "referater/hoering.txt" }));
    assert_eq!(
        std::fs::read_to_string(fixture.corpus().join("referater/hoering.txt")).expect("read"),
        note
    );
    // The corpus is the source of truth: the next sync makes it searchable.
    fixture.sync();
    let hits = fixture
        .engine()
        .search(&SearchRequest::new("skovrejsning Hasle"))
        .expect("search")
        .hits;
    assert_eq!(
        hits.first().map(|h| h.id.as_str()),
        Some("referater/hoering.txt")
    );

    let again = multipart(&[
        ("category", None, b"referater"),
        ("file", Some("hoering.txt"), b"Anden udgave"),
    ]);
    let (_, json) = post(again.clone(), "/api/documents").await;
    assert_eq!(json["id"], "referater/hoering-2.txt");
    let (_, json) = post(again, "/api/documents?replace=true").await;
    assert_eq!(json["id"], "referater/hoering.txt");
    assert_eq!(
        std::fs::read_to_string(fixture.corpus().join("referater/hoering.txt")).expect("read"),
        "Anden udgave"
    );

    // Several files at once, names stripped of folders.
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents");
    let pdf = std::fs::read(docs.join("to-spalter.pdf")).expect("pdf");
    let docx = std::fs::read(docs.join("elementer.docx")).expect("docx");
    let (status, json) = post(
        multipart(&[
            ("file", Some("../../../etc/rapport.pdf"), &pdf),
            ("file", Some("C:\\Dokumenter\\elementer.docx"), &docx),
        ]),
        "/api/documents",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(
        json,
        serde_json::json!({ "documents": [{ "id": "rapport.pdf" }, { "id": "elementer.docx" }] })
    );
    assert_eq!(
        std::fs::read(fixture.corpus().join("rapport.pdf")).expect("read"),
        pdf
    );
}

#[tokio::test]
async fn bad_uploads_are_refused_and_write_nothing() {
    let fixture = indexed();
    let before = files_in(&fixture.corpus());
    let post = |parts: Vec<u8>| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "POST", "/api/documents", Some(TOKEN), parts).await }
    };
    // A name that says PDF over text, a format vidensbase does not read, a binary called .txt:
    // 415, and the good file sent beside them is not written either.
    for bad in [
        ("rapport.pdf", b"Dette er ikke en PDF".as_slice()),
        ("program.exe", b"MZ\x90\x00".as_slice()),
        ("billede.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice()),
    ] {
        let (status, json) = post(multipart(&[
            ("file", Some("god.txt"), b"En god fil"),
            ("file", Some(bad.0), bad.1),
        ]))
        .await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{}: {json}",
            bad.0
        );
        assert!(json["error"].is_string());
    }
    // A category that is a path.
    let (status, _) = post(multipart(&[
        ("category", None, b"../udenfor"),
        ("file", Some("a.txt"), b"Tekst"),
    ]))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // No file at all; not multipart at all.
    let (status, _) = post(multipart(&[("category", None, b"x")])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = call(
        &fixture,
        settings(&fixture, Some(TOKEN)),
        "POST",
        "/api/documents",
        Some(TOKEN),
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Over the size limit (1 MB here).
    let big = vec![b'a'; 2 << 20];
    let (status, _) = post(multipart(&[("file", Some("stor.txt"), &big)])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(files_in(&fixture.corpus()), before, "nothing was written");
    assert!(!fixture.dir.path().join("udenfor").exists());
}

#[tokio::test]
async fn delete_removes_the_file_and_refuses_unknown_ids() {
    let fixture = indexed();
    let delete = |uri: &'static str| {
        let s = settings(&fixture, Some(TOKEN));
        let fixture = &fixture;
        async move { call(fixture, s, "DELETE", uri, Some(TOKEN), Vec::new()).await }
    };
    let id = "kommuner/frivillige-foreninger.txt";
    let (status, json) = delete("/api/documents/kommuner/frivillige-foreninger.txt").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["id"], id);
    assert!(!fixture.corpus().join(id).exists());
    let report = fixture.sync();
    assert_eq!(report.deleted, 1, "{report}");

    std::fs::write(fixture.dir.path().join("secret.txt"), "s").expect("write");
    for uri in [
        "/api/documents/kommuner/frivillige-foreninger.txt",
        "/api/documents/kommuner/ukendt.txt",
        "/api/documents/../secret.txt",
        "/api/documents/kommuner%2F..%2F..%2Fsecret.txt",
    ] {
        let (status, _) = delete(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    assert!(fixture.dir.path().join("secret.txt").exists());
}

#[tokio::test]
async fn an_upload_reaches_search_through_the_watcher() {
    let fixture = indexed();
    let engine = fixture.engine();
    let watch =
        vidensbase::watch::spawn(&fixture.corpus(), &fixture.index(), |_| {}).expect("watch");
    let s = Settings {
        status: Some(watch.status()),
        ..settings(&fixture, Some(TOKEN))
    };
    let (status, _) = call(
        &fixture,
        s.clone(),
        "POST",
        "/api/documents",
        Some(TOKEN),
        multipart(&[(
            "file",
            Some("strandrensning.txt"),
            "Strandrensning\n\nFrivillige samlede affald på stranden ved Moesgaard.".as_bytes(),
        )]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let started = std::time::Instant::now();
    let mut found = false;
    while !found && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = engine.reload();
        found = engine
            .search(&SearchRequest::new("strandrensning"))
            .expect("search")
            .total
            == 1;
    }
    assert!(found, "the uploaded file was not indexed by the watcher");
    // The commit is searchable a moment before the watcher records its time: wait for that.
    let mut json = serde_json::Value::Null;
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        (_, json) = call(&fixture, s.clone(), "GET", "/api/status", None, Vec::new()).await;
        if json["last_commit"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(json["watching"], true, "{json}");
    assert!(json["last_commit"].is_string(), "{json}");
    assert!(
        json["skipped"]
            .as_array()
            .is_some_and(|s| s.iter().any(|w| w["id"] == "kommuner/broken.txt")),
        "{json}"
    );
}
