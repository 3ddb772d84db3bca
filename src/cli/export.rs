//! `vidensbase export`: every corpus document extracted exactly as the indexer does, as JSON
//! lines, for other tools (and the benchmarks' PostgreSQL side): the editors' metadata applied,
//! and a scan's text as OCR read it for the index (export never runs OCR itself).

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use crate::access::Visibility;
use crate::corpus::{self, CorpusFile};
use crate::{extract, ingest};

/// Prints the public documents (with `internal`, the internal ones too) as JSON lines.
pub fn export(corpus_dir: &Path, index_dir: &Path, internal: bool) -> anyhow::Result<()> {
    let files = corpus::walk(corpus_dir, |w| tracing::warn!("{w}"));
    let rules = corpus::Rules::load(corpus_dir)?;
    let ocr = ingest::ocr::Cache::of(index_dir);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for chunk in files.chunks(1024) {
        let lines: Vec<Option<String>> = chunk
            .par_iter()
            .map(|file| line_of(file, &rules, &ocr, internal))
            .collect();
        for line in lines.into_iter().flatten() {
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One document's line; `None` for a file left out (with a warning) or internal.
fn line_of(
    file: &CorpusFile,
    rules: &corpus::Rules,
    ocr: &ingest::ocr::Cache,
    internal: bool,
) -> Option<String> {
    let skip =
        |why: &dyn std::fmt::Display| tracing::warn!("skipping {}: {why}", file.path.display());
    let loaded = extract::load(file.format, &file.path, file.size)
        .map_err(|e| skip(&e))
        .ok()?;
    let title = corpus::title_from_id(&file.id);
    let extracted = extract::extract_from(file.format, loaded.source, &title);
    let mut doc = ingest::ocr::with_cached(extracted, ocr, loaded.hash, &title)
        .map_err(|e| skip(&e))
        .ok()?;
    if let Some(edits) = rules.edits(&file.id) {
        edits.apply(&mut doc);
    }
    let visibility = rules.rule(&file.id).decide(doc.visibility);
    if visibility == Visibility::Intern && !internal {
        return None;
    }
    let mut line = serde_json::json!({
        "id": file.id, "title": doc.title, "lang": doc.language().code(),
        "category": file.category, "visibility": visibility.code(), "text": doc.text,
    });
    // Paged documents: each page's text, page N at index N - 1.
    if doc.pages > 0 {
        line["pages"] = doc.text.split(crate::text::PAGE_BREAK).collect();
    }
    let date = doc.date.map(|d| d.to_string());
    for (key, value) in [("author", doc.author), ("date", date)] {
        if let Some(value) = value {
            line[key] = value.into();
        }
    }
    serde_json::to_string(&line).ok()
}
