//! Staff sign-in through the router: local accounts on `/login` (roles, limits, sign-out, an
//! account removed), the single sign-on proxy's headers (trusted from its address only), forms
//! from another site refused, and the audit log.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use vidensbase::access::Role;
use vidensbase::web::{router, Proxy, Settings};

use crate::common::{form_post as post, get_with_cookie as get, indexed, send_to, write_files};

const PASSWORD: &str = "korrekt hest batteri";

struct Site {
    corpus: tempfile::TempDir,
    _index: tempfile::TempDir,
    staff: tempfile::TempDir,
    app: Router,
}

impl Site {
    fn users(&self) -> std::path::PathBuf {
        self.staff.path().join("brugere.json")
    }

    fn audit(&self) -> String {
        std::fs::read_to_string(self.staff.path().join("revisionslog.jsonl")).unwrap_or_default()
    }
}

/// A public document about snails and an internal one with the word `skovsneglehus`.
pub fn write_staff_corpus(corpus: &std::path::Path) {
    write_files(
        corpus,
        [
            ("synlighed.tsv", &b"intern/\tintern\n"[..]),
            (
                "intern/notat.md",
                &b"# Notat\n\nSkovsneglehus er et internt ord."[..],
            ),
            (
                "nyt/a.md",
                &b"# Nyt\n\nEt offentligt dokument om snegle."[..],
            ),
        ],
    );
}

fn site() -> Site {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_staff_corpus(corpus.path());
    let (index, engine) = indexed(corpus.path());
    let staff = tempfile::tempdir().expect("tempdir");
    let users = staff.path().join("brugere.json");
    for (name, role) in [
        ("laila", Role::Reader),
        ("erik", Role::Editor),
        ("ada", Role::Admin),
    ] {
        vidensbase::accounts::add(&users, name, role, PASSWORD).expect("account");
    }
    let settings = Settings {
        accounts: Some(Arc::new(vidensbase::accounts::Accounts::new(&users))),
        audit: Some(Arc::new(vidensbase::audit::Audit::in_folder(staff.path()))),
        proxy: Some(Proxy {
            addresses: vec!["10.0.0.5".parse().expect("ip")],
            user_header: "X-Forwarded-User".into(),
            groups_header: "X-Forwarded-Groups".into(),
            group_roles: vec![("vb-redaktion".into(), Role::Editor)],
        }),
        ..Settings::new(corpus.path().to_path_buf())
    };
    let app = router(engine, settings);
    Site {
        corpus,
        _index: index,
        staff,
        app,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let (status, headers, body) = send_to(app, request).await;
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Signs `name` in: the session cookie.
async fn sign_in(app: &Router, name: &str, password: &str) -> Answer {
    let form = [
        ("name", name),
        ("password", password),
        ("next", "/search?q=x"),
    ];
    send(app, post("/login", "", &form)).await
}

fn cookie_of(answer: &Answer) -> String {
    let set = answer.headers[header::SET_COOKIE].to_str().expect("cookie");
    set.split(';').next().expect("pair").to_string()
}

/// The CSRF token of the page at `uri` (its sign-out or admin forms).
async fn csrf(app: &Router, uri: &str, cookie: &str) -> String {
    let page = send(app, get(uri, cookie)).await.body;
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrf token on {uri}: {page}"))
        .to_string()
}

async fn internal_hits(app: &Router, request: Request<Body>) -> u64 {
    let answer = send(app, request).await;
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json");
    json["total"].as_u64().expect("total")
}

#[tokio::test]
async fn a_reader_signs_in_sees_internal_documents_and_signs_out() {
    let site = site();
    let form = send(&site.app, get("/login?ui=en", "")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("type=\"password\"") && form.body.contains("Sign in"));
    let wrong = sign_in(&site.app, "laila", "forkert kodeord her").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));
    let signed_in = sign_in(&site.app, "laila", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers[header::LOCATION], "/search?q=x");
    let cookie = cookie_of(&signed_in);
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/;"] {
        assert!(signed_in.headers[header::SET_COOKIE]
            .to_str()
            .expect("ascii")
            .contains(flag));
    }
    let search = || get("/api/search?q=skovsneglehus", &cookie);
    assert_eq!(internal_hits(&site.app, search()).await, 1);
    assert_eq!(
        internal_hits(&site.app, get("/api/search?q=skovsneglehus", "")).await,
        0
    );
    let page = send(&site.app, get("/", &cookie)).await.body;
    assert!(
        page.contains("Logget ind som") && page.contains("laila"),
        "{page}"
    );
    // A reader does not edit.
    assert_eq!(
        send(&site.app, get("/admin", &cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    let token = csrf(&site.app, "/", &cookie).await;
    let out = send(&site.app, post("/logout", &cookie, &[("csrf", &token)])).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.headers[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .contains("Max-Age=0"));
    assert_eq!(internal_hits(&site.app, search()).await, 0);
    let audit = site.audit();
    for event in ["\"sign-in-failed\"", "\"sign-in\"", "\"sign-out\""] {
        assert!(audit.contains(event), "{audit}");
    }
    assert!(!audit.contains(PASSWORD) && !audit.contains("forkert kodeord"));
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_name_and_per_client() {
    let site = site();
    for _ in 0..10 {
        let answer = sign_in(&site.app, "erik", "gæt et kodeord nu").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    // Past the limit even the right password is not checked: guessing gets no answer.
    let blocked = sign_in(&site.app, "erik", PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!blocked.headers.contains_key(header::SET_COOKIE));
    // The same client is over its own limit for any name (the tests' client is one unknown peer).
    let other = sign_in(&site.app, "ada", PASSWORD).await;
    assert_eq!(other.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn roles_decide_what_the_admin_page_allows_and_a_removed_account_is_out() {
    let site = site();
    let editor = cookie_of(&sign_in(&site.app, "erik", PASSWORD).await);
    let admin = cookie_of(&sign_in(&site.app, "ada", PASSWORD).await);
    let page = send(&site.app, get("/admin", &editor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Revisionslog"),
        "an editor reads no audit log"
    );
    let token = csrf(&site.app, "/admin", &editor).await;
    let visibility = [
        ("csrf", token.as_str()),
        ("id", "nyt/a.md"),
        ("visibility", "intern"),
    ];
    let set = send(&site.app, post("/admin/visibility", &editor, &visibility)).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let rebuild = send(
        &site.app,
        post("/admin/reindex", &editor, &[("csrf", &token)]),
    )
    .await;
    assert_eq!(rebuild.status, StatusCode::FORBIDDEN);
    let page = send(&site.app, get("/admin", &admin)).await;
    assert!(
        page.body.contains("Revisionslog") && page.body.contains("erik"),
        "{}",
        page.body
    );
    assert!(site.audit().contains("\"visibility\""));
    vidensbase::accounts::remove(&site.users(), "erik").expect("remove");
    assert_eq!(
        send(&site.app, get("/admin", &editor)).await.status,
        StatusCode::OK
    );
    let after = send(&site.app, get("/admin", &editor)).await.body;
    assert!(
        after.contains("name=\"token\"") || after.contains("/login"),
        "signed out: {after}"
    );
    let search = get("/api/search?q=skovsneglehus", &editor);
    assert_eq!(internal_hits(&site.app, search).await, 0);
}

#[tokio::test]
async fn the_proxy_signs_staff_in_only_from_its_own_address() {
    let site = site();
    let through = |peer: &str, user: Option<&str>, groups: &str, uri: &str| {
        let mut request = Request::builder()
            .uri(uri)
            .header("X-Forwarded-Groups", groups);
        if let Some(user) = user {
            request = request.header("X-Forwarded-User", user);
        }
        let mut request = request.body(Body::empty()).expect("request");
        let peer: SocketAddr = format!("{peer}:443").parse().expect("peer");
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    };
    let q = "/api/search?q=skovsneglehus";
    assert_eq!(
        internal_hits(&site.app, through("10.0.0.5", Some("anna"), "", q)).await,
        1
    );
    assert_eq!(
        internal_hits(&site.app, through("10.0.0.6", Some("anna"), "", q)).await,
        0
    );
    assert_eq!(
        internal_hits(&site.app, through("10.0.0.5", None, "", q)).await,
        0
    );
    // A reader by default; a group the configuration names makes an editor.
    let admin = |groups| through("10.0.0.5", Some("anna"), groups, "/admin");
    assert_eq!(
        send(&site.app, admin("")).await.status,
        StatusCode::FORBIDDEN
    );
    let page = send(&site.app, admin("alle, vb-redaktion")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"csrf\""));
}

#[tokio::test]
async fn a_form_from_another_site_is_refused() {
    let site = site();
    let admin = cookie_of(&sign_in(&site.app, "ada", PASSWORD).await);
    let token = csrf(&site.app, "/admin", &admin).await;
    let form = [
        ("csrf", token.as_str()),
        ("id", "nyt/a.md"),
        ("visibility", "intern"),
    ];
    let rules = || std::fs::read_to_string(site.corpus.path().join("synlighed.tsv"));
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let mut request = post("/admin/visibility", &admin, &form);
        request
            .headers_mut()
            .insert(name, value.parse().expect("header"));
        assert_eq!(send(&site.app, request).await.status, StatusCode::FORBIDDEN);
        assert!(!rules().expect("rules").contains("nyt/a.md"));
    }
    let mut request = post("/admin/visibility", &admin, &form);
    request
        .headers_mut()
        .insert("origin", "http://kb.example".parse().expect("header"));
    assert_eq!(send(&site.app, request).await.status, StatusCode::SEE_OTHER);
    assert!(rules().expect("rules").contains("nyt/a.md\tintern"));
}

#[tokio::test]
async fn an_administrator_manages_accounts_on_the_admin_page() {
    let site = site();
    let admin = cookie_of(&sign_in(&site.app, "ada", PASSWORD).await);
    let editor = cookie_of(&sign_in(&site.app, "erik", PASSWORD).await);
    let page = send(&site.app, get("/admin", &admin)).await.body;
    assert!(
        page.contains("accounts-h") && page.contains("laila"),
        "{page}"
    );
    assert!(!send(&site.app, get("/admin", &editor))
        .await
        .body
        .contains("accounts-h"));
    let token = csrf(&site.app, "/admin", &admin).await;
    let add = [
        ("csrf", token.as_str()),
        ("action", "add"),
        ("name", "nina"),
        ("role", "reader"),
        ("password", "et langt nyt kodeord"),
    ];
    let editors_token = csrf(&site.app, "/admin", &editor).await;
    let mut by_editor = add;
    by_editor[0] = ("csrf", editors_token.as_str());
    let refused = send(&site.app, post("/admin/accounts", &editor, &by_editor)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        sign_in(&site.app, "nina", "et langt nyt kodeord")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let added = send(&site.app, post("/admin/accounts", &admin, &add)).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sign_in(&site.app, "nina", "et langt nyt kodeord")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let remove = [
        ("csrf", token.as_str()),
        ("action", "remove"),
        ("name", "nina"),
    ];
    assert_eq!(
        send(&site.app, post("/admin/accounts", &admin, &remove))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&site.app, "nina", "et langt nyt kodeord")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert!(site.audit().contains("\"account\""), "{}", site.audit());
}
