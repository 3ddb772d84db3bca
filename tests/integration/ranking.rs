//! Search behaviour through the library: rankings, inflections, phrases, filters, snippets.

use vidensbase::lang::Lang;
use vidensbase::search::SearchRequest;

use crate::common::*;

#[test]
fn danish_and_english_queries_rank_their_document_first() {
    let (_, engine) = shared();
    assert_eq!(top(engine, "frivillige foreninger"), DA_VOLUNTEERS);
    assert_eq!(top(engine, "loneliness older people"), EN_LONELINESS);
    assert_eq!(top(engine, "national strategy"), EN_IRM);
}

#[test]
fn inflected_queries_find_the_base_form() {
    let (_, engine) = shared();
    // The documents say "strategi", "handlingsplanen", "frivilligudvalg", "partnerships".
    assert_eq!(top(engine, "strategierne"), DA_VOLUNTEERS);
    assert_eq!(top(engine, "handlingsplaner"), DA_VOLUNTEERS);
    assert_eq!(top(engine, "frivilligudvalgene"), DA_VOLUNTEERS);
    let r = search(engine, "partnership");
    assert!(
        ids(&r).contains(&EN_LONELINESS) && ids(&r).contains(&EN_IRM),
        "{:?}",
        ids(&r)
    );
}

#[test]
fn a_compound_part_known_only_from_the_glossary_still_splits() {
    let (_, engine) = shared();
    // No fixture says "udvalg" on its own; the glossary does, so `frivilligudvalg` was split.
    let r = search(engine, "udvalg");
    assert_eq!(ids(&r), [DA_VOLUNTEERS]);
    assert!(
        r.hits[0]
            .snippet
            .to_html()
            .contains("<mark>frivilligudvalg</mark>"),
        "{}",
        r.hits[0].snippet.to_html()
    );
}

#[test]
fn identifiers_and_titles_with_punctuation() {
    let (_, engine) = shared();
    assert_eq!(top(engine, "DK0058"), EN_IRM);
    assert_eq!(top(engine, "dk0058"), EN_IRM);
    assert_eq!(top(engine, "Talformat: Valuta"), DA_HELP_HTML);
    assert_eq!(
        top(engine, "Diagramguide - Diagramelementer"),
        DA_HELP_DIAGRAM
    );
}

#[test]
fn quoted_phrases_require_adjacent_words() {
    let (_, engine) = shared();
    let r = search(engine, "\"civil society\"");
    assert_eq!(r.hits.first().map(|h| h.id.as_str()), Some(EN_IRM));
    assert!(!ids(&r).contains(&EN_LONELINESS));
    assert!(search(engine, "\"society civil\"")
        .hits
        .iter()
        .all(|h| h.id != EN_IRM || h.score < r.hits[0].score));
}

#[test]
fn excluded_words_remove_documents() {
    let (_, engine) = shared();
    let with = search(engine, "kommuner");
    let without = search(engine, "kommuner -ensomhed");
    assert!(
        with.total > without.total,
        "{} vs {}",
        with.total,
        without.total
    );
    assert!(!ids(&without).contains(&DA_VOLUNTEERS));
}

#[test]
fn snippets_mark_matched_words() {
    let (_, engine) = shared();
    let r = search(engine, "foreningerne");
    let html = r.hits[0].snippet.to_html();
    assert!(
        html.contains("<mark>foreninger</mark>") || html.contains("<mark>foreningerne</mark>"),
        "{html}"
    );
}

#[test]
fn a_hit_found_by_its_title_alone_still_marks_the_word() {
    let (_, engine) = shared();
    // "Cooperation handbook for authorities" is the HTML <title>; the body never says "handbook".
    let r = search(engine, "handbook");
    assert_eq!(r.hits[0].id, EN_GUIDE_HTML);
    let html = r.hits[0].snippet.to_html();
    assert!(
        html.starts_with("Cooperation <mark>handbook</mark> for authorities — "),
        "{html}"
    );
    assert!(r.hits[0]
        .title_marked
        .to_html()
        .contains("<mark>handbook</mark>"));
}

#[test]
fn filters_restrict_and_facets_count() {
    let (_, engine) = shared();
    let mut req = SearchRequest::new("frivillige");
    req.facets = true;
    let all = engine.search(&req).expect("search");
    assert!(
        all.hits.iter().any(|h| h.lang == "da") && all.hits.iter().any(|h| h.lang == "en"),
        "{:?}",
        ids(&all)
    );
    let facets = all.facets.clone().expect("facets");
    let da_count = facets
        .lang
        .iter()
        .find(|(l, _)| l == "da")
        .map(|(_, n)| *n)
        .expect("da facet");

    req.lang = Some(Lang::Da);
    let da = engine.search(&req).expect("search");
    assert!(!da.hits.is_empty() && da.hits.iter().all(|h| h.lang == "da"));
    assert_eq!(da.total as u64, da_count);
    // The language facet ignores the language filter, so the other language stays choosable.
    assert!(da
        .facets
        .expect("facets")
        .lang
        .iter()
        .any(|(l, _)| l == "en"));

    req.lang = None;
    req.category = Some("reports".into());
    let reports = engine.search(&req).expect("search");
    assert_eq!(ids(&reports), [EN_LONELINESS]);
}

#[test]
fn pagination_returns_disjoint_pages() {
    let (_, engine) = shared();
    let mut req = SearchRequest::new("frivillige");
    req.limit = 1;
    let first = engine.search(&req).expect("search");
    req.offset = 1;
    let second = engine.search(&req).expect("search");
    assert_eq!(first.total, second.total);
    assert!(first.total >= 2, "{}", first.total);
    assert_eq!((first.hits.len(), second.hits.len()), (1, 1));
    for id in ids(&second) {
        assert!(!ids(&first).contains(&id));
    }
}

#[test]
fn a_query_with_no_document_having_all_words_is_relaxed() {
    let (_, engine) = shared();
    let r = search(engine, "valuta ensomhed");
    assert!(r.relaxed);
    assert!(r.total >= 2);
}

#[test]
fn empty_query_returns_nothing_and_filter_alone_browses() {
    let (_, engine) = shared();
    assert_eq!(search(engine, "").total, 0);
    assert_eq!(search(engine, "  \"\" -  ").total, 0);
    let mut req = SearchRequest::new("");
    req.category = Some("help".into());
    assert_eq!(engine.search(&req).expect("search").total, 2);
}
