//! Failed admin sign-ins, counted per client: after [`MAX_FAILURES`] wrong tokens within
//! [`FAILURE_WINDOW`] a client's further wrong tokens answer 429 instead of 401. The token is
//! checked first, so the right token always gets in, and one client's failures never lock out
//! another.
//!
//! A client is the address the connection comes from (the server inserts it into each request):
//! an IPv4 address, or an IPv6 address's /64 network (what one subscriber usually holds, so an
//! attacker cannot get a fresh count from each of its addresses). `X-Forwarded-For` is never
//! trusted: any client can send it. Behind a reverse proxy every client is the proxy's address
//! and shares one count, which still never keeps the right token out. A request without a known
//! peer (the router driven in-process, as the tests do) counts as one unknown client. At most
//! [`MAX_CLIENTS`] clients are remembered; the oldest failures are forgotten first.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// Wrong tokens a client may send per [`FAILURE_WINDOW`] before the next ones answer 429.
pub const MAX_FAILURES: usize = 10;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Clients whose failures are remembered at once.
pub const MAX_CLIENTS: usize = 4096;

/// Who is signing in, as far as the failure count knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Client {
    /// An IPv4 address, or an IPv6 address with its last 64 bits cleared.
    Address(IpAddr),
    /// No peer address known.
    Unknown,
}

impl Client {
    pub fn of(peer: Option<SocketAddr>) -> Client {
        match peer.map(|p| p.ip().to_canonical()) {
            Some(IpAddr::V6(v6)) => {
                let network = u128::from(v6) & !u128::from(u64::MAX);
                Client::Address(IpAddr::V6(network.into()))
            }
            Some(v4) => Client::Address(v4),
            None => Client::Unknown,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Client::of(peer))
    }
}

/// The recent failures of each client (or of each other key: the account names of password
/// sign-ins).
pub struct Failures<K = Client>(Mutex<HashMap<K, VecDeque<Instant>>>);

impl<K> Default for Failures<K> {
    fn default() -> Self {
        Failures(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + std::hash::Hash + Clone> Failures<K> {
    /// Counts a wrong token from `client`; whether the client was over the limit already (then
    /// the attempt is not counted, so a client that keeps trying is let go once the first of its
    /// counted failures is a window old).
    pub fn failed(&self, client: K) -> bool {
        self.failed_at(client, Instant::now())
    }

    /// Whether `client` is over the limit now, without counting anything: a password is not
    /// even checked then (unlike the token, a password can be guessed).
    pub fn over_limit(&self, client: &K) -> bool {
        let now = Instant::now();
        self.lock().get(client).is_some_and(|times| {
            times
                .iter()
                .filter(|t| now.saturating_duration_since(**t) < FAILURE_WINDOW)
                .count()
                >= MAX_FAILURES
        })
    }

    /// Forgets `client`'s failures (it signed in).
    pub fn succeeded(&self, client: K) {
        self.lock().remove(&client);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, VecDeque<Instant>>> {
        // Counts are plain data: one left half-updated by a panic is still a count.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn failed_at(&self, client: K, now: Instant) -> bool {
        let recent = |t: &Instant| now.saturating_duration_since(*t) < FAILURE_WINDOW;
        let mut clients = self.lock();
        if !clients.contains_key(&client) && clients.len() >= MAX_CLIENTS {
            clients.retain(|_, times| times.back().is_some_and(recent));
            if clients.len() >= MAX_CLIENTS {
                let stalest = clients
                    .iter()
                    .min_by_key(|(_, times)| times.back().copied())
                    .map(|(c, _)| c.clone());
                if let Some(stalest) = stalest {
                    clients.remove(&stalest);
                }
            }
        }
        let times = clients.entry(client).or_default();
        while times.front().is_some_and(|t| !recent(t)) {
            times.pop_front();
        }
        if times.len() >= MAX_FAILURES {
            return true;
        }
        times.push_back(now);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ip: &str) -> Client {
        Client::of(Some(SocketAddr::new(ip.parse().expect("ip"), 4000)))
    }

    #[test]
    fn clients_are_addresses_and_ipv6_networks() {
        assert_eq!(client("192.0.2.7"), client("192.0.2.7"));
        assert_ne!(client("192.0.2.7"), client("192.0.2.8"));
        assert_eq!(client("::ffff:192.0.2.7"), client("192.0.2.7"));
        assert_eq!(client("2001:db8:1:2::1"), client("2001:db8:1:2:ffff::9"));
        assert_ne!(client("2001:db8:1:2::1"), client("2001:db8:1:3::1"));
        assert_eq!(Client::of(None), Client::Unknown);
    }

    #[test]
    fn failures_lock_out_their_client_for_a_window() {
        let failures = Failures::default();
        let start = Instant::now();
        let (a, b) = (client("192.0.2.1"), client("192.0.2.2"));
        for n in 0..MAX_FAILURES {
            assert!(!failures.failed_at(a, start), "failure {n}");
        }
        assert!(failures.failed_at(a, start));
        assert!(
            !failures.failed_at(b, start),
            "another client is not locked out"
        );
        // Locked-out attempts are not counted: a window after its counted failures the client
        // may try again, however often it tried meanwhile (one wrong token every 7 s).
        for s in [7, 14, 21, 28, 35, 42, 49, 56] {
            assert!(failures.failed_at(a, start + Duration::from_secs(s)));
        }
        assert!(!failures.failed_at(a, start + FAILURE_WINDOW));
        failures.succeeded(a);
        assert!(failures.lock().get(&a).is_none());
    }

    #[test]
    fn the_clients_remembered_are_bounded() {
        let failures = Failures::default();
        let start = Instant::now();
        let locked = client("198.51.100.1");
        for _ in 0..MAX_FAILURES {
            failures.failed_at(locked, start + Duration::from_secs(1));
        }
        for n in 0..MAX_CLIENTS as u32 + 10 {
            let ip = IpAddr::V4((0x0a00_0000 + n).into());
            failures.failed_at(Client::Address(ip), start);
        }
        assert!(failures.lock().len() <= MAX_CLIENTS);
        // The clients pushed out were the ones with the oldest failures.
        assert!(failures.failed_at(locked, start + Duration::from_secs(2)));
    }
}
