//! The search site and the admin page in a real browser: `tests/browser/site.mjs`,
//! `tests/browser/typing.mjs` (search as you type) and `tests/browser/admin.mjs` drive headless
//! Chromium (Debian's) with playwright-core and check accessibility with axe-core, against a real
//! `vidensbase serve` on a free port. Needs `node`,
//! `chromium`, `pdftotext` and `npm ci` in `tests/browser` (`.ci/run` installs them); without
//! them the tests say SKIPPED, except under CI, where they fail.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use crate::common::*;

const TOKEN: &str = "browser-test-token-0123456789";

/// Why the browser tests cannot run here, if they cannot.
fn missing(browser_dir: &Path) -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "no Chromium at {chromium} (apt-get install chromium)"
        ));
    }
    if Command::new("pdftotext").arg("-v").output().is_err() {
        return Some("no pdftotext (apt-get install poppler-utils)".into());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("no node (apt-get install nodejs)".into());
    }
    if !browser_dir.join("node_modules/playwright-core").exists() {
        return Some("no node_modules (npm ci in tests/browser)".into());
    }
    None
}

/// Runs `tests/browser/SCRIPT BASE_URL ARGS…` against a server of the fixture corpus.
fn run_in_browser(test: &str, script: &str, args: &[&OsStr]) {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if let Some(why) = missing(&browser_dir) {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser test cannot run under CI: {why}"
        );
        eprintln!("SKIPPED {test}: {why}");
        return;
    }
    let fixture = Fixture::new();
    fixture.sync();
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
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
    run_in_browser(
        "the_admin_page_works_in_a_browser_and_passes_axe",
        "admin.mjs",
        &[OsStr::new(TOKEN), pdf.as_os_str()],
    );
}

#[test]
fn the_search_site_works_in_a_browser_and_passes_axe() {
    run_in_browser(
        "the_search_site_works_in_a_browser_and_passes_axe",
        "site.mjs",
        &[OsStr::new("frivillige")],
    );
}

#[test]
fn search_as_you_type_agrees_with_enter_a_reload_and_a_shared_link() {
    // Words whose completions find documents the words as written do not: `civilsamfundet`,
    // `partnerships`.
    run_in_browser(
        "search_as_you_type_agrees_with_enter_a_reload_and_a_shared_link",
        "typing.mjs",
        &[OsStr::new("civilsam"), OsStr::new("partners")],
    );
}
