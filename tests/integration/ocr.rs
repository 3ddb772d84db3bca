//! Scans read by OCR (Tesseract, Danish and English), on the scans of `tests/fixtures/scans/`
//! (made by its `make.sh` from real documents): a PDF without a text layer, a digital PDF with a
//! scanned page, PNG, JPEG and a two-page TIFF, and hostile ones (an image that claims 30,000 ×
//! 30,000 pixels, an empty file, text named `.png`, a blank scan of 10,000 pages). Through the real binary:
//! `index` commits the text first and then reads the scans, never twice (also not after a
//! rebuild); `serve` reads them in the background; without Tesseract the scans are named once
//! and everything else is indexed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::{binary, eventually, require_tesseract, write_files, Served};

fn scans() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scans")
}

/// A corpus of `names` from the scan fixtures and a text file.
fn corpus_of(names: &[&str]) -> tempfile::TempDir {
    let corpus = tempfile::tempdir().expect("tempdir");
    for name in names {
        std::fs::copy(scans().join(name), corpus.path().join(name)).expect("copy a scan");
    }
    write_files(
        corpus.path(),
        [(
            "notat.txt",
            &b"Et almindeligt notat om foreninger og lokaler."[..],
        )],
    );
    corpus
}

fn run(command: &mut Command) -> (String, String) {
    let out = command.output().expect("vidensbase runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn hits(corpus: &Path, index: &Path, q: &str) -> Vec<serde_json::Value> {
    let (stdout, _) = run(binary(corpus, index).args(["search", "--json", q]));
    let results: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    results["hits"].as_array().cloned().unwrap_or_default()
}

/// The hit of document `id` among `hits`.
fn hit_of<'a>(hits: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    hits.iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("no hit of {id}: {hits:?}"))
}

/// The Danish words (with æ, ø or å) of the original's pages `first..=last`, as pdftotext reads
/// its text layer: what OCR of the scan must keep.
fn danish_words(pdf: &Path, first: u32, last: u32) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let mut words: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().any(|c| "æøåÆØÅ".contains(c)))
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

#[test]
fn index_reads_scans_after_the_text_and_never_twice() {
    require_tesseract();
    let corpus = corpus_of(&[
        "scannet-rapport.pdf",
        "blandet.pdf",
        "libtasn1-side.png",
        "haandbog-side.jpg",
        "to-sider.tiff",
        "kaempe.png",
        "tom.png",
        "ikke-et-billede.png",
        "10000-blanke-sider.pdf",
    ]);
    let index = tempfile::tempdir().expect("tempdir");
    let index_run = || {
        let mut command = binary(corpus.path(), index.path());
        command.arg("index").env("VIDENSBASE_OCR_MAX_PAGES", "4");
        run(&mut command)
    };
    let (stdout, stderr) = index_run();
    // The text (the note, the digital pages of the mixed PDF) is committed before any OCR.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("2 added"), "{stdout}");
    assert!(
        lines[1].starts_with("then the scans read by OCR: 4 added, 1 updated"),
        "{stdout}"
    );
    for (name, why) in [
        (
            "kaempe.png",
            "too large to read by OCR (30000 × 30000 pixels)",
        ),
        ("tom.png", "contains no text"),
        ("ikke-et-billede.png", "not an image of its kind"),
        ("10000-blanke-sider.pdf", "OCR found no text in it"),
    ] {
        assert!(
            stderr.lines().any(|l| l.contains(name) && l.contains(why)),
            "{name}: {why}\n{stderr}"
        );
    }
    // The blank 10,000 pages cost four pages of OCR, and the cache says so.
    let reads: Vec<serde_json::Value> = std::fs::read_dir(index.path().join("ocr"))
        .expect("the OCR cache")
        .flatten()
        .map(|e| serde_json::from_slice(&std::fs::read(e.path()).expect("read")).expect("json"))
        .collect();
    assert_eq!(reads.len(), 7, "one entry per scan read");
    assert!(reads
        .iter()
        .any(|r| r["left_out"] == 9996 && r["pages"].as_array().map(Vec::len) == Some(4)));

    // A Danish scan is found by its words, on its page, marked as read by OCR.
    let found = hits(
        corpus.path(),
        index.path(),
        "åbenhed samarbejde civilsamfundet",
    );
    assert_eq!(found[0]["id"], "scannet-rapport.pdf", "{found:?}");
    assert_eq!(found[0]["page"], 1);
    assert!(
        found[0]["ocr_confidence"].as_u64().is_some_and(|c| c >= 80),
        "{found:?}"
    );
    // The scanned page of the mixed PDF is OCR text; its digital pages are not.
    let scanned = hits(
        corpus.path(),
        index.path(),
        "opret en ny bruger indstillinger",
    );
    let mixed = hit_of(&scanned, "blandet.pdf");
    assert_eq!(
        (&mixed["page"], mixed["ocr_confidence"].is_u64()),
        (&2.into(), true)
    );
    let digital = hits(corpus.path(), index.path(), "adgangskode tolv tegn");
    let mixed = hit_of(&digital, "blandet.pdf");
    assert_eq!(
        (&mixed["page"], &mixed["ocr_confidence"]),
        (&3.into(), &serde_json::Value::Null)
    );
    // English (PNG), Danish at 200 dpi (JPEG), the second page of a TIFF.
    let english = hits(corpus.path(), index.path(), "libtasn1 library");
    assert_eq!(
        (&english[0]["id"], &english[0]["lang"]),
        (&"libtasn1-side.png".into(), &"en".into())
    );
    let jpeg = hits(corpus.path(), index.path(), "systemets administratorer");
    assert!(
        jpeg.iter().any(|h| h["id"] == "haandbog-side.jpg"),
        "{jpeg:?}"
    );
    let tiff = hits(
        corpus.path(),
        index.path(),
        "municipality of odense summary",
    );
    let page = tiff
        .iter()
        .find(|h| h["id"] == "to-sider.tiff")
        .map(|h| h["page"].clone());
    assert_eq!(page, Some(2.into()), "{tiff:?}");

    // æ, ø and å are kept: the Danish words of the original's text layer are in the OCR text.
    let (exported, _) = run(binary(corpus.path(), index.path()).arg("export"));
    let rapport: serde_json::Value = exported
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .find(|d| d["id"] == "scannet-rapport.pdf")
        .expect("the scan is exported with its OCR text");
    let text = rapport["text"].as_str().unwrap_or_default();
    let words = danish_words(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/documents/rapport-libreoffice.pdf"),
        1,
        2,
    );
    let kept = words.iter().filter(|w| text.contains(w.as_str())).count();
    assert!(words.len() >= 20, "{words:?}");
    assert!(
        kept * 100 >= words.len() * 95,
        "{kept} of {} words with æ, ø or å kept: {:?}",
        words.len(),
        words
            .iter()
            .filter(|w| !text.contains(w.as_str()))
            .collect::<Vec<_>>()
    );

    // Nothing is read by OCR twice: not by the next run, not by a rebuild.
    let read_by_ocr = |stderr: &str| {
        stderr
            .lines()
            .any(|l| l.starts_with("reading ") && l.contains(" by OCR ("))
    };
    assert!(read_by_ocr(&stderr), "{stderr}");
    let (stdout, stderr) = index_run();
    assert!(stdout.starts_with("0 added, 0 updated"), "{stdout}");
    assert!(!read_by_ocr(&stderr), "{stderr}");
    let (_, stderr) = run(binary(corpus.path(), index.path()).args(["index", "--rebuild"]));
    assert!(!read_by_ocr(&stderr), "{stderr}");
    let found = hits(
        corpus.path(),
        index.path(),
        "åbenhed samarbejde civilsamfundet",
    );
    assert_eq!(found[0]["id"], "scannet-rapport.pdf");
}

#[test]
fn a_server_reads_scans_in_the_background_and_says_so() {
    require_tesseract();
    let corpus = corpus_of(&["scannet-rapport.pdf"]);
    let index = tempfile::tempdir().expect("tempdir");
    let served = Served::start(corpus.path(), index.path(), &[]);
    let json = |path: &str| -> serde_json::Value {
        let (status, body) = served.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("json")
    };
    let long = Duration::from_secs(120);
    assert!(eventually(long, || json("/api/search?q=notat")["total"] == 1));
    let scan = || json("/api/search?q=%C3%A5benhed+civilsamfundet")["hits"][0].clone();
    assert!(
        eventually(long, || scan()["id"] == "scannet-rapport.pdf"),
        "the scan became searchable: {}",
        scan()
    );
    assert!(scan()["ocr_confidence"].is_u64());
    assert!(eventually(long, || json("/api/status")["ocr"].is_null()));
    let (_, page) = served.get("/search?q=%C3%A5benhed");
    assert!(page.contains("tekst læst fra scanning"), "{page}");
    let (_, page) = served.get("/doc/scannet-rapport.pdf");
    assert!(page.contains("tekst læst fra scanning"), "{page}");
    // An answer quoted from a scan says so too.
    let (_, page) = served.get("/search?q=%C3%A5benhed+civilsamfundet");
    assert!(page.contains("section class=\"answer\""), "{page}");
    assert!(page.contains("Teksten er læst fra en scanning"), "{page}");
}

#[test]
fn without_tesseract_the_scans_are_named_once_and_the_rest_indexed() {
    crate::common::require_pdftotext();
    let corpus = corpus_of(&["scannet-rapport.pdf", "libtasn1-side.png", "blandet.pdf"]);
    let index = tempfile::tempdir().expect("tempdir");
    // A PATH with poppler's programs and none of Tesseract.
    let bin =
        crate::common::path_with_only(&["pdftotext", "pdfinfo", "pdftoppm", "prlimit", "nice"]);
    let (stdout, stderr) = run(binary(corpus.path(), index.path())
        .arg("index")
        .env("PATH", bin.path()));
    assert!(stdout.starts_with("2 added"), "{stdout}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("tesseract")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("skipping 2 scans")
            && warnings[0].contains("tesseract-ocr")
            && warnings[0].contains("libtasn1-side.png"),
        "{stderr}"
    );
}

#[test]
fn a_long_scan_being_read_never_holds_up_new_text() {
    require_tesseract();
    let corpus = corpus_of(&["10000-blanke-sider.pdf"]);
    let index = tempfile::tempdir().expect("tempdir");
    // 40 blank pages: some seconds of OCR on this kind of machine.
    let served = Served::start(
        corpus.path(),
        index.path(),
        &[("VIDENSBASE_OCR_MAX_PAGES", "40")],
    );
    let status = || -> serde_json::Value {
        serde_json::from_str(&served.get("/api/status").1).expect("json")
    };
    let long = Duration::from_secs(120);
    assert!(
        eventually(long, || status()["ocr"]["pages_total"] == 40),
        "OCR of the scan started: {}",
        status()
    );
    write_files(
        corpus.path(),
        [("nyt.txt", &b"Et nyt notat om kajakklubben."[..])],
    );
    let searchable = || {
        let (_, body) = served.get("/api/search?q=kajakklubben");
        serde_json::from_str::<serde_json::Value>(&body).expect("json")["total"] == 1
    };
    assert!(
        eventually(long, searchable),
        "the new text became searchable"
    );
    let ocr = status()["ocr"].clone();
    assert!(
        ocr["pages_done"].as_u64().is_some_and(|done| done < 40),
        "the new text waited for the scan: {ocr}"
    );
}
