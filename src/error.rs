//! The library's error types: [`UserError`] (the request asked for something that is not so: an
//! unknown document, a value out of range) apart from [`Error`]'s other variants, which are the
//! system's (files, the index, the engine).
//!
//! Messages are lowercase, carry the path they concern, and never contain document text. The web
//! layer answers a [`UserError`] with a 4xx by its variant and everything else with a logged 500.

use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("index {path}: {message}")]
    Index { path: PathBuf, message: String },
    #[error("index {0} was built by an incompatible version of vidensbase; run `vidensbase index --rebuild` to build it again")]
    IncompatibleIndex(PathBuf),
    #[error("no index in {0}; run `vidensbase index` first")]
    NoIndex(PathBuf),
    #[error("index {0} is being written by another process (is `vidensbase index` running?)")]
    Locked(PathBuf),
    #[error("search engine: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    User(#[from] UserError),
    #[error("reading the index: {0}")]
    Store(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl Error {
    pub(crate) fn index(path: &Path, err: impl std::fmt::Display) -> Error {
        Error::Index {
            path: path.to_path_buf(),
            message: err.to_string(),
        }
    }
}

/// What a request asked that is not so; shown to the user as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("no document {0:?}")]
    NotFound(String),
}
