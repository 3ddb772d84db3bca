//! The admin pages' HTML (Danish only): sign-in, the document list with its upload form and
//! re-index button, and the confirmation before a deletion. Built on the site's frame
//! ([`crate::web::views`]), which knows nothing of the admin pages.

use axum::http::StatusCode;
use maud::{html, Markup};

use crate::access::Visibility;
use crate::listing::{Listed, Listing};
use crate::web::admin::StatusBody;
use crate::web::admin_texts;
use crate::web::views::{doc_url, layout_with, Ctx, Frame};
use crate::web::Ui;

/// A message on the admin page about what the last form did.
#[derive(Debug, Clone)]
pub enum Flash {
    Added(Vec<String>),
    Deleted(String),
    /// A staff account was added or changed (or removed, `true`).
    Account(String, bool),
    /// An entry of the synonyms was added (or removed, `true`).
    Synonyms(String, bool),
    /// A document's metadata was saved: its id before and after (a new category moves it).
    Metadata(String, String),
    /// A document's visibility was set (the watcher indexes it again).
    Visibility(String, crate::access::Visibility),
    Rebuilding,
    /// The answer's status, and the reason as the API words it (English).
    Failed(StatusCode, String),
}

/// What went wrong with an admin form, in Danish, by the answer's status.
fn failure(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Det lykkedes ikke: filerne er større, end serveren tager imod.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Det lykkedes ikke: vidensbase læser kun PDF, Word (.docx), OpenDocument (.odt), tekst, Markdown og HTML, og indholdet skal passe til filnavnet.",
        StatusCode::NOT_FOUND => "Det lykkedes ikke: dokumentet findes ikke (længere).",
        StatusCode::CONFLICT => "Det lykkedes ikke: en fil af det navn findes allerede der, eller indekset bygges allerede forfra.",
        StatusCode::SERVICE_UNAVAILABLE => "Serveren holder ikke indekset ajour (den er startet med --no-watch); byg det forfra med vidensbase index --rebuild.",
        StatusCode::BAD_REQUEST => "Det lykkedes ikke: formularen var ufuldstændig, en dato var ingen dato, eller en kategori var ikke ét mappenavn.",
        _ => "Det lykkedes ikke.",
    }
}

/// What the admin page shows.
pub struct AdminPage<'a> {
    pub csrf: &'a str,
    /// Who is signed in: an editor sees no rebuild and no audit log.
    pub staff: &'a crate::access::Staff,
    /// The newest events of the audit log.
    pub audit: &'a [crate::audit::Event],
    /// The search log's report, when the server keeps one.
    pub searches: Option<&'a crate::searchlog::Report>,
    /// The editors' synonyms and translations.
    pub synonyms: &'a [crate::glossary::editorial::Entry],
    /// A word to fill the synonym form with (from a search that found nothing).
    pub synonym: &'a str,
    pub flash: Option<&'a Flash>,
    pub status: &'a StatusBody,
    pub listing: &'a Listing,
    pub filter: &'a str,
    pub page: usize,
    /// The server watches the corpus and so can rebuild.
    pub can_rebuild: bool,
    /// The staff accounts, for an administrator of a server with an accounts file.
    pub accounts: Option<&'a [crate::accounts::Account]>,
}

/// The admin pages' frame: their script, and a reload every 2 s while `busy` (the progress
/// of an index run, without a script).
fn admin_layout(ctx: &Ctx, title: &str, busy: bool, body: Markup) -> Markup {
    let frame = Frame {
        script: Some("/admin/admin.js"),
        refresh: busy.then_some(2),
        danish_only: true,
    };
    layout_with(ctx, title, frame, html! { div.admin { (body) } })
}

pub fn admin_sign_in(ctx: &Ctx, error: Option<&str>, settings: &crate::web::Settings) -> Markup {
    admin_layout(
        ctx,
        "Log ind",
        false,
        html! {
            h1 { "Administration" }
            @if let Some(error) = error { p.flash.failed role="alert" { (error) } }
            @if settings.accounts.is_some() {
                p { "Redaktører og administratorer: " a href="/login?next=%2Fadmin" { "log ind med brugernavn og adgangskode" } "." }
            }
            @if settings.admin_token.is_some() { p { "Eller log ind med serverens adgangsnøgle:" } }
            form method="post" action="/admin/login" {
                label for="token" { "Adgangsnøgle" }
                input #token type="password" name="token" autocomplete="current-password" required;
                " "
                button type="submit" { "Log ind" }
            }
            p.meta { "Adgangsnøglen er den, serveren er startet med (VIDENSBASE_ADMIN_TOKEN)." }
        },
    )
}

/// `12 kB`, `3,4 MB`: a size the Danish way.
fn size(bytes: u64) -> String {
    let (value, unit) = match bytes {
        b if b >= 1 << 20 => (b as f64 / f64::from(1u32 << 20), "MB"),
        b if b >= 1 << 10 => (b as f64 / 1024.0, "kB"),
        b => return format!("{b} B"),
    };
    format!("{value:.1} {unit}").replace('.', ",")
}

fn admin_url(filter: &str, page: usize) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !filter.is_empty() {
        pairs.push(("filter", filter.to_string()));
    }
    if page > 1 {
        pairs.push(("side", page.to_string()));
    }
    if pairs.is_empty() {
        return "/admin".into();
    }
    format!(
        "/admin?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

pub fn admin(ctx: &Ctx, a: &AdminPage) -> Markup {
    let s = a.status;
    let busy = s.indexing || s.rebuilding;
    admin_layout(
        ctx,
        "Administration",
        busy,
        html! {
            h1 { "Administration" }
            form.inline method="post" action="/admin/logout" {
                input type="hidden" name="csrf" value=(a.csrf);
                button type="submit" { "Log ud" }
            }
            @if let Some(flash) = a.flash { (flash_of(flash)) }
            (status_section(a))
            (upload_section(a))
            (documents_section(ctx, a))
            @if let Some(report) = a.searches { (super::searches::section(report)) }
            (super::searches::synonyms_section(a.synonyms, a.csrf, a.synonym))
            @if let Some(accounts) = a.accounts { (super::accounts::section(accounts, a.csrf)) }
            @if a.staff.role == crate::access::Role::Admin { (audit_section(a)) }
        },
    )
}

/// What the last action did, or why it failed.
fn flash_of(flash: &Flash) -> Markup {
    html! {
        @match flash {
            Flash::Added(ids) => p.flash role="status" {
                @if ids.len() == 1 { "Filen er tilføjet og er søgbar om et øjeblik: " } @else { (ids.len()) " filer er tilføjet og er søgbare om et øjeblik: " }
                (ids.join(", "))
            },
            Flash::Deleted(id) => p.flash role="status" { "Slettet: " (id) },
            Flash::Account(name, removed) => p.flash role="status" {
                (if *removed { "Brugeren er fjernet: " } else { "Brugeren er oprettet eller opdateret: " }) (name)
            },
            Flash::Synonyms(line, removed) => p.flash role="status" {
                (if *removed { "Fjernet: " } else { "Tilføjet, virker i søgningen nu: " }) (line)
            },
            Flash::Visibility(id, v) => p.flash role="status" {
                (id) (if *v == crate::access::Visibility::Intern { " er nu kun for medarbejdere." } else { " er nu offentligt." })
                " Søgningen følger med, så snart dokumentet er indekseret igen."
            },
            Flash::Metadata(from, to) => p.flash role="status" {
                "Metadata for " (to) " er gemt"
                @if from != to { " (flyttet fra " (from) ")" }
                ". Søgningen følger med, så snart dokumentet er indekseret igen."
            },
            Flash::Rebuilding => p.flash role="status" { "Indekset bygges forfra ved siden af det nuværende; søgningen bruger det gamle, til det nye er klar." },
            Flash::Failed(status, why) => div.flash.failed role="alert" {
                p { (failure(*status)) }
                p.meta { "Detaljer: " span lang="en" { (why) } }
            },
        }
    }
}

/// The index's size and age, a rebuild's progress, and the rebuild button.
fn status_section(a: &AdminPage) -> Markup {
    let s = a.status;
    let busy = s.indexing || s.rebuilding;
    html! {
        section aria-labelledby="status-h" {
            h2 #status-h { "Status" }
            p {
                (s.documents) " dokumenter i indekset"
                @if let Some(at) = s.last_commit_at { " · senest opdateret " (admin_texts::moment(at)) }
                @if !s.watching { " · mappen overvåges ikke (serveren er startet med --no-watch)" }
            }
            @if let Some(ocr) = &s.ocr {
                p {
                    "Tekstgenkendelse (OCR) af scanninger: " (ocr.files) (if ocr.files == 1 { " fil venter" } else { " filer venter" })
                    @if ocr.pages_total > 0 { ", " (ocr.pages_done) " af " (ocr.pages_total) " sider læst af den første" }
                    ". Teksten bliver søgbar, efterhånden som filerne er læst."
                }
            }
            @if busy {
                p role="status" {
                    @if s.rebuilding { "Bygger indekset forfra … " } @else { "Indekserer … " }
                    @if let Some(p) = &s.progress {
                        @if p.total > 0 {
                            label for="progress" { (p.done) " af " (p.total) " filer læst" }
                            " " progress #progress max=(p.total) value=(p.done) { (p.done) " af " (p.total) }
                        }
                    }
                }
            }
            @if a.can_rebuild {
                form method="post" action="/admin/reindex" {
                    input type="hidden" name="csrf" value=(a.csrf);
                    button type="submit" disabled[s.rebuilding] { "Indeksér alt forfra" }
                    " "
                    span.meta { "Søgningen virker imens." }
                }
            }
    }
    }
}

/// The upload form.
fn upload_section(a: &AdminPage) -> Markup {
    html! {
        section aria-labelledby="upload-h" {
            h2 #upload-h { "Tilføj dokumenter" }
            form #upload method="post" action="/admin/upload" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(a.csrf);
                label for="files" { "Filer (PDF, Word .docx, OpenDocument .odt, tekst, Markdown, HTML)" }
                input #files type="file" name="file" multiple required accept=".pdf,.docx,.odt,.txt,.md,.markdown,.html,.htm";
                div #drop hidden { "… eller træk filerne hertil." div #chosen aria-live="polite" {} }
                label for="category" { "Kategori (mappe i corpus; tom: " (crate::corpus::ROOT_CATEGORY) ")" }
                input #category name="category" list="categories" autocomplete="off";
                datalist #categories {
                    @for c in &a.listing.categories { option value=(c) {} }
                }
                label for="visibility" { "Synlighed" }
                select #visibility name="visibility" {
                    option value="" { "Som mappen bestemmer" }
                    option value="offentlig" { "Offentlig: alle kan finde og læse dem" }
                    option value="intern" { "Intern: kun medarbejdere, der er logget ind" }
                }
                details {
                    summary { "Metadata (valgfrit; tomt: det, filen selv siger)" }
                    label for="up-title" { "Titel (kun ved én fil)" }
                    input #up-title name="title" autocomplete="off";
                    label for="up-date" { "Dato (ÅÅÅÅ-MM-DD, ÅÅÅÅ-MM eller ÅÅÅÅ)" }
                    input #up-date name="date" inputmode="numeric" autocomplete="off";
                    label for="up-source" { "Kilde eller udgiver" }
                    input #up-source name="source" autocomplete="organization";
                    label for="up-type" { "Dokumenttype" }
                    select #up-type name="type" {
                        option value="" { "Som filformatet" }
                        @for k in crate::format::Kind::ALL { option value=(k.code()) { (Ui::Da.kind_name(k.code())) } }
                    }
                }
                p {
                    input #replace type="checkbox" name="replace" value="true";
                    " " label for="replace" style="display:inline" { "Erstat en fil med samme navn (ellers får den nye et nummer)" }
                }
                button type="submit" { "Tilføj" }
            }
    }
    }
}

/// The corpus's files, found by path, a page at a time, each with its state and a delete button.
fn documents_section(ctx: &Ctx, a: &AdminPage) -> Markup {
    let pages = a.listing.total.div_ceil(super::LIST_PAGE).max(1);
    html! {
        section aria-labelledby="docs-h" {
            h2 #docs-h { "Dokumenter" }
            form method="get" action="/admin" role="search" {
                label for="filter" { "Find efter sti" }
                input #filter type="search" name="filter" value=(a.filter);
                " " button type="submit" { "Find" }
            }
            p {
                (a.listing.total) (if a.listing.total == 1 { " fil" } else { " filer" })
                @if pages > 1 { " · side " (a.page) " af " (pages) }
            }
            // Scrolls sideways on a narrow screen; focusable so a keyboard can scroll it.
            div.table tabindex="0" role="region" aria-labelledby="docs-h" {
                table {
                    caption.meta style="text-align:left" { "Dokumenter og filer i corpus-mappen, efter sti" }
                    thead { tr { th scope="col" { "Sti og titel" } th scope="col" { "Kategori" } th scope="col" { "Sprog" } th scope="col" { "Dato" } th scope="col" { "Størrelse" } th scope="col" { "Status" } th scope="col" { span.visually-hidden { "Handling" } } } }
                    tbody {
                        @for row in &a.listing.rows {
                            (row_of(ctx, a, row))
                        }
                    }
                }
            }
            @if pages > 1 {
                nav.pages aria-label="Sider i dokumentlisten" {
                    @if a.page > 1 { a href=(admin_url(a.filter, a.page - 1)) rel="prev" { "← Forrige" } }
                    @if a.page < pages { a href=(admin_url(a.filter, a.page + 1)) rel="next" { "Næste →" } }
                }
            }
    }
    }
}

/// A document's visibility, and the button that changes it.
fn visibility_form(a: &AdminPage, id: &str, visibility: Visibility) -> Markup {
    let (now, other, button) = match visibility {
        Visibility::Intern => ("Intern", Visibility::Offentlig, "Gør offentlig"),
        Visibility::Offentlig => ("Offentlig", Visibility::Intern, "Gør intern"),
    };
    html! {
        span.meta { (now) }
        form.inline method="post" action="/admin/visibility" {
            input type="hidden" name="csrf" value=(a.csrf);
            input type="hidden" name="id" value=(id);
            input type="hidden" name="visibility" value=(other.code());
            " " button type="submit" aria-label=(format!("{button}: {id}")) { (button) }
        }
    }
}

/// One file of the list.
fn row_of(ctx: &Ctx, a: &AdminPage, row: &Listed) -> Markup {
    html! {
        tr {
            @match row {
                Listed::Indexed { id, title, lang, category, date, size: bytes, pages, visibility } => {
                    td.id { a href=(doc_url(id, None)) lang=(lang) { (title) } br; span.meta { (id) } }
                    td { (ctx.categories.name(category, Ui::Da)) }
                    td { (Ui::Da.language_name(lang)) }
                    td { (date.map_or("–".to_string(), |d| Ui::Da.date(d))) }
                    td { (size(*bytes)) @if *pages > 0 { br; span.meta { (pages) (if *pages == 1 { " side" } else { " sider" }) } } }
                    td {
                        "Indekseret" br;
                        (visibility_form(a, id, *visibility)) br;
                        a href=(format!("/admin/document?{}", serde_urlencoded::to_string([("id", id)]).unwrap_or_default())) aria-label=(format!("Ret metadata: {id}")) { "Ret metadata" }
                    }
                }
                Listed::Skipped { id, reason } => {
                    td.id { (id) }
                    td { (ctx.categories.name(&crate::corpus::category_of(id), Ui::Da)) }
                    td { "–" } td { "–" } td { "–" }
                    td.skipped {
                        "Ikke indekseret: " (admin_texts::skip_reason(reason)) "."
                        @if let Some(detail) = admin_texts::skip_detail(reason) { br; span.meta { "Teknisk: " span lang="en" { (detail) } } }
                    }
                }
            }
            td {
                form.inline method="post" action="/admin/delete" {
                    input type="hidden" name="csrf" value=(a.csrf);
                    input type="hidden" name="id" value=(row.id());
                    button type="submit" aria-label=(format!("Slet {}", row.id())) { "Slet" }
                }
            }
        }
    }
}

pub fn admin_confirm_delete(ctx: &Ctx, id: &str, csrf: &str) -> Markup {
    admin_layout(
        ctx,
        "Slet dokument",
        false,
        html! {
            h1 { "Slet dokument" }
            p { "Filen " strong { (id) } " slettes fra corpus-mappen og forsvinder fra søgningen. Det kan ikke fortrydes." }
            form.inline method="post" action="/admin/delete" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="id" value=(id);
                input type="hidden" name="confirm" value="ja";
                button type="submit" { "Slet" }
            }
            " "
            a href="/admin" { "Fortryd" }
        },
    )
}

/// An event's time (RFC 3339, UTC, as the log keeps it) in Danish time, as the page's others.
fn when(at: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(at, &Rfc3339)
        .map(|t| admin_texts::moment(t.into()))
        .unwrap_or_else(|_| at.to_string())
}

/// The newest events of the audit log (administrators only).
fn audit_section(a: &AdminPage) -> Markup {
    use crate::audit::What;
    let what = |w: What| match w {
        What::SignIn => "loggede ind",
        What::SignInFailed => "forsøgte at logge ind (forkert)",
        What::SignOut => "loggede ud",
        What::Upload => "tilføjede",
        What::Delete => "slettede",
        What::Visibility => "ændrede synlighed:",
        What::Metadata => "ændrede metadata for",
        What::Rebuild => "byggede indekset forfra",
        What::Synonyms => "ændrede synonymerne:",
        What::Account => "ændrede brugeren",
    };
    html! {
        section aria-labelledby="audit-h" {
            h2 #audit-h { "Revisionslog" }
            @if a.audit.is_empty() { p { "Intet endnu." } }
            @else {
                ul {
                    @for e in a.audit {
                        li { span.meta { (when(&e.at)) } " " strong { (e.who) } " " (what(e.what)) " " (e.detail) }
                    }
                }
            }
        }
    }
}
