//! Plain BM25 over pages: the question benchmark's peer (`benches/questions.sh`).
//!
//! ```text
//! cargo run --release --example bm25_pages -- EXPORT.jsonl QUESTIONS.tsv > run.tsv
//! ```
//!
//! `EXPORT.jsonl` is `vidensbase export` (one JSON object a line: `id`, `text` and, for a paged
//! document, `pages`, page N at index N - 1); `QUESTIONS.tsv` has a header line naming at least
//! the columns `id` and `question`.
//!
//! One retrieval unit per page: every page of a paged document (a PDF) is a tantivy document of
//! its own, an unpaged document (an HTML page, a text file) is one as a whole. The unit's text is
//! the export's text of that page or document, in one field with tantivy's `default` tokenizer
//! (split on what is not a letter or digit, lowercase, very long tokens dropped): no stemming, no
//! stop words, no language handling, no title field. A question is the OR of its tokens, scored
//! by tantivy's BM25; nothing else. This is the textbook baseline a search engine should beat.
//!
//! Prints the top 10 of every question as `question id, rank, document id, page` lines,
//! tab-separated, the page empty for an unpaged document.

use std::io::{BufRead, Write};

use anyhow::Context;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, Value, STORED, STRING, TEXT};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

/// Hits printed per question.
const TOP: usize = 10;

/// One retrieval unit: a page of a paged document, or an unpaged document.
#[derive(Debug, PartialEq)]
struct Unit {
    doc: String,
    page: Option<u64>,
    text: String,
}

/// The units of one line of `vidensbase export`.
fn units(line: &str) -> anyhow::Result<Vec<Unit>> {
    let value: serde_json::Value = serde_json::from_str(line).context("an export line")?;
    let doc = value["id"].as_str().context("an export line without id")?;
    if let Some(pages) = value["pages"].as_array() {
        return Ok(pages
            .iter()
            .enumerate()
            .map(|(i, text)| Unit {
                doc: doc.to_string(),
                page: Some(i as u64 + 1),
                text: text.as_str().unwrap_or_default().to_string(),
            })
            .collect());
    }
    Ok(vec![Unit {
        doc: doc.to_string(),
        page: None,
        text: value["text"].as_str().unwrap_or_default().to_string(),
    }])
}

/// The page index and its fields.
struct Pages {
    index: Index,
    reader: IndexReader,
    doc: Field,
    page: Field,
    text: Field,
}

impl Pages {
    /// Indexes the units with one writer thread, so the order of documents (which breaks ties
    /// between equal scores) is the order of the units.
    fn build(units: impl IntoIterator<Item = Unit>) -> tantivy::Result<Pages> {
        let mut schema = Schema::builder();
        let doc = schema.add_text_field("doc", STRING | STORED);
        let page = schema.add_u64_field("page", STORED);
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 100_000_000)?;
        for unit in units {
            let mut d = TantivyDocument::new();
            d.add_text(doc, &unit.doc);
            if let Some(n) = unit.page {
                d.add_u64(page, n);
            }
            d.add_text(text, &unit.text);
            writer.add_document(d)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(Pages {
            index,
            reader,
            doc,
            page,
            text,
        })
    }

    /// The question's tokens as the OR of their term queries; `None` when it has no token.
    fn query(&self, question: &str) -> tantivy::Result<Option<BooleanQuery>> {
        let mut tokenizer = self.index.tokenizer_for_field(self.text)?;
        let mut stream = tokenizer.token_stream(question);
        let mut words: Vec<String> = Vec::new();
        while let Some(token) = stream.next() {
            if !words.contains(&token.text) {
                words.push(token.text.clone());
            }
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let term = Term::from_field_text(self.text, w);
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        Ok((!clauses.is_empty()).then(|| BooleanQuery::new(clauses)))
    }

    /// The best `limit` units for the question: (document id, page), best first.
    fn search(&self, question: &str, limit: usize) -> tantivy::Result<Vec<(String, Option<u64>)>> {
        let Some(query) = self.query(question)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut hits = Vec::with_capacity(top.len());
        for (_score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            let doc = d.get_first(self.doc).and_then(|v| v.as_str());
            let page = d.get_first(self.page).and_then(|v| v.as_u64());
            hits.push((doc.unwrap_or_default().to_string(), page));
        }
        Ok(hits)
    }
}

/// (id, question) of every row of a questions file with a header line.
fn questions(tsv: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines
        .next()
        .context("an empty questions file")?
        .split('\t')
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|c| *c == name)
            .with_context(|| format!("no column {name} in the questions file"))
    };
    let (id, question) = (column("id")?, column("question")?);
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            match (fields.get(id), fields.get(question)) {
                (Some(i), Some(q)) => Ok((i.to_string(), q.to_string())),
                _ => anyhow::bail!("a questions line with too few columns: {l}"),
            }
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [export, questions_file] = args.as_slice() else {
        anyhow::bail!("usage: bm25_pages EXPORT.jsonl QUESTIONS.tsv");
    };
    let file = std::fs::File::open(export).with_context(|| format!("opening {export}"))?;
    let mut all = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.with_context(|| format!("reading {export}"))?;
        if !line.trim().is_empty() {
            all.extend(units(&line)?);
        }
    }
    let count = all.len();
    let pages = Pages::build(all)?;
    eprintln!("bm25_pages: {count} pages and documents indexed");
    let text = std::fs::read_to_string(questions_file)
        .with_context(|| format!("reading {questions_file}"))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (id, question) in questions(&text)? {
        for (rank, (doc, page)) in pages.search(&question, TOP)?.into_iter().enumerate() {
            let page = page.map(|p| p.to_string()).unwrap_or_default();
            writeln!(out, "{id}\t{}\t{doc}\t{page}", rank + 1)?;
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(doc: &str, page: Option<u64>, text: &str) -> Unit {
        Unit {
            doc: doc.into(),
            page,
            text: text.into(),
        }
    }

    #[test]
    fn a_paged_document_is_one_unit_per_page_and_an_unpaged_one_is_whole() {
        let pdf = r#"{"id": "g/a.pdf", "title": "A", "text": "one\n\n\u000c\n\ntwo", "pages": ["one", "two"]}"#;
        assert_eq!(
            units(pdf).expect("units"),
            [
                unit("g/a.pdf", Some(1), "one"),
                unit("g/a.pdf", Some(2), "two")
            ]
        );
        let html = r#"{"id": "h/b.html", "title": "B", "text": "whole text"}"#;
        assert_eq!(
            units(html).expect("units"),
            [unit("h/b.html", None, "whole text")]
        );
        assert!(units("{}").is_err());
    }

    #[test]
    fn ranks_pages_by_bm25_over_the_questions_words_without_stemming() {
        let pages = Pages::build([
            unit(
                "guide.pdf",
                Some(1),
                "contents: root password, partitioning",
            ),
            unit(
                "guide.pdf",
                Some(2),
                "set the root password here; the root password is kept",
            ),
            unit("help.html", None, "passwords of documents"),
            unit("other.html", None, "nothing relevant"),
        ])
        .expect("build");
        let hits = pages
            .search("How do I set the Root password?", 10)
            .expect("search");
        assert_eq!(
            hits,
            [
                ("guide.pdf".to_string(), Some(2)),
                ("guide.pdf".to_string(), Some(1)),
            ],
            "no stemming: `passwords` is not `password`"
        );
        assert!(pages.search("?!", 10).expect("search").is_empty());
        assert_eq!(pages.search("passwords", 1).expect("search").len(), 1);
    }

    #[test]
    fn reads_questions_by_their_header() {
        let tsv = "id\tlang\tquestion\nq001\tda\tHvordan?\nq002\ten\tHow?\n";
        assert_eq!(
            questions(tsv).expect("questions"),
            [
                ("q001".to_string(), "Hvordan?".to_string()),
                ("q002".to_string(), "How?".to_string())
            ]
        );
        assert!(questions("id\tlang\nq1\tda\n").is_err());
    }
}
