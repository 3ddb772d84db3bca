//! What the index keeps of editions: each document's [`Stored`] signature (a stored field of
//! the main index, written by ingestion) and the links of the whole index in [`FILE`] in the
//! index folder, written after each commit by ingestion and read by the search side. Both sides
//! know editions only through this file's types.

use std::path::Path;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::Signature;
use crate::error::{Error, Result};

/// The links of an index, in its folder.
pub const FILE: &str = "editions.json";

/// A document's stored edition data: its signature, and the other edition its file names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    pub sig: Signature,
    /// The document's title, for the other edition's hits and page to name it.
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
}

impl Stored {
    pub fn to_bytes(&self) -> Vec<u8> {
        // A signature is plain data: serialising it cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Stored> {
        serde_json::from_slice(bytes).ok()
    }
}

/// One edition of a linked pair, as a hit or the document page names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edition {
    pub id: String,
    pub lang: String,
    pub title: String,
}

/// The file's content: the opstamp of the commit the links follow, and the pairs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Links {
    opstamp: u64,
    pairs: Vec<(Edition, Edition)>,
}

/// Writes the links of the commit `opstamp` to `dir` (replacing the file in one step, so a
/// reader sees the old links or the new ones).
pub fn write(dir: &Path, opstamp: u64, pairs: Vec<(Edition, Edition)>) -> Result<()> {
    let path = dir.join(FILE);
    // One process's half-written file is never another's to rename.
    let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
    let body = serde_json::to_vec(&Links { opstamp, pairs }).unwrap_or_default();
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    std::fs::write(&tmp, body).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)
}

/// The opstamp of the commit the links in `dir` follow; `None` without links.
pub fn opstamp(dir: &Path) -> Option<u64> {
    load(dir).map(|links| links.opstamp)
}

/// Records that the links in `dir` follow the commit `opstamp` too (a sync that touched no
/// document).
pub fn restamp(dir: &Path, opstamp: u64) -> Result<()> {
    let pairs = load(dir).map(|links| links.pairs).unwrap_or_default();
    write(dir, opstamp, pairs)
}

fn load(dir: &Path) -> Option<Links> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Each linked document's other edition, by id; empty when the index has no links (yet).
pub fn read(dir: &Path) -> FxHashMap<String, Edition> {
    let links = load(dir).unwrap_or_default();
    let mut by_id = FxHashMap::default();
    for (a, b) in links.pairs {
        by_id.insert(a.id.clone(), b.clone());
        by_id.insert(b.id, a);
    }
    by_id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn links_are_read_both_ways_and_a_missing_file_is_no_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(read(dir.path()).is_empty());
        let edition = |id: &str, lang: &str| Edition {
            id: id.into(),
            lang: lang.into(),
            title: format!("Titel {id}"),
        };
        write(
            dir.path(),
            7,
            vec![(edition("da/a", "da"), edition("en/a", "en"))],
        )
        .expect("write");
        assert_eq!(opstamp(dir.path()), Some(7));
        restamp(dir.path(), 9).expect("restamp");
        assert_eq!(opstamp(dir.path()), Some(9));
        let links = read(dir.path());
        assert_eq!(links.len(), 2);
        assert_eq!(links["da/a"].id, "en/a");
        assert_eq!(links["en/a"].id, "da/a");
        assert_eq!(links["en/a"].lang, "da");
        let stored = Stored {
            sig: Signature::new("Titel", "Tekst om noget.", Lang::Da, 0),
            title: "Titel".into(),
            translation: Some("en/a".into()),
        };
        let back = Stored::from_bytes(&stored.to_bytes()).expect("round trip");
        assert_eq!(back.sig, stored.sig);
        assert_eq!(back.translation.as_deref(), Some("en/a"));
    }
}
