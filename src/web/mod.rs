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
mod files;
mod found;
pub mod json;
mod params;
pub mod server;
mod ui;
mod viewer;
mod views;

pub use error::WebError;
use files::original_file;
pub use params::SearchParams;
pub use ui::{Categories, Site, Ui};
use viewer::Viewer;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::access::Audience;
use crate::error::Error;
use crate::search::{Current, Engine, SearchRequest, SearchResults, DEFAULT_LIMIT, MAX_LIMIT};

/// Results per page on the HTML results page.
pub const PAGE_SIZE: usize = 10;

/// How the server is set up, beside its index.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The corpus folder the index is built from: where `/files/{id}` reads originals and the
    /// admin API writes uploads.
    pub corpus: PathBuf,
    /// The admin API's bearer token; without one the admin routes answer 404.
    pub admin_token: Option<String>,
    /// Largest upload in bytes.
    pub max_upload: usize,
    /// The corpus watcher's state, for `/api/status` (none when not watching).
    pub status: Option<Arc<crate::watch::Status>>,
    /// Host names requests may be addressed to (the `Host` header, port aside); none: any. A
    /// server on loopback allows only its own names, so a web page whose name an attacker points
    /// at 127.0.0.1 (DNS rebinding) cannot read it.
    pub allowed_hosts: Option<Vec<String>>,
    /// Starts a rebuild of the index (the watcher's; none when not watching).
    pub rebuilder: Option<Arc<crate::watch::Rebuilder>>,
    /// Who runs the site (footer, accessibility statement).
    pub site: Site,
    /// Display names of the category folders (`kategorier.tsv` in the corpus).
    pub categories: Categories,
}

/// Default largest upload: 100 MB.
pub const MAX_UPLOAD: usize = 100 << 20;

impl Settings {
    /// Serving `corpus`, admin API closed.
    pub fn new(corpus: PathBuf) -> Settings {
        let corpus = crate::corpus::resolve(&corpus);
        Settings {
            categories: Categories::load(&corpus),
            site: Site::default(),
            corpus,
            admin_token: None,
            max_upload: MAX_UPLOAD,
            status: None,
            allowed_hosts: None,
            rebuilder: None,
        }
    }
}

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
    /// Signed-in sessions of the admin page.
    sessions: admin_page::Sessions,
    /// Recent failed admin sign-ins, per client (for rate limiting).
    failures: admin::Failures,
}

impl AppState {
    /// The engine to answer this request with.
    fn engine(&self) -> Arc<Engine> {
        self.engine.get()
    }

    /// What a page needs to render for the request at `here`.
    fn ctx<'a>(&'a self, here: &'a Here) -> views::Ctx<'a> {
        views::Ctx {
            ui: here.ui,
            site: &self.settings.site,
            categories: &self.settings.categories,
            here: &here.path,
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
}

impl<S: Send + Sync> FromRequestParts<S> for Here {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Here {
            ui: Ui::from_query(parts.uri.query().unwrap_or("")),
            path: parts
                .uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string()),
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
        failures: Default::default(),
    });
    Router::new()
        .route("/", get(home))
        .route("/search", get(search_page))
        .route("/api/search", get(search_api))
        .route("/doc/{*id}", get(document_page))
        .route("/was", get(statement))
        .route("/files/{*id}", get(original_file))
        .route("/api/status", get(admin::status))
        .route("/api/reindex", axum::routing::post(admin::reindex))
        .route(
            "/api/documents",
            axum::routing::post(admin::upload)
                // Room for the multipart framing around the largest file.
                .layer(axum::extract::DefaultBodyLimit::max(
                    max_upload + (64 << 10),
                )),
        )
        .route("/api/documents/{*id}", axum::routing::delete(admin::delete))
        .route("/admin", get(admin_page::show))
        .route("/admin/admin.js", get(assets::admin_script))
        .route("/search.js", get(assets::search_script))
        .route("/favicon.svg", get(assets::favicon))
        .route("/robots.txt", get(assets::robots))
        .route("/opensearch.xml", get(assets::opensearch))
        .route("/admin/login", axum::routing::post(admin_page::sign_in))
        .route("/admin/logout", axum::routing::post(admin_page::sign_out))
        .route(
            "/admin/upload",
            axum::routing::post(admin_page::upload).layer(axum::extract::DefaultBodyLimit::max(
                max_upload + (64 << 10),
            )),
        )
        .route("/admin/delete", axum::routing::post(admin_page::delete))
        .route(
            "/admin/visibility",
            axum::routing::post(admin_page::set_visibility),
        )
        .route("/admin/reindex", axum::routing::post(admin_page::reindex))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(not_found)
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

async fn home(
    State(state): State<Arc<AppState>>,
    Viewer(audience): Viewer,
    here: Here,
) -> Response {
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
    Viewer(audience): Viewer,
    here: Here,
    params: SearchParams,
) -> Response {
    let offset = (params.page() - 1) * PAGE_SIZE;
    let results = match params.request(PAGE_SIZE, offset, true, audience) {
        Ok(request) => run_search(state.clone(), request)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
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
    Viewer(audience): Viewer,
    params: SearchParams,
) -> Response {
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
    Viewer(audience): Viewer,
    here: Here,
    Path(id): Path<String>,
    params: SearchParams,
) -> Response {
    let q = params.q.clone();
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
