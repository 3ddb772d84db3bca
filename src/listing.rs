//! The admin page's document list: the index's documents by id (from the id column, only the
//! rows shown read from the store) and the corpus files the index leaves out, with why. Not a
//! search: it reads the index as a table.

use tantivy::{DocAddress, TantivyDocument};

use crate::date::Date;
use crate::error::Result;
use crate::schema::{self, stored_text};
use crate::search::Engine;

impl Engine {
    /// Every stored document, sorted by id (for tests and diagnostics).
    pub fn all_documents(&self) -> Result<Vec<StoredDoc>> {
        let searcher = self.searcher();
        let f = self.fields();
        let mut out = Vec::new();
        for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in segment.doc_ids_alive() {
                let d: TantivyDocument =
                    searcher.doc(DocAddress::new(segment_ord as u32, doc_id))?;
                out.push(StoredDoc {
                    id: stored_text(&d, f.id),
                    title: stored_text(&d, f.title),
                    lang: stored_text(&d, f.lang),
                    category: stored_text(&d, f.category),
                    body: stored_text(&d, f.body),
                });
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}

/// A row of the admin page's document list: a document in the index, or a corpus file the
/// index leaves out, with why.
#[derive(Debug, Clone)]
pub enum Listed {
    Indexed {
        id: String,
        title: String,
        lang: String,
        category: String,
        date: Option<Date>,
        /// The file's size in bytes.
        size: u64,
        pages: u32,
        /// Who may open it.
        visibility: crate::access::Visibility,
    },
    Skipped {
        id: String,
        reason: crate::skipped::SkipReason,
    },
}

impl Listed {
    pub fn id(&self) -> &str {
        match self {
            Listed::Indexed { id, .. } | Listed::Skipped { id, .. } => id,
        }
    }
}

/// One page of the document list, and how many rows there are in all.
#[derive(Debug, Default)]
pub struct Listing {
    pub total: usize,
    pub rows: Vec<Listed>,
    /// Every category of the index, for choosing where an upload goes.
    pub categories: Vec<String>,
}

impl Engine {
    /// The documents whose id contains `filter` (ignoring case), and the `skipped` files
    /// (`(id, reason)`) that match it, in id order: rows `offset..offset + limit`. Ids come from
    /// the id column; only the rows shown are read from the store.
    pub fn list(
        &self,
        filter: &str,
        skipped: Vec<(String, crate::skipped::SkipReason)>,
        offset: usize,
        limit: usize,
    ) -> Result<Listing> {
        let searcher = self.searcher();
        let filter = filter.trim().to_lowercase();
        let matches = |id: &str| filter.is_empty() || id.to_lowercase().contains(&filter);
        let mut rows: Vec<(
            String,
            Option<DocAddress>,
            Option<crate::skipped::SkipReason>,
        )> = Vec::new();
        let mut categories = std::collections::BTreeSet::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for (doc, id) in schema::live_ids(segment)? {
                categories.insert(crate::corpus::category_of(&id));
                if matches(&id) {
                    rows.push((id, Some(DocAddress::new(ord as u32, doc)), None));
                }
            }
        }
        rows.extend(
            skipped
                .into_iter()
                .filter(|(id, _)| matches(id))
                .map(|(id, reason)| (id, None, Some(reason))),
        );
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let total = rows.len();
        let f = self.fields();
        let mut shown = Vec::new();
        for (id, address, reason) in rows.into_iter().skip(offset).take(limit) {
            let Some(address) = address else {
                if let Some(reason) = reason {
                    shown.push(Listed::Skipped { id, reason });
                }
                continue;
            };
            let doc: TantivyDocument = searcher.doc(address)?;
            let segment = searcher.segment_reader(address.segment_ord);
            let size = segment
                .fast_fields()
                .u64(schema::SIZE)?
                .first(address.doc_id)
                .unwrap_or(0);
            let visibility = visibility_of(segment, address.doc_id)?;
            shown.push(Listed::Indexed {
                title: stored_text(&doc, f.title),
                lang: stored_text(&doc, f.lang),
                category: stored_text(&doc, f.category),
                date: Date::parse(&stored_text(&doc, f.date)),
                size,
                pages: schema::stored_pages(&doc, f),
                visibility,
                id,
            });
        }
        Ok(Listing {
            total,
            rows: shown,
            categories: categories.into_iter().collect(),
        })
    }
}

/// A document as stored in the index.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub id: String,
    pub title: String,
    pub lang: String,
    pub category: String,
    pub body: String,
}

/// A document's visibility, from its fast column (public when it has none).
fn visibility_of(
    segment: &tantivy::SegmentReader,
    doc: tantivy::DocId,
) -> Result<crate::access::Visibility> {
    let value = schema::fast_str(segment, schema::VISIBILITY, doc)?;
    Ok(crate::access::Visibility::parse(&value).unwrap_or_default())
}
