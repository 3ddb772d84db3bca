//! The search log through the router: searches that found nothing and searches whose hits
//! nobody opened are counted, personal data is never kept, and the log is the admin token's
//! (`GET /api/search-log`) and the editors' (the admin page).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use vidensbase::searchlog::{SearchLog, FILE};
use vidensbase::web::{router, Settings};

use crate::common::{send_to, shared};

const TOKEN: &str = "korrekt-hest-batteri-haefteklamme";

async fn get(app: &Router, uri: &str, token: bool) -> (StatusCode, String) {
    let mut request = Request::builder().uri(uri);
    if token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    }
    let (status, _, body) = send_to(app, request.body(Body::empty()).expect("request")).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn zero_results_and_unopened_hits_are_counted_and_personal_data_never_kept() {
    let (fixture, _) = shared();
    let dir = tempfile::tempdir().expect("tempdir");
    let log = Arc::new(SearchLog::open(dir.path(), 90));
    let app = router(
        fixture.engine(),
        Settings {
            admin_token: Some(TOKEN.into()),
            search_log: Some(log.clone()),
            ..Settings::new(fixture.corpus())
        },
    );
    for uri in [
        "/search?q=Zzyxqborgerinddragelse",
        "/search?q=zzyxqborgerinddragelse",
        "/search?q=zzyxqborgerinddragelse&prefix=1",
        "/search?q=frivillige",
        "/search?q=ensomhed",
        "/doc/kommuner/frivillige-foreninger.txt?q=ensomhed",
        "/search?q=010203-1234",
        "/search?q=anna.berg%40kommune.dk",
        "/search?q=%2B45+12+34+56+78",
    ] {
        assert_eq!(get(&app, uri, false).await.0, StatusCode::OK, "{uri}");
    }
    assert_eq!(
        get(&app, "/api/search-log", false).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = get(&app, "/api/search-log", true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let zero = &json["zero_results"][0];
    // Counted as typed in full (the search as you type is not), case and spaces aside.
    assert_eq!(zero["query"], "zzyxqborgerinddragelse", "{json}");
    assert_eq!(zero["searches"], 2, "{json}");
    let unopened: Vec<&str> = json["not_opened"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|q| q["query"].as_str())
        .collect();
    assert_eq!(unopened, ["frivillige"], "ensomhed was opened: {json}");
    assert_eq!(json["days_kept"], 90);
    log.save();
    let stored = std::fs::read_to_string(dir.path().join(FILE)).expect("file");
    for personal in ["0102", "anna", "kommune.dk", "45 12", "12 34"] {
        assert!(
            !body.contains(personal) && !stored.contains(personal),
            "{personal}"
        );
    }
    assert!(!stored.contains("127.0.0.1") && stored.contains("zzyxqborgerinddragelse"));
}
