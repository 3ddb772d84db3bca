//! Danish compound splitting against a lexicon, so a query for a part finds the compound.
//!
//! Danish writes compounds as one word (`frivilligudvalg`, `korruptionsbekæmpelse`). A word is
//! split into a head and a tail, optionally joined by a linking `s` or `e`, when both are known
//! words of at least [`MIN_PART_CHARS`] characters that are not stop words; the tail may itself be
//! a compound. "Known" means the part's Danish stem is in the lexicon: the stems of the corpus'
//! own Danish vocabulary plus the Danish side of the glossary. The longest known head wins.
//! Splits are cached per word, since a corpus repeats its vocabulary, and so are the stems of the
//! candidate parts.

use std::cell::RefCell;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::analysis::{is_stop_word, Analysis, Analyzer};

/// Shorter parts are never split off: `og`, `for`, `i` must not match inside compounds.
pub const MIN_PART_CHARS: usize = 4;
/// Words shorter than two minimal parts are never compounds.
const MIN_COMPOUND_CHARS: usize = 2 * MIN_PART_CHARS;

/// A lexicon of known Danish stems and the splits made with it.
///
/// Stems come through the splitter's own [`Analysis`] (its term cache): splitting tries every
/// head of a word, and stemming each costs more than the rest of the split.
#[derive(Default)]
pub struct Splitter {
    lexicon: HashSet<String>,
    analysis: RefCell<Analysis>,
    /// Where each word's split is in `splits`.
    index: HashMap<Box<str>, usize>,
    splits: Vec<Split>,
}

/// One word's split, as its parts' stems joined by spaces, or none.
#[derive(Debug)]
struct Split {
    parts: Option<Box<str>>,
    /// The lexicon's size when the split was made: a word that did not split may split once
    /// the lexicon has grown (it only ever grows).
    lexicon_len: usize,
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Adds a lowercased word to the lexicon (its stem, if it can be a part at all).
    pub fn learn(&mut self, lower: &str) {
        if can_be_part(lower) {
            let Splitter {
                lexicon, analysis, ..
            } = self;
            let stem = analysis.get_mut().term(Analyzer::Da, lower);
            if !lexicon.contains(stem) {
                lexicon.insert(stem.to_string());
            }
        }
    }

    /// [`learn`](Splitter::learn) for a word whose Danish stem the caller has.
    pub fn learn_stemmed(&mut self, lower: &str, stem: &str) {
        if can_be_part(lower) {
            self.add(stem);
        }
    }

    fn add(&mut self, stem: &str) {
        if !self.lexicon.contains(stem) {
            self.lexicon.insert(stem.to_string());
        }
    }

    /// Adds an already-stemmed term (from an existing index) to the lexicon.
    pub fn learn_stem(&mut self, stem: String) {
        self.lexicon.insert(stem);
    }

    pub fn lexicon_len(&self) -> usize {
        self.lexicon.len()
    }

    /// The Danish stems of the parts of a lowercased word, space-separated, or `None` if it is
    /// not a compound.
    pub fn parts(&mut self, lower: &str) -> Option<&str> {
        let i = match self.index.get(lower) {
            Some(&i) => i,
            None => {
                let i = self.splits.len();
                self.splits.push(Split {
                    parts: None,
                    lexicon_len: usize::MAX,
                });
                self.index.insert(lower.into(), i);
                i
            }
        };
        let lexicon_len = self.lexicon.len();
        let split = &self.splits[i];
        if split.parts.is_none() && split.lexicon_len != lexicon_len {
            let parts = split_word(lower, &|part| self.known(part)).map(|parts| {
                let mut joined = String::new();
                for part in parts {
                    if !joined.is_empty() {
                        joined.push(' ');
                    }
                    joined.push_str(self.analysis.borrow_mut().term(Analyzer::Da, part));
                }
                joined.into_boxed_str()
            });
            self.splits[i] = Split { parts, lexicon_len };
        }
        self.splits[i].parts.as_deref()
    }

    fn known(&self, part: &str) -> bool {
        let mut analysis = self.analysis.borrow_mut();
        self.lexicon.contains(analysis.term(Analyzer::Da, part))
    }
}

/// Whether `text` has at least `n` characters (counting no further than `n`).
pub fn at_least_chars(text: &str, n: usize) -> bool {
    text.len() >= n && (n == 0 || text.chars().nth(n - 1).is_some())
}

/// Whether a lowercased word is long enough to be a compound part and has no digits.
fn can_be_part(lower: &str) -> bool {
    at_least_chars(lower, MIN_PART_CHARS) && !lower.bytes().any(|b| b.is_ascii_digit())
}

/// Splits `word` into parts that `known` accepts (checked only for parts of at least
/// [`MIN_PART_CHARS`] characters that are not stop words): longest known head first, linking
/// `s`/`e` allowed, the tail split again if it is not known as a whole.
pub fn split_word<'w>(word: &'w str, known: &dyn Fn(&str) -> bool) -> Option<Vec<&'w str>> {
    if !at_least_chars(word, MIN_COMPOUND_CHARS) || word.chars().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let ok =
        |part: &str| at_least_chars(part, MIN_PART_CHARS) && !is_stop_word(part) && known(part);
    // Candidate head ends, longest head first, leaving room for a minimal tail.
    let shortest = word.char_indices().nth(MIN_PART_CHARS)?.0;
    for (end, _) in word.char_indices().rev() {
        if end < shortest {
            break;
        }
        let head = &word[..end];
        if !ok(head) {
            continue;
        }
        for link in ["", "s", "e"] {
            let Some(tail) = word[end..].strip_prefix(link) else {
                continue;
            };
            if !at_least_chars(tail, MIN_PART_CHARS) {
                continue;
            }
            if ok(tail) {
                return Some(vec![head, tail]);
            }
            if let Some(mut rest) = split_word(tail, known) {
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
    use crate::analysis::stem_da;

    fn splitter(words: &[&str]) -> Splitter {
        let mut s = Splitter::new();
        for w in words {
            s.learn(w);
        }
        s
    }

    fn parts(s: &mut Splitter, w: &str) -> Option<Vec<String>> {
        s.parts(w)
            .map(|parts| parts.split(' ').map(str::to_string).collect())
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
    fn characters_are_counted_not_bytes() {
        assert!(at_least_chars("ørne", 4) && !at_least_chars("ørn", 4));
        assert!(!at_least_chars("æøå", 4) && at_least_chars("æøå", 3) && at_least_chars("", 0));
    }

    #[test]
    fn learning_a_word_later_enables_a_split() {
        let mut s = splitter(&["frivillig"]);
        assert_eq!(parts(&mut s, "frivilligudvalg"), None);
        s.learn("udvalg");
        assert!(parts(&mut s, "frivilligudvalg").is_some());
    }
}
