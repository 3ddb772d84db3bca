//! Ranking as an ordering: documents sort by their tier first and by BM25 only within a tier, so
//! no sum of scores can lift a document over one of a better tier.
//!
//! A tier is which of a list of yes/no queries ([`query::Tiered::tiers`], best first: "has every
//! word", "matches with the reader's own spellings", …) a document satisfies. They are not scored
//! as part of the query; for each document the query collects, the tier queries' doc sets are
//! advanced to it (documents arrive in order within a segment, so each tier query is read once).
//!
//! [`query::Tiered::tiers`]: crate::query::Tiered

use std::cmp::Ordering;

use tantivy::collector::sort_key::{Comparator, NaturalComparator};
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer, TopNComputer};
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{DocId, Score, Searcher, SegmentReader, TERMINATED};

/// Where a document ranks: its tier (a bit per tier query it satisfies, the best query's the
/// highest bit), then its score.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rank {
    pub tier: u8,
    pub score: Score,
}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(
            self.tier
                .cmp(&other.tier)
                .then(self.score.total_cmp(&other.score)),
        )
    }
}

/// At most this many tier queries (one bit each in [`Rank::tier`]).
pub const MAX_TIERS: usize = 8;

/// A preferred document's score is multiplied by this within its tier: enough to put the
/// reader's edition of a text above the other (their scores differ by their languages' words
/// and lengths only), not enough to lift a weak match over a clearly better one.
pub const PREFERRED: Score = 1.5;

/// The weight of text read by OCR from its stored value ([`crate::schema::Fields::ocr`]: 0 for
/// text from the file, else 1 + the mean confidence, 0–100): between 0.8 and 0.99, so a scanned
/// page ranks below clean text of the same score, the lower its confidence the further, and never
/// leaves its tier.
pub fn ocr_weight(stored: u64) -> Score {
    match stored {
        0 => 1.0,
        n => 0.8 + 0.19 * (n.min(101) - 1) as Score / 100.0,
    }
}

/// The sort key computer for `TopDocs::order_by`: [`Rank`] of each collected document.
pub struct ByTier {
    weights: Vec<Box<dyn Weight>>,
    prefer: Option<Box<dyn Weight>>,
}

impl ByTier {
    /// `tiers`, best first (at most [`MAX_TIERS`]; more are ignored); the documents of
    /// `prefer` have their scores multiplied by [`PREFERRED`].
    pub fn new(
        searcher: &Searcher,
        tiers: &[Box<dyn Query>],
        prefer: Option<&dyn Query>,
    ) -> tantivy::Result<ByTier> {
        let weight = |q: &dyn Query| q.weight(EnableScoring::disabled_from_searcher(searcher));
        let weights = tiers
            .iter()
            .take(MAX_TIERS)
            .map(|q| weight(q.as_ref()))
            .collect::<tantivy::Result<_>>()?;
        let prefer = prefer.map(weight).transpose()?;
        Ok(ByTier { weights, prefer })
    }
}

impl SortKeyComputer for ByTier {
    type SortKey = Rank;
    type Child = SegmentTiers;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        true
    }

    fn segment_sort_key_computer(&self, reader: &SegmentReader) -> tantivy::Result<SegmentTiers> {
        let scorers = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, 1.0))
            .collect::<tantivy::Result<_>>()?;
        let prefer = match &self.prefer {
            Some(w) => Some(w.scorer(reader, 1.0)?),
            None => None,
        };
        // Only a segment with text read by OCR pays for the lookup.
        let ocr = reader
            .fast_fields()
            .u64(crate::schema::OCR)
            .ok()
            .filter(|column| column.values.num_vals() > 0);
        Ok(SegmentTiers {
            scorers,
            prefer,
            ocr,
        })
    }
}

/// The tier queries' doc sets in one segment, and the preferred documents'.
pub struct SegmentTiers {
    scorers: Vec<Box<dyn Scorer>>,
    prefer: Option<Box<dyn Scorer>>,
    /// The segment's OCR confidences, when it has any.
    ocr: Option<tantivy::columnar::Column<u64>>,
}

/// Whether `set`, advanced in increasing document order, holds `doc`.
fn holds(set: &mut dyn Scorer, doc: DocId) -> bool {
    let mut at = set.doc();
    if at < doc {
        at = set.seek(doc);
    }
    at == doc && at != TERMINATED
}

impl SegmentTiers {
    /// The tier of a document every tier query holds.
    fn best_tier(&self) -> u8 {
        ((1u16 << self.scorers.len()) - 1) as u8
    }

    fn tier(&mut self, doc: DocId) -> u8 {
        let n = self.scorers.len();
        let mut tier = 0u8;
        // Collected documents arrive in increasing order; a doc set already past `doc` (or
        // exhausted) does not hold it.
        for (i, s) in self.scorers.iter_mut().enumerate() {
            if holds(s.as_mut(), doc) {
                tier |= 1 << (n - 1 - i);
            }
        }
        tier
    }
}

impl SegmentSortKeyComputer for SegmentTiers {
    type SortKey = Rank;
    type SegmentSortKey = Rank;
    type SegmentComparator = NaturalComparator;

    /// A document whose best possible rank (every tier, preferred, no OCR discount) does not
    /// beat the current top's threshold is dropped before its tiers are looked up: the tier
    /// queries are then sought past it, never read through, and most matches of a common query
    /// cost their score alone. The top is the one `push` would keep.
    fn compute_sort_key_and_collect<C: Comparator<Rank>>(
        &mut self,
        doc: DocId,
        score: Score,
        top: &mut TopNComputer<Rank, DocId, C>,
    ) {
        if let Some(threshold) = &top.threshold {
            let best = Rank {
                tier: self.best_tier(),
                score: if self.prefer.is_some() {
                    score * PREFERRED
                } else {
                    score
                },
            };
            if C::default().compare(&best, threshold) != Ordering::Greater {
                return;
            }
        }
        let rank = self.segment_sort_key(doc, score);
        top.push(rank, doc);
    }

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> Rank {
        let preferred = self.prefer.as_mut().is_some_and(|p| holds(p.as_mut(), doc));
        let score = if preferred { score * PREFERRED } else { score };
        let ocr = self.ocr.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        Rank {
            tier: self.tier(doc),
            score: score * ocr_weight(ocr),
        }
    }

    fn convert_segment_sort_key(&self, rank: Rank) -> Rank {
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocr_text_weighs_less_the_less_sure_it_is() {
        assert_eq!(ocr_weight(0), 1.0);
        assert!(ocr_weight(101) < 1.0);
        assert!(ocr_weight(41) < ocr_weight(91));
        assert!(ocr_weight(1) >= 0.8);
    }

    #[test]
    fn a_better_tier_wins_over_any_score() {
        let low = Rank {
            tier: 1,
            score: 1e9,
        };
        let high = Rank {
            tier: 2,
            score: 0.001,
        };
        assert!(high > low);
        assert!(
            Rank {
                tier: 2,
                score: 2.0
            } > high
        );
    }
}
