//! PDF, Word and OpenDocument files end to end, on the real fixtures in
//! `tests/fixtures/documents/` (made by groff, LibreOffice, qpdf and img2pdf; see its README for
//! what each holds): extraction rules, page numbers in results, the original files over HTTP,
//! and bad files skipped by name.
//!
//! PDFs need poppler's `pdftotext`. Where it is missing these tests say so and pass, except under
//! CI (`CI` set), where `.ci/run` installs it and its absence is a failure.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::http::{header, StatusCode};
use vidensbase::search::{Engine, SearchRequest};

use crate::common::{get_from, Fixture};

mod large;
mod sections;

const TWO_COLUMNS: &str = "rapporter/to-spalter.pdf";
const LIBREOFFICE_PDF: &str = "rapporter/rapport-libreoffice.pdf";
const OWNER_LOCKED: &str = "rapporter/ejer-kodeord.pdf";
const RECURSIVE: &str = "rapporter/rekursiv.pdf";
const XMP_ONLY: &str = "rapporter/xmp-metadata.pdf";
const ELEMENTS_DOCX: &str = "rapporter/elementer.docx";
const ELEMENTS_ODT: &str = "rapporter/elementer.odt";
const REPORT_DOCX: &str = "rapporter/rapport.docx";
const REPORT_ODT: &str = "rapporter/rapport.odt";

/// Files copied into the corpus, all but the notes and sources.
const FIXTURES: [&str; 17] = [
    "tegn.pdf",
    "tegn.docx",
    "tegn.odt",
    "xmp-metadata.pdf",
    "to-spalter.pdf",
    "rapport-libreoffice.pdf",
    "ejer-kodeord.pdf",
    "kodeord.pdf",
    "scanning.pdf",
    "afkortet.pdf",
    "rekursiv.pdf",
    "ikke-en-pdf.pdf",
    "elementer.docx",
    "elementer.odt",
    "rapport.docx",
    "rapport.odt",
    "zipbombe.docx",
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents")
}

/// PDF tests need `pdftotext`; without it they fail, naming the package.
fn poppler() -> bool {
    crate::common::require_pdftotext();
    true
}

struct Docs {
    fixture: Fixture,
    engine: Engine,
    report: vidensbase::ingest::Report,
}

/// The document fixtures indexed once, in a category folder, beside one text file.
fn docs() -> &'static Docs {
    static DOCS: OnceLock<Docs> = OnceLock::new();
    DOCS.get_or_init(|| {
        let fixture = Fixture::new();
        let target = fixture.corpus().join("rapporter");
        std::fs::create_dir_all(&target).expect("mkdir");
        for name in FIXTURES {
            std::fs::copy(fixtures_dir().join(name), target.join(name)).expect("copy fixture");
        }
        // A file beside the corpus, and a link to it from inside: not indexed.
        let secret = fixture.dir.path().join("secret.txt");
        std::fs::write(&secret, "Hemmeligt indhold uden for korpus.").expect("write");
        std::os::unix::fs::symlink(&secret, target.join("link.txt")).expect("symlink");
        // An indexed file that becomes such a link after the index run: never served.
        std::fs::write(target.join("bytte.txt"), "Et notat der bliver byttet ud.").expect("write");
        let report = fixture.sync();
        std::fs::remove_file(target.join("bytte.txt")).expect("rm");
        std::os::unix::fs::symlink(&secret, target.join("bytte.txt")).expect("symlink");
        let engine = fixture.engine();
        Docs {
            fixture,
            engine,
            report,
        }
    })
}

fn hits(q: &str) -> Vec<(String, Option<u32>)> {
    docs()
        .engine
        .search(&SearchRequest::new(q))
        .expect("search")
        .hits
        .into_iter()
        .map(|h| (h.id, h.page))
        .collect()
}

/// `id` is among the hits of `q`, its snippet on `page`.
fn assert_found(q: &str, id: &str, page: u32) {
    let found = hits(q);
    assert!(
        found.contains(&(id.to_string(), Some(page))),
        "{q}: {id} on page {page} not in {found:?}"
    );
}

fn body(id: &str) -> String {
    let doc = docs()
        .engine
        .document(id, None, vidensbase::access::Audience::Staff)
        .expect("document");
    doc.body.fragments.iter().map(|f| f.text.as_str()).collect()
}

#[test]
fn office_and_pdf_files_are_indexed_and_bad_ones_skipped_by_name() {
    if !poppler() {
        return;
    }
    let report = &docs().report;
    let warned = |name: &str, reason: &str| {
        report
            .warnings
            .iter()
            .any(|w| w.contains(name) && w.contains(reason))
    };
    assert!(
        warned("kodeord.pdf", "needs a password"),
        "{:?}",
        report.warnings
    );
    // A scan is no failure: it waits for OCR, after the commit (tests/integration/ocr.rs).
    crate::common::require_tesseract();
    assert!(
        report
            .ocr
            .iter()
            .any(|job| job.id.ends_with("/scanning.pdf")),
        "{:?}",
        report.ocr
    );
    assert!(!warned("scanning.pdf", ""), "{:?}", report.warnings);
    assert!(warned("afkortet.pdf", "damaged"), "{:?}", report.warnings);
    assert!(
        warned("ikke-en-pdf.pdf", "damaged"),
        "{:?}",
        report.warnings
    );
    assert!(warned("zipbombe.docx", "zip bomb"), "{:?}", report.warnings);
    assert!(
        warned("link.txt", "leads out of the corpus"),
        "{:?}",
        report.warnings
    );
    let ids: Vec<String> = docs()
        .engine
        .all_documents()
        .expect("docs")
        .into_iter()
        .map(|d| d.id)
        .filter(|id| id.starts_with("rapporter/") && !id.ends_with(".txt"))
        .collect();
    let mut expected = vec![
        ELEMENTS_DOCX,
        ELEMENTS_ODT,
        OWNER_LOCKED,
        LIBREOFFICE_PDF,
        REPORT_DOCX,
        REPORT_ODT,
        RECURSIVE,
        "rapporter/tegn.docx",
        "rapporter/tegn.odt",
        "rapporter/tegn.pdf",
        TWO_COLUMNS,
        XMP_ONLY,
    ];
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn words_are_found_on_their_physical_pages() {
    if !poppler() {
        return;
    }
    for (word, page) in [
        ("sideetordet", 1),
        ("sidetoordet", 2),
        ("sidetreordet", 3),
        ("sidefireordet", 4),
        ("sidefemordet", 5),
    ] {
        let found = hits(word);
        assert!(
            found.contains(&(TWO_COLUMNS.to_string(), Some(page))),
            "{word}: {found:?}"
        );
        // The owner-password copy opens without a password and has the same pages.
        assert!(
            found.contains(&(OWNER_LOCKED.to_string(), Some(page))),
            "{word}: {found:?}"
        );
    }
    assert!(hits("summaryfourword").contains(&(LIBREOFFICE_PDF.to_string(), Some(4))));
    assert_eq!(hits("rekursivord"), [(RECURSIVE.to_string(), Some(1))]);
    // Documents without pages have none.
    assert_eq!(hits("punktalfa").first().map(|h| h.1), Some(None));
}

#[test]
fn line_end_hyphens_follow_danish_rules() {
    if !poppler() {
        return;
    }
    let text = body(TWO_COLUMNS);
    for joined in [
        "civilsamfundsorganisationerne",
        "EU-landene",
        "EU-midler",
        "CO2-udledning",
        "Syd-Afrika",
        "børne- og ungeområdet",
    ] {
        assert!(text.contains(joined), "{joined} missing");
    }
    assert!(
        hits("civilsamfundsorganisationerne").contains(&(TWO_COLUMNS.to_string(), Some(1))),
        "{:?}",
        hits("civilsamfundsorganisationerne")
    );
    assert!(hits("\"EU-landene\"").contains(&(TWO_COLUMNS.to_string(), Some(2))));
}

#[test]
fn ligatures_invisible_characters_and_decomposed_letters_read_as_written() {
    if !poppler() {
        return;
    }
    for id in [
        "rapporter/tegn.pdf",
        "rapporter/tegn.docx",
        "rapporter/tegn.odt",
    ] {
        let text = body(id);
        for word in [
            "officielt",
            "fleksible",
            "civilsamfundsorganisationer",
            "Århus",
            "40 %",
        ] {
            assert!(text.contains(word), "{id}: {word} in {text:?}");
        }
    }
    for q in [
        "officielt",
        "fleksible",
        "civilsamfundsorganisationer",
        "\"i Århus\"",
    ] {
        let found: Vec<String> = hits(q).into_iter().map(|(id, _)| id).collect();
        for id in [
            "rapporter/tegn.pdf",
            "rapporter/tegn.docx",
            "rapporter/tegn.odt",
        ] {
            assert!(found.iter().any(|f| f == id), "{q}: {id} not in {found:?}");
        }
    }
}

#[test]
fn a_phrase_wrapping_inside_a_column_matches() {
    if !poppler() {
        return;
    }
    assert_found("\"frivillige foreninger i lokalsamfundet\"", TWO_COLUMNS, 2);
}

#[test]
fn running_headers_and_footers_are_not_body_text() {
    if !poppler() {
        return;
    }
    for id in [TWO_COLUMNS, LIBREOFFICE_PDF] {
        let text = body(id);
        assert!(!text.contains("Samarbejdsrapport 2024"), "{id}");
        assert!(!text.contains("IRM-statusrapport 2024 – Odense"), "{id}");
        assert!(!text.contains("Side 2"), "{id}");
        assert_eq!(text.matches('\u{c}').count() + 1, page_count(id), "{id}");
    }
    // The headers' words make up no snippet.
    for (q, header) in [
        ("Samarbejdsrapport Aarhus", "Samarbejdsrapport"),
        ("IRM-statusrapport Odense", "statusrapport 2024"),
    ] {
        let results = docs()
            .engine
            .search(&SearchRequest::new(q))
            .expect("search");
        assert!(!results.hits.is_empty(), "{q}");
        for hit in &results.hits {
            assert!(!hit.snippet.to_html().contains(header), "{q}: {hit:?}");
        }
    }
}

fn page_count(id: &str) -> usize {
    docs()
        .engine
        .document(id, None, vidensbase::access::Audience::Staff)
        .expect("document")
        .pages as usize
}

#[test]
fn metadata_from_pdf_and_office_files() {
    if !poppler() {
        return;
    }
    let meta = |id: &str| {
        let d = docs()
            .engine
            .document(id, None, vidensbase::access::Audience::Staff)
            .expect("document");
        (d.title, d.author, d.date.map(|d| d.to_string()), d.lang)
    };
    // PDFDocEncoding strings (groff).
    assert_eq!(
        meta(TWO_COLUMNS),
        (
            "Samarbejde med civilsamfundet — Århus".to_string(),
            Some("Mette Søgaard, Borgmesterens Afdeling".to_string()),
            Some("2024-03-15".to_string()),
            "da".to_string()
        )
    );
    // UTF-16 strings and /Lang (LibreOffice).
    let (title, author, _, lang) = meta(LIBREOFFICE_PDF);
    assert_eq!(
        title,
        "Statusrapport: Åbenhed og samarbejde med civilsamfundet"
    );
    assert_eq!(author.as_deref(), Some("Jens Østergaard"));
    assert_eq!(lang, "da");
    // Only XMP (ExifTool): its title, not the first heading's.
    let (title, author, date, _) = meta(XMP_ONLY);
    assert_eq!(title, "Statusrapport fra XMP: Åbenhed");
    assert_eq!(author.as_deref(), Some("Jens Østergaard"));
    assert_eq!(date.as_deref(), Some("2024-04-08"));
    for id in [ELEMENTS_DOCX, ELEMENTS_ODT] {
        assert_eq!(
            meta(id),
            (
                "Elementer i et dokument".to_string(),
                Some("Birgitte Ærenlund".to_string()),
                Some("2024-05-06".to_string()),
                "da".to_string()
            ),
            "{id}"
        );
    }
}

#[test]
fn a_danish_report_with_an_english_summary_is_found_in_both_languages() {
    if !poppler() {
        return;
    }
    // English inflection on the English page: "completed" → "complete".
    assert_found("commitments completed", LIBREOFFICE_PDF, 4);
    assert_found("borgerbudgetter", LIBREOFFICE_PDF, 3);
}

#[test]
fn word_and_opendocument_structure() {
    if !poppler() {
        return;
    }
    for id in [ELEMENTS_DOCX, ELEMENTS_ODT] {
        let text = body(id);
        assert_eq!(
            text.matches("tekstboksord").count(),
            1,
            "{id}: text box once"
        );
        assert!(!text.contains("slettetord"), "{id}: deleted text");
        assert!(text.contains("indsatord"), "{id}: inserted text");
        assert!(text.contains("feltresultatord"), "{id}: field result");
        assert!(!text.contains("DOCPROPERTY"), "{id}: field code");
        assert!(
            text.contains("fodnoteord") && text.contains("slutnoteord"),
            "{id}"
        );
        assert!(
            !text.contains("Sidehovedtekst") && !text.contains("Sidefodtekst"),
            "{id}"
        );
        for cell in ["cellealfa", "cellebeta", "cellegamma", "celledelta"] {
            let paragraph = text
                .split("\n\n")
                .find(|p| p.contains(cell))
                .unwrap_or_default();
            assert_eq!(paragraph.trim(), cell, "{id}: cells apart");
        }
        for item in [
            "overskriftetord",
            "overskrifttoord",
            "punktalfa",
            "punktgamma",
        ] {
            assert!(text.contains(item), "{id}: {item}");
        }
    }
    let found = hits("tekstboksord");
    assert!(!found.is_empty() && found.iter().all(|(_, page)| page.is_none()));
}

async fn get(uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let d = docs();
    get_from(d.fixture.engine(), d.fixture.corpus(), uri).await
}

#[tokio::test]
async fn json_hits_carry_the_page_and_the_original_file() {
    if !poppler() {
        return;
    }
    let (status, _, body) = get("/api/search?q=sidetreordet").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let hit = json["hits"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["id"] == TWO_COLUMNS))
        .expect("hit");
    assert_eq!(hit["page"], 3);
    assert_eq!(hit["file"], "/files/rapporter/to-spalter.pdf#page=3");
    let (_, _, body) = get("/api/search?q=punktalfa").await;
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert!(json["hits"][0]["page"].is_null(), "{json}");
    assert!(
        json["hits"][0]
            .as_object()
            .is_some_and(|h| h.contains_key("page")),
        "page is present, as null"
    );

    let (_, _, html) = get("/search?q=sidetreordet").await;
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains("side 3"), "{html}");
    assert!(html.contains("/files/rapporter/to-spalter.pdf#page=3"));
    let (_, _, page) = get("/doc/rapporter/to-spalter.pdf?q=sidetreordet").await;
    let page = String::from_utf8_lossy(&page);
    for n in 1..=5 {
        assert!(
            page.contains(&format!("id=\"side-{n}\"")),
            "anchor of page {n}"
        );
    }
}

#[tokio::test]
async fn originals_are_served_byte_for_byte() {
    if !poppler() {
        return;
    }
    for (id, mime) in [
        (TWO_COLUMNS, "application/pdf"),
        (
            ELEMENTS_DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (ELEMENTS_ODT, "application/vnd.oasis.opendocument.text"),
    ] {
        let (status, headers, bytes) = get(&format!("/files/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let name = id.rsplit('/').next().unwrap_or(id);
        assert_eq!(
            bytes,
            std::fs::read(fixtures_dir().join(name)).expect("fixture"),
            "{id}"
        );
        assert_eq!(headers[header::CONTENT_TYPE], mime, "{id}");
        let disposition = headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii");
        assert!(disposition.starts_with("inline"), "{disposition}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{id}");
        // No page policy on a PDF: it would keep the browser's viewer from showing it.
        assert!(
            !headers.contains_key(header::CONTENT_SECURITY_POLICY),
            "{id}"
        );
    }
}

#[tokio::test]
async fn nothing_outside_the_corpus_is_served() {
    if !poppler() {
        return;
    }
    assert!(
        !hits("hemmeligt")
            .iter()
            .any(|(id, _)| id == "rapporter/link.txt"),
        "a link out of the corpus is not indexed"
    );
    assert!(
        hits("byttet").iter().any(|(id, _)| id == "rapporter/bytte.txt"),
        "indexed before it became a link, so only the path check keeps the secret from being served"
    );
    for uri in [
        "/files/../secret.txt",
        "/files/rapporter/../../secret.txt",
        "/files/rapporter%2F..%2F..%2Fsecret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/rapporter/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/files//etc/passwd",
        "/files/rapporter/link.txt",
        "/files/rapporter/bytte.txt",
        "/files/rapporter/kodeord.pdf",
        "/files/rapporter/ukendt.pdf",
    ] {
        let (status, _, body) = get(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            !String::from_utf8_lossy(&body).contains("Hemmeligt"),
            "{uri}"
        );
    }
}

#[test]
fn a_changed_or_deleted_pdf_takes_its_pages_along() {
    if !poppler() {
        return;
    }
    let fixture = Fixture::new();
    let pdf = fixture.corpus().join("rapporter/rapport.pdf");
    std::fs::create_dir_all(pdf.parent().expect("folder")).expect("mkdir");
    std::fs::copy(fixtures_dir().join("to-spalter.pdf"), &pdf).expect("copy");
    fixture.sync();
    let engine = fixture.engine();
    let found = |engine: &Engine, q: &str| -> Vec<(String, Option<u32>)> {
        engine
            .search(&SearchRequest::new(q))
            .expect("search")
            .hits
            .into_iter()
            .map(|h| (h.id, h.page))
            .collect()
    };
    let id = "rapporter/rapport.pdf".to_string();
    assert_eq!(found(&engine, "sidetreordet"), [(id.clone(), Some(3))]);

    // Same name, other content: the old pages are gone, the new ones found.
    std::fs::copy(fixtures_dir().join("rapport-libreoffice.pdf"), &pdf).expect("copy");
    let report = fixture.sync();
    assert_eq!(report.updated, 1, "{report}");
    engine.reload().expect("reload");
    assert!(found(&engine, "sidetreordet").is_empty());
    assert_eq!(found(&engine, "rapporttreordet"), [(id.clone(), Some(3))]);

    std::fs::remove_file(&pdf).expect("rm");
    let report = fixture.sync();
    assert_eq!(report.deleted, 1, "{report}");
    engine.reload().expect("reload");
    assert!(found(&engine, "rapporttreordet").is_empty());
    let pages = vidensbase::search::Engine::open(&fixture.index().join("pages"))
        .expect("page index")
        .num_docs();
    assert_eq!(pages, 0, "no page outlives its document");
}

#[test]
fn without_pdftotext_pdfs_are_named_once_and_the_rest_indexed() {
    let fixture = Fixture::new();
    let folder = fixture.corpus().join("rapporter");
    std::fs::create_dir_all(&folder).expect("mkdir");
    for name in ["to-spalter.pdf", "rapport-libreoffice.pdf", "elementer.odt"] {
        std::fs::copy(fixtures_dir().join(name), folder.join(name)).expect("copy");
    }
    // A PATH without poppler (or anything else).
    let out = crate::common::binary(&fixture.corpus(), &fixture.index())
        .env("PATH", fixture.dir.path())
        .arg("index")
        .output()
        .expect("run vidensbase");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("poppler-utils").count(), 1, "{stderr}");
    // The two fixtures and the common corpus's broken one.
    assert!(stderr.contains("skipping 3 PDF files"), "{stderr}");
    // The fixture's text files, broken ones skipped, and the ODT: everything but the PDFs.
    assert!(stdout.contains("10 added"), "{stdout}");
}

#[test]
fn a_running_engine_uses_a_page_index_created_after_it_opened() {
    if !poppler() {
        return;
    }
    let long = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance/long/docs");
    let fixture = Fixture::new();
    let folder = fixture.corpus().join("rapporter");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::copy(
        long.join("snerydning-cykelstier.txt"),
        folder.join("snerydning.txt"),
    )
    .expect("copy");
    fixture.sync();
    let engine = fixture.engine();
    assert!(
        !fixture.index().join("pages").exists(),
        "no PDF, no page index"
    );

    std::fs::copy(
        long.join("aarsrapport-2024.pdf"),
        folder.join("aarsrapport.pdf"),
    )
    .expect("copy");
    fixture.sync();
    engine.reload().expect("reload");
    let results = engine
        .search(&SearchRequest::new("snerydning"))
        .expect("search");
    let report = results
        .hits
        .iter()
        .find(|h| h.id == "rapporter/aarsrapport.pdf")
        .expect("the report is found");
    // The chapter on snow clearing (pages 5-7), not the contents page that names it.
    assert!(
        report.page.is_some_and(|p| (5..=7).contains(&p)),
        "{:?}",
        report.page
    );
}
