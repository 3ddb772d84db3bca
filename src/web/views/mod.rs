//! HTML pages, rendered with maud from search results and documents.
//!
//! maud escapes every interpolated string, so document text can only reach the page escaped; the
//! one exception is a [`Snippet`], which renders itself through [`Snippet::to_html`] (escaping each
//! piece and adding `<mark>`). The interface speaks Danish, or English with `?ui=en` ([`Ui`]),
//! which every link and form keeps; document text carries its own language (`lang`), so a screen
//! reader reads it with the right pronunciation. Links carry the query, so the document page can
//! mark its words and lead back to the results. The pages work without JavaScript.

use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

mod answer;
mod document;
mod results;
mod staff;
mod statement;

pub use document::document;
pub use results::{feed_query, results};
pub use staff::{role_name, sign_in, SignedInBar};
use staff::{sign_in_url, signed_in_bar};
pub use statement::statement;

use super::ui::{Categories, Site, Ui};
use super::{SearchParams, PAGE_SIZE};
use crate::search::{DocumentView, Facets, SearchResults};
use crate::snippet::Snippet;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:0 auto;padding:1rem 1.25rem;color:#1d1d1f;background:#fff;line-height:1.5;overflow-wrap:break-word}
a{color:#0b5cad}:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
h2{font-size:1.25rem;overflow-wrap:anywhere}input[type=file]{max-width:100%}
.skip{position:absolute;left:-9999px;top:0}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.4rem .7rem;z-index:1}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.5rem}
header a{color:inherit;text-decoration:none}header .brand{font-size:1.4rem;font-weight:bold;margin:.2rem 0 1rem}
header nav a{text-decoration:underline;display:inline-block;min-height:24px;padding:.1rem .2rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem;overflow-wrap:anywhere}
form.search{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}form.search input[type=search]{flex:1 1 12rem;min-width:0;font-size:1.05rem;padding:.5rem .6rem;border:1px solid #6e6e73;border-radius:6px}
button.copy-link{font-size:.85rem;padding:.1rem .5rem;border-radius:4px;border:1px solid #0b5cad;background:#fff;color:#0b5cad;cursor:pointer}
form.search button{font-size:1rem;padding:.5rem 1rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
.meta,.notice,.found,.section,.editions{color:#4a4a4f;font-size:.9rem}.section{margin:.1rem 0}.found{margin:.2rem 0 0}.suggestion{font-size:1.05rem}
h2.count{font-size:1.05rem;margin:.5rem 0}
.answer{border:1px solid #8a8a8e;border-radius:6px;padding:.3rem 1rem;margin:1rem 0}.answer h2{font-size:1.05rem;margin:.4rem 0}.answer blockquote{margin:.4rem 0;padding-left:.8rem;border-left:4px solid #0b5cad}.answer blockquote p{margin:.3rem 0;overflow-wrap:anywhere}
.filters{display:flex;flex-wrap:wrap;gap:.2rem 1.5rem;font-size:.9rem}.filters h2{font-size:.9rem;margin:.3rem 0 0;color:#4a4a4f}
.filters ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 .3rem}
.filters a,nav.pages a,nav.pages span,nav.sort a{display:inline-block;min-height:24px;min-width:24px;padding:.15rem .35rem}nav.sort{font-size:.9rem;color:#4a4a4f}
[aria-current]{font-weight:bold;text-decoration:none;color:inherit}
.hit{margin:1.2rem 0}.hit h2{font-size:1.1rem;margin:0;overflow-wrap:anywhere}.hit p{margin:.25rem 0;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:4px;background:#e8ebf7;color:#1f2a4d}
mark{background:#ffdd55;color:#1d1d1f;box-shadow:inset 0 -2px #8a6a00;padding:0 .1em}
.hops a{display:inline-block;min-width:24px;min-height:24px;text-align:center;text-decoration:none;font-size:.8rem}
.doc p{overflow-wrap:anywhere}
.pageno{margin:1.5rem 0 .3rem;padding-top:.4rem;border-top:1px solid #ccc;color:#4a4a4f;font-size:.85rem}
aside{border-top:1px solid #ddd;margin-top:2rem}
footer{border-top:1px solid #ddd;margin-top:3rem;padding-top:.6rem;color:#4a4a4f;font-size:.85rem}
footer a{display:inline-block;min-height:24px}
.admin section{margin:1.5rem 0}.admin h2{font-size:1.15rem}
form.inline,.admin form.inline{display:inline}form.years{font-size:.9rem;display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}form.years input{width:5.5rem;font-size:.9rem;padding:.2rem}.signed-in{font-size:.9rem;margin:.2rem 0}
form.login label{display:block;margin:.6rem 0 .2rem}form.login input{font-size:1rem;padding:.4rem .6rem;max-width:100%}.admin label{display:block;margin:.6rem 0 .2rem}
.admin button,.admin input,.admin select{font-size:1rem;padding:.35rem .6rem;max-width:100%}
.admin table{border-collapse:collapse;width:100%;min-width:40rem;font-size:.9rem}.admin td.id{min-width:12rem}.admin th,.admin td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}
.admin td.id{overflow-wrap:anywhere}.admin td.skipped{min-width:14rem}.table{overflow-x:auto;position:relative}
.flash{padding:.6rem .8rem;border-radius:6px;background:#e7f4e4;color:#1d1d1f;border:1px solid #2e7d32}.flash.failed{background:#fdecea;border-color:#b3261e}
#drop{border:2px dashed #8a8a8e;border-radius:6px;padding:1rem;margin:.6rem 0;text-align:center}#drop.over{border-color:#0b5cad;background:#eef4fb}
.skipped{color:#8a1c14}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-color-scheme:dark){.skipped{color:#ffb4a9}#drop.over{background:#1e2a3a}}
@media (prefers-color-scheme:dark){
body{background:#121214;color:#e6e6e9}a{color:#8ab4f8}:focus-visible{outline-color:#8ab4f8}.skip:focus{background:#121214}
.meta,.notice,.found,.section,.editions,.pageno,footer,.filters h2,nav.sort{color:#b4b4ba}.badge{background:#2b3150;color:#dfe4ff}
mark{background:#7a5f00;color:#fff;box-shadow:inset 0 -2px #ffdd55}
form.search input[type=search]{background:#1e1e22;color:#e6e6e9;border-color:#8a8a90}
}
@media print{header nav,form,footer,.filters,nav.pages,.skip,.hops,aside{display:none!important}body{max-width:none}a{color:inherit}}
"#;

impl Render for Snippet {
    fn render(&self) -> Markup {
        PreEscaped(self.to_html())
    }
}

/// What every page needs besides its content: the interface language, who runs the site, the
/// category names, and the page's own address (for the link to the other language).
pub struct Ctx<'a> {
    pub ui: Ui,
    pub site: &'a Site,
    pub categories: &'a Categories,
    /// The path and query of this page.
    pub here: &'a str,
    /// Who is signed in.
    pub staff: Option<&'a SignedInBar>,
    /// Staff can sign in with a name and password (`/login`).
    pub sign_in: bool,
    /// The day the index last changed (the footer says it).
    pub changed: Option<crate::date::Date>,
}

/// `url` with `ui=en` added for an English page.
fn localised(ui: Ui, url: &str) -> String {
    match ui {
        Ui::Da => url.to_string(),
        Ui::En if url.contains('?') => format!("{url}&ui=en"),
        Ui::En => format!("{url}?ui=en"),
    }
}

/// This page in the other interface language: the same address with `ui=en` added or removed.
fn other_language(here: &str, to: Ui) -> String {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("ui="))
        .collect();
    let url = if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    localised(to, &url)
}

/// Options of the page frame.
#[derive(Default)]
pub(super) struct Frame<'a> {
    /// The URL of a script of the page's own.
    pub script: Option<&'a str>,
    /// Refresh the page after this many seconds (the admin page while it indexes).
    pub refresh: Option<u32>,
    /// The page exists in Danish only (the admin pages): no link to English.
    pub danish_only: bool,
}

fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    layout_with(ctx, title, Frame::default(), body)
}

/// The page frame: skip link, header with the language switch, `main`, and the footer with the
/// site's owner, contact and accessibility statement.
pub(super) fn layout_with(ctx: &Ctx, title: &str, frame: Frame, body: Markup) -> Markup {
    let ui = ctx.ui;
    let other = match ui {
        Ui::Da => Ui::En,
        Ui::En => Ui::Da,
    };
    html! {
        (DOCTYPE)
        html lang=(ui.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(seconds) = frame.refresh { meta http-equiv="refresh" content=(seconds); }
                title { (title) " · vidensbase" }
                link rel="icon" href="/favicon.svg" type="image/svg+xml";
                link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml" title="vidensbase";
                style { (PreEscaped(CSS)) }
                @if let Some(src) = frame.script { script src=(src) defer {} }
            }
            body {
                a.skip href="#indhold" { (ui.t("Gå til indhold", "Skip to content")) }
                header {
                    p.brand { a href=(localised(ui, "/")) { "vidensbase" } }
                    @if let Some(bar) = ctx.staff { (signed_in_bar(ui, bar)) }
                    @if !frame.danish_only {
                        nav aria-label=(ui.t("Sprog", "Language")) {
                            a href=(other_language(ctx.here, other)) lang=(other.code()) hreflang=(other.code()) {
                                (other.t("Dansk", "English"))
                            }
                        }
                    }
                }
                main #indhold { (body) }
                footer {
                    p {
                        (ctx.site.owner)
                        @if let Some(contact) = &ctx.site.contact {
                            " · " (ui.t("Kontakt: ", "Contact: "))
                            @if let Some(href) = ctx.site.contact_href() { a href=(href) { (contact) } } @else { (contact) }
                        }
                        @if let Some(day) = ctx.changed {
                            " · " (ui.t("Indekset er opdateret ", "The index was updated ")) (ui.date(day))
                        }
                        " · "
                        a href=(localised(ui, "/was")) { (ui.t("Tilgængelighedserklæring", "Accessibility statement")) }
                        @if ctx.sign_in && ctx.staff.is_none() && !frame.danish_only && !ctx.here.starts_with("/login") {
                            " · " a href=(sign_in_url(ui, ctx.here)) { (ui.t("Log ind (medarbejdere)", "Staff sign-in")) }
                        }
                    }
                }
            }
        }
    }
}

fn search_form(ctx: &Ctx, q: &str, params: Option<&SearchParams>, autofocus: bool) -> Markup {
    let ui = ctx.ui;
    html! {
        form.search action="/search" method="get" role="search" {
            label.visually-hidden for="q" { (ui.t("Søg i dokumenterne", "Search the documents")) }
            input #q type="search" name="q" value=(q)
                placeholder=(ui.t("Søg i dokumenter på dansk og engelsk", "Search documents in Danish and English"))
                autofocus[autofocus];
            @if let Some(p) = params {
                @if let Some(lang) = &p.lang { input type="hidden" name="lang" value=(lang); }
                @if let Some(category) = &p.category { input type="hidden" name="category" value=(category); }
                @if !p.expand { input type="hidden" name="expand" value="false"; }
                @if p.newest { input type="hidden" name="sort" value="newest"; }
                @if p.as_typed { input type="hidden" name="prefix" value="1"; }
            }
            @if ui == Ui::En { input type="hidden" name="ui" value="en"; }
            button type="submit" { (ui.t("Søg", "Search")) }
        }
    }
}

/// The search pages' frame: with the script that searches as you type.
const SEARCHING: Frame = Frame {
    script: Some("/search.js"),
    refresh: None,
    danish_only: false,
};

pub fn home(ctx: &Ctx, documents: u64) -> Markup {
    let ui = ctx.ui;
    layout_with(
        ctx,
        ui.t("Søg", "Search"),
        SEARCHING,
        html! {
            h1 { (ui.t("Find dokumenter", "Find documents")) }
            (search_form(ctx, "", None, true))
            p.meta {
                (ui.t("Søg i ", "Search "))
                (ui.count(documents as usize, ("dokument", "dokumenter"), ("document", "documents")))
                (ui.t(" på dansk og engelsk. Et dansk ord finder også engelske dokumenter og omvendt.", " in Danish and English. A Danish word also finds English documents, and the other way round."))
            }
            p.meta {
                (ui.t("Brug \"anførselstegn\" om en frase og -ord for at udelukke et ord.", "Use \"quotes\" for a phrase and -word to leave a word out."))
            }
        },
    )
}

/// A `/search` URL for these parameters with some changed.
fn search_url(
    ui: Ui,
    p: &SearchParams,
    lang: Option<&str>,
    category: Option<&str>,
    page: usize,
    expand: bool,
) -> String {
    format!(
        "/search?{}",
        query_string(ui, p, lang, category, page, expand)
    )
}

/// The query string of a search's state: the query, these filters, page and translations, and
/// the request's sort order, completion and interface language.
fn query_string(
    ui: Ui,
    p: &SearchParams,
    lang: Option<&str>,
    category: Option<&str>,
    page: usize,
    expand: bool,
) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("q", p.q.clone())];
    if let Some(l) = lang {
        pairs.push(("lang", l.to_string()));
    }
    if let Some(c) = category {
        pairs.push(("category", c.to_string()));
    }
    if let Some(k) = &p.kind {
        pairs.push(("type", k.clone()));
    }
    if let Some(from) = p.from {
        pairs.push(("from", from.to_string()));
    }
    if let Some(to) = p.to {
        pairs.push(("to", to.to_string()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    if !expand {
        pairs.push(("expand", "false".into()));
    }
    if p.newest {
        pairs.push(("sort", "newest".into()));
    }
    if p.as_typed {
        pairs.push(("prefix", "1".into()));
    }
    if ui == Ui::En {
        pairs.push(("ui", "en".into()));
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// The URL of a document's page, carrying the query for highlighting.
pub fn doc_url(id: &str, q: Option<&str>) -> String {
    let mut url = String::from("/doc/");
    push_id(&mut url, id);
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        url.push('?');
        url.push_str(&serde_urlencoded::to_string([("q", q)]).unwrap_or_default());
    }
    url
}

/// The document page as linked from the results: the query, the filters and the results page
/// it came from, so the document page can lead back to them.
fn doc_link(ui: Ui, id: &str, p: &SearchParams) -> String {
    let mut url = String::from("/doc/");
    push_id(&mut url, id);
    url.push('?');
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    url.push_str(&query_string(ui, p, lang, category, p.page(), p.expand));
    url
}

/// The original file of a document; a PDF opens at `page` in the browser's viewer.
pub fn file_url(id: &str, page: Option<u32>) -> String {
    let mut url = String::from("/files/");
    push_id(&mut url, id);
    if let Some(page) = page {
        url.push_str(&format!("#page={page}"));
    }
    url
}

/// "Findes også på engelsk: <title>" ("Also in Danish: …"): the other edition of a text, its
/// link marked with its language (`hreflang`), the query kept.
fn also_in(ui: Ui, editions: &[crate::editions::store::Edition], q: Option<&str>) -> Markup {
    html! {
        @for e in editions {
            p.editions {
                (ui.t("Findes også på ", "Also in ")) (ui.language_name(&e.lang)) ": "
                a href=(localised(ui, &doc_url(&e.id, q))) hreflang=(e.lang) lang=(e.lang) { (e.title) }
            }
        }
    }
}

/// The anchor of a page on the document page.
fn page_anchor(page: u32) -> String {
    format!("side-{page}")
}

/// The document page at an answer's section (its heading, else its page).
pub fn answer_url(a: &crate::search::Answer, query: &str) -> String {
    let url = doc_url(&a.id, Some(query));
    match (&a.section, a.page) {
        (Some(anchor), _) => format!("{url}#{anchor}"),
        (None, Some(n)) => format!("{url}#{}", page_anchor(n)),
        (None, None) => url,
    }
}

/// A document id in a URL path: each segment percent-encoded, the slashes kept.
fn push_id(url: &mut String, id: &str) {
    for (i, segment) in id.split('/').enumerate() {
        if i > 0 {
            url.push('/');
        }
        url.push_str(&percent_encode(segment));
    }
}

pub(super) fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A line of facts about a document (category, language, date, …), the ones it has, with ` · `
/// between them as text: badges that only looked apart would run together when read aloud or
/// copied (`Artiklerengelsk`).
fn facts<const N: usize>(pieces: [Option<Markup>; N]) -> Markup {
    html! {
        @for (i, piece) in pieces.into_iter().flatten().enumerate() {
            @if i > 0 { " · " }
            (piece)
        }
    }
}

/// `»…«` in Danish, `“…”` in English.
fn quoted(ui: Ui, text: &str) -> String {
    match ui {
        Ui::Da => format!("»{text}«"),
        Ui::En => format!("“{text}”"),
    }
}

/// An error page: a heading and sentence in the interface language, and the detail (in
/// English, as the JSON API gives it).
pub fn error(ctx: &Ctx, status: StatusCode, detail: &str) -> Markup {
    let ui = ctx.ui;
    let (heading, text) = match status {
        StatusCode::NOT_FOUND => (
            ui.t("Siden findes ikke", "Page not found"),
            ui.t(
                "Der er ingen side eller intet dokument på denne adresse.",
                "There is no page or document at this address.",
            ),
        ),
        StatusCode::BAD_REQUEST => (
            ui.t(
                "Forespørgslen kan ikke bruges",
                "The request cannot be used",
            ),
            ui.t(
                "Noget i adressen eller formularen er ikke, som det skal være.",
                "Something in the address or form is not as it should be.",
            ),
        ),
        StatusCode::FORBIDDEN => (
            ui.t("Ingen adgang", "Forbidden"),
            ui.t("Formularen er udløbet eller kom ikke fra dette websted. Åbn siden igen, og prøv igen.", "The form has expired or did not come from this site. Open the page again and retry."),
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            ui.t("For mange forsøg", "Too many attempts"),
            ui.t(
                "Vent et minut, og prøv igen.",
                "Wait a minute and try again.",
            ),
        ),
        s if s.is_server_error() => (
            ui.t("Der skete en fejl", "Something went wrong"),
            ui.t(
                "Fejlen er logget. Prøv igen om lidt.",
                "The error has been logged. Try again shortly.",
            ),
        ),
        _ => (ui.t("Fejl", "Error"), ""),
    };
    layout(
        ctx,
        heading,
        html! {
            h1 { (heading) }
            @if !text.is_empty() { p { (text) } }
            // The detail is the API's English wording: shown on English pages, and on Danish ones
            // where there is no Danish sentence or the request itself was wrong (what in it).
            @if !detail.is_empty() && (ui == Ui::En || text.is_empty() || status == StatusCode::BAD_REQUEST) { p.meta lang=[(ui == Ui::Da).then_some("en")] { (detail) } }
            (search_form(ctx, "", None, false))
        },
    )
}

#[cfg(test)]
mod tests;
