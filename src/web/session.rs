//! Signed-in sessions, for staff who sign in with a name and password (`/login`) and for the
//! admin page's token sign-in: a random cookie (`HttpOnly`, `SameSite=Strict`, path `/`,
//! `Secure` behind a TLS proxy that says so with `X-Forwarded-Proto: https`) naming a session
//! kept in memory, which ends [`SESSION_LIFE`] after sign-in, at sign-out, when the server
//! restarts, and when its account is removed. Every form of a session carries its CSRF token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap};

use crate::access::Staff;

/// The session cookie's name.
pub const COOKIE: &str = "vidensbase_session";
/// A session ends this long after sign-in.
pub const SESSION_LIFE: Duration = Duration::from_secs(8 * 3600);
/// Sessions kept at most; the oldest go first.
const MAX_SESSIONS: usize = 4096;
/// The name of a session signed in with the admin token, in the audit log.
pub const TOKEN_NAME: &str = "admin-token";

/// Signed-in sessions, by their cookie value.
#[derive(Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

struct Session {
    staff: Staff,
    csrf: String,
    started: Instant,
}

/// A request's valid session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub id: String,
    pub staff: Staff,
    pub csrf: String,
}

impl Sessions {
    /// A new session for `staff`: its cookie value.
    pub fn start(&self, staff: Staff) -> Option<String> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut sessions = self.0.lock().ok()?;
        sessions.retain(|_, s| s.started.elapsed() < SESSION_LIFE);
        while sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, s)| s.started)
                .map(|(id, _)| id.clone())?;
            sessions.remove(&oldest);
        }
        let started = Instant::now();
        sessions.insert(
            id.clone(),
            Session {
                staff,
                csrf,
                started,
            },
        );
        Some(id)
    }

    /// The session named by the request's cookie, if it is valid.
    pub fn of(&self, headers: &HeaderMap) -> Option<SignedIn> {
        let id = session_id(headers)?;
        let sessions = self.0.lock().ok()?;
        let s = sessions
            .get(id)
            .filter(|s| s.started.elapsed() < SESSION_LIFE)?;
        Some(SignedIn {
            id: id.to_string(),
            staff: s.staff.clone(),
            csrf: s.csrf.clone(),
        })
    }

    pub fn end(&self, id: &str) {
        if let Ok(mut sessions) = self.0.lock() {
            sessions.remove(id);
        }
    }
}

/// 32 random bytes, hex.
pub fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The session cookie's value in a request.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// The `Set-Cookie` value of a new session; `Secure` when the request came over TLS through a
/// proxy that says so.
pub fn cookie(id: &str, headers: &HeaderMap) -> String {
    let secure = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_LIFE.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session in the browser.
pub const CLEARED: &str = "vidensbase_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; vidensbase_session=abc; vidensbase_sessionx=no"),
        );
        assert_eq!(session_id(&headers), Some("abc"));
        assert_eq!(session_id(&HeaderMap::new()), None);
    }

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(), random_token());
        assert!(a.as_ref().is_some_and(|a| a.len() == 64));
        assert_ne!(a, b);
    }

    #[test]
    fn a_session_is_found_by_its_cookie_until_it_ends() {
        let sessions = Sessions::default();
        let anna = Staff {
            name: "anna".into(),
            role: crate::access::Role::Reader,
        };
        let id = sessions.start(anna.clone()).expect("session");
        let mut headers = HeaderMap::new();
        let pair = format!("{COOKIE}={id}");
        headers.insert(header::COOKIE, HeaderValue::from_str(&pair).expect("ascii"));
        assert_eq!(sessions.of(&headers).map(|s| s.staff), Some(anna));
        sessions.end(&id);
        assert!(sessions.of(&headers).is_none());
    }
}
