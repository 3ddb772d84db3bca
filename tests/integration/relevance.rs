//! The judged relevance set: `tests/fixtures/relevance/` holds 26 short Danish and English
//! documents and queries tagged by phenomenon, each with its relevant documents and the ones that
//! must not come first. This test indexes them, prints success@1, success@3 and MRR@10 per
//! phenomenon (the table in the README), lists every miss, and asserts floors the engine reaches.

use std::collections::BTreeMap;
use std::path::Path;

use vidensbase::search::{Engine, SearchRequest};

struct Judged {
    phenomenon: String,
    query: String,
    relevant: Vec<String>,
    not_first: Vec<String>,
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
}

/// Minimum success@3 per phenomenon; the issue asks for every phenomenon above 0.9.
const FLOOR_AT3: f64 = 0.9;
/// Minimum success@1 over all queries.
const FLOOR_AT1_ALL: f64 = 0.85;

#[test]
fn judged_queries_meet_their_floors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/relevance");
    let queries = load(&root.join("queries.tsv"));
    assert!(queries.len() >= 80, "{} queries", queries.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let report = vidensbase::indexer::sync(&root.join("docs"), dir.path()).expect("index");
    assert!(report.total >= 20, "{report}");
    let engine = Engine::open(dir.path()).expect("engine");

    let mut by_phenomenon: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for q in &queries {
        let results = engine
            .search(&SearchRequest::new(q.query.clone()))
            .expect("search");
        let ids: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
        let rank = ids.iter().position(|id| q.relevant.iter().any(|r| r == id));
        let trap = ids
            .first()
            .is_some_and(|first| q.not_first.iter().any(|n| n == first));
        for key in [q.phenomenon.clone(), "ALL".to_string()] {
            let s = by_phenomenon.entry(key).or_default();
            s.n += 1;
            s.at1 += usize::from(rank == Some(0) && !trap);
            s.at3 += usize::from(rank.is_some_and(|r| r < 3));
            s.rr += rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
            s.traps += usize::from(trap);
        }
        if rank != Some(0) || trap {
            misses.push(format!(
                "  [{}] {:?}: rank {} {}; got {:?}",
                q.phenomenon,
                q.query,
                rank.map_or("-".to_string(), |r| (r + 1).to_string()),
                if trap { "(TRAP first)" } else { "" },
                &ids[..ids.len().min(3)]
            ));
        }
    }

    println!("\n| phenomenon | queries | success@1 | success@3 | MRR@10 | traps first |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, s) in &by_phenomenon {
        let n = s.n as f64;
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {} |",
            s.n,
            s.at1 as f64 / n,
            s.at3 as f64 / n,
            s.rr / n,
            s.traps
        );
    }
    println!("\nmisses at rank 1:\n{}", misses.join("\n"));

    for (name, s) in &by_phenomenon {
        let at3 = s.at3 as f64 / s.n as f64;
        assert!(
            at3 > FLOOR_AT3,
            "{name}: success@3 {at3:.2} is not above {FLOOR_AT3}"
        );
    }
    let all = &by_phenomenon["ALL"];
    let at1 = all.at1 as f64 / all.n as f64;
    assert!(
        at1 >= FLOOR_AT1_ALL,
        "overall success@1 {at1:.2} below {FLOOR_AT1_ALL}"
    );
}
