//! The index schema, typed field handles, and opening an index directory.
//!
//! Field names appear only in this file. Each document's text is indexed in the field of its
//! language (`*_da` or `*_en`, per paragraph), its lossy-folded terms where they differ from
//! those in a fallback field (`fold`), and the parts of its Danish compound words in `parts`; the
//! indexer hands every indexed field pre-analysed terms, which tantivy only splits on spaces. The
//! whole text, title and metadata are stored once for display and snippets. Change stamps (`mtime`, `size`, `hash`) and the facet
//! values are fast fields, so the indexer and the filter counts never touch stored bodies.

use std::path::{Path, PathBuf};

use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::{Index, TantivyDocument, Term};

use crate::analysis::{self, Analyzer};
use crate::error::{Error, Result};
use crate::lang::Lang;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub lang: Field,
    pub category: Field,
    pub source: Field,
    pub date: Field,
    pub author: Field,
    /// Pages of a paged document (PDF); absent for the others.
    pub pages: Field,
    pub mtime: Field,
    pub size: Field,
    pub hash: Field,
    /// The document's date as a number, `20190701` (0 when it has none): for "newest first".
    pub day: Field,
    pub title_da: Field,
    pub body_da: Field,
    pub title_en: Field,
    pub body_en: Field,
    pub fold: Field,
    pub parts: Field,
    pub forms: Field,
    /// The document's edition data ([`crate::editions::store::Stored`], JSON): main index only,
    /// a fast column, so linking reads it without the stored text.
    pub edition: Field,
    /// Who may open the document (`offentlig`, `intern`: [`crate::access::Visibility::code`]),
    /// in both indexes: a filter, so a search for anyone is restricted by a query clause.
    pub visibility: Field,
    /// The document's type (`pdf`, `office`, `web`, `text`: [`crate::format::Kind::code`]), in
    /// both indexes: a filter with counts.
    pub kind: Field,
    /// Read by OCR: 0 for text from the file; else 1 + the mean confidence (0–100) of the OCR
    /// text, of the document's OCR pages in the main index and of the page in the page index.
    /// Stored (a page hit reads it with its number) and fast (the main index's re-rank).
    pub ocr: Field,
    /// What kind of text the document is, beside its subject: `steps` ([`STEPS`]) for a text with
    /// numbered steps (a procedure). Main index only, indexed, not stored.
    pub shape: Field,
    /// The corpus rule the visibility came from ([`crate::corpus::Rule::code`]; main index
    /// only, fast): a sync indexes a document again when its rule changes.
    pub rule: Field,
}

/// Fast-field names used by collectors that read columns by name.
pub const LANG: &str = "lang";
pub const CATEGORY: &str = "category";
pub const ID: &str = "id";
pub const MTIME: &str = "mtime";
pub const SIZE: &str = "size";
pub const HASH: &str = "hash";
pub const PAGES: &str = "pages";
pub const DAY: &str = "day";
pub const EDITION: &str = "edition";
pub const VISIBILITY: &str = "visibility";
pub const RULE: &str = "rule";
pub const KIND: &str = "kind";
pub const OCR: &str = "ocr";
pub const SHAPE: &str = "shape";
/// The [`Fields::shape`] of a text with numbered steps ([`crate::extract::Extracted::steps`]).
pub const STEPS: &str = "steps";

/// The page index, inside the index folder: one document per page of every paged document,
/// with the page's terms in the same fields as the main index, so a long report can be scored
/// by its best page. It is a separate index so that its documents never count in the main
/// index's statistics (document count, average length) or results.
pub const PAGES_DIR: &str = "pages";

/// A field of analysed terms, with the analyser that made them: the contract between the
/// indexer, which writes each field's terms, and everything that looks a word up in them (the
/// query builder, related documents, the query-language vote, "Mente du"), which must make the
/// word's term the same way. [`Fields::term`] is that lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermField {
    /// The title's words, when the document is in this language.
    Title(Lang),
    /// The words of the document's paragraphs in this language.
    Body(Lang),
    /// The folded terms of the words whose folded term differs from their language term
    /// (`fold_extra`; the others are in the language fields already).
    Fold,
    /// The Danish stems of the parts of Danish compounds.
    Parts,
    /// Every word of title and body but the function words, as written, lowercased.
    Forms,
}

impl TermField {
    /// The four language fields: every word of a document is in exactly one of them.
    pub const LANGUAGE: [TermField; 4] = [
        TermField::Title(Lang::Da),
        TermField::Body(Lang::Da),
        TermField::Title(Lang::En),
        TermField::Body(Lang::En),
    ];

    /// Every field that holds folded terms: `Fold` those that differ from the language term, the
    /// language fields the rest.
    pub const FOLDED_VIEW: [TermField; 5] = [
        TermField::Fold,
        TermField::Title(Lang::Da),
        TermField::Body(Lang::Da),
        TermField::Title(Lang::En),
        TermField::Body(Lang::En),
    ];

    /// The analyser whose terms the field holds: what the indexer applied, and what a lookup of
    /// a word must apply.
    pub fn analyzer(self) -> Analyzer {
        match self {
            TermField::Title(lang) | TermField::Body(lang) => lang.analyzer(),
            TermField::Fold => Analyzer::Fold,
            TermField::Parts => Analyzer::Da,
            TermField::Forms => Analyzer::Form,
        }
    }

    /// The language of the text the field holds; `None` for the fields of both.
    pub fn lang(self) -> Option<Lang> {
        match self {
            TermField::Title(lang) | TermField::Body(lang) => Some(lang),
            TermField::Parts => Some(Lang::Da),
            TermField::Fold | TermField::Forms => None,
        }
    }
}

impl Fields {
    /// The tantivy field of a term field.
    pub fn get(&self, field: TermField) -> Field {
        match field {
            TermField::Title(Lang::Da) => self.title_da,
            TermField::Body(Lang::Da) => self.body_da,
            TermField::Title(Lang::En) => self.title_en,
            TermField::Body(Lang::En) => self.body_en,
            TermField::Fold => self.fold,
            TermField::Parts => self.parts,
            TermField::Forms => self.forms,
        }
    }

    /// A lowercased word's term in `field`, made by the field's analyser.
    pub fn term(&self, field: TermField, lower: &str) -> Term {
        Term::from_field_text(self.get(field), &field.analyzer().term(lower))
    }

    /// An already-made term (read from the field's dictionary, or made by its analyser) in
    /// `field`.
    pub fn raw_term(&self, field: TermField, term: &str) -> Term {
        Term::from_field_text(self.get(field), term)
    }
}

/// An indexed text field. Its values are pre-analysed terms: which analyser made them is noted
/// per field below, and the indexer and the query builder both follow that note.
fn text(record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::TERMS_TOKENIZER)
            .set_index_option(record),
    )
}

/// Builds the schema and its handles.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let fields = Fields {
        id: b.add_text_field(ID, STRING | STORED | FAST),
        title: b.add_text_field("title", STORED),
        body: b.add_text_field("body", STORED),
        lang: b.add_text_field(LANG, STRING | STORED | FAST),
        category: b.add_text_field(CATEGORY, STRING | STORED | FAST),
        source: b.add_text_field("source", STORED),
        date: b.add_text_field("date", STORED),
        author: b.add_text_field("author", STORED),
        // In the page index (`PAGES_DIR`) the page's number, in the main index the page count.
        pages: b.add_u64_field(PAGES, STORED | FAST),
        mtime: b.add_u64_field(MTIME, FAST),
        size: b.add_u64_field(SIZE, FAST),
        hash: b.add_u64_field(HASH, FAST),
        day: b.add_u64_field(DAY, FAST),
        // Analyzer::Da / Analyzer::En terms, per paragraph language.
        title_da: b.add_text_field("title_da", text(positions)),
        body_da: b.add_text_field("body_da", text(positions)),
        title_en: b.add_text_field("title_en", text(positions)),
        body_en: b.add_text_field("body_en", text(positions)),
        // Analyzer::Fold terms of the words whose folded term differs from their language
        // term (the rest are in the language fields already): also an unstemmed-by-English
        // view. The query side searches it together with the language fields as one field
        // (`query::fold`). Not named `fold`, which held every folded term in earlier indexes:
        // those are refused as incompatible rather than misread.
        fold: b.add_text_field("fold_extra", text(IndexRecordOption::WithFreqs)),
        // Analyzer::Da stems of compound parts.
        parts: b.add_text_field("parts", text(IndexRecordOption::WithFreqs)),
        // The words of title and body but the function words, lowercased, not stemmed
        // (`analysis::SideTerms::forms`):
        // the query's own word form scores above other inflections of it.
        forms: b.add_text_field("forms", text(IndexRecordOption::WithFreqs)),
        edition: b.add_bytes_field(EDITION, FAST),
        visibility: b.add_text_field(VISIBILITY, STRING | FAST),
        rule: b.add_u64_field(RULE, FAST),
        kind: b.add_text_field(KIND, STRING | FAST),
        ocr: b.add_u64_field(OCR, STORED | FAST),
        shape: b.add_text_field(SHAPE, STRING),
    };
    (b.build(), fields)
}

/// Opens the index in `dir`, creating the directory and an empty index if needed, and registers
/// the analysers on it.
pub fn open_or_create(dir: &Path) -> Result<(Index, Fields)> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let directory = MmapDirectory::open(dir).map_err(|e| Error::index(dir, e))?;
    let (schema, fields) = schema();
    let index = Index::open_or_create(directory, schema).map_err(|e| match e {
        tantivy::TantivyError::SchemaError(_) => Error::IncompatibleIndex(dir.to_path_buf()),
        other => Error::index(dir, other),
    })?;
    // An index with commits must have been built by this analysis (an empty one is new).
    let metas = index.load_metas().map_err(|e| Error::index(dir, e))?;
    if metas.opstamp > 0 && metas.payload.as_deref() != Some(analysis::commit_payload().as_str()) {
        return Err(Error::IncompatibleIndex(dir.to_path_buf()));
    }
    analysis::register(&index);
    Ok((index, fields))
}

/// Opens an existing index read-only (for `search` and `serve`); `None` when there is none yet.
pub fn open_existing(dir: &Path) -> Result<Option<(Index, Fields)>> {
    if !dir.join("meta.json").exists() {
        return Ok(None);
    }
    open_or_create(dir).map(Some)
}

/// Where a rebuild of the index in `dir` is built: beside it, as `<dir>.rebuild`.
pub fn rebuild_dir(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".rebuild");
    dir.with_file_name(name)
}

/// Files of the index folder that are not the index's own and stay with the folder when a
/// rebuild replaces it: the repository's `index/.gitignore`, the audit log and the search log.
const KEPT_FILES: &[&str] = &[".gitignore", crate::audit::FILE, crate::searchlog::FILE];

/// Folders of the index folder that move with it when a rebuild replaces it: the text OCR read
/// of scans (a rebuild reads it, and never reads a scan by OCR again).
const KEPT_FOLDERS: &[&str] = &[OCR_CACHE_DIR];

/// The folder in the index folder where the text OCR read of scans is kept, by content hash.
pub const OCR_CACHE_DIR: &str = "ocr";

/// Moves the kept folders of `from` into `to` (replacing a rebuild's own, which it never writes).
fn move_kept_folders(from: &Path, to: &Path) -> std::io::Result<()> {
    for kept in KEPT_FOLDERS {
        if from.join(kept).is_dir() {
            let _ = std::fs::remove_dir_all(to.join(kept));
            std::fs::rename(from.join(kept), to.join(kept))?;
        }
    }
    Ok(())
}

/// Puts the index built in `new` in the place of the one in `dir`, in one step: a reader of
/// `dir` sees the old index or the new one, never none. Holds `dir`'s writer lock meanwhile, so
/// no sync writes into the index being replaced; [`Error::Locked`] when another process holds it.
/// The old index is deleted (a server still reading it keeps its open files until it switches).
pub fn replace(dir: &Path, new: &Path) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    if !dir.join("meta.json").exists() {
        if dir.exists() {
            for kept in KEPT_FILES {
                let _ = std::fs::copy(dir.join(kept), new.join(kept));
            }
            move_kept_folders(dir, new).map_err(io(new))?;
            std::fs::remove_dir_all(dir).map_err(io(dir))?;
        }
        return std::fs::rename(new, dir).map_err(io(dir));
    }
    let directory = MmapDirectory::open(dir).map_err(|e| Error::index(dir, e))?;
    let lock = tantivy::Directory::acquire_lock(&directory, &tantivy::directory::INDEX_WRITER_LOCK)
        .map_err(|_| Error::Locked(dir.to_path_buf()))?;
    for kept in KEPT_FILES {
        if dir.join(kept).exists() {
            std::fs::copy(dir.join(kept), new.join(kept)).map_err(io(new))?;
        }
    }
    move_kept_folders(dir, new).map_err(io(new))?;
    if let Err(e) = exchange(dir, new) {
        // The live index stays: its kept folders go back to it.
        let _ = move_kept_folders(new, dir);
        return Err(io(dir)(e));
    }
    drop(lock);
    // `new` now holds the old index.
    std::fs::remove_dir_all(new).map_err(io(new))
}

/// Swaps two folders atomically (Linux: `renameat2` with `RENAME_EXCHANGE`); where that is not
/// available, by two renames, between which `a` briefly does not exist.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let aside = rebuild_dir(&rebuild_dir(a));
    std::fs::rename(a, &aside)?;
    std::fs::rename(b, a)?;
    std::fs::rename(aside, b)
}

/// Every live document of a segment with its id, from the id column: one pass over the column's
/// dictionary instead of a lookup (which scans a block) per document.
pub(crate) fn live_ids(segment: &tantivy::SegmentReader) -> Result<Vec<(tantivy::DocId, String)>> {
    let Some(ids) = segment.fast_fields().str(ID)? else {
        return Ok(Vec::new());
    };
    let mut by_ord = Vec::with_capacity(ids.num_terms());
    let mut stream = ids.dictionary().stream()?;
    while stream.advance() {
        by_ord.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(segment
        .doc_ids_alive()
        .filter_map(|doc| {
            let ord = ids.term_ords(doc).next()?;
            Some((doc, by_ord.get(ord as usize)?.clone()))
        })
        .collect())
}

/// A document's first value in the string fast column `name` (empty when it has none).
pub(crate) fn fast_str(
    segment: &tantivy::SegmentReader,
    name: &str,
    doc: tantivy::DocId,
) -> Result<String> {
    let mut value = String::new();
    if let Some(column) = segment.fast_fields().str(name)? {
        if let Some(ord) = column.term_ords(doc).next() {
            column.ord_to_str(ord, &mut value)?;
        }
    }
    Ok(value)
}

/// Where document `id` is, without reading it (its stored body can be megabytes).
pub(crate) fn address(
    searcher: &tantivy::Searcher,
    f: &Fields,
    id: &str,
) -> Result<Option<tantivy::DocAddress>> {
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    let q = TermQuery::new(
        tantivy::Term::from_field_text(f.id, id),
        IndexRecordOption::Basic,
    );
    let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    Ok(top.first().map(|&(_, address)| address))
}

/// One stored text value of a document (empty when absent).
pub(crate) fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// Pages of a stored paged document; 0 for a document without pages.
pub fn stored_pages(doc: &TantivyDocument, f: &Fields) -> u32 {
    doc.get_first(f.pages)
        .and_then(|v| v.as_u64())
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// An empty index of vidensbase's schema in memory, with its analysers, and a writer: for tests
/// that need real fields without a folder.
#[cfg(test)]
pub(crate) fn in_memory() -> (Index, tantivy::IndexWriter, Fields) {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    crate::analysis::register(&index);
    let writer = index
        .writer_with_num_threads(1, 15_000_000)
        .expect("writer");
    (index, writer, fields)
}
