//! "Mente du …?": spellings for query words that no word list knows.
//!
//! The known words are a Danish word list of the system, read when present (Debian's `wdanish`,
//! `/usr/share/dict/danish`, GPL data that is read, not shipped; `VIDENSBASE_WORDLIST` names
//! another file of one word per line) and the glossary's words in both languages. A word of the
//! query that is none of these, and at least [`MIN_CHARS`] long, gets its known spellings within
//! one edit (two for words of [`TWO_EDITS_FROM`] characters or more) that keep its first letter:
//! the search engine weighs them by the documents that hold them and offers the heaviest. The index's own
//! vocabulary needs no list: its close spellings are searched anyway (`query::typo`).

use std::path::PathBuf;
use std::sync::LazyLock;

use levenshtein_automata::Distance;
use tantivy_fst::{IntoStreamer, Map, Streamer};

use crate::analysis::lower_words;
use crate::glossary::Glossary;
use crate::query::typo;

/// Shorter words are left alone: at one edit, nearly every short word is close to another.
pub const MIN_CHARS: usize = 4;
/// Words this long may be two edits away from their spelling.
pub const TWO_EDITS_FROM: usize = 8;
/// Spellings tried per word, closest first.
pub const CANDIDATES: usize = 6;

/// Where the word list is looked for when `VIDENSBASE_WORDLIST` is not set.
pub const DEFAULT_WORDLIST: &str = "/usr/share/dict/danish";

/// The known words, as an FST of lowercase words (values unused).
pub struct Speller {
    words: Option<Map<Vec<u8>>>,
    /// Words read from the word list (0 without one).
    listed: usize,
}

static SPELLER: LazyLock<Speller> = LazyLock::new(|| {
    let path = std::env::var_os("VIDENSBASE_WORDLIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_WORDLIST));
    let list = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            tracing::info!(
                "no word list at {} ({e}): spelling suggestions know only the glossary's words",
                path.display()
            );
            String::new()
        }
    };
    Speller::new(&list, Glossary::global())
});

impl Speller {
    /// The speller of the server: the system's word list and the bundled glossary.
    pub fn global() -> &'static Speller {
        &SPELLER
    }

    /// The words of `list` (one per line) and of `glossary`.
    pub fn new(list: &str, glossary: &Glossary) -> Speller {
        let mut all: Vec<String> = list
            .lines()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        let listed = all.len();
        for phrase in glossary.phrases() {
            all.extend(lower_words(phrase).map(|(_, w)| w));
        }
        all.sort_unstable();
        all.dedup();
        let words = Map::from_iter(all.iter().map(|w| (w, 0))).ok();
        Speller { words, listed }
    }

    /// Words read from the word list.
    pub fn listed(&self) -> usize {
        self.listed
    }

    pub fn knows(&self, lower: &str) -> bool {
        self.words.as_ref().is_some_and(|w| w.contains_key(lower))
    }

    /// Whether `lower` may be misspelt: a word of letters, long enough, that no list knows
    /// (cheap: the caller asks this before [`Speller::spellings`], which walks the list).
    pub fn may_be_misspelt(&self, lower: &str) -> bool {
        self.words.is_some()
            && lower.chars().count() >= MIN_CHARS
            && lower.chars().all(char::is_alphabetic)
            && !self.knows(lower)
    }

    /// Known spellings close to `lower` (an unknown word), closest first, then alphabetically;
    /// none for a known or short word.
    pub fn spellings(&self, lower: &str) -> Vec<String> {
        let chars = lower.chars().count();
        let Some(known) = self.words.as_ref() else {
            return Vec::new();
        };
        if !self.may_be_misspelt(lower) {
            return Vec::new();
        }
        let distance = if chars >= TWO_EDITS_FROM { 2 } else { 1 };
        let dfa = typo::automaton(lower, distance);
        // The first letter is kept (as for the index's own close spellings).
        let first = typo::prefix(lower, 1);
        let mut found: Vec<(u8, String)> = Vec::new();
        let mut range = known.search(typo::Dfa(&dfa)).ge(first);
        if let Some(end) = typo::prefix_end(first) {
            range = range.lt(end);
        }
        let mut stream = range.into_stream();
        while let Some((word, _)) = stream.next() {
            if let Ok(word) = std::str::from_utf8(word) {
                let d = match dfa.eval(word) {
                    Distance::Exact(d) | Distance::AtLeast(d) => d,
                };
                found.push((d, word.to_string()));
            }
        }
        found.sort();
        found.into_iter().take(CANDIDATES).map(|(_, w)| w).collect()
    }
}

/// The query with the word at byte range `at` replaced by `with`.
pub fn replaced(query: &str, at: (usize, usize), with: &str) -> String {
    format!("{}{with}{}", &query[..at.0], &query[at.1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speller() -> Speller {
        Speller::new(
            "høring\nhøringer\nkommune\nKommunerne\nfrivillig\nborgerinddragelse\n",
            &Glossary::parse("høring\tconsultation\n"),
        )
    }

    #[test]
    fn close_known_spellings_of_unknown_words() {
        let s = speller();
        assert!(s.knows("kommunerne") && s.knows("consultation"));
        assert_eq!(s.spellings("høreing"), ["høring"]);
        assert_eq!(s.spellings("hørring"), ["høring"]);
        assert_eq!(s.spellings("frivilig"), ["frivillig"]);
        // Two edits for a long word, and the glossary's English words too.
        assert_eq!(s.spellings("borgerindragelsse"), ["borgerinddragelse"]);
        assert_eq!(s.spellings("consultaton"), ["consultation"]);
    }

    #[test]
    fn known_short_and_far_words_get_nothing() {
        let s = speller();
        assert!(s.spellings("høring").is_empty(), "known");
        assert!(s.spellings("hør").is_empty(), "short");
        assert!(s.spellings("kommission").is_empty(), "too far");
        assert!(s.spellings("føring").is_empty(), "the first letter is kept");
        assert!(s.spellings("h0ring").is_empty(), "not a word");
    }

    #[test]
    fn a_word_is_replaced_where_it_stands() {
        assert_eq!(
            replaced("\"høreing\" -x", (1, 9), "høring"),
            "\"høring\" -x"
        );
    }
}
