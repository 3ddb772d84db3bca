//! Editions: the Danish and English pages of one LibreOffice help topic are linked from their
//! text alone (`tests/fixtures/editions`, real help pages), also when the second edition arrives
//! in a later sync and when another process links them from the stored signatures; a page whose
//! other edition is not there stays alone; a front matter's `translation:` links by hand. A hit
//! names its other edition (JSON `editions`), the document page says where the other is, and,
//! asked in one language, the two never compete in one list of results.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use vidensbase::search::{Engine, SearchRequest};

use crate::common::{binary, get_from};

/// The topics in both languages, and the pages whose other edition is left out.
const PAIRS: [&str; 3] = [
    "indices_toc.html",
    "doc_autosave.html",
    "auto_spellcheck.html",
];
const ALONE: [&str; 2] = ["da/form_letters_main.html", "en/datapilot_grouping.html"];
/// A pair with a near rival: `en/datapilot_grouping.html` is about pivot tables too. The linker
/// may leave it for an editor; it must never link it to the rival.
const NEAR: &str = "datapilot_formatting.html";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editions")
}

/// Copies the fixture pages of `lang` into `corpus/lang/`.
fn copy_lang(corpus: &Path, lang: &str) {
    let to = corpus.join(lang);
    std::fs::create_dir_all(&to).expect("corpus folder");
    for entry in std::fs::read_dir(fixtures().join(lang)).expect("fixtures") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
    }
}

/// The other edition the document page names for `id`, if any.
fn other(engine: &Engine, id: &str) -> Option<String> {
    let doc = engine
        .document(id, None, vidensbase::access::Audience::Staff)
        .expect("document");
    assert!(doc.editions.len() <= 1, "{id}: {:?}", doc.editions);
    doc.editions.first().map(|e| e.id.clone())
}

fn assert_linked(engine: &Engine) {
    for name in PAIRS {
        let (da, en) = (format!("da/{name}"), format!("en/{name}"));
        assert_eq!(other(engine, &da).as_deref(), Some(en.as_str()), "{da}");
        assert_eq!(other(engine, &en).as_deref(), Some(da.as_str()), "{en}");
    }
    for id in ALONE {
        assert_eq!(other(engine, id), None, "{id} has no other edition here");
    }
    let (da, en) = (format!("da/{NEAR}"), format!("en/{NEAR}"));
    let linked = other(engine, &da);
    assert!(linked.is_none() || linked == Some(en), "{da}: {linked:?}");
}

#[test]
fn an_edition_added_later_is_linked_without_a_rebuild() {
    let dir = TempDir::new().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    copy_lang(&corpus, "da");
    vidensbase::ingest::sync(&corpus, &index).expect("sync");
    let engine = Engine::open(&index).expect("engine");
    for name in PAIRS {
        assert_eq!(other(&engine, &format!("da/{name}")), None);
    }
    // The English edition arrives: a sync of what changed links it to the Danish one.
    copy_lang(&corpus, "en");
    let report = vidensbase::ingest::sync(&corpus, &index).expect("sync");
    assert_eq!(report.unchanged, PAIRS.len() + 2, "{report:?}");
    engine.reload().expect("reload");
    assert_linked(&engine);
}

#[test]
fn another_process_links_the_same_from_the_stored_signatures() {
    let dir = TempDir::new().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    copy_lang(&corpus, "da");
    copy_lang(&corpus, "en");
    let status = binary(&corpus, &index)
        .arg("index")
        .status()
        .expect("index");
    assert!(status.success());
    assert_linked(&Engine::open(&index).expect("engine"));
    // A deleted edition takes its link with it.
    std::fs::remove_file(corpus.join("en/indices_toc.html")).expect("remove");
    let status = binary(&corpus, &index)
        .arg("index")
        .status()
        .expect("index");
    assert!(status.success());
    let engine = Engine::open(&index).expect("engine");
    assert_eq!(other(&engine, "da/indices_toc.html"), None);
    assert_eq!(
        other(&engine, "da/doc_autosave.html").as_deref(),
        Some("en/doc_autosave.html")
    );
}

#[test]
fn a_front_matter_translation_links_by_hand() {
    let dir = TempDir::new().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    crate::common::write_files(
        &corpus,
        [
            (
                "noter/moede.md",
                "---\ntranslation: notes/meeting.md\n---\n# Mødet i frivilligrådet\n\nRådet drøftede tilskud til foreningernes lokaler og en ny frivillighedspolitik.\n".as_bytes(),
            ),
            (
                "notes/meeting.md",
                "# The council meeting\n\nThe volunteering council discussed grants for rooms and a new policy.\n".as_bytes(),
            ),
        ],
    );
    vidensbase::ingest::sync(&corpus, &index).expect("sync");
    let engine = Engine::open(&index).expect("engine");
    assert_eq!(
        other(&engine, "noter/moede.md").as_deref(),
        Some("notes/meeting.md")
    );
    assert_eq!(
        other(&engine, "notes/meeting.md").as_deref(),
        Some("noter/moede.md")
    );
}

#[test]
fn a_hit_names_its_other_edition_and_the_readers_edition_is_the_hit() {
    let dir = TempDir::new().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    copy_lang(&corpus, "da");
    copy_lang(&corpus, "en");
    vidensbase::ingest::sync(&corpus, &index).expect("sync");
    let engine = Engine::open(&index).expect("engine");
    // Both editions hold `LibreOffice` and `Writer`. Asked in Danish, the results list each text
    // once, in Danish, the English edition attached.
    let shown = |q: &str, name: &str| {
        let mut req = SearchRequest::new(q);
        req.limit = 20;
        let results = engine.search(&req).expect("search");
        let hits: Vec<_> = results
            .hits
            .into_iter()
            .filter(|h| h.id.ends_with(&format!("/{name}")))
            .collect();
        hits
    };
    for name in PAIRS {
        let hits = shown("Hvad er LibreOffice Writer?", name);
        assert_eq!(hits.len(), 1, "{name}: {hits:?}");
        assert_eq!(hits[0].lang, "da");
        assert_eq!(hits[0].editions[0].id, format!("en/{name}"));
    }
    // When the query's language cannot be told, neither edition hides the other: each is a hit
    // and names the other.
    let hits = shown("LibreOffice Writer", "indices_toc.html");
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits
        .iter()
        .all(|h| h.editions.len() == 1 && h.editions[0].lang != h.lang));

    // JSON: `editions` with id, lang, title and url; empty for a page alone.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (status, _, body) = runtime.block_on(get_from(
        Engine::open(&index).expect("engine"),
        corpus.clone(),
        "/api/search?q=indholdsfortegnelse&limit=20",
    ));
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let hits = json["hits"].as_array().expect("hits");
    let hit = hits
        .iter()
        .find(|h| h["id"] == "da/indices_toc.html")
        .expect("the Danish page");
    let edition = &hit["editions"][0];
    assert_eq!(edition["id"], "en/indices_toc.html");
    assert_eq!(edition["lang"], "en");
    assert!(!edition["title"].as_str().unwrap_or_default().is_empty());
    assert_eq!(
        edition["url"],
        "/doc/en/indices_toc.html?q=indholdsfortegnelse"
    );
    for hit in hits {
        assert!(hit["editions"].is_array(), "{hit}");
    }

    // The document page says where the other edition is, in its language.
    let (status, _, body) = runtime.block_on(get_from(
        Engine::open(&index).expect("engine"),
        corpus.clone(),
        "/doc/da/indices_toc.html",
    ));
    assert_eq!(status, 200);
    let page = String::from_utf8(body).expect("utf-8");
    assert!(page.contains("Findes også på engelsk: "), "{page}");
    assert!(
        page.contains("<a href=\"/doc/en/indices_toc.html\" hreflang=\"en\" lang=\"en\">"),
        "{page}"
    );
    let (_, _, body) = runtime.block_on(get_from(
        Engine::open(&index).expect("engine"),
        corpus,
        "/doc/en/indices_toc.html?ui=en",
    ));
    let page = String::from_utf8(body).expect("utf-8");
    assert!(page.contains("Also in Danish: "), "{page}");
}

/// The judged relevance set's Danish and English twins are texts on one subject in the two
/// languages, none a translation of the other (`tests/fixtures/relevance/README.md`): nothing
/// may be linked there.
#[test]
fn texts_on_one_subject_that_are_no_translations_stay_apart() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance/docs");
    let index = TempDir::new().expect("tempdir");
    vidensbase::ingest::sync(&corpus, index.path()).expect("sync");
    let links = std::fs::read_to_string(index.path().join("editions.json")).expect("links");
    let links: serde_json::Value = serde_json::from_str(&links).expect("json");
    assert_eq!(links["pairs"], serde_json::json!([]), "{links}");
}

/// While a server watches the index, its watcher links the editions of each change (a few
/// milliseconds), and an `index` run beside it leaves the links to it rather than building a
/// linker of the whole index for the same change.
#[test]
fn an_index_run_beside_a_watching_server_leaves_the_links_to_it() {
    let dir = TempDir::new().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    copy_lang(&corpus, "da");
    assert!(binary(&corpus, &index)
        .arg("index")
        .status()
        .expect("index")
        .success());
    let served = crate::common::Served::start(&corpus, &index, &[]);
    copy_lang(&corpus, "en");
    let run = binary(&corpus, &index)
        .arg("index")
        .output()
        .expect("index");
    assert!(run.status.success());
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(
        log.contains("editions: linked by the process that serves this index"),
        "{log}"
    );
    let linked = crate::common::eventually(std::time::Duration::from_secs(60), || {
        let (status, body) = served.get("/api/search?q=indholdsfortegnelse");
        status == 200 && body.contains("\"editions\":[{\"id\":\"en/indices_toc.html\"")
    });
    assert!(
        linked,
        "the server's watcher linked the new English edition"
    );
}
