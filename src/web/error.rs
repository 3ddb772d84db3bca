//! An error as the user sees it: a page or a JSON object with a plain message and the status
//! its type decides; internal details are logged, not shown.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::*;
use crate::error::{Error, UserError};

/// An error as the user sees it.
#[derive(Debug)]
pub struct WebError {
    pub(super) status: StatusCode,
    pub(super) message: String,
}

impl WebError {
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
        }
    }

    pub(super) fn not_found(message: impl Into<String>) -> WebError {
        WebError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub(super) fn bad_request(message: impl Into<String>) -> WebError {
        WebError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub(super) fn internal(detail: String) -> WebError {
        tracing::error!("internal error: {detail}");
        WebError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "Something went wrong on our side; it has been logged.".into(),
        }
    }

    pub(super) fn json(self) -> Response {
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
            staff: None,
        };
        let ctx = views::Ctx {
            ui: Ui::Da,
            site: &Site::default(),
            categories: &Categories::default(),
            here: &here.path,
            staff: None,
            sign_in: false,
            changed: None,
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
