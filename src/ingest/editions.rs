//! Stage 5, after the commit: editions. The [`Linker`] learns the documents this sync added,
//! changed or deleted (from the signatures the index keeps of them, [`Stored`], a fast column),
//! and the links of the whole index are written to [`store::FILE`] in the index folder, where the search side reads
//! them. A front matter's `translation:` is a link made by hand, which wins.
//!
//! A linker is kept per index folder for the life of the process, so a server's watcher links a
//! new English edition against the Danish one indexed last month without reading the index
//! again. When the process holds none for the commit the sync started from (its first sync, or
//! another process wrote the index since), or the index is small, it is built from every stored
//! signature. While a server watches the index it owns the linking ([`own`], a lock on
//! `editions.owner` for its life); a `vidensbase index` run beside it leaves the links to the
//! server's watcher, which syncs the same change. Whoever links holds `editions.lock` meanwhile.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use rustc_hash::FxHashMap;
use tantivy::columnar::BytesColumn;
use tantivy::{Index, Searcher};

use super::plan::Plan;
use crate::editions::store::{self, Edition, Stored};
use crate::editions::Linker;
use crate::error::Result;
use crate::schema::{self, Fields};

/// The index folders whose links this process keeps for its whole life (a watching server), with
/// the locked owner file that says so to other processes ([`own`]).
static OWNED: LazyLock<Mutex<FxHashMap<PathBuf, File>>> =
    LazyLock::new(|| Mutex::new(FxHashMap::default()));

/// Locked for its life by the process that owns the linking of an index folder ([`own`]).
const OWNER: &str = "editions.owner";
/// Locked by whichever process links, while it links: two never write links at once.
const LINKING: &str = "editions.lock";

/// Makes this process the one that links the editions of the index in `dir` while it runs (a
/// watching server, whose linker follows each change for a few milliseconds). A `vidensbase
/// index` run beside it then leaves the linking to it, instead of building a linker of the whole
/// index for a change the server's watcher links anyway. Returns false when another process owns
/// it already.
pub fn own(dir: &Path) -> bool {
    let mut owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
    if owned.contains_key(dir) {
        return true;
    }
    match owner_lock(dir) {
        Lock::Held(file) => {
            owned.insert(dir.to_path_buf(), file);
            true
        }
        Lock::Busy => false,
        // No lock file can be made (a read-only folder): nobody owns it, and nothing says so.
        Lock::Unavailable => true,
    }
}

enum Lock {
    Held(File),
    Busy,
    Unavailable,
}

/// Tries the owner file of `dir`.
fn owner_lock(dir: &Path) -> Lock {
    let Some(file) = lock_file(&dir.join(OWNER)) else {
        return Lock::Unavailable;
    };
    match file.try_lock() {
        Ok(()) => Lock::Held(file),
        Err(std::fs::TryLockError::WouldBlock) => Lock::Busy,
        Err(std::fs::TryLockError::Error(_)) => Lock::Unavailable,
    }
}

/// A lock file, made when missing; opened for reading when it cannot be written (a lock needs
/// no more).
fn lock_file(path: &Path) -> Option<File> {
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .or_else(|_| File::open(path))
        .ok()
}

/// Whether this process may link the editions of `dir`: it owns them, or nobody does.
fn may_link(dir: &Path) -> bool {
    if OWNED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains_key(dir)
    {
        return true;
    }
    // Held only for the look: released when it goes out of scope.
    !matches!(owner_lock(dir), Lock::Busy)
}

/// Below this many documents the links are made again from all of them after every sync: the
/// statistics of a small collection move with each document, and a link made early would stand
/// on statistics that no longer hold (it costs a few milliseconds there).
const INCREMENTAL_FROM: usize = 1_000;

/// The linker of each index folder, the opstamp of the commit it reflects, and the hand-made
/// links its documents' front matter declared (by the declaring document).
static KEPT: LazyLock<Mutex<FxHashMap<PathBuf, Kept>>> =
    LazyLock::new(|| Mutex::new(FxHashMap::default()));

struct Kept {
    opstamp: u64,
    linker: Linker,
    declared: FxHashMap<String, String>,
    /// What each document's other edition shows of it (id, language, title).
    shown: FxHashMap<String, Edition>,
}

/// Links the editions after a sync that went from commit `before` to `after` (the opstamps)
/// and did what `plan` says, and writes the links. A failure is logged: the documents are
/// committed and searchable, and their editions wait for the next sync.
pub(super) fn link(index: &Index, dir: &Path, f: &Fields, commits: (u64, u64), plan: &Plan) {
    if !may_link(dir) {
        tracing::info!("editions: linked by the process that serves this index");
        return;
    }
    // Another process linking now finishes first; held to the end of this function.
    let _linking = lock_file(&dir.join(LINKING)).filter(|file| file.lock().is_ok());
    let touched = plan.changed.iter().map(|file| file.id.as_str());
    let touched = touched.chain(plan.deleted.iter().map(String::as_str));
    let started = std::time::Instant::now();
    match relink(index, dir, f, commits, touched) {
        Ok(()) => tracing::debug!(
            "editions linked in {:.2} s",
            started.elapsed().as_secs_f64()
        ),
        Err(e) => tracing::warn!("editions not linked: {e}"),
    }
}

fn relink<'a>(
    index: &Index,
    dir: &Path,
    f: &Fields,
    (before, opstamp): (u64, u64),
    touched: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let key = dir.to_path_buf();
    let mut touched = touched.peekable();
    // Nothing touched and the links are the last commit's: they are this one's too.
    if touched.peek().is_none() && store::opstamp(dir) == Some(before) {
        if let Some(entry) = kept.get_mut(&key).filter(|k| k.opstamp == before) {
            entry.opstamp = opstamp;
        }
        return store::restamp(dir, opstamp);
    }
    let searcher = index.reader()?.searcher();
    let mut next = match kept.remove(&key) {
        Some(mut k) if k.opstamp == before && k.linker.len() >= INCREMENTAL_FROM => {
            for id in touched {
                let doc = stored(&searcher, f, id)?;
                update(&mut k, id, doc);
            }
            k
        }
        _ => every(&searcher)?,
    };
    store::write(dir, opstamp, pairs(&next))?;
    next.opstamp = opstamp;
    kept.insert(key, next);
    Ok(())
}

/// The index built in `from` replaced the one in `to` (a rebuild): its linker goes with it, and
/// an owner of `to` owns the new folder's links (its lock was on the folder swapped away).
pub(super) fn moved(from: &Path, to: &Path) {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    kept.remove(to);
    if let Some(linker) = kept.remove(from) {
        kept.insert(to.to_path_buf(), linker);
    }
    let mut owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
    if owned.remove(to).is_some() {
        if let Lock::Held(file) = owner_lock(to) {
            owned.insert(to.to_path_buf(), file);
        }
    }
}

/// A linker of every document of the index.
fn every(searcher: &Searcher) -> Result<Kept> {
    let mut k = Kept {
        opstamp: 0,
        linker: Linker::new(),
        declared: FxHashMap::default(),
        shown: FxHashMap::default(),
    };
    let mut docs = Vec::new();
    for reader in searcher.segment_readers() {
        let Some(editions) = reader.fast_fields().bytes(schema::EDITION)? else {
            continue;
        };
        for (doc_id, id) in schema::live_ids(reader)? {
            let Some(stored) = read_column(&editions, doc_id) else {
                continue;
            };
            if let Some(other) = &stored.translation {
                k.declared.insert(id.clone(), other.clone());
            }
            k.shown.insert(id.clone(), shown(&id, &stored));
            docs.push((id, stored.sig));
        }
    }
    for (a, b) in &k.declared {
        k.linker.pin(a, b);
    }
    k.linker.add_all(docs);
    Ok(k)
}

/// The edition data of document `doc_id` in a segment's column.
fn read_column(column: &BytesColumn, doc_id: u32) -> Option<Stored> {
    let ord = column.term_ords(doc_id).next()?;
    let mut bytes = Vec::new();
    column.ord_to_bytes(ord, &mut bytes).ok()?;
    Stored::from_bytes(&bytes)
}

/// Adds, replaces (`doc`) or removes (`None`) one document, with the hand-made link its front
/// matter declares: a link it no longer declares, or declared before it was deleted, is
/// forgotten, so the pair is scored again.
fn update(k: &mut Kept, id: &str, doc: Option<Stored>) {
    let now = doc.as_ref().and_then(|d| d.translation.clone());
    if let Some(before) = k.declared.get(id).filter(|b| now.as_ref() != Some(*b)) {
        let before = before.clone();
        k.linker.forget(id, &before);
        k.declared.remove(id);
    }
    if let Some(other) = now {
        k.linker.pin(id, &other);
        k.declared.insert(id.to_string(), other);
    }
    match doc {
        Some(doc) => {
            k.shown.insert(id.to_string(), shown(id, &doc));
            k.linker.add(id, doc.sig);
        }
        None => {
            k.shown.remove(id);
            k.linker.remove(id);
        }
    }
}

/// The edition data of the document `id`, if the index holds it.
fn stored(searcher: &Searcher, f: &Fields, id: &str) -> Result<Option<Stored>> {
    let Some(address) = schema::address(searcher, f, id)? else {
        return Ok(None);
    };
    let reader = searcher.segment_reader(address.segment_ord);
    Ok(reader
        .fast_fields()
        .bytes(schema::EDITION)?
        .and_then(|column| read_column(&column, address.doc_id)))
}

/// Every link whose two documents are in the index, as their hits and pages name them.
fn pairs(k: &Kept) -> Vec<(Edition, Edition)> {
    k.linker
        .links()
        .into_iter()
        .filter_map(|link| Some((k.shown.get(&link.a)?.clone(), k.shown.get(&link.b)?.clone())))
        .collect()
}

fn shown(id: &str, doc: &Stored) -> Edition {
    Edition {
        id: id.to_string(),
        lang: doc.sig.lang.code().to_string(),
        title: doc.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editions::Signature;
    use crate::lang::Lang;

    fn doc(lang: Lang, text: &str, translation: Option<&str>) -> Option<Stored> {
        Some(Stored {
            sig: Signature::new("", text, lang, 0),
            title: String::new(),
            translation: translation.map(str::to_string),
        })
    }

    #[test]
    fn a_link_the_front_matter_no_longer_declares_is_forgotten() {
        let mut k = Kept {
            opstamp: 0,
            linker: Linker::new(),
            declared: FxHashMap::default(),
            shown: FxHashMap::default(),
        };
        let english = doc(Lang::En, "The rowing club met on Tuesday.", None);
        update(&mut k, "en/b.md", english);
        let danish = |translation| doc(Lang::Da, "Kommunens budget for 2025.", translation);
        update(&mut k, "da/a.md", danish(Some("en/b.md")));
        assert_eq!(k.linker.partner("da/a.md"), Some("en/b.md"));
        // The editor takes the line out: the texts are no translations, so no link is left.
        update(&mut k, "da/a.md", danish(None));
        assert_eq!(k.linker.partner("da/a.md"), None);
        assert_eq!(k.linker.partner("en/b.md"), None);
        // Declared again, then the declaring document deleted: the link goes with it.
        update(&mut k, "da/a.md", danish(Some("en/b.md")));
        assert_eq!(k.linker.partner("en/b.md"), Some("da/a.md"));
        update(&mut k, "da/a.md", None);
        assert_eq!(k.linker.partner("en/b.md"), None);
        assert!(k.declared.is_empty());
    }
}
