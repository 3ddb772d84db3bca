//! The search endpoints' query-string parameters, parsed leniently into a [`SearchRequest`].

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::*;
use crate::lang::Lang;
use crate::search::SearchRequest;

/// Query-string parameters of the search endpoints. Extraction never fails: values that do not
/// parse are kept as `None` or reported by [`SearchParams::request`].
#[derive(Debug, Default, Clone)]
pub struct SearchParams {
    pub q: String,
    pub lang: Option<String>,
    pub category: Option<String>,
    pub page: Option<usize>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub expand: bool,
    /// `prefix=1`: the query is being typed (search as you type).
    pub as_typed: bool,
    /// `sort=newest`: newest documents first.
    pub newest: bool,
    /// `type=pdf|office|web|text`: only documents of this type.
    pub kind: Option<String>,
    /// `from=2019`, `to=2021`: only documents dated in these years (one alone: that year on,
    /// or up to it).
    pub from: Option<u16>,
    pub to: Option<u16>,
}

impl SearchParams {
    pub(super) fn from_query(raw: &str) -> SearchParams {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let first = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
        };
        let non_empty = |key: &str| first(key).filter(|v| !v.is_empty());
        SearchParams {
            q: first("q").unwrap_or_default(),
            lang: non_empty("lang"),
            category: non_empty("category"),
            page: non_empty("page").and_then(|v| v.parse().ok()),
            limit: non_empty("limit").and_then(|v| v.parse().ok()),
            offset: non_empty("offset").and_then(|v| v.parse().ok()),
            expand: !matches!(
                first("expand").as_deref(),
                Some("false" | "0" | "no" | "off")
            ),
            as_typed: matches!(first("prefix").as_deref(), Some("1" | "true")),
            newest: first("sort").as_deref() == Some("newest"),
            kind: non_empty("type"),
            from: non_empty("from").and_then(|v| v.parse().ok()),
            to: non_empty("to").and_then(|v| v.parse().ok()),
        }
    }

    /// The document type asked for; an unknown one is a clear 400, as an unknown language is.
    pub(super) fn kind(&self) -> Result<Option<crate::format::Kind>, WebError> {
        match self.kind.as_deref() {
            None => Ok(None),
            Some(k) => crate::format::Kind::parse(k).map(Some).ok_or_else(|| {
                WebError::bad_request(format!("unknown type {k:?} (use pdf, office, web or text)"))
            }),
        }
    }

    /// The years asked for, first and last; a missing end is open.
    pub(super) fn years(&self) -> Option<(u16, u16)> {
        match (self.from, self.to) {
            (None, None) => None,
            (from, to) => Some((from.unwrap_or(0), to.unwrap_or(9999))),
        }
    }

    pub(super) fn lang(&self) -> Result<Option<Lang>, WebError> {
        self.lang
            .as_deref()
            .map(str::parse::<Lang>)
            .transpose()
            .map_err(WebError::bad_request)
    }

    /// The page number, from 1.
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, 1000)
    }

    pub(super) fn request(
        &self,
        limit: usize,
        offset: usize,
        facets: bool,
        audience: crate::access::Audience,
    ) -> Result<SearchRequest, WebError> {
        Ok(SearchRequest {
            query: self.q.clone(),
            lang: self.lang()?,
            category: self.category.clone(),
            kind: self.kind()?,
            years: self.years(),
            limit,
            offset,
            expand: self.expand,
            facets,
            suggest: true,
            as_typed: self.as_typed,
            answer: true,
            audience,
            sort: if self.newest {
                crate::search::Sort::Newest
            } else {
                crate::search::Sort::Relevance
            },
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SearchParams {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SearchParams::from_query(parts.uri.query().unwrap_or("")))
    }
}
