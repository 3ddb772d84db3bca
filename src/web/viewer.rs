//! Who is asking: the [`Audience`] a request is answered for, and the staff member behind it.
//! Staff are a script with the admin token (`Authorization: Bearer …`, checked as the admin API
//! checks it: in constant time, wrong tokens limited per client), a person signed in (a session
//! cookie: `/login` or the admin page's token), and a person the single sign-on proxy vouches
//! for (its user header, trusted only from the proxy's own addresses). Everyone else sees public
//! documents only.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::admin::{self, Client};
use super::session::TOKEN_NAME;
use super::AppState;
use crate::access::{Audience, Role, Staff};

/// The audience of a request. A request with a wrong admin token is refused (401, or 429 after
/// too many), so a script learns that its token is wrong instead of seeing fewer documents.
pub struct Viewer {
    pub audience: Audience,
}

impl FromRequestParts<Arc<AppState>> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let configured = state.settings.admin_token.is_some();
        // Only a bearer token is an attempt at the admin token: a proxy's own scheme (`Basic`,
        // forwarded by nginx with basic authentication) is not for vidensbase.
        let bearer = admin::bearer(&parts.headers);
        let staff = if configured && !bearer.is_empty() {
            let client = Client::of(peer(parts));
            match admin::check_token(state, client, bearer) {
                Ok(()) => Some(Staff {
                    name: TOKEN_NAME.to_string(),
                    role: Role::Admin,
                }),
                Err(e) => return Err(e.json().into_response()),
            }
        } else if let Some(session) = state.signed_in(&parts.headers) {
            Some(session.staff)
        } else {
            from_proxy(state, parts)
        };
        Ok(Viewer {
            audience: match staff {
                Some(_) => Audience::Staff,
                None => Audience::Anyone,
            },
        })
    }
}

fn peer(parts: &Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// The person the proxy signed in, when the request comes from a trusted proxy address and
/// carries a user: a reader, or the highest role one of their groups gives.
pub(super) fn from_proxy(state: &AppState, parts: &Parts) -> Option<Staff> {
    let proxy = state.settings.proxy.as_ref()?;
    let from = peer(parts)?.ip().to_canonical();
    if !proxy.addresses.iter().any(|a| a.to_canonical() == from) {
        return None;
    }
    let header_text = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let name = header_text(&proxy.user_header)?;
    let groups = header_text(&proxy.groups_header).unwrap_or_default();
    let role = groups
        .split(',')
        .map(str::trim)
        .filter_map(|g| proxy.group_roles.iter().find(|(name, _)| name == g))
        .map(|(_, role)| *role)
        .max()
        .unwrap_or(Role::Reader);
    Some(Staff {
        name: name.to_string(),
        role,
    })
}
