//! [`Linker`]: the editions of a collection, kept as documents come and go.
//!
//! Each document added is scored only against the candidates that share its rarest pivot terms
//! (an inverted index from term to documents, read rarest first within a budget), so adding one
//! document costs about the same in a collection of 100 or 100,000. Pairs that pass the guard
//! ([`compatible`]) and score near the threshold are kept as edges. A document is linked to its
//! best candidate when that clears the threshold, has it as its own best candidate, and beats
//! both documents' runners-up by a margin: the greedy 1:1 matching of Buck & Koehn (2016),
//! taken only where it is clear, and decided from the edges of the two documents alone, so a
//! change is decided again only around itself (`linker/matching.rs`). Edges around a change are
//! scored again with the current statistics; so the links after a series of additions are
//! those one batch of the same documents gives, except where the statistics moved since a pair
//! was last scored or searched.
//!
//! Hand-made choices win: a pinned pair is linked whatever its score and guard, and neither of
//! its documents is linked automatically (also while its partner is not added yet); an unpinned
//! pair is never linked automatically.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::score::{
    class_weight, compatible, cosine, norm, side, structure, term_weight, tf, Parts,
};
use super::Signature;
use crate::lang::Lang;

/// The score from which two documents are linked automatically. Two texts on one subject in the
/// two languages that are no translation of each other (the judged relevance set's Danish and
/// English twins) score up to 0.32 and were linked at 0.15; translated help pages mostly score
/// far above (benches/README.md, "Editions"): a wrong "also in English" is worse than none.
pub const THRESHOLD: f32 = 0.4;
/// How much a link's score must beat every other pair of either document by: two near-identical
/// pages and their two translations are left for an editor rather than guessed.
pub const MARGIN: f32 = 0.05;
/// Edges are kept from this share of the threshold, so a change of statistics that lifts a pair
/// over the threshold later finds its edge.
const EDGE_SLACK: f32 = 0.8;
/// Edges kept per document added (its best candidates).
const EDGES_PER_DOC: usize = 6;
/// Candidates scored in full per document added: the most rare terms shared.
const CANDIDATES: usize = 40;
/// Postings read per document added, rarest terms first.
const POSTINGS_BUDGET: usize = 20_000;

/// A link between two editions: the Danish one first (for a hand-made link of two documents of
/// one language, the smaller id first).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub a: String,
    pub b: String,
    /// The score of an automatic link; `None` for a hand-made one.
    pub score: Option<f32>,
}

/// A link made or undone by a change to the [`Linker`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    Linked(String, String),
    Unlinked(String, String),
}

/// A candidate pair, from one of its documents: the other, and the pair's score as last worked
/// out.
#[derive(Debug, Clone, Copy)]
struct Edge {
    to: u32,
    score: f32,
}

struct Doc {
    id: String,
    /// The signature without its terms (they are in `terms`).
    sig: Signature,
    /// Interned terms and counts, sorted by term number.
    terms: Vec<(u32, u32)>,
    /// The weighted terms' norm, and the documents held when it was worked out (it is worked
    /// out again when the collection has grown or shrunk by a fiftieth since, or at all while it
    /// is small): the value's bits high, the count low, in one atomic so that documents can be
    /// scored on the pool (two threads working it out at once write the same value).
    norm: AtomicU64,
}

/// The editions of a changing collection of documents. See the module header.
pub struct Linker {
    threshold: f32,
    margin: f32,
    slots: FxHashMap<String, u32>,
    docs: Vec<Option<Doc>>,
    term_ids: FxHashMap<String, u32>,
    /// Per term number: its document frequency per language, class weight and postings
    /// (document slots).
    df: Vec<[u32; 2]>,
    class: Vec<f32>,
    postings: Vec<Vec<u32>>,
    live: u32,
    /// Documents per language.
    docs_per_lang: [u32; 2],
    /// Every edge was just scored with the current statistics (a batch into an empty linker).
    all_fresh: bool,
    /// Candidate pairs near or over the threshold, both ways.
    edges: FxHashMap<u32, Vec<Edge>>,
    /// Current partner of each linked document (automatic or by hand).
    partner: FxHashMap<u32, u32>,
    /// Hand-made links by id, both ways (either document may be absent yet).
    pins: HashMap<String, String>,
    /// Hand-made refusals: pairs never linked automatically (smaller id first).
    refused: HashSet<(String, String)>,
}

impl Default for Linker {
    fn default() -> Self {
        Linker::with_threshold(THRESHOLD)
    }
}

impl Linker {
    pub fn new() -> Linker {
        Linker::default()
    }

    pub fn with_threshold(threshold: f32) -> Linker {
        Linker {
            threshold,
            margin: MARGIN,
            slots: FxHashMap::default(),
            docs: Vec::new(),
            term_ids: FxHashMap::default(),
            df: Vec::new(),
            class: Vec::new(),
            postings: Vec::new(),
            live: 0,
            docs_per_lang: [0, 0],
            all_fresh: false,
            edges: FxHashMap::default(),
            partner: FxHashMap::default(),
            pins: HashMap::new(),
            refused: HashSet::new(),
        }
    }

    /// The same linker with another margin ([`MARGIN`]).
    pub fn with_margin(mut self, margin: f32) -> Linker {
        self.margin = margin;
        self
    }

    /// Documents held.
    pub fn len(&self) -> usize {
        self.live as usize
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Adds (or replaces) one document and returns the links made or undone.
    pub fn add(&mut self, id: &str, sig: Signature) -> Vec<Change> {
        self.add_all(vec![(id.to_string(), sig)])
    }

    /// Adds (or replaces) many documents at once: all are counted in the statistics before any
    /// is scored, then the links are worked out once.
    pub fn add_all(&mut self, docs: Vec<(String, Signature)>) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut added = Vec::with_capacity(docs.len());
        for (id, sig) in docs {
            if self.slots.contains_key(&id) {
                changes.extend(self.remove(&id));
            }
            added.push(self.insert(id, sig));
        }
        // Each document's candidates are found from the statistics alone, so on the pool; the
        // edges are then recorded in the documents' order, as one by one.
        let found: Vec<Vec<(u32, f32)>> = added
            .par_iter()
            .map_init(FxHashMap::default, |shared, &slot| {
                self.edges_of(slot, shared)
            })
            .collect();
        for (&slot, edges) in added.iter().zip(found) {
            for (other, score) in edges {
                self.set_edge(slot, other, score);
            }
        }
        // When every document is new, every edge was just scored with today's statistics.
        self.all_fresh = added.len() == self.live as usize;
        changes.extend(self.rematch(&added));
        self.all_fresh = false;
        net(changes)
    }

    /// Removes a document; its partner is free to link again.
    pub fn remove(&mut self, id: &str) -> Vec<Change> {
        let Some(slot) = self.slots.remove(id) else {
            return Vec::new();
        };
        let mut seeds: Vec<u32> = self
            .edges
            .remove(&slot)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.to)
            .collect();
        for &other in &seeds {
            if let Some(list) = self.edges.get_mut(&other) {
                list.retain(|e| e.to != slot);
            }
        }
        let mut changes = Vec::new();
        if let Some(other) = self.partner.remove(&slot) {
            self.partner.remove(&other);
            changes.push(self.change(false, slot, other));
            seeds.push(other);
        }
        let doc = self.docs[slot as usize].take();
        let side = doc.as_ref().map_or(0, |d| side(d.sig.lang));
        self.docs_per_lang[side] -= 1;
        for &(term, _) in doc.iter().flat_map(|d| &d.terms) {
            self.df[term as usize][side] -= 1;
            self.postings[term as usize].retain(|&s| s != slot);
        }
        self.live -= 1;
        changes.extend(self.rematch(&seeds));
        net(changes)
    }

    /// Links `a` and `b` by hand (either may be added later): the link wins over any score or
    /// guard, undoes their earlier links, and keeps both from being linked automatically.
    pub fn pin(&mut self, a: &str, b: &str) -> Vec<Change> {
        if a == b || self.pins.get(a).is_some_and(|p| p == b) {
            return Vec::new();
        }
        let mut touched = vec![a.to_string(), b.to_string()];
        for id in [a, b] {
            if let Some(old) = self.pins.remove(id) {
                self.pins.remove(&old);
                touched.push(old);
            }
        }
        self.refused.remove(&pair_key(a, b));
        self.pins.insert(a.to_string(), b.to_string());
        self.pins.insert(b.to_string(), a.to_string());
        let touched: Vec<&str> = touched.iter().map(String::as_str).collect();
        self.rematch_ids(&touched)
    }

    /// Unlinks `a` and `b` by hand: a pin of the pair is dropped, and the pair is never linked
    /// automatically; each may link to another document.
    pub fn unpin(&mut self, a: &str, b: &str) -> Vec<Change> {
        if self.pins.get(a).is_some_and(|p| p == b) {
            self.pins.remove(a);
            self.pins.remove(b);
        }
        self.refused.insert(pair_key(a, b));
        self.rematch_ids(&[a, b])
    }

    /// Forgets a hand-made choice about `a` and `b` (a pin or an unpin): they are scored again.
    pub fn forget(&mut self, a: &str, b: &str) -> Vec<Change> {
        if self.pins.get(a).is_some_and(|p| p == b) {
            self.pins.remove(a);
            self.pins.remove(b);
        }
        self.refused.remove(&pair_key(a, b));
        self.rematch_ids(&[a, b])
    }

    /// Every current link, each once, sorted.
    pub fn links(&self) -> Vec<Link> {
        let mut out: Vec<Link> = self
            .partner
            .iter()
            .filter(|(a, b)| a < b)
            .map(|(&a, &b)| {
                let (a, b) = self.ordered(a, b);
                let by_hand = self.pins.contains_key(self.id(a));
                let score = (!by_hand).then(|| self.score_slots(a, b).score());
                Link {
                    a: self.id(a).to_string(),
                    b: self.id(b).to_string(),
                    score,
                }
            })
            .collect();
        out.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        out
    }

    /// The partner of a document, if it is linked.
    pub fn partner(&self, id: &str) -> Option<&str> {
        let slot = self.slots.get(id)?;
        self.partner.get(slot).map(|&p| self.id(p))
    }

    /// A document's candidates with their scores, best first: its link if it has one, and what
    /// an editor may choose from when it is left unlinked (the grey zone under the threshold or
    /// the margin). Candidates excluded by a hand-made choice or the guard are left out.
    pub fn candidates(&self, id: &str) -> Vec<(String, f32)> {
        let Some(&slot) = self.slots.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<(String, f32)> = self
            .edges
            .get(&slot)
            .into_iter()
            .flatten()
            .filter(|e| self.allowed(slot, e.to))
            .map(|e| (self.id(e.to).to_string(), e.score))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    fn id(&self, slot: u32) -> &str {
        self.docs[slot as usize].as_ref().map_or("", |d| &d.id)
    }

    fn doc(&self, slot: u32) -> &Doc {
        self.docs[slot as usize]
            .as_ref()
            .expect("a slot in use holds its document")
    }

    fn insert(&mut self, id: String, mut sig: Signature) -> u32 {
        let slot = self.docs.len() as u32;
        let mut terms: Vec<(u32, u32)> = std::mem::take(&mut sig.terms)
            .into_iter()
            .map(|(term, n)| (self.intern(term), n))
            .collect();
        terms.sort_unstable();
        let side = side(sig.lang);
        self.docs_per_lang[side] += 1;
        for &(term, _) in &terms {
            self.df[term as usize][side] += 1;
            self.postings[term as usize].push(slot);
        }
        self.docs.push(Some(Doc {
            id: id.clone(),
            sig,
            terms,
            norm: AtomicU64::new(0),
        }));
        self.slots.insert(id, slot);
        self.live += 1;
        slot
    }

    fn intern(&mut self, term: String) -> u32 {
        if let Some(&id) = self.term_ids.get(&term) {
            return id;
        }
        let id = self.df.len() as u32;
        self.df.push([0, 0]);
        self.class.push(class_weight(&term));
        self.postings.push(Vec::new());
        self.term_ids.insert(term, id);
        id
    }

    fn weight(&self, term: u32, count: u32) -> f32 {
        tf(count)
            * term_weight(self.docs_per_lang, self.df[term as usize])
            * self.class[term as usize]
    }

    /// [`super::score::parts`] of two documents held, with the current statistics.
    fn score_slots(&self, a: u32, b: u32) -> Parts {
        let (a, b) = (self.doc(a), self.doc(b));
        let w = |t: &u32, n: u32| self.weight(*t, n);
        let content = cosine(&a.terms, &b.terms, self.norm(a), self.norm(b), w);
        Parts {
            content,
            structure: structure(&a.sig, &b.sig),
        }
    }

    /// A document's norm, worked out again when stale.
    fn norm(&self, doc: &Doc) -> f32 {
        let packed = doc.norm.load(Ordering::Relaxed);
        let (value, at) = (f32::from_bits((packed >> 32) as u32), packed as u32);
        let (at_f, live) = (at as f32, self.live as f32);
        // Below a thousand documents one more can move the statistics much; it costs little to
        // work the norm out each time.
        if at != self.live && (self.live < 1000 || live > at_f * 1.02 || live < at_f / 1.02) {
            let value = norm(&doc.terms, |t: &u32, n: u32| self.weight(*t, n));
            let packed = (u64::from(value.to_bits()) << 32) | u64::from(self.live);
            doc.norm.store(packed, Ordering::Relaxed);
            return value;
        }
        value
    }

    /// Whether two documents may be linked automatically.
    fn allowed(&self, a: u32, b: u32) -> bool {
        let (da, db) = (self.doc(a), self.doc(b));
        !self.pins.contains_key(&da.id)
            && !self.pins.contains_key(&db.id)
            && !self.refused.contains(&pair_key(&da.id, &db.id))
            && compatible(&da.sig, &db.sig)
    }

    /// The pair in link order: the Danish document first, else the smaller id.
    fn ordered(&self, a: u32, b: u32) -> (u32, u32) {
        let (la, lb) = (self.doc(a).sig.lang, self.doc(b).sig.lang);
        match (la, lb) {
            (Lang::En, Lang::Da) => (b, a),
            (Lang::Da, Lang::En) => (a, b),
            _ if self.id(b) < self.id(a) => (b, a),
            _ => (a, b),
        }
    }

    fn change(&self, linked: bool, a: u32, b: u32) -> Change {
        let (a, b) = self.ordered(a, b);
        let (a, b) = (self.id(a).to_string(), self.id(b).to_string());
        if linked {
            Change::Linked(a, b)
        } else {
            Change::Unlinked(a, b)
        }
    }
}

fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Changes once each, sorted. A pair both undone and made within one call (a document replaced
/// by a new version that links to the same partner: undone first, made again) has not changed.
fn net(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort();
    changes.dedup();
    let key = |c: &Change| match c {
        Change::Linked(a, b) | Change::Unlinked(a, b) => (a.clone(), b.clone()),
    };
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for c in &changes {
        *seen.entry(key(c)).or_default() += 1;
    }
    changes.retain(|c| seen[&key(c)] == 1);
    changes
}

mod matching;
#[cfg(test)]
mod tests;
