//! Answer passages: a question (or a keyword query) gets the passage of the best hits that
//! answers it, quoted word for word with its heading and page, in the JSON and above the
//! results; a query no passage answers gets `null` and no box.

use axum::http::StatusCode;
use vidensbase::search::{Engine, SearchRequest};

use crate::common::{get_page, indexed_texts, search};

const DOCS: &[(&str, &str)] = &[
    (
        "da/sideskift.md",
        "# Sideskift i Writer\n\n\
         Et sideskift afslutter en side, så teksten fortsætter på den næste.\n\n\
         ## Sådan sletter du et manuelt sideskift\n\n\
         Klik foran det første tegn på siden efter det manuelle sideskift. Tryk på Tilbage.\n\n\
         ## Historik\n\n\
         Funktionen til sideskift kom med i version 2 i marts 2011.",
    ),
    (
        "da/tilskud.md",
        "# Tilskud til foreninger\n\n\
         ## Hvem kan søge\n\n\
         Alle frivillige foreninger med hjemsted i kommunen kan søge om tilskud til lokaler.\n\n\
         ## Frist\n\n\
         Ansøgningsfristen for lokaletilskud er den 1. marts 2025.",
    ),
    (
        "en/dhcp.md",
        "# Network setup\n\n\
         ## About DHCP\n\n\
         DHCP (Dynamic Host Configuration Protocol) is a protocol that gives each computer on \
         the network its address <automatically> & at once.\n\n\
         ## Static addresses\n\n\
         To set a static address, open the network settings and choose Manual.",
    ),
    (
        "en/minutes.txt",
        "Minutes of the board\n\nThe board discussed the budget at length and approved it \
         without changes.",
    ),
];

/// The answer's text, document and heading, or a panic saying what was found instead.
fn answer(engine: &Engine, q: &str) -> (String, String, Option<String>) {
    let r = search(engine, q);
    let a = r.answer.unwrap_or_else(|| {
        let ids: Vec<_> = r.hits.iter().map(|h| &h.id).collect();
        panic!("no answer for {q:?}; hits {ids:?}")
    });
    (a.text, a.id, a.heading)
}

#[test]
fn questions_get_the_passage_that_answers_them() {
    let (_corpus, _index, engine) = indexed_texts(DOCS);
    let (text, id, heading) = answer(&engine, "Hvordan sletter jeg et manuelt sideskift?");
    assert_eq!(id, "da/sideskift.md");
    assert_eq!(
        text,
        "Klik foran det første tegn på siden efter det manuelle sideskift. Tryk på Tilbage."
    );
    assert_eq!(
        heading.as_deref(),
        Some("Sådan sletter du et manuelt sideskift")
    );

    let (text, id, heading) = answer(&engine, "What is DHCP?");
    assert_eq!(id, "en/dhcp.md");
    assert!(
        text.starts_with("DHCP (Dynamic Host Configuration Protocol) is"),
        "{text}"
    );
    assert_eq!(heading.as_deref(), Some("About DHCP"));

    let (text, _, _) = answer(&engine, "Hvem kan søge om tilskud til lokaler?");
    assert!(text.starts_with("Alle frivillige foreninger"), "{text}");

    let (text, _, heading) = answer(&engine, "Hvornår er fristen for lokaletilskud?");
    assert_eq!(
        text,
        "Ansøgningsfristen for lokaletilskud er den 1. marts 2025."
    );
    assert_eq!(heading.as_deref(), Some("Frist"));
}

#[test]
fn a_keyword_query_may_get_an_answer_too() {
    let (_corpus, _index, engine) = indexed_texts(DOCS);
    let (text, id, _) = answer(&engine, "dhcp protocol");
    assert_eq!(id, "en/dhcp.md");
    assert!(
        text.contains("Dynamic Host Configuration Protocol"),
        "{text}"
    );
}

#[test]
fn a_query_no_passage_answers_gets_none() {
    let (_corpus, _index, engine) = indexed_texts(DOCS);
    // Found, but no passage holds its words together.
    let r = search(&engine, "board address");
    assert!(!r.hits.is_empty());
    assert!(r.answer.is_none(), "{:?}", r.answer);
    // A question whose kind of answer no passage gives: no date is given for the board.
    let r = search(&engine, "When did the board discuss the budget?");
    assert!(!r.hits.is_empty());
    assert!(r.answer.is_none(), "{:?}", r.answer);
    // Not found at all.
    assert!(search(&engine, "kvantecomputer").answer.is_none());
    // Past the first page of results there is no answer.
    let mut later = SearchRequest::new("What is DHCP?");
    later.offset = 10;
    assert!(engine.search(&later).expect("search").answer.is_none());
}

#[test]
fn the_json_has_the_answer_or_null() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    let (status, body) = get_page(engine, corpus.path(), "/api/search?q=What+is+DHCP%3F");
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    let a = &json["answer"];
    let keys: Vec<&str> = a
        .as_object()
        .expect("an answer")
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["heading", "id", "lang", "page", "text", "title", "url"]
    );
    assert_eq!(a["id"], "en/dhcp.md");
    assert_eq!(a["lang"], "en");
    assert_eq!(a["heading"], "About DHCP");
    assert!(a["page"].is_null());
    let text = a["text"].as_str().expect("text");
    assert!(
        text.contains("address <automatically> & at once."),
        "plain text: {text}"
    );
    // The document page at the answer's heading, which carries that anchor.
    let url = a["url"].as_str().expect("url");
    assert_eq!(url, "/doc/en/dhcp.md?q=What+is+DHCP%3F#afsnit-about-dhcp");

    let (corpus2, _index2, engine2) = indexed_texts(DOCS);
    let (_, doc) = get_page(
        engine2,
        corpus2.path(),
        url.split('#').next().expect("path"),
    );
    assert!(
        doc.contains("<h3 id=\"afsnit-about-dhcp\">About <mark"),
        "{doc}"
    );

    let (corpus3, _index3, engine3) = indexed_texts(DOCS);
    let (_, body) = get_page(engine3, corpus3.path(), "/api/search?q=kvantecomputer");
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(json["answer"].is_null(), "{body}");
}

#[test]
fn the_results_page_shows_the_box_escaped_in_both_interface_languages() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    let (_, html) = get_page(engine, corpus.path(), "/search?q=What+is+DHCP%3F");
    let start = html
        .find("<section class=\"answer\"")
        .expect("an answer box");
    let end = start + html[start..].find("</section>").expect("its end");
    let answer_box = &html[start..end];
    assert!(
        answer_box.contains("aria-labelledby=\"svar\""),
        "{answer_box}"
    );
    assert!(answer_box.contains("Svar fra"), "{answer_box}");
    assert!(
        answer_box.contains("<blockquote lang=\"en\""),
        "{answer_box}"
    );
    assert!(answer_box.contains("<mark>DHCP</mark>"), "{answer_box}");
    assert!(
        answer_box.contains("address &lt;automatically&gt; &amp; at once."),
        "escaped: {answer_box}"
    );
    assert!(
        answer_box.contains("href=\"/files/en/dhcp.md\""),
        "{answer_box}"
    );
    assert!(
        start < html.find("class=\"hit\"").expect("hits"),
        "above the hits"
    );

    let (corpus, _index, engine) = indexed_texts(DOCS);
    let (_, html) = get_page(engine, corpus.path(), "/search?q=What+is+DHCP%3F&ui=en");
    assert!(html.contains("Answer from"), "{html}");

    let (corpus, _index, engine) = indexed_texts(DOCS);
    let (_, html) = get_page(engine, corpus.path(), "/search?q=board+address");
    assert!(
        !html.contains("class=\"answer\""),
        "no box without an answer"
    );
}
