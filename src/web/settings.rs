//! How a server is set up, beside its index: the corpus folder, the admin token, who may sign
//! in as staff and how, the site's details.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Categories, Site};

/// How the server is set up, beside its index.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The corpus folder the index is built from: where `/files/{id}` reads originals and the
    /// admin API writes uploads.
    pub corpus: PathBuf,
    /// The admin API's bearer token; without one the admin routes answer 404.
    pub admin_token: Option<String>,
    /// Largest upload in bytes.
    pub max_upload: usize,
    /// The corpus watcher's state, for `/api/status` (none when not watching).
    pub status: Option<Arc<crate::watch::Status>>,
    /// Host names requests may be addressed to (the `Host` header, port aside); none: any. A
    /// server on loopback allows only its own names, so a web page whose name an attacker points
    /// at 127.0.0.1 (DNS rebinding) cannot read it.
    pub allowed_hosts: Option<Vec<String>>,
    /// Starts a rebuild of the index (the watcher's; none when not watching).
    pub rebuilder: Option<Arc<crate::watch::Rebuilder>>,
    /// Who runs the site (footer, accessibility statement).
    pub site: Site,
    /// Display names of the category folders (`kategorier.tsv` in the corpus).
    pub categories: Categories,
    /// Local staff accounts (`/login`), when the server has an accounts file.
    pub accounts: Option<Arc<crate::accounts::Accounts>>,
    /// A single sign-on proxy in front of the server, whose user headers are trusted.
    pub proxy: Option<Proxy>,
    /// Where sign-ins, uploads, deletions and visibility changes are recorded.
    pub audit: Option<Arc<crate::audit::Audit>>,
    /// Searches that found nothing or whose hits nobody opened, for editors.
    pub search_log: Option<Arc<crate::searchlog::SearchLog>>,
}

/// A reverse proxy that signs staff in (nginx with oauth2-proxy, or similar) and passes who they
/// are in headers: trusted only from its addresses.
#[derive(Debug, Clone, Default)]
pub struct Proxy {
    /// The proxy's addresses; a request from any other peer has its user headers ignored.
    pub addresses: Vec<std::net::IpAddr>,
    /// The header with the user's name (`X-Forwarded-User`).
    pub user_header: String,
    /// The header with the user's groups, separated by commas (`X-Forwarded-Groups`).
    pub groups_header: String,
    /// Groups that give a role above `reader` (any signed-in user is a reader).
    pub group_roles: Vec<(String, crate::access::Role)>,
}

/// Default largest upload: 100 MB.
pub const MAX_UPLOAD: usize = 100 << 20;

impl Settings {
    /// Serving `corpus`, admin API closed.
    pub fn new(corpus: PathBuf) -> Settings {
        let corpus = crate::corpus::resolve(&corpus);
        Settings {
            categories: Categories::load(&corpus),
            site: Site::default(),
            corpus,
            admin_token: None,
            max_upload: MAX_UPLOAD,
            status: None,
            allowed_hosts: None,
            rebuilder: None,
            accounts: None,
            proxy: None,
            audit: None,
            search_log: None,
        }
    }

    /// Whether anyone can sign in as staff: with the admin token, a local account or through
    /// the proxy. Without, the admin pages do not exist (404).
    pub fn staff_enabled(&self) -> bool {
        self.admin_token.is_some() || self.accounts.is_some() || self.proxy.is_some()
    }
}
