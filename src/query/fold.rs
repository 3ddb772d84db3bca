//! The folded view of a word: one BM25 score over every place its folded term is indexed.
//!
//! The indexer writes a word's folded term (`Analyzer::Fold`) to the `fold_extra` field only
//! where it differs from the word's term in its language field; where the two are the same, the
//! language field already holds it, and indexing it twice would double the work of every build.
//! Scored field by field, though, a folded term is judged against the length of one language's
//! paragraphs: a close spelling found in a short Danish paragraph of a long English document
//! would outrank the Danish document full of the word. [`FoldQuery`] reads the term's postings in
//! `fold_extra` and the four language fields together and scores them as the one field they
//! stand for: term frequency summed over them, document length the sum of the language fields'
//! lengths (every word of a document is in exactly one of them), and collection statistics to
//! match. The query builder uses it for close spellings; a known word's folded term is searched
//! with plain term queries, which tantivy can prune (block-max WAND) and a custom scorer cannot.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::schema::{Fields, TermField};

/// A folded term, searched in `fold_extra` and in the language fields as one field.
#[derive(Debug, Clone)]
pub(super) struct FoldQuery {
    /// The same text in every field of [`TermField::FOLDED_VIEW`].
    terms: Vec<Term>,
    /// The fields whose lengths add up to the document's length in words.
    length_fields: [Field; 4],
}

impl FoldQuery {
    pub(super) fn new(fields: &Fields, folded: &str) -> FoldQuery {
        FoldQuery {
            terms: TermField::FOLDED_VIEW
                .iter()
                .map(|&field| fields.raw_term(field, folded))
                .collect(),
            length_fields: TermField::LANGUAGE.map(|field| fields.get(field)),
        }
    }

    /// The documents holding the term, as far as the statistics tell: the sum over its fields
    /// (a document with the term in two of them counts twice, so this errs towards a lower idf).
    fn doc_freq(&self, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<u64> {
        self.terms.iter().map(|t| stats.doc_freq(t)).sum()
    }
}

impl Query for FoldQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => {
                let docs = stats.total_num_docs()?.max(1);
                let tokens: u64 = self
                    .length_fields
                    .iter()
                    .map(|&f| stats.total_num_tokens(f))
                    .sum::<tantivy::Result<u64>>()?;
                let df = self.doc_freq(stats)?.min(docs);
                Some(Bm25::new(df, docs, tokens as Score / docs as Score))
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(FoldWeight {
            terms: self.terms.clone(),
            length_fields: self.length_fields,
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.terms {
            visitor(term, false);
        }
    }
}

struct FoldWeight {
    terms: Vec<Term>,
    length_fields: [Field; 4],
    /// `None` when scoring is disabled.
    bm25: Option<Bm25>,
}

/// BM25 with tantivy's parameters and idf, over an exact document length: the length is a sum
/// of four fields' lengths, which tantivy's table of quantised lengths does not cover.
#[derive(Debug, Clone, Copy)]
struct Bm25 {
    idf: Score,
    average_length: Score,
    boost: Score,
}

impl Bm25 {
    const K1: Score = 1.2;
    const B: Score = 0.75;

    fn new(doc_freq: u64, docs: u64, average_length: Score) -> Bm25 {
        let (n, docs) = (doc_freq as Score, docs as Score);
        Bm25 {
            idf: (1.0 + (docs - n + 0.5) / (n + 0.5)).ln(),
            average_length: average_length.max(1.0),
            boost: 1.0,
        }
    }

    fn score(&self, length: u32, freq: u32) -> Score {
        let tf = freq as Score;
        let norm = Self::K1 * (1.0 - Self::B + Self::B * length as Score / self.average_length);
        self.boost * self.idf * (1.0 + Self::K1) * tf / (tf + norm)
    }

    fn explain(&self, length: u32, freq: u32) -> Explanation {
        let mut e = Explanation::new("BM25 of the folded view", self.score(length, freq));
        e.add_const("idf", self.idf);
        e.add_const("freq, summed over the fields", freq as Score);
        e.add_const(
            "document length, summed over the language fields",
            length as Score,
        );
        e.add_const("average document length", self.average_length);
        e
    }
}

impl FoldWeight {
    fn fold_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<FoldScorer> {
        let record = if self.bm25.is_some() {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let mut postings = Vec::new();
        for term in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            if let Some(p) = inverted.read_postings(term, record)? {
                postings.push(p);
            }
        }
        let lengths = self
            .length_fields
            .iter()
            .map(|&f| reader.get_fieldnorms_reader(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let doc = postings.iter().map(DocSet::doc).min().unwrap_or(TERMINATED);
        Ok(FoldScorer {
            postings,
            lengths,
            bm25: self.bm25.map(|w| Bm25 { boost, ..w }),
            doc,
        })
    }
}

impl Weight for FoldWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.fold_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.fold_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let (length, freq) = scorer.length_and_freq();
        Ok(match &self.bm25 {
            Some(bm25) => bm25.explain(length, freq),
            None => Explanation::new("<no score>", 1.0),
        })
    }
}

/// The union of the term's postings in the five fields.
struct FoldScorer {
    postings: Vec<SegmentPostings>,
    lengths: Vec<FieldNormReader>,
    bm25: Option<Bm25>,
    doc: DocId,
}

impl FoldScorer {
    /// The current document's length in words and the term's frequency in it.
    fn length_and_freq(&self) -> (u32, u32) {
        let length = self.lengths.iter().map(|r| r.fieldnorm(self.doc)).sum();
        let freq = self
            .postings
            .iter()
            .filter(|p| p.doc() == self.doc)
            .map(|p| p.term_freq())
            .sum();
        (length, freq)
    }
}

impl DocSet for FoldScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut next = TERMINATED;
        for p in &mut self.postings {
            let doc = if p.doc() == current {
                p.advance()
            } else {
                p.doc()
            };
            next = next.min(doc);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        for p in &mut self.postings {
            let doc = if p.doc() < target {
                p.seek(target)
            } else {
                p.doc()
            };
            next = next.min(doc);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings.iter().map(DocSet::size_hint).sum()
    }
}

impl Scorer for FoldScorer {
    fn score(&mut self) -> Score {
        let Some(bm25) = &self.bm25 else {
            return 1.0;
        };
        let (length, freq) = self.length_and_freq();
        bm25.score(length, freq)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::{Index, TantivyDocument};

    use super::*;
    use crate::schema;

    /// A field's value in a test document: which field, and its pre-analysed terms.
    type Value = (fn(&Fields) -> Field, &'static str);

    /// An index of documents given as (id, values).
    fn index(docs: &[(&str, &[Value])]) -> (Index, Fields) {
        let (index, mut writer, fields) = schema::in_memory();
        for (id, values) in docs {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.id, id);
            for (field, terms) in *values {
                doc.add_text(field(&fields), terms);
            }
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        (index, fields)
    }

    /// Ids and scores of the documents `folded` finds, best first.
    fn search(index: &Index, fields: &Fields, folded: &str) -> Vec<(String, Score)> {
        let searcher = index.reader().expect("reader").searcher();
        let query = FoldQuery::new(fields, folded);
        let top = TopDocs::with_limit(10).order_by_score();
        let hits: Vec<(Score, tantivy::DocAddress)> =
            searcher.search(&query, &top).expect("search");
        hits.into_iter()
            .map(|(score, address)| {
                let doc: TantivyDocument = searcher.doc(address).expect("doc");
                // Explaining gives the score the search gave.
                let explained = query.explain(&searcher, address).expect("explain").value();
                assert!((explained - score).abs() < 1e-4, "{explained} vs {score}");
                (schema::stored_text(&doc, fields.id), score)
            })
            .collect()
    }

    fn ids(hits: &[(String, Score)]) -> Vec<&str> {
        hits.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn finds_the_folded_term_in_the_extra_field_and_in_the_language_fields() {
        let (index, f) = index(&[
            // `Aarhus`: the folded term differs from the Danish one, so it is in `fold`.
            (
                "a",
                &[(|f| f.body_da, "aarhus kommun"), (|f| f.fold, "arhus")],
            ),
            // ASCII `Arhus` in an English paragraph: the same term is the English one.
            ("b", &[(|f| f.body_en, "arhus citi")]),
            ("c", &[(|f| f.title_da, "arhus"), (|f| f.body_da, "by")]),
            ("d", &[(|f| f.body_da, "aalborg kommun")]),
        ]);
        let hits = search(&index, &f, "arhus");
        let mut found = ids(&hits);
        found.sort();
        assert_eq!(found, ["a", "b", "c"]);
        assert!(search(&index, &f, "odens").is_empty());
    }

    #[test]
    fn scores_frequency_over_all_fields_against_the_whole_length() {
        let long_english = "the council and the citizens meet in the hall every week";
        let (index, f) = index(&[
            // Inserted first: ties would put them first.
            // Once, in a short Danish paragraph of a long English document.
            (
                "once-long",
                &[
                    (|f| f.body_da, "arhus by og dal"),
                    (|f| f.body_en, long_english),
                ],
            ),
            ("once", &[(|f| f.body_da, "arhus by og dal")]),
            // `Aarhus` (folded) and `Arhus` (already the Danish term); four words in all.
            (
                "twice",
                &[(|f| f.body_da, "aarhus arhus by og"), (|f| f.fold, "arhus")],
            ),
            ("other", &[(|f| f.body_da, "odens by")]),
        ]);
        assert_eq!(
            ids(&search(&index, &f, "arhus")),
            ["twice", "once", "once-long"]
        );
    }
}
