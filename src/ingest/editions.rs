//! Stage 5, after the commit: editions. The [`Linker`] learns the documents this sync added,
//! changed or deleted (from the signatures the index keeps of them, [`Stored`], a fast column), and the links of the
//! whole index are written to [`store::FILE`] in the index folder, where the search side reads
//! them. A front matter's `translation:` is a link made by hand, which wins.
//!
//! A linker is kept per index folder for the life of the process, so a server's watcher links a
//! new English edition against the Danish one indexed last month without reading the index
//! again. When the process holds none for the commit the sync started from (its first sync, or
//! another process wrote the index since), or the index is small, it is built from every stored
//! signature. While a server watches the index it owns the linking ([`own`]); a `vidensbase
//! index` run beside it leaves the links to the server's watcher, which syncs the same change.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::columnar::BytesColumn;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, Searcher, TantivyDocument, Term};

use super::plan::Plan;
use crate::editions::store::{self, Edition, Stored};
use crate::editions::Linker;
use crate::error::Result;
use crate::schema::{self, Fields};

/// The index folders whose links this process keeps for its whole life (a watching server), with
/// the locked file that says so to other processes ([`own`]).
static OWNED: LazyLock<Mutex<FxHashMap<PathBuf, File>>> =
    LazyLock::new(|| Mutex::new(FxHashMap::default()));

/// The lock file in an index folder: held by the process that links its editions.
const LOCK: &str = "editions.lock";

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
    match lock(dir) {
        Some(file) => {
            owned.insert(dir.to_path_buf(), file);
            true
        }
        None => false,
    }
}

/// The lock file of `dir`, locked; `None` when another process holds it (or it cannot be made:
/// then linking goes ahead, as without an owner).
fn lock(dir: &Path) -> Option<File> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))
        .ok()?;
    match file.try_lock() {
        Ok(()) => Some(file),
        Err(std::fs::TryLockError::WouldBlock) => None,
        Err(std::fs::TryLockError::Error(_)) => Some(file),
    }
}

/// Below this many documents the links are made again from all of them after every sync: the
/// statistics of a small collection move with each document, and a link made early would stand
/// on statistics that no longer hold (it costs a few milliseconds there).
const INCREMENTAL_FROM: usize = 1_000;

/// The linker of each index folder and the opstamp of the commit it reflects.
static KEPT: LazyLock<Mutex<FxHashMap<PathBuf, (u64, Linker)>>> =
    LazyLock::new(|| Mutex::new(FxHashMap::default()));

/// Links the editions after a sync that started from commit `before` and did what `plan` says,
/// and writes the links. A failure is logged: the documents are committed and searchable, and
/// their editions wait for the next sync.
pub(super) fn link(index: &Index, dir: &Path, f: &Fields, before: u64, plan: &Plan) {
    // Held to the end of this function: another process waits for nothing, it skips.
    let _lock = {
        let owned = OWNED.lock().unwrap_or_else(|e| e.into_inner());
        match owned.contains_key(dir) {
            true => None,
            false => match lock(dir) {
                Some(file) => Some(file),
                None => {
                    tracing::info!("editions: linked by the process that serves this index");
                    return;
                }
            },
        }
    };
    let touched = plan.changed.iter().map(|file| file.id.as_str());
    let touched = touched.chain(plan.deleted.iter().map(String::as_str));
    if let Err(e) = relink(index, dir, f, before, touched) {
        tracing::warn!("editions not linked: {e}");
    }
}

fn relink<'a>(
    index: &Index,
    dir: &Path,
    f: &Fields,
    before: u64,
    touched: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let opstamp = index.load_metas()?.opstamp;
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let key = dir.to_path_buf();
    let mut touched = touched.peekable();
    // Nothing touched and the links are the last commit's: they are this one's too.
    if touched.peek().is_none() && store::opstamp(dir) == Some(before) {
        if let Some(entry) = kept.get_mut(&key).filter(|(at, _)| *at == before) {
            entry.0 = opstamp;
        }
        return store::restamp(dir, opstamp);
    }
    let searcher = index.reader()?.searcher();
    let linker = match kept.remove(&key) {
        Some((at, mut linker)) if at == before && linker.len() >= INCREMENTAL_FROM => {
            for id in touched {
                match stored(&searcher, f, id)? {
                    Some(doc) => add(&mut linker, id, doc),
                    None => {
                        linker.remove(id);
                    }
                }
            }
            linker
        }
        _ => every(&searcher)?,
    };
    store::write(dir, opstamp, pairs(&searcher, f, &linker)?)?;
    kept.insert(key, (opstamp, linker));
    Ok(())
}

/// The index built in `from` replaced the one in `to` (a rebuild): its linker goes with it.
pub(super) fn moved(from: &Path, to: &Path) {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    kept.remove(to);
    if let Some(linker) = kept.remove(from) {
        kept.insert(to.to_path_buf(), linker);
    }
}

/// A linker of every document of the index.
fn every(searcher: &Searcher) -> Result<Linker> {
    let mut docs = Vec::new();
    let mut pins = Vec::new();
    for reader in searcher.segment_readers() {
        let ids = reader.fast_fields().str(schema::ID)?;
        let editions = reader.fast_fields().bytes(schema::EDITION)?;
        let (Some(ids), Some(editions)) = (ids, editions) else {
            continue;
        };
        let mut id = String::new();
        for doc_id in reader.doc_ids_alive() {
            let Some(ord) = ids.term_ords(doc_id).next() else {
                continue;
            };
            id.clear();
            ids.ord_to_str(ord, &mut id)?;
            let Some(stored) = read_column(&editions, doc_id) else {
                continue;
            };
            if let Some(other) = stored.translation {
                pins.push((id.clone(), other));
            }
            docs.push((id.clone(), stored.sig));
        }
    }
    let mut linker = Linker::new();
    for (a, b) in &pins {
        linker.pin(a, b);
    }
    linker.add_all(docs);
    Ok(linker)
}

/// The edition data of document `doc_id` in a segment's column.
fn read_column(column: &BytesColumn, doc_id: u32) -> Option<Stored> {
    let ord = column.term_ords(doc_id).next()?;
    let mut bytes = Vec::new();
    column.ord_to_bytes(ord, &mut bytes).ok()?;
    Stored::from_bytes(&bytes)
}

/// Adds (or replaces) one document, with its hand-made link.
fn add(linker: &mut Linker, id: &str, doc: Stored) {
    if let Some(other) = &doc.translation {
        linker.pin(id, other);
    }
    linker.add(id, doc.sig);
}

/// The edition data of the document `id`, if the index holds it.
fn stored(searcher: &Searcher, f: &Fields, id: &str) -> Result<Option<Stored>> {
    let Some(address) = address(searcher, f, id)? else {
        return Ok(None);
    };
    let reader = searcher.segment_reader(address.segment_ord);
    Ok(reader
        .fast_fields()
        .bytes(schema::EDITION)?
        .and_then(|column| read_column(&column, address.doc_id)))
}

fn address(searcher: &Searcher, f: &Fields, id: &str) -> Result<Option<DocAddress>> {
    let query = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(top.first().map(|&(_, address)| address))
}

fn document(searcher: &Searcher, f: &Fields, id: &str) -> Result<Option<TantivyDocument>> {
    match address(searcher, f, id)? {
        Some(address) => Ok(Some(searcher.doc(address)?)),
        None => Ok(None),
    }
}

/// Every link whose two documents are in the index, with their languages and titles.
fn pairs(searcher: &Searcher, f: &Fields, linker: &Linker) -> Result<Vec<(Edition, Edition)>> {
    let mut out = Vec::new();
    for link in linker.links() {
        let (Some(a), Some(b)) = (shown(searcher, f, &link.a)?, shown(searcher, f, &link.b)?)
        else {
            continue;
        };
        out.push((a, b));
    }
    Ok(out)
}

fn shown(searcher: &Searcher, f: &Fields, id: &str) -> Result<Option<Edition>> {
    Ok(document(searcher, f, id)?.map(|doc| Edition {
        id: id.to_string(),
        lang: text(&doc, f.lang).unwrap_or_default(),
        title: text(&doc, f.title).unwrap_or_default(),
    }))
}

fn text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}
