//! The linker's two steps: finding a document's candidate pairs (edges) through the inverted
//! index, and working the links out again around what changed (greedy 1:1 with a margin).

use rustc_hash::FxHashMap;

use super::{
    compatible, term_weight, Change, Edge, Linker, CANDIDATES, EDGES_PER_DOC, EDGE_SLACK,
    POSTINGS_BUDGET,
};

impl Linker {
    /// Scores the candidates of one document — the documents of the other language that share
    /// most of its rarest terms (read rarest first within [`POSTINGS_BUDGET`] postings) for their
    /// length — and returns its best pairs near or over the threshold, the edges to keep. It changes
    /// nothing, so many documents' edges are found at once.
    /// `shared` is scratch space, kept by the caller from one document to the next (it grows to
    /// thousands of entries; allocated anew for each document on the pool, such maps made the
    /// build's memory four times as large).
    pub(super) fn edges_of(&self, slot: u32, shared: &mut FxHashMap<u32, f32>) -> Vec<(u32, f32)> {
        shared.clear();
        let mut by_rarity: Vec<u32> = self.doc(slot).terms.iter().map(|&(t, _)| t).collect();
        by_rarity.sort_by_key(|&t| self.df[t as usize][0] + self.df[t as usize][1]);
        let lang = self.doc(slot).sig.lang;
        let mut budget = POSTINGS_BUDGET;
        for term in by_rarity {
            let w =
                term_weight(self.docs_per_lang, self.df[term as usize]) * self.class[term as usize];
            if w <= 0.0 {
                continue;
            }
            let list = &self.postings[term as usize];
            if list.len() > budget {
                break;
            }
            budget -= list.len();
            for &other in list {
                if other != slot && self.doc(other).sig.lang != lang {
                    *shared.entry(other).or_default() += w;
                }
            }
        }
        // Shared weight over the candidate's length, as a cosine would: long documents share
        // some terms with everything.
        let mut candidates: Vec<(u32, f32)> = shared
            .drain()
            .map(|(other, w)| (other, w / (self.doc(other).terms.len() as f32).sqrt()))
            .collect();
        let by_share = |x: &(u32, f32), y: &(u32, f32)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
        if candidates.len() > CANDIDATES {
            candidates.select_nth_unstable_by(CANDIDATES, by_share);
            candidates.truncate(CANDIDATES);
        }
        let mut scored: Vec<(u32, f32)> = candidates
            .into_iter()
            .filter(|&(other, _)| compatible(&self.doc(slot).sig, &self.doc(other).sig))
            .map(|(other, _)| (other, self.score_slots(slot, other).score()))
            .filter(|&(_, s)| s >= self.threshold * EDGE_SLACK)
            .collect();
        scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        scored.truncate(EDGES_PER_DOC);
        // Kept until every new document's are found: without the candidates' room.
        scored.shrink_to_fit();
        scored
    }

    /// Records a pair's score, both ways.
    pub(super) fn set_edge(&mut self, a: u32, b: u32, score: f32) {
        for (x, to) in [(a, b), (b, a)] {
            let list = self.edges.entry(x).or_default();
            match list.iter_mut().find(|e| e.to == to) {
                Some(edge) => edge.score = score,
                None => list.push(Edge { to, score }),
            }
        }
    }

    pub(super) fn rematch_ids(&mut self, ids: &[&str]) -> Vec<Change> {
        let seeds: Vec<u32> = ids
            .iter()
            .filter_map(|id| self.slots.get(*id).copied())
            .collect();
        self.rematch(&seeds)
    }

    /// Decides the links again around `changed`, the documents whose edges, pins or refusals
    /// changed. A document's link depends only on its own edges and its best candidate's
    /// ([`Linker::decide`]), so only `changed`, their candidates, the candidates' candidates and
    /// the partners are decided again: the cost of a change does not grow with the collection.
    /// Returns what changed.
    pub(super) fn rematch(&mut self, changed: &[u32]) -> Vec<Change> {
        // A document's decision reads its candidates' edges, so the candidates of the
        // candidates of what changed are decided again too.
        let mut affected: Vec<u32> = changed.to_vec();
        for level in 0..2 {
            let next: Vec<u32> = affected
                .iter()
                .flat_map(|n| self.edges.get(n).into_iter().flatten().map(|e| e.to))
                .collect();
            affected.extend(next);
            affected.sort_unstable();
            affected.dedup();
            if level == 0 && !self.all_fresh {
                // What changed moves the statistics most around itself: the pairs of its
                // candidates (which share its terms) are scored again.
                self.refresh(&affected);
            }
        }
        let partners: Vec<u32> = affected
            .iter()
            .flat_map(|&n| {
                self.partner
                    .get(&n)
                    .copied()
                    .into_iter()
                    .chain(self.pinned_partner(n))
            })
            .collect();
        affected.extend(partners);
        affected.sort_unstable();
        affected.dedup();
        let decisions: Vec<(u32, Option<u32>)> =
            affected.iter().map(|&n| (n, self.decide(n))).collect();
        let mut changes = Vec::new();
        for (n, new) in decisions {
            let old = self.partner.get(&n).copied();
            if old == new {
                continue;
            }
            if let Some(o) = old {
                self.partner.remove(&n);
                self.partner.remove(&o);
                changes.push(self.change(false, n, o));
            }
            if let Some(p) = new {
                if let Some(q) = self.partner.remove(&p) {
                    self.partner.remove(&q);
                    changes.push(self.change(false, p, q));
                }
                self.partner.insert(n, p);
                self.partner.insert(p, n);
                changes.push(self.change(true, n, p));
            }
        }
        super::net(changes)
    }

    /// The partner a document should have: its pinned partner; none while it is pinned to a
    /// document not added yet; else its best candidate, when that clears the threshold, has it
    /// as its own best candidate, and beats both documents' runners-up by the margin. So a link
    /// is the greedy 1:1 matching's choice (Buck & Koehn) made only where it is clear: two
    /// near-identical pages and their two translations are left for an editor.
    pub(super) fn decide(&self, n: u32) -> Option<u32> {
        if self.pins.contains_key(self.id(n)) {
            return self.pinned_partner(n);
        }
        let (b, score, runner_up) = self.best(n)?;
        let (back, _, runner_up_b) = self.best(b)?;
        (score >= self.threshold && back == n && score - runner_up.max(runner_up_b) >= self.margin)
            .then_some(b)
    }

    /// A document's best allowed candidate (ties to the smaller slot), its score and the
    /// runner-up's score (0 without one).
    fn best(&self, n: u32) -> Option<(u32, f32, f32)> {
        let mut best: Option<(u32, f32)> = None;
        let mut runner_up = 0.0f32;
        for &Edge {
            to: m, score: s, ..
        } in self.edges.get(&n).into_iter().flatten()
        {
            if !self.allowed(n, m) {
                continue;
            }
            match best {
                Some((b, bs)) if bs > s || (bs == s && b < m) => runner_up = runner_up.max(s),
                Some((_, bs)) => {
                    runner_up = runner_up.max(bs);
                    best = Some((m, s));
                }
                None => best = Some((m, s)),
            }
        }
        best.map(|(b, s)| (b, s, runner_up))
    }

    /// Scores the edges of `nodes` again with the current statistics.
    fn refresh(&mut self, nodes: &[u32]) {
        let mut fresh: Vec<(u32, u32)> = Vec::new();
        for &a in nodes {
            for e in self.edges.get(&a).into_iter().flatten() {
                if a < e.to {
                    fresh.push((a, e.to));
                }
            }
        }
        for (a, b) in fresh {
            let score = self.score_slots(a, b).score();
            self.set_edge(a, b, score);
        }
    }

    fn pinned_partner(&self, n: u32) -> Option<u32> {
        self.pins
            .get(self.id(n))
            .and_then(|p| self.slots.get(p))
            .copied()
    }
}
