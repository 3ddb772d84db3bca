//! Sections end to end on the LibreOffice-made report (`rapport.fodt` as PDF, DOCX and ODT,
//! headings of two levels under its title): a hit carries the headings in force at its snippet
//! and its page, the results page shows them and links to the section, and the document page
//! has the anchor it links to. And `sektioner.pdf` (groff, numbered headings of three levels,
//! with a date, an amount and numbered list items that are none) on a corpus of its own.

use axum::http::StatusCode;

use super::{docs, fixtures_dir, get, poppler, LIBREOFFICE_PDF, REPORT_DOCX, REPORT_ODT};
use crate::common::{get_from, Fixture};

/// The hit for `id` among the JSON hits of `q`.
async fn json_hit(q: &str, id: &str) -> serde_json::Value {
    let (status, _, body) = get(&format!("/api/search?q={q}")).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    json["hits"]
        .as_array()
        .and_then(|hits| hits.iter().find(|h| h["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("{id} not among the hits of {q}: {json}"))
}

fn section(hit: &serde_json::Value) -> Vec<&str> {
    hit["section"]
        .as_array()
        .map(|s| s.iter().filter_map(|h| h.as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_pdf_hit_carries_its_heading_path_page_and_anchor() {
    if !poppler() {
        return;
    }
    let _ = docs();
    // "rapporttoordet" is in the section "Civilsamfundsforum" (larger type) under "Status for
    // forpligtelserne" (larger still), on page 2, under the report's title on page 1.
    let hit = json_hit("rapporttoordet", LIBREOFFICE_PDF).await;
    assert_eq!(
        section(&hit),
        [
            "Åbenhed og samarbejde med civilsamfundet",
            "Status for forpligtelserne",
            "Civilsamfundsforum"
        ],
        "{hit}"
    );
    assert_eq!(hit["page"], 2);
    let url = hit["section_url"].as_str().expect("a section url");
    let (path, anchor) = url.split_once('#').expect("an anchor");
    assert_eq!(anchor, "afsnit-civilsamfundsforum");

    // The document page has that anchor, on a heading.
    let (status, _, page) = get(path).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains(&format!("<h4 id=\"{anchor}\">Civilsamfundsforum</h4>")),
        "{page}"
    );

    // The results page shows the path and the page, and links the hit to its section.
    let (_, _, html) = get("/search?q=rapporttoordet").await;
    let html = String::from_utf8_lossy(&html);
    assert!(
        html.contains(
            "Åbenhed og samarbejde med civilsamfundet › Status for forpligtelserne › \
             Civilsamfundsforum · <a href=\"/files/rapporter/rapport-libreoffice.pdf#page=2\">side 2</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains(&format!("#{anchor}\"")),
        "the hit links to its section: {html}"
    );
}

#[tokio::test]
async fn word_and_open_document_hits_have_nested_sections() {
    let _ = docs();
    for id in [REPORT_DOCX, REPORT_ODT] {
        let hit = json_hit("rapporttoordet", id).await;
        let path = section(&hit);
        // "Civilsamfundsforum" is a Heading 2 under the Heading 1 "Status for forpligtelserne".
        assert!(
            path.ends_with(&["Status for forpligtelserne", "Civilsamfundsforum"]),
            "{id}: {hit}"
        );
        assert!(hit["page"].is_null());
        let url = hit["section_url"].as_str().expect("a section url");
        let (path, anchor) = url.split_once('#').expect("an anchor");
        let (_, _, page) = get(path).await;
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains(&format!("id=\"{anchor}\"")), "{id}: {page}");
    }
}

#[tokio::test]
async fn every_json_hit_has_the_section_fields() {
    let _ = docs();
    let (_, _, body) = get("/api/search?q=punktalfa").await;
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let hit = json["hits"][0].as_object().expect("a hit");
    assert!(hit.get("section").is_some_and(|s| s.is_array()), "{hit:?}");
    assert!(hit.contains_key("section_url"), "{hit:?}");
}

#[tokio::test]
async fn numbered_pdf_headings_make_the_path_and_false_friends_do_not() {
    if !poppler() {
        return;
    }
    let fixture = Fixture::new();
    std::fs::copy(
        fixtures_dir().join("sektioner.pdf"),
        fixture.corpus().join("sektioner.pdf"),
    )
    .expect("copy fixture");
    fixture.sync();
    let engine = fixture.engine();
    let hit = |q: &str| {
        let results = engine
            .search(&vidensbase::search::SearchRequest::new(q))
            .expect("search");
        let hit = results.hits.into_iter().next().expect("a hit");
        (hit.headings, hit.page, hit.section_anchor)
    };
    let (path, page, anchor) = hit("sektionsfjernord");
    assert_eq!(
        path,
        [
            "1. Kom i gang",
            "1.1. Brugerhåndtering",
            "1.1.2. Fjerne brugere"
        ]
    );
    assert_eq!(page, Some(1));
    let anchor = anchor.expect("an anchor");
    assert_eq!(anchor, "afsnit-1-1-2-fjerne-brugere");
    assert_eq!(hit("sectiongroupword").0, ["2. Setting up groups"]);
    // The list items under "1.1.1. Tilføje brugere" are in its section, not sections of their own.
    assert_eq!(
        hit("navnet e-mailadressen").0.last().map(String::as_str),
        Some("1.1.1. Tilføje brugere")
    );
    // The date and the amount are running text of "1. Kom i gang".
    assert_eq!(hit("prøveperiode licenser").0, ["1. Kom i gang"]);

    let (_, _, page) = get_from(engine, fixture.corpus(), "/doc/sektioner.pdf").await;
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains(&format!("<h4 id=\"{anchor}\">")), "{page}");
    assert!(!page.contains("<h2 id=\"afsnit-1-12-2024"), "{page}");
}

/// `afsnit-sider.pdf`: an overview page names users, creating and new ones over and over; only
/// page 2 is headed "Opret en ny bruger". A page's headings count as its title, so the question
/// lands on page 2, and the hit says so.
#[test]
fn a_question_lands_on_the_page_whose_heading_answers_it() {
    crate::common::require_pdftotext();
    let fixture = Fixture::new();
    std::fs::create_dir_all(fixture.corpus()).expect("corpus");
    std::fs::copy(
        fixtures_dir().join("afsnit-sider.pdf"),
        fixture.corpus().join("afsnit-sider.pdf"),
    )
    .expect("copy fixture");
    fixture.sync();
    let engine = fixture.engine();
    let results = engine
        .search(&vidensbase::search::SearchRequest::new(
            "Hvordan opretter jeg en ny bruger?",
        ))
        .expect("search");
    let hit = results.hits.first().expect("a hit");
    assert_eq!(hit.page, Some(2), "{hit:?}");
    assert_eq!(
        hit.headings.last().map(String::as_str),
        Some("2. Opret en ny bruger")
    );
}
