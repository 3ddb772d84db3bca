//! Requests that change something must come from this site: a browser sends `Origin` (and
//! `Sec-Fetch-Site`) with every form post and script request, and one from another site is
//! refused (403) before any handler sees it. This stands beside the CSRF token of every form
//! and the `SameSite=Strict` session cookie; a script without a browser sends neither header
//! and is judged by its token alone.

use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::WebError;

/// Refuses a state-changing request a browser made for another site.
pub async fn same_origin(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !reads && from_elsewhere(request.headers()) {
        return WebError::new(
            StatusCode::FORBIDDEN,
            "This request came from another site; open the page on this site and try again.",
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether a browser says the request comes from another site than the one it is sent to.
fn from_elsewhere(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if text("sec-fetch-site").is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return true;
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return false;
    };
    // `scheme://host[:port]`; `null` (a sandboxed or privacy-sensitive context) is elsewhere.
    let origin_host = origin.split_once("://").map(|(_, host)| host);
    match (origin_host, text(header::HOST.as_str())) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn another_sites_origin_is_refused_and_this_sites_and_none_pass() {
        let host = ("host", "kb.kommune.dk");
        assert!(!from_elsewhere(&headers(&[host])));
        assert!(!from_elsewhere(&headers(&[
            host,
            ("origin", "https://kb.kommune.dk")
        ])));
        assert!(from_elsewhere(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(from_elsewhere(&headers(&[host, ("origin", "null")])));
        assert!(from_elsewhere(&headers(&[
            host,
            ("origin", "https://kb.kommune.dk:444")
        ])));
        assert!(from_elsewhere(&headers(&[
            host,
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(!from_elsewhere(&headers(&[
            host,
            ("sec-fetch-site", "same-origin")
        ])));
    }
}
