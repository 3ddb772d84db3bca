//! The editors' synonyms and translations through the router: a search that found nothing is
//! listed on the admin page with a way to add a synonym; the synonym, added there, works in the
//! next search (shown as an expansion), without a rebuild; removed, it is gone again.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use vidensbase::search::Engine;
use vidensbase::web::{router, Settings};

use crate::common::{form_post as post, get_with_cookie as get, indexed, send_to, write_files};

const TOKEN: &str = "korrekt-hest-batteri-haefteklamme";

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let (status, _, body) = send_to(app, request).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn total(app: &Router, q: &str) -> (u64, String) {
    let (_, body) = send(app, get(&format!("/api/search?q={q}"), "")).await;
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    (
        json["total"].as_u64().expect("total"),
        json["expansions"].to_string(),
    )
}

#[tokio::test]
async fn an_editor_adds_a_synonym_for_a_search_that_found_nothing() {
    let corpus = tempfile::tempdir().expect("tempdir");
    write_files(
        corpus.path(),
        [
            (
                "nyt/medborgerskab.md",
                &b"# Medborgerskab\n\nKommunen styrker medborgerskab i lokalsamfundet."[..],
            ),
            (
                "en/policy.md",
                &b"# Volunteering policy\n\nThe volunteering policy of the municipality."[..],
            ),
        ],
    );
    let (index, _) = indexed(corpus.path());
    let engine = Engine::open(index.path())
        .expect("engine")
        .read_synonyms_from(corpus.path());
    let log_dir = tempfile::tempdir().expect("tempdir");
    let log = vidensbase::searchlog::SearchLog::open(log_dir.path(), 90);
    let app = router(
        engine,
        Settings {
            admin_token: Some(TOKEN.into()),
            search_log: Some(std::sync::Arc::new(log)),
            ..Settings::new(corpus.path().to_path_buf())
        },
    );
    assert_eq!(total(&app, "borgerinddragelse").await.0, 0);
    assert_eq!(
        send(&app, get("/search?q=borgerinddragelse", "")).await.0,
        StatusCode::OK
    );
    // The admin page lists the search, with a link that fills the synonym form.
    let login = post("/admin/login", "", &[("token", TOKEN)]);
    let (_, headers, _) = send_to(&app, login).await;
    let set = headers[header::SET_COOKIE].to_str().expect("cookie");
    let cookie = set.split(';').next().expect("pair").to_string();
    let (_, page) = send(&app, get("/admin", &cookie)).await;
    assert!(
        page.contains("/admin?synonym=borgerinddragelse#synonymer"),
        "{page}"
    );
    let (_, page) = send(&app, get("/admin?synonym=borgerinddragelse", &cookie)).await;
    assert!(
        page.contains("name=\"left\" value=\"borgerinddragelse\""),
        "{page}"
    );
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf")
        .to_string();
    let add = [
        ("csrf", csrf.as_str()),
        ("action", "add"),
        ("left", "borgerinddragelse"),
        ("kind", "synonym"),
        ("right", "medborgerskab"),
    ];
    assert_eq!(
        send(&app, post("/admin/synonyms", &cookie, &add)).await.0,
        StatusCode::SEE_OTHER
    );
    let (found, expansions) = total(&app, "borgerinddragelsen").await;
    assert_eq!(found, 1, "the synonym works at once, inflected too");
    assert!(expansions.contains("medborgerskab"), "{expansions}");
    let pair = [
        ("csrf", csrf.as_str()),
        ("action", "add"),
        ("left", "frivillighedspolitik"),
        ("kind", "translation"),
        ("right", "volunteering policy"),
    ];
    assert_eq!(
        send(&app, post("/admin/synonyms", &cookie, &pair)).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(total(&app, "frivillighedspolitik").await.0, 1);
    let file = std::fs::read_to_string(corpus.path().join("synonymer.tsv")).expect("file");
    assert!(
        file.contains("borgerinddragelse = medborgerskab\n"),
        "{file}"
    );
    assert!(
        file.contains("frivillighedspolitik <> volunteering policy\n"),
        "{file}"
    );
    let remove = [
        ("csrf", csrf.as_str()),
        ("action", "remove"),
        ("line", "borgerinddragelse = medborgerskab"),
    ];
    assert_eq!(
        send(&app, post("/admin/synonyms", &cookie, &remove))
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(total(&app, "borgerinddragelse").await.0, 0);
    // Without the session's token nothing changes.
    let forged = [
        ("csrf", "x"),
        ("action", "add"),
        ("left", "a"),
        ("kind", "synonym"),
        ("right", "b"),
    ];
    assert_eq!(
        send(&app, post("/admin/synonyms", &cookie, &forged))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}
