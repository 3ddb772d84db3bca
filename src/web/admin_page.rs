//! The admin page `/admin`: signing in with the admin token, adding and deleting documents,
//! the document list with each file's state, and "re-index everything" with its progress.
//!
//! It is the admin API ([`super::admin`]) for a person with a browser: the same checks and the
//! same writers, behind a session instead of a bearer token. Signing in sets a random session
//! cookie (`HttpOnly`, `SameSite=Strict`, `Secure` behind a TLS proxy that says so with
//! `X-Forwarded-Proto: https`); every form carries the session's CSRF token, compared in constant
//! time. Everything works without JavaScript; `admin.js` only adds dropping files on the upload
//! form. Without a configured token every route here answers 404.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Multipart, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::{admin, AppState, Here, Ui, WebError};

mod html;

/// The session cookie's name.
const COOKIE: &str = "vidensbase_admin";
/// A session ends this long after sign-in.
const SESSION_LIFE: Duration = Duration::from_secs(8 * 3600);
/// Sessions kept at most; the oldest go first.
const MAX_SESSIONS: usize = 64;
/// Rows of the document list per page.
pub const LIST_PAGE: usize = 50;

/// Signed-in sessions, by their cookie value.
#[derive(Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

struct Session {
    csrf: String,
    started: Instant,
    /// A message for the next page shown (after a redirect).
    flash: Option<html::Flash>,
}

impl Sessions {
    fn start(&self) -> Option<String> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut sessions = self.0.lock().ok()?;
        sessions.retain(|_, s| s.started.elapsed() < SESSION_LIFE);
        while sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, s)| s.started)
                .map(|(id, _)| id.clone())?;
            sessions.remove(&oldest);
        }
        sessions.insert(
            id.clone(),
            Session {
                csrf,
                started: Instant::now(),
                flash: None,
            },
        );
        Some(id)
    }

    /// The session's CSRF token and its waiting message (taken), if the session is valid.
    fn get(&self, id: &str) -> Option<(String, Option<html::Flash>)> {
        let mut sessions = self.0.lock().ok()?;
        let session = sessions
            .get_mut(id)
            .filter(|s| s.started.elapsed() < SESSION_LIFE)?;
        Some((session.csrf.clone(), session.flash.take()))
    }

    /// Whether the session is valid, leaving its waiting message for the admin page.
    fn get_quietly(&self, id: &str) -> bool {
        self.0.lock().is_ok_and(|sessions| {
            sessions
                .get(id)
                .is_some_and(|s| s.started.elapsed() < SESSION_LIFE)
        })
    }

    fn flash(&self, id: &str, flash: html::Flash) {
        if let Ok(mut sessions) = self.0.lock() {
            if let Some(session) = sessions.get_mut(id) {
                session.flash = Some(flash);
            }
        }
    }

    fn end(&self, id: &str) {
        if let Ok(mut sessions) = self.0.lock() {
            sessions.remove(id);
        }
    }
}

/// 32 random bytes, hex.
fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The session cookie's value in a request.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// A signed-in request: its session and CSRF token.
struct SignedIn {
    id: String,
    csrf: String,
    flash: Option<html::Flash>,
}

/// The request's session; `None` when it has none (the caller shows the sign-in form).
fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, WebError> {
    if state.settings.admin_token.is_none() {
        return Err(WebError::not_found("There is no page at this address."));
    }
    Ok(session_id(headers).and_then(|id| {
        let (csrf, flash) = state.sessions.get(id)?;
        Some(SignedIn {
            id: id.to_string(),
            csrf,
            flash,
        })
    }))
}

/// Whether the request carries a valid session (the site then shows internal documents too).
pub(super) fn has_session(state: &AppState, headers: &HeaderMap) -> bool {
    state.settings.admin_token.is_some()
        && session_id(headers).is_some_and(|id| state.sessions.get_quietly(id))
}

/// A form without a valid session or CSRF token.
fn forbidden() -> WebError {
    WebError::new(
        StatusCode::FORBIDDEN,
        "The form has expired or did not come from this site; open /admin and try again.",
    )
}

/// A signed-in form submission: the session, with the form's CSRF token checked.
fn checked(state: &AppState, headers: &HeaderMap, csrf: &str) -> Result<SignedIn, WebError> {
    let session = signed_in(state, headers)?.ok_or_else(forbidden)?;
    if !bool::from(session.csrf.as_bytes().ct_eq(csrf.as_bytes())) {
        return Err(forbidden());
    }
    Ok(session)
}

/// The admin pages are in Danish.
fn here() -> Here {
    Here {
        ui: Ui::Da,
        path: "/admin".into(),
    }
}

fn page(markup: maud::Markup) -> Response {
    let mut response = axum::response::Html(markup.into_string()).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 303 to the admin page, leaving `flash` for it.
fn back(state: &AppState, session: &SignedIn, flash: html::Flash) -> Response {
    state.sessions.flash(&session.id, flash);
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/admin"),
            (header::CACHE_CONTROL, "no-store"),
        ],
    )
        .into_response()
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    #[serde(default)]
    filter: String,
    #[serde(default)]
    side: Option<usize>,
}

/// `GET /admin`: the sign-in form, or the page itself.
pub async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let Some(session) = signed_in(&state, &headers)? else {
            return Ok(page(html::admin_sign_in(&state.ctx(&here()), None)));
        };
        let Query(params) = params.unwrap_or_default();
        let page_no = params.side.unwrap_or(1).clamp(1, 100_000);
        let shared = state.clone();
        let filter = params.filter.clone();
        let (status, listing) = tokio::task::spawn_blocking(move || {
            let status = admin::status_of(&shared, crate::access::Audience::Staff);
            let engine = shared.engine();
            let skipped = crate::skipped::skipped_files(engine.dir());
            let listing = engine.list(&filter, skipped, (page_no - 1) * LIST_PAGE, LIST_PAGE);
            (status, listing)
        })
        .await
        .map_err(|e| WebError::internal(e.to_string()))?;
        let listing = listing?;
        Ok::<_, WebError>(page(html::admin(
            &state.ctx(&here()),
            &html::AdminPage {
                csrf: &session.csrf,
                flash: session.flash.as_ref(),
                status: &status,
                listing: &listing,
                filter: &params.filter,
                page: page_no,
                can_rebuild: state.settings.rebuilder.is_some(),
            },
        )))
    }
    .await;
    result.unwrap_or_else(|e| state.error_page(&here(), e))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    token: String,
}

/// `POST /admin/login`: checks the token (wrong ones limited per client, like the API's) and
/// starts a session.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    client: admin::Client,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let offered = form.map(|Form(f)| f.token).unwrap_or_default();
    if let Err(e) = admin::check_token(&state, client, offered.trim()) {
        return match e.status {
            StatusCode::NOT_FOUND => state.error_page(&here(), e),
            status => {
                let message = match status {
                    StatusCode::TOO_MANY_REQUESTS => {
                        "For mange forkerte forsøg. Prøv igen om et minut."
                    }
                    _ => "Forkert adgangsnøgle. Prøv igen.",
                };
                let mut response = page(html::admin_sign_in(&state.ctx(&here()), Some(message)));
                *response.status_mut() = status;
                response
            }
        };
    }
    let Some(id) = state.sessions.start() else {
        return WebError::internal("starting a session".into()).into_response();
    };
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let cookie = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_LIFE.as_secs(),
        if secure { "; Secure" } else { "" }
    );
    let mut response = (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/admin"),
            (header::CACHE_CONTROL, "no-store"),
        ],
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/logout`.
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    match checked(&state, &headers, &csrf) {
        Ok(session) => {
            state.sessions.end(&session.id);
            let mut response =
                (StatusCode::SEE_OTHER, [(header::LOCATION, "/admin")]).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "vidensbase_admin=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            response
        }
        Err(e) => state.error_page(&here(), e),
    }
}

/// `POST /admin/upload`: the upload form (multipart, with the CSRF token as a field).
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    // The session first: a stranger's upload is refused before it is read.
    let session = match signed_in(&state, &headers) {
        Ok(Some(session)) => session,
        Ok(None) => return forbidden().into_response(),
        Err(e) => return state.error_page(&here(), e),
    };
    let received = match admin::receive(&state, multipart).await {
        Ok(received) => received,
        Err(e) => return back(&state, &session, html::Flash::Failed(e.status, e.message)),
    };
    let csrf = received.fields.get("csrf").cloned().unwrap_or_default();
    if let Err(e) = checked(&state, &headers, &csrf) {
        return state.error_page(&here(), e);
    }
    let flash = match admin::store(&state, received).await {
        Ok(ids) => html::Flash::Added(ids),
        Err(e) => html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    /// Set by the confirmation page's button; without it the confirmation is shown.
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /admin/delete`: first a confirmation page, then (with `confirm`) the deletion.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<DeleteForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return WebError::bad_request("The form is incomplete.").into_response();
    };
    let session = match checked(&state, &headers, &form.csrf) {
        Ok(session) => session,
        Err(e) => return state.error_page(&here(), e),
    };
    if form.confirm.as_deref() != Some("ja") {
        return page(html::admin_confirm_delete(
            &state.ctx(&here()),
            &form.id,
            &session.csrf,
        ));
    }
    let flash = match admin::remove(&state, &form.id).await {
        Ok(()) => html::Flash::Deleted(form.id),
        Err(e) => html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}

#[derive(Deserialize)]
pub struct VisibilityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    visibility: String,
}

/// `POST /admin/visibility`: who may open an indexed document, as a rule naming it in the
/// corpus's `synlighed.tsv` (the watcher then indexes it again, without a rebuild).
pub async fn set_visibility(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<VisibilityForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return WebError::bad_request("The form is incomplete.").into_response();
    };
    let session = match checked(&state, &headers, &form.csrf) {
        Ok(session) => session,
        Err(e) => return state.error_page(&here(), e),
    };
    let flash = match admin::set_visibility(&state, &form.id, &form.visibility).await {
        Ok(v) => html::Flash::Visibility(form.id, v),
        Err(e) => html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}

/// `POST /admin/reindex`: "re-index everything", beside the live index.
pub async fn reindex(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    let session = match checked(&state, &headers, &csrf) {
        Ok(session) => session,
        Err(e) => return state.error_page(&here(), e),
    };
    let flash = match admin::start_rebuild(&state) {
        Ok(()) => html::Flash::Rebuilding,
        Err(e) => html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vidensbase_admin=abc; vidensbase_adminx=no"),
        );
        assert_eq!(session_id(&headers), Some("abc"));
        assert_eq!(session_id(&HeaderMap::new()), None);
    }

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(), random_token());
        assert!(a.as_ref().is_some_and(|a| a.len() == 64));
        assert_ne!(a, b);
    }
}
