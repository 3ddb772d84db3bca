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

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer};
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

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

/// The sort key computer for `TopDocs::order_by`: [`Rank`] of each collected document.
pub struct ByTier {
    weights: Vec<Box<dyn Weight>>,
}

impl ByTier {
    /// `tiers`, best first (at most [`MAX_TIERS`]; more are ignored).
    pub fn new(searcher: &Searcher, tiers: &[Box<dyn Query>]) -> tantivy::Result<ByTier> {
        let weights = tiers
            .iter()
            .take(MAX_TIERS)
            .map(|q| q.weight(EnableScoring::disabled_from_searcher(searcher)))
            .collect::<tantivy::Result<_>>()?;
        Ok(ByTier { weights })
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
        Ok(SegmentTiers { scorers })
    }
}

/// The tier queries' doc sets in one segment.
pub struct SegmentTiers {
    scorers: Vec<Box<dyn Scorer>>,
}

impl SegmentTiers {
    fn tier(&mut self, doc: DocId) -> u8 {
        let n = self.scorers.len();
        let mut tier = 0u8;
        for (i, s) in self.scorers.iter_mut().enumerate() {
            // Collected documents arrive in increasing order; a doc set already past `doc` (or
            // exhausted) does not hold it.
            let mut at = s.doc();
            if at < doc {
                at = s.seek(doc);
            }
            if at == doc && at != TERMINATED {
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

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> Rank {
        Rank {
            tier: self.tier(doc),
            score,
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
