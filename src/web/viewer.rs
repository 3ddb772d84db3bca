//! Who is asking: the [`Audience`] a request is answered for. Staff are a script with the admin
//! token (`Authorization: Bearer …`, checked as the admin API checks it: in constant time,
//! wrong tokens limited per client) and a person signed in on the admin page (its session
//! cookie); everyone else sees public documents only.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::admin::{self, Client};
use super::{admin_page, AppState};
use crate::access::Audience;

/// The audience of a request. A request with a wrong admin token is refused (401, or 429 after
/// too many), so a script learns that its token is wrong instead of seeing fewer documents.
pub struct Viewer(pub Audience);

impl FromRequestParts<Arc<AppState>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let configured = state.settings.admin_token.is_some();
        if configured && parts.headers.contains_key(header::AUTHORIZATION) {
            let client = Client::from_request_parts(parts, state).await;
            let client = client.unwrap_or(Client::Unknown);
            return match admin::check_token(state, client, admin::bearer(&parts.headers)) {
                Ok(()) => Ok(Viewer(Audience::Staff)),
                Err(e) => Err(e.json().into_response()),
            };
        }
        if admin_page::has_session(state, &parts.headers) {
            return Ok(Viewer(Audience::Staff));
        }
        Ok(Viewer(Audience::Anyone))
    }
}
