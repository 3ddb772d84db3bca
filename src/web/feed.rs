//! `/search.atom`: an Atom feed (RFC 4287) of the newest documents matching a search, with the
//! search page's filters (`q`, `lang`, `category`), for feed readers, Outlook and Thunderbird.
//! A feed reader is anyone: the feed holds public documents only (a script with the admin token
//! gets internal ones too, privately). Entries are the documents, newest by their date first;
//! a document without a date counts as changed when the index last did.

use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};

use super::views::{doc_url, feed_query};
use super::{assets, private_for, run_search, AppState, Here, SearchParams, Ui, Viewer, WebError};
use crate::date::{rfc3339, Date};
use crate::search::{SearchResults, Sort};

/// Entries in a feed.
const ENTRIES: usize = 20;

/// `GET /search.atom`.
pub async fn feed(
    State(state): State<Arc<AppState>>,
    viewer: Viewer,
    here: Here,
    headers: HeaderMap,
    params: SearchParams,
) -> Response {
    let mut request = match params.request(ENTRIES, 0, false, viewer.audience) {
        Ok(request) => request,
        Err(e) => return e.into_response(),
    };
    request.sort = Sort::Newest;
    (request.suggest, request.answer) = (false, false);
    // The feed's and undated entries' `updated`.
    let changed = state.engine().changed().unwrap_or(SystemTime::UNIX_EPOCH);
    let results = match run_search(state.clone(), request).await {
        Ok(results) => results,
        Err(e) => return WebError::from(e).into_response(),
    };
    let origin = assets::origin(&headers);
    let site = (origin.as_str(), state.settings.site.owner.as_str(), here.ui);
    let body = atom(site, &params, &results, changed);
    let mut response = body.into_string().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    private_for(viewer.audience, response)
}

fn atom(
    (origin, owner, ui): (&str, &str, Ui),
    params: &SearchParams,
    results: &SearchResults,
    changed: SystemTime,
) -> Markup {
    let query = feed_query(params, ui);
    let self_url = format!("{origin}/search.atom{query}");
    let page_url = format!("{origin}/search{query}");
    let changed = rfc3339(changed);
    let title = match params.q.trim() {
        "" => ui
            .t(
                "vidensbase: nyeste dokumenter",
                "vidensbase: newest documents",
            )
            .to_string(),
        q => format!("vidensbase: {}", xml_text(q)),
    };
    html! {
        (PreEscaped("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"))
        feed xmlns="http://www.w3.org/2005/Atom" xml:lang=(ui.code()) {
            id { (self_url) }
            title type="text" { (title) }
            updated { (changed) }
            link rel="self" type="application/atom+xml" href=(self_url) {}
            link rel="alternate" type="text/html" href=(page_url) {}
            author { name { (xml_text(owner)) } }
            generator { "vidensbase" }
            @for hit in &results.hits {
                @let url = format!("{origin}{}", doc_url(&hit.id, None));
                entry {
                    id { (url) }
                    title type="text" { (xml_text(&hit.title)) }
                    updated { (hit.date.map_or_else(|| changed.clone(), day_start)) }
                    link rel="alternate" type="text/html" href=(url) hreflang=(hit.lang) {}
                    @if !hit.category.is_empty() { category term=(xml_text(&hit.category)) {} }
                    summary type="html" { (xml_text(&hit.snippet.to_html())) }
                }
            }
        }
    }
}

/// `text` without the characters XML 1.0 cannot hold even escaped (controls but tab and line
/// breaks: a PDF's page breaks are form feeds).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|&c| c != '\u{FFFE}' && c != '\u{FFFF}')
        .collect()
}

/// A document's date as the start of its first day, UTC (Atom's `updated` is a moment).
fn day_start(date: Date) -> String {
    let iso = date.to_string();
    match iso.len() {
        4 => format!("{iso}-01-01T00:00:00Z"),
        7 => format!("{iso}-01T00:00:00Z"),
        _ => format!("{iso}T00:00:00Z"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_text_holds_no_character_xml_refuses() {
        assert_eq!(
            xml_text("side 1\u{c}side 2\u{0}\tja\n"),
            "side 1side 2\tja\n"
        );
    }

    #[test]
    fn a_date_is_the_start_of_its_first_day() {
        let day = |s| Date::parse(s).map(day_start);
        assert_eq!(day("2019-07-01").as_deref(), Some("2019-07-01T00:00:00Z"));
        assert_eq!(day("2019-07").as_deref(), Some("2019-07-01T00:00:00Z"));
        assert_eq!(day("2019").as_deref(), Some("2019-01-01T00:00:00Z"));
    }
}
