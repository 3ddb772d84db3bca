//! HTTP behaviour through the router, without opening a port.

use axum::http::StatusCode;

use crate::common::*;

async fn get(uri: &str) -> (StatusCode, String) {
    let (fixture, _) = shared();
    let (status, _, bytes) = get_from(fixture.engine(), fixture.corpus(), uri).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn health_and_home() {
    assert_eq!(get("/healthz").await, (StatusCode::OK, "ok".to_string()));
    let (status, body) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<form") && body.contains("name=\"q\""));
}

#[tokio::test]
async fn results_page_lists_hits_with_marks_filters_and_counts() {
    let (status, body) = get("/search?q=frivillige").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<mark>"), "{body}");
    // The title of the hit, with the query word marked in it too.
    assert!(
        body.contains("Kommunernes samarbejde med <mark>frivillige</mark> foreninger"),
        "{body}"
    );
    assert!(body.contains("lang=da"), "filter links: {body}");
    assert!(body.contains("category=kommuner"), "filter links: {body}");
    assert!(
        body.contains("href=\"/doc/kommuner/frivillige-foreninger.txt?q=frivillige\""),
        "{body}"
    );
}

#[tokio::test]
async fn api_returns_the_documented_json() {
    let (status, body) = get("/api/search?q=loneliness&limit=5").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["query"], "loneliness");
    assert!(v["total"].as_u64().expect("total") >= 1);
    assert!(v["took_ms"].as_f64().is_some());
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], EN_LONELINESS);
    assert_eq!(hit["lang"], "en");
    assert_eq!(hit["category"], "reports");
    assert!(hit["score"].as_f64().is_some());
    assert!(hit["snippet"]
        .as_str()
        .expect("snippet")
        .contains("<mark>Loneliness</mark>"));
    assert_eq!(hit["url"], format!("/doc/{EN_LONELINESS}?q=loneliness"));
    // The reader's language and the hit's tier (the English text, in English: the best tier).
    assert_eq!(v["query_lang"], "en");
    assert!(hit["tier"].as_u64().expect("tier") > 0);
}

#[tokio::test]
async fn api_lists_translations_and_can_switch_them_off() {
    let (_, body) = get("/api/search?q=loneliness").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(
        v["expansions"]
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["phrase"] == "ensomhed" && e["lang"] == "da"),
        "{body}"
    );
    let (_, body) = get("/api/search?q=loneliness&expand=false").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["expansions"].as_array().map(Vec::len), Some(0));
    let (_, page) = get("/search?q=loneliness").await;
    assert!(
        page.contains("Søgte også på oversættelserne <em lang=\"da\">ensomhed</em> (dansk)"),
        "{page}"
    );
    assert!(page.contains("expand=false"));
    let (_, page) = get("/search?q=loneliness&ui=en").await;
    assert!(
        page.contains("Also searched for the translations <em lang=\"da\">ensomhed</em> (Danish)"),
        "{page}"
    );
}

#[tokio::test]
async fn document_markup_is_escaped_everywhere() {
    for uri in ["/search?q=cooperation+note", "/search?q=unsafe+text"] {
        let (status, body) = get(uri).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("<script>alert"), "{uri}: {body}");
        assert!(!body.contains("<img src=x"), "{uri}: {body}");
    }
    let (_, body) = get("/search?q=cooperation+note").await;
    assert!(
        body.contains("&lt;img src=x onerror=alert(1)&gt;") || body.contains("&lt;script&gt;"),
        "{body}"
    );

    let (_, body) = get("/api/search?q=quotes").await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let snippet = v["hits"][0]["snippet"].as_str().expect("snippet");
    assert!(
        snippet.contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"),
        "{snippet}"
    );
    assert!(!snippet.contains("<img"), "{snippet}");

    let (status, body) = get(&format!("/doc/{EN_MARKUP}?q=literally")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;"),
        "{body}"
    );
    assert!(
        !body.contains("<script>alert") && !body.contains("<img src=x"),
        "{body}"
    );
    assert!(
        body.contains("<mark id=\"fund-1\">literally</mark>"),
        "{body}"
    );
}

#[tokio::test]
async fn document_page_shows_text_metadata_and_marks() {
    let (status, body) = get(&format!("/doc/{DA_VOLUNTEERS}?q=foreningerne")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Kommunernes samarbejde med frivillige foreninger"));
    // Every match is numbered, the page leads to the first, and each to the next.
    assert!(
        body.contains("<mark id=\"fund-3\">foreningerne</mark>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"#fund-1\">Gå til første fund (3)</a>"),
        "{body}"
    );
    assert!(
        body.contains("<a href=\"#fund-3\" aria-label=\"Næste fund (3 af 3)\">"),
        "{body}"
    );
    assert!(
        body.contains("<h1 lang=\"da\">Kommunernes samarbejde"),
        "{body}"
    );
    assert!(body.contains("dansk") && body.contains("kommuner"));
    let (status, _) = get("/doc/no/such/doc.txt").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn malformed_queries_never_fail_the_server() {
    let long = "kommune%20".repeat(600);
    let long_word = "a".repeat(5000);
    let queries = [
        "",
        "q=",
        "q=%22",
        "q=%22civil",
        "q=civil%22society",
        "q=AND",
        "q=OR+NOT",
        "q=-",
        "q=--",
        "q=%2B%2B",
        "q=*",
        "q=%3F",
        "q=~2",
        "q=title%3A",
        "q=title%3Afoo",
        "q=lang%3Ada",
        "q=(((",
        "q=)]}",
        "q=%5C",
        "q=%00",
        "q=%FF%FE",
        "q=%F0%9F%98%80",
        "q=%3Cscript%3E",
        "q=a%26b%3Dc",
        "q=%25",
        "q=kommune&q=two",
        "q=x&page=-1",
        "q=x&page=abc",
        "q=x&page=99999999999999999999",
        "q=x&limit=0",
        "q=x&limit=-5",
        "q=x&limit=abc",
        "q=x&offset=99999999",
        "q=x&category=%00",
        "q=x&expand=maybe",
        "q=DK0058)",
        "q=%22%22%22",
        "q=-%22civil+society%22",
    ];
    for path in ["/search", "/api/search"] {
        for q in queries {
            let (status, body) = get(&format!("{path}?{q}")).await;
            assert!(status.is_success(), "{path}?{q} gave {status}: {body}");
        }
        let (status, _) = get(&format!("{path}?q={long}")).await;
        assert!(status.is_success(), "long query gave {status}");
        let (status, _) = get(&format!("{path}?q={long_word}")).await;
        assert!(status.is_success(), "long word gave {status}");
        // An unknown language is the user's mistake: a clear 400, not a 500.
        let (status, body) = get(&format!("{path}?q=x&lang=xx")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body.contains("unknown language"), "{body}");
    }
    let (status, _) = get("/doc/").await;
    assert!(status.is_client_error(), "{status}");
    let (status, _) = get("/doc/%2e%2e/%2e%2e/etc/passwd").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get("/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (fixture, _) = shared();
    let get_headers = |uri: &'static str| async move {
        let (status, headers, _) = get_from(fixture.engine(), fixture.corpus(), uri).await;
        (status, headers)
    };
    for uri in [
        "/",
        "/search?q=frivillige",
        "/doc/kommuner/frivillige-foreninger.txt",
        "/no/such/page",
        "/api/search?q=frivillige",
        "/api/search?q=x&lang=xx",
        "/healthz",
    ] {
        let (_, headers) = get_headers(uri).await;
        assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{uri}");
        let html = headers["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html"));
        if html {
            let policy = headers["content-security-policy"].to_str().expect("ascii");
            assert!(policy.contains("default-src 'none'"), "{uri}: {policy}");
            // Only the site's own script files run: nothing inline, nothing from elsewhere.
            let scripts = policy
                .split(';')
                .map(str::trim)
                .find(|d| d.starts_with("script-src"));
            assert_eq!(scripts, Some("script-src 'self'"), "{uri}: {policy}");
            assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
        }
    }
    // A scraped page served as it was is sandboxed: its scripts never run on this origin.
    let (status, headers) = get_headers("/files/guidance/cooperation-guide.html").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-security-policy"], "sandbox");
}

#[tokio::test]
async fn a_loopback_server_answers_only_to_its_own_names() {
    use tower::ServiceExt;
    let (fixture, _) = shared();
    let settings = vidensbase::web::Settings {
        allowed_hosts: Some(
            vidensbase::web::LOOPBACK_HOSTS
                .iter()
                .map(|h| h.to_string())
                .collect(),
        ),
        ..vidensbase::web::Settings::new(fixture.corpus())
    };
    for (host, expected) in [
        ("localhost:8080", StatusCode::OK),
        ("127.0.0.1:8080", StatusCode::OK),
        ("rebound.example:8080", StatusCode::MISDIRECTED_REQUEST),
        ("rebound.example", StatusCode::MISDIRECTED_REQUEST),
    ] {
        for uri in [
            "/api/search?q=frivillige",
            "/files/kommuner/frivillige-foreninger.txt",
        ] {
            let response = vidensbase::web::router(fixture.engine(), settings.clone())
                .oneshot(
                    axum::http::Request::builder()
                        .uri(uri)
                        .header(axum::http::header::HOST, host)
                        .body(axum::body::Body::empty())
                        .expect("request"),
                )
                .await
                .expect("response");
            assert_eq!(response.status(), expected, "{host} {uri}");
        }
    }
}
