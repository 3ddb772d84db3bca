//! Large files through the real `vidensbase index`, its peak memory measured by GNU time
//! (`/usr/bin/time`, Debian package `time`): a binary of a gigabyte is refused from its first
//! bytes, and a PDF of 24,001 pages, built at test time from the fixtures with qpdf (Debian
//! package `qpdf`), is indexed with every page while memory stays far below what poppler writes
//! for it. Where a program is missing they fail, naming the package (`.ci/run` installs them).

use std::path::Path;
use std::process::Command;

use vidensbase::search::{Engine, SearchRequest};

use super::fixtures_dir;
use crate::common::write_files;

const GNU_TIME: &str = "/usr/bin/time";

/// What `vidensbase index` over `corpus` into `index` printed (stdout, stderr), and the most
/// memory it held at once, in MB: the resident set of the indexer or of its largest child.
fn index_measured(corpus: &Path, index: &Path) -> (String, String, u64) {
    let peak = tempfile::NamedTempFile::new().expect("temp file");
    let bin = crate::common::path_with_only(&["pdftotext", "pdfinfo", "prlimit"]);
    let out = Command::new(GNU_TIME)
        .args(["-f", "%M", "-o"])
        .arg(peak.path())
        .arg(env!("CARGO_BIN_EXE_vidensbase"))
        .arg("--corpus")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .arg("index")
        .env("NO_COLOR", "1")
        // What is measured is the reading of text: without Tesseract the report's 12,000
        // scanned pages wait for it, unread (OCR is bounded in tests/integration/ocr.rs).
        .env("PATH", bin.path())
        .output()
        .expect("run vidensbase index under GNU time");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let report = std::fs::read_to_string(peak.path()).expect("GNU time's report");
    let kb: u64 = report
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {report:?}"));
    (stdout, stderr, kb >> 10)
}

#[test]
fn a_binary_of_a_gigabyte_is_refused_from_its_first_bytes() {
    crate::common::require(GNU_TIME, "--version", "time");
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    write_files(
        &corpus,
        [
            (
                "noter/foreninger.txt",
                "Kommunens frivillige foreninger mødes i idrætshallen.".as_bytes(),
            ),
            (
                "noter/plan.md",
                "# Plan for ældreområdet\n\nBesøgsvenner til ensomme ældre.".as_bytes(),
            ),
        ],
    );
    // 1 GB of NULs, sparse: nothing on disk, all of it in memory if read whole.
    let binary = corpus.join("noter/stor.txt");
    std::fs::File::create(&binary)
        .expect("create")
        .set_len(1 << 30)
        .expect("sparse file");

    let (stdout, stderr, peak_mb) = index_measured(&corpus, &index);
    assert!(
        stderr.contains("noter/stor.txt: looks like a binary file"),
        "{stderr}"
    );
    let skipped = vidensbase::ingest::skipped_files(&index);
    assert!(
        skipped
            .iter()
            .any(|(id, why)| id == "noter/stor.txt"
                && why.kind == vidensbase::ingest::SkipKind::Binary),
        "{skipped:?}"
    );
    assert!(
        stdout.contains("2 added") && stdout.contains("1 skipped"),
        "{stdout}"
    );
    let engine = Engine::open(&index).expect("engine");
    for (q, id) in [
        ("idrætshallen", "noter/foreninger.txt"),
        ("besøgsvenner", "noter/plan.md"),
    ] {
        let results = engine.search(&SearchRequest::new(q)).expect("search");
        assert_eq!(crate::common::ids(&results), [id], "{q}");
    }
    // Read whole, the binary alone took more than 1,024 MB.
    eprintln!("indexing beside a binary of 1 GB: {peak_mb} MB at the most");
    assert!(peak_mb < 256, "{peak_mb} MB at the most");
}

/// 24,001 pages with the fixtures' metadata: page 3 of the LibreOffice report (a running header
/// and footer) and the page of the scan (no text), 12,000 times over, then `tegn.pdf`'s page,
/// whose word `tegnprøveord` is nowhere else.
fn long_report(out: &Path, work: &Path) {
    let report = fixtures_dir().join("rapport-libreoffice.pdf");
    let scan = fixtures_dir().join("scanning.pdf");
    let block = work.join("blok.pdf");
    let qpdf = |args: Vec<&std::ffi::OsStr>| {
        let status = Command::new("qpdf").args(args).status().expect("qpdf");
        assert!(status.success(), "qpdf: {status}");
    };
    let mut args = vec!["--empty".as_ref(), "--pages".as_ref()];
    for _ in 0..6 {
        for (file, page) in [(&report, "3"), (&scan, "1")] {
            args.extend([file.as_os_str(), page.as_ref()]);
        }
    }
    args.extend(["--".as_ref(), block.as_os_str()]);
    qpdf(args);
    // The report itself first: qpdf keeps its document information and catalog.
    let mut args = vec![report.as_os_str(), "--pages".as_ref()];
    args.extend(std::iter::repeat_n(block.as_os_str(), 2000));
    let last = fixtures_dir().join("tegn.pdf");
    args.extend([last.as_os_str(), "--".as_ref(), out.as_os_str()]);
    qpdf(args);
}

#[test]
fn a_report_of_24001_pages_is_indexed_page_by_page_in_bounded_memory() {
    crate::common::require_pdftotext();
    crate::common::require(GNU_TIME, "--version", "time");
    crate::common::require("qpdf", "--version", "qpdf");
    let dir = tempfile::tempdir().expect("tempdir");
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    let id = "rapporter/aarsberetning.pdf";
    std::fs::create_dir_all(corpus.join("rapporter")).expect("mkdir");
    long_report(&corpus.join(id), dir.path());
    // poppler's layout of it is 142 MB: the indexer held all of it at once, and its words
    // (273 MB at the most).
    let (stdout, stderr, peak_mb) = index_measured(&corpus, &index);
    assert!(stdout.contains("1 added"), "{stdout}\n{stderr}");
    assert!(!stderr.contains("skipping"), "{stderr}");

    let engine = Engine::open(&index).expect("engine");
    let doc = engine
        .document(id, None, vidensbase::access::Audience::Staff)
        .expect("the report is indexed");
    assert_eq!(doc.pages, 24_001);
    assert_eq!(
        doc.title,
        "Statusrapport: Åbenhed og samarbejde med civilsamfundet"
    );
    assert_eq!(doc.author.as_deref(), Some("Jens Østergaard"));
    assert_eq!(doc.lang, "da");
    // The running header and footer of 12,000 pages are left out; the body text is there.
    let body: String = doc.body.fragments.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(body.matches("Borgerbudgetter").count(), 12_000);
    assert!(!body.contains("IRM-statusrapport"));
    assert!(!body.contains("Side 3 af 4"));
    // The last page's word, on the last page.
    let results = engine
        .search(&SearchRequest::new("tegnprøveord"))
        .expect("search");
    let hit = results.hits.first().expect("the last page's word is found");
    assert_eq!((hit.id.as_str(), hit.page), (id, Some(24_001)));
    eprintln!("indexing the report of 24,001 pages: {peak_mb} MB at the most");
    assert!(peak_mb < 200, "{peak_mb} MB at the most");
}
