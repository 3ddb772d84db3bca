//! Languages: the closed set {Danish, English} and detection with whatlang restricted to it.
//!
//! A document gets one language (the one most of its text is in), and [`paragraph_language`]
//! gives each paragraph its own language when it clearly differs, so that Danish quotations in
//! an English report are analysed as Danish. Short paragraphs and uncertain guesses inherit the
//! document's language: navigation words such as "Gå til indhold" never flip a document.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use whatlang::Detector;

use crate::analysis::Analyzer;

/// How much text is enough to judge a whole document or paragraph (whatlang is trigram based;
/// more is slower and, between two languages this different, no more accurate).
const DETECT_SAMPLE_BYTES: usize = 2_048;
/// Paragraphs with fewer words than this always inherit the document's language.
const MIN_PARAGRAPH_WORDS: usize = 8;

static DETECTOR: LazyLock<Detector> =
    LazyLock::new(|| Detector::with_allowlist(vec![whatlang::Lang::Dan, whatlang::Lang::Eng]));

/// A language vidensbase analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Da,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Da, Lang::En];

    /// The analyser of the language's own fields. (Here, not in `analysis`, which knows nothing
    /// of languages: `lang` uses its words, so the two import each other in one direction only.)
    pub fn analyzer(self) -> Analyzer {
        match self {
            Lang::Da => Analyzer::Da,
            Lang::En => Analyzer::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    /// The language's name in its own tongue, for the web pages.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Da => "Dansk",
            Lang::En => "English",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "da" | "dan" | "danish" | "dansk" => Ok(Lang::Da),
            "en" | "eng" | "english" | "engelsk" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?} (use da or en)")),
        }
    }
}

/// The months, January first: the Danish name (as Danish writes it, lowercase) and the English.
pub const MONTHS: [(&str, &str); 12] = [
    ("januar", "January"),
    ("februar", "February"),
    ("marts", "March"),
    ("april", "April"),
    ("maj", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("august", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("december", "December"),
];

/// Detects the language of a whole document.
///
/// Frequent function words vote first: when one language has clearly more of them (at least
/// five, and three times the other's), that settles it — this is what keeps code samples and
/// product names in a Danish help page from making it "English". Otherwise whatlang decides;
/// for texts too short for either, Danish letters are the last clue.
pub fn detect(text: &str) -> Lang {
    let sample = truncate(text, DETECT_SAMPLE_BYTES);
    let (da, en) = function_words(sample);
    if da >= 5 && da >= 3 * en {
        return Lang::Da;
    }
    if en >= 5 && en >= 3 * da {
        return Lang::En;
    }
    match DETECTOR.detect(sample) {
        Some(info) if info.is_reliable() || da + en == 0 => {
            if info.lang() == whatlang::Lang::Dan {
                Lang::Da
            } else {
                Lang::En
            }
        }
        _ if da != en => {
            if da > en {
                Lang::Da
            } else {
                Lang::En
            }
        }
        _ if sample.contains(['æ', 'ø', 'å', 'Æ', 'Ø', 'Å']) => Lang::Da,
        Some(info) if info.lang() == whatlang::Lang::Dan => Lang::Da,
        _ => Lang::En,
    }
}

/// Frequent Danish-only and English-only function words counted word by word, for
/// [`paragraph_language`]: the indexer counts them in the pass that analyses a paragraph.
#[derive(Debug, Default, Clone, Copy)]
pub struct FunctionWords {
    pub da: usize,
    pub en: usize,
}

impl FunctionWords {
    /// Counts a lowercased word if it is a function word.
    pub fn count(&mut self, lower: &str) {
        if lower.len() <= FUNCTION_WORD_MAX_BYTES {
            self.count_key(word_key(lower.as_bytes()));
        }
    }

    /// Counts a word by its key ([`word_key`] of its lowercased bytes).
    fn count_key(&mut self, k: u64) {
        let (key, lang) = FUNCTION_WORDS[function_word_slot(k)];
        if key == k {
            match lang {
                Lang::Da => self.da += 1,
                Lang::En => self.en += 1,
            }
        }
    }
}

/// The language of a word that is a frequent function word of only one of the two languages
/// (`og`, `the`); `None` for every other word.
pub fn function_word(lower: &str) -> Option<Lang> {
    let mut counted = FunctionWords::default();
    counted.count(lower);
    match (counted.da, counted.en) {
        (0, 0) => None,
        (_, 0) => Some(Lang::Da),
        _ => Some(Lang::En),
    }
}

/// The language of one paragraph of a document in `doc_lang`, given its function words: the
/// document's, unless the paragraph is long enough, its function words lean towards the other
/// language, and whatlang confirms that with confidence. A paragraph without such evidence (a
/// list of UI labels, a code sample) keeps the document's language, and whatlang, the slow part,
/// only judges the few paragraphs that may really be quotations.
pub fn paragraph_language(paragraph: &str, doc_lang: Lang, words: FunctionWords) -> Lang {
    let (own, other) = match doc_lang {
        Lang::Da => (words.da, words.en),
        Lang::En => (words.en, words.da),
    };
    // The word count second: few paragraphs get past the first test.
    if other < 2 || other <= own || !has_words(paragraph, MIN_PARAGRAPH_WORDS) {
        return doc_lang;
    }
    match DETECTOR.detect(truncate(paragraph, DETECT_SAMPLE_BYTES)) {
        Some(info) if info.confidence() >= 0.5 || info.is_reliable() => {
            if info.lang() == whatlang::Lang::Dan {
                Lang::Da
            } else {
                Lang::En
            }
        }
        _ => doc_lang,
    }
}

/// The language of a paragraph of a document in `doc_lang` by the indexer's rule
/// ([`paragraph_language`]), its function words counted here: what a passage shown on its own
/// (a snippet, a paragraph of the document page) is marked with, so it agrees with the language
/// its words were indexed in.
pub fn language_of_paragraph(paragraph: &str, doc_lang: Lang) -> Lang {
    let (da, en) = function_words(paragraph);
    paragraph_language(paragraph, doc_lang, FunctionWords { da, en })
}

/// The paragraph of `text` around byte offset `at` (a blank line ends a paragraph, as in
/// [`paragraphs`]), at most [`DETECT_SAMPLE_BYTES`] on either side of `at`.
pub fn paragraph_around(text: &str, at: usize) -> &str {
    let at = floor_char_boundary(text, at.min(text.len()));
    let from = floor_char_boundary(text, at.saturating_sub(DETECT_SAMPLE_BYTES));
    let to = floor_char_boundary(text, (at + DETECT_SAMPLE_BYTES).min(text.len()));
    let start = text[from..at].rfind("\n\n").map_or(from, |i| from + i + 2);
    let end = text[at..to].find("\n\n").map_or(to, |i| at + i);
    text[start..end].trim()
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The longest function word in bytes (`også`).
const FUNCTION_WORD_MAX_BYTES: usize = 5;

/// A word of at most eight bytes packed into an integer, first byte highest.
const fn word_key(word: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < word.len() {
        k = (k << 8) | word[i] as u64;
        i += 1;
    }
    k
}

/// Frequent function words found in only one of the two languages.
const DANISH_FUNCTION_WORDS: [&str; 16] = [
    "og", "at", "er", "det", "til", "på", "af", "med", "som", "den", "har", "ikke", "kan", "skal",
    "eller", "også",
];
const ENGLISH_FUNCTION_WORDS: [&str; 16] = [
    "the", "and", "of", "to", "is", "that", "with", "are", "be", "this", "on", "by", "from", "can",
    "or", "which",
];

/// The slot of a word key in [`FUNCTION_WORDS`]: a multiplicative hash, with a multiplier that
/// gives each of the 32 function words its own slot (checked when the table is built, at compile
/// time), so a lookup is one load and one compare.
const fn function_word_slot(k: u64) -> usize {
    (k.wrapping_mul(0xe80a_d1c3_16fc_fddb) >> 58) as usize
}

/// The function words' keys and languages by slot; empty slots hold key 0, which no word has.
const FUNCTION_WORDS: [(u64, Lang); 64] = {
    let mut table = [(0u64, Lang::Da); 64];
    let mut i = 0;
    while i < 32 {
        let (word, lang) = if i < 16 {
            (DANISH_FUNCTION_WORDS[i], Lang::Da)
        } else {
            (ENGLISH_FUNCTION_WORDS[i - 16], Lang::En)
        };
        let k = word_key(word.as_bytes());
        let slot = function_word_slot(k);
        assert!(table[slot].0 == 0, "two function words share a slot");
        table[slot] = (k, lang);
        i += 1;
    }
    table
};

/// Danish-only and English-only function words among the words of `text`.
fn function_words(text: &str) -> (usize, usize) {
    let mut words = FunctionWords::default();
    let mut lower = String::new();
    for (start, end) in crate::analysis::words(text) {
        if end - start <= FUNCTION_WORD_MAX_BYTES {
            crate::analysis::lowercase_into(&text[start..end], &mut lower);
            words.count(&lower);
        }
    }
    (words.da, words.en)
}

/// Whether `text` has at least `n` words ([`crate::analysis::words`]).
fn has_words(text: &str, n: usize) -> bool {
    n == 0 || crate::analysis::words(text).nth(n - 1).is_some()
}

/// Paragraphs: runs of non-blank lines, trimmed. (A line scan: every document passes here.)
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while at < text.len() {
            let line_start = at;
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            at = (line_end + 1).min(text.len());
            let blank = text[line_start..line_end].trim().is_empty();
            match start {
                None if !blank => start = Some(line_start),
                Some(s) if blank => return Some(text[s..line_start].trim()),
                _ => {}
            }
        }
        start.map(|s| text[s..].trim())
    })
}

fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_danish_and_english() {
        assert_eq!(
            detect("Kommunerne samarbejder med de frivillige foreninger om at bekæmpe ensomhed blandt ældre borgere."),
            Lang::Da
        );
        assert_eq!(
            detect("The municipalities cooperate with voluntary associations to fight loneliness among older citizens."),
            Lang::En
        );
    }

    /// Each paragraph's language, its function words counted as the indexer counts them.
    fn languages(text: &str, doc_lang: Lang) -> Vec<Lang> {
        paragraphs(text)
            .map(|p| language_of_paragraph(p, doc_lang))
            .collect()
    }

    #[test]
    fn the_paragraph_around_an_offset() {
        let text = "Første afsnit.\n\nAndet afsnit, linje et\nlinje to.\n\nTredje.";
        let at = text.find("linje to").expect("offset");
        assert_eq!(
            paragraph_around(text, at),
            "Andet afsnit, linje et\nlinje to."
        );
        assert_eq!(paragraph_around(text, 0), "Første afsnit.");
        assert_eq!(paragraph_around(text, text.len()), "Tredje.");
        // Inside a letter of two bytes: the boundary before it.
        let ae = "ææææ";
        assert_eq!(paragraph_around(ae, 3), ae);
    }

    #[test]
    fn danish_navigation_words_do_not_flip_an_english_page() {
        let page = "Gå til indhold\n\nCooperation between authorities and civil society\n\n\
                    Information on the advantages and possible disadvantages of the cooperation \
                    between authorities and civil society is provided here. Good advice and practical \
                    examples of how to deal with such cooperation are also provided.";
        assert_eq!(detect(page), Lang::En);
        assert!(languages(page, Lang::En).iter().all(|l| *l == Lang::En));
    }

    #[test]
    fn a_danish_quotation_in_an_english_report_is_danish() {
        let text = "The report describes how municipalities support volunteers and associations \
                    across the country in many different ways.\n\n\
                    Kommunerne skal styrke samarbejdet med de frivillige foreninger, så flere borgere \
                    bliver en del af fællesskabet i lokalsamfundet.";
        assert_eq!(languages(text, Lang::En), [Lang::En, Lang::Da]);
    }

    #[test]
    fn code_samples_do_not_make_a_danish_page_english() {
        let page = "CDbl-funktion\n\nKonverterer et vilkårligt numerisk udtryk eller strengudtryk til typen double.\n\n\
                    Syntaks:\n\nCDbl (Expression As Variant) As Double\n\nReturværdi:\n\nDouble\n\nParametre:\n\n\
                    Expression: Et vilkårligt streng- eller numerisk udtryk, som du ønsker at konvertere. Hvis du \
                    konverterer et strengudtryk, skal tallet angives som normal tekst og med det standard talformat, \
                    der er angivet i dine indstillinger.";
        assert_eq!(detect(page), Lang::Da);
        assert_eq!(
            detect("Turning off Bullets and Numbering for Individual Paragraphs"),
            Lang::En
        );
    }

    #[test]
    fn function_words_are_counted_in_any_case() {
        assert_eq!(
            function_words("Og PÅ også, OGSÅ og-så the THE of which"),
            (5, 4)
        );
        assert_eq!(function_words("påske theory ofte"), (0, 0));
    }

    #[test]
    fn paragraphs_are_long_enough_by_their_words() {
        assert!(!has_words("", 1));
        assert!(has_words("", 0));
        assert!(has_words("Kommunen – og de frivillige", 4));
        // Punctuation and dashes are no words.
        assert!(!has_words("1. – ... ?", 2));
    }

    #[test]
    fn paragraphs_are_runs_of_non_blank_lines() {
        let text = "\n\nOne\nstill one\r\n\r\nTwo\n \t \nThree  ";
        assert_eq!(
            paragraphs(text).collect::<Vec<_>>(),
            ["One\nstill one", "Two", "Three"]
        );
        assert_eq!(paragraphs("").count(), 0);
        assert_eq!(paragraphs("\n  \n").count(), 0);
    }

    #[test]
    fn parses_codes() {
        assert_eq!("DA".parse::<Lang>(), Ok(Lang::Da));
        assert_eq!("english".parse::<Lang>(), Ok(Lang::En));
        assert!("de".parse::<Lang>().is_err());
    }
}
