//! Metadata editors set: title, date, source and type of a document, written to the corpus's
//! `metadata.tsv` ([`crate::corpus::Edits`]), and its category, which is its folder: a new
//! category moves the file. Both reach search through the watcher, without a rebuild.
//!
//! The edit form shows the values the index holds (the file's own, or an editor's); a field left
//! as shown keeps following the file, a changed one is the editor's, and an emptied one goes back
//! to the file's own value. A move never makes a document public: an internal document keeps a
//! rule naming it `intern` at its new place.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde::Deserialize;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::super::session::TOKEN_NAME;
use super::super::{AppState, WebError};
use super::Client;
use crate::access::{Audience, Visibility};
use crate::audit::What;
use crate::corpus::{self, Edits};
use crate::date::Date;
use crate::format::Kind;
use crate::search::DocumentView;

/// The fields of the edit form (and of `PUT /api/metadata/…`), as typed. A field left out
/// stays as it is; an empty one goes back to the file's own value.
#[derive(Debug, Default, Deserialize)]
pub struct MetadataFields {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
}

fn bad_date(text: &str) -> WebError {
    WebError::bad_request(format!(
        "The date {text:?} is no date (write 2024-03-01, 2024-03 or 2024)."
    ))
}

fn parse_date(text: &str) -> Result<Option<Date>, WebError> {
    match text.trim() {
        "" => Ok(None),
        t => Date::parse(t).map(Some).ok_or_else(|| bad_date(t)),
    }
}

fn parse_kind(text: &str) -> Result<Option<Kind>, WebError> {
    match text.trim() {
        "" => Ok(None),
        t => Kind::parse(t)
            .map(Some)
            .ok_or_else(|| WebError::bad_request("The type is pdf, office, web or text.")),
    }
}

/// The metadata fields of an upload (`title`, `date`, `source`, `type`); empty ones keep what
/// the file says. A title is one document's: refused for an upload of several files.
pub(in crate::web) fn upload_edits(
    fields: &HashMap<String, String>,
    files: usize,
) -> Result<Edits, WebError> {
    let text = |name: &str| {
        let value = fields.get(name).map(|v| v.trim()).unwrap_or_default();
        (!value.is_empty()).then(|| value.to_string())
    };
    let edits = Edits {
        title: text("title"),
        date: parse_date(&text("date").unwrap_or_default())?,
        source: text("source"),
        kind: parse_kind(&text("type").unwrap_or_default())?,
    };
    if edits.title.is_some() && files > 1 {
        return Err(WebError::bad_request(
            "A title names one document: upload the files one at a time to give each its own.",
        ));
    }
    Ok(edits)
}

/// Writes the metadata of document `id` (before its file exists, for an upload).
pub(in crate::web) async fn write(
    state: &AppState,
    id: &str,
    edits: Edits,
) -> Result<(), WebError> {
    let (root, id) = (state.settings.corpus.clone(), id.to_string());
    blocking(move || corpus::set_metadata(&root, &id, &edits)).await
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(|e| WebError::internal(format!("writing the corpus's metadata: {e}")))
}

/// The document as the index holds it, for a staff member's form (404 when there is none).
pub(in crate::web) async fn indexed(state: &AppState, id: &str) -> Result<DocumentView, WebError> {
    let (engine, id) = (state.engine(), id.to_string());
    tokio::task::spawn_blocking(move || engine.document(&id, None, Audience::Staff))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(WebError::from)
}

/// A field of the form as the editor's value: `None` (follow the file) when emptied, or when
/// left as shown and not the editor's already.
fn chosen<T: PartialEq>(new: Option<T>, shown: Option<T>, overridden: bool) -> Option<T> {
    new.filter(|v| overridden || Some(v) != shown.as_ref())
}

/// A field as sent: left out, the editor's value so far (`old`); else as [`chosen`].
fn field<T: PartialEq>(
    sent: Option<&str>,
    parse: impl Fn(&str) -> Result<Option<T>, WebError>,
    shown: Option<T>,
    old: Option<T>,
) -> Result<Option<T>, WebError> {
    match sent {
        None => Ok(old),
        Some(text) => {
            let overridden = old.is_some();
            Ok(chosen(parse(text)?, shown, overridden))
        }
    }
}

/// Saves the edit form of document `id`; its id afterwards (a new category moves it).
pub(in crate::web) async fn edit(
    state: &AppState,
    id: &str,
    form: MetadataFields,
    who: &str,
) -> Result<String, WebError> {
    if id.chars().any(char::is_control) {
        return Err(WebError::bad_request(
            "A document whose name has a control character cannot have metadata; rename it.",
        ));
    }
    let doc = indexed(state, id).await?;
    let root = state.settings.corpus.clone();
    let old = {
        let (root, id) = (root.clone(), id.to_string());
        blocking(move || Ok(corpus::Metadata::load(&root)?.get(&id).cloned())).await?
    }
    .unwrap_or_default();
    let text = |v: &str| Ok(Some(v.trim().to_string()).filter(|v| !v.is_empty()));
    let edits = Edits {
        title: field(
            form.title.as_deref(),
            text,
            Some(doc.title.clone()),
            old.title,
        )?,
        date: field(form.date.as_deref(), parse_date, doc.date, old.date)?,
        source: field(form.source.as_deref(), text, doc.source.clone(), old.source)?,
        kind: field(form.kind.as_deref(), parse_kind, doc.kind, old.kind)?,
    };
    let category = match form.category.as_deref().map(str::trim) {
        // As the form showed it: no move, whatever the folder's spelling.
        Some(c) if c == doc.category => None,
        None => None,
        Some(c) if c.is_empty() || c == corpus::ROOT_CATEGORY => Some(None),
        Some(c) => Some(Some(corpus::safe_category(c).map_err(|e| {
            WebError::bad_request(format!("Category refused: {e}."))
        })?)),
    };
    let moved = category
        .map(|c| c.flatten())
        .filter(|c| *c.as_deref().unwrap_or(corpus::ROOT_CATEGORY) != doc.category);
    let new_id = match moved {
        Some(category) => relocate(state, &doc, category, edits).await?,
        None => {
            write(state, id, edits).await?;
            id.to_string()
        }
    };
    state.audit(who, What::Metadata, &new_id);
    Ok(new_id)
}

/// The visibility a moved document keeps at its new id: a rule naming it (an editor's choice),
/// else internal when it is internal now (never public by a move), else what its new folder says.
async fn carried_visibility(state: &AppState, id: &str) -> Result<Option<Visibility>, WebError> {
    let (engine, root, known) = (
        state.engine(),
        state.settings.corpus.clone(),
        id.to_string(),
    );
    let visibility = tokio::task::spawn_blocking(move || engine.visibility(&known))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(WebError::from)?;
    let known = id.to_string();
    let rule = blocking(move || Ok(corpus::Rules::load_visibility(&root)?.rule(&known))).await?;
    Ok(match rule {
        corpus::Rule::Document(v) => Some(v),
        _ => visibility.filter(|v| *v == Visibility::Intern),
    })
}

/// Removes the rules of document `id` when it has no file: the old id's after a move, the new
/// one's when the move did not happen (a file there keeps them).
async fn forget_rules_without_file(root: std::path::PathBuf, id: String) -> Result<(), WebError> {
    blocking(move || {
        if root.join(&id).exists() {
            return Ok(());
        }
        corpus::set_metadata(&root, &id, &Edits::default())?;
        corpus::set_document_rule(&root, &id, None)
    })
    .await
}

/// Moves document `doc` into `category` with its metadata `edits` and its visibility.
async fn relocate(
    state: &AppState,
    doc: &DocumentView,
    category: Option<String>,
    edits: Edits,
) -> Result<String, WebError> {
    let _placing = super::PLACING.lock().await;
    let root = state.settings.corpus.clone();
    let (from, to) = (
        doc.id.clone(),
        corpus::moved_id(&doc.id, category.as_deref()),
    );
    if root.join(&to).exists() {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            format!("{to} exists already: rename one of the two first."),
        ));
    }
    // The rules of the new id are in place before the file is: the watcher never sees it there
    // without them, and an internal document never turns public by a move.
    let keep = carried_visibility(state, &from).await?;
    blocking({
        let (root, to) = (root.clone(), to.clone());
        move || {
            corpus::set_metadata(&root, &to, &edits)?;
            corpus::set_document_rule(&root, &to, keep)
        }
    })
    .await?;
    let moved = tokio::task::spawn_blocking({
        let (root, from) = (root.clone(), from.clone());
        move || corpus::move_file(&root, &from, category.as_deref())
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?;
    let tidy = |id: String| forget_rules_without_file(root.clone(), id);
    match moved {
        Ok(Some(_)) => {
            tidy(from).await?;
            Ok(to)
        }
        Ok(None) => {
            tidy(to).await?;
            Err(WebError::not_found(format!(
                "There is no document {from:?}."
            )))
        }
        Err(e) => {
            tidy(to).await?;
            Err(match e {
                corpus::AddError::Conflict(why) => WebError::new(StatusCode::CONFLICT, why),
                corpus::AddError::Io(e) => WebError::internal(format!("moving {from}: {e}")),
            })
        }
    }
}

/// `PUT /api/metadata/{id}`: JSON `{"title", "date", "source", "type", "category"}`, each
/// optional (left out: unchanged; empty: the file's own value); a new category moves the file.
/// Answers the document's id afterwards.
pub async fn set_metadata(
    State(state): State<Arc<AppState>>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<MetadataFields>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let result = async {
        super::authorise(&state, &headers, client)?;
        let Json(fields) = body.map_err(|e| WebError::bad_request(e.body_text()))?;
        let id = edit(&state, &id, fields, TOKEN_NAME).await?;
        Ok::<_, WebError>(Json(serde_json::json!({ "id": id })).into_response())
    }
    .await;
    result.unwrap_or_else(WebError::json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_left_as_shown_follows_the_file_and_an_emptied_one_too() {
        let shown = Some("Plan".to_string());
        assert_eq!(chosen(Some("Plan".to_string()), shown.clone(), false), None);
        assert_eq!(
            chosen(Some("Plan".to_string()), shown.clone(), true),
            Some("Plan".to_string())
        );
        assert_eq!(
            chosen(Some("Ny plan".to_string()), shown.clone(), false),
            Some("Ny plan".to_string())
        );
        assert_eq!(chosen(None, shown, true), None);
    }

    #[test]
    fn an_upload_gives_a_title_to_one_file_only_and_checks_dates() {
        let fields: HashMap<String, String> = [("title", "Plan"), ("date", "2024-03")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
        let e = upload_edits(&fields, 1).expect("one file");
        assert_eq!(e.title.as_deref(), Some("Plan"));
        assert_eq!(e.date, Date::parse("2024-03"));
        assert!(upload_edits(&fields, 2).is_err());
        let bad: HashMap<String, String> = [("date".to_string(), "31/2".to_string())].into();
        assert_eq!(
            upload_edits(&bad, 1).expect_err("no date").status,
            StatusCode::BAD_REQUEST
        );
    }
}
