//! Text analysis: how words become index terms, for Danish, English and the folded fallback.
//!
//! Every analyser splits text into words (maximal runs of letters and digits, so `DK0058` stays
//! one word and `OGP-netværket` becomes `ogp` + `netværket`), lowercases them and then applies
//! its own normalisation: Danish Snowball stemming (`Da`), English Snowball stemming after
//! British/American spelling normalisation (`En`), or a lossy ASCII fold (`æ`→`ae`, `ø`→`o`,
//! `å`/`aa`→`a`) followed by Danish stemming (`Fold`), which only ever feeds a lower-weighted
//! fallback field. The same functions serve the indexer ([`Analysis::index_text`], one pass per
//! text that yields the language and the folded terms together), the query builder and the
//! snippet highlighter, so all three always agree on what a term is. tantivy itself only splits
//! the indexer's pre-analysed terms ([`TERMS_TOKENIZER`]).

mod cache;
mod fold;
mod stem;
mod stop;
mod tokenizer;

pub use cache::{title_form, Analysis, SideTerms, WordId};
pub use fold::{aa_spelling, fold, fold_prefix, folded_chars, respelled};
pub use stem::{stem_da, stem_en};
pub use stop::is_stop_word;
pub use tokenizer::{commit_payload, register, ANALYSIS_VERSION, TERMS_TOKENIZER};

/// Words longer than this (in bytes) are not indexed: they are base64, URLs or noise.
const MAX_WORD_BYTES: usize = 60;

/// Distinct words an [`Analysis`] caches the terms of before it starts over.
const TERM_CACHE_WORDS: usize = 200_000;

/// The ways a word is turned into a term. Which one made a field's terms is the field's part of
/// the contract ([`crate::schema::TermField::analyzer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analyzer {
    /// Lowercase + Danish Snowball stem ([`stem_da`]). Exact Danish spelling (æ/ø/å kept).
    Da,
    /// Lowercase + -ise/-ize, -our/-or, -tre/-ter normalisation + English Snowball stem.
    En,
    /// Lowercase + lossy ASCII fold + Danish stem: the fallback for people without a Danish keyboard.
    Fold,
    /// Lowercase only: the word as written.
    Form,
}

impl Analyzer {
    /// The term of one lowercased word (computed, not cached: for the query side, which analyses
    /// a handful of words).
    pub fn term(self, lower: &str) -> String {
        match self {
            Analyzer::Da => stem_da(lower),
            Analyzer::En => stem_en(lower),
            Analyzer::Fold => stem_da(&fold(lower)),
            Analyzer::Form => lower.to_string(),
        }
    }

    /// The slot of a stemming analyser's term in a [`CacheEntry`].
    fn slot(self) -> Option<usize> {
        match self {
            Analyzer::Da => Some(0),
            Analyzer::En => Some(1),
            Analyzer::Fold => Some(2),
            Analyzer::Form => None,
        }
    }
}

/// Writes a word lowercased into `out` (replacing its contents); ASCII without decoding.
pub fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// The lowercased words of `text` ([`words`]), each with its byte span.
pub fn lower_words(text: &str) -> impl Iterator<Item = ((usize, usize), String)> + '_ {
    words(text).map(|(start, end)| {
        let mut lower = String::new();
        lowercase_into(&text[start..end], &mut lower);
        ((start, end), lower)
    })
}

fn push_term(out: &mut String, term: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(term);
}

/// Byte ranges of the words of `text`: maximal runs of alphanumeric characters.
pub fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether the character at byte `at` is alphanumeric, and its length; ASCII without decoding.
    let class = move |at: usize| -> (bool, usize) {
        let b = bytes[at];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    std::iter::from_fn(move || loop {
        while i < bytes.len() {
            let (alnum, len) = class(i);
            if alnum {
                break;
            }
            i += len;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() {
            let (alnum, len) = class(i);
            if !alnum {
                break;
            }
            i += len;
        }
        if i - start <= MAX_WORD_BYTES {
            return Some((start, i));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_stems_do_not_fall_onto_function_words() {
        // Snowball gives `dem`, `som`, `men`, `for`: every Danish document has those.
        for (word, function_word) in [
            ("demens", "dem"),
            ("sommer", "som"),
            ("sommeren", "som"),
            ("mens", "men"),
            ("forrige", "for"),
            ("varighed", "var"),
        ] {
            let stem = stem_da(word);
            assert_ne!(stem, function_word, "{word}");
            assert!(!is_stop_word(&stem), "{word} → {stem}");
            assert!(word.starts_with(&stem), "{word} → {stem}");
        }
        // The word's own inflections stay together, and ordinary stems are Snowball's.
        assert_eq!(stem_da("sommer"), stem_da("sommeren"));
        assert_eq!(stem_da("kommunerne"), "kommun");
        assert_eq!(stem_da("som"), "som");
    }

    fn w(text: &str) -> Vec<&str> {
        words(text).map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn words_keep_identifiers_and_split_on_punctuation() {
        assert_eq!(w("Civil Society (DK0058)"), ["Civil", "Society", "DK0058"]);
        assert_eq!(
            w("OGP-netværket, 2017–2019"),
            ["OGP", "netværket", "2017", "2019"]
        );
        assert_eq!(w("Talformat: Valuta"), ["Talformat", "Valuta"]);
        assert_eq!(w("  "), Vec::<&str>::new());
    }

    #[test]
    fn danish_inflections_share_a_stem() {
        let da = Analyzer::Da;
        assert_eq!(da.term("handlingsplaner"), da.term("handlingsplan"));
        assert_eq!(da.term("kommunerne"), da.term("kommune"));
        assert_eq!(da.term("foreningerne"), da.term("forening"));
        assert_eq!(da.term("frivillige"), da.term("frivillig"));
        // Exact Danish letters are kept: før and for stay apart in the exact field.
        assert_ne!(da.term("før"), da.term("for"));
        // An imperative in -et is its verb, not a definite noun; nouns in -ret stay nouns.
        for form in ["opretter", "oprette", "oprettes", "oprettelse", "opret"] {
            assert_eq!(da.term(form), da.term("opret"), "{form}");
        }
        assert_eq!(da.term("indret"), da.term("indrette"));
        assert_eq!(da.term("genopret"), da.term("genoprette"));
        assert_eq!(da.term("papiret"), da.term("papir"));
    }

    #[test]
    fn english_inflections_and_spellings_share_a_stem() {
        let en = Analyzer::En;
        assert_eq!(en.term("partnerships"), en.term("partnership"));
        assert_eq!(en.term("organisation"), en.term("organization"));
        assert_eq!(en.term("organisations"), en.term("organizations"));
        assert_eq!(en.term("radicalisation"), en.term("radicalization"));
        assert_eq!(en.term("digitisation"), en.term("digitization"));
        assert_eq!(en.term("analyse"), en.term("analyze"));
        assert_eq!(en.term("behaviour"), en.term("behavior"));
        assert_eq!(en.term("centre"), en.term("center"));
        assert_ne!(en.term("rise"), en.term("rize"));
    }

    #[test]
    fn fold_merges_keyboard_variants() {
        let f = Analyzer::Fold;
        assert_eq!(f.term("aarhus"), f.term("århus"));
        assert_eq!(f.term("ramboll"), f.term("rambøll"));
        assert_eq!(f.term("kobenhavn"), f.term("københavn"));
        assert_eq!(f.term("aeldre"), f.term("ældre"));
        // The fold is lossy by design; that is why it is only a fallback.
        assert_eq!(f.term("før"), f.term("for"));
    }

    #[test]
    fn respelled_words_are_those_folding_changes() {
        assert!(
            respelled("københavn")
                && respelled("aarhus")
                && respelled("aeldre")
                && respelled("hoering")
        );
        assert!(!respelled("kobenhavn") && !respelled("strategy") && !respelled("dk0058"));
    }

    #[test]
    fn equal_words_get_equal_ids_and_different_words_different_ones() {
        let (mut terms, mut side, mut ids) = (String::new(), SideTerms::default(), Vec::new());
        let text = "Udvalg og udvalg, UDVALG og frivillighedskonsulentordningerne frivillighedskonsulentordningerne";
        Analysis::new().index_text(text, Analyzer::Da, &mut terms, &mut side, |w, _, id| {
            ids.push((w.to_string(), id))
        });
        for (word, id) in &ids {
            for (other, other_id) in &ids {
                assert_eq!(word == other, id == other_id, "{word} {other}");
            }
        }
    }

    #[test]
    fn one_pass_analysis_gives_language_terms_and_the_differing_folded_ones() {
        let (mut terms, mut side) = (String::new(), SideTerms::default());
        let (mut seen, mut seen_terms) = (Vec::new(), Vec::new());
        Analysis::new().index_text(
            "Kommunerne og Aarhus' foreninger",
            Analyzer::Da,
            &mut terms,
            &mut side,
            |w, term, _| {
                seen.push(w.to_string());
                seen_terms.push(term.to_string());
            },
        );
        assert_eq!(seen, ["kommunerne", "og", "aarhus", "foreninger"]);
        let expected: Vec<String> = seen.iter().map(|w| Analyzer::Da.term(w)).collect();
        assert_eq!(terms, expected.join(" "));
        assert_eq!(seen_terms, expected);
        // Only the folded terms that differ from the language term: `aarhus` → `arhus`.
        let expected: Vec<String> = seen
            .iter()
            .map(|w| Analyzer::Fold.term(w))
            .filter(|t| !expected.contains(t))
            .collect();
        assert_eq!(expected, ["arhus"]);
        assert_eq!(side.folded, expected.join(" "));
        // Every word but the function words, as written, lowercased.
        assert_eq!(side.forms, "kommunerne aarhus foreninger");
    }

    #[test]
    fn cached_terms_equal_computed_ones_whether_prefixes_or_not() {
        // `policies` → `polici` (not a prefix in English), `kommunerne` → `kommun` (a prefix),
        // `ørerne` → folded `orern` (not a prefix), `dk0058` (the word itself), and words
        // longer than an in-place key, one differing from another only after that.
        let long = "handicaporganisationernes";
        let longer = "handicaporganisationernesbestyrelser";
        for word in ["policies", "kommunerne", "ørerne", "dk0058", long, longer] {
            let expected = [stem_da(word), stem_en(word), stem_da(&fold(word))];
            let mut analysis = Analysis::new();
            // Folded first, then Danish, as English text does.
            assert_eq!(analysis.term(Analyzer::Fold, word), expected[2], "{word}");
            for _ in 0..2 {
                let got = [Analyzer::Da, Analyzer::En, Analyzer::Fold]
                    .map(|a| analysis.term(a, word).to_string());
                assert_eq!(got, expected, "{word}");
            }
            assert_eq!(analysis.term(Analyzer::Form, word), word);
        }
    }

    #[test]
    fn words_are_lowercased_whole_and_overlong_ones_dropped() {
        let long = "x".repeat(MAX_WORD_BYTES + 1);
        let text = format!("ÆBLE-Grød, DK0058 straße İstanbul {long} Øre–ÅR... sidste");
        let got: Vec<String> = lower_words(&text).map(|(_, w)| w).collect();
        assert_eq!(
            got,
            [
                "æble",
                "grød",
                "dk0058",
                "straße",
                "i\u{307}stanbul",
                "øre",
                "år",
                "sidste"
            ]
        );
    }

    #[test]
    fn folding_letter_by_letter_is_the_whole_fold() {
        assert_eq!(fold("århus"), "arhus");
        assert_eq!(fold("aarhus"), "arhus");
        assert_eq!(fold("ældre"), "aeldre");
        assert_eq!(fold("hoering"), "horing");
        assert_eq!(fold("aaa"), "aa");
        assert_eq!(fold("straße"), "strasse");
        let first_two: String = folded_chars("aarhus".chars()).take(2).collect();
        assert_eq!(first_two, "ar");
        // The prefix, with its ASCII shortcut, is the fold's first two letters.
        for word in [
            "Århus", "Aarhus", "AAAB", "Aeldre", "hoering", "OEE", "x", "xy", "DK0058",
        ] {
            let folded = fold(&word.to_lowercase());
            let mut expected = folded.chars().chain([' ', ' ']);
            let expected = [
                expected.next().unwrap_or(' '),
                expected.next().unwrap_or(' '),
            ];
            assert_eq!(fold_prefix(word), expected, "{word}");
        }
    }
}
