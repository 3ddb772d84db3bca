//! Close spellings: the indexed terms within one or two edits of a query word's stem; and the
//! terms a word being typed begins (search as you type).
//!
//! A Levenshtein automaton (the `levenshtein_automata` builders tantivy's fuzzy query uses, with
//! transpositions) is run over a field's term dictionary, confined to the terms that share the
//! word's first letter (two for two-edit words), as Lucene's `prefix_length` does: typos rarely
//! hit the first letter, and the confinement makes the search a slice of the dictionary instead
//! of all of it. Only the closest candidates are kept, most frequent first.

use std::collections::HashMap;
use std::sync::LazyLock;

use levenshtein_automata::{Distance, LevenshteinAutomatonBuilder, DFA, SINK_STATE};
use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::automaton::AlwaysMatch;

/// Close spellings taken per word and field, most frequent first.
const CANDIDATES: usize = 4;

static LEVENSHTEIN: LazyLock<[LevenshteinAutomatonBuilder; 2]> = LazyLock::new(|| {
    [
        LevenshteinAutomatonBuilder::new(1, true),
        LevenshteinAutomatonBuilder::new(2, true),
    ]
});

/// The automaton accepting words within `distance` (1 or 2) edits of `stem`.
pub(crate) fn automaton(stem: &str, distance: u8) -> DFA {
    LEVENSHTEIN[usize::from(distance.clamp(1, 2)) - 1].build_dfa(stem)
}

/// Adapter so tantivy's term dictionaries (and other FSTs) can be searched with a Levenshtein
/// DFA.
#[derive(Clone, Copy)]
pub(crate) struct Dfa<'a>(pub(crate) &'a DFA);

impl tantivy_fst::Automaton for Dfa<'_> {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The first `n` characters of a word, which a typo is assumed to leave intact (as Lucene's
/// `prefix_length`): it confines the automaton to a small slice of the term dictionary.
pub(crate) fn prefix(word: &str, n: usize) -> &str {
    word.char_indices().nth(n).map_or(word, |(i, _)| &word[..i])
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
pub(crate) fn prefix_end(prefix: &str) -> Option<Vec<u8>> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Indexed terms of `field` that `dfa` (built for `stem` and `distance`) accepts and that keep
/// the stem's first letters and that `keep` keeps (those the reader may see): the closest ones
/// only, most frequent first.
pub(super) fn close_terms(
    searcher: &Searcher,
    field: Field,
    (dfa, stem, distance): (&DFA, &str, u8),
    keep: impl Fn(&str) -> bool,
) -> Vec<String> {
    let found = doc_freqs(
        searcher,
        field,
        Dfa(dfa),
        prefix(stem, usize::from(distance)),
    );
    let edits = |t: &str| match dfa.eval(t) {
        Distance::Exact(d) | Distance::AtLeast(d) => d,
    };
    let mut found: Vec<(u8, u64, String)> = found
        .into_iter()
        .filter(|(t, _)| keep(t))
        .map(|(t, df)| (edits(&t), df, t))
        .collect();
    let closest = found.iter().map(|f| f.0).min().unwrap_or(0);
    found.retain(|f| f.0 == closest);
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    found
        .into_iter()
        .take(CANDIDATES)
        .map(|(_, _, t)| t)
        .collect()
}

/// The indexed terms of `field` that begin with `begun` and that `keep` keeps, the `n` most
/// frequent (`keep` is asked of as few as that takes).
pub(super) fn terms_beginning(
    searcher: &Searcher,
    field: Field,
    (begun, n): (&str, usize),
    keep: impl Fn(&str) -> bool,
) -> Vec<String> {
    let found = doc_freqs(searcher, field, AlwaysMatch, begun);
    let mut found: Vec<(u64, String)> = found.into_iter().map(|(t, df)| (df, t)).collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| keep(t))
        .take(n)
        .collect()
}

/// The indexed terms of `field` that begin with `prefix` and that `automaton` accepts, each with
/// its document frequency summed over the segments.
fn doc_freqs<A>(
    searcher: &Searcher,
    field: Field,
    automaton: A,
    prefix: &str,
) -> HashMap<String, u64>
where
    A: tantivy_fst::Automaton + Clone,
    A::State: Clone,
{
    let mut found: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let mut range = inverted.terms().search(automaton.clone()).ge(prefix);
        if let Some(end) = prefix_end(prefix) {
            range = range.lt(end);
        }
        let Ok(mut stream) = range.into_stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                *found.entry(t.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_prefixes() {
        assert_eq!(prefix("volunter", 1), "v");
        assert_eq!(prefix("ældre", 2), "æl");
        assert_eq!(prefix("a", 2), "a");
        assert_eq!(prefix_end("ab").as_deref(), Some(&b"ac"[..]));
        assert_eq!(prefix_end("").as_deref(), None);
    }
}
