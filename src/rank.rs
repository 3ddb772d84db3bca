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

/// A procedure's score (a text with numbered steps) is multiplied by this within its tier for a
/// question that asks how to do something ([`crate::query::question::AnswerType::Steps`]): the
/// guide that shows the steps above the reference page of the dialog it opens, when both match
/// alike.
pub const STEPS: Score = 1.5;

/// The sort key computer for `TopDocs::order_by`: [`Rank`] of each collected document.
pub struct ByTier {
    weights: Vec<Box<dyn Weight>>,
    /// Documents whose score is multiplied, and by how much.
    prefer: Vec<(Box<dyn Weight>, Score)>,
    /// A scored query whose score is added, and the most it adds.
    bonus: Option<(Box<dyn Weight>, Score)>,
}

impl ByTier {
    /// `tiers`, best first (at most [`MAX_TIERS`]; more are ignored); the documents of each of
    /// `prefer` have their scores multiplied by its factor (at least 1: [`PREFERRED`],
    /// [`STEPS`]); `bonus`'s score (at most its second value) is added to the documents it
    /// matches.
    pub fn new(
        searcher: &Searcher,
        tiers: &[Box<dyn Query>],
        prefer: &[(&dyn Query, Score)],
        bonus: Option<(&dyn Query, Score)>,
    ) -> tantivy::Result<ByTier> {
        let weight = |q: &dyn Query| q.weight(EnableScoring::disabled_from_searcher(searcher));
        let weights = tiers
            .iter()
            .take(MAX_TIERS)
            .map(|q| weight(q.as_ref()))
            .collect::<tantivy::Result<_>>()?;
        let prefer = prefer
            .iter()
            .map(|&(q, factor)| Ok((weight(q)?, factor.max(1.0))))
            .collect::<tantivy::Result<_>>()?;
        let bonus = match bonus {
            // A bound that is not a number bounds nothing: NaN sorts below every score.
            Some((q, max)) => Some((
                q.weight(EnableScoring::enabled_from_searcher(searcher))?,
                if max.is_nan() { Score::INFINITY } else { max },
            )),
            None => None,
        };
        Ok(ByTier {
            weights,
            prefer,
            bonus,
        })
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
        let prefer = self
            .prefer
            .iter()
            .map(|(w, factor)| Ok((w.scorer(reader, 1.0)?, *factor)))
            .collect::<tantivy::Result<_>>()?;
        let bonus = match &self.bonus {
            Some((w, max)) => Some((w.scorer(reader, 1.0)?, *max)),
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
            bonus,
            ocr,
        })
    }
}

/// The tier queries' doc sets in one segment, and the preferred documents'.
pub struct SegmentTiers {
    scorers: Vec<Box<dyn Scorer>>,
    prefer: Vec<(Box<dyn Scorer>, Score)>,
    bonus: Option<(Box<dyn Scorer>, Score)>,
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

    /// Whether a document with `score` could enter `top` in the best tier, preferred and with no
    /// OCR discount.
    fn may_beat<C: Comparator<Rank>>(
        &self,
        score: Score,
        top: &TopNComputer<Rank, DocId, C>,
    ) -> bool {
        let Some(threshold) = &top.threshold else {
            return true;
        };
        let best = Rank {
            tier: self.best_tier(),
            score: self.prefer.iter().fold(score, |s, (_, factor)| s * factor),
        };
        C::default().compare(&best, threshold) == Ordering::Greater
    }

    /// What the bonus query adds to `doc`'s score.
    fn bonus_of(&mut self, doc: DocId) -> Score {
        let Some((bonus, _)) = self.bonus.as_mut() else {
            return 0.0;
        };
        match holds(bonus.as_mut(), doc) {
            true => bonus.score(),
            false => 0.0,
        }
    }

    /// The rank of `doc` with `score` (its bonus included).
    fn rank(&mut self, doc: DocId, score: Score) -> Rank {
        let mut score = score;
        for (set, factor) in &mut self.prefer {
            if holds(set.as_mut(), doc) {
                score *= *factor;
            }
        }
        let ocr = self.ocr.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        Rank {
            tier: self.tier(doc),
            score: score * ocr_weight(ocr),
        }
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

    /// A document whose best possible rank (every tier, preferred, the whole bonus, no OCR
    /// discount) does not beat the current top's threshold is dropped before its tiers and its
    /// bonus are looked up: those queries are then sought past it, never read through, and most
    /// matches of a common query cost their score alone. The top is the one `push` would keep.
    fn compute_sort_key_and_collect<C: Comparator<Rank>>(
        &mut self,
        doc: DocId,
        score: Score,
        top: &mut TopNComputer<Rank, DocId, C>,
    ) {
        let max = self.bonus.as_ref().map_or(0.0, |(_, max)| *max);
        if !self.may_beat::<C>(score + max, top) {
            return;
        }
        let score = score + self.bonus_of(doc);
        if !self.may_beat::<C>(score, top) {
            return;
        }
        let rank = self.rank(doc, score);
        top.push(rank, doc);
    }

    fn segment_sort_key(&mut self, doc: DocId, score: Score) -> Rank {
        let score = score + self.bonus_of(doc);
        self.rank(doc, score)
    }

    fn convert_segment_sort_key(&self, rank: Rank) -> Rank {
        rank
    }
}

/// An index in memory of one text field `text`, a document for each of `texts`, in one segment:
/// for the tests of ranking and of custom queries.
#[cfg(test)]
pub(crate) fn ram_index(
    texts: impl IntoIterator<Item = String>,
) -> (tantivy::Index, tantivy::schema::Field) {
    let mut schema = tantivy::schema::Schema::builder();
    let text = schema.add_text_field("text", tantivy::schema::TEXT);
    let index = tantivy::Index::create_in_ram(schema.build());
    let mut writer = index
        .writer_with_num_threads(1, 50_000_000)
        .expect("in-memory index");
    for t in texts {
        writer
            .add_document(tantivy::doc!(text => t))
            .expect("in-memory index");
    }
    writer.commit().expect("in-memory index");
    (index, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{Bm25Weight, BooleanQuery, PhraseQuery, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption};
    use tantivy::{Index, Term};

    /// Documents of `alpha`, `beta` and filler in many arrangements: some with the two words
    /// side by side (the bonus) in long texts, some with many of them apart in short ones.
    fn index() -> (Index, Field) {
        ram_index((0..3000u32).map(|d| {
            let filler = "gamma ".repeat((d % 37) as usize);
            match d % 5 {
                0 => format!("alpha beta {filler}"),
                1 => format!("alpha {filler} beta alpha"),
                2 => format!("beta {filler} alpha beta alpha {filler}"),
                3 => format!("alpha {filler}"),
                _ => format!("{filler} beta"),
            }
        }))
    }

    fn term(text: Field, w: &str) -> Box<dyn Query> {
        let t = Term::from_field_text(text, w);
        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
    }

    #[test]
    fn the_pruned_top_is_the_top_of_the_full_ranking() {
        let (index, text) = index();
        let searcher = index.reader().expect("reader").searcher();
        let core = BooleanQuery::union(vec![term(text, "alpha"), term(text, "beta")]);
        let both: Box<dyn Query> = Box::new(BooleanQuery::intersection(vec![
            term(text, "alpha"),
            term(text, "beta"),
        ]));
        let tiers = [both];
        let words = [
            Term::from_field_text(text, "alpha"),
            Term::from_field_text(text, "beta"),
        ];
        let phrase = PhraseQuery::new(words.to_vec());
        let max = Bm25Weight::for_terms(&searcher, &words)
            .expect("weight")
            .score(0, u32::MAX);
        let top = |limit: usize, max: Score| {
            let by = ByTier::new(
                &searcher,
                &tiers,
                &[(&*tiers[0], PREFERRED)],
                Some((&phrase, max)),
            )
            .expect("sort key");
            let found = searcher
                .search(&core, &TopDocs::with_limit(limit).order_by(by))
                .expect("search");
            found.into_iter().map(|(_, a)| a).collect::<Vec<_>>()
        };
        // Every match ranked, no threshold ever set: the full ranking.
        let full = top(10_000, max);
        assert!(full.len() > 2000, "{}", full.len());
        for k in [1, 3, 10, 50] {
            assert_eq!(top(k, max), full[..k], "top {k}");
        }
        // The test can tell: with a bound below the bonus, documents the bonus lifts are lost.
        assert_ne!(top(10, 0.0), full[..10]);
        // A bound that is not a number (BM25 of a field no document has) bounds nothing.
        assert_eq!(top(10, Score::NAN), full[..10]);
        assert_eq!(top(10, -Score::NAN), full[..10]);
    }

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
