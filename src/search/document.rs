//! One document for its page: its stored text with the query's words marked, its metadata and
//! related documents; and where a document is, by id.

use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::{DocumentView, Engine};
use crate::date::Date;
use crate::error::{Result, UserError};
use crate::format::Format;
use crate::query;
use crate::schema::stored_text;
use crate::snippet;

impl Engine {
    /// The document `id`, with the words of `query` (if any) marked, and its related documents.
    pub fn document(&self, id: &str, query: Option<&str>) -> Result<DocumentView> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let (address, doc) = self
            .find(&searcher, id)?
            .ok_or_else(|| UserError::NotFound(id.to_string()))?;
        let body = stored_text(&doc, f.body);
        let highlight = match query.filter(|q| !q.trim().is_empty()) {
            Some(q) => query::plan(q, f, &searcher, true).highlight,
            None => Default::default(),
        };
        let optional = |field| Some(stored_text(&doc, field)).filter(|s| !s.is_empty());
        Ok(DocumentView {
            id: stored_text(&doc, f.id),
            title: stored_text(&doc, f.title),
            lang: stored_text(&doc, f.lang),
            category: stored_text(&doc, f.category),
            source: optional(f.source),
            date: Date::parse(&stored_text(&doc, f.date)),
            author: optional(f.author),
            pages: crate::schema::stored_pages(&doc, f),
            body: snippet::highlight_all(&body, &highlight),
            related: self.related(&searcher, address, &doc)?,
            editions: self.editions().get(id).cloned().into_iter().collect(),
        })
    }

    /// The format of a document's original file, for serving it: `None` for an unknown id.
    pub fn original(&self, id: &str) -> Result<Option<Format>> {
        let searcher = self.reader.searcher();
        Ok(self
            .address(&searcher, id)?
            .and_then(|_| Format::from_path(std::path::Path::new(id))))
    }

    pub(super) fn find(
        &self,
        searcher: &Searcher,
        id: &str,
    ) -> Result<Option<(DocAddress, TantivyDocument)>> {
        match self.address(searcher, id)? {
            Some(address) => Ok(Some((address, searcher.doc(address)?))),
            None => Ok(None),
        }
    }

    /// Where document `id` is, without reading it (its stored body can be megabytes).
    pub(super) fn address(&self, searcher: &Searcher, id: &str) -> Result<Option<DocAddress>> {
        crate::schema::address(searcher, &self.fields, id)
    }
}
