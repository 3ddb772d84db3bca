//! One document for its page: its stored text with the query's words marked, its metadata and
//! related documents; and where a document is, by id.

use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::{DocumentView, Engine};
use crate::access::Audience;
use crate::date::Date;
use crate::error::{Result, UserError};
use crate::format::Format;
use crate::query;
use crate::schema::stored_text;
use crate::snippet;

impl Engine {
    /// The document `id`, with the words of `query` (if any) marked, and its related documents.
    /// A document `audience` may not see is not found, as an id that does not exist is not:
    /// the answer does not tell that it exists.
    pub fn document(
        &self,
        id: &str,
        query: Option<&str>,
        audience: Audience,
    ) -> Result<DocumentView> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let (address, doc) = self
            .find(&searcher, id)?
            .filter(|_| self.may_see(&searcher, id, audience))
            .ok_or_else(|| UserError::NotFound(id.to_string()))?;
        let body = stored_text(&doc, f.body);
        let highlight = match query.filter(|q| !q.trim().is_empty()) {
            Some(q) => query::plan(q, f, &searcher, true, audience).highlight,
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
            kind: crate::format::Kind::parse(&crate::schema::fast_str(
                searcher.segment_reader(address.segment_ord),
                crate::schema::KIND,
                address.doc_id,
            )?),
            ocr_confidence: doc
                .get_first(f.ocr)
                .and_then(|v| tantivy::schema::Value::as_u64(&v))
                .filter(|&n| n > 0)
                .map(|n| (n - 1).min(100) as u8),
            pages: crate::schema::stored_pages(&doc, f),
            body: snippet::highlight_all(&body, &highlight),
            related: self.related(&searcher, address, &doc, audience)?,
            editions: (self.editions().get(id).cloned().into_iter())
                .filter(|e| self.may_see(&searcher, &e.id, audience))
                .collect(),
        })
    }

    /// The format of a document's original file, for serving it: `None` for an unknown id or
    /// one `audience` may not see.
    pub fn original(&self, id: &str, audience: Audience) -> Result<Option<Format>> {
        let searcher = self.reader.searcher();
        Ok(self
            .address(&searcher, id)?
            .filter(|_| self.may_see(&searcher, id, audience))
            .and_then(|_| Format::from_path(std::path::Path::new(id))))
    }

    /// Who may open document `id`, as the index holds it; `None` when it is not indexed.
    pub fn visibility(&self, id: &str) -> Result<Option<crate::access::Visibility>> {
        let searcher = self.reader.searcher();
        let Some(address) = self.address(&searcher, id)? else {
            return Ok(None);
        };
        let segment = searcher.segment_reader(address.segment_ord);
        let value = crate::schema::fast_str(segment, crate::schema::VISIBILITY, address.doc_id)?;
        Ok(Some(
            crate::access::Visibility::parse(&value).unwrap_or_default(),
        ))
    }

    /// Whether document `id` is in the index and `audience` may see it (on any failure to
    /// tell: no).
    pub(super) fn may_see(&self, searcher: &Searcher, id: &str, audience: Audience) -> bool {
        let restriction = super::restriction(&self.fields, searcher, audience);
        if restriction.is_empty() {
            return true;
        }
        let by_id = Box::new(tantivy::query::TermQuery::new(
            tantivy::Term::from_field_text(self.fields.id, id),
            Default::default(),
        ));
        let q = query::filtered(by_id, &restriction);
        searcher
            .search(&*q, &tantivy::collector::Count)
            .is_ok_and(|n| n > 0)
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
