//! What the results page says is so: "not all the words" only where a shown hit lacks a word,
//! a hit that has a word only through a close spelling or a glossary translation says so, and a
//! passage is marked with its own language, not its document's.

use tempfile::TempDir;
use vidensbase::search::{Engine, SearchResults};

use crate::common::{get_ok, indexed, indexed_texts, search};

const DOCS: &[(&str, &str)] = &[
    (
        "da/foreninger.txt",
        "Frivillige foreninger i kommunen\n\n\
         Kommunen støtter frivillige foreninger med lokaler og tilskud.",
    ),
    (
        "da/frivillige.txt",
        "Frivillige hjælper i hallen\n\nFrivillige sørger for kaffen til kampene.",
    ),
    (
        "en/visiting.txt",
        "Visiting hours\n\nThe visiting hours at the care home are from ten to four.",
    ),
    (
        "en/loneliness.txt",
        // On the subject of `da/ensomhed.txt`, but no translation of it (a translation would be
        // its edition, attached to it rather than a hit of its own).
        "Befriending older residents\n\nAgainst loneliness, the befriending service visits \
         residents who live alone and calls them every week.",
    ),
    (
        "en/report.txt",
        "Annual report of the rowing club\n\n\
         The club held its annual meeting in the town hall, and the members elected a new \
         board for the coming year. The meeting was well attended, and the accounts of the \
         year were approved by the members of the club without any questions from the floor.\n\n\
         Klubben afholdt sin generalforsamling på rådhuset, og medlemmerne valgte en ny \
         bestyrelse for det kommende år, som skal arbejde med kajakker og kanoer.\n\n\
         The board will report on the work with the kayaks and the canoes next spring, when \
         the boats are back on the water and the new season of the club has begun.",
    ),
    (
        "da/ensomhed.txt",
        "Ensomhed blandt ældre\n\nEnsomhed er et voksende problem i kommunen.",
    ),
];

fn hit<'a>(r: &'a SearchResults, id: &str) -> &'a vidensbase::search::Hit {
    r.hits.iter().find(|h| h.id == id).unwrap_or_else(|| {
        panic!(
            "{id} not among {:?}",
            r.hits.iter().map(|h| &h.id).collect::<Vec<_>>()
        )
    })
}

/// The results page for `q`.
fn page(engine: Engine, corpus: &TempDir, q: &str) -> String {
    get_ok(
        engine,
        corpus.path(),
        &format!("/search?q={}", q.replace(' ', "+")),
    )
}

#[test]
fn only_the_hits_that_lack_a_word_say_so() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    let r = search(&engine, "frivillige foreninger");
    assert!(
        r.relaxed,
        "one document has both words: the query is relaxed"
    );
    assert_eq!(r.complete, 1);
    assert_eq!(r.hits[0].id, "da/foreninger.txt");
    assert!(r.hits[0].missing.is_empty());
    assert_eq!(hit(&r, "da/frivillige.txt").missing, ["foreninger"]);

    let html = page(engine, &corpus, "frivillige foreninger");
    assert!(
        !html.contains("Ingen dokumenter indeholder alle ordene"),
        "the first hit holds every word"
    );
    assert!(html.contains("1 dokument indeholder alle ordene"), "{html}");
    assert_eq!(html.matches("Mangler: ").count(), 1, "{html}");
    assert!(html.contains("Mangler: <s>foreninger</s>"), "{html}");
}

#[test]
fn no_hit_with_every_word_says_so_once() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    let r = search(&engine, "hallen kommunen");
    assert_eq!(r.complete, 0);
    assert!(r.relaxed);
    let html = page(engine, &corpus, "hallen kommunen");
    assert!(html.contains("Ingen dokumenter indeholder alle ordene"));
}

#[test]
fn a_hit_found_through_a_close_spelling_says_so() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    // `lonliness` is in no document; `loneliness` is one letter away.
    let r = search(&engine, "lonliness");
    let found = hit(&r, "en/loneliness.txt");
    assert_eq!(found.found_through.len(), 1, "{:?}", found.found_through);
    assert_eq!(found.found_through[0].word, "lonliness");
    assert_eq!(
        found.found_through[0].through,
        vidensbase::query::Found::Spelling
    );
    // A word found as itself (an inflection is the word) says nothing.
    let r = search(&engine, "visited");
    assert!(hit(&r, "en/visiting.txt").found_through.is_empty());
    let html = page(engine, &corpus, "lonliness");
    assert!(
        html.contains("Fundet via en lignende stavemåde af »lonliness«"),
        "{html}"
    );
}

#[test]
fn a_hit_found_through_a_translation_says_so_and_the_word_itself_does_not() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    let r = search(&engine, "ensomhed");
    assert!(hit(&r, "da/ensomhed.txt").found_through.is_empty());
    let english = hit(&r, "en/loneliness.txt");
    assert_eq!(english.found_through.len(), 1);
    assert_eq!(
        english.found_through[0].through,
        vidensbase::query::Found::Translation
    );
    let html = page(engine, &corpus, "ensomhed");
    assert_eq!(
        html.matches("Fundet via oversættelsen af »ensomhed«")
            .count(),
        1,
        "{html}"
    );
}

#[test]
fn a_passage_is_marked_with_its_own_language() {
    let (corpus, _index, engine) = indexed_texts(DOCS);
    let r = search(&engine, "kajakker");
    let report = hit(&r, "en/report.txt");
    assert_eq!(report.lang, "en");
    assert_eq!(
        report.snippet_lang, "da",
        "the Danish paragraph of an English report"
    );
    let r = search(&engine, "annual meeting");
    assert_eq!(hit(&r, "en/report.txt").snippet_lang, "en");

    let html = page(engine, &corpus, "kajakker");
    assert!(html.contains(r#"<p class="snippet" lang="da">"#), "{html}");
    let (_index, engine) = indexed(corpus.path());
    let html = get_ok(engine, corpus.path(), "/doc/en/report.txt");
    // The document is English; its one Danish paragraph says so, the English ones do not.
    assert_eq!(
        html.matches(r#"<p lang="da">Klubben afholdt"#).count(),
        1,
        "{html}"
    );
    assert!(html.contains("<p>The club held"), "{html}");
}

/// What a hit says of itself is in the JSON too, in the one shape `/api/search` and
/// `vidensbase search --json` share.
#[test]
fn the_api_and_the_command_line_give_one_json_shape_with_the_notes() {
    let (corpus, index, engine) = indexed_texts(DOCS);
    let api: serde_json::Value = serde_json::from_str(&get_ok(
        engine,
        corpus.path(),
        "/api/search?q=frivillige+foreninger",
    ))
    .expect("json");
    let hits = api["hits"].as_array().expect("hits");
    let lacking = hits
        .iter()
        .find(|h| h["id"] == "da/frivillige.txt")
        .expect("the document with one of the words");
    assert_eq!(lacking["missing"], serde_json::json!(["foreninger"]));
    assert_eq!(lacking["snippet_lang"], "da");
    assert_eq!(lacking["found_through"], serde_json::json!([]));

    let output = crate::common::binary(corpus.path(), index.path())
        .args(["search", "frivillige foreninger", "--json"])
        .output()
        .expect("run vidensbase search");
    assert!(output.status.success());
    let cli: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&cli), keys(&api));
    assert_eq!(keys(&cli["hits"][0]), keys(&api["hits"][0]));
    assert_eq!(cli["hits"], api["hits"], "the same hits, field for field");
}
