//! Staff sign-in with a local account: `/login` (Danish, English with `?ui=en`), checked against
//! the accounts file ([`crate::accounts`]); failed attempts are limited per client and per
//! account name (past the limit the password is not even checked, so guessing stops), and every
//! sign-in, failed sign-in and sign-out goes to the audit log. A successful sign-in starts a
//! session ([`super::session`]) and returns to the page the person came from (a path on this
//! site only).

use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::admin::Client;
use super::session;
use super::{views, AppState, Here, WebError};
use crate::audit::What;

#[derive(Deserialize, Default)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: a path on this site, else the front page (`//evil.example`
/// and `https://…` are not paths here).
fn next_page(next: &str) -> &str {
    // A browser drops tabs and line breaks from a location (`/\t/evil.example` goes to
    // `//evil.example`): nothing but printable characters.
    let plain = next.chars().all(|c| !c.is_control() && !c.is_whitespace());
    let path = plain && next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if path && !next.starts_with("/login") {
        next
    } else {
        "/"
    }
}

/// The sign-in form; 404 when the server has no accounts.
fn page(state: &AppState, here: &Here, message: Option<&str>, next: &str, name: &str) -> Response {
    if state.settings.accounts.is_none() {
        return state.error_page(
            here,
            WebError::not_found("There is no page at this address."),
        );
    }
    let html = views::sign_in(&state.ctx(here), message, next_page(next), name);
    let mut response = Html(html.into_string()).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /login`.
pub async fn form(
    State(state): State<Arc<AppState>>,
    here: Here,
    next: axum::extract::Query<Next>,
) -> Response {
    page(&state, &here, None, &next.next, "")
}

#[derive(Deserialize, Default)]
pub struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`.
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    client: Client,
    here: Here,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(accounts) = state.settings.accounts.clone() else {
        return page(&state, &here, None, "", "");
    };
    let Form(form) = form.unwrap_or_default();
    let ui = here.ui;
    let name = form.name.trim().to_string();
    if state.failures.over_limit(&client) || state.name_failures.over_limit(&name) {
        let message = ui.t(
            "For mange forkerte forsøg. Prøv igen om et minut.",
            "Too many failed attempts. Try again in a minute.",
        );
        let mut response = page(&state, &here, Some(message), &form.next, &name);
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return response;
    }
    // Counted before the password is checked, so parallel guesses count too; a success clears
    // the counts.
    state.failures.failed(client);
    let name = if crate::accounts::valid_name(&name) {
        name
    } else {
        String::from("?")
    };
    state.name_failures.failed(name.clone());
    let verified = match state.verifying.acquire().await {
        Ok(_permit) => {
            let (offered, password) = (name.clone(), form.password);
            tokio::task::spawn_blocking(move || accounts.verify(&offered, &password))
                .await
                .ok()
                .flatten()
        }
        Err(_) => None,
    };
    let Some(staff) = verified else {
        state.audit(&name, What::SignInFailed, "");
        let message = ui.t(
            "Forkert brugernavn eller adgangskode.",
            "Wrong user name or password.",
        );
        let mut response = page(&state, &here, Some(message), &form.next, &name);
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return response;
    };
    state.failures.succeeded(client);
    state.name_failures.succeeded(name.clone());
    let Some(id) = state.sessions.start(staff) else {
        return WebError::internal("starting a session".into()).into_response();
    };
    state.audit(&name, What::SignIn, "");
    let mut response =
        (StatusCode::SEE_OTHER, [(header::CACHE_CONTROL, "no-store")]).into_response();
    let headers_out = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(next_page(&form.next)) {
        headers_out.insert(header::LOCATION, location);
    }
    if let Ok(cookie) = HeaderValue::from_str(&session::cookie(&id, &headers)) {
        headers_out.insert(header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Deserialize, Default)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: ends the session (its CSRF token required), back to the front page.
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    here: Here,
    headers: HeaderMap,
    form: Result<Form<SignOutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    let Some(session) = state.signed_in(&headers) else {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    };
    if !bool::from(session.csrf.as_bytes().ct_eq(form.csrf.as_bytes())) {
        let e = WebError::new(
            StatusCode::FORBIDDEN,
            "The form has expired or did not come from this site.",
        );
        return state.error_page(&here, e);
    }
    state.sessions.end(&session.id);
    state.audit(&session.staff.name, What::SignOut, "");
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static(session::CLEARED),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_gone_back_to() {
        assert_eq!(next_page("/search?q=x"), "/search?q=x");
        assert_eq!(next_page("/admin"), "/admin");
        for elsewhere in [
            "//evil.example",
            "https://evil.example/",
            "",
            "/login?next=/",
            "/\\evil",
        ] {
            assert_eq!(next_page(elsewhere), "/", "{elsewhere}");
        }
    }
}
