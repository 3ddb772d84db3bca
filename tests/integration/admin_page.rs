//! The admin page through the router: closed without a token, sign-in and its cookie, CSRF on
//! every form, upload, two-step delete, the document list with skipped files, sign-out.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use vidensbase::web::{router, Settings};

use crate::common::Fixture;

const TOKEN: &str = "korrekt-hest-batteri-haefteklamme";
const BOUNDARY: &str = "vidensbase-page-boundary";

fn app(fixture: &Fixture, token: Option<&str>) -> Router {
    router(
        fixture.engine(),
        Settings {
            admin_token: token.map(str::to_string),
            ..Settings::new(fixture.corpus())
        },
    )
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let (status, headers, bytes) = crate::common::send_to(app, request).await;
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().uri(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).expect("request")
}

fn form(uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let body = serde_urlencoded::to_string(fields).expect("form");
    request.body(Body::from(body)).expect("request")
}

fn upload(cookie: &str, csrf: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nnoter\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri("/admin/upload")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request")
}

/// Signs in; the cookie to send back and the page's CSRF token.
async fn sign_in(app: &Router) -> (String, String) {
    let answer = send(app, form("/admin/login", None, &[("token", TOKEN)])).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let set = answer.headers[header::SET_COOKIE].to_str().expect("cookie");
    let cookie = set.split(';').next().expect("pair").to_string();
    let page = send(app, get("/admin", Some(&cookie))).await;
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf token in the page")
        .to_string();
    (cookie, csrf)
}

#[tokio::test]
async fn without_a_token_the_admin_page_does_not_exist() {
    let fixture = Fixture::new();
    fixture.sync();
    let app = app(&fixture, None);
    assert_eq!(
        send(&app, get("/admin", None)).await.status,
        StatusCode::NOT_FOUND
    );
    let login = send(&app, form("/admin/login", None, &[("token", TOKEN)])).await;
    assert_eq!(login.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_a_wrong_token_does_not() {
    let fixture = Fixture::new();
    fixture.sync();
    let app = app(&fixture, Some(TOKEN));
    let page = send(&app, get("/admin", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Adgangsnøgle"), "{}", page.body);
    let policy = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp");
    let scripts = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("a script-src directive");
    assert_eq!(scripts, "script-src 'self'", "{policy}");

    let wrong = send(&app, form("/admin/login", None, &[("token", "forkert")])).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    assert!(wrong.body.contains("Forkert adgangsnøgle"));

    let right = send(&app, form("/admin/login", None, &[("token", TOKEN)])).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    let cookie = right.headers[header::SET_COOKIE].to_str().expect("cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/;"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    // Behind a TLS proxy the cookie is Secure.
    let mut request = form("/admin/login", None, &[("token", TOKEN)]);
    request
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().expect("header"));
    let tls = send(&app, request).await;
    assert!(tls.headers[header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .contains("; Secure"));

    // A made-up session is no session.
    let forged = send(&app, get("/admin", Some("vidensbase_session=00ff"))).await;
    assert!(forged.body.contains("Adgangsnøgle"));
}

#[tokio::test]
async fn every_form_needs_the_sessions_csrf_token() {
    let fixture = Fixture::new();
    fixture.sync();
    let app = app(&fixture, Some(TOKEN));
    let (cookie, csrf) = sign_in(&app).await;
    let target = fixture.corpus().join("noter/notat.txt");

    // Without the token, with another, or without the session: 403 and nothing written.
    for (cookie, csrf) in [
        (cookie.as_str(), "forkert"),
        (cookie.as_str(), ""),
        ("vidensbase_session=00ff", csrf.as_str()),
    ] {
        let answer = send(&app, upload(cookie, csrf, "notat.txt", b"Et notat")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
        assert!(!target.exists());
        for uri in ["/admin/reindex", "/admin/logout"] {
            let answer = send(&app, form(uri, Some(cookie), &[("csrf", csrf)])).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{uri}");
        }
        let answer = send(
            &app,
            form(
                "/admin/delete",
                Some(cookie),
                &[
                    ("csrf", csrf),
                    ("id", "irm/dk0058-civil-society-strategy.txt"),
                    ("confirm", "ja"),
                ],
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
    }

    // With it, the upload lands in its category.
    let answer = send(
        &app,
        upload(&cookie, &csrf, "notat.txt", b"Et notat om havne"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        std::fs::read(&target).expect("written"),
        b"Et notat om havne"
    );
    let page = send(&app, get("/admin", Some(&cookie))).await;
    assert!(page.body.contains("Filen er tilføjet"), "{}", page.body);
    // The message is shown once.
    let again = send(&app, get("/admin", Some(&cookie))).await;
    assert!(!again.body.contains("Filen er tilføjet"));

    // A refused upload says why on the page.
    let answer = send(&app, upload(&cookie, &csrf, "program.exe", b"MZ")).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let page = send(&app, get("/admin", Some(&cookie))).await;
    assert!(page.body.contains("Det lykkedes ikke"), "{}", page.body);
}

#[tokio::test]
async fn deleting_asks_first_and_signing_out_ends_the_session() {
    let fixture = Fixture::new();
    fixture.sync();
    let app = app(&fixture, Some(TOKEN));
    let (cookie, csrf) = sign_in(&app).await;
    let id = "irm/dk0058-civil-society-strategy.txt";
    let file = fixture.corpus().join(id);
    assert!(file.exists());

    let ask = send(
        &app,
        form(
            "/admin/delete",
            Some(&cookie),
            &[("csrf", &csrf), ("id", id)],
        ),
    )
    .await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Slet dokument") && ask.body.contains(id));
    assert!(file.exists(), "asking deletes nothing");

    let delete = [("csrf", csrf.as_str()), ("id", id), ("confirm", "ja")];
    let done = send(&app, form("/admin/delete", Some(&cookie), &delete)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(!file.exists());
    // Deleting it again: the page says there is no such document.
    send(&app, form("/admin/delete", Some(&cookie), &delete)).await;
    let page = send(&app, get("/admin", Some(&cookie))).await;
    assert!(
        page.body.contains("dokumentet findes ikke"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("There is no document"),
        "the detail: {}",
        page.body
    );

    let out = send(
        &app,
        form("/admin/logout", Some(&cookie), &[("csrf", &csrf)]),
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = send(&app, get("/admin", Some(&cookie))).await;
    assert!(after.body.contains("Adgangsnøgle"), "signed out");
}

#[tokio::test]
async fn the_document_list_shows_state_and_why_files_were_skipped() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.corpus().join("kommuner/dateret.md"),
        "---\ndate: 2019-07-01\n---\n# Dateret notat\n\nEt notat med en dato.",
    )
    .expect("write");
    let report = fixture.sync();
    assert!(report.skipped > 0);
    let app = app(&fixture, Some(TOKEN));
    let (cookie, _) = sign_in(&app).await;
    let page = send(&app, get("/admin", Some(&cookie))).await;
    assert!(page.body.contains("irm/dk0058-civil-society-strategy.txt"));
    assert!(page.body.contains("Indekseret"));
    // Dates the Danish way.
    let dated = page
        .body
        .split("<tr>")
        .find(|row| row.contains("kommuner/dateret.md"));
    assert!(
        dated.is_some_and(|row| row.contains("<td>1. juli 2019</td>")),
        "{dated:?}"
    );
    // Skipped files are listed, not indexed, with the reason in Danish; the technical detail
    // (English, marked so) only where it says more, and never a path on the server.
    let row = |id: &str| {
        page.body
            .split("<tr>")
            .find(|row| row.contains(id))
            .unwrap_or_else(|| panic!("a row for {id}"))
            .to_string()
    };
    let binary = row("kommuner/broken.txt");
    assert!(
        binary.contains("Ikke indekseret: filen er binær (ikke tekst)"),
        "{binary}"
    );
    assert!(
        !binary.contains("binary") && !binary.contains("lang=\"en\""),
        "{binary}"
    );
    let empty = row("kommuner/empty.txt");
    assert!(empty.contains("filen indeholder ingen tekst"), "{empty}");
    if pdftotext() {
        let damaged = row("kommuner/broken.pdf");
        assert!(
            damaged.contains("filen er beskadiget eller ikke det, filnavnet siger")
                && damaged.contains("Teknisk: <span lang=\"en\">not a readable PDF"),
            "{damaged}"
        );
    }
    let corpus = fixture.corpus().display().to_string();
    assert!(!page.body.contains(&corpus), "a server path in the page");

    // The filter narrows the list by path.
    let filtered = send(&app, get("/admin?filter=BROKEN.TXT", Some(&cookie))).await;
    assert!(filtered.body.contains("broken.txt"));
    assert!(!filtered
        .body
        .contains("irm/dk0058-civil-society-strategy.txt"));
    assert!(filtered.body.contains("1 fil"));

    // Without a watching server there is no rebuild button, and the form says why.
    assert!(!page.body.contains("Indeksér alt forfra"));
}

/// Whether poppler's `pdftotext` is installed (the PDF parts of these tests need it).
fn pdftotext() -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
}

/// Whether the reasons on the page and in `/api/status` name no place on the server: the
/// corpus folder, however it is spelt.
fn names_no_server_path(text: &str, fixture: &Fixture) {
    let root = fixture.dir.path();
    let canonical = std::fs::canonicalize(root).expect("canonical");
    for path in [root, canonical.as_path()] {
        let path = path.display().to_string();
        assert!(!text.contains(&path), "{path} in {text}");
    }
}

/// `vidensbase index` over the fixture with a PATH without pdftotext (or anything else).
fn index_without_pdftotext(fixture: &Fixture) {
    let out = crate::common::binary(&fixture.corpus(), &fixture.index())
        .env("PATH", fixture.dir.path())
        .arg("index")
        .output()
        .expect("run vidensbase");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn files_a_missing_program_keeps_out_are_listed_and_read_again() {
    let fixture = Fixture::new();
    // The first run without pdftotext: the broken PDF needs it.
    index_without_pdftotext(&fixture);
    let app = app(&fixture, Some(TOKEN));
    let (cookie, _) = sign_in(&app).await;
    let page = send(&app, get("/admin?filter=broken.pdf", Some(&cookie))).await;
    assert!(
        page.body.contains(
            "Ikke indekseret: filen kræver programmet pdftotext, som ikke er installeret på serveren"
        ),
        "{}",
        page.body
    );
    names_no_server_path(&page.body, &fixture);
    if !pdftotext() {
        return;
    }
    // The next run (with pdftotext) reads it again instead of trusting the old reason.
    let again = fixture.sync();
    assert_eq!((again.read, again.skipped_before), (1, 2), "{again}");
    let page = send(&app, get("/admin?filter=broken.pdf", Some(&cookie))).await;
    assert!(page.body.contains("filen er beskadiget"), "{}", page.body);

    // An indexed PDF whose program goes missing keeps its earlier version, and one row.
    let pdf = fixture.corpus().join("rapporter/rapport.pdf");
    std::fs::create_dir_all(fixture.corpus().join("rapporter")).expect("mkdir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents/rapport-libreoffice.pdf");
    std::fs::copy(&source, &pdf).expect("copy");
    assert_eq!(fixture.sync().added, 1);
    let mut bytes = std::fs::read(&pdf).expect("read");
    bytes.extend_from_slice(b"\n");
    std::fs::write(&pdf, bytes).expect("change it");
    index_without_pdftotext(&fixture);
    let fresh = self::app(&fixture, Some(TOKEN));
    let (cookie, _) = sign_in(&fresh).await;
    let page = send(&fresh, get("/admin?filter=rapport.pdf", Some(&cookie))).await;
    let rows = page.body.matches("<tr>").count();
    assert_eq!(rows, 2, "the heading and one row: {}", page.body);
    assert!(page.body.contains("Indekseret"), "{}", page.body);
}

#[test]
fn the_public_status_names_files_by_id_and_no_server_path() {
    let fixture = Fixture::new();
    let served = crate::common::Served::start(&fixture.corpus(), &fixture.index(), &[]);
    // The watcher's first sync gives the warnings; wait for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let json = loop {
        let (status, body) = served.get("/api/status");
        assert_eq!(status, 200, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        if json["last_commit"].is_string() || std::time::Instant::now() > deadline {
            break json;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(json["last_commit"].is_string(), "no sync: {json}");
    names_no_server_path(&json.to_string(), &fixture);
    let skipped = json["skipped"].as_array().expect("skipped");
    let binary = skipped
        .iter()
        .find(|s| s["id"] == "kommuner/broken.txt")
        .expect("the binary file is listed by its id");
    assert_eq!(binary["reason"], "looks like a binary file", "{json}");
    assert_eq!(binary["kind"], "binary", "{json}");
    let warnings = json["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w == "skipping kommuner/broken.txt: looks like a binary file"),
        "{json}"
    );
}
