//! The one JSON shape of search results, for `/api/search` and `vidensbase search --json`:
//! fields are added, never renamed (other tools read them).

use serde::Serialize;

use super::views;
use crate::query::UsedExpansion;
use crate::search::{Answer, FoundThrough, SearchResults, Suggestion};

#[derive(Serialize)]
pub struct Results<'a> {
    query: &'a str,
    total: usize,
    took_ms: f64,
    hits: Vec<Hit<'a>>,
    expansions: &'a [UsedExpansion],
    relaxed: bool,
    /// A query of many words whose hits need not have every word (each hit's `missing` says).
    lenient: bool,
    /// Documents with every word.
    complete: usize,
    /// The reader's language as read from the query (`da`, `en`), `null` for both.
    query_lang: Option<&'static str>,
    /// A corrected query when this one found little: `{"query", "total"}`, else `null`.
    suggestion: Option<&'a Suggestion>,
    /// The passage that answers the query, when one clearly does; else `null`.
    answer: Option<AnswerJson<'a>>,
}

/// An answer passage: its document, language, page, heading, the passage word for word (plain
/// text) and the document page at its section.
#[derive(Serialize)]
struct AnswerJson<'a> {
    id: &'a str,
    title: &'a str,
    lang: &'static str,
    page: Option<u32>,
    heading: Option<&'a str>,
    text: &'a str,
    url: String,
}

impl<'a> AnswerJson<'a> {
    fn of(a: &'a Answer, query: &str) -> AnswerJson<'a> {
        AnswerJson {
            id: &a.id,
            title: &a.title,
            lang: a.lang,
            page: a.page,
            heading: a.heading.as_deref(),
            text: &a.text,
            url: views::answer_url(a, query),
        }
    }
}

#[derive(Serialize)]
struct Hit<'a> {
    id: &'a str,
    title: &'a str,
    lang: &'a str,
    category: &'a str,
    score: f32,
    /// The ranking tier: hits are ordered by tier, then score.
    tier: u8,
    /// Escaped HTML with the matched words in `<mark>`.
    snippet: String,
    url: String,
    /// The physical page (from 1) of the snippet; `null` for documents without pages.
    page: Option<u32>,
    /// Other pages of a paged document that match as well, in page order (at most three).
    more_pages: &'a [u32],
    /// The original file (`/files/{id}`), at the snippet's page for a PDF (`#page=N`).
    file: String,
    /// The language of the snippet's paragraph.
    snippet_lang: &'a str,
    /// Required words of the query the document lacks (a relaxed or lenient result).
    missing: &'a [String],
    /// Words it has only through a close spelling or a translation.
    found_through: &'a [FoundThrough],
    /// The headings in force at the snippet, outermost first (`["7 Kom i gang", "7.3 …"]`);
    /// empty when the snippet is in no section.
    section: &'a [String],
    /// The document page at the snippet's section (`url` with its heading's anchor), `null`
    /// when the snippet is in no section.
    section_url: Option<String>,
    /// The other edition of the text (Danish or English), when it has one; empty when none.
    editions: Vec<EditionJson<'a>>,
    /// The document's date (`2019-07-01`, `2019-07` or `2019`), `null` when it has none.
    date: Option<crate::date::Date>,
    /// Who published it, `null` when the document does not say.
    source: Option<&'a str>,
    /// The snippet is text read by OCR from a scan, with this mean confidence (0–100); `null`
    /// for text from the file.
    ocr_confidence: Option<u8>,
}

/// An edition a hit names: `{"id", "lang", "title", "url"}`.
#[derive(Serialize)]
struct EditionJson<'a> {
    id: &'a str,
    lang: &'a str,
    title: &'a str,
    url: String,
}

impl<'a> Results<'a> {
    pub fn of(r: &'a SearchResults) -> Results<'a> {
        let hits =
            r.hits
                .iter()
                .map(|h| Hit {
                    id: &h.id,
                    title: &h.title,
                    lang: &h.lang,
                    category: &h.category,
                    score: h.score,
                    tier: h.tier,
                    date: h.date,
                    more_pages: &h.more_pages,
                    source: h.source.as_deref(),
                    ocr_confidence: h.ocr_confidence,
                    snippet: h.snippet.to_html(),
                    url: views::doc_url(&h.id, Some(&r.query)),
                    page: h.page,
                    file: views::file_url(&h.id, h.page),
                    snippet_lang: h.snippet_lang,
                    missing: &h.missing,
                    found_through: &h.found_through,
                    section: &h.headings,
                    section_url: h.section_anchor.as_ref().map(|anchor| {
                        format!("{}#{anchor}", views::doc_url(&h.id, Some(&r.query)))
                    }),
                    editions: h
                        .editions
                        .iter()
                        .map(|e| EditionJson {
                            id: &e.id,
                            lang: &e.lang,
                            title: &e.title,
                            url: views::doc_url(&e.id, Some(&r.query)),
                        })
                        .collect(),
                })
                .collect();
        Results {
            query: &r.query,
            total: r.total,
            took_ms: r.took_ms,
            hits,
            expansions: &r.expansions,
            relaxed: r.relaxed,
            lenient: r.lenient,
            complete: r.complete,
            query_lang: r.query_lang,
            suggestion: r.suggestion.as_ref(),
            answer: r.answer.as_ref().map(|a| AnswerJson::of(a, &r.query)),
        }
    }
}
