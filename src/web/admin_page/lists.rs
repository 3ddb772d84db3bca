//! The admin page's forms for the lists beside the documents: the editors' synonyms and
//! translations, and (administrators) the staff accounts.

use std::sync::Arc;

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{back, checked, editor_form, here, html, AppState, Who};
use crate::access::Role;
use crate::audit::What;
use crate::web::WebError;

#[derive(Deserialize)]
pub struct SynonymForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    left: String,
    #[serde(default)]
    right: String,
    #[serde(default)]
    kind: String,
    /// The entry to remove, as its line.
    #[serde(default)]
    line: String,
}

/// `POST /admin/synonyms`: adds or removes an entry of the editors' synonyms and translations
/// (`synonymer.tsv` in the corpus folder; searches read it again at once).
pub async fn synonyms(
    State(state): State<Arc<AppState>>,
    who: Who,
    form: Result<Form<SynonymForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    use crate::glossary::editorial::{self, Entry};
    let (form, session) = match editor_form(&state, who, form, |f| &f.csrf) {
        Ok(both) => both,
        Err(e) => return state.error_page(&here(), e),
    };
    let remove = form.action == "remove";
    let line = match (remove, form.kind.as_str()) {
        (true, _) => form.line.clone(),
        (false, "translation") => format!("{} <> {}", form.left, form.right),
        (false, _) => format!("{} = {}", form.left, form.right),
    };
    let Some(entry) = Entry::parse(&line) else {
        let why = "An entry is two different words or phrases.".to_string();
        return back(
            &state,
            &session,
            html::Flash::Failed(StatusCode::BAD_REQUEST, why),
        );
    };
    let path = state.settings.corpus.join(editorial::FILE);
    let changed = {
        let entry = entry.clone();
        tokio::task::spawn_blocking(move || editorial::change(&path, &entry, remove)).await
    };
    let flash = match changed {
        Ok(Ok(())) => {
            state.audit(&session.staff.name, What::Synonyms, &entry.line());
            html::Flash::Synonyms(entry.line(), remove)
        }
        Ok(Err(e)) => html::Flash::Failed(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => html::Flash::Failed(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    back(&state, &session, flash)
}

#[derive(Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/accounts` (administrators): adds or changes a staff account, or removes one,
/// in the accounts file `vidensbase user` writes.
pub async fn accounts(
    State(state): State<Arc<AppState>>,
    who: Who,
    form: Result<Form<AccountForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return state.error_page(&here(), WebError::bad_request("The form is incomplete."));
    };
    let session = match checked(&state, who, &form.csrf, Role::Admin) {
        Ok(session) => session,
        Err(e) => return state.error_page(&here(), e),
    };
    let Some(path) = state
        .settings
        .accounts
        .as_ref()
        .map(|a| a.path().to_path_buf())
    else {
        return state.error_page(
            &here(),
            WebError::not_found("This server has no accounts file."),
        );
    };
    let remove = form.action == "remove";
    let name = form.name.trim().to_string();
    let changed = tokio::task::spawn_blocking({
        let name = name.clone();
        move || match (remove, Role::parse(&form.role)) {
            (true, _) => crate::accounts::remove(&path, &name).map_err(|e| e.to_string()),
            (false, Some(role)) => {
                crate::accounts::add(&path, &name, role, &form.password).map_err(|e| e.to_string())
            }
            (false, None) => Err("A role is reader, editor or admin.".to_string()),
        }
    })
    .await;
    let flash = match changed {
        Ok(Ok(())) => {
            state.audit(&session.staff.name, What::Account, &name);
            html::Flash::Account(name, remove)
        }
        Ok(Err(why)) => html::Flash::Failed(StatusCode::BAD_REQUEST, why),
        Err(e) => html::Flash::Failed(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    back(&state, &session, flash)
}
