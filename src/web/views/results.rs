//! The results page: the count, sorting, "Mente du", the notices, the filter lists, the hits
//! (each with its section's heading path and page, and what it says of how it matched, its link
//! going to its section on the document page) and the page links.

use maud::{html, Markup};

use super::*;
use crate::search::{Hit, Suggestion};
use crate::web::found::how_found;

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
            (kind_filter(ui, p, f))
            (year_filter(ui, p, f))
        }
    }
}

/// The type filter: each type with its count, and `alle`.
fn kind_filter(ui: Ui, p: &SearchParams, f: &Facets) -> Markup {
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let url = |kind: Option<&str>| {
        let changed = SearchParams {
            kind: kind.map(str::to_string),
            ..p.clone()
        };
        search_url(ui, &changed, lang, category, 1, p.expand)
    };
    let name = |code: &str| ui.kind_name(code);
    let chosen = p.kind.as_deref();
    let mut counts = f.kind.clone();
    if let Some(c) = chosen.filter(|c| !counts.iter().any(|(k, _)| k == c)) {
        counts.push((c.to_string(), 0));
    }
    filter_list(
        "filter-type",
        ui.t("Type", "Type"),
        std::iter::once((ui.t("alle", "all").to_string(), url(None), chosen.is_none())).chain(
            counts.iter().map(|(code, n)| {
                let label = format!("{} ({})", name(code), ui.number(*n as usize));
                (label, url(Some(code)), Some(code.as_str()) == chosen)
            }),
        ),
    )
}

/// The year filter: each year of the hits' dates with its count (newest first), and `alle`; a
/// range is asked with `from` and `to`.
fn year_filter(ui: Ui, p: &SearchParams, f: &Facets) -> Markup {
    if f.year.is_empty() && p.from.is_none() && p.to.is_none() {
        return html! {};
    }
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let url = |years: Option<(u16, u16)>| {
        let changed = SearchParams {
            from: years.map(|y| y.0),
            to: years.map(|y| y.1),
            ..p.clone()
        };
        search_url(ui, &changed, lang, category, 1, p.expand)
    };
    let chosen = p.years();
    let list = filter_list(
        "filter-aar",
        ui.t("År", "Year"),
        std::iter::once((ui.t("alle", "all").to_string(), url(None), chosen.is_none())).chain(
            f.year.iter().map(|&(year, n)| {
                let label = format!("{year} ({})", ui.number(n as usize));
                (label, url(Some((year, year))), chosen == Some((year, year)))
            }),
        ),
    );
    let hidden = [
        ("q", Some(p.q.as_str())),
        ("lang", lang),
        ("category", category),
        ("type", p.kind.as_deref()),
        ("sort", p.newest.then_some("newest")),
        ("expand", (!p.expand).then_some("false")),
        ("ui", (ui == Ui::En).then_some("en")),
    ];
    html! {
        (list)
        form.years method="get" action="/search" {
            @for (name, value) in hidden {
                @if let Some(value) = value { input type="hidden" name=(name) value=(value); }
            }
            label for="from" { (ui.t("Fra år", "From year")) }
            input #from type="number" name="from" min="1900" max="2100" value=[p.from];
            label for="to" { (ui.t("til år", "to year")) }
            input #to type="number" name="to" min="1900" max="2100" value=[p.to];
            button type="submit" { (ui.t("Vis", "Show")) }
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

/// A hit's heading path, outermost first, the headings joined by `›`.
fn section_path(headings: &[String]) -> String {
    headings.join(" › ")
}

pub fn results(ctx: &Ctx, p: &SearchParams, r: &SearchResults) -> Markup {
    let ui = ctx.ui;
    let page = p.page();
    let pages = r.total.div_ceil(PAGE_SIZE).clamp(1, 1000);
    let asked = !p.q.trim().is_empty() || p.lang.is_some() || p.category.is_some();
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
                @if let Some(a) = &r.answer {
                    (answer::answer_box(ui, a, p, r.hits.iter().find(|h| h.id == a.id && h.page == a.page).and_then(|h| h.ocr_confidence)))
                }
                h2.count { (ui.count(r.total, ("resultat", "resultater"), ("result", "results"))) }
                @if r.total > 1 { (sort_order(ui, p)) }
                @if let Some(suggestion) = &r.suggestion { (did_you_mean(ui, p, suggestion)) }
                (notices(ui, p, r))
                @if let Some(f) = &r.facets { (filters(ctx, p, f)) }
                @for hit in &r.hits { (hit_of(ctx, p, hit)) }
                @if r.total == 0 { (nothing_found(ctx, p)) }
                @if pages > 1 { (pager(ui, p, page, pages)) }
            }
            }
        },
    )
}

/// "Sortér: bedste match nyeste", the chosen one marked.
fn sort_order(ui: Ui, p: &SearchParams) -> Markup {
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let by_relevance = SearchParams {
        newest: false,
        ..p.clone()
    };
    let by_date = SearchParams {
        newest: true,
        ..p.clone()
    };
    let choices = [
        (ui.t("bedste match", "best match"), &by_relevance, !p.newest),
        (ui.t("nyeste", "newest"), &by_date, p.newest),
    ];
    html! {
        nav.sort aria-label=(ui.t("Sortering", "Sort order")) {
            (ui.t("Sortér: ", "Sort: "))
            @for (label, params, chosen) in choices {
                a href=(search_url(ui, params, lang, category, 1, p.expand)) aria-current=[chosen.then_some("true")] { (label) }
                " "
            }
            " · " a href=(format!("/search.atom{}", feed_query(p, ui))) type="application/atom+xml" { (ui.t("Abonnér på nye dokumenter (Atom)", "Subscribe to new documents (Atom)")) }
        }
    }
}

/// The query string of the Atom feed of this search (and of the search page the feed names):
/// its words, `lang` and `category`, and `ui=en`.
pub fn feed_query(p: &SearchParams, ui: Ui) -> String {
    let mut pairs = vec![("q", p.q.as_str())];
    pairs.extend(p.lang.as_deref().map(|l| ("lang", l)));
    pairs.extend(p.category.as_deref().map(|c| ("category", c)));
    pairs.extend((ui == Ui::En).then_some(("ui", "en")));
    let encoded = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("?{encoded}")
}

/// "Mente du …?" with the corrected query's count.
fn did_you_mean(ui: Ui, p: &SearchParams, suggestion: &Suggestion) -> Markup {
    let corrected = SearchParams {
        q: suggestion.query.clone(),
        ..p.clone()
    };
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    html! {
        p.suggestion {
            (ui.t("Mente du ", "Did you mean "))
            a href=(search_url(ui, &corrected, lang, category, 1, p.expand)) { strong { (suggestion.query) } }
            "? (" (ui.count(suggestion.total, ("resultat", "resultater"), ("result", "results"))) ")"
        }
    }
}

/// What the page says of how the results were found: some words only, translations searched
/// or turned off.
fn notices(ui: Ui, p: &SearchParams, r: &SearchResults) -> Markup {
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let url = |expand| search_url(ui, p, lang, category, 1, expand);
    let some_lack = r.hits.iter().any(|h| !h.missing.is_empty());
    html! {
        @if r.relaxed && r.complete == 0 {
            p.notice { (ui.t("Ingen dokumenter indeholder alle ordene; her er dem, der indeholder nogle af dem.", "No document contains all the words; these contain some of them.")) }
        } @else if r.lenient && some_lack {
            p.notice {
                (ui.count(r.complete, ("dokument indeholder", "dokumenter indeholder"), ("document contains", "documents contain")))
                (ui.t(" alle ordene; ved de andre står, hvilke ord de mangler.", " all the words; the others say which words they lack."))
            }
        } @else if some_lack {
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
                " · " a href=(url(false)) { (ui.t("søg uden oversættelser", "search without translations")) }
            }
        }
        @if !p.expand {
            p.notice {
                (ui.t("Oversættelser er slået fra. ", "Translations are off. "))
                a href=(url(true)) { (ui.t("Søg med oversættelser", "Search with translations")) }
            }
        }
    }
}

/// One hit: its title linking to the document page at the snippet's section (else its page),
/// the section path, facts, snippet, how it matched and its other edition.
fn hit_of(ctx: &Ctx, p: &SearchParams, hit: &Hit) -> Markup {
    let ui = ctx.ui;
    let link = doc_link(ui, &hit.id, p);
    let link = match (&hit.section_anchor, hit.page) {
        (Some(anchor), _) => format!("{link}#{anchor}"),
        (None, Some(n)) => format!("{link}#{}", page_anchor(n)),
        (None, None) => link,
    };
    let page_link = hit.page.map(|n| {
        html! {
            a href=(file_url(&hit.id, Some(n))) { (ui.t("side ", "page ")) (n) }
            (copy_link(ui, hit, n))
        }
    });
    let sectioned = !hit.headings.is_empty();
    html! {
        article.hit {
            h2 lang=(hit.lang) { a href=(link) { (hit.title_marked) } }
            @if sectioned {
                p.section lang=(hit.lang) {
                    (section_path(&hit.headings))
                    @if let Some(page_link) = &page_link { " · " (page_link) }
                }
            }
            p.meta {
                (facts([
                    Some(html! { span.badge { (ctx.categories.name(&hit.category, ui)) } }),
                    Some(html! { span.badge { (ui.language_name(&hit.lang)) } }),
                    hit.source.as_ref().map(|source| html! { (ui.t("Kilde: ", "Source: ")) (source) }),
                    hit.date.map(|date| html! { (ui.date(date)) }),
                    page_link.filter(|_| !sectioned),
                    hit.ocr_confidence.map(|confidence| html! {
                        (ui.t("tekst læst fra scanning (genkendt med ", "text read from a scan (recognised with "))
                        (confidence) (ui.t(" % sikkerhed)", " % confidence)"))
                    }),
                ]))
            }
            p.snippet lang=(hit.snippet_lang) { (hit.snippet) }
            @if !hit.more_pages.is_empty() {
                p.meta {
                    (ui.t("Også på ", "Also on "))
                    @for (i, n) in hit.more_pages.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(file_url(&hit.id, Some(*n))) { (ui.t("side ", "page ")) (n) }
                    }
                }
            }
            (how_found(ui, hit))
            (also_in(ui, &hit.editions, Some(&p.q)))
        }
    }
}

/// "Kopiér link" to page `n` of a hit's original (PDF): hidden until `search.js` shows it (it
/// needs the script), which then copies the page's address and says so in its status line.
fn copy_link(ui: Ui, hit: &Hit, n: u32) -> Markup {
    let label = match ui {
        Ui::Da => format!("Kopiér link til side {n} af {}", hit.title),
        Ui::En => format!("Copy link to page {n} of {}", hit.title),
    };
    html! {
        " "
        button.copy-link type="button" hidden data-href=(file_url(&hit.id, Some(n))) aria-label=(label)
            data-copied=(ui.t("Linket til side ", "The link to page ").to_string() + &n.to_string() + ui.t(" er kopieret.", " is copied."))
            data-failed=(ui.t("Kunne ikke kopiere. Linket er: ", "Could not copy. The link is: "))
            { (ui.t("Kopiér link", "Copy link")) }
    }
}

/// Links to the result pages around this one, with the previous and next.
fn pager(ui: Ui, p: &SearchParams, page: usize, pages: usize) -> Markup {
    let (lang, category) = (p.lang.as_deref(), p.category.as_deref());
    let url = |n| search_url(ui, p, lang, category, n, p.expand);
    html! {
        nav.pages aria-label=(ui.t("Sider med resultater", "Result pages")) {
            @if page > 1 { a href=(url(page - 1)) rel="prev" { (ui.t("← Forrige", "← Previous")) } }
            @for n in page.saturating_sub(4).max(1)..=(page + 4).min(pages) {
                @if n == page { span aria-current="page" { (n) } } @else { a href=(url(n)) { (n) } }
            }
            @if page < pages { a href=(url(page + 1)) rel="next" { (ui.t("Næste →", "Next →")) } }
        }
    }
}
