//! The reader's language: which of Danish and English the words of a query belong to.
//!
//! whatlang cannot tell from one to three words, so each content word is judged by what knows
//! more about single words:
//! 1. a function word of only one language (`og`, `the`) is that language's, and a word with
//!    Danish letters (`æ`, `ø`, `å`) is Danish, even where English text quotes it;
//! 2. the index's statistics: in how many documents the word's Danish term occurs in Danish text
//!    (as a word or a compound part) against its English term in English text, each per document
//!    of that language, one leaning at least twice as much as the other; a word the statistics
//!    find in both (`plan`, `system`, a place name) is both languages', unless it is rare in
//!    one of them and the glossary has it on one side only (`borgerinddragelse`, which an
//!    English text about Denmark may quote);
//! 3. a word the index does not hold goes by the side of the glossary it is on.
//!
//! The query is in a language when the words with a language have that one, or clearly most of
//! them do (a Danish question naming an English product); words of both languages in like
//! numbers, or none with a language, make it a query in both.

use crate::glossary::Glossary;
use crate::lang::{self, Lang};

/// A word's occurrences: documents holding it in each language's text, and the documents of
/// each language.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Occurrences {
    pub in_da: u64,
    pub in_en: u64,
    pub da_docs: u64,
    pub en_docs: u64,
}

/// One language must be this many times as frequent (per document of its language) as the other
/// for a word to be its on the statistics alone.
const LEANING: f64 = 2.0;
/// A word in at least this many documents of each language is both languages' whatever the
/// glossary says (`plan`); below, the glossary's side breaks the tie.
const BOTH_SEEN: u64 = 3;

/// The language of one lowercased word: `None` when it belongs to both or neither.
pub fn of_word(lower: &str, seen: Occurrences) -> Option<Lang> {
    // `i` is Danish `i` ("in") and English `I` alike (`Where can I download Debian?`).
    if lower == "i" {
        return None;
    }
    if let Some(lang) = lang::function_word(lower) {
        return Some(lang);
    }
    if lower.contains(['æ', 'ø', 'å']) {
        return Some(Lang::Da);
    }
    let glossary = Glossary::global().side(lower);
    if seen.in_da + seen.in_en == 0 {
        return glossary;
    }
    // Add-a-half smoothing: a word seen once in a small corpus leans, but not by infinity.
    let rate = |n: u64, docs: u64| (n as f64 + 0.5) / (docs as f64 + 1.0);
    let (da, en) = (
        rate(seen.in_da, seen.da_docs),
        rate(seen.in_en, seen.en_docs),
    );
    if da >= LEANING * en {
        Some(Lang::Da)
    } else if en >= LEANING * da {
        Some(Lang::En)
    } else if seen.in_da.min(seen.in_en) >= BOTH_SEEN {
        None
    } else {
        glossary
    }
}

/// A language's words must outnumber the other's this many times for a query that has words of
/// both to be in it: a Danish question naming an English product (`Hvordan nulstiller jeg min
/// adgangskode til root?`) is Danish; two words, one of each language, are both.
const MAJORITY: usize = 3;

/// The language of a query from its words' languages: `None` (both) when neither language's
/// words outnumber the other's [`MAJORITY`] times, or no word has a language.
pub fn of_query(words: impl IntoIterator<Item = Option<Lang>>) -> Option<Lang> {
    let (mut da, mut en) = (0, 0);
    for lang in words.into_iter().flatten() {
        match lang {
            Lang::Da => da += 1,
            Lang::En => en += 1,
        }
    }
    if da > 0 && da >= MAJORITY * en {
        Some(Lang::Da)
    } else if en > 0 && en >= MAJORITY * da {
        Some(Lang::En)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(in_da: u64, in_en: u64) -> Occurrences {
        Occurrences {
            in_da,
            in_en,
            da_docs: 100,
            en_docs: 100,
        }
    }

    #[test]
    fn function_words_decide_at_once() {
        assert_eq!(of_word("og", seen(0, 100)), Some(Lang::Da));
        assert_eq!(of_word("the", seen(100, 0)), Some(Lang::En));
        assert_eq!(
            of_word("i", seen(100, 100)),
            None,
            "Danish `i`, English `I`"
        );
        let words = ["where", "can", "i", "download", "debian"].map(|w| of_word(w, seen(3, 3)));
        assert_eq!(of_query(words), Some(Lang::En));
    }

    #[test]
    fn danish_letters_make_a_danish_word_wherever_it_stands() {
        assert_eq!(of_word("blåbærgrød", seen(0, 0)), Some(Lang::Da));
        assert_eq!(of_word("ældrepleje", seen(3, 3)), Some(Lang::Da));
    }

    #[test]
    fn the_glossary_breaks_a_tie_the_statistics_lean_its_way() {
        // Quoted once in an English text, used in two Danish ones.
        assert_eq!(of_word("borgerinddragelse", seen(2, 1)), Some(Lang::Da));
        assert_eq!(of_word("kommune", seen(1, 2)), Some(Lang::Da));
        // Where English texts use the word clearly more, the statistics decide.
        assert_eq!(of_word("kommune", seen(1, 9)), Some(Lang::En));
        // `offer` is on both sides (Danish "victim"; English for `tilbud`): the statistics alone.
        assert_eq!(of_word("offer", seen(2, 1)), None);
    }

    #[test]
    fn the_index_decides_a_word_it_holds() {
        assert_eq!(of_word("frivillig", seen(40, 1)), Some(Lang::Da));
        assert_eq!(of_word("volunteering", seen(0, 12)), Some(Lang::En));
        // Common in both: a place name, `plan`, `system`.
        assert_eq!(of_word("aarhus", seen(10, 8)), None);
        assert_eq!(of_word("plan", seen(30, 20)), None);
        // Per document of the language: 5 of 10 English documents outweigh 5 of 100 Danish ones.
        let few_english = Occurrences {
            in_da: 5,
            in_en: 5,
            da_docs: 100,
            en_docs: 10,
        };
        assert_eq!(of_word("system", few_english), Some(Lang::En));
    }

    #[test]
    fn unknown_words_go_by_glossary_then_letters() {
        assert_eq!(of_word("kommune", seen(0, 0)), Some(Lang::Da));
        assert_eq!(of_word("municipality", seen(0, 0)), Some(Lang::En));
        assert_eq!(of_word("xqzt", seen(0, 0)), None);
    }

    #[test]
    fn a_query_is_in_a_language_when_its_words_agree_or_lean_clearly() {
        assert_eq!(of_query([Some(Lang::Da), None]), Some(Lang::Da));
        assert_eq!(of_query([Some(Lang::Da), Some(Lang::En)]), None);
        let da = Some(Lang::Da);
        // A Danish question that names an English product is Danish.
        assert_eq!(of_query([da, da, da, Some(Lang::En), None]), Some(Lang::Da));
        assert_eq!(of_query([da, da, Some(Lang::En)]), None);
        assert_eq!(of_query([None, None]), None);
        assert_eq!(of_query([]), None);
    }
}
