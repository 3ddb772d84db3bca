//! Extraction, language tags and incremental re-indexing, end to end through the indexer.

use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn indexes_readable_files_and_skips_broken_ones_by_name() {
    let fixture = Fixture::new();
    let report = fixture.sync();
    assert_eq!(report.added, 9, "{report}");
    assert_eq!(report.skipped, 3, "{report}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("broken.txt") && w.contains("binary")),
        "{:?}",
        report.warnings
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("empty.txt") && w.contains("no text")),
        "{:?}",
        report.warnings
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("broken.pdf")),
        "{:?}",
        report.warnings
    );
    assert_eq!(report.total, 9);
}

/// The stored document `id` of the shared fixture.
fn stored(id: &str) -> vidensbase::listing::StoredDoc {
    let (_, engine) = shared();
    let docs = engine.all_documents().expect("docs");
    docs.into_iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the index"))
}

#[test]
fn every_document_gets_the_right_language_and_category() {
    for id in [DA_VOLUNTEERS, DA_LATIN1, DA_ASCII, DA_HELP_HTML] {
        assert_eq!(stored(id).lang, "da", "{id}");
    }
    // The guide has Danish navigation words, but it is English.
    for id in [EN_LONELINESS, EN_IRM, EN_GUIDE_HTML, EN_MARKUP] {
        assert_eq!(stored(id).lang, "en", "{id}");
    }
    assert_eq!(stored(DA_VOLUNTEERS).category, "kommuner");
    assert_eq!(stored(EN_IRM).category, "irm");
}

#[test]
fn titles_come_from_front_matter_html_markdown_or_first_title_line() {
    assert_eq!(
        stored(EN_IRM).title,
        "Civil Society National Strategy (DK0058)"
    );
    assert_eq!(stored(EN_LONELINESS).title, "Loneliness among older people");
    assert_eq!(
        stored(EN_GUIDE_HTML).title,
        "Cooperation handbook for authorities"
    );
    assert_eq!(stored(DA_LATIN1).title, "Ældre borgere i Århus");
    // HTML keeps visible main text only: no script, style, nav or footer.
    let body = stored(EN_GUIDE_HTML).body;
    assert!(
        !body.contains("window.evil") && !body.contains("color: red"),
        "{body}"
    );
    assert!(
        !body.contains("Forside") && !body.contains("Kontakt"),
        "{body}"
    );
    assert!(
        body.contains("<script>alert(\"guide\")</script> stays text"),
        "{body}"
    );
}

#[test]
fn latin1_text_is_decoded_and_searchable() {
    let (_, engine) = shared();
    let r = search(engine, "København");
    assert_eq!(ids(&r)[0], DA_LATIN1);
    assert!(r.hits[0]
        .snippet
        .to_html()
        .contains("<mark>København</mark>"));
}

#[test]
fn danish_and_ascii_spellings_find_each_other_exact_first() {
    let (_, engine) = shared();
    // With Danish letters: the exact spelling first, the ASCII spelling after it.
    let r = search(engine, "København");
    assert_eq!(ids(&r), [DA_LATIN1, DA_ASCII]);
    assert!(
        r.hits[1]
            .snippet
            .to_html()
            .contains("<mark>Kobenhavn</mark>"),
        "{}",
        r.hits[1].snippet.to_html()
    );
    // Without them: the same two, the other way round.
    let r = search(engine, "Kobenhavn");
    assert_eq!(ids(&r), [DA_ASCII, DA_LATIN1]);
    let r = search(engine, "ældre");
    assert!(ids(&r).contains(&DA_ASCII), "{:?}", ids(&r));
}

#[test]
fn incremental_sync_adds_changes_deletes_and_leaves_the_rest() {
    let fixture = Fixture::new();
    fixture.sync();
    let corpus = fixture.corpus();

    // Nothing changed: nothing is re-processed.
    let r = fixture.sync();
    assert_eq!(
        (r.added, r.updated, r.deleted, r.unchanged),
        (0, 0, 0, 9),
        "{r}"
    );

    // Add one file.
    std::fs::write(
        corpus.join("kommuner/ny.txt"),
        "Nyt dokument om vandforsyning\n\nKommunen sikrer rent drikkevand.",
    )
    .expect("write");
    let r = fixture.sync();
    assert_eq!(
        (r.added, r.updated, r.deleted, r.unchanged),
        (1, 0, 0, 9),
        "{r}"
    );
    let engine = fixture.engine();
    assert_eq!(top(&engine, "drikkevand"), "kommuner/ny.txt");

    // Change it.
    std::fs::write(
        corpus.join("kommuner/ny.txt"),
        "Nyt dokument om affald\n\nKommunen sorterer affald i ti fraktioner.",
    )
    .expect("write");
    let r = fixture.sync();
    assert_eq!((r.added, r.updated, r.deleted), (0, 1, 0), "{r}");
    engine.reload().expect("reload");
    assert!(search(&engine, "drikkevand").hits.is_empty());
    assert_eq!(top(&engine, "affald"), "kommuner/ny.txt");

    // Rewrite a file with the same content: the hash says unchanged.
    let same = std::fs::read(corpus.join(EN_IRM)).expect("read");
    std::fs::write(corpus.join(EN_IRM), same).expect("write");
    // A new modification time, whatever the clock's granularity: the stamp changed, the hash not.
    std::fs::File::options()
        .write(true)
        .open(corpus.join(EN_IRM))
        .and_then(|f| f.set_modified(std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1)))
        .expect("set mtime");
    let r = fixture.sync();
    assert_eq!(
        (r.added, r.updated, r.deleted, r.unchanged),
        (0, 0, 0, 10),
        "{r}"
    );

    // Delete it.
    std::fs::remove_file(corpus.join("kommuner/ny.txt")).expect("rm");
    let r = fixture.sync();
    assert_eq!(
        (r.added, r.updated, r.deleted, r.total),
        (0, 0, 1, 9),
        "{r}"
    );
    engine.reload().expect("reload");
    assert!(search(&engine, "affald").hits.is_empty());
}

#[test]
fn a_file_that_becomes_binary_is_removed() {
    let fixture = Fixture::new();
    fixture.sync();
    std::fs::write(fixture.corpus().join(EN_MARKUP), b"\0\0\0\x01binary now").expect("write");
    let r = fixture.sync();
    assert_eq!((r.deleted, r.skipped, r.total), (1, 4, 8), "{r}");
}

#[test]
fn an_open_engine_picks_up_a_new_commit_by_itself() {
    let fixture = Fixture::new();
    fixture.sync();
    let engine = fixture.engine();
    assert!(search(&engine, "vindmøller").hits.is_empty());
    std::fs::write(
        fixture.corpus().join("kommuner/vind.txt"),
        "Vindmøller i kommunen\n\nKommunen planlægger vindmøller.",
    )
    .expect("write");
    fixture.sync();
    // No explicit reload: the reader watches the index and reloads on commit.
    let deadline = Instant::now() + Duration::from_secs(30);
    while search(&engine, "vindmøller").hits.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the engine never saw the new commit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn front_matter_declares_the_document_language() {
    let fixture = Fixture::new();
    let english = "The municipality supports the volunteers and the associations in the city.";
    let corpus = fixture.corpus();
    std::fs::write(
        corpus.join("declared.txt"),
        format!("---\nlang: da\n---\n{english}"),
    )
    .expect("write");
    std::fs::write(corpus.join("detected.txt"), english).expect("write");
    std::fs::write(
        corpus.join("unknown.txt"),
        format!("---\nlang: de\n---\n{english}"),
    )
    .expect("write");
    fixture.sync();
    let docs = fixture.engine().all_documents().expect("docs");
    let lang = |id: &str| {
        docs.iter()
            .find(|d| d.id == id)
            .map(|d| d.lang.clone())
            .unwrap_or_default()
    };
    assert_eq!(lang("declared.txt"), "da");
    assert_eq!(lang("detected.txt"), "en");
    assert_eq!(lang("unknown.txt"), "en");
}

/// Copies the files of folder `from` into `to` (flat: an index folder has no subfolders we need).
fn copy_files(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

#[test]
fn a_run_killed_inside_its_commit_does_not_block_the_next() {
    // The state `kill -9` leaves between tantivy writing a segment's new deletes file and
    // replacing meta.json: the deletes file is on disk (and registered as managed), meta.json
    // is the old one. The next run makes the same deletes at the same opstamp, so it writes a
    // file of the same name.
    let fixture = Fixture::new();
    fixture.sync();
    let before = fixture.dir.path().join("index-before");
    copy_files(&fixture.index(), &before);
    // A document from a segment with others in it (a segment whose every document is deleted is
    // dropped whole, with no deletes file).
    let victim = {
        use tantivy::schema::Value;
        let (index, fields) = vidensbase::schema::open_or_create(&fixture.index()).expect("open");
        let searcher = index.reader().expect("reader").searcher();
        let segment = searcher
            .segment_readers()
            .iter()
            .position(|s| s.num_docs() >= 2)
            .expect("a segment of two or more documents");
        let doc: tantivy::TantivyDocument = searcher
            .doc(tantivy::DocAddress::new(segment as u32, 0))
            .expect("doc");
        doc.get_first(fields.id)
            .and_then(|v| v.as_str())
            .expect("id")
            .to_string()
    };
    std::fs::remove_file(fixture.corpus().join(&victim)).expect("rm");
    let r = fixture.sync();
    assert_eq!(r.deleted, 1, "{r}");
    let del_files: Vec<std::path::PathBuf> = std::fs::read_dir(fixture.index())
        .expect("read_dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "del"))
        .collect();
    assert!(!del_files.is_empty(), "the delete wrote a deletes file");
    let managed = std::fs::read(fixture.index().join(".managed.json")).expect("managed");
    // Back to the old meta.json, with the new deletes file left behind.
    std::fs::remove_dir_all(fixture.index()).expect("rm index");
    copy_files(&before, &fixture.index());
    std::fs::write(fixture.index().join(".managed.json"), managed).expect("managed");
    for del in &del_files {
        let name = del.file_name().expect("name");
        std::fs::write(fixture.index().join(name), b"left by a killed run").expect("orphan");
    }

    let r = fixture.sync();
    assert_eq!((r.deleted, r.total), (1, 8), "{r}");
    let ids: Vec<String> = fixture
        .engine()
        .all_documents()
        .expect("docs")
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert!(!ids.contains(&victim), "{victim} deleted");
}

#[test]
fn a_touched_file_is_read_once_not_on_every_run() {
    let fixture = Fixture::new();
    fixture.sync();
    let path = fixture.corpus().join(DA_VOLUNTEERS);
    let later = std::time::SystemTime::now() + Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .expect("open")
        .set_modified(later)
        .expect("touch");
    let r = fixture.sync();
    // Read (and the broken files, which are never indexed, again), the same content: unchanged.
    assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 9), "{r}");
    let read_after_touch = r.read;
    let r = fixture.sync();
    assert_eq!(
        r.read,
        read_after_touch - 1,
        "the touched file is not read again: {r}"
    );
    assert_eq!(top(&fixture.engine(), "frivilligudvalg"), DA_VOLUNTEERS);
}

#[test]
fn an_index_built_by_another_analysis_is_refused_with_what_to_do() {
    let fixture = Fixture::new();
    fixture.sync();
    // Stamp the index as built by an older analysis.
    {
        let directory = tantivy::directory::MmapDirectory::open(fixture.index()).expect("dir");
        let index = tantivy::Index::open(directory).expect("open");
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        let mut commit = writer.prepare_commit().expect("prepare");
        commit.set_payload("vidensbase-analysis=1");
        commit.commit().expect("commit");
    }
    let err = vidensbase::ingest::sync(&fixture.corpus(), &fixture.index()).err();
    assert!(
        matches!(err, Some(vidensbase::Error::IncompatibleIndex(_))),
        "{err:?}"
    );
    let message = vidensbase::search::Engine::open(&fixture.index())
        .err()
        .map(|e| e.to_string());
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("run `vidensbase index --rebuild`")),
        "{message:?}"
    );
    // What the message says to do works.
    let report = vidensbase::ingest::rebuild(
        &fixture.corpus(),
        &fixture.index(),
        &Default::default(),
        Duration::ZERO,
    )
    .expect("rebuild");
    assert_eq!(report.total, 9);
    assert_eq!(fixture.engine().num_docs(), 9);
}

#[test]
fn skipped_files_are_not_read_again_until_they_change() {
    let fixture = Fixture::new();
    let first = fixture.sync();
    assert_eq!((first.skipped, first.skipped_before), (3, 0), "{first}");
    let again = fixture.sync();
    assert_eq!(again.read, 0, "nothing changed, nothing read: {again}");
    assert_eq!((again.skipped, again.skipped_before), (3, 3), "{again}");
    assert!(
        again.warnings.iter().any(|w| w.contains("broken.txt")),
        "{:?}",
        again.warnings
    );
    // Changed, still binary: read again, skipped again.
    std::fs::write(
        fixture.corpus().join(BINARY),
        b"\0\0\0 still binary, but other",
    )
    .expect("write");
    let changed = fixture.sync();
    assert_eq!((changed.read, changed.skipped_before), (1, 2), "{changed}");
    // Mended: indexed, and no longer remembered as skipped.
    std::fs::write(
        fixture.corpus().join(BINARY),
        "Reparationer\n\nNu er filen tekst.",
    )
    .expect("write");
    let mended = fixture.sync();
    assert_eq!((mended.added, mended.skipped), (1, 2), "{mended}");
    let after = fixture.sync();
    assert_eq!((after.read, after.skipped), (0, 2), "{after}");
}

/// The watcher's sync: only the named files and folders are looked at, and a removed folder
/// takes its documents with it.
#[test]
fn a_sync_of_named_paths_looks_only_at_them() {
    use vidensbase::ingest::{sync_scope, Scope};
    let fixture = Fixture::new();
    fixture.sync();
    let corpus = fixture.corpus();
    let scoped = |paths: &[&str]| {
        let scope = Scope::of_paths(&corpus, paths.iter().map(|p| corpus.join(p)));
        sync_scope(&corpus, &fixture.index(), &scope, &Default::default()).expect("sync")
    };
    std::fs::create_dir_all(corpus.join("nyt/under")).expect("mkdir");
    std::fs::write(corpus.join("nyt/under/a.txt"), "Vandforsyning i kommunen").expect("write");
    std::fs::write(corpus.join("nyt/b.txt"), "Affaldssortering i kommunen").expect("write");
    std::fs::write(corpus.join("c.txt"), "Drikkevand og grundvand").expect("write");

    // The folder is named, the loose file is not: it waits for a sync that names it.
    let r = scoped(&["nyt"]);
    assert_eq!((r.added, r.unchanged, r.deleted), (2, 0, 0), "{r}");
    let engine = fixture.engine();
    assert_eq!(top(&engine, "vandforsyning"), "nyt/under/a.txt");
    assert!(search(&engine, "grundvand").hits.is_empty());
    let r = scoped(&["c.txt"]);
    assert_eq!((r.added, r.unchanged), (1, 0), "{r}");

    // A removed folder and a removed file, named by their old paths.
    std::fs::remove_dir_all(corpus.join("nyt")).expect("rm");
    std::fs::remove_file(corpus.join("c.txt")).expect("rm");
    let r = scoped(&["nyt", "c.txt", "never-existed.txt"]);
    assert_eq!((r.added, r.deleted, r.total), (0, 3, 9), "{r}");
    // `nyt` is no prefix of another folder's documents: `nyt-arkiv/x.txt` stays.
    std::fs::create_dir_all(corpus.join("nyt-arkiv")).expect("mkdir");
    std::fs::write(corpus.join("nyt-arkiv/x.txt"), "Arkiveret notat").expect("write");
    scoped(&["nyt-arkiv"]);
    let r = scoped(&["nyt"]);
    assert_eq!((r.deleted, r.total), (0, 10), "{r}");
    // A full sync agrees.
    let r = fixture.sync();
    assert_eq!(
        (r.added, r.updated, r.deleted, r.total),
        (0, 0, 0, 10),
        "{r}"
    );
}

/// `rebuild` builds beside the live index and swaps it in: an engine opened on the old index
/// goes on answering, a [`Current`] switches to the new one by itself, a leftover of a killed
/// rebuild is cleared first, and the folder's `.gitignore` stays.
#[test]
fn a_rebuild_is_built_beside_and_swapped_in_while_searches_go_on() {
    use vidensbase::ingest::{rebuild, Progress};
    use vidensbase::search::Current;
    let fixture = Fixture::new();
    fixture.sync();
    let index = fixture.index();
    std::fs::write(index.join(".gitignore"), "*\n").expect("gitignore");
    let current = Current::new(fixture.engine());
    let old = current.get();
    let before = search(&old, "frivillige").total;
    assert!(before > 0);

    // A file the live index does not have yet, and the leftover of an interrupted rebuild.
    std::fs::write(
        fixture.corpus().join("kommuner/havne.txt"),
        "Havneudvikling i kommunen",
    )
    .expect("write");
    let leftover = vidensbase::schema::rebuild_dir(&index);
    std::fs::create_dir_all(&leftover).expect("mkdir");
    std::fs::write(leftover.join("meta.json"), "not json").expect("junk");

    let progress = Progress::default();
    let report = rebuild(&fixture.corpus(), &index, &progress, Duration::ZERO).expect("rebuild");
    assert_eq!((report.added, report.total), (10, 10), "{report}");
    assert_eq!(progress.get(), (report.read, report.read));
    assert!(
        !leftover.exists(),
        "the old index is deleted after the swap"
    );
    assert_eq!(
        std::fs::read_to_string(index.join(".gitignore"))
            .ok()
            .as_deref(),
        Some("*\n")
    );

    // The old engine's files are gone from the folder, but it still answers. (Whether it already
    // sees the new document depends on when its reader's own reload runs, so that is not asked.)
    assert_eq!(search(&old, "frivillige").total, before);
    // Within a check or two (`Current::CHECK_EVERY`), the handle notices the new folder.
    assert!(crate::common::eventually(Duration::from_secs(30), || {
        top(&current.get(), "havneudvikling") == "kommuner/havne.txt"
    }));
    // The new index takes incremental syncs like any other.
    let r = fixture.sync();
    assert_eq!((r.added, r.unchanged, r.total), (0, 10, 10), "{r}");
}

#[test]
fn a_rebuild_waits_for_the_live_writer_and_gives_up_when_told() {
    let fixture = Fixture::new();
    fixture.sync();
    let (index, _) = vidensbase::schema::open_or_create(&fixture.index()).expect("open");
    let writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
    let result = vidensbase::ingest::rebuild(
        &fixture.corpus(),
        &fixture.index(),
        &Default::default(),
        Duration::from_millis(300),
    );
    assert!(
        matches!(result, Err(vidensbase::Error::Locked(_))),
        "{result:?}"
    );
    drop(writer);
    // The live index is untouched, and the next rebuild clears what the failed one built.
    assert_eq!(fixture.engine().num_docs(), 9);
    let report = vidensbase::ingest::rebuild(
        &fixture.corpus(),
        &fixture.index(),
        &Default::default(),
        Duration::ZERO,
    )
    .expect("rebuild");
    assert_eq!(report.total, 9);
}

/// `Sikkerhedsindstillinger og -advarsler` is a title, not an exclusion: its own document is
/// found by it (first), and `-word` elsewhere still excludes.
#[test]
fn an_elided_compound_in_a_query_is_no_exclusion() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.corpus().join("kommuner/sikkerhed.txt"),
        "Sikkerhedsindstillinger og -advarsler\n\nSådan vælger du sikkerhedsindstillinger og advarsler for makroer.",
    )
    .expect("write");
    std::fs::write(
        fixture.corpus().join("kommuner/indstillinger.txt"),
        "Sikkerhedsindstillinger for netværket\n\nSikkerhedsindstillinger uden noget om det andet.",
    )
    .expect("write");
    fixture.sync();
    let engine = fixture.engine();
    assert_eq!(
        top(&engine, "Sikkerhedsindstillinger og -advarsler"),
        "kommuner/sikkerhed.txt"
    );
    let excluded = search(&engine, "sikkerhedsindstillinger -advarsler");
    assert_eq!(ids(&excluded), ["kommuner/indstillinger.txt"]);
}

/// `Aarhus` and `Århus` are one spelling: a query with either finds the document that says the
/// other throughout in the same tier as its own spelling, so the document about the city ranks
/// above one that merely mentions it.
#[test]
fn aa_and_å_are_one_spelling() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.corpus().join("kommuner/aarhus-havn.txt"),
        "Århus havn\n\nÅrhus Kommune udvider Århus havn. Århus får en ny containerterminal, \
         og Århus byråd har vedtaget planen for Århus.",
    )
    .expect("write");
    std::fs::write(
        fixture.corpus().join("kommuner/nævnt.txt"),
        "Møde om trafik\n\nEn lang referat om trafik i mange byer, blandt andet Aarhus, med \
         busser, cykelstier, vejarbejde, parkering og kollektiv trafik i hele regionen.",
    )
    .expect("write");
    fixture.sync();
    let engine = fixture.engine();
    assert_eq!(top(&engine, "Aarhus"), "kommuner/aarhus-havn.txt");
    assert_eq!(top(&engine, "Århus havn"), "kommuner/aarhus-havn.txt");
    let both = search(&engine, "Århus");
    assert!(
        ids(&both).contains(&"kommuner/nævnt.txt"),
        "{:?}",
        ids(&both)
    );
    // The other spelling is marked too.
    let hit = &search(&engine, "Aarhus").hits[0];
    assert!(
        hit.snippet.to_html().contains("<mark>Århus</mark>"),
        "{}",
        hit.snippet.to_html()
    );
}
