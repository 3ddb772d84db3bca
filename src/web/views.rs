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

use super::admin::StatusBody;
use super::admin_texts;
use super::found::how_found;
use super::ui::{Categories, Site, Ui};
use super::{SearchParams, PAGE_SIZE};
use crate::listing::{Listed, Listing};
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
form.search button{font-size:1rem;padding:.5rem 1rem;border-radius:6px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
.meta,.notice,.found{color:#4a4a4f;font-size:.9rem}.found{margin:.2rem 0 0}.suggestion{font-size:1.05rem}
h2.count{font-size:1.05rem;margin:.5rem 0}
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
.admin form.inline{display:inline}.admin label{display:block;margin:.6rem 0 .2rem}
.admin button,.admin input{font-size:1rem;padding:.35rem .6rem}
.admin table{border-collapse:collapse;width:100%;min-width:40rem;font-size:.9rem}.admin td.id{min-width:12rem}.admin th,.admin td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #ddd;vertical-align:top}
.admin td.id{overflow-wrap:anywhere}.admin td.skipped{min-width:14rem}.table{overflow-x:auto;position:relative}
.flash{padding:.6rem .8rem;border-radius:6px;background:#e7f4e4;color:#1d1d1f;border:1px solid #2e7d32}.flash.failed{background:#fdecea;border-color:#b3261e}
#drop{border:2px dashed #8a8a8e;border-radius:6px;padding:1rem;margin:.6rem 0;text-align:center}#drop.over{border-color:#0b5cad;background:#eef4fb}
.skipped{color:#8a1c14}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-color-scheme:dark){.skipped{color:#ffb4a9}#drop.over{background:#1e2a3a}}
@media (prefers-color-scheme:dark){
body{background:#121214;color:#e6e6e9}a{color:#8ab4f8}:focus-visible{outline-color:#8ab4f8}.skip:focus{background:#121214}
.meta,.notice,.found,.pageno,footer,.filters h2,nav.sort{color:#b4b4ba}.badge{background:#2b3150;color:#dfe4ff}
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
struct Frame<'a> {
    /// The URL of a script of the page's own.
    script: Option<&'a str>,
    /// Refresh the page after this many seconds (the admin page while it indexes).
    refresh: Option<u32>,
    /// The page exists in Danish only (the admin pages): no link to English.
    danish_only: bool,
}

fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    layout_with(ctx, title, Frame::default(), body)
}

/// The page frame: skip link, header with the language switch, `main`, and the footer with the
/// site's owner, contact and accessibility statement.
fn layout_with(ctx: &Ctx, title: &str, frame: Frame, body: Markup) -> Markup {
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
                        " · "
                        a href=(localised(ui, "/was")) { (ui.t("Tilgængelighedserklæring", "Accessibility statement")) }
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
    if p.newest {
        pairs.push(("sort", "newest".into()));
    }
    if p.as_typed {
        pairs.push(("prefix", "1".into()));
    }
    if ui == Ui::En {
        pairs.push(("ui", "en".into()));
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

/// The document page as linked from the results: the query, the filters and the results page
/// it came from, so the document page can lead back to them.
fn doc_link(ui: Ui, id: &str, p: &SearchParams) -> String {
    let mut url = String::from("/doc/");
    push_id(&mut url, id);
    let mut pairs: Vec<(&str, String)> = vec![("q", p.q.clone())];
    if let Some(l) = &p.lang {
        pairs.push(("lang", l.clone()));
    }
    if let Some(c) = &p.category {
        pairs.push(("category", c.clone()));
    }
    if p.page() > 1 {
        pairs.push(("page", p.page().to_string()));
    }
    if !p.expand {
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
    url.push('?');
    url.push_str(&serde_urlencoded::to_string(&pairs).unwrap_or_default());
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

/// A labelled list of filter links `(label, href, chosen)`, the chosen one marked for
/// assistive technology with `aria-current`.
fn filter_list(
    id: &str,
    heading: &str,
    items: impl Iterator<Item = (String, String, bool)>,
) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            ul {
                @for (label, href, chosen) in items {
                    li { a href=(href) aria-current=[chosen.then_some("true")] { (label) } }
                }
            }
        }
    }
}

/// The filter lists: each value with its count, and `alle` without the filter. The chosen value
/// stays in its list when the search finds nothing with it (count 0), so the page still says
/// which filter is on.
fn filters(ctx: &Ctx, p: &SearchParams, f: &Facets) -> Markup {
    let ui = ctx.ui;
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let url =
        |lang: Option<&str>, category: Option<&str>| search_url(ui, p, lang, category, 1, p.expand);
    let with_chosen = |counts: &[(String, u64)], chosen: Option<&str>| {
        let mut counts = counts.to_vec();
        if let Some(chosen) = chosen.filter(|c| !counts.iter().any(|(value, _)| value == c)) {
            counts.push((chosen.to_string(), 0));
        }
        counts
    };
    let languages = with_chosen(&f.lang, lang);
    let categories = with_chosen(&f.category, category);
    html! {
        div.filters {
            (filter_list("filter-sprog", ui.t("Sprog", "Language"),
                std::iter::once((ui.t("alle", "all").to_string(), url(None, category), lang.is_none()))
                    .chain(languages.iter().map(|(code, n)| (
                        format!("{} ({})", ui.language_name(code), ui.number(*n as usize)),
                        url(Some(code), category),
                        Some(code.as_str()) == lang,
                    )))))
            (filter_list("filter-kategori", ui.t("Kategori", "Category"),
                std::iter::once((ui.t("alle", "all").to_string(), url(lang, None), category.is_none()))
                    .chain(categories.iter().map(|(name, n)| (
                        format!("{} ({})", ctx.categories.name(name, ui), ui.number(*n as usize)),
                        url(lang, Some(name)),
                        Some(name.as_str()) == category,
                    )))))
        }
    }
}

/// What a search that found nothing offers: a search without the filters (and, when both are
/// on, without each one), and with translations when they are off.
fn nothing_found(ctx: &Ctx, p: &SearchParams) -> Markup {
    let ui = ctx.ui;
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let url = |lang: Option<&str>, category: Option<&str>, expand: bool| {
        search_url(ui, p, lang, category, 1, expand)
    };
    html! {
        p { (ui.t("Ingen dokumenter matchede ", "No documents matched ")) (quoted(ui, p.q.trim())) "." }
        @if lang.is_some() || category.is_some() || !p.expand {
            ul {
                @if let (Some(code), Some(name)) = (lang, category) {
                    li { a href=(url(None, category, p.expand)) { (ui.t("Søg uden sprogfilteret ", "Search without the language filter ")) (quoted(ui, ui.language_name(code))) } }
                    li { a href=(url(lang, None, p.expand)) { (ui.t("Søg uden kategorifilteret ", "Search without the category filter ")) (quoted(ui, ctx.categories.name(name, ui))) } }
                }
                @if lang.is_some() || category.is_some() {
                    li { a href=(url(None, None, p.expand)) { (ui.t("Søg uden filtre", "Search without filters")) } }
                }
                @if !p.expand {
                    li { a href=(url(lang, category, true)) { (ui.t("Søg med oversættelser", "Search with translations")) } }
                }
            }
        }
    }
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

pub fn results(ctx: &Ctx, p: &SearchParams, r: &SearchResults) -> Markup {
    let ui = ctx.ui;
    let lang = p.lang.as_deref();
    let category = p.category.as_deref();
    let page = p.page();
    let pages = r.total.div_ceil(PAGE_SIZE).clamp(1, 1000);
    let asked = !p.q.trim().is_empty() || lang.is_some() || category.is_some();
    let heading = if p.q.trim().is_empty() {
        ui.t("Søg", "Search").to_string()
    } else {
        format!(
            "{} {}",
            ui.t("Søgeresultater for", "Search results for"),
            quoted(ui, p.q.trim())
        )
    };
    let title = if pages > 1 {
        format!(
            "{heading} – {} {page} {} {pages}",
            ui.t("side", "page"),
            ui.t("af", "of")
        )
    } else {
        heading.clone()
    };
    let url = |lang: Option<&str>, category: Option<&str>, page: usize, expand: bool| {
        search_url(ui, p, lang, category, page, expand)
    };
    layout_with(
        ctx,
        &title,
        SEARCHING,
        html! {
            h1 { (heading) }
            (search_form(ctx, &p.q, Some(p), false))
            // What search as you type replaces.
            div #resultater {
            @if !asked {
                p.notice { (ui.t("Skriv et eller flere ord for at søge.", "Type one or more words to search.")) }
            } @else {
                h2.count { (ui.count(r.total, ("resultat", "resultater"), ("result", "results"))) }
                @if r.total > 1 {
                    @let by_relevance = SearchParams { newest: false, ..p.clone() };
                    @let by_date = SearchParams { newest: true, ..p.clone() };
                    nav.sort aria-label=(ui.t("Sortering", "Sort order")) {
                        (ui.t("Sortér: ", "Sort: "))
                        @for (label, params, chosen) in [(ui.t("bedste match", "best match"), &by_relevance, !p.newest), (ui.t("nyeste", "newest"), &by_date, p.newest)] {
                            a href=(search_url(ui, params, lang, category, 1, p.expand)) aria-current=[chosen.then_some("true")] { (label) }
                            " "
                        }
                    }
                }
                @if let Some(suggestion) = &r.suggestion {
                    @let corrected = SearchParams { q: suggestion.query.clone(), ..p.clone() };
                    p.suggestion {
                        (ui.t("Mente du ", "Did you mean "))
                        a href=(search_url(ui, &corrected, lang, category, 1, p.expand)) { strong { (suggestion.query) } }
                        "? (" (ui.count(suggestion.total, ("resultat", "resultater"), ("result", "results"))) ")"
                    }
                }
                @if r.relaxed && r.complete == 0 {
                    p.notice { (ui.t("Ingen dokumenter indeholder alle ordene; her er dem, der indeholder nogle af dem.", "No document contains all the words; these contain some of them.")) }
                } @else if r.hits.iter().any(|h| !h.missing.is_empty()) {
                    p.notice {
                        (ui.count(r.complete, ("dokument indeholder", "dokumenter indeholder"), ("document contains", "documents contain")))
                        (ui.t(" alle ordene; resultaterne efter dem mangler nogle af ordene.", " all the words; the results after them lack some of the words."))
                    }
                }
                @if !r.expansions.is_empty() {
                    p.notice {
                        (ui.t("Søgte også på oversættelserne ", "Also searched for the translations "))
                        @for (i, e) in r.expansions.iter().enumerate() {
                            @if i > 0 { ", " }
                            em lang=(e.lang) { (e.phrase) } " (" (ui.language_name(e.lang.code())) ")"
                        }
                        " · " a href=(url(lang, category, 1, false)) { (ui.t("søg uden oversættelser", "search without translations")) }
                    }
                }
                @if !p.expand {
                    p.notice {
                        (ui.t("Oversættelser er slået fra. ", "Translations are off. "))
                        a href=(url(lang, category, 1, true)) { (ui.t("Søg med oversættelser", "Search with translations")) }
                    }
                }
                @if let Some(f) = &r.facets { (filters(ctx, p, f)) }
                @for hit in &r.hits {
                    article.hit {
                        @let link = doc_link(ui, &hit.id, p);
                        @let link = match hit.page {
                            Some(n) => format!("{link}#{}", page_anchor(n)),
                            None => link,
                        };
                        h2 lang=(hit.lang) { a href=(link) { (hit.title_marked) } }
                        p.meta {
                            (facts([
                                Some(html! { span.badge { (ctx.categories.name(&hit.category, ui)) } }),
                                Some(html! { span.badge { (ui.language_name(&hit.lang)) } }),
                                hit.date.as_ref().map(|date| html! { (ui.date(date)) }),
                                hit.page.map(|n| html! { a href=(file_url(&hit.id, Some(n))) { (ui.t("side ", "page ")) (n) } }),
                            ]))
                        }
                        p.snippet lang=(hit.snippet_lang) { (hit.snippet) }
                        (how_found(ui, hit))
                    }
                }
                @if r.total == 0 { (nothing_found(ctx, p)) }
                @if pages > 1 {
                    nav.pages aria-label=(ui.t("Sider med resultater", "Result pages")) {
                        @if page > 1 { a href=(url(lang, category, page - 1, p.expand)) rel="prev" { (ui.t("← Forrige", "← Previous")) } }
                        @for n in page.saturating_sub(4).max(1)..=(page + 4).min(pages) {
                            @if n == page { span aria-current="page" { (n) } } @else { a href=(url(lang, category, n, p.expand)) { (n) } }
                        }
                        @if page < pages { a href=(url(lang, category, page + 1, p.expand)) rel="next" { (ui.t("Næste →", "Next →")) } }
                    }
                }
            }
            }
        },
    )
}

/// A body of text as paragraphs and headings (blank lines between them; a heading begins with
/// its marks, see [`crate::extract::heading`], and becomes `h2`–`h6` under the page's `h1`),
/// lines kept, every match marked and numbered from `first` (`fund-N`), each with links to the
/// previous and the next match. A block whose language ([`crate::lang::language_of_paragraph`])
/// is not the document's (`doc_lang`) carries its own `lang`.
fn paragraphs(ui: Ui, body: &Snippet, first: usize, total: usize, doc_lang: &str) -> Markup {
    let doc_lang: Option<crate::lang::Lang> = doc_lang.parse().ok();
    // The body cut into blocks at blank lines, each a run of (text, marked) pieces.
    let mut blocks: Vec<Vec<(&str, bool)>> = vec![Vec::new()];
    for f in &body.fragments {
        if f.marked {
            if let Some(block) = blocks.last_mut() {
                block.push((&f.text, true));
            }
            continue;
        }
        for (i, piece) in f.text.split("\n\n").enumerate() {
            if i > 0 {
                blocks.push(Vec::new());
            }
            if let Some(block) = blocks.last_mut() {
                block.push((piece, false));
            }
        }
    }
    let mut out = String::new();
    let mut n = first;
    for mut block in blocks {
        // Leading newlines of a block (three or more in a row) are no content.
        if let Some((text, false)) = block.first_mut() {
            *text = text.trim_start_matches('\n');
        }
        if block.iter().all(|(text, _)| text.trim().is_empty()) {
            continue;
        }
        let tag = match block.first() {
            Some((text, false)) => match crate::extract::heading(text) {
                Some((level, rest)) => {
                    if let Some((first, _)) = block.first_mut() {
                        *first = rest;
                    }
                    format!("h{}", (level + 1).min(6))
                }
                None => "p".into(),
            },
            _ => "p".into(),
        };
        out.push_str(&format!("<{tag}"));
        if let Some(doc_lang) = doc_lang {
            let text: String = block.iter().map(|(text, _)| *text).collect();
            let lang = crate::lang::language_of_paragraph(&text, doc_lang);
            if lang != doc_lang {
                out.push_str(&format!(" lang=\"{}\"", lang.code()));
            }
        }
        out.push('>');
        for (text, marked) in block {
            if !marked {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push_str("<br>");
                    }
                    crate::snippet::escape_into(line, &mut out);
                }
                continue;
            }
            n += 1;
            out.push_str(&format!("<mark id=\"fund-{n}\">"));
            crate::snippet::escape_into(text, &mut out);
            out.push_str("</mark><span class=\"hops\">");
            if n > 1 {
                out.push_str(&format!(
                    "<a href=\"#fund-{}\" aria-label=\"{} ({} {} {total})\">↑</a>",
                    n - 1,
                    ui.t("Forrige fund", "Previous match"),
                    n - 1,
                    ui.t("af", "of"),
                ));
            }
            if n < total {
                out.push_str(&format!(
                    "<a href=\"#fund-{}\" aria-label=\"{} ({} {} {total})\">↓</a>",
                    n + 1,
                    ui.t("Næste fund", "Next match"),
                    n + 1,
                    ui.t("af", "of"),
                ));
            }
            out.push_str("</span>");
        }
        out.push_str(&format!("</{tag}>"));
    }
    PreEscaped(out)
}

fn marks(body: &Snippet) -> usize {
    body.fragments.iter().filter(|f| f.marked).count()
}

pub fn document(ctx: &Ctx, d: &DocumentView, p: &SearchParams) -> Markup {
    let ui = ctx.ui;
    let source_link = d
        .source
        .as_deref()
        .filter(|s| s.starts_with("https://") || s.starts_with("http://"));
    let pages = if d.pages > 0 {
        d.body.pages()
    } else {
        Vec::new()
    };
    let total = marks(&d.body);
    // The number of the first match on each page, less one.
    let before: Vec<usize> = pages
        .iter()
        .scan(0, |seen, page| {
            let first = *seen;
            *seen += marks(page);
            Some(first)
        })
        .collect();
    layout(
        ctx,
        &d.title,
        html! {
            (search_form(ctx, &p.q, Some(p), false))
            @if !p.q.trim().is_empty() {
                p { a href=(search_url(ui, p, p.lang.as_deref(), p.category.as_deref(), p.page(), p.expand)) { (ui.t("← Tilbage til resultaterne", "← Back to the results")) } }
            }
            article {
                h1 lang=(d.lang) { (d.title) }
                p.meta {
                    (facts([
                        Some(html! { span.badge { (ctx.categories.name(&d.category, ui)) } }),
                        Some(html! { span.badge { (ui.language_name(&d.lang)) } }),
                        d.author.as_ref().map(|author| html! { (author) }),
                        d.date.as_ref().map(|date| html! { (ui.date(date)) }),
                        (d.pages > 0).then(|| html! { (ui.count(d.pages as usize, ("side", "sider"), ("page", "pages"))) }),
                        Some(html! { a href=(file_url(&d.id, None)) { (ui.t("originalfil", "original file")) } }),
                        match (source_link, &d.source) {
                            (Some(src), _) => Some(html! { a href=(src) rel="nofollow noopener" { (ui.t("kilde", "source")) } }),
                            (None, Some(src)) => Some(html! { (src) }),
                            (None, None) => None,
                        },
                    ]))
                }
                @if total > 0 {
                    p { a href="#fund-1" { (ui.t("Gå til første fund", "Go to the first match")) " (" (ui.number(total)) ")" } }
                }
                @if d.pages > 0 {
                    @for (i, (page, before)) in pages.iter().zip(&before).enumerate() {
                        @let n = i as u32 + 1;
                        section.page id=(page_anchor(n)) aria-label=(format!("{} {n}", ui.t("Side", "Page"))) {
                            p.pageno { a href=(format!("#{}", page_anchor(n))) { (ui.t("Side ", "Page ")) (n) } " · " a href=(file_url(&d.id, Some(n))) { (ui.t("åbn siden i PDF'en", "open the page in the PDF")) } }
                            div.doc lang=(d.lang) { (paragraphs(ui, page, *before, total, &d.lang)) }
                        }
                    }
                } @else {
                    div.doc lang=(d.lang) { (paragraphs(ui, &d.body, 0, total, &d.lang)) }
                }
            }
            @if !d.related.is_empty() {
                aside aria-labelledby="relaterede" {
                    h2 #relaterede { (ui.t("Relaterede dokumenter", "Related documents")) }
                    ul {
                        @for r in &d.related {
                            li {
                                a href=(localised(ui, &doc_url(&r.id, None))) lang=(r.lang) { (r.title) }
                                " · "
                                (facts([
                                    Some(html! { span.badge { (ui.language_name(&r.lang)) } }),
                                    Some(html! { span.badge { (ctx.categories.name(&r.category, ui)) } }),
                                ]))
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `/was`: the accessibility statement (webtilgængelighedsloven): the operator's own, or the
/// built-in one in the form Digitaliseringsstyrelsen asks for.
pub fn statement(ctx: &Ctx) -> Markup {
    let ui = ctx.ui;
    let site = ctx.site;
    let contact = html! {
        @match (&site.contact, site.contact_href()) {
            (Some(c), Some(href)) => a href=(href) { (c) },
            (Some(c), None) => (c),
            (None, _) => (site.owner),
        }
    };
    layout(
        ctx,
        ui.t("Tilgængelighedserklæring", "Accessibility statement"),
        html! {
            h1 { (ui.t("Tilgængelighedserklæring", "Accessibility statement")) }
            @if let Some(text) = &site.statement {
                div lang="da" {
                    @for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
                        @if let Some(heading) = block.strip_prefix("# ") { h2 { (heading) } } @else { p { (block) } }
                    }
                }
            } @else {
                @match ui {
                    Ui::Da => {
                        p { (site.owner) " er forpligtet til at gøre dette websted tilgængeligt i overensstemmelse med lov om tilgængelighed af offentlige organers websteder og mobilapplikationer (webtilgængelighedsloven). Erklæringen gælder søgesiderne og dokumentsiderne." }
                        h2 { "Overensstemmelsesstatus" }
                        p { "Webstedet er delvist i overensstemmelse med WCAG 2.1 niveau AA, af grundene nedenfor. Siderne kontrolleres med axe-core i en rigtig browser, hver gang programmet ændres, og de virker uden JavaScript." }
                        h2 { "Indhold, der ikke er tilgængeligt" }
                        p { "Dokumenterne (PDF, Word og OpenDocument) vises, som de er modtaget, og er ikke nødvendigvis tilgængelige. Teksten i dem kan altid læses som almindelig tekst på dokumentets side." }
                        h2 { "Feedback og kontaktoplysninger" }
                        p { "Hvis du oplever problemer med tilgængeligheden, eller har du brug for et dokument i en anden form, så skriv til " (contact) "." }
                        h2 { "Håndhævelsesprocedure" }
                        p { "Du kan klage til Digitaliseringsstyrelsen, hvis du mener, at webstedet ikke lever op til kravene, eller hvis du er utilfreds med svaret på din henvendelse: " a href="https://digst.dk/" lang="da" { "digst.dk" } "." }
                    }
                    Ui::En => {
                        p { (site.owner) " is committed to making this website accessible in accordance with the Danish act on the accessibility of public sector bodies' websites and mobile applications. The statement covers the search and document pages." }
                        h2 { "Compliance status" }
                        p { "The website is partially compliant with WCAG 2.1 level AA, for the reasons below. The pages are checked with axe-core in a real browser whenever the software changes, and they work without JavaScript." }
                        h2 { "Non-accessible content" }
                        p { "The documents (PDF, Word and OpenDocument) are shown as they were received and are not necessarily accessible. Their text can always be read as plain text on the document's page." }
                        h2 { "Feedback and contact information" }
                        p { "If you meet a problem with accessibility, or need a document in another form, write to " (contact) "." }
                        h2 { "Enforcement procedure" }
                        p { "You can complain to the Danish Agency for Digital Government if you think the website does not meet the requirements, or if you are not satisfied with the answer to your enquiry: " a href="https://digst.dk/" lang="da" { "digst.dk" } "." }
                    }
                }
            }
        },
    )
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

/// A message on the admin page about what the last form did.
#[derive(Debug, Clone)]
pub enum Flash {
    Added(Vec<String>),
    Deleted(String),
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
        StatusCode::CONFLICT => "Indekset bygges allerede forfra.",
        StatusCode::SERVICE_UNAVAILABLE => "Serveren holder ikke indekset ajour (den er startet med --no-watch); byg det forfra med vidensbase index --rebuild.",
        StatusCode::BAD_REQUEST => "Det lykkedes ikke: formularen var ufuldstændig, eller en kategori var ikke ét mappenavn.",
        _ => "Det lykkedes ikke.",
    }
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

pub fn admin_sign_in(ctx: &Ctx, error: Option<&str>) -> Markup {
    admin_layout(
        ctx,
        "Log ind",
        false,
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

pub fn admin(ctx: &Ctx, a: &AdminPage) -> Markup {
    let s = a.status;
    let busy = s.indexing || s.rebuilding;
    let pages = a
        .listing
        .total
        .div_ceil(super::admin_page::LIST_PAGE)
        .max(1);
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
            @if let Some(flash) = a.flash {
                @match flash {
                    Flash::Added(ids) => p.flash role="status" {
                        @if ids.len() == 1 { "Filen er tilføjet og er søgbar om et øjeblik: " } @else { (ids.len()) " filer er tilføjet og er søgbare om et øjeblik: " }
                        (ids.join(", "))
                    },
                    Flash::Deleted(id) => p.flash role="status" { "Slettet: " (id) },
                    Flash::Rebuilding => p.flash role="status" { "Indekset bygges forfra ved siden af det nuværende; søgningen bruger det gamle, til det nye er klar." },
                    Flash::Failed(status, why) => div.flash.failed role="alert" {
                        p { (failure(*status)) }
                        p.meta { "Detaljer: " span lang="en" { (why) } }
                    },
                }
            }
            section aria-labelledby="status-h" {
                h2 #status-h { "Status" }
                p {
                    (s.documents) " dokumenter i indekset"
                    @if let Some(at) = s.last_commit_at { " · senest opdateret " (admin_texts::moment(at)) }
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
                                            td { (ctx.categories.name(category, Ui::Da)) }
                                            td { (Ui::Da.language_name(lang)) }
                                            td { (date.as_deref().map_or("–".to_string(), |d| Ui::Da.date(d))) }
                                            td { (size(*bytes)) @if *pages > 0 { br; span.meta { (pages) (if *pages == 1 { " side" } else { " sider" }) } } }
                                            td { "Indekseret" }
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

    #[test]
    fn the_other_language_is_the_same_address_with_ui_changed() {
        assert_eq!(other_language("/search?q=a&ui=en", Ui::Da), "/search?q=a");
        assert_eq!(other_language("/search?q=a", Ui::En), "/search?q=a&ui=en");
        assert_eq!(other_language("/", Ui::En), "/?ui=en");
        assert_eq!(other_language("/?ui=en", Ui::Da), "/");
    }

    #[test]
    fn headings_become_headings_under_the_pages_h1() {
        let body = Snippet {
            fragments: vec![crate::snippet::Fragment {
                text: "# Mål\n\nTekst om mål.\n\n\n\n### Dybere\n\n#ikke overskrift".into(),
                marked: false,
            }],
            anchor: 0,
        };
        assert_eq!(
            paragraphs(Ui::Da, &body, 0, 0, "da").into_string(),
            "<h2>Mål</h2><p>Tekst om mål.</p><h4>Dybere</h4><p>#ikke overskrift</p>"
        );
    }

    #[test]
    fn a_body_becomes_paragraphs_with_numbered_matches() {
        let body = Snippet {
            fragments: vec![
                crate::snippet::Fragment {
                    text: "Første <afsnit>\n\nAndet ".into(),
                    marked: false,
                },
                crate::snippet::Fragment {
                    text: "ord".into(),
                    marked: true,
                },
                crate::snippet::Fragment {
                    text: " linje\nny linje".into(),
                    marked: false,
                },
            ],
            anchor: 0,
        };
        let html = paragraphs(Ui::Da, &body, 2, 3, "da").into_string();
        assert_eq!(
            html,
            "<p>Første &lt;afsnit&gt;</p><p>Andet <mark id=\"fund-3\">ord</mark><span class=\"hops\"><a href=\"#fund-2\" aria-label=\"Forrige fund (2 af 3)\">↑</a></span> linje<br>ny linje</p>"
        );
    }
}
