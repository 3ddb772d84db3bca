//! Files the binary serves as they are: the favicon, the OpenSearch description (so a browser
//! can add the site as a search engine), `robots.txt`, and the two scripts (search as you type,
//! and dropping files on the admin page).
//!
//! Each answers with a strong `ETag` (a hash of its bytes) and `Cache-Control`, and a request
//! that already holds the same bytes (`If-None-Match`) gets 304 without a body.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5cad"/><circle cx="14" cy="14" r="7" fill="none" stroke="#fff" stroke-width="3"/><path d="M19 19l7 7" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>"##;

/// Search engines may read the search pages but need not crawl every query or the admin pages.
const ROBOTS: &str = "User-agent: *\nDisallow: /search\nDisallow: /api/\nDisallow: /admin\n";

const ADMIN_SCRIPT: &str = include_str!("admin.js");
const SEARCH_SCRIPT: &str = include_str!("search.js");

/// One asset: its bytes with their type, cached by the browser for `max_age` seconds and then
/// revalidated by its ETag.
fn asset(headers: &HeaderMap, content_type: &'static str, max_age: u32, body: String) -> Response {
    let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body.as_bytes()));
    let cache = format!("public, max-age={max_age}");
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&cache) {
        out.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// `GET /favicon.svg`.
pub async fn favicon(headers: HeaderMap) -> Response {
    asset(&headers, "image/svg+xml", 86_400, FAVICON.to_string())
}

/// `GET /robots.txt`.
pub async fn robots(headers: HeaderMap) -> Response {
    asset(
        &headers,
        "text/plain; charset=utf-8",
        86_400,
        ROBOTS.to_string(),
    )
}

/// `GET /admin/admin.js`: revalidated on every use, so a new binary's script is never stale.
pub async fn admin_script(headers: HeaderMap) -> Response {
    asset(
        &headers,
        "text/javascript; charset=utf-8",
        0,
        ADMIN_SCRIPT.to_string(),
    )
}

/// `GET /search.js`: search as you type (revalidated on every use, like the admin script).
pub async fn search_script(headers: HeaderMap) -> Response {
    asset(
        &headers,
        "text/javascript; charset=utf-8",
        0,
        SEARCH_SCRIPT.to_string(),
    )
}

/// `scheme://host` of the site as the request names it (the `Host` header when it is a plain
/// host name, `X-Forwarded-Proto: https` behind a TLS proxy), for the absolute addresses of the
/// OpenSearch description and the feeds.
pub(super) fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

/// `GET /opensearch.xml`: the site as a browser search engine, at the address it was asked by
/// (the `Host` header, already checked against the allowed hosts; `https` behind a TLS proxy
/// that says so).
pub async fn opensearch(headers: HeaderMap) -> Response {
    let origin = origin(&headers);
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>vidensbase</ShortName>
  <Description>Søg i dokumenter på dansk og engelsk</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Language>da</Language>
  <Image type="image/svg+xml">{origin}/favicon.svg</Image>
  <Url type="text/html" method="get" template="{origin}/search?q={{searchTerms}}"/>
  <Url type="application/json" method="get" template="{origin}/api/search?q={{searchTerms}}"/>
</OpenSearchDescription>
"#
    );
    asset(
        &headers,
        "application/opensearchdescription+xml",
        3_600,
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn an_asset_the_browser_has_is_not_sent_again() {
        let first = favicon(HeaderMap::new()).await;
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].clone();
        assert!(first.headers()[header::CACHE_CONTROL]
            .to_str()
            .is_ok_and(|c| c.contains("max-age=86400")));
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, etag);
        let second = favicon(again).await;
        assert_eq!(second.status(), StatusCode::NOT_MODIFIED);
        let body = second.into_body().collect().await.map(|b| b.to_bytes());
        assert!(body.is_ok_and(|b| b.is_empty()));
    }

    #[tokio::test]
    async fn the_opensearch_description_names_the_host_it_was_asked_by() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("viden.kommune.example"),
        );
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let body = opensearch(headers).await.into_body().collect().await;
        let text = body.map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned());
        assert!(text.is_ok_and(
            |t| t.contains("template=\"https://viden.kommune.example/search?q={searchTerms}\"")
        ));
    }
}
