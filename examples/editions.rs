//! Evaluation of edition linking on an export of a corpus whose Danish and English editions of
//! one text share a path: `da/X` and `en/X` are a true pair, every other pair is not.
//!
//! ```sh
//! vidensbase --corpus CORPUS export > export.jsonl
//! cargo run --release --example editions -- export.jsonl [--drop-half en|da] [--seed N]
//!     [--threshold T] [--margin M] [--misses N]
//! ```
//!
//! Builds each document's signature, links them one at a time in a shuffled order and again in
//! one batch, and prints per mode the documents, the true pairs present, the links made,
//! precision, recall and F1, and the time per document to make a signature and to link. With
//! `--drop-half`, half of that language's documents (chosen by the seed) are left out first, so
//! every link to a document whose true partner is missing is a false link. `--misses N` prints
//! N missed pairs and N false links of the incremental run with their scores.

use std::collections::HashMap;
use std::io::BufRead;
use std::time::Instant;

use anyhow::Context;
use vidensbase::editions::{compatible, parts, Link, Linker, Signature, Stats};
use vidensbase::lang::Lang;

struct Args {
    export: String,
    drop: Option<Lang>,
    seed: u64,
    threshold: f32,
    margin: f32,
    misses: usize,
}

fn args() -> anyhow::Result<Args> {
    let mut args = Args {
        export: String::new(),
        drop: None,
        seed: 1,
        threshold: vidensbase::editions::THRESHOLD,
        margin: vidensbase::editions::MARGIN,
        misses: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--drop-half" => args.drop = Some(value()?.parse().map_err(anyhow::Error::msg)?),
            "--seed" => args.seed = value()?.parse()?,
            "--threshold" => args.threshold = value()?.parse()?,
            "--margin" => args.margin = value()?.parse()?,
            "--misses" => args.misses = value()?.parse()?,
            _ if args.export.is_empty() && !arg.starts_with("--") => args.export = arg,
            _ => anyhow::bail!("unknown argument {arg}"),
        }
    }
    anyhow::ensure!(
        !args.export.is_empty(),
        "usage: editions EXPORT.jsonl [--drop-half en|da] [--seed N] [--threshold T] [--margin M] [--misses N]"
    );
    Ok(args)
}

/// A small deterministic generator (SplitMix64) for the shuffles: the same seed, the same run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, (self.next() % (i as u64 + 1)) as usize);
        }
    }
}

struct Doc {
    id: String,
    title: String,
    text: String,
    lang: Lang,
    pages: u32,
}

fn read(path: &str) -> anyhow::Result<Vec<Doc>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {path}"))?;
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        docs.push(Doc {
            id: text("id"),
            title: text("title"),
            text: text("text"),
            lang: text("lang").parse().map_err(anyhow::Error::msg)?,
            pages: v["pages"].as_array().map_or(0, |p| p.len() as u32),
        });
    }
    Ok(docs)
}

/// The true partner's id of `id` (`da/X` ↔ `en/X`).
fn twin(id: &str) -> Option<String> {
    if let Some(rest) = id.strip_prefix("da/") {
        Some(format!("en/{rest}"))
    } else {
        id.strip_prefix("en/").map(|rest| format!("da/{rest}"))
    }
}

struct Outcome {
    links: usize,
    correct: usize,
    seconds: f64,
}

fn evaluate(links: &[Link], seconds: f64) -> Outcome {
    let correct = links
        .iter()
        .filter(|l| twin(&l.a).as_deref() == Some(l.b.as_str()))
        .count();
    Outcome {
        links: links.len(),
        correct,
        seconds,
    }
}

fn main() -> anyhow::Result<()> {
    let args = args()?;
    let mut docs = read(&args.export)?;
    let mut rng = Rng(args.seed);
    if let Some(lang) = args.drop {
        let prefix = format!("{}/", lang.code());
        let mut ids: Vec<String> = docs
            .iter()
            .filter(|d| d.id.starts_with(&prefix))
            .map(|d| d.id.clone())
            .collect();
        ids.sort();
        rng.shuffle(&mut ids);
        let dropped: std::collections::HashSet<String> = ids.into_iter().step_by(2).collect();
        docs.retain(|d| !dropped.contains(&d.id));
    }
    let present: std::collections::HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let pairs = docs
        .iter()
        .filter(|d| d.id.starts_with("da/"))
        .filter(|d| twin(&d.id).is_some_and(|t| present.contains(t.as_str())))
        .count();

    let start = Instant::now();
    let sigs: Vec<(String, Signature)> = docs
        .iter()
        .map(|d| {
            (
                d.id.clone(),
                Signature::new(&d.title, &d.text, d.lang, d.pages),
            )
        })
        .collect();
    let sig_seconds = start.elapsed().as_secs_f64();
    let same_lang_pairs = same_language_pairs(&sigs);

    let mut order: Vec<usize> = (0..sigs.len()).collect();
    rng.shuffle(&mut order);
    let mut linker = Linker::with_threshold(args.threshold).with_margin(args.margin);
    let start = Instant::now();
    for &i in &order {
        linker.add(&sigs[i].0, sigs[i].1.clone());
    }
    let incremental = evaluate(&linker.links(), start.elapsed().as_secs_f64());

    let mut batch_linker = Linker::with_threshold(args.threshold).with_margin(args.margin);
    let start = Instant::now();
    batch_linker.add_all(sigs.clone());
    let batch = evaluate(&batch_linker.links(), start.elapsed().as_secs_f64());

    let n = sigs.len();
    println!(
        "documents {n}, true pairs present {pairs} ({same_lang_pairs} of them with both documents \
         in one language, which the guard never links), signature {:.1} µs/document",
        sig_seconds * 1e6 / n as f64
    );
    println!("| mode | links | correct | precision | recall | F1 | link µs/document |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (mode, o) in [("incremental", &incremental), ("batch", &batch)] {
        let p = if o.links == 0 {
            1.0
        } else {
            o.correct as f64 / o.links as f64
        };
        let r = if pairs == 0 {
            1.0
        } else {
            o.correct as f64 / pairs as f64
        };
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        println!(
            "| {mode} | {} | {} | {p:.4} | {r:.4} | {f1:.4} | {:.1} |",
            o.links,
            o.correct,
            o.seconds * 1e6 / n as f64
        );
    }
    if args.misses > 0 {
        misses(&sigs, &linker, args.misses);
    }
    Ok(())
}

/// True pairs whose documents are in one language (an untranslated page under `da/`).
fn same_language_pairs(sigs: &[(String, Signature)]) -> usize {
    let lang: HashMap<&str, Lang> = sigs.iter().map(|(id, s)| (id.as_str(), s.lang)).collect();
    sigs.iter()
        .filter(|(id, _)| id.starts_with("da/"))
        .filter(|(id, s)| twin(id).and_then(|t| lang.get(t.as_str()).copied()) == Some(s.lang))
        .count()
}

/// Prints missed pairs and false links with their scores, for tuning.
fn misses(sigs: &[(String, Signature)], linker: &Linker, max: usize) {
    let links = &linker.links();
    let mut stats = Stats::default();
    for (_, s) in sigs {
        stats.add(s);
    }
    let by_id: HashMap<&str, &Signature> = sigs.iter().map(|(id, s)| (id.as_str(), s)).collect();
    let linked: HashMap<&str, &str> = links
        .iter()
        .flat_map(|l| [(l.a.as_str(), l.b.as_str()), (l.b.as_str(), l.a.as_str())])
        .collect();
    let show = |a: &str, b: &str| {
        let (sa, sb) = (by_id[a], by_id[b]);
        let p = parts(sa, sb, &stats);
        println!(
            "  {a} ~ {b}: score {:.3} (content {:.3}, structure {:.3}), compatible {}",
            p.score(),
            p.content,
            p.structure,
            compatible(sa, sb)
        );
    };
    println!("missed pairs (the Danish id, its link if any):");
    let mut shown = 0;
    for (id, _) in sigs.iter().filter(|(id, _)| id.starts_with("da/")) {
        let Some(t) = twin(id).filter(|t| by_id.contains_key(t.as_str())) else {
            continue;
        };
        if linked.get(id.as_str()) != Some(&t.as_str()) && shown < max {
            show(id, &t);
            println!("    candidates: {:?}", linker.candidates(id));
            println!("    candidates of the English: {:?}", linker.candidates(&t));
            for x in [id.as_str(), t.as_str()] {
                let rival = sigs
                    .iter()
                    .filter(|(o, s)| o != id && *o != t && s.lang != by_id[x].lang)
                    .filter(|(_, s)| compatible(by_id[x], s))
                    .map(|(o, s)| (parts(by_id[x], s, &stats).score(), o))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((score, other)) = rival {
                    println!("    best rival of {x}: {other} {score:.3}");
                }
            }
            if let Some(other) = linked.get(id.as_str()) {
                print!("    linked instead:");
                show(id, other);
            }
            shown += 1;
        }
    }
    println!("false links:");
    for l in links
        .iter()
        .filter(|l| twin(&l.a).as_deref() != Some(l.b.as_str()))
        .take(max)
    {
        show(&l.a, &l.b);
    }
}
