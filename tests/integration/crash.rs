//! Nothing lost when `vidensbase index`, `index --rebuild` or a watching `serve` is killed: the
//! real binary is killed with SIGKILL at several moments of a full build, an incremental run, a
//! rebuild and a server's sync. The index must open holding one committed state (the one before
//! or the one after, never a mixture), and the next run must finish the work and leave exactly
//! what a clean build of the same corpus holds.

use std::path::Path;
use std::time::Duration;

use vidensbase::search::Engine;

/// Writes `n` small documents (ids `bulk/doc-NNNN.txt`), version `v` of their text.
fn write_docs(root: &Path, range: std::ops::Range<usize>, v: u32) {
    let folder = root.join("bulk");
    std::fs::create_dir_all(&folder).expect("mkdir");
    for i in range {
        std::fs::write(
            folder.join(format!("doc-{i:04}.txt")),
            format!(
                "Referat {i}\n\nUdvalgsmøde nummer {i}, version {v}: kommunen drøftede \
                 samarbejdet med foreningerne om emne{i} og tilskud til lokalsamfundet."
            ),
        )
        .expect("write");
    }
}

/// `(id, body)` of every live document, in id order.
fn contents(index: &Path) -> Vec<(String, String)> {
    Engine::open(index)
        .expect("open index")
        .all_documents()
        .expect("documents")
        .into_iter()
        .map(|d| (d.id, d.body))
        .collect()
}

/// Runs `vidensbase index` and kills it after `delay` (if it is still running then).
fn index_killed_after(corpus: &Path, index: &Path, delay: Duration) {
    killed_after(corpus, index, &["index"], delay);
}

/// Runs `vidensbase ARGS` and kills it after `delay` (if it is still running then).
fn killed_after(corpus: &Path, index: &Path, args: &[&str], delay: Duration) {
    let mut child = crate::common::binary(corpus, index)
        .args(args)
        .env("VIDENSBASE_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn vidensbase index");
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

fn sync(corpus: &Path, index: &Path) -> vidensbase::ingest::Report {
    vidensbase::ingest::sync(corpus, index).expect("the run after a kill completes")
}

const DELAYS_MS: [u64; 7] = [5, 30, 80, 150, 300, 600, 1200];

#[test]
fn killed_index_runs_lose_nothing_and_double_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    write_docs(&corpus, 0..2000, 1);

    // Killed during a build from scratch.
    let clean = dir.path().join("clean");
    sync(&corpus, &clean);
    let expected = contents(&clean);
    assert_eq!(expected.len(), 2000);
    for ms in DELAYS_MS {
        let index = dir.path().join(format!("full-{ms}"));
        index_killed_after(&corpus, &index, Duration::from_millis(ms));
        sync(&corpus, &index);
        assert_eq!(
            contents(&index),
            expected,
            "killed after {ms} ms of a full build"
        );
    }

    // Killed during incremental runs (changes, deletions, additions), each from the same state.
    let base = dir.path().join("base");
    sync(&corpus, &base);
    write_docs(&corpus, 0..300, 2);
    for i in 1500..1700 {
        std::fs::remove_file(corpus.join(format!("bulk/doc-{i:04}.txt"))).expect("rm");
    }
    write_docs(&corpus, 2000..2200, 1);
    let clean = dir.path().join("clean-2");
    sync(&corpus, &clean);
    let expected = contents(&clean);
    assert_eq!(expected.len(), 2000);
    for ms in DELAYS_MS {
        let index = dir.path().join(format!("incremental-{ms}"));
        copy_tree(&base, &index);
        index_killed_after(&corpus, &index, Duration::from_millis(ms));
        let report = sync(&corpus, &index);
        assert_eq!(
            contents(&index),
            expected,
            "killed after {ms} ms of an incremental run; then {report}"
        );
    }
}

/// A rebuild (`index --rebuild`) or a watching server's first sync killed at any moment leaves
/// the index as it was or as it is to be, and the next run completes it.
#[test]
fn killed_rebuilds_and_servers_leave_one_whole_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    write_docs(&corpus, 0..2000, 1);
    let base = dir.path().join("base");
    sync(&corpus, &base);
    let before = contents(&base);
    write_docs(&corpus, 0..300, 2);
    for i in 1500..1700 {
        std::fs::remove_file(corpus.join(format!("bulk/doc-{i:04}.txt"))).expect("rm");
    }
    write_docs(&corpus, 2000..2200, 1);
    let clean = dir.path().join("clean");
    sync(&corpus, &clean);
    let after = contents(&clean);

    let runs: [(&str, &[&str]); 2] = [
        ("rebuild", &["index", "--rebuild"]),
        ("serve", &["--addr", "127.0.0.1:0", "serve"]),
    ];
    for (name, args) in runs {
        for ms in DELAYS_MS {
            let index = dir.path().join(format!("{name}-{ms}"));
            copy_tree(&base, &index);
            killed_after(&corpus, &index, args, Duration::from_millis(ms));
            let left = contents(&index);
            assert!(
                left == before || left == after,
                "{name} killed after {ms} ms: {} documents, neither state",
                left.len()
            );
            // The next sync finishes the work.
            let report = sync(&corpus, &index);
            assert_eq!(
                contents(&index),
                after,
                "{name} killed after {ms} ms; then {report}"
            );
            // The next rebuild clears what a killed one left beside the index.
            let report =
                vidensbase::ingest::rebuild(&corpus, &index, &Default::default(), Duration::ZERO)
                    .expect("a rebuild after the kill completes");
            assert_eq!(report.added, 2000, "{report}");
            assert_eq!(
                contents(&index),
                after,
                "{name} killed after {ms} ms, rebuilt"
            );
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
