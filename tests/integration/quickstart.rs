//! The README's quick start, followed literally: `vidensbase serve` run inside a folder with the
//! default `corpus` and `index` (relative paths), and a corpus reached through a symbolic link
//! and a path with `./` and `..`. Files dropped in, changed, renamed, deleted and uploaded must
//! each reach search by themselves, the way they do for an absolute `--corpus`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{eventually, Served};

const TOKEN: &str = "quick-start-token-0123456789";

/// Far above the watcher's second, far below the five-minute full sync that used to be the only
/// thing to notice a change under a relative corpus path.
const LIMIT: Duration = Duration::from_secs(20);

/// The ids `/api/search` finds for `q`.
fn found(served: &Served, q: &str) -> Vec<String> {
    let (status, body) = served.get(&format!("/api/search?q={q}"));
    assert_eq!(status, 200, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).expect("json");
    value["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect()
}

/// Waits until `q` finds exactly `ids`; prints how long it took.
fn until_found(served: &Served, step: &str, q: &str, ids: &[&str]) {
    let started = Instant::now();
    let reached = eventually(LIMIT, || found(served, q) == ids);
    println!("{step}: {:.2} s", started.elapsed().as_secs_f64());
    assert!(
        reached,
        "{step}: `{q}` finds {:?}, not {ids:?}",
        found(served, q)
    );
}

fn upload(served: &Served, category: &str, name: &str, text: &str) {
    let boundary = "quick-start-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n{category}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    let bearer = format!("Bearer {TOKEN}");
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let (status, answer) = served.send(
        "POST",
        "/api/documents",
        &[("Authorization", &bearer), ("Content-Type", &content_type)],
        body.as_bytes(),
    );
    assert_eq!(status, 201, "{answer}");
}

/// Every kind of change, each waited for through the server's search.
fn every_change_reaches_search(served: &Served, corpus: &Path) {
    until_found(served, "first index", "havnebad", &["natur/havn.txt"]);

    let news = corpus.join("nyheder");
    std::fs::create_dir_all(&news).expect("mkdir");
    std::fs::write(news.join("a.txt"), "Kajakpolo\n\nKajakpolo i havnen.").expect("write");
    until_found(
        served,
        "added in a new folder",
        "kajakpolo",
        &["nyheder/a.txt"],
    );

    std::fs::write(
        news.join("a.txt"),
        "Vinterbadning\n\nVinterbadning i havnen.",
    )
    .expect("write");
    until_found(served, "changed", "vinterbadning", &["nyheder/a.txt"]);
    until_found(served, "changed (old text gone)", "kajakpolo", &[]);

    std::fs::rename(news.join("a.txt"), corpus.join("natur/b.txt")).expect("rename");
    until_found(served, "renamed", "vinterbadning", &["natur/b.txt"]);

    std::fs::remove_file(corpus.join("natur/b.txt")).expect("rm");
    until_found(served, "deleted", "vinterbadning", &[]);
    let (status, _) = served.get("/doc/natur/b.txt");
    assert_eq!(status, 404, "a deleted document's page is gone");

    upload(
        served,
        "nyheder",
        "sejlads.txt",
        "Sejlads\n\nKapsejlads på fjorden.",
    );
    until_found(served, "uploaded", "kapsejlads", &["nyheder/sejlads.txt"]);
}

fn folder_with_corpus() -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("tempdir");
    let natur = folder.path().join("corpus/natur");
    std::fs::create_dir_all(&natur).expect("mkdir");
    std::fs::write(natur.join("havn.txt"), "Havnebad\n\nHavnebad for alle.").expect("write");
    folder
}

#[test]
fn serve_with_the_default_folders_notices_every_change() {
    let folder = folder_with_corpus();
    let served = Served::in_folder(folder.path(), &[], &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)]);
    every_change_reaches_search(&served, &folder.path().join("corpus"));
}

#[test]
fn a_corpus_through_a_link_and_dotted_paths_is_watched_alike() {
    let folder = folder_with_corpus();
    std::os::unix::fs::symlink("corpus", folder.path().join("documents")).expect("symlink");
    std::fs::create_dir_all(folder.path().join("data")).expect("mkdir");
    let served = Served::in_folder(
        folder.path(),
        &["--corpus", "./documents", "--index", "data/../data/./index"],
        &[("VIDENSBASE_ADMIN_TOKEN", TOKEN)],
    );
    every_change_reaches_search(&served, &folder.path().join("documents"));
}

#[test]
fn index_with_relative_paths_syncs_just_those_files() {
    let folder = folder_with_corpus();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vidensbase"))
            .current_dir(folder.path())
            .args(args)
            .output()
            .expect("run vidensbase");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(&["index"]);
    let natur = folder.path().join("corpus/natur");
    std::fs::write(natur.join("ny.txt"), "Sankthans\n\nBål på stranden.").expect("write");
    std::fs::remove_file(natur.join("havn.txt")).expect("rm");
    let report = run(&[
        "index",
        "./corpus/natur/ny.txt",
        "corpus/../corpus/natur/havn.txt",
    ]);
    assert!(report.contains("1 added"), "{report}");
    assert!(report.contains("1 deleted"), "{report}");
}
