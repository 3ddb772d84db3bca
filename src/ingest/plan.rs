//! The first stage of a sync: what changed. The index's stamps (modification time, size, hash,
//! read from fast fields) are compared with the corpus walk: documents whose file is gone are to
//! be deleted, files whose size or modification time differ are to be read, and everything else
//! is left alone without being opened. A file skipped before and unchanged since is not read
//! again (a 1 GB binary would cost a second and a gigabyte every run).

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

use tantivy::{DocSet, Index};

use super::{Report, Scope};
use crate::corpus::{self, CorpusFile};
use crate::error::Result;
use crate::schema::{self, Fields};
use crate::skipped::Skips;

/// Documents extracted in parallel before being added, and the unit the lexicon grows by.
pub(super) const CHUNK: usize = 4096;
/// A chunk also ends once its files add up to this many bytes, so a folder of large files does
/// not hold thousands of them in memory at once.
pub(super) const CHUNK_BYTES: u64 = 512 << 20;

/// What the index remembers of a document, to decide whether the file changed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stamp {
    pub mtime: u64,
    pub size: u64,
    pub hash: u64,
    /// The corpus rule of its visibility when it was indexed ([`corpus::Rule::code`]).
    pub rule: u64,
}

/// What a sync has to do.
pub(super) struct Plan {
    /// The stamps of the indexed documents in scope, by id.
    pub stamps: FxHashMap<String, Stamp>,
    /// Indexed documents whose file is gone.
    pub deleted: Vec<String>,
    /// Files whose stamp (or corpus rules: visibility, metadata) differs from the index's: the only ones read.
    pub changed: Vec<CorpusFile>,
    /// The corpus's rules (visibility and metadata), read once for the sync.
    pub rules: corpus::Rules,
    /// Where the text OCR read of scans is kept.
    pub ocr: super::ocr::Cache,
}

/// Compares the part of the corpus in `scope` with the index: counts the unchanged files and
/// those skipped before in `report`, warns of what the walk could not follow, and forgets the
/// skips of files that are gone.
pub(super) fn plan(
    (corpus_dir, index_dir): (&Path, &Path),
    index: &Index,
    fields: &Fields,
    scope: &Scope,
    skips: &mut Skips,
    report: &mut Report,
) -> Result<Plan> {
    let stamps = read_stamps(index, fields, scope)?;
    let rules = corpus::Rules::load(corpus_dir).map_err(|source| crate::error::Error::Io {
        path: corpus_dir.join(corpus::RULES_FILE),
        source,
    })?;
    tracing::debug!(documents = stamps.len(), "stamps read");
    let mut walk_warnings = Vec::new();
    let files = match scope {
        Scope::All => corpus::walk(corpus_dir, |w| walk_warnings.push(w)),
        Scope::Under(ids) => corpus::walk_ids(corpus_dir, ids, |w| walk_warnings.push(w)),
    };
    tracing::debug!(files = files.len(), "corpus walked");
    for w in walk_warnings {
        report.skip(w);
    }
    let present: FxHashSet<&str> = files.iter().map(|f| f.id.as_str()).collect();
    let deleted = stamps
        .keys()
        .filter(|id| !present.contains(id.as_str()))
        .cloned()
        .collect();
    skips.retain(|id| !scope.contains(id) || present.contains(id));
    let changed = files
        .iter()
        .filter(|f| match stamps.get(&f.id) {
            Some(s) if s.mtime == f.mtime && s.size == f.size && s.rule == rules.code(&f.id) => {
                report.unchanged += 1;
                false
            }
            _ => match skips.unchanged(f) {
                Some(reason) => {
                    report.skipped += 1;
                    report.skipped_before += 1;
                    report
                        .warnings
                        .push(format!("skipping {}: {reason}", f.path.display()));
                    false
                }
                None => true,
            },
        })
        .cloned()
        .collect();
    Ok(Plan {
        stamps,
        deleted,
        changed,
        rules,
        ocr: super::ocr::Cache::of(index_dir),
    })
}

/// Stamps of every live document in `scope`, read from fast fields (no stored body is touched).
fn read_stamps(index: &Index, fields: &Fields, scope: &Scope) -> Result<FxHashMap<String, Stamp>> {
    let searcher = index.reader()?.searcher();
    let mut stamps = FxHashMap::default();
    for segment in searcher.segment_readers() {
        let ff = segment.fast_fields();
        let (mtime, size, hash, rule) = (
            ff.u64(schema::MTIME)?,
            ff.u64(schema::SIZE)?,
            ff.u64(schema::HASH)?,
            ff.u64(schema::RULE)?,
        );
        let stamp = |doc| Stamp {
            mtime: mtime.first(doc).unwrap_or(0),
            size: size.first(doc).unwrap_or(0),
            hash: hash.first(doc).unwrap_or(0),
            rule: rule.first(doc).unwrap_or(0),
        };
        match scope {
            Scope::Under(under) => {
                for (id, doc) in ids_under(segment, fields, under)? {
                    stamps.insert(id, stamp(doc));
                }
            }
            Scope::All => {
                for (doc, id) in schema::live_ids(segment)? {
                    stamps.insert(id, stamp(doc));
                }
            }
        }
    }
    Ok(stamps)
}

/// The live documents of a segment whose id is one of `under` or below one of them, from the id
/// field's term dictionary (by ranges, so a sync of a few paths reads only their ids).
fn ids_under(
    segment: &tantivy::SegmentReader,
    fields: &Fields,
    under: &[String],
) -> Result<Vec<(String, tantivy::DocId)>> {
    let inverted = segment.inverted_index(fields.id)?;
    let mut found = Vec::new();
    for id in under {
        for (from, to) in [
            (id.clone(), format!("{id}\0")),
            (format!("{id}/"), format!("{id}0")),
        ] {
            let mut terms = inverted.terms().range().ge(&from).lt(&to).into_stream()?;
            while terms.advance() {
                let mut docs = inverted.read_postings_from_terminfo(
                    terms.value(),
                    tantivy::schema::IndexRecordOption::Basic,
                )?;
                while docs.doc() != tantivy::TERMINATED {
                    if !segment.is_deleted(docs.doc()) {
                        let id = String::from_utf8_lossy(terms.key()).into_owned();
                        found.push((id, docs.doc()));
                    }
                    docs.advance();
                }
            }
        }
    }
    Ok(found)
}

/// `files` in runs of at most [`CHUNK`] files and, past the first file, [`CHUNK_BYTES`] bytes.
pub(super) fn chunked(files: &[CorpusFile]) -> Vec<&[CorpusFile]> {
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, file) in files.iter().enumerate() {
        if i > start && (i - start == CHUNK || bytes + file.size > CHUNK_BYTES) {
            chunks.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += file.size;
    }
    if start < files.len() {
        chunks.push(&files[start..]);
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_at_a_count_or_a_size() {
        let file = |size: u64| CorpusFile {
            id: String::new(),
            path: std::path::PathBuf::new(),
            category: String::new(),
            format: crate::format::Format::Text,
            mtime: 0,
            size,
        };
        let small: Vec<CorpusFile> = (0..CHUNK + 1).map(|_| file(10)).collect();
        let lengths: Vec<usize> = chunked(&small).iter().map(|c| c.len()).collect();
        assert_eq!(lengths, [CHUNK, 1]);
        let big: Vec<CorpusFile> = (0..5).map(|_| file(CHUNK_BYTES / 2)).collect();
        let lengths: Vec<usize> = chunked(&big).iter().map(|c| c.len()).collect();
        assert_eq!(lengths, [2, 2, 1]);
        let huge = vec![file(CHUNK_BYTES * 3), file(1)];
        let lengths: Vec<usize> = chunked(&huge).iter().map(|c| c.len()).collect();
        assert_eq!(lengths, [1, 1]);
        assert!(chunked(&[]).is_empty());
    }
}
