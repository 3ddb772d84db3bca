//! Nothing lost when `vidensbase index` is killed: the real binary is killed with SIGKILL at
//! several moments of a full build and of an incremental run, and the next run must open the
//! index, finish the work, and leave exactly what a clean build of the same corpus holds.

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
    let mut child = crate::common::binary(corpus, index)
        .arg("index")
        .env("VIDENSBASE_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn vidensbase index");
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

fn sync(corpus: &Path, index: &Path) -> vidensbase::indexer::Report {
    vidensbase::indexer::sync(corpus, index).expect("the run after a kill completes")
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
