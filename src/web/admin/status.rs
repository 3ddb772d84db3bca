//! `GET /api/status`: documents in the index, the watcher's state and its last sync, as the
//! asker may see them (for anyone, nothing that names an internal document).

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::super::{AppState, Viewer, WebError};
use crate::access::{Audience, Visibility};

#[derive(Serialize)]
pub(in crate::web) struct StatusBody {
    pub documents: u64,
    /// When the last sync of the watcher finished (RFC 3339), if there was one.
    pub last_commit: Option<String>,
    /// The same moment, for the admin page to show in Danish time.
    #[serde(skip)]
    pub last_commit_at: Option<SystemTime>,
    pub indexing: bool,
    /// A rebuild ("re-index everything") is running.
    pub rebuilding: bool,
    /// Files read and files to read by the running sync or rebuild.
    pub progress: Option<Progress>,
    /// Scans being read by OCR in the background, when there are any.
    pub ocr: Option<Ocr>,
    /// Files left out for what they contain, with why.
    pub skipped: Vec<Skipped>,
    /// The last sync's warnings (skipped files and files that could not be read).
    pub warnings: Vec<String>,
    pub version: &'static str,
    pub watching: bool,
}

/// A file left out of the index: its id (its path in the corpus folder), why in English, and
/// the kind of reason (`binary`, `damaged`, …) as a code.
#[derive(Serialize)]
pub(in crate::web) struct Skipped {
    pub id: String,
    pub reason: String,
    pub kind: crate::skipped::SkipKind,
}

/// The OCR of scans: files waiting (the one being read among them), and the pages done and to
/// do of the one being read.
#[derive(Serialize)]
pub(in crate::web) struct Ocr {
    pub files: usize,
    pub pages_done: usize,
    pub pages_total: usize,
}

#[derive(Serialize)]
pub(in crate::web) struct Progress {
    pub done: usize,
    pub total: usize,
}

/// The index's state, for the status API and the admin page, as `audience` may see it: for
/// anyone, the count of public documents; and where some documents are internal, no warning (a
/// log line may name a document internal by its front matter) and only the skipped files that
/// the rules leave public (all hidden when the rules cannot be read).
pub(in crate::web) fn status_of(state: &AppState, audience: Audience) -> StatusBody {
    let watch = state.settings.status.as_deref();
    let last = watch.and_then(|w| w.last());
    let engine = state.engine();
    let indexing = watch.is_some_and(|w| w.syncing());
    let documents = engine.num_docs_for(audience).unwrap_or(0);
    let rules = match audience {
        Audience::Staff => None,
        Audience::Anyone => {
            Some(crate::corpus::Rules::load_visibility(&state.settings.corpus).ok())
        }
    };
    let mixed = rules.as_ref().is_some_and(|rules| {
        rules
            .as_ref()
            .is_none_or(|r| r.internal_paths().next().is_some())
            || documents < engine.num_docs()
    });
    let mut body = StatusBody {
        documents,
        last_commit: last.as_ref().map(|(at, _)| rfc3339(*at)),
        last_commit_at: last.as_ref().map(|(at, _)| *at),
        indexing,
        rebuilding: watch.is_some_and(|w| w.rebuilding()),
        progress: watch
            .filter(|_| indexing)
            .map(|w| w.progress())
            .map(|(done, total)| Progress { done, total }),
        ocr: watch
            .map(|w| w.ocr())
            .filter(|&(files, _, _)| files > 0)
            .map(|(files, pages_done, pages_total)| Ocr {
                files,
                pages_done,
                pages_total,
            }),
        skipped: crate::skipped::skipped_files(engine.dir())
            .into_iter()
            .map(|(id, reason)| Skipped {
                id,
                reason: reason.to_string(),
                kind: reason.kind,
            })
            .collect(),
        warnings: last
            .map(|(_, report)| without_corpus_folder(report.warnings, &state.settings.corpus))
            .unwrap_or_default(),
        version: env!("CARGO_PKG_VERSION"),
        watching: watch.is_some(),
    };
    if let Some(rules) = rules.filter(|_| mixed) {
        body.warnings.clear();
        // The scans waiting may be internal ones.
        body.ocr = None;
        let public = |id: &str| {
            rules
                .as_ref()
                .is_some_and(|r| r.rule(id).decide(None) == Visibility::Offentlig)
        };
        body.skipped.retain(|s| public(&s.id));
    }
    body
}

/// `warnings` with the corpus folder's place on the server cut out of every path, so each file
/// is named by its path in the corpus (its id): the status is public, and the warnings are the
/// indexer's log lines, which name files by their full path.
fn without_corpus_folder(warnings: Vec<String>, corpus: &std::path::Path) -> Vec<String> {
    let mut folders: Vec<String> = [
        std::fs::canonicalize(corpus).ok(),
        std::path::absolute(corpus).ok(),
        Some(corpus.to_path_buf()),
    ]
    .into_iter()
    .flatten()
    .map(|folder| folder.display().to_string())
    .filter(|folder| !folder.is_empty() && folder != "/")
    .map(|folder| format!("{}/", folder.trim_end_matches('/')))
    .collect();
    // The longest first, so a folder is never cut in part by another that it begins with.
    folders.sort_by_key(|folder| std::cmp::Reverse(folder.len()));
    folders.dedup();
    warnings
        .into_iter()
        .map(|warning| {
            folders
                .iter()
                .fold(warning, |text, folder| cut_folder(&text, folder))
        })
        .collect()
}

/// `text` with `folder` removed where a path begins with it (at the start, or after a space or
/// a quote).
fn cut_folder(text: &str, folder: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(folder) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let starts_path = before.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '('));
        out.push_str(&rest[..at]);
        if !starts_path {
            out.push_str(folder);
        }
        rest = &rest[at + folder.len()..];
    }
    out.push_str(rest);
    out
}

/// `GET /api/status` (public): documents in the index, the watcher's state and last sync.
pub async fn status(State(state): State<Arc<AppState>>, viewer: Viewer) -> Response {
    let audience = viewer.audience;
    match tokio::task::spawn_blocking(move || status_of(&state, audience)).await {
        Ok(body) => super::super::private_for(audience, Json(body).into_response()),
        Err(e) => WebError::internal(e.to_string()).json(),
    }
}

use crate::date::rfc3339;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn warnings_name_files_by_their_place_in_the_corpus() {
        let warnings = vec![
            "skipping /srv/vb/corpus/news/x.pdf: looks like a binary file".to_string(),
            "skipping /srv/vb/corpus/a b.txt: could not be read: /srv/vb/corpus-old/y".to_string(),
            "/srv/vb/corpus/z.md: only the first 32 MB of its 40 MB of text are indexed".into(),
        ];
        assert_eq!(
            without_corpus_folder(warnings, std::path::Path::new("/srv/vb/corpus/")),
            [
                "skipping news/x.pdf: looks like a binary file",
                "skipping a b.txt: could not be read: /srv/vb/corpus-old/y",
                "z.md: only the first 32 MB of its 40 MB of text are indexed",
            ]
        );
        assert_eq!(cut_folder("in xcorpus/a", "corpus/"), "in xcorpus/a");
    }

    #[test]
    fn dates_in_rfc3339() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_860_900);
        assert_eq!(rfc3339(at), "2026-11-28T10:15:00Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }
}
