//! `/files/<id>`: the original file of an indexed document, streamed from inside the corpus
//! folder only.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::Response;

use super::*;
use crate::error::Error;

/// The original file of a document, byte for byte. Only ids of indexed documents are served,
/// and only from inside the corpus folder: a path through `..`, an encoded slash or a symbolic
/// link that leads out of the corpus is a 404 like any unknown id.
///
/// The file is streamed by tower-http's `ServeFile` (a chunk at a time, so a large original costs
/// no more memory than a small one), which also answers `Range` (one range, 206),
/// `If-Modified-Since` (304) and `If-Unmodified-Since` (412) from the file's modification time.
pub(super) async fn original_file(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    Path(id): Path<String>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let audience = viewer.audience;
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
        tokio::task::spawn_blocking(move || locate_original(&state, &id, audience))
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
    let mut response = private_for(audience, response.map(axum::body::Body::new));
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
    audience: crate::access::Audience,
) -> Result<Option<(crate::format::Format, PathBuf)>, Error> {
    let Some(format) = state.engine().original(id, audience)? else {
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
