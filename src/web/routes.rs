//! The site's and the API's routes: which handler answers which address and method. The
//! middleware around them (host check, same-origin check, security headers, compression) is
//! put on in [`super::router_with`].

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;

use super::{admin, admin_page, assets, feed, signin, AppState};
use super::{document_page, home, not_found, original_file, search_api, search_page, statement};

/// Every route, the uploads' with room for the multipart framing around the largest file.
pub(super) fn table(max_upload: usize) -> Router<Arc<AppState>> {
    let upload_limit = || axum::extract::DefaultBodyLimit::max(max_upload + (64 << 10));
    Router::new()
        .route("/", get(home))
        .route("/search", get(search_page))
        .route("/api/search", get(search_api))
        .route("/search.atom", get(feed::feed))
        .route("/doc/{*id}", get(document_page))
        .route("/was", get(statement))
        .route("/files/{*id}", get(original_file))
        .route("/api/status", get(admin::status))
        .route("/api/search-log", get(admin::search_log))
        .route("/api/reindex", post(admin::reindex))
        .route("/api/documents", post(admin::upload).layer(upload_limit()))
        .route("/api/documents/{*id}", axum::routing::delete(admin::delete))
        .route("/api/metadata/{*id}", put(admin::set_metadata))
        .route("/admin", get(admin_page::show))
        .route("/admin/admin.js", get(assets::admin_script))
        .route("/search.js", get(assets::search_script))
        .route("/favicon.svg", get(assets::favicon))
        .route("/robots.txt", get(assets::robots))
        .route("/opensearch.xml", get(assets::opensearch))
        .route("/admin/login", post(admin_page::sign_in))
        .route("/admin/logout", post(admin_page::sign_out))
        .route(
            "/admin/upload",
            post(admin_page::upload).layer(upload_limit()),
        )
        .route("/admin/delete", post(admin_page::delete))
        .route(
            "/admin/document",
            get(admin_page::edit_form).post(admin_page::edit_save),
        )
        .route("/admin/visibility", post(admin_page::set_visibility))
        .route("/admin/synonyms", post(admin_page::synonyms))
        .route("/admin/accounts", post(admin_page::accounts))
        .route("/admin/reindex", post(admin_page::reindex))
        .route("/login", get(signin::form).post(signin::sign_in))
        .route("/logout", post(signin::sign_out))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(not_found)
}
