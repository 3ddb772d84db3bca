//! The admin page's metadata form for one document (`/admin/document?id=…`): title, date,
//! source, type and category, filled with what the index holds; saving writes the corpus's
//! metadata file or moves the file ([`crate::web::admin::metadata`]).

use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;

use super::{back, editor_form, here, html as admin_html, not_allowed, page, session_of, Who};
use crate::access::Role;
use crate::format::Kind;
use crate::search::DocumentView;
use crate::web::admin::metadata::{self, MetadataFields};
use crate::web::views::{doc_url, layout_with, Ctx, Frame};
use crate::web::{AppState, Ui, WebError};

#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(default)]
    id: String,
}

/// `GET /admin/document?id=…`: the form (editors and administrators).
pub async fn form(
    State(state): State<Arc<AppState>>,
    who: Who,
    which: Result<Query<Which>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let Some(session) = session_of(&state, who)? else {
            return Err(super::forbidden());
        };
        if session.staff.role < Role::Editor {
            return Err(not_allowed(Role::Editor));
        }
        let Query(which) = which.unwrap_or_default();
        let doc = metadata::indexed(&state, &which.id).await?;
        let engine = state.engine();
        let categories = tokio::task::spawn_blocking(move || engine.list("", Vec::new(), 0, 0))
            .await
            .map_err(|e| WebError::internal(e.to_string()))?
            .map(|l| l.categories)
            .unwrap_or_default();
        let here = here();
        Ok(page(edit_page(
            &state.ctx(&here),
            &doc,
            &categories,
            &session.csrf,
        )))
    }
    .await;
    result.unwrap_or_else(|e| state.error_page(&here(), e))
}

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(flatten)]
    fields: MetadataFields,
}

/// `POST /admin/document`: saves the form; back to the admin page with what became of it.
pub async fn save(
    State(state): State<Arc<AppState>>,
    who: Who,
    form: Result<Form<SaveForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (form, session) = match editor_form(&state, who, form, |f| &f.csrf) {
        Ok(both) => both,
        Err(e) => return state.error_page(&here(), e),
    };
    let flash = match metadata::edit(&state, &form.id, form.fields, &session.staff.name).await {
        Ok(id) => admin_html::Flash::Metadata(form.id, id),
        Err(e) => admin_html::Flash::Failed(e.status, e.message),
    };
    back(&state, &session, flash)
}

/// The form, filled with the document's values as the index holds them.
fn edit_page(ctx: &Ctx, d: &DocumentView, categories: &[String], csrf: &str) -> Markup {
    let frame = Frame {
        script: None,
        refresh: None,
        danish_only: true,
    };
    let kind = d.kind.map(Kind::code).unwrap_or_default();
    let body = html! {
        div.admin {
            h1 { "Metadata for " span lang=(d.lang) { (d.title) } }
            p { a href="/admin" { "Tilbage til administrationen" } " · " a href=(doc_url(&d.id, None)) { "Åbn dokumentet" } }
            p.meta { "Fil: " (d.id) ". Felterne viser det, indekset har nu. Et felt, du lader stå, følger filen; et felt, du tømmer, går tilbage til filens egen værdi." }
            form #metadata method="post" action="/admin/document" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="id" value=(d.id);
                label for="title" { "Titel" }
                input #title name="title" value=(d.title) lang=(d.lang);
                label for="date" { "Dato (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM eller ÅÅÅÅ)" }
                input #date name="date" value=(d.date.map(|x| x.to_string()).unwrap_or_default()) inputmode="numeric" autocomplete="off";
                label for="source" { "Kilde eller udgiver" }
                input #source name="source" value=(d.source.as_deref().unwrap_or_default()) autocomplete="organization";
                label for="type" { "Dokumenttype" }
                select #type name="type" {
                    option value="" { "Som filformatet" }
                    @for k in Kind::ALL {
                        option value=(k.code()) selected[k.code() == kind] { (Ui::Da.kind_name(k.code())) }
                    }
                }
                label for="category" { "Kategori (mappe i corpus; en ny kategori flytter filen)" }
                input #category name="category" value=(d.category) list="categories" autocomplete="off" required;
                datalist #categories {
                    @for c in categories { option value=(c) {} }
                }
                p { button type="submit" { "Gem" } }
            }
        }
    };
    layout_with(ctx, &format!("Metadata: {}", d.title), frame, body)
}
