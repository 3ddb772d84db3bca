//! The admin page and the search site in a real browser: `tests/browser/admin.mjs` drives
//! headless Chromium (Debian's) with playwright-core and checks accessibility with axe-core,
//! against a real `vidensbase serve` on a free port. Needs `node`, `chromium` and
//! `npm ci` in `tests/browser` (`.ci/run` installs all three); without them the test says
//! SKIPPED, except under CI, where it fails.

use std::path::Path;
use std::process::Command;

use crate::common::*;

const TOKEN: &str = "browser-test-token-0123456789";

/// Why the browser test cannot run here, if it cannot.
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

#[test]
fn the_admin_page_works_in_a_browser_and_passes_axe() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if let Some(why) = missing(&browser_dir) {
        assert!(
            std::env::var_os("CI").is_none(),
            "browser test cannot run under CI: {why}"
        );
        eprintln!("SKIPPED the_admin_page_works_in_a_browser_and_passes_axe: {why}");
        return;
    }
    let fixture = Fixture::new();
    fixture.sync();
    let served = Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/documents/rapport-libreoffice.pdf");
    let output = Command::new("node")
        .current_dir(&browser_dir)
        .arg("admin.mjs")
        .arg(&served.base)
        .arg(TOKEN)
        .arg(&pdf)
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
