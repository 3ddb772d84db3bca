//! The judged relevance sets: `tests/fixtures/relevance/` holds 26 short Danish and English
//! documents and queries tagged by phenomenon, each with its relevant documents and the ones that
//! must not come first; `reader/` (the reader's language) and `precision/` (over-stemming,
//! multi-word translations, elided compounds, long queries) are two more, written from a spec by
//! someone who did not read the ranking code; `long/` pits long reports against short notes.
//! Each test indexes a set, prints success@1, success@3 and MRR@10 per phenomenon (the tables in
//! the README), lists every miss, and asserts floors: per phenomenon, the queries at rank 1 as
//! measured when the floor was set, minus one.

use std::collections::BTreeMap;
use std::path::Path;

use vidensbase::search::{Engine, SearchRequest};

struct Judged {
    phenomenon: String,
    query: String,
    relevant: Vec<String>,
    not_first: Vec<String>,
    /// Physical pages (first, last) where a paged relevant document treats the query (the
    /// optional sixth column, `first-last`).
    pages: Option<(u32, u32)>,
}

fn split_list(field: &str) -> Vec<String> {
    field
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn load(path: &Path) -> Vec<Judged> {
    let text = std::fs::read_to_string(path).expect("queries.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(cols.len() >= 3, "bad line: {line}");
            Judged {
                phenomenon: cols[0].trim().to_string(),
                query: cols[1].to_string(),
                relevant: split_list(cols[2]),
                not_first: cols.get(3).map(|c| split_list(c)).unwrap_or_default(),
                pages: cols.get(5).and_then(|c| {
                    let (first, last) = c.trim().split_once('-')?;
                    Some((first.parse().ok()?, last.parse().ok()?))
                }),
            }
        })
        .collect()
}

#[derive(Default)]
struct Score {
    n: usize,
    at1: usize,
    at3: usize,
    rr: f64,
    traps: usize,
    /// Queries with judged pages, and how many of them had the paged document's hit on one.
    paged: usize,
    right_page: usize,
}

/// Minimum success@3 per phenomenon of the first set.
const FLOOR_AT3: f64 = 0.9;

/// Queries at rank 1 (with no trap first) each phenomenon must keep: measured minus one.
const FLOORS_AT1: &[(&str, usize)] = &[
    // queries.tsv
    ("compound", 12),
    ("cross-language", 18),
    ("folding", 17),
    ("identifier", 11),
    ("inflection", 17),
    ("phrase", 15),
    ("plain", 9),
    ("precision", 10),
    ("typo", 19),
    // reader/
    ("aa-å", 8),
    ("compound-vs-translation", 7),
    ("exact-form", 8),
    ("inflected-vs-quote", 8),
    ("query-language", 10),
    // precision/
    ("elided-compound", 9),
    ("long-query", 8),
    ("multi-word-translation", 11),
    ("over-stemming", 14),
];

/// Every phenomenon of a set has a floor and keeps it.
fn assert_floors(by_phenomenon: &BTreeMap<String, Score>) {
    for (name, s) in by_phenomenon.iter().filter(|(name, _)| *name != "ALL") {
        let floor = FLOORS_AT1
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, floor)| *floor)
            .unwrap_or_else(|| panic!("no floor for phenomenon {name}"));
        assert!(
            s.at1 >= floor,
            "{name}: {} of {} queries at rank 1, floor {floor}",
            s.at1,
            s.n
        );
    }
}

/// Indexes `docs`, runs every judged query, prints the table and the misses, and returns the
/// scores per phenomenon (and `ALL`).
fn run(docs: &Path, queries: &[Judged]) -> BTreeMap<String, Score> {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = vidensbase::ingest::sync(docs, dir.path()).expect("index");
    assert_eq!(report.skipped, 0, "{report}");
    let engine = Engine::open(dir.path()).expect("engine");

    let mut by_phenomenon: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in queries {
        let results = engine
            .search(&SearchRequest::new(q.query.clone()))
            .expect("search");
        let ids: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
        let rank = ids.iter().position(|id| q.relevant.iter().any(|r| r == id));
        let trap = ids
            .first()
            .is_some_and(|first| q.not_first.iter().any(|n| n == first));
        // The page shown for the first relevant paged hit.
        let page = q.pages.map(|(first, last)| {
            let shown = results
                .hits
                .iter()
                .find(|h| h.page.is_some() && q.relevant.contains(&h.id))
                .and_then(|h| h.page);
            (shown, shown.is_some_and(|p| (first..=last).contains(&p)))
        });
        for key in [q.phenomenon.clone(), "ALL".to_string()] {
            let s = by_phenomenon.entry(key).or_default();
            s.n += 1;
            s.at1 += usize::from(rank == Some(0) && !trap);
            s.at3 += usize::from(rank.is_some_and(|r| r < 3));
            s.rr += rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
            s.traps += usize::from(trap);
            s.paged += usize::from(page.is_some());
            s.right_page += usize::from(page.is_some_and(|(_, right)| right));
        }
        let wrong_page = page.is_some_and(|(_, right)| !right);
        if rank != Some(0) || trap || wrong_page {
            misses.push(format!(
                "  [{}] {:?}: rank {} {}{}; got {:?}",
                q.phenomenon,
                q.query,
                rank.map_or("-".to_string(), |r| (r + 1).to_string()),
                if trap { "(TRAP first)" } else { "" },
                match page {
                    Some((shown, false)) => format!(" (page {shown:?}, judged {:?})", q.pages),
                    _ => String::new(),
                },
                &ids[..ids.len().min(3)]
            ));
        }
    }

    println!(
        "\n| phenomenon | queries | success@1 | success@3 | MRR@10 | traps first | right page |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, s) in &by_phenomenon {
        let n = s.n as f64;
        let pages = match s.paged {
            0 => "–".to_string(),
            paged => format!("{}/{paged}", s.right_page),
        };
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {} | {pages} |",
            s.n,
            s.at1 as f64 / n,
            s.at3 as f64 / n,
            s.rr / n,
            s.traps
        );
    }
    println!("\nmisses at rank 1:\n{}", misses.join("\n"));
    by_phenomenon
}

#[test]
fn judged_queries_meet_their_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance");
    let queries = load(&root.join("queries.tsv"));
    assert!(queries.len() >= 80, "{} queries", queries.len());
    let by_phenomenon = run(&root.join("docs"), &queries);
    for (name, s) in &by_phenomenon {
        let at3 = s.at3 as f64 / s.n as f64;
        assert!(
            at3 > FLOOR_AT3,
            "{name}: success@3 {at3:.2} is not above {FLOOR_AT3}"
        );
    }
    assert_floors(&by_phenomenon);
}

/// A judged set of its own folder (`docs/`, `queries.tsv`).
fn judged_set(name: &str, min_queries: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/relevance")
        .join(name);
    let queries = load(&root.join("queries.tsv"));
    assert!(queries.len() >= min_queries, "{} queries", queries.len());
    let by_phenomenon = run(&root.join("docs"), &queries);
    assert_floors(&by_phenomenon);
}

#[test]
fn reader_language_set_meets_its_floors() {
    judged_set("reader", 40);
}

#[test]
fn precision_set_meets_its_floors() {
    judged_set("precision", 36);
}

/// `tests/fixtures/relevance/long/`: two long reports (PDF, 42 and 26 pages) against one-page
/// notes. A report whose chapter is about the query must rank among the first three and show
/// that chapter's page; a report that only mentions the query must not come first.
#[test]
fn long_reports_rank_by_their_best_page() {
    crate::common::require_pdftotext();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance/long");
    let queries = load(&root.join("queries.tsv"));
    assert!(queries.len() >= 20, "{} queries", queries.len());
    let scores = run(&root.join("docs"), &queries);
    let all = &scores["ALL"];
    let at3 = all.at3 as f64 / all.n as f64;
    assert!(
        at3 > FLOOR_AT3,
        "success@3 {at3:.2} is not above {FLOOR_AT3}"
    );
    assert_eq!(
        all.traps, 0,
        "a report that only mentions the query came first"
    );
    let right_pages = all.right_page as f64 / all.paged as f64;
    assert!(
        right_pages >= 0.9,
        "right page for {right_pages:.2} of the queries"
    );
}
