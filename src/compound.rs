//! Danish compound splitting against a lexicon, so a query for a part finds the compound.
//!
//! Danish writes compounds as one word (`frivilligudvalg`, `korruptionsbekæmpelse`). A word is
//! split into a head and a tail, optionally joined by a linking `s` or `e`, when both are known
//! words of at least [`MIN_PART_CHARS`] characters that are not stop words; the tail may itself be
//! a compound. "Known" means the part's Danish stem is in the lexicon: the stems of the corpus'
//! own Danish vocabulary plus the Danish side of the glossary. The longest known head wins.
//! Splits are cached per word, since a corpus repeats its vocabulary.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::analysis::{is_stop_word, stem_da};

/// Shorter parts are never split off: `og`, `for`, `i` must not match inside compounds.
pub const MIN_PART_CHARS: usize = 4;
/// Words shorter than two minimal parts are never compounds.
const MIN_COMPOUND_CHARS: usize = 2 * MIN_PART_CHARS;

/// A lexicon of known Danish stems and a cache of the splits made with it.
#[derive(Debug, Default)]
pub struct Splitter {
    lexicon: HashSet<String>,
    /// Words already learned, so each distinct word is stemmed once.
    seen: HashSet<String>,
    cache: HashMap<String, Option<Vec<String>>>,
    /// The lexicon grew since the cached non-splits were made: one of them may split now.
    stale: bool,
    /// Danish stems of the candidate parts tried so far: splitting tries every head of a word,
    /// and stemming each costs more than the rest of the split.
    stems: std::cell::RefCell<HashMap<Box<str>, Box<str>>>,
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Adds a lowercased word to the lexicon (its stem, if it can be a part at all).
    pub fn learn(&mut self, lower: &str) {
        if self.seen.contains(lower) {
            return;
        }
        self.seen.insert(lower.to_string());
        if lower.chars().count() >= MIN_PART_CHARS && !lower.chars().any(|c| c.is_ascii_digit()) {
            let stem = stem_da(lower);
            if self.lexicon.insert(stem) {
                // A new word can turn an earlier non-split into a split.
                self.stale = true;
            }
        }
    }

    /// Adds an already-stemmed term (from an existing index) to the lexicon.
    pub fn learn_stem(&mut self, stem: String) {
        if self.lexicon.insert(stem) {
            self.stale = true;
        }
    }

    pub fn lexicon_len(&self) -> usize {
        self.lexicon.len()
    }

    /// The Danish stems of the parts of a lowercased word, or `None` if it is not a compound.
    pub fn parts(&mut self, lower: &str) -> Option<&[String]> {
        if self.stale {
            self.cache.retain(|_, parts| parts.is_some());
            self.stale = false;
        }
        if !self.cache.contains_key(lower) {
            let parts = self
                .split(lower)
                .map(|parts| parts.iter().map(|p| self.stem(p)).collect::<Vec<_>>());
            self.cache.insert(lower.to_string(), parts);
        }
        self.cache.get(lower).and_then(|p| p.as_deref())
    }

    fn known(&self, part: &str) -> bool {
        self.with_stem(part, |stem| self.lexicon.contains(stem))
    }

    fn stem(&self, part: &str) -> String {
        self.with_stem(part, str::to_string)
    }

    fn with_stem<R>(&self, part: &str, f: impl FnOnce(&str) -> R) -> R {
        let mut stems = self.stems.borrow_mut();
        if let Some(stem) = stems.get(part) {
            return f(stem);
        }
        let stem = stem_da(part);
        let result = f(&stem);
        stems.insert(part.into(), stem.into());
        result
    }

    fn split<'w>(&self, word: &'w str) -> Option<Vec<&'w str>> {
        split(word, &|part| self.known(part))
    }
}

/// Splits `word` into parts that `known` accepts (checked only for parts of at least
/// [`MIN_PART_CHARS`] characters that are not stop words): longest known head first, linking
/// `s`/`e` allowed, the tail split again if it is not known as a whole.
pub fn split<'w>(word: &'w str, known: &dyn Fn(&str) -> bool) -> Option<Vec<&'w str>> {
    if word.chars().count() < MIN_COMPOUND_CHARS || word.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let ok =
        |part: &str| part.chars().count() >= MIN_PART_CHARS && !is_stop_word(part) && known(part);
    // Candidate head ends, longest head first, leaving room for a minimal tail.
    let ends: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .skip(MIN_PART_CHARS)
        .collect();
    for &end in ends.iter().rev() {
        let head = &word[..end];
        if !ok(head) {
            continue;
        }
        for link in ["", "s", "e"] {
            let Some(tail) = word[end..].strip_prefix(link) else {
                continue;
            };
            if tail.chars().count() < MIN_PART_CHARS {
                continue;
            }
            if ok(tail) {
                return Some(vec![head, tail]);
            }
            if let Some(mut rest) = split(tail, known) {
                rest.insert(0, head);
                return Some(rest);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splitter(words: &[&str]) -> Splitter {
        let mut s = Splitter::new();
        for w in words {
            s.learn(w);
        }
        s
    }

    fn parts(s: &mut Splitter, w: &str) -> Option<Vec<String>> {
        s.parts(w).map(<[String]>::to_vec)
    }

    #[test]
    fn splits_with_and_without_linking_letters() {
        let mut s = splitter(&[
            "frivillig",
            "udvalg",
            "evaluering",
            "midtvejs",
            "korruption",
            "bekæmpelse",
            "ungdom",
            "klubber",
            "forældre",
            "netværk",
            "frivillighed",
            "konsulent",
        ]);
        assert_eq!(
            parts(&mut s, "frivilligudvalg"),
            Some(vec![stem_da("frivillig"), stem_da("udvalg")])
        );
        assert_eq!(
            parts(&mut s, "korruptionsbekæmpelse"),
            Some(vec![stem_da("korruption"), stem_da("bekæmpelse")])
        );
        assert_eq!(
            parts(&mut s, "ungdomsklubber"),
            Some(vec![stem_da("ungdom"), stem_da("klubber")])
        );
        assert_eq!(
            parts(&mut s, "forældrenetværk"),
            Some(vec![stem_da("forældre"), stem_da("netværk")])
        );
        let f = parts(&mut s, "frivillighedskonsulent").expect("split");
        assert_eq!(
            f[0],
            stem_da("frivillig"),
            "frivillighed and frivillig share a stem"
        );
        assert_eq!(f[1], stem_da("konsulent"));
    }

    #[test]
    fn splits_three_part_compounds() {
        let mut s = splitter(&["borger", "inddragelse", "politik"]);
        assert_eq!(
            parts(&mut s, "borgerinddragelsespolitik"),
            Some(vec![
                stem_da("borger"),
                stem_da("inddragelse"),
                stem_da("politik")
            ])
        );
    }

    #[test]
    fn short_stop_and_unknown_parts_do_not_split() {
        let mut s = splitter(&[
            "kommune", "for", "ældre", "også", "sam", "arbejde", "kation",
        ]);
        // `kommunikation` starts like `kommune` but `ikation` is no word.
        assert_eq!(parts(&mut s, "kommunikation"), None);
        // `for` and `sam` are too short to be parts.
        assert_eq!(parts(&mut s, "forældre"), None);
        assert_eq!(parts(&mut s, "samarbejde"), None);
        assert_eq!(parts(&mut s, "ogsåarbejde"), None);
        assert_eq!(parts(&mut s, "dk0058abcd"), None);
    }

    #[test]
    fn learning_a_word_later_enables_a_split() {
        let mut s = splitter(&["frivillig"]);
        assert_eq!(parts(&mut s, "frivilligudvalg"), None);
        s.learn("udvalg");
        assert!(parts(&mut s, "frivilligudvalg").is_some());
    }
}
