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
mod found;
pub mod json;
pub mod server;
mod ui;
mod views;

pub use ui::{Categories, Site, Ui};

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::error::{Error, UserError};
use crate::lang::Lang;
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

/// Query-string parameters of the search endpoints. Extraction never fails: values that do not
/// parse are kept as `None` or reported by [`SearchParams::request`].
#[derive(Debug, Default, Clone)]
pub struct SearchParams {
    pub q: String,
    pub lang: Option<String>,
    pub category: Option<String>,
    pub page: Option<usize>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub expand: bool,
    /// `prefix=1`: the query is being typed (search as you type).
    pub as_typed: bool,
    /// `sort=newest`: newest documents first.
    pub newest: bool,
}

impl SearchParams {
    fn from_query(raw: &str) -> SearchParams {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let first = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
        };
        let non_empty = |key: &str| first(key).filter(|v| !v.is_empty());
        SearchParams {
            q: first("q").unwrap_or_default(),
            lang: non_empty("lang"),
            category: non_empty("category"),
            page: non_empty("page").and_then(|v| v.parse().ok()),
            limit: non_empty("limit").and_then(|v| v.parse().ok()),
            offset: non_empty("offset").and_then(|v| v.parse().ok()),
            expand: !matches!(
                first("expand").as_deref(),
                Some("false" | "0" | "no" | "off")
            ),
            as_typed: matches!(first("prefix").as_deref(), Some("1" | "true")),
            newest: first("sort").as_deref() == Some("newest"),
        }
    }

    fn lang(&self) -> Result<Option<Lang>, WebError> {
        self.lang
            .as_deref()
            .map(str::parse::<Lang>)
            .transpose()
            .map_err(WebError::bad_request)
    }

    /// The page number, from 1.
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, 1000)
    }

    fn request(
        &self,
        limit: usize,
        offset: usize,
        facets: bool,
    ) -> Result<SearchRequest, WebError> {
        Ok(SearchRequest {
            query: self.q.clone(),
            lang: self.lang()?,
            category: self.category.clone(),
            limit,
            offset,
            expand: self.expand,
            facets,
            suggest: true,
            as_typed: self.as_typed,
            answer: true,
            sort: if self.newest {
                crate::search::Sort::Newest
            } else {
                crate::search::Sort::Relevance
            },
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SearchParams {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SearchParams::from_query(parts.uri.query().unwrap_or("")))
    }
}

/// Runs a search on the blocking pool.
async fn run_search(state: Arc<AppState>, request: SearchRequest) -> Result<SearchResults, Error> {
    tokio::task::spawn_blocking(move || state.engine().search(&request))
        .await
        .map_err(|e| Error::Internal(format!("search task failed: {e}")))
        .and_then(|r| r)
}

async fn home(State(state): State<Arc<AppState>>, here: Here) -> Html<String> {
    Html(views::home(&state.ctx(&here), state.engine().num_docs()).into_string())
}

async fn search_page(
    State(state): State<Arc<AppState>>,
    here: Here,
    params: SearchParams,
) -> Response {
    let offset = (params.page() - 1) * PAGE_SIZE;
    let results = match params.request(PAGE_SIZE, offset, true) {
        Ok(request) => run_search(state.clone(), request)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    match results {
        Ok(results) => {
            Html(views::results(&state.ctx(&here), &params, &results).into_string()).into_response()
        }
        Err(e) => state.error_page(&here, e),
    }
}

async fn search_api(State(state): State<Arc<AppState>>, params: SearchParams) -> Response {
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let request = match params.request(limit, params.offset.unwrap_or(0), false) {
        Ok(r) => r,
        Err(e) => return e.json(),
    };
    match run_search(state, request).await {
        Ok(r) => Json(json::Results::of(&r)).into_response(),
        Err(e) => WebError::from(e).json(),
    }
}

async fn document_page(
    State(state): State<Arc<AppState>>,
    here: Here,
    Path(id): Path<String>,
    params: SearchParams,
) -> Response {
    let q = params.q.clone();
    let shared = state.clone();
    let doc = tokio::task::spawn_blocking(move || shared.engine().document(&id, Some(&q)))
        .await
        .map_err(|e| WebError::internal(e.to_string()))
        .and_then(|doc| doc.map_err(WebError::from));
    match doc {
        Ok(doc) => {
            Html(views::document(&state.ctx(&here), &doc, &params).into_string()).into_response()
        }
        Err(e) => state.error_page(&here, e),
    }
}

/// `/was`: the accessibility statement.
async fn statement(State(state): State<Arc<AppState>>, here: Here) -> Html<String> {
    Html(views::statement(&state.ctx(&here)).into_string())
}

/// The original file of a document, byte for byte. Only ids of indexed documents are served,
/// and only from inside the corpus folder: a path through `..`, an encoded slash or a symbolic
/// link that leads out of the corpus is a 404 like any unknown id.
///
/// The file is streamed by tower-http's `ServeFile` (a chunk at a time, so a large original costs
/// no more memory than a small one), which also answers `Range` (one range, 206),
/// `If-Modified-Since` (304) and `If-Unmodified-Since` (412) from the file's modification time.
async fn original_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let unknown = || WebError::not_found(format!("There is no document {id:?}."));
    let plausible = !id.is_empty()
        && !id.starts_with('/')
        && !id.contains(['\\', '\0'])
        && id.split('/').all(|part| !matches!(part, "" | "." | ".."));
    if !plausible {
        return Err(unknown());
    }
    let found = {
        let id = id.clone();
        tokio::task::spawn_blocking(move || locate_original(&state, &id))
    };
    let (format, path) = found
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(WebError::from)?
        .ok_or_else(unknown)?;
    let mut request = axum::http::Request::new(axum::body::Body::empty());
    *request.method_mut() = method;
    *request.headers_mut() = headers;
    let response = match tower_http::services::ServeFile::new(&path)
        .try_call(request)
        .await
    {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => response,
        Ok(_) => return Err(unknown()),
        Err(e) => {
            // Unreadable after all: not served, as if it were not there.
            tracing::warn!("{}: {e}", path.display());
            return Err(unknown());
        }
    };
    let mut response = response.map(axum::body::Body::new);
    let name = id.rsplit('/').next().unwrap_or(&id);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(format.mime()),
    );
    if let Ok(disposition) = header::HeaderValue::from_str(&content_disposition(name)) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    if format == crate::format::Format::Html {
        // A scraped page is shown as it is, but never runs its scripts on this site's origin.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static("sandbox"),
        );
    }
    Ok(response)
}

/// The format and canonical path of the original of document `id`, if it is indexed and its
/// file is inside the corpus folder.
fn locate_original(
    state: &AppState,
    id: &str,
) -> Result<Option<(crate::format::Format, PathBuf)>, Error> {
    let Some(format) = state.engine().original(id)? else {
        return Ok(None);
    };
    let inside = || -> Option<PathBuf> {
        let root = std::fs::canonicalize(&state.settings.corpus).ok()?;
        let path = std::fs::canonicalize(state.settings.corpus.join(id)).ok()?;
        (path.starts_with(&root) && path.is_file()).then_some(path)
    };
    Ok(inside().map(|path| (format, path)))
}

/// `inline` with the file's name, ASCII-safe (`filename`) and exact (`filename*`, RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
        views::percent_encode(name)
    )
}

async fn not_found(State(state): State<Arc<AppState>>, here: Here) -> Response {
    state.error_page(
        &here,
        WebError::not_found("There is no page at this address."),
    )
}

/// An error as the user sees it.
#[derive(Debug)]
pub struct WebError {
    status: StatusCode,
    message: String,
}

impl WebError {
    fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
        }
    }

    fn not_found(message: impl Into<String>) -> WebError {
        WebError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> WebError {
        WebError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn internal(detail: String) -> WebError {
        tracing::error!("internal error: {detail}");
        WebError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "Something went wrong on our side; it has been logged.".into(),
        }
    }

    fn json(self) -> Response {
        (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

impl From<Error> for WebError {
    fn from(e: Error) -> WebError {
        match e {
            Error::User(UserError::NotFound(id)) => WebError {
                status: StatusCode::NOT_FOUND,
                message: format!("There is no document {id:?}."),
            },
            Error::User(UserError::InvalidRequest(m)) => WebError::bad_request(m),
            other => WebError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for WebError {
    /// The error page of a Danish page without the site's details (handlers that have them use
    /// [`AppState::error_page`]).
    fn into_response(self) -> Response {
        let here = Here {
            ui: Ui::Da,
            path: "/".into(),
        };
        let ctx = views::Ctx {
            ui: Ui::Da,
            site: &Site::default(),
            categories: &Categories::default(),
            here: &here.path,
        };
        let page = views::error(&ctx, self.status, &self.message).into_string();
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response()
    }
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
