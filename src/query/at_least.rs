//! "At least `need` of these clauses": the lenient query of a long question, and its tiers.
//!
//! tantivy answers `union_with_minimum_required_clauses` with a binary heap that pops and pushes
//! every clause at every matching document; at a million pages a five-word query spent three
//! quarters of its time there. This query reads each clause's documents once, a window of
//! [`WINDOW`] documents at a time, counting and summing per document as tantivy's own plain union
//! does, and yields the documents that at least `need` clauses hold, with the sum of their
//! scores — the same documents and scores as the heap. Only the cheapest clauses are read
//! through (a match must hold one of them); the others are sought at the documents those found,
//! so `fine tuning text documents` costs what its rare words cost, not its common ones.

use std::fmt;

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// At most this many clauses (a document's count of them is a byte).
pub(super) const MAX_CLAUSES: usize = u8::MAX as usize;

/// Documents read per window: 64 words of 64 bits.
const WINDOW: u32 = 4096;
const WORDS: usize = (WINDOW / 64) as usize;

/// The documents at least `need` of `clauses` match, scored by the sum of the matching clauses'
/// scores. The builder asks it for 2 ≤ `need` < clauses ≤ [`MAX_CLAUSES`], and for any one of a
/// question's words scored by share ([`AtLeast::by_share`], [`super::builder::at_least`]); more
/// clauses than that match nothing.
pub struct AtLeast {
    clauses: Vec<Box<dyn Query>>,
    need: usize,
    by_share: bool,
}

impl AtLeast {
    pub fn new(clauses: Vec<Box<dyn Query>>, need: usize) -> AtLeast {
        AtLeast {
            clauses,
            need,
            by_share: false,
        }
    }

    /// Each document's sum multiplied by the share of the clauses it matches (`k` of `n`:
    /// `k / n`, the coordination factor of Lucene's classic similarity): a document with most
    /// of a question's words above one that repeats a few of them.
    pub fn by_share(mut self) -> AtLeast {
        self.by_share = true;
        self
    }
}

impl Clone for AtLeast {
    fn clone(&self) -> AtLeast {
        AtLeast {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
            need: self.need,
            by_share: self.by_share,
        }
    }
}

impl fmt::Debug for AtLeast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AtLeast({} of {:?})", self.need, self.clauses)
    }
}

impl Query for AtLeast {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AtLeastWeight {
            weights,
            need: self.need,
            scoring: scoring.is_scoring_enabled(),
            by_share: self.by_share,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.clauses {
            q.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    weights: Vec<Box<dyn Weight>>,
    need: usize,
    scoring: bool,
    by_share: bool,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let clauses: Vec<Box<dyn Scorer>> = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .filter(|s| !matches!(s, Ok(s) if s.doc() == TERMINATED))
            .collect::<tantivy::Result<_>>()?;
        if clauses.len() < self.need || clauses.len() > MAX_CLAUSES {
            return Ok(Box::new(EmptyScorer));
        }
        // The share counts the clauses no document of this segment matches too.
        let n = self.weights.len();
        let shares = match self.by_share {
            true => (1..=n).map(|k| k as Score / n as Score).collect(),
            false => Vec::new(),
        };
        Ok(Box::new(AtLeastScorer::new(
            clauses,
            self.need,
            self.scoring,
            shares,
        )))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new(
            "at least `need` of the clauses, scored by their sum",
            scorer.score(),
        );
        for w in &self.weights {
            if let Ok(detail) = w.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// One segment's matches, a window at a time: `counts` and `scores` per document of the window
/// starting at `start`, `touched` marking the cells that hold anything (so a sparse window is
/// read by its set bits, not cell by cell).
struct AtLeastScorer {
    /// The clauses, cheapest first.
    clauses: Vec<Box<dyn Scorer>>,
    /// A document at least `need` clauses hold holds one of the first `lead` (all but
    /// `need - 1`): those are read through, the others only sought at the documents they found.
    lead: usize,
    /// `clauses.len() - lead`.
    clauses_after_lead: usize,
    need: u8,
    scoring: bool,
    counts: Box<[u8; WINDOW as usize]>,
    scores: Box<[Score; WINDOW as usize]>,
    touched: [u64; WORDS],
    start: DocId,
    /// The next cell of the window to look at.
    cursor: usize,
    doc: DocId,
    score: Score,
    /// A document's sum is multiplied by `shares[count - 1]` (none: by 1; [`AtLeast::by_share`]).
    shares: Vec<Score>,
}

impl AtLeastScorer {
    fn new(
        mut clauses: Vec<Box<dyn Scorer>>,
        need: usize,
        scoring: bool,
        shares: Vec<Score>,
    ) -> AtLeastScorer {
        // At least none is at least one: a document is found by a clause.
        let need = need.max(1);
        clauses.sort_by_key(|c| c.cost());
        let mut scorer = AtLeastScorer {
            lead: clauses.len() + 1 - need,
            clauses_after_lead: need - 1,
            clauses,
            need: need as u8,
            scoring,
            counts: Box::new([0; WINDOW as usize]),
            scores: Box::new([0.0; WINDOW as usize]),
            touched: [0; WORDS],
            start: 0,
            cursor: WINDOW as usize,
            doc: 0,
            score: 0.0,
            shares,
        };
        scorer.advance();
        scorer
    }

    /// Reads the window starting at the lowest document a leading clause is on: the leading
    /// clauses' documents in it, then the other clauses only at those documents.
    fn fill(&mut self) -> bool {
        let (lead, rest) = self.clauses.split_at_mut(self.lead);
        let Some(start) = lead.iter().map(|c| c.doc()).min() else {
            return false;
        };
        if start == TERMINATED {
            return false;
        }
        let end = start.saturating_add(WINDOW);
        for clause in lead {
            let mut doc = clause.doc();
            while doc < end {
                let cell = (doc - start) as usize;
                self.counts[cell] += 1;
                if self.scoring {
                    self.scores[cell] += clause.score();
                }
                self.touched[cell / 64] |= 1 << (cell % 64);
                doc = clause.advance();
            }
        }
        let need = self.need as usize;
        for (i, clause) in rest.iter_mut().enumerate() {
            // This clause and the ones after it.
            let left = self.clauses_after_lead - i;
            for word in 0..WORDS {
                let mut bits = self.touched[word];
                while bits != 0 {
                    let cell = word * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    // A document the remaining clauses cannot bring to `need` is let go.
                    if (self.counts[cell] as usize) + left < need {
                        self.counts[cell] = 0;
                        self.scores[cell] = 0.0;
                        self.touched[word] &= !(1 << (cell % 64));
                        continue;
                    }
                    let doc = start + cell as DocId;
                    if clause.doc() < doc {
                        clause.seek(doc);
                    }
                    if clause.doc() == doc {
                        self.counts[cell] += 1;
                        if self.scoring {
                            self.scores[cell] += clause.score();
                        }
                    }
                }
            }
        }
        self.start = start;
        self.cursor = 0;
        true
    }

    /// The next document of the window, from the cursor on, that enough clauses hold; the cells
    /// passed are cleared.
    fn next_in_window(&mut self) -> bool {
        while self.cursor < WINDOW as usize {
            let word = self.cursor / 64;
            let bits = self.touched[word] & (u64::MAX << (self.cursor % 64));
            if bits == 0 {
                self.touched[word] = 0;
                self.cursor = (word + 1) * 64;
                continue;
            }
            let cell = word * 64 + bits.trailing_zeros() as usize;
            self.touched[word] &= !(1 << (cell % 64));
            let (count, score) = (self.counts[cell], self.scores[cell]);
            self.counts[cell] = 0;
            self.scores[cell] = 0.0;
            self.cursor = cell + 1;
            if count >= self.need {
                self.doc = self.start + cell as DocId;
                self.score = match self.shares.get(usize::from(count) - 1) {
                    Some(share) => score * share,
                    None => score,
                };
                return true;
            }
        }
        false
    }

    /// Clears the cells of the window from the cursor up to `cell`.
    fn skip_to(&mut self, cell: usize) {
        while self.cursor < cell {
            let word = self.cursor / 64;
            let to = (cell - word * 64).min(64);
            let below = if to == 64 { u64::MAX } else { (1u64 << to) - 1 };
            let mask = below & (u64::MAX << (self.cursor % 64));
            let mut bits = self.touched[word] & mask;
            while bits != 0 {
                let at = word * 64 + bits.trailing_zeros() as usize;
                self.counts[at] = 0;
                self.scores[at] = 0.0;
                bits &= bits - 1;
            }
            self.touched[word] &= !mask;
            self.cursor = word * 64 + to;
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        loop {
            if self.next_in_window() {
                return self.doc;
            }
            if !self.fill() {
                self.doc = TERMINATED;
                return TERMINATED;
            }
        }
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target - self.start < WINDOW {
            self.skip_to((target - self.start) as usize);
        } else {
            self.skip_to(WINDOW as usize);
            for clause in &mut self.clauses[..self.lead] {
                if clause.doc() < target {
                    clause.seek(target);
                }
            }
        }
        self.advance()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.clauses
            .iter()
            .map(|c| c.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Index;

    /// An index whose document `d` holds word `w{i}` when bit `i` of `d * 7919 % 31` is set (a
    /// spread of every combination of five words), in several windows' worth of documents.
    fn index(docs: u32) -> (Index, tantivy::schema::Field) {
        crate::rank::ram_index((0..docs).map(|d| {
            let bits = d * 7919 % 31;
            let mut words: Vec<String> = (0..5)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| format!("w{i}"))
                .collect();
            // A rare word, so that the cheapest clauses differ from the others.
            if d % 97 == 0 {
                words.push("rare".into());
            }
            words.join(" ")
        }))
    }

    fn clauses(text: tantivy::schema::Field, n: usize) -> Vec<Box<dyn Query>> {
        words(text, &["w0", "w1", "w2", "w3", "w4"][..n])
    }

    fn words(text: tantivy::schema::Field, words: &[&str]) -> Vec<Box<dyn Query>> {
        words
            .iter()
            .map(|w| {
                let term = Term::from_field_text(text, w);
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            })
            .collect()
    }

    #[test]
    fn by_share_scales_each_sum_by_the_share_of_clauses_matched() {
        let (index, text) = index(WINDOW + 500);
        let searcher = index.reader().expect("in-memory index").searcher();
        let top = TopDocs::with_limit(100_000).order_by_score();
        let plain = searcher
            .search(&AtLeast::new(clauses(text, 4), 1), &top)
            .expect("in-memory index");
        let shared = searcher
            .search(&AtLeast::new(clauses(text, 4), 1).by_share(), &top)
            .expect("in-memory index");
        let plain: std::collections::HashMap<_, _> =
            plain.into_iter().map(|(s, d)| (d, s)).collect();
        assert_eq!(plain.len(), shared.len());
        let mut shares = std::collections::BTreeSet::new();
        for (score, address) in shared {
            // The words of w0..w3 the document holds ([`index`]; one segment, in order).
            let k = ((address.doc_id * 7919 % 31) & 0b1111).count_ones();
            let expected = plain[&address] * k as Score / 4.0;
            assert!(
                (score - expected).abs() < 1e-4,
                "{address:?}: {score} vs {expected}"
            );
            shares.insert(k);
        }
        assert_eq!(shares.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    #[test]
    fn finds_the_documents_and_scores_of_tantivys_own_at_least() {
        let (index, text) = index(3 * WINDOW + 123);
        let searcher = index.reader().expect("in-memory index").searcher();
        let with_rare = ["w0", "rare", "w1", "w2", "w3"];
        for (need, rare) in [
            (2, false),
            (3, false),
            (4, false),
            (2, true),
            (3, true),
            (4, true),
        ] {
            let set = || match rare {
                true => words(text, &with_rare),
                false => clauses(text, 5),
            };
            let ours = AtLeast::new(set(), need);
            let theirs = BooleanQuery::union_with_minimum_required_clauses(set(), need);
            let top = TopDocs::with_limit(100_000).order_by_score();
            let mut a = searcher.search(&ours, &top).expect("in-memory index");
            let mut b = searcher.search(&theirs, &top).expect("in-memory index");
            assert!(a.len() > 30, "{need}: {}", a.len());
            a.sort_by_key(|(_, d)| *d);
            b.sort_by_key(|(_, d)| *d);
            assert_eq!(a.len(), b.len(), "need {need}");
            for ((sa, da), (sb, db)) in a.iter().zip(&b) {
                assert_eq!(da, db);
                assert!((sa - sb).abs() < 1e-4, "{sa} vs {sb}");
            }
        }
    }

    #[test]
    fn seeks_within_and_across_windows() {
        let (index, text) = index(3 * WINDOW + 123);
        let searcher = index.reader().expect("in-memory index").searcher();
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::disabled_from_searcher(&searcher);
        let set = || words(text, &["w0", "rare", "w1", "w2", "w3"]);
        let ours = AtLeast::new(set(), 2)
            .weight(scoring)
            .expect("in-memory index");
        let theirs = BooleanQuery::union_with_minimum_required_clauses(set(), 2)
            .weight(scoring)
            .expect("in-memory index");
        let (mut a, mut b) = (
            ours.scorer(reader, 1.0).expect("in-memory index"),
            theirs.scorer(reader, 1.0).expect("in-memory index"),
        );
        for target in [
            0, 5, 6, 64, 65, 100, 4095, 4096, 4097, 9000, 9001, 12_000, 12_400,
        ] {
            // `seek` may only move forward.
            if target > b.doc() {
                assert_eq!(a.seek(target), b.seek(target), "seek {target}");
            }
            assert_eq!(a.doc(), b.doc(), "at {target}");
            assert_eq!(a.advance(), b.advance(), "after {target}");
        }
        assert_eq!(a.seek(TERMINATED), TERMINATED);
    }

    #[test]
    fn too_few_clauses_in_a_segment_match_nothing() {
        let (index, text) = index(100);
        let searcher = index.reader().expect("in-memory index").searcher();
        let mut some = clauses(text, 2);
        let nowhere = Term::from_field_text(text, "nowhere");
        some.push(Box::new(TermQuery::new(nowhere, IndexRecordOption::Basic)));
        let q = AtLeast::new(some, 3);
        assert_eq!(
            searcher
                .search(&q, &tantivy::collector::Count)
                .expect("in-memory index"),
            0
        );
    }
}
