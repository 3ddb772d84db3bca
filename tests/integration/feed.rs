//! The Atom feed of a search, validated by xmllint (`libxml2-utils`) against a RELAX NG grammar
//! of RFC 4287 (`tests/fixtures/atom/atom.rng`): ordinary searches, filters, hostile and empty
//! ones; and a broken feed must fail it (so the check can fail).

use std::path::Path;
use std::process::Command;

use axum::http::{header, StatusCode};

use crate::common::{get_from, require, shared};

fn validate(feed: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, feed).expect("write");
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/atom/atom.rng");
    let out = Command::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(schema)
        .arg(&path)
        .output()
        .expect("xmllint runs");
    match out.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
    }
}

#[tokio::test]
async fn search_feeds_are_valid_atom() {
    require("xmllint", "--version", "libxml2-utils");
    let (fixture, _) = shared();
    let mut first = String::new();
    for uri in [
        "/search.atom?q=frivillige",
        "/search.atom?q=frivillige&lang=da",
        "/search.atom?q=ensomhed&category=kommuner",
        "/search.atom?q=%3Cscript%3E%26%22%00%0C",
        "/search.atom?q=zzyxqintet",
        "/search.atom?q=&lang=en",
    ] {
        let (status, headers, body) = get_from(fixture.engine(), fixture.corpus(), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "application/atom+xml; charset=utf-8"
        );
        let feed = String::from_utf8(body).expect("utf-8");
        if let Err(why) = validate(&feed) {
            panic!("{uri}: not valid Atom: {why}\n{feed}");
        }
        // Entries carry no author of their own, so the feed must (RFC 4287, 4.1.1).
        assert!(feed.contains("<author><name>"), "{feed}");
        if first.is_empty() {
            first = feed;
        }
    }
    assert!(first.matches("<entry>").count() >= 2, "{first}");
    assert!(first.contains("<link rel=\"self\""), "{first}");
    // The grammar bites: an entry without `updated` is no Atom.
    let start = first.find("<entry>").expect("entry");
    let updated = start + first[start..].find("<updated>").expect("updated");
    let end = updated + first[updated..].find("</updated>").expect("end") + "</updated>".len();
    let broken = format!("{}{}", &first[..updated], &first[end..]);
    assert!(validate(&broken).is_err(), "{broken}");
}
