//! How alike two signatures are ([`score`]), the collection statistics that weigh their terms
//! ([`Stats`]), and the guard that keeps some pairs from ever being editions ([`compatible`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Signature, MAX_MARKS};
use crate::lang::Lang;

/// Document frequencies of pivot terms over a collection of signatures, per language, updated
/// one signature at a time (a document added or removed).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Documents per language (Danish, English).
    docs: [u32; 2],
    df: HashMap<String, [u32; 2]>,
}

/// The index of a language in per-language counts.
pub fn side(lang: Lang) -> usize {
    usize::from(lang == Lang::En)
}

impl Stats {
    pub fn add(&mut self, sig: &Signature) {
        let side = side(sig.lang);
        self.docs[side] += 1;
        for (term, _) in &sig.terms {
            self.df.entry(term.clone()).or_default()[side] += 1;
        }
    }

    pub fn remove(&mut self, sig: &Signature) {
        let side = side(sig.lang);
        self.docs[side] = self.docs[side].saturating_sub(1);
        for (term, _) in &sig.terms {
            if let Some(n) = self.df.get_mut(term) {
                n[side] = n[side].saturating_sub(1);
                if *n == [0, 0] {
                    self.df.remove(term);
                }
            }
        }
    }

    /// Documents counted, per language.
    pub fn docs(&self) -> [u32; 2] {
        self.docs
    }

    /// Documents with the term, per language.
    pub fn df(&self, term: &str) -> [u32; 2] {
        self.df.get(term).copied().unwrap_or_default()
    }
}

/// How much a term can tell editions apart, from the collection: its inverse document frequency
/// (a term in every document weighs little) times its balance between the languages (the
/// smaller of its two per-language document rates over the larger). A term of one language only
/// — a Danish word that happens to make a cognate key no English word makes — can never be
/// shared by two editions, and would only dilute the cosine.
pub fn term_weight(docs: [u32; 2], df: [u32; 2]) -> f32 {
    let rate = |side: usize| df[side] as f32 / docs[side].max(1) as f32;
    let (lo, hi) = (rate(0).min(rate(1)), rate(0).max(rate(1)));
    if hi <= 0.0 {
        return 0.0;
    }
    let idf = (1.0 + (docs[0] + docs[1]).max(1) as f32 / (df[0] + df[1]).max(1) as f32).ln();
    idf * lo / hi
}

/// How much a term's kind counts: shared tokens (`=`) are the surest sign of one text, cognate
/// keys (`~`) the least sure.
pub fn class_weight(term: &str) -> f32 {
    match term.as_bytes().first() {
        Some(b'=') => 1.5,
        Some(b'~') => 0.8,
        _ => 1.0,
    }
}

/// The two halves of a score, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parts {
    /// Cosine of the tf-idf weighted pivot terms.
    pub content: f32,
    /// Likeness of headings, paragraphs, length and pages.
    pub structure: f32,
}

impl Parts {
    /// The score: content, discounted steeply by unlike structure. A translation keeps its
    /// headings, paragraphs and their lengths, while the near-identical help pages of two
    /// subjects share most terms and differ in shape (the sixth power was tuned on the
    /// LibreOffice help corpus: benches/README.md, "Editions").
    pub fn score(self) -> f32 {
        self.content * self.structure.powi(6)
    }
}

/// How likely `a` and `b` are editions of one text, 0..=1, with term weights from `stats`.
/// Guards are not applied here: see [`compatible`].
pub fn score(a: &Signature, b: &Signature, stats: &Stats) -> f32 {
    parts(a, b, stats).score()
}

/// [`score`]'s halves.
pub fn parts(a: &Signature, b: &Signature, stats: &Stats) -> Parts {
    let weight = |term: &String, count: u32| {
        tf(count) * term_weight(stats.docs, stats.df(term)) * class_weight(term)
    };
    let content = cosine(
        &a.terms,
        &b.terms,
        norm(&a.terms, weight),
        norm(&b.terms, weight),
        weight,
    );
    Parts {
        content,
        structure: structure(a, b),
    }
}

pub fn tf(count: u32) -> f32 {
    1.0 + (count.max(1) as f32).ln()
}

/// The Euclidean norm of a weighted term list.
pub fn norm<K>(terms: &[(K, u32)], weight: impl Fn(&K, u32) -> f32) -> f32 {
    terms
        .iter()
        .map(|(k, n)| weight(k, *n).powi(2))
        .sum::<f32>()
        .sqrt()
}

/// Cosine of two term lists sorted by key, given their norms.
pub fn cosine<K: Ord>(
    a: &[(K, u32)],
    b: &[(K, u32)],
    norm_a: f32,
    norm_b: f32,
    weight: impl Fn(&K, u32) -> f32,
) -> f32 {
    if norm_a <= 0.0 || norm_b <= 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += weight(&a[i].0, a[i].1) * weight(&b[j].0, b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    (dot / (norm_a * norm_b)).clamp(0.0, 1.0)
}

/// Likeness of shape, 0..=1: the mean of the heading sequences' likeness (twice their longest
/// common subsequence over their lengths), and the ratios of paragraphs, words and pages.
pub fn structure(a: &Signature, b: &Signature) -> f32 {
    let ratio = |x: u32, y: u32| (x.min(y) as f32 + 1.0) / (x.max(y) as f32 + 1.0);
    let headings = if a.headings.is_empty() && b.headings.is_empty() {
        1.0
    } else {
        2.0 * lcs(&a.headings, &b.headings) as f32 / (a.headings.len() + b.headings.len()) as f32
    };
    let mut parts = vec![
        headings,
        ratio(a.paragraphs, b.paragraphs),
        ratio(a.words, b.words),
        lengths(&a.lengths, &b.lengths),
    ];
    if a.pages > 0 || b.pages > 0 {
        parts.push(ratio(a.pages, b.pages));
    }
    parts.iter().sum::<f32>() / parts.len() as f32
}

/// Likeness of two sequences of paragraph lengths, 0..=1: paragraph by paragraph from the start,
/// the ratio of the shorter to the longer after scaling one text to the other's total length,
/// weighted by length, over the paragraphs of the longer sequence (unmatched ones count 0).
fn lengths(a: &[u16], b: &[u16]) -> f32 {
    let total = |x: &[u16]| x.iter().map(|&n| n as f32).sum::<f32>();
    let (ta, tb) = (total(a), total(b));
    if ta <= 0.0 || tb <= 0.0 {
        return if ta == tb { 1.0 } else { 0.0 };
    }
    let scale = ta / tb;
    let mut alike = 0.0;
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as f32, y as f32 * scale);
        alike += x.min(y) / x.max(y).max(1.0) * (x + y) / 2.0;
    }
    (alike / ta).clamp(0.0, 1.0)
}

/// Length of the longest common subsequence (both are at most a few dozen long).
fn lcs(a: &[u8], b: &[u8]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Whether `a` and `b` may be editions of one text at all:
/// - their languages differ;
/// - every year **prominent** in one (in its title, or written at least twice) occurs in the
///   other, both ways: a 2019 plan and its 2024 successor each name their own years throughout,
///   and the older never names the newer's;
/// - likewise every prominent version number (`v2`, `version 2.1`, `LibreOffice 7.4`, `3.6.1`).
pub fn compatible(a: &Signature, b: &Signature) -> bool {
    a.lang != b.lang && marks_agree(&a.years, &b.years) && marks_agree(&a.versions, &b.versions)
}

/// A mark counts as prominent from this many mentions (a title's mention counts 2 more).
pub const PROMINENT: u32 = 2;

fn marks_agree<K: PartialEq>(a: &[(K, u32)], b: &[(K, u32)]) -> bool {
    let covered = |x: &[(K, u32)], y: &[(K, u32)]| {
        // A full list kept only its strongest marks: one no stronger than its weakest may have
        // been left out of it, and says nothing (a manual names hundreds of section numbers).
        let cut = (y.len() >= MAX_MARKS).then(|| y.iter().map(|(_, n)| *n).min().unwrap_or(0));
        x.iter()
            .filter(|(_, n)| *n >= PROMINENT && cut.is_none_or(|cut| *n > cut))
            .all(|(k, _)| y.iter().any(|(other, _)| other == k))
    };
    covered(a, b) && covered(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(lang: Lang, title: &str, text: &str) -> Signature {
        Signature::new(title, text, lang, 0)
    }

    #[test]
    fn never_one_language() {
        let a = sig(Lang::Da, "Plan", "Kommunen og OGP i 2020.");
        assert!(!compatible(&a, &a.clone()));
        let b = sig(Lang::En, "Plan", "The municipality and OGP in 2020.");
        assert!(compatible(&a, &b));
    }

    #[test]
    fn a_mark_a_full_list_may_have_left_out_is_no_contradiction() {
        let mut da = sig(Lang::Da, "Håndbog", "Tekst.");
        let mut en = sig(Lang::En, "Manual", "Text.");
        // Two full lists of section numbers, three mentions each, that kept different last ones.
        let full: Vec<(String, u32)> = (0..MAX_MARKS).map(|i| (format!("1.{i}.1"), 3)).collect();
        en.versions = full.clone();
        da.versions = full[..MAX_MARKS - 1].to_vec();
        da.versions.push(("2.1.5".into(), 3));
        assert!(compatible(&da, &en));
        // Written five times, it would have been kept in the English list, which lacks it.
        da.versions.last_mut().expect("a mark").1 = 5;
        assert!(!compatible(&da, &en));
        // A list that is not full kept everything: a prominent mark missing from it counts.
        en.versions = full[..4].to_vec();
        da.versions = full[..4].to_vec();
        da.versions.push(("2.1.5".into(), 2));
        assert!(!compatible(&da, &en));
    }

    #[test]
    fn prominent_years_must_occur_in_both() {
        let da = |title: &str, text: &str| sig(Lang::Da, title, text);
        let en = |title: &str, text: &str| sig(Lang::En, title, text);
        // A year in a title is prominent: the 2019 plan is no edition of the 2024 plan.
        assert!(!compatible(
            &da("Handlingsplan 2019", "Planen."),
            &en("Action plan 2024", "The plan.")
        ));
        // A year written twice is prominent, and the other edition must name it at least once.
        let old = da("Handlingsplan", "Planen for 2019. I 2019 gør vi det.");
        assert!(!compatible(
            &old,
            &en("Action plan", "The plan for 2024. In 2024 we do it.")
        ));
        assert!(compatible(
            &old,
            &en("Action plan", "The plan for 2019 and beyond.")
        ));
        // A year named once in one edition (a reference, a colophon) need not be in the other.
        assert!(compatible(
            &da("Handlingsplan", "Planen afløser planen fra 2015."),
            &en("Action plan", "The plan.")
        ));
    }

    #[test]
    fn prominent_versions_must_occur_in_both() {
        let manual = |lang, v: &str| {
            let text = format!("LibreOffice {v} help. Version {v} adds macros.");
            sig(lang, &format!("Manual v{v}"), &text)
        };
        assert!(compatible(
            &manual(Lang::Da, "7.4"),
            &manual(Lang::En, "7.4")
        ));
        assert!(!compatible(
            &manual(Lang::Da, "7.4"),
            &manual(Lang::En, "7.5")
        ));
        // Decimal numbers are no versions: the Danish 2,5 and the English 2.5 agree.
        assert!(compatible(
            &sig(Lang::Da, "Vækst", "Væksten var 2,5 pct. og 2,5 pct."),
            &sig(
                Lang::En,
                "Growth",
                "Growth was 2.5 per cent and 2.5 per cent."
            )
        ));
    }

    #[test]
    fn translations_score_above_unrelated_texts() {
        let da = sig(
            Lang::Da,
            "Civilsamfundsstrategi",
            "# Civilsamfundsstrategi\n\nKommunen og civilsamfundet: OGP, 1.250 frivillige.\n\n\
             ## Ensomhed\n\nForebyggelse af ensomhed i Aarhus.",
        );
        let en = sig(
            Lang::En,
            "Civil society strategy",
            "# Civil society strategy\n\nThe municipality and civil society: OGP, 1,250 \
             volunteers.\n\n## Loneliness\n\nPreventing loneliness in Aarhus.",
        );
        let other = sig(
            Lang::En,
            "Data protection",
            "# Data protection\n\nThe GDPR and the Danish Data Protection Agency, since 2018.",
        );
        let mut stats = Stats::default();
        for s in [&da, &en, &other] {
            stats.add(s);
        }
        let (pair, unrelated) = (score(&da, &en, &stats), score(&da, &other, &stats));
        assert!(pair > 0.5 && unrelated < 0.1, "{pair} {unrelated}");
        assert!(structure(&da, &en) > structure(&da, &other));
        stats.remove(&other);
        assert_eq!(stats.docs(), [1, 1]);
        assert_eq!(stats.df("=ogp"), [1, 1]);
        assert_eq!(stats.df("=2018"), [0, 0]);
    }
}
