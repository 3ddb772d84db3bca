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

use axum::extract::{Form, Multipart, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::session::{self, SignedIn};
use super::{admin, AppState, Here, Ui, WebError};
use crate::access::{Role, Staff};
use crate::audit::What;

mod accounts;
mod edit;
mod html;
mod lists;
mod searches;
pub use edit::{form as edit_form, save as edit_save};
pub use lists::{accounts, synonyms};

/// Rows of the document list per page.
pub const LIST_PAGE: usize = 50;

/// Messages waiting for the next admin page a session sees (after a redirect), by session.
#[derive(Default)]
pub struct Flashes(Mutex<HashMap<String, html::Flash>>);

impl Flashes {
    fn put(&self, session: &str, flash: html::Flash) {
        let mut flashes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // One message a session; a session that never comes back leaves at most one.
        if flashes.len() > 4096 {
            flashes.clear();
        }
        flashes.insert(session.to_string(), flash);
    }

    fn take(&self, session: &str) -> Option<html::Flash> {
        let mut flashes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        flashes.remove(session)
    }
}

/// Who is signed in on an admin request: a session (its role as it is now), or the person the
/// single sign-on proxy vouches for (whose forms carry a token made from their name).
pub struct Who(Option<SignedIn>);

impl axum::extract::FromRequestParts<Arc<AppState>> for Who {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let signed_in = state.signed_in(&parts.headers).or_else(|| {
            super::viewer::from_proxy(state, parts).and_then(|staff| state.proxy_session(staff))
        });
        Ok(Who(signed_in))
    }
}

/// The request's signed-in person; 404 when the server has no staff sign-in.
fn session_of(state: &AppState, who: Who) -> Result<Option<SignedIn>, WebError> {
    if !state.settings.staff_enabled() {
        return Err(WebError::not_found("There is no page at this address."));
    }
    Ok(who.0)
}

/// A form without a valid session or CSRF token.
fn forbidden() -> WebError {
    WebError::new(
        StatusCode::FORBIDDEN,
        "The form has expired or did not come from this site; open /admin and try again.",
    )
}

/// A signed-in person whose role does not allow what they asked.
fn not_allowed(role: Role) -> WebError {
    WebError::new(
        StatusCode::FORBIDDEN,
        format!("This needs the role {} or above.", role.code()),
    )
}

/// A signed-in form submission by someone of at least `role`: the session, with the form's CSRF
/// token checked.
fn checked(state: &AppState, who: Who, csrf: &str, role: Role) -> Result<SignedIn, WebError> {
    let session = session_of(state, who)?.ok_or_else(forbidden)?;
    if !bool::from(session.csrf.as_bytes().ct_eq(csrf.as_bytes())) {
        return Err(forbidden());
    }
    if session.staff.role < role {
        return Err(not_allowed(role));
    }
    Ok(session)
}

/// A form an editor sent: the form and the session, its CSRF token checked (400 for a form
/// that does not parse, else 403).
fn editor_form<T>(
    state: &AppState,
    who: Who,
    form: Result<Form<T>, axum::extract::rejection::FormRejection>,
    csrf: impl Fn(&T) -> &String,
) -> Result<(T, SignedIn), WebError> {
    let Ok(Form(form)) = form else {
        return Err(WebError::bad_request("The form is incomplete."));
    };
    let session = checked(state, who, csrf(&form), Role::Editor)?;
    Ok((form, session))
}

/// The admin pages are in Danish.
fn here() -> Here {
    Here {
        ui: Ui::Da,
        path: "/admin".into(),
        staff: None,
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
    state.flashes.put(&session.id, flash);
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
    /// Fills the synonym form (a link from a search that found nothing).
    #[serde(default)]
    synonym: String,
}

/// `GET /admin`: the sign-in form, or the page itself.
pub async fn show(
    State(state): State<Arc<AppState>>,
    who: Who,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let Some(session) = session_of(&state, who)? else {
            return Ok(page(html::admin_sign_in(
                &state.ctx(&here()),
                None,
                &state.settings,
            )));
        };
        if session.staff.role < Role::Editor {
            return Err(not_allowed(Role::Editor));
        }
        let Query(params) = params.unwrap_or_default();
        let page_no = params.side.unwrap_or(1).clamp(1, 100_000);
        let shared = state.clone();
        let filter = params.filter.clone();
        let (status, listing, (audit, searches, synonyms)) =
            tokio::task::spawn_blocking(move || {
                let status = admin::status_of(&shared, crate::access::Audience::Staff);
                let engine = shared.engine();
                let skipped = crate::skipped::skipped_files(engine.dir());
                let listing = engine.list(&filter, skipped, (page_no - 1) * LIST_PAGE, LIST_PAGE);
                let audit = (shared.settings.audit.as_deref()).map_or(Vec::new(), |a| a.recent(50));
                let searches = shared.settings.search_log.as_deref().map(|l| l.report());
                let synonyms_file = shared
                    .settings
                    .corpus
                    .join(crate::glossary::editorial::FILE);
                let synonyms = crate::glossary::editorial::read(&synonyms_file).unwrap_or_default();
                (status, listing, (audit, searches, synonyms))
            })
            .await
            .map_err(|e| WebError::internal(e.to_string()))?;
        let listing = listing?;
        Ok::<_, WebError>(page(html::admin(
            &state.ctx(&here()),
            &html::AdminPage {
                csrf: &session.csrf,
                staff: &session.staff,
                flash: state.flashes.take(&session.id).as_ref(),
                audit: &audit,
                searches: searches.as_ref(),
                synonyms: &synonyms,
                synonym: &params.synonym,
                status: &status,
                listing: &listing,
                filter: &params.filter,
                page: page_no,
                can_rebuild: state.settings.rebuilder.is_some()
                    && session.staff.role == Role::Admin,
                accounts: (session.staff.role == Role::Admin)
                    .then(|| state.settings.accounts.as_ref().map(|a| a.current()))
                    .flatten()
                    .as_deref()
                    .map(Vec::as_slice),
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
                state.audit(session::TOKEN_NAME, What::SignInFailed, "");
                let here = here();
                let ctx = state.ctx(&here);
                let mut response = page(html::admin_sign_in(&ctx, Some(message), &state.settings));
                *response.status_mut() = status;
                response
            }
        };
    }
    let token = Staff {
        name: session::TOKEN_NAME.to_string(),
        role: Role::Admin,
    };
    let Some(id) = state.sessions.start(token) else {
        return WebError::internal("starting a session".into()).into_response();
    };
    state.audit(session::TOKEN_NAME, What::SignIn, "");
    let cookie = session::cookie(&id, &headers);
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
    who: Who,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    match checked(&state, who, &csrf, Role::Reader) {
        Ok(session) => {
            state.sessions.end(&session.id);
            state.audit(&session.staff.name, What::SignOut, "");
            let mut response =
                (StatusCode::SEE_OTHER, [(header::LOCATION, "/admin")]).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static(session::CLEARED),
            );
            response
        }
        Err(e) => state.error_page(&here(), e),
    }
}

/// `POST /admin/upload`: the upload form (multipart, with the CSRF token as a field).
pub async fn upload(
    State(state): State<Arc<AppState>>,
    who: Who,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    // The session first: a stranger's upload is refused before it is read.
    let session = match session_of(&state, who) {
        Ok(Some(session)) if session.staff.role >= Role::Editor => session,
        Ok(Some(_)) => return not_allowed(Role::Editor).into_response(),
        Ok(None) => return forbidden().into_response(),
        Err(e) => return state.error_page(&here(), e),
    };
    let received = match admin::receive(&state, multipart).await {
        Ok(received) => received,
        Err(e) => return back(&state, &session, html::Flash::Failed(e.status, e.message)),
    };
    let csrf = received.fields.get("csrf").cloned().unwrap_or_default();
    if !bool::from(session.csrf.as_bytes().ct_eq(csrf.as_bytes())) {
        return state.error_page(&here(), forbidden());
    }
    let flash = match admin::store(&state, received, &session.staff.name).await {
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
    who: Who,
    form: Result<Form<DeleteForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (form, session) = match editor_form(&state, who, form, |f| &f.csrf) {
        Ok(both) => both,
        Err(e) => return state.error_page(&here(), e),
    };
    if form.confirm.as_deref() != Some("ja") {
        return page(html::admin_confirm_delete(
            &state.ctx(&here()),
            &form.id,
            &session.csrf,
        ));
    }
    let flash = match admin::remove(&state, &form.id, &session.staff.name).await {
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
    who: Who,
    form: Result<Form<VisibilityForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (form, session) = match editor_form(&state, who, form, |f| &f.csrf) {
        Ok(both) => both,
        Err(e) => return state.error_page(&here(), e),
    };
    let who = &session.staff.name;
    let flash = match admin::set_visibility(&state, &form.id, &form.visibility, who).await {
        Ok(v) => html::Flash::Visibility(form.id, v),
        Err(e) => html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}

/// `POST /admin/reindex`: "re-index everything", beside the live index.
pub async fn reindex(
    State(state): State<Arc<AppState>>,
    who: Who,
    form: Result<Form<CsrfForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    let session = match checked(&state, who, &csrf, Role::Admin) {
        Ok(session) => session,
        Err(e) => return state.error_page(&here(), e),
    };
    let flash = match admin::start_rebuild(&state, &session.staff.name) {
        Ok(()) => html::Flash::Rebuilding,
        Err(e) => html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}
