//! HTML pages, rendered with maud from search results and documents.
//!
//! maud escapes every interpolated string, so document text can only reach the page escaped; the
//! one exception is a [`Snippet`], which renders itself through [`Snippet::to_html`] (escaping each
//! piece and adding `<mark>`). Links carry the query so the document page can mark its words.
//! The pages work without JavaScript.

use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

use super::admin::StatusBody;
use super::{SearchParams, PAGE_SIZE};
use crate::lang::Lang;
use crate::search::{DocumentView, Listed, Listing, SearchResults};
use crate::snippet::Snippet;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:0 auto;padding:1rem 1.25rem;color:#1d1d1f;line-height:1.5}
header a{color:inherit;text-decoration:none}header h1,header .brand{font-size:1.4rem;font-weight:bold;margin:.2rem 0 1rem}
form.search{display:flex;gap:.5rem;margin-bottom:1rem}form.search input[type=search]{flex:1;font-size:1.05rem;padding:.5rem .6rem;border:1px solid #8a8a8e;border-radius:6px}
form.search button{font-size:1rem;padding:.5rem 1rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
.meta,.facets,.notice{color:#555;font-size:.9rem}.facets a,.facets strong{margin-right:.8rem}
.hit{margin:1.2rem 0}.hit h2{font-size:1.1rem;margin:0}.hit p{margin:.25rem 0}
.badge{display:inline-block;font-size:.75rem;padding:0 .4rem;border-radius:4px;background:#eef;color:#224;margin-right:.3rem}
mark{background:#ffe58a;color:inherit;padding:0 .1em}
nav.pages a,nav.pages strong{margin-right:.6rem}
.doc{white-space:pre-wrap;overflow-wrap:anywhere}
.pageno{margin:1.5rem 0 .3rem;padding-top:.4rem;border-top:1px solid #ccc;color:#555;font-size:.85rem}
aside{border-top:1px solid #ddd;margin-top:2rem}
.admin section{margin:1.5rem 0}.admin h2{font-size:1.15rem}
.admin form.inline{display:inline}.admin label{display:block;margin:.6rem 0 .2rem}
.admin button,.admin input{font-size:1rem;padding:.35rem .6rem}
.admin table{border-collapse:collapse;width:100%;font-size:.9rem}.admin th,.admin td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}
.admin td.id{overflow-wrap:anywhere}.table{overflow-x:auto;position:relative}
.flash{padding:.6rem .8rem;border-radius:6px;background:#e7f4e4;border:1px solid #2e7d32}.flash.failed{background:#fdecea;border-color:#b3261e}
#drop{border:2px dashed #8a8a8e;border-radius:6px;padding:1rem;margin:.6rem 0;text-align:center}#drop.over{border-color:#0b5cad;background:#eef4fb}
.skipped{color:#8a1c14}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"#;

impl Render for Snippet {
    fn render(&self) -> Markup {
        PreEscaped(self.to_html())
    }
}

fn layout(title: &str, body: Markup) -> Markup {
    layout_with(title, None, body)
}

/// The page frame; `script` is the URL of a script of the page's own.
fn layout_with(title: &str, script: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="da" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · vidensbase" }
                style { (PreEscaped(CSS)) }
                @if let Some(src) = script { script src=(src) defer {} }
            }
            body {
                header {
                    // On the admin pages the page's own title is the one h1.
                    @if script.is_some() { p.brand { a href="/" { "vidensbase" } } }
                    @else { h1 { a href="/" { "vidensbase" } } }
                }
                main { (body) }
            }
        }
    }
}

fn search_form(q: &str, params: Option<&SearchParams>) -> Markup {
    html! {
        form.search action="/search" method="get" role="search" {
            input type="search" name="q" value=(q) placeholder="Søg i dokumenter · Search documents" aria-label="Søg" autofocus;
            @if let Some(p) = params {
                @if let Some(lang) = &p.lang { input type="hidden" name="lang" value=(lang); }
                @if let Some(category) = &p.category { input type="hidden" name="category" value=(category); }
            }
            button type="submit" { "Søg" }
        }
    }
}

pub fn home(documents: u64) -> Markup {
    layout(
        "Søg",
        html! {
            (search_form("", None))
            p.meta { "Søg i " (documents) " dokumenter på dansk og engelsk. Search " (documents) " documents in Danish and English." }
            p.meta { "Brug \"anførselstegn\" til fraser og -ord for at udelukke. Use \"quotes\" for phrases and -word to exclude." }
        },
    )
}

/// A `/search` URL for these parameters with some changed.
fn search_url(
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
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    if !expand {
        pairs.push(("expand", "false".into()));
    }
    format!(
        "/search?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
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

/// The original file of a document; a PDF opens at `page` in the browser's viewer.
pub fn file_url(id: &str, page: Option<u32>) -> String {
    let mut url = String::from("/files/");
    push_id(&mut url, id);
    if let Some(page) = page {
        url.push_str(&format!("#page={page}"));
    }
    url
}

/// The anchor of a page on the document page.
fn page_anchor(page: u32) -> String {
    format!("side-{page}")
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

fn lang_name(code: &str) -> &'static str {
    code.parse::<Lang>().map_or("?", Lang::name)
}

pub fn results(p: &SearchParams, r: &SearchResults) -> Markup {
    let lang = p.lang.as_deref();
    let category = p.category.as_deref();
    let page = p.page();
    let pages = r.total.div_ceil(PAGE_SIZE).min(1000);
    let title = if p.q.trim().is_empty() {
        "Søg".to_string()
    } else {
        p.q.clone()
    };
    layout(
        &title,
        html! {
            (search_form(&p.q, Some(p)))
            @if p.q.trim().is_empty() && lang.is_none() && category.is_none() {
                p.notice { "Skriv et eller flere ord for at søge. Type one or more words to search." }
            } @else {
                p.meta {
                    (r.total) " resultater · results"
                    " (" (format!("{:.1}", r.took_ms)) " ms)"
                }
                @if r.relaxed {
                    p.notice { "Nogle resultater indeholder kun nogle af ordene. Some results contain only some of the words." }
                }
                @if !r.expansions.is_empty() {
                    p.notice {
                        "Also searched: "
                        @for (i, e) in r.expansions.iter().enumerate() {
                            @if i > 0 { ", " }
                            em { (e.phrase) } " (" (e.lang) ")"
                        }
                        " · " a href=(search_url(p, lang, category, 1, false)) { "search without translations" }
                    }
                }
                @if !p.expand {
                    p.notice { "Translations are off. " a href=(search_url(p, lang, category, 1, true)) { "Search with translations" } }
                }
                @if let Some(f) = &r.facets {
                    div.facets {
                        "Sprog: "
                        @if lang.is_some() { a href=(search_url(p, None, category, 1, p.expand)) { "alle" } } @else { strong { "alle" } }
                        @for (code, n) in &f.lang {
                            @if Some(code.as_str()) == lang { strong { (lang_name(code)) " (" (n) ")" } }
                            @else { a href=(search_url(p, Some(code), category, 1, p.expand)) { (lang_name(code)) " (" (n) ")" } }
                        }
                    }
                    div.facets {
                        "Kategori: "
                        @if category.is_some() { a href=(search_url(p, lang, None, 1, p.expand)) { "alle" } } @else { strong { "alle" } }
                        @for (name, n) in &f.category {
                            @if Some(name.as_str()) == category { strong { (name) " (" (n) ")" } }
                            @else { a href=(search_url(p, lang, Some(name), 1, p.expand)) { (name) " (" (n) ")" } }
                        }
                    }
                }
                @for hit in &r.hits {
                    article.hit {
                        @let doc_link = match hit.page {
                            Some(n) => format!("{}#{}", doc_url(&hit.id, Some(&p.q)), page_anchor(n)),
                            None => doc_url(&hit.id, Some(&p.q)),
                        };
                        h2 { a href=(doc_link) { (hit.title_marked) } }
                        p.meta {
                            span.badge lang=(hit.lang) { (lang_name(&hit.lang)) }
                            span.badge { (hit.category) }
                            (hit.id)
                            @if let Some(n) = hit.page {
                                " · " a href=(file_url(&hit.id, Some(n))) { "side " (n) }
                            }
                        }
                        p.snippet { (hit.snippet) }
                    }
                }
                @if r.total == 0 {
                    p { "Ingen dokumenter matchede. No documents matched." }
                }
                @if pages > 1 {
                    nav.pages aria-label="Sider" {
                        @if page > 1 { a href=(search_url(p, lang, category, page - 1, p.expand)) rel="prev" { "← Forrige" } }
                        @for n in page.saturating_sub(4).max(1)..=(page + 4).min(pages) {
                            @if n == page { strong { (n) } } @else { a href=(search_url(p, lang, category, n, p.expand)) { (n) } }
                        }
                        @if page < pages { a href=(search_url(p, lang, category, page + 1, p.expand)) rel="next" { "Næste →" } }
                    }
                }
            }
        },
    )
}

pub fn document(d: &DocumentView, q: &str) -> Markup {
    let source_link = d
        .source
        .as_deref()
        .filter(|s| s.starts_with("https://") || s.starts_with("http://"));
    layout(
        &d.title,
        html! {
            (search_form(q, None))
            article {
                h2 { (d.title) }
                p.meta {
                    span.badge lang=(d.lang) { (lang_name(&d.lang)) }
                    span.badge { (d.category) }
                    (d.id)
                    @if let Some(author) = &d.author { " · " (author) }
                    @if let Some(date) = &d.date { " · " (date) }
                    @if d.pages > 0 { " · " (d.pages) (if d.pages == 1 { " side" } else { " sider" }) }
                    " · " a href=(file_url(&d.id, None)) { "originalfil" }
                    @if let Some(src) = source_link { " · " a href=(src) rel="nofollow noopener" { "kilde / source" } }
                    @else if let Some(src) = &d.source { " · " (src) }
                }
                @if d.pages > 0 {
                    @for (i, page) in d.body.pages().into_iter().enumerate() {
                        @let n = i as u32 + 1;
                        section.page id=(page_anchor(n)) {
                            p.pageno { a href=(format!("#{}", page_anchor(n))) { "Side " (n) } " · " a href=(file_url(&d.id, Some(n))) { "åbn siden i PDF" } }
                            div.doc lang=(d.lang) { (page) }
                        }
                    }
                } @else {
                    div.doc lang=(d.lang) { (d.body) }
                }
            }
            @if !d.related.is_empty() {
                aside {
                    h3 { "Relaterede dokumenter · Related documents" }
                    ul {
                        @for r in &d.related {
                            li {
                                a href=(doc_url(&r.id, None)) { (r.title) }
                                " " span.badge { (lang_name(&r.lang)) } span.badge { (r.category) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A message on the admin page about what the last form did.
#[derive(Debug, Clone)]
pub enum Flash {
    Added(Vec<String>),
    Deleted(String),
    Rebuilding,
    /// The reason, as the API words it (English).
    Failed(String),
}

/// What the admin page shows.
pub struct AdminPage<'a> {
    pub csrf: &'a str,
    pub flash: Option<&'a Flash>,
    pub status: &'a StatusBody,
    pub listing: &'a Listing,
    pub filter: &'a str,
    pub page: usize,
    /// The server watches the corpus and so can rebuild.
    pub can_rebuild: bool,
}

fn admin_layout(title: &str, body: Markup) -> Markup {
    layout_with(
        title,
        Some("/admin/admin.js"),
        html! { div.admin { (body) } },
    )
}

pub fn admin_sign_in(error: Option<&str>) -> Markup {
    admin_layout(
        "Log ind",
        html! {
            h1 { "Administration" }
            @if let Some(error) = error { p.flash.failed role="alert" { (error) } }
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

pub fn admin(a: &AdminPage) -> Markup {
    let s = a.status;
    let busy = s.indexing || s.rebuilding;
    let pages = a
        .listing
        .total
        .div_ceil(super::admin_page::LIST_PAGE)
        .max(1);
    admin_layout(
        "Administration",
        html! {
            @if busy {
                // Shows the progress without a script: the page reloads itself while indexing.
                meta http-equiv="refresh" content="2";
            }
            h1 { "Administration" }
            form.inline method="post" action="/admin/logout" {
                input type="hidden" name="csrf" value=(a.csrf);
                button type="submit" { "Log ud" }
            }
            @if let Some(flash) = a.flash {
                @match flash {
                    Flash::Added(ids) => p.flash role="status" {
                        @if ids.len() == 1 { "Filen er tilføjet og er søgbar om et øjeblik: " } @else { (ids.len()) " filer er tilføjet og er søgbare om et øjeblik: " }
                        (ids.join(", "))
                    },
                    Flash::Deleted(id) => p.flash role="status" { "Slettet: " (id) },
                    Flash::Rebuilding => p.flash role="status" { "Indekset bygges forfra ved siden af det nuværende; søgningen bruger det gamle, til det nye er klar." },
                    Flash::Failed(why) => p.flash.failed role="alert" { "Det lykkedes ikke: " span lang="en" { (why) } },
                }
            }
            section aria-labelledby="status-h" {
                h2 #status-h { "Status" }
                p {
                    (s.documents) " dokumenter i indekset"
                    @if let Some(at) = &s.last_commit { " · senest opdateret " (at) }
                    @if !s.watching { " · mappen overvåges ikke (serveren er startet med --no-watch)" }
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
                    p {
                        input #replace type="checkbox" name="replace" value="true";
                        " " label for="replace" style="display:inline" { "Erstat en fil med samme navn (ellers får den nye et nummer)" }
                    }
                    button type="submit" { "Tilføj" }
                }
            }
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
                                tr {
                                    @match row {
                                        Listed::Indexed { id, title, lang, category, date, size: bytes, pages } => {
                                            td.id { a href=(doc_url(id, None)) lang=(lang) { (title) } br; span.meta { (id) } }
                                            td { (category) }
                                            td { (lang_name(lang)) }
                                            td { (date.as_deref().unwrap_or("–")) }
                                            td { (size(*bytes)) @if *pages > 0 { br; span.meta { (pages) (if *pages == 1 { " side" } else { " sider" }) } } }
                                            td { "Indekseret" }
                                        }
                                        Listed::Skipped { id, reason } => {
                                            td.id { (id) }
                                            td { (crate::corpus::category_of(id)) }
                                            td { "–" } td { "–" } td { "–" }
                                            td.skipped { "Ikke indekseret: " span lang="en" { (reason) } }
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
                    }
                }
                @if pages > 1 {
                    nav.pages aria-label="Sider i dokumentlisten" {
                        @if a.page > 1 { a href=(admin_url(a.filter, a.page - 1)) rel="prev" { "← Forrige" } }
                        @if a.page < pages { a href=(admin_url(a.filter, a.page + 1)) rel="next" { "Næste →" } }
                    }
                }
            }
        },
    )
}

pub fn admin_confirm_delete(id: &str, csrf: &str) -> Markup {
    admin_layout(
        "Slet dokument",
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

pub fn error(status: StatusCode, message: &str) -> Markup {
    layout(
        status.canonical_reason().unwrap_or("Error"),
        html! {
            (search_form("", None))
            h2 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) }
            p { (message) }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_urls_encode_segments_but_keep_slashes() {
        assert_eq!(
            doc_url("irm/dk0058 strategy.txt", None),
            "/doc/irm/dk0058%20strategy.txt"
        );
        assert_eq!(
            doc_url("news/århus.txt", Some("a&b")),
            "/doc/news/%C3%A5rhus.txt?q=a%26b"
        );
    }
}
