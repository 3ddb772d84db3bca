//! HTML pages, rendered with maud from search results and documents.
//!
//! maud escapes every interpolated string, so document text can only reach the page escaped; the
//! one exception is a [`Snippet`], which renders itself through [`Snippet::to_html`] (escaping each
//! piece and adding `<mark>`). Links carry the query so the document page can mark its words.
//! The pages work without JavaScript.

use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

use super::{SearchParams, PAGE_SIZE};
use crate::lang::Lang;
use crate::search::{DocumentView, SearchResults};
use crate::snippet::Snippet;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:52rem;margin:0 auto;padding:1rem 1.25rem;color:#1d1d1f;line-height:1.5}
header a{color:inherit;text-decoration:none}header h1{font-size:1.4rem;margin:.2rem 0 1rem}
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
"#;

impl Render for Snippet {
    fn render(&self) -> Markup {
        PreEscaped(self.to_html())
    }
}

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="da" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · vidensbase" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header { h1 { a href="/" { "vidensbase" } } }
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
