//! The search site and the admin page in a real browser: `tests/browser/site.mjs`,
//! `tests/browser/typing.mjs` (search as you type) and `tests/browser/admin.mjs` drive headless
//! Chromium (Debian's) with playwright-core and check accessibility with axe-core, against a real
//! `vidensbase serve` on a free port. Needs `node`, `chromium` and `pdftotext` (`.ci/run`
//! installs them; without them the tests fail, naming the package), and the pinned npm
//! packages, which the test installs itself (`npm ci`) when missing.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use crate::common::*;

const TOKEN: &str = "browser-test-token-0123456789";

/// Makes sure the browser tests can run: Chromium, `pdftotext` and `node` must be installed (the
/// test fails naming the package otherwise); the pinned npm packages are installed here when
/// missing (`npm ci`, from the registry).
fn prepare(browser_dir: &Path) {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "the browser tests need Chromium at {chromium}: apt-get install chromium (.ci/run installs it)"
    );
    require_pdftotext();
    require("node", "--version", "nodejs");
    if browser_dir.join("node_modules/playwright-core").exists()
        && browser_dir.join("node_modules/axe-core").exists()
    {
        return;
    }
    // Two browser tests may start at once: one installs, the other waits for it.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if browser_dir.join("node_modules/axe-core").exists() {
        return;
    }
    require("npm", "--version", "npm");
    let status = Command::new("npm")
        .current_dir(browser_dir)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .status()
        .expect("run npm ci");
    assert!(
        status.success(),
        "npm ci in tests/browser failed; run it by hand to see why"
    );
}

/// A Danish note and its English edition (`site.mjs` looks for them).
const EDITIONS: [(&str, &[u8]); 2] = [
    (
        "noter/kanoklub.md",
        "---\ntranslation: notes/canoe-club.md\n---\n# Kanoklubbens frivillige\n\nKanoklubben søger frivillige til sommerens ture på åen.\n".as_bytes(),
    ),
    (
        "notes/canoe-club.md",
        "# The canoe club's volunteers\n\nThe canoe club seeks volunteers for the summer trips on the river.\n".as_bytes(),
    ),
];

/// Runs `tests/browser/SCRIPT BASE_URL ARGS…` against a server of the fixture corpus.
fn run_in_browser(script: &str, args: &[&OsStr]) {
    let fixture = Fixture::new();
    run_with(&fixture, script, args, |command| command);
}

/// Runs `tests/browser/SCRIPT BASE_URL ARGS…` against `serve` of `fixture` (its command
/// changed by `configure`).
fn run_with(
    fixture: &Fixture,
    script: &str,
    args: &[&OsStr],
    configure: impl FnOnce(&mut Command) -> &mut Command,
) {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    prepare(&browser_dir);
    // Two editions of one text, linked by hand, for the pages that name the other edition.
    crate::common::write_files(&fixture.corpus(), EDITIONS);
    fixture.sync();
    let mut command = crate::common::binary(&fixture.corpus(), &fixture.index());
    configure(&mut command);
    let served = Served::spawn(command, &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)]);
    let output = Command::new("node")
        .current_dir(&browser_dir)
        .arg(script)
        .arg(&served.base)
        .args(args)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "browser checks failed:\n{stdout}\n{stderr}"
    );
    // The checks ran to the end (a script that stopped early cannot pass).
    assert!(stdout.contains("all browser checks passed"), "{stdout}");
}

#[test]
fn the_admin_page_works_in_a_browser_and_passes_axe() {
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents/rapport-libreoffice.pdf");
    // With an accounts file, so the administrator's accounts section is on the page too.
    let fixture = Fixture::new();
    let users = fixture.dir.path().join("brugere.json");
    let role = vidensbase::access::Role::Reader;
    vidensbase::accounts::add(&users, "laila", role, "korrekt hest batteri").expect("account");
    let args = [OsStr::new(TOKEN), pdf.as_os_str()];
    run_with(&fixture, "admin.mjs", &args, |command| {
        command.arg("--users").arg(&users)
    });
}

#[test]
fn the_search_site_works_in_a_browser_and_passes_axe() {
    // A real PDF (LibreOffice's, `tests/fixtures/documents/make.sh`): hits on its pages carry
    // "Kopiér link".
    crate::common::require_pdftotext();
    let fixture = Fixture::new();
    let pdf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/documents/afsnit-sider.pdf");
    let bytes = std::fs::read(pdf).expect("the PDF fixture");
    crate::common::write_files(
        &fixture.corpus(),
        [("manualer/afsnit-sider.pdf", &bytes[..])],
    );
    // A scan (tests/fixtures/scans/make.sh), which the server reads by OCR in the background.
    crate::common::require_tesseract();
    let scan = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scans/libtasn1-side.png");
    let bytes = std::fs::read(scan).expect("the scan fixture");
    crate::common::write_files(
        &fixture.corpus(),
        [("scanninger/libtasn1-side.png", &bytes[..])],
    );
    run_with(&fixture, "site.mjs", &[OsStr::new("frivillige")], |c| c);
}

#[test]
fn search_as_you_type_agrees_with_enter_a_reload_and_a_shared_link() {
    // Words whose completions find documents the words as written do not: `civilsamfundet`,
    // `partnerships`.
    run_in_browser(
        "typing.mjs",
        &[OsStr::new("civilsam"), OsStr::new("partners")],
    );
}

#[test]
fn staff_sign_in_works_in_a_browser_and_passes_axe() {
    use std::io::Write;
    let fixture = Fixture::new();
    let internal = "skovsneglehus";
    crate::common::write_files(
        &fixture.corpus(),
        [
            ("synlighed.tsv", &b"intern/\tintern\n"[..]),
            (
                "intern/notat.md",
                &b"# Internt notat\n\nSkovsneglehus er projektets navn."[..],
            ),
        ],
    );
    // The account is made the README's way: `vidensbase user add`, the password on stdin.
    let users = fixture.dir.path().join("brugere.json");
    let password = "korrekt hest batteri";
    let mut add = crate::common::binary(&fixture.corpus(), &fixture.index())
        .args(["--users"])
        .arg(&users)
        .args(["user", "add", "laila", "--role", "reader"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("vidensbase user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    assert!(add.wait().expect("user add").success());
    let args = [
        OsStr::new("laila"),
        OsStr::new(password),
        OsStr::new(internal),
    ];
    run_with(&fixture, "staff.mjs", &args, |command| {
        command.arg("--users").arg(&users)
    });
}
