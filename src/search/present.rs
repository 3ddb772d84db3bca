//! The hits as shown: each ranked document read from the store, with its marked title, the
//! snippet of its best window (of its best page, for a paged document), the page, the language
//! of the snippet's paragraph, its section (heading path and anchor) and how it matched the
//! query's words.

use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::notes::{self, HowFound};
use super::pages::{is_paged, page_text, Ranked};
use super::Hit;
use crate::date::Date;
use crate::error::Result;
use crate::query::Plan;
use crate::schema::{stored_text, Fields};
use crate::snippet;
use crate::text;

/// The hits of `ranked`, in order.
pub(super) fn hits(
    searcher: &Searcher,
    f: &Fields,
    plan: &Plan,
    ranked: Vec<Ranked>,
    relaxed: bool,
) -> Result<Vec<Hit>> {
    let addresses: Vec<DocAddress> = ranked.iter().map(|r| r.address).collect();
    let how = notes::how_found(searcher, &plan.checks, relaxed || plan.lenient, &addresses)?;
    ranked
        .into_iter()
        .zip(how)
        .map(|(ranked, how)| hit(searcher, f, plan, ranked, how))
        .collect()
}

fn hit(searcher: &Searcher, f: &Fields, plan: &Plan, ranked: Ranked, how: HowFound) -> Result<Hit> {
    let doc: TantivyDocument = searcher.doc(ranked.address)?;
    let body = doc
        .get_first(f.body)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let title = stored_text(&doc, f.title);
    let title_marked = snippet::highlight_all(&title, &plan.highlight);
    // The snippet of a paged document comes from its best page, when it has one.
    let (shown, shift) = match ranked.page {
        Some((n, _)) => page_text(body, n),
        None => (body, 0),
    };
    let mut snippet = snippet::snippet(shown, &plan.highlight);
    snippet.anchor += shift;
    // A hit found by its title alone still shows what matched.
    if !snippet.has_marks() && title_marked.has_marks() {
        snippet = snippet::joined(&title_marked, snippet);
    }
    let page = is_paged(&doc, f).then(|| text::page_at(body, snippet.anchor));
    let ocr = ocr_confidence(&doc, f, page, ranked.page);
    let section = crate::sections::section_at(body, snippet.anchor).unwrap_or_default();
    let lang = stored_text(&doc, f.lang);
    let snippet_lang = lang.parse().map_or("", |doc_lang| {
        let paragraph = crate::lang::paragraph_around(body, snippet.anchor);
        crate::lang::language_of_paragraph(paragraph, doc_lang).code()
    });
    Ok(Hit {
        id: stored_text(&doc, f.id),
        title,
        lang,
        category: stored_text(&doc, f.category),
        score: ranked.rank.score,
        tier: ranked.rank.tier,
        page,
        more_pages: ranked.more_pages.clone(),
        date: Date::parse(&stored_text(&doc, f.date)),
        source: Some(stored_text(&doc, f.source)).filter(|s| !s.is_empty()),
        headings: section.path,
        section_anchor: Some(section.anchor).filter(|a| !a.is_empty()),
        snippet,
        title_marked,
        snippet_lang,
        missing: how.missing,
        found_through: how.through,
        editions: Vec::new(),
        ocr_confidence: ocr,
    })
}

/// The confidence of the OCR text the hit shows, when it shows OCR text: its page's, when the
/// page index said which page that is; else, for a document mostly read by OCR, the mean of its
/// OCR pages.
fn ocr_confidence(
    doc: &TantivyDocument,
    f: &Fields,
    shown: Option<u32>,
    scored: Option<(u32, u64)>,
) -> Option<u8> {
    let of = |stored: u64| (stored > 0).then(|| (stored - 1).min(100) as u8);
    let document = of(doc.get_first(f.ocr).and_then(|v| v.as_u64()).unwrap_or(0));
    match scored {
        Some((page, stored)) if Some(page) == shown => of(stored),
        _ => document,
    }
}

/// A hit of `id` (its first path segment its language) with `score`, for the tests of stages that
/// read hits.
#[cfg(test)]
pub(crate) fn test_hit(id: &str, score: f32) -> Hit {
    Hit {
        id: id.into(),
        title: String::new(),
        lang: id.split('/').next().unwrap_or_default().into(),
        category: String::new(),
        score,
        tier: 0,
        page: None,
        date: None,
        source: None,
        more_pages: Vec::new(),
        headings: Vec::new(),
        section_anchor: None,
        snippet: Default::default(),
        title_marked: Default::default(),
        snippet_lang: "da",
        missing: Vec::new(),
        found_through: Vec::new(),
        editions: Vec::new(),
        ocr_confidence: None,
    }
}
