//! The admin API: adding and removing documents over HTTP, and the index's status.
//!
//! Uploads are written into the corpus folder (which stays the source of truth: a rebuild from
//! scratch gives the same index) and reach search through the corpus watcher, like a file copied
//! in by hand. The writing routes are closed (404) unless the operator set a token; a request
//! must carry it as `Authorization: Bearer …` (the scheme in any case), compared in constant
//! time, and wrong tokens are limited per client ([`limit`]). Every upload is checked before
//! anything is written: a safe name, a format vidensbase reads, and content that is what the name
//! says; a name, category or place the corpus refuses is a 4xx that says why.

mod limit;
pub(super) mod metadata;
pub use metadata::set_metadata;
mod status;

use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use subtle::ConstantTimeEq;

use super::session::TOKEN_NAME;
use super::{AppState, WebError};
use crate::access::{Audience, Visibility};
use crate::audit::What;
use crate::corpus;
use crate::format::Format;
pub(super) use limit::{Client, Failures};
pub use status::status;
pub(in crate::web) use status::{status_of, StatusBody};

/// The token of an `Authorization: Bearer …` header; the scheme is case-insensitive (RFC 7235).
pub(super) fn bearer(headers: &HeaderMap) -> &str {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim();
    match value.split_once([' ', '\t']) {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => "",
    }
}

/// Checks the bearer token. Without a configured token the route does not exist (404).
fn authorise(state: &AppState, headers: &HeaderMap, client: Client) -> Result<(), WebError> {
    check_token(state, client, bearer(headers)).map_err(|e| match e.status {
        StatusCode::UNAUTHORIZED => WebError::new(
            StatusCode::UNAUTHORIZED,
            "A valid admin token is needed (Authorization: Bearer …).",
        ),
        _ => e,
    })
}

/// Checks an offered admin token in constant time: the right one always passes; a wrong one is
/// 401, or 429 from a client past [`limit::MAX_FAILURES`] wrong ones in
/// [`limit::FAILURE_WINDOW`]. 404 when no token is configured.
pub(super) fn check_token(state: &AppState, client: Client, offered: &str) -> Result<(), WebError> {
    let Some(token) = state.settings.admin_token.as_deref() else {
        return Err(WebError::not_found("There is no page at this address."));
    };
    if bool::from(offered.as_bytes().ct_eq(token.as_bytes())) {
        state.failures.succeeded(client);
        return Ok(());
    }
    if state.failures.failed(client) {
        return Err(WebError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts; try again in a minute.",
        ));
    }
    Err(WebError::new(
        StatusCode::UNAUTHORIZED,
        "Wrong admin token.",
    ))
}

/// One file of an upload, checked.
pub(super) struct Upload {
    name: String,
    bytes: Vec<u8>,
}

/// An upload as sent: its files (each checked), where they go, and the form's other fields.
#[derive(Default)]
pub(super) struct Received {
    pub files: Vec<Upload>,
    pub category: Option<String>,
    pub replace: bool,
    /// Other text fields (the admin page's CSRF token).
    pub fields: std::collections::HashMap<String, String>,
}

#[derive(Serialize)]
struct Added {
    id: String,
}

/// `POST /api/documents`: `multipart/form-data` with one or more `file` fields, an optional
/// `category` and an optional `replace=true` (also as a query parameter).
pub async fn upload(
    State(state): State<Arc<AppState>>,
    client: Client,
    headers: HeaderMap,
    query: axum::extract::RawQuery,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        authorise(&state, &headers, client)?;
        let mut received = receive(&state, multipart).await?;
        received.replace |= query
            .0
            .as_deref()
            .is_some_and(|q| q.split('&').any(|p| p == "replace=true"));
        let ids = store(&state, received, TOKEN_NAME).await?;
        let body = match ids.as_slice() {
            [id] => serde_json::json!(Added { id: id.clone() }),
            _ => serde_json::json!({
                "documents": ids.into_iter().map(|id| Added { id }).collect::<Vec<_>>()
            }),
        };
        Ok::<_, WebError>((StatusCode::CREATED, Json(body)).into_response())
    }
    .await;
    result.unwrap_or_else(WebError::json)
}

/// Reads and checks a multipart upload; nothing is written yet.
pub(super) async fn receive(
    state: &AppState,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Received, WebError> {
    let mut multipart = multipart.map_err(|e| {
        WebError::bad_request(format!("Expected multipart/form-data with a file: {e}"))
    })?;
    let mut received = Received::default();
    let too_big = || {
        WebError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The upload is larger than {} MB.",
                state.settings.max_upload >> 20
            ),
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => return Err(WebError::bad_request(format!("Unreadable upload: {e}"))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_big()),
            Err(e) => return Err(WebError::bad_request(format!("Unreadable upload: {e}"))),
        };
        match name.as_str() {
            // A browser sends an empty file field when no file was chosen.
            "file" if file_name.as_deref().unwrap_or_default().is_empty() && bytes.is_empty() => {}
            "file" => received.files.push(check(
                file_name.as_deref().unwrap_or_default(),
                bytes.to_vec(),
            )?),
            "category" => {
                received.category = corpus::safe_category(&String::from_utf8_lossy(&bytes))
                    .map_err(|e| WebError::bad_request(format!("Category refused: {e}.")))?;
            }
            "replace" => received.replace = String::from_utf8_lossy(&bytes).trim() == "true",
            _ => {
                received
                    .fields
                    .insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    if received.files.iter().map(|f| f.bytes.len()).sum::<usize>() > state.settings.max_upload {
        return Err(too_big());
    }
    if received.files.is_empty() {
        return Err(WebError::bad_request(
            "No file: send it in a field called file.",
        ));
    }
    Ok(received)
}

/// One writer at a time of a document's rules together with its file (an upload, a move), so a
/// move and an upload of one name never undo each other's visibility rule.
pub(super) static PLACING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Writes checked files into the corpus (the watcher indexes them); their document ids.
pub(super) async fn store(
    state: &AppState,
    received: Received,
    who: &str,
) -> Result<Vec<String>, WebError> {
    let _placing = PLACING.lock().await;
    let root = state.settings.corpus.clone();
    let visibility = match received.fields.get("visibility").map(|v| v.trim()) {
        None | Some("") => None,
        Some(v) => Some(Visibility::parse(v).ok_or_else(|| {
            WebError::bad_request("Visibility is offentlig or intern (or left out).")
        })?),
    };
    let edits = metadata::upload_edits(&received.fields, received.files.len())?;
    let Received {
        files,
        category,
        replace,
        ..
    } = received;
    // The rule and the metadata are in place before the file is: the watcher never sees an
    // internal upload without its rule. A name already taken would get a number, an id not
    // known beforehand.
    let folder = category.clone();
    let id_of = move |name: &str| match &folder {
        Some(c) => format!("{c}/{name}"),
        None => name.to_string(),
    };
    let ruled = visibility.is_some() || !edits.is_empty();
    if ruled {
        let ids: Vec<String> = files.iter().map(|f| id_of(&f.name)).collect();
        check_new_ids(&root, &ids, replace)?;
        for id in &ids {
            set_rules(state, who, id, visibility, &edits).await?;
        }
    }
    let files_names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let (corpus_root, planned) = (
        root.clone(),
        files_names.iter().map(|n| id_of(n)).collect::<Vec<_>>(),
    );
    let added = tokio::task::spawn_blocking(move || {
        files
            .iter()
            .map(|f| corpus::add_file(&root, category.as_deref(), &f.name, &f.bytes, replace))
            .collect::<Result<Vec<String>, corpus::AddError>>()
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?;
    if added.is_err() && ruled {
        forget_rules(corpus_root, planned).await;
    }
    let ids = added.map_err(|e| match e {
        corpus::AddError::Conflict(why) => {
            WebError::new(StatusCode::CONFLICT, format!("Upload refused: {why}."))
        }
        corpus::AddError::Io(e) => WebError::internal(format!("writing an upload: {e}")),
    })?;
    for (id, f) in ids.iter().zip(&files_names) {
        // Another upload took the name meanwhile, and this file got a number: its rules follow
        // at once (the watcher waits for a quiet moment, and sees both together).
        if ruled && *id != id_of(f) {
            set_rules(state, who, id, visibility, &edits).await?;
        }
        state.audit(who, What::Upload, id);
    }
    Ok(ids)
}

/// Refuses an upload with rules (visibility, metadata) whose ids are not new: two files of one
/// name, or a name taken (unless replacing). Its rules must be in place before its file, under
/// an id known beforehand; a taken name would get a number instead.
fn check_new_ids(root: &std::path::Path, ids: &[String], replace: bool) -> Result<(), WebError> {
    let mut sorted: Vec<&String> = ids.iter().collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "Upload refused: two files of one name; with a visibility or metadata each needs its own.",
        ));
    }
    match ids.iter().find(|id| !replace && root.join(id).exists()) {
        Some(id) => Err(WebError::new(
            StatusCode::CONFLICT,
            format!("Upload refused: {id} exists; replace it, or rename the file."),
        )),
        None => Ok(()),
    }
}

/// Removes the rules written for uploads that did not land: they would name whatever comes to
/// those ids next.
async fn forget_rules(root: std::path::PathBuf, ids: Vec<String>) {
    let _ = tokio::task::spawn_blocking(move || {
        for id in ids.iter().filter(|id| !root.join(id).exists()) {
            let _ = corpus::set_metadata(&root, id, &corpus::Edits::default());
            let _ = corpus::set_document_rule(&root, id, None);
        }
    })
    .await;
}

/// Writes the visibility rule and the metadata of an upload's document `id`.
async fn set_rules(
    state: &AppState,
    who: &str,
    id: &str,
    visibility: Option<Visibility>,
    edits: &crate::corpus::Edits,
) -> Result<(), WebError> {
    if let Some(visibility) = visibility {
        write_rule(state, id, visibility).await?;
        let detail = format!("{id}: {}", visibility.code());
        state.audit(who, What::Visibility, &detail);
    }
    if !edits.is_empty() {
        metadata::write(state, id, edits.clone()).await?;
        state.audit(who, What::Metadata, id);
    }
    Ok(())
}

/// Sets who may open indexed document `id` (`offentlig` or `intern`), as a rule naming it in
/// the corpus's rules file; the watcher indexes it again.
pub(super) async fn set_visibility(
    state: &AppState,
    id: &str,
    value: &str,
    who: &str,
) -> Result<Visibility, WebError> {
    let visibility = Visibility::parse(value)
        .ok_or_else(|| WebError::bad_request("Visibility is offentlig or intern."))?;
    let (engine, known) = (state.engine(), id.to_string());
    let indexed = tokio::task::spawn_blocking(move || engine.original(&known, Audience::Staff))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(WebError::from)?;
    if indexed.is_none() {
        return Err(WebError::not_found(format!("There is no document {id:?}.")));
    }
    write_rule(state, id, visibility).await?;
    state.audit(
        who,
        What::Visibility,
        &format!("{id}: {}", visibility.code()),
    );
    Ok(visibility)
}

async fn write_rule(state: &AppState, id: &str, visibility: Visibility) -> Result<(), WebError> {
    let (root, id) = (state.settings.corpus.clone(), id.to_string());
    tokio::task::spawn_blocking(move || corpus::set_document_rule(&root, &id, Some(visibility)))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(|e| WebError::internal(format!("writing the visibility rules: {e}")))
}

/// A file of an upload with a safe name, in a format vidensbase reads, whose content is what
/// its name says.
fn check(name: &str, bytes: Vec<u8>) -> Result<Upload, WebError> {
    let name = corpus::safe_file_name(name)
        .map_err(|e| WebError::bad_request(format!("File name refused: {e}.")))?;
    let unsupported = |why: String| WebError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, why);
    let format = Format::from_path(std::path::Path::new(&name)).ok_or_else(|| {
        unsupported(format!(
            "{name}: only .pdf, .docx, .odt, .txt, .md and .html files are read."
        ))
    })?;
    if !format.matches_content(&bytes) {
        return Err(unsupported(format!(
            "{name}: the content is not what the name says."
        )));
    }
    Ok(Upload { name, bytes })
}

/// `DELETE /api/documents/{id}`: removes the document's file from the corpus; the watcher
/// removes it from search.
pub async fn delete(
    State(state): State<Arc<AppState>>,
    client: Client,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        authorise(&state, &headers, client)?;
        remove(&state, &id, TOKEN_NAME).await?;
        Ok(Json(serde_json::json!({ "id": id, "deleted": true })).into_response())
    }
    .await;
    result.unwrap_or_else(WebError::json)
}

/// Removes a document's file from the corpus (the watcher removes it from search); 404 for an
/// unknown id or a file that is no document (`kategorier.tsv`, a hidden file).
pub(super) async fn remove(state: &AppState, id: &str, who: &str) -> Result<(), WebError> {
    let root = state.settings.corpus.clone();
    let target = id.to_string();
    let removed = tokio::task::spawn_blocking(move || corpus::remove_file(&root, &target))
        .await
        .map_err(|e| WebError::internal(e.to_string()))?
        .map_err(|e| WebError::internal(format!("removing {id}: {e}")))?;
    if !removed {
        return Err(WebError::not_found(format!("There is no document {id:?}.")));
    }
    state.audit(who, What::Delete, id);
    // A rule naming the document goes with it: a later file of that name gets its folder's.
    let (root, target) = (state.settings.corpus.clone(), id.to_string());
    let forgotten = tokio::task::spawn_blocking(move || {
        match corpus::Rules::load_visibility(&root).map(|r| r.rule(&target)) {
            Ok(corpus::Rule::Document(_)) => corpus::set_document_rule(&root, &target, None),
            Err(e) => Err(e),
            _ => Ok(()),
        }
    });
    match forgotten.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("the visibility rule of {id} stays: {e}"),
        Err(e) => tracing::warn!("the visibility rule of {id} stays: {e}"),
    }
    Ok(())
}

/// `GET /api/search-log` (admin token): the search log's report, as the admin page shows it.
pub async fn search_log(
    State(state): State<Arc<AppState>>,
    client: Client,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authorise(&state, &headers, client) {
        return e.json();
    }
    match state.settings.search_log.as_deref() {
        Some(log) => Json(log.report()).into_response(),
        None => WebError::not_found("This server keeps no search log.").json(),
    }
}

/// `POST /api/reindex`: builds the index again from scratch beside the live one (202; 409 while
/// one runs; 503 when the server does not watch the corpus).
pub async fn reindex(
    State(state): State<Arc<AppState>>,
    client: Client,
    headers: HeaderMap,
) -> Response {
    let result =
        authorise(&state, &headers, client).and_then(|()| start_rebuild(&state, TOKEN_NAME));
    match result {
        Ok(()) => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "rebuilding": true })),
        )
            .into_response(),
        Err(e) => e.json(),
    }
}

pub(super) fn start_rebuild(state: &AppState, who: &str) -> Result<(), WebError> {
    let Some(rebuilder) = state.settings.rebuilder.as_deref() else {
        return Err(WebError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "This server does not keep the index current (started with --no-watch); run `vidensbase index --rebuild`.",
        ));
    };
    if !rebuilder.start() {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            "The index is being rebuilt already.",
        ));
    }
    state.audit(who, What::Rebuild, "");
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().expect("header"));
            bearer(&headers).to_string()
        };
        for value in ["Bearer abc", "bearer abc", "BEARER  abc ", "Bearer\tabc"] {
            assert_eq!(with(value), "abc", "{value:?}");
        }
        for value in ["Basic abc", "Bearerabc", "abc", "Bearer"] {
            assert_eq!(with(value), "", "{value:?}");
        }
        assert_eq!(bearer(&HeaderMap::new()), "");
    }
}
