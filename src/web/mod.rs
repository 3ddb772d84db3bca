//! The web application: routes, request parameters, thin handlers and the error page.
//!
//! Handlers parse the request into typed parameters (which never reject: a malformed number falls
//! back to its default, an unknown language is a clear 400), run the search on the blocking pool
//! so the async runtime never waits on index work, and render the result with [`views`] as HTML
//! or as JSON from the same value. Every error becomes a page or a JSON object with a plain
//! message; internal details are logged, not shown.

mod admin;
mod admin_page;
mod admin_texts;
mod assets;
mod error;
mod feed;
mod files;
mod found;
pub mod json;
mod origin;
mod params;
mod routes;
pub mod server;
mod session;
mod settings;
mod signin;
mod ui;
mod viewer;
mod views;

pub use error::WebError;
use files::original_file;
pub use params::SearchParams;
pub use settings::{Proxy, Settings, MAX_UPLOAD};
pub use ui::{Categories, Site, Ui};
use viewer::Viewer;

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Json, Router};

use crate::access::Audience;
use crate::error::Error;
use crate::search::{Current, Engine, SearchRequest, SearchResults, DEFAULT_LIMIT, MAX_LIMIT};

/// Results per page on the HTML results page.
pub const PAGE_SIZE: usize = 10;

/// The names a server bound to loopback answers to unless told otherwise.
pub const LOOPBACK_HOSTS: [&str; 4] = ["localhost", "127.0.0.1", "::1", "[::1]"];

/// Whether a request's `Host` header names an allowed host (a request without one is allowed:
/// a browser always sends it, so a rebinding attack always has one).
fn host_allowed(allowed: &[String], host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let name = match host.rsplit_once(':') {
        // `[::1]:8080`, `localhost:8080`; a bare IPv6 address has more colons.
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => {
            name
        }
        _ => host,
    };
    allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// Refuses requests addressed to a host not in `Settings::allowed_hosts` (421).
async fn check_host(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if let Some(allowed) = &state.settings.allowed_hosts {
        let host = request
            .headers()
            .get(header::HOST)
            .map(|h| h.to_str().unwrap_or("\u{fffd}"));
        if !host_allowed(allowed, host) {
            return WebError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "This server does not answer to that host name.",
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// What every handler shares.
pub struct AppState {
    engine: Arc<Current>,
    pub settings: Settings,
    /// Signed-in sessions (the admin token's and the accounts').
    sessions: session::Sessions,
    /// Messages for the admin page after a redirect.
    flashes: admin_page::Flashes,
    /// Recent failed sign-ins, per client (for rate limiting).
    failures: admin::Failures,
    /// Recent failed password sign-ins, per account name.
    name_failures: admin::Failures<String>,
    /// Password checks at once: each takes Argon2's 19 MiB and a core's time.
    verifying: tokio::sync::Semaphore,
    /// Random for each start of the server: the key of the proxy users' form tokens (none
    /// without the system's random numbers: the proxy's users then have no admin page forms).
    secret: Option<[u8; 32]>,
}

impl AppState {
    /// The engine to answer this request with.
    fn engine(&self) -> Arc<Engine> {
        self.engine.get()
    }

    /// The request's session, with its role as the accounts file says now: a session whose
    /// account was removed has ended.
    fn signed_in(&self, headers: &axum::http::HeaderMap) -> Option<session::SignedIn> {
        let mut signed_in = self.sessions.of(headers)?;
        if signed_in.staff.name == session::TOKEN_NAME {
            return self.settings.admin_token.is_some().then_some(signed_in);
        }
        match self
            .settings
            .accounts
            .as_deref()
            .and_then(|a| a.find(&signed_in.staff.name))
        {
            Some(now) => {
                signed_in.staff = now;
                Some(signed_in)
            }
            None => {
                self.sessions.end(&signed_in.id);
                None
            }
        }
    }

    /// The day the index last changed (its `meta.json`), in UTC.
    fn index_changed(&self) -> Option<crate::date::Date> {
        let changed = self.engine().changed()?;
        crate::date::Date::of_day(time::OffsetDateTime::from(changed).date())
    }

    /// The admin page's stand-in for a session of a person the proxy signed in: their forms
    /// carry a token made from their name and this server's secret.
    fn proxy_session(&self, staff: crate::access::Staff) -> Option<session::SignedIn> {
        use blake2::Digest;
        let mut hash = blake2::Blake2b512::new();
        hash.update(self.secret?);
        hash.update(staff.name.as_bytes());
        let csrf = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Some(session::SignedIn {
            id: format!("proxy:{}", staff.name),
            staff,
            csrf,
        })
    }

    /// Records an event in the audit log, when the server keeps one.
    fn audit(&self, who: &str, what: crate::audit::What, detail: &str) {
        match &self.settings.audit {
            Some(audit) => audit.record(who, what, detail),
            None => tracing::info!(who, what = ?what, detail, "audit"),
        }
    }

    /// What a page needs to render for the request at `here`.
    fn ctx<'a>(&'a self, here: &'a Here) -> views::Ctx<'a> {
        views::Ctx {
            ui: here.ui,
            site: &self.settings.site,
            categories: &self.settings.categories,
            here: &here.path,
            staff: here.staff.as_ref(),
            sign_in: self.settings.accounts.is_some(),
            changed: self.index_changed(),
        }
    }

    /// An error as a page in the request's interface language.
    fn error_page(&self, here: &Here, e: WebError) -> Response {
        let page = views::error(&self.ctx(here), e.status, &e.message).into_string();
        (
            e.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response()
    }
}

/// Where a page request is: its path and query, and the interface language it asks for.
pub struct Here {
    pub ui: Ui,
    pub path: String,
    /// Who is signed in, for the page's header.
    pub staff: Option<views::SignedInBar>,
}

impl FromRequestParts<Arc<AppState>> for Here {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let staff = match state.signed_in(&parts.headers) {
            Some(s) => Some(views::SignedInBar {
                staff: s.staff,
                csrf: Some(s.csrf),
            }),
            None => viewer::from_proxy(state, parts)
                .map(|staff| views::SignedInBar { staff, csrf: None }),
        };
        Ok(Here {
            ui: Ui::from_query(parts.uri.query().unwrap_or("")),
            path: parts
                .uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string()),
            staff,
        })
    }
}

/// The application's routes. Tests drive this with `tower::ServiceExt::oneshot`.
pub fn router(engine: Engine, settings: Settings) -> Router {
    router_with(Arc::new(Current::new(engine)), settings)
}

/// The routes over an engine that others also hold (the watcher refreshes it after a sync).
pub fn router_with(engine: Arc<Current>, settings: Settings) -> Router {
    let max_upload = settings.max_upload;
    let state = Arc::new(AppState {
        engine,
        settings,
        sessions: Default::default(),
        flashes: Default::default(),
        failures: Default::default(),
        name_failures: Default::default(),
        verifying: tokio::sync::Semaphore::new(2),
        secret: {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).ok().map(|()| secret)
        },
    });
    routes::table(max_upload)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(origin::same_origin))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            check_host,
        ))
        .with_state(state)
        .layer(axum::middleware::map_response(security_headers))
        // gzip when the client accepts it (pages and JSON; tower-http leaves small bodies and
        // images alone).
        .layer(tower_http::compression::CompressionLayer::new())
}

/// The site's pages load nothing from elsewhere; their one stylesheet is inline, their scripts
/// are the binary's own files (`/search.js`, `/admin/admin.js`), which only fetch from the site.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; \
                           connect-src 'self'; img-src 'self'; form-action 'self'; \
                           frame-ancestors 'none'; base-uri 'none'";

/// Headers on every response: no content sniffing, no referrer sent elsewhere, and for HTML
/// without a policy of its own (an original served from `/files` brings `sandbox`) the site's
/// content security policy. Originals in other formats get none, so a browser's PDF viewer works.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(PAGE_POLICY),
        );
    }
    response
}

/// Runs a search on the blocking pool.
async fn run_search(state: Arc<AppState>, request: SearchRequest) -> Result<SearchResults, Error> {
    tokio::task::spawn_blocking(move || state.engine().search(&request))
        .await
        .map_err(|e| Error::Internal(format!("search task failed: {e}")))
        .and_then(|r| r)
}

/// A response for staff may show internal documents: no shared cache may keep it for others.
fn private_for(audience: Audience, mut response: Response) -> Response {
    if audience == Audience::Staff {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

async fn home(State(state): State<Arc<AppState>>, viewer: Viewer, here: Here) -> Response {
    let audience = viewer.audience;
    let engine = state.engine();
    let documents = tokio::task::spawn_blocking(move || engine.num_docs_for(audience)).await;
    match documents
        .map_err(|e| Error::Internal(e.to_string()))
        .and_then(|n| n)
    {
        Ok(n) => private_for(
            audience,
            Html(views::home(&state.ctx(&here), n).into_string()).into_response(),
        ),
        Err(e) => state.error_page(&here, WebError::from(e)),
    }
}

async fn search_page(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    here: Here,
    params: SearchParams,
) -> Response {
    let audience = viewer.audience;
    let offset = (params.page() - 1) * PAGE_SIZE;
    let results = match params.request(PAGE_SIZE, offset, true, audience) {
        Ok(request) => run_search(state.clone(), request)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    if let (Ok(results), Some(log)) = (&results, &state.settings.search_log) {
        // What a person searched for: the finished query (not each keystroke), its first page.
        if !params.as_typed && params.page() == 1 && !params.q.trim().is_empty() {
            let suggestion = results.suggestion.as_ref().map(|s| s.query.as_str());
            log.record(&params.q, results.total, suggestion);
        }
    }
    match results {
        Ok(results) => private_for(
            audience,
            Html(views::results(&state.ctx(&here), &params, &results).into_string())
                .into_response(),
        ),
        Err(e) => state.error_page(&here, e),
    }
}

async fn search_api(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    params: SearchParams,
) -> Response {
    let audience = viewer.audience;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let request = match params.request(limit, params.offset.unwrap_or(0), false, audience) {
        Ok(r) => r,
        Err(e) => return e.json(),
    };
    match run_search(state, request).await {
        Ok(r) => private_for(audience, Json(json::Results::of(&r)).into_response()),
        Err(e) => WebError::from(e).json(),
    }
}

async fn document_page(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    here: Here,
    Path(id): Path<String>,
    params: SearchParams,
) -> Response {
    let audience = viewer.audience;
    let q = params.q.clone();
    if let Some(log) = state
        .settings
        .search_log
        .as_deref()
        .filter(|_| !q.trim().is_empty())
    {
        log.opened(&q);
    }
    let shared = state.clone();
    let doc =
        tokio::task::spawn_blocking(move || shared.engine().document(&id, Some(&q), audience))
            .await
            .map_err(|e| WebError::internal(e.to_string()))
            .and_then(|doc| doc.map_err(WebError::from));
    match doc {
        Ok(doc) => private_for(
            audience,
            Html(views::document(&state.ctx(&here), &doc, &params).into_string()).into_response(),
        ),
        Err(e) => state.error_page(&here, e),
    }
}

/// `/was`: the accessibility statement.
async fn statement(State(state): State<Arc<AppState>>, here: Here) -> Html<String> {
    Html(views::statement(&state.ctx(&here)).into_string())
}

async fn not_found(State(state): State<Arc<AppState>>, here: Here) -> Response {
    state.error_page(
        &here,
        WebError::not_found("There is no page at this address."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_checked_without_their_port() {
        let allowed: Vec<String> = LOOPBACK_HOSTS.iter().map(|h| h.to_string()).collect();
        for host in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "LOCALHOST",
        ] {
            assert!(host_allowed(&allowed, Some(host)), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "",
        ] {
            assert!(!host_allowed(&allowed, Some(host)), "{host}");
        }
        assert!(host_allowed(&allowed, None));
    }
}
