//! [`Signature`]: the compact summary of one document that linking editions needs, made once from
//! the extracted title, text, language and page count, so that linking never reads a document
//! again (an index can store it beside the document).

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::pivot;
use super::tokens::{shared_tokens, Token};
use crate::lang::{self, Lang};

/// Pivot terms kept per document: the strongest by [`local_weight`].
pub const MAX_TERMS: usize = 128;
/// Heading levels kept per document, in order.
pub const MAX_HEADINGS: usize = 64;
/// Paragraph lengths kept per document, from its start.
pub const MAX_LENGTHS: usize = 64;
/// Distinct years and version numbers kept per document.
pub const MAX_MARKS: usize = 32;
/// A title's word counts this many times: a title is its document's best summary.
const TITLE_WEIGHT: u32 = 2;

/// The summary of one document for linking editions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    pub lang: Lang,
    /// Pivot terms and their counts, sorted by term: shared tokens (`=`), glossary terms (`g:`)
    /// and cognate keys (`~`) ([`pivot`]).
    pub terms: Vec<(String, u32)>,
    /// The levels of the document's headings, in order (at most [`MAX_HEADINGS`]).
    pub headings: Vec<u8>,
    /// Paragraphs that are no heading.
    pub paragraphs: u32,
    /// The lengths in characters of the first paragraphs, headings included (at most
    /// [`MAX_LENGTHS`]): a translation's paragraphs are long where the original's are (Gale &
    /// Church 1993).
    pub lengths: Vec<u16>,
    /// Pages of a paged document, 0 for the others.
    pub pages: u32,
    /// Words of the text ([`crate::analysis::words`]).
    pub words: u32,
    /// Years written alone, with their counts (a year in the title counts [`TITLE_WEIGHT`] more).
    pub years: Vec<(u16, u32)>,
    /// Version numbers, with their counts (likewise).
    pub versions: Vec<(String, u32)>,
}

impl Signature {
    /// The signature of an extracted document: its title, its text (paragraphs separated by blank
    /// lines, headings marked with `#`, pages by [`crate::text::PAGE_BREAK`]), its language and its
    /// page count.
    pub fn new(title: &str, text: &str, lang: Lang, pages: u32) -> Signature {
        let mut counts: FxHashMap<String, u32> = FxHashMap::default();
        let mut years: HashMap<u16, u32> = HashMap::new();
        let mut versions: HashMap<String, u32> = HashMap::new();
        for (part, weight) in [(title, TITLE_WEIGHT), (text, 1)] {
            pivot::count_words(part, lang, weight, &mut counts);
            shared_tokens(part, |token| {
                let term = match token {
                    Token::Shared(s) => s,
                    Token::Year(y) => {
                        *years.entry(y).or_default() += weight;
                        y.to_string()
                    }
                    Token::Version(v) => {
                        *versions.entry(v.clone()).or_default() += weight;
                        v.replace('.', "")
                    }
                };
                *counts.entry(format!("={term}")).or_default() += weight;
            });
        }
        let (headings, paragraphs, lengths) = structure(text);
        Signature {
            lang,
            terms: strongest(counts, MAX_TERMS, |t, n| local_weight(t, n)),
            headings,
            paragraphs,
            lengths,
            pages,
            words: crate::analysis::words(text).count() as u32,
            years: strongest(years, MAX_MARKS, |_, n| n as f32),
            versions: strongest(versions, MAX_MARKS, |_, n| n as f32),
        }
    }
}

/// The heading levels in order, the count of the other paragraphs, and the lengths in
/// characters of the first [`MAX_LENGTHS`] paragraphs (headings included).
fn structure(text: &str) -> (Vec<u8>, u32, Vec<u16>) {
    let mut headings = Vec::new();
    let mut paragraphs = 0;
    let mut lengths = Vec::new();
    for paragraph in lang::paragraphs(text) {
        if paragraph == "\u{c}" {
            continue;
        }
        if lengths.len() < MAX_LENGTHS {
            lengths.push(paragraph.chars().count().min(u16::MAX as usize) as u16);
        }
        match crate::text::heading(paragraph) {
            Some((level, _)) if headings.len() < MAX_HEADINGS => headings.push(level as u8),
            Some(_) => {}
            None => paragraphs += 1,
        }
    }
    (headings, paragraphs, lengths)
}

/// How strongly a term speaks for its document before the collection's statistics are known:
/// shared tokens are rare by nature, and a term's count grows its weight slowly.
pub fn local_weight(term: &str, count: u32) -> f32 {
    let class = if term.starts_with('=') { 2.0 } else { 1.0 };
    class * (1.0 + (count as f32).ln())
}

/// At most `max` entries, the heaviest by `weight` chosen, returned sorted by key.
fn strongest<K: Ord, S>(
    counts: HashMap<K, u32, S>,
    max: usize,
    weight: impl Fn(&K, u32) -> f32,
) -> Vec<(K, u32)> {
    let mut all: Vec<(K, u32)> = counts.into_iter().collect();
    if all.len() > max {
        all.sort_by(|a, b| {
            weight(&b.0, b.1)
                .total_cmp(&weight(&a.0, a.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        all.truncate(max);
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_words_tokens_structure_and_marks() {
        let text = "# Handlingsplan 2019\n\nKommunen udgiver version 2.1 af planen i 2019.\n\n\
                    ## Mål\n\nSe www.kl.dk og OGP.\n\n\u{c}\n\nSide to.";
        let sig = Signature::new("Handlingsplan 2019", text, Lang::Da, 2);
        let term = |t: &str| sig.terms.iter().find(|(k, _)| k == t).map(|(_, n)| *n);
        assert_eq!(term("g:municip"), Some(1));
        assert_eq!(term("=www.kl.dk"), Some(1));
        assert_eq!(term("=ogp"), Some(1));
        assert_eq!(term("=21"), Some(1));
        // The title counts twice, the heading and the body once each.
        assert_eq!(term("=2019"), Some(4));
        assert_eq!(sig.years, [(2019, 4)]);
        assert_eq!(sig.versions, [("2.1".to_string(), 1)]);
        assert_eq!(sig.headings, [1, 2]);
        assert_eq!(sig.paragraphs, 3);
        assert_eq!(sig.pages, 2);
        assert!(sig.terms.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn size_is_bounded() {
        let text: String = (0..2000).map(|i| format!("ID{i} word{i}x ")).collect();
        let sig = Signature::new("", &text, Lang::En, 0);
        assert_eq!(sig.terms.len(), MAX_TERMS);
        let bytes = serde_json::to_vec(&sig)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        assert!(bytes < 8 * 1024, "{bytes}");
    }
}
