//! Related documents: those sharing the most distinctive words of a document, in either
//! language (its top terms by tf-idf, and their glossary translations).

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::{Engine, Related, RELATED};
use crate::access::Audience;
use crate::analysis;
use crate::error::Result;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::schema::{stored_text, TermField};

impl Engine {
    /// Up to five documents sharing the most distinctive words of `doc`, in either language:
    /// its top terms by tf-idf, plus their glossary translations.
    pub(super) fn related(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        doc: &TantivyDocument,
        audience: Audience,
    ) -> Result<Vec<Related>> {
        let f = &self.fields;
        let lang: Lang = stored_text(doc, f.lang).parse().unwrap_or(Lang::En);
        let text = format!(
            "{}\n\n{}",
            stored_text(doc, f.title),
            stored_text(doc, f.body)
        );
        let body = TermField::Body(lang);
        // Term frequencies of the document's own words (first occurrence keeps the surface form).
        let mut tf: HashMap<String, (u32, String)> = HashMap::new();
        for (_, lower) in analysis::lower_words(&text) {
            if lower.chars().count() < 4 || lower.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let t = body.analyzer().term(&lower);
            tf.entry(t).or_insert((0, lower)).0 += 1;
        }
        let n = searcher.num_docs().max(1) as f32;
        let field = f.get(body);
        let mut scored: Vec<(f32, String, String)> = tf
            .into_iter()
            .filter_map(|(t, (count, surface))| {
                let df = searcher.doc_freq(&Term::from_field_text(field, &t)).ok()? as f32;
                if df < 2.0 || df > n * 0.3 {
                    return None; // unique to this document, or too common to mean anything
                }
                Some(((1.0 + (count as f32).ln()) * (n / df).ln(), t, surface))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.truncate(20);
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (weight, term, surface) in &scored {
            let q = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), *weight)),
            ));
            for e in Glossary::global().expand(std::slice::from_ref(surface)) {
                let words: Vec<&str> = e.phrase.split(' ').collect();
                if let [single] = words.as_slice() {
                    let q = TermQuery::new(
                        f.term(TermField::Body(e.lang), single),
                        IndexRecordOption::WithFreqs,
                    );
                    should.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(q), *weight)),
                    ));
                }
            }
        }
        if should.is_empty() {
            return Ok(Vec::new());
        }
        let q = BooleanQuery::new(should);
        let q = crate::query::filtered(Box::new(q), &super::restriction(f, searcher, audience));
        let top = searcher.search(&*q, &TopDocs::with_limit(RELATED + 1).order_by_score())?;
        let mut related = Vec::new();
        for (_, other) in top.into_iter().filter(|(_, a)| *a != address).take(RELATED) {
            let d: TantivyDocument = searcher.doc(other)?;
            related.push(Related {
                id: stored_text(&d, f.id),
                title: stored_text(&d, f.title),
                lang: stored_text(&d, f.lang),
                category: stored_text(&d, f.category),
            });
        }
        Ok(related)
    }
}
