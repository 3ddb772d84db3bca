//! Keeping the index current without a command: the corpus watcher, and `vidensbase index` run
//! while another process writes the index.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use vidensbase::search::{Engine, SearchRequest};

use crate::common::{eventually, Fixture};

fn found(engine: &Engine, q: &str) -> Vec<String> {
    let _ = engine.reload();
    engine
        .search(&SearchRequest::new(q))
        .expect("search")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

/// A watcher on the fixture, and the count of its finished syncs.
fn watched(fixture: &Fixture) -> (vidensbase::watch::Watch, Arc<AtomicUsize>) {
    let syncs = Arc::new(AtomicUsize::new(0));
    let counter = syncs.clone();
    let watch = vidensbase::watch::spawn(&fixture.corpus(), &fixture.index(), move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    })
    .expect("watch");
    (watch, syncs)
}

/// Generous: the watcher syncs about a second after a change; a loaded CI machine is slower.
const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn files_written_changed_moved_and_deleted_reach_search_by_themselves() {
    let fixture = Fixture::new();
    fixture.sync();
    let engine = fixture.engine();
    let (_watch, syncs) = watched(&fixture);

    // A new file.
    let file = fixture.corpus().join("kommuner/vandloeb.txt");
    std::fs::write(
        &file,
        "Vandløbsrestaurering i kommunen\n\nKommunen genslynger åen.",
    )
    .expect("write");
    assert!(eventually(LIMIT, || found(&engine, "vandløbsrestaurering")
        == ["kommuner/vandloeb.txt"]));

    // Changed.
    std::fs::write(
        &file,
        "Vandløbsrestaurering\n\nNu også med gydebanker til ørreder.",
    )
    .expect("write");
    assert!(eventually(LIMIT, || !found(&engine, "gydebanker").is_empty()));

    // A new folder with a file, then the folder renamed.
    let folder = fixture.corpus().join("natur");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("eng.txt"), "Engpleje\n\nAfgræsning af engene.").expect("write");
    assert!(eventually(LIMIT, || found(&engine, "afgræsning") == ["natur/eng.txt"]));
    std::fs::rename(&folder, fixture.corpus().join("miljoe")).expect("rename");
    assert!(eventually(LIMIT, || found(&engine, "afgræsning") == ["miljoe/eng.txt"]));
    // The renamed folder is still watched.
    std::fs::write(
        fixture.corpus().join("miljoe/hede.txt"),
        "Hedepleje\n\nLyngen slås.",
    )
    .expect("write");
    assert!(eventually(LIMIT, || found(&engine, "lyngen") == ["miljoe/hede.txt"]));

    // Deleted.
    std::fs::remove_file(&file).expect("rm");
    assert!(eventually(LIMIT, || found(&engine, "vandløbsrestaurering").is_empty()));
    // Each step was its own sync (a search can see a commit a moment before the watcher counts
    // it, and two close events may share one).
    assert!(eventually(LIMIT, || syncs.load(Ordering::SeqCst) >= 5));
}

#[test]
fn a_burst_of_files_becomes_a_few_syncs() {
    let fixture = Fixture::new();
    fixture.sync();
    let engine = fixture.engine();
    let (_watch, syncs) = watched(&fixture);
    // The watcher's first sync (at its start) finds nothing to do.
    assert!(eventually(LIMIT, || syncs.load(Ordering::SeqCst) >= 1));
    let before = syncs.load(Ordering::SeqCst);

    let folder = fixture.corpus().join("referater");
    std::fs::create_dir_all(&folder).expect("mkdir");
    for i in 0..300 {
        std::fs::write(
            folder.join(format!("referat-{i:03}.txt")),
            format!("Referat {i}\n\nMødereferat nummer {i} fra udvalgsmødet om skovrejsning."),
        )
        .expect("write");
    }
    let total = |engine: &Engine| {
        let _ = engine.reload();
        engine
            .search(&SearchRequest::new("skovrejsning"))
            .expect("search")
            .total
    };
    assert!(eventually(LIMIT, || total(&engine) == 300));
    let burst = syncs.load(Ordering::SeqCst) - before;
    assert!(burst <= 10, "300 files took {burst} syncs");
}

#[test]
fn index_run_by_hand_waits_for_another_writer() {
    let fixture = Fixture::new();
    fixture.sync();
    std::fs::write(
        fixture.corpus().join("kommuner/ny.txt"),
        "Ny plan\n\nKlimatilpasning langs kysten.",
    )
    .expect("write");
    // Another process's writer, as a watching server holds it during a sync.
    let (index, _) = vidensbase::schema::open_or_create(&fixture.index()).expect("open");
    let writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");

    let mut child = crate::common::binary(&fixture.corpus(), &fixture.index())
        .arg("index")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn vidensbase index");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut said = String::new();
    while !said.contains("waiting for it") {
        let read = std::io::BufRead::read_line(&mut stderr, &mut said).expect("read stderr");
        assert!(read > 0, "index ended without waiting: {said}");
    }
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "index gave up instead of waiting"
    );
    drop(writer);
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    assert!(stdout.contains("1 added"), "{stdout}");
    assert!(
        stdout.contains("after the other writer finished"),
        "{stdout}"
    );
}

#[test]
fn serve_waits_for_an_index_run_building_the_first_index() {
    use std::io::{BufRead, BufReader};
    let fixture = Fixture::new();
    // An `index` run holds the writer of the index it is creating.
    let (index, _) = vidensbase::schema::open_or_create(&fixture.index()).expect("create");
    let writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
    let mut child = crate::common::binary(&fixture.corpus(), &fixture.index())
        .arg("--addr")
        .arg("127.0.0.1:0")
        .arg("serve")
        .arg("--no-watch")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn vidensbase serve");
    let stderr = child.stderr.take().expect("stderr");
    let (lines, inbox) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut seen = String::new();
    let mut wait_for = |needle: &str| {
        let started = Instant::now();
        while started.elapsed() < LIMIT {
            if seen.contains(needle) {
                return true;
            }
            if let Ok(line) = inbox.recv_timeout(Duration::from_millis(100)) {
                seen.push_str(&line);
                seen.push('\n');
            }
        }
        false
    };
    assert!(wait_for("waiting for it"), "serve did not wait");
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "serve exited"
    );
    drop(writer);
    let served = wait_for("serving on");
    let _ = child.kill();
    let _ = child.wait();
    assert!(served, "serve did not start after the writer finished");
}

/// `vidensbase index --rebuild` beside a running server, and the admin API's rebuild inside
/// it: the server answers throughout and then searches the new index.
#[test]
fn a_server_follows_rebuilds_by_hand_and_by_the_admin_api() {
    let fixture = Fixture::new();
    fixture.sync();
    let token = "rebuild-test-token-0123456789";
    let served = crate::common::Served::start(
        &fixture.corpus(),
        &fixture.index(),
        &[("VIDENSBASE_ADMIN_TOKEN", token)],
    );
    let total = |q: &str| -> u64 {
        let (status, body) = served.get(&format!("/api/search?q={q}"));
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).expect("json")["total"]
            .as_u64()
            .expect("total")
    };
    assert!(total("frivillige") > 0);

    let output = crate::common::binary(&fixture.corpus(), &fixture.index())
        .args(["index", "--rebuild"])
        .output()
        .expect("run index --rebuild");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("rebuilt: 9 added"), "{stdout}");
    assert!(total("frivillige") > 0, "the server answers after the swap");

    // The admin API: 401 without the token, 202 with it, then done.
    let (status, _) = served.request("POST", "/api/reindex", &[]);
    assert_eq!(status, 401);
    let bearer = format!("Bearer {token}");
    let (status, body) = served.request("POST", "/api/reindex", &[("Authorization", &bearer)]);
    assert_eq!(status, 202, "{body}");
    let started = Instant::now();
    loop {
        let (_, body) = served.get("/api/status");
        let status: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert!(total("frivillige") > 0, "answers during the rebuild");
        if status["rebuilding"] == false && status["documents"] == 9 {
            break;
        }
        assert!(started.elapsed() < LIMIT, "rebuild did not finish: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!vidensbase::schema::rebuild_dir(&fixture.index()).exists());
}

/// A sync that fails (here the index folder is briefly not a folder; in the field, no file
/// descriptors left or a full disk) keeps the paths it was to sync and tries again, instead of
/// leaving the change to the five-minute full sync.
#[test]
fn a_failed_sync_keeps_its_changes_and_tries_again() {
    let fixture = Fixture::new();
    fixture.sync();
    let engine = fixture.engine();
    let (watch, syncs) = watched(&fixture);
    assert!(eventually(LIMIT, || syncs.load(Ordering::SeqCst) >= 1));

    let index = fixture.index();
    let aside = index.with_extension("aside");
    std::fs::rename(&index, &aside).expect("move the index aside");
    std::fs::write(&index, "not an index").expect("a file in its place");
    std::fs::write(
        fixture.corpus().join("kommuner/skybrud.txt"),
        "Skybrudsplan\n\nRegnvandsbassiner ved skolen.",
    )
    .expect("write");
    // The watcher tries, and fails: nothing it can write.
    assert!(eventually(LIMIT, || watch.status().failed_syncs() >= 1));
    std::fs::remove_file(&index).expect("rm");
    std::fs::rename(&aside, &index).expect("the index back");
    assert!(eventually(LIMIT, || found(&engine, "regnvandsbassiner")
        == ["kommuner/skybrud.txt"]));
}

/// A panic in the watcher's thread (here in the code told of each sync) does not end the
/// watching: the watcher starts again, and later changes still reach search.
#[test]
fn a_watcher_that_panics_starts_again() {
    let fixture = Fixture::new();
    fixture.sync();
    let engine = fixture.engine();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let watch = vidensbase::watch::spawn(&fixture.corpus(), &fixture.index(), move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the first report is refused");
        }
    })
    .expect("watch");
    assert!(eventually(LIMIT, || watch.status().restarts() == 1));
    std::fs::write(
        fixture.corpus().join("kommuner/genstart.txt"),
        "Genstart\n\nVandværket genstartes efter strømsvigt.",
    )
    .expect("write");
    assert!(eventually(LIMIT, || found(&engine, "strømsvigt")
        == ["kommuner/genstart.txt"]));
    assert_eq!(watch.status().restarts(), 1);
}
