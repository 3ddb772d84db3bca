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

use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;

/// Words longer than this (in bytes) are not indexed: they are base64, URLs or noise.
const MAX_WORD_BYTES: usize = 60;

/// Distinct words an [`Analysis`] caches the terms of before it starts over.
const TERM_CACHE_WORDS: usize = 200_000;

static DANISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::Danish));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::English));

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

/// The terms of one lowercased word, filled in lazily per stemming analyser (index:
/// [`Analyzer::slot`]). Stemming mostly cuts a word short, so a term that is a prefix of the word
/// is kept as its length: it is then read from the word the caller holds, without touching
/// another allocation.
struct CacheEntry {
    /// The term's length in bytes, or [`UNSET`] / [`OWNED`].
    prefix: [u8; 3],
    /// The word's number in this cache ([`WordId`]).
    id: WordId,
    /// The word is a function word ([`is_stop_word`]).
    stop: bool,
    /// The terms that are not prefixes.
    owned: Option<Box<[Option<Box<str>>; 3]>>,
}

/// A number for a word, the same each time one [`Analysis`] meets the word (until its cache
/// starts over, after which the word gets a new one): callers that count words per document can
/// key on it instead of hashing the word again.
pub type WordId = u32;

/// Not computed yet.
const UNSET: u8 = u8::MAX;
/// Not a prefix of the word: in `owned`.
const OWNED: u8 = u8::MAX - 1;

impl CacheEntry {
    fn new(id: WordId, stop: bool) -> CacheEntry {
        CacheEntry {
            prefix: [UNSET; 3],
            id,
            stop,
            owned: None,
        }
    }

    /// Computes a stemming analyser's term into the entry, unless it is there.
    fn fill(&mut self, analyzer: Analyzer, slot: usize, lower: &str) {
        if self.prefix[slot] != UNSET {
            return;
        }
        if analyzer == Analyzer::Fold && !respelled(lower) {
            // Folding leaves such a word as it is: its folded term is its Danish one, which
            // Danish text has computed already.
            self.fill(Analyzer::Da, 0, lower);
            if self.prefix[0] != OWNED {
                self.prefix[slot] = self.prefix[0];
                return;
            }
        }
        let term = analyzer.term(lower);
        match u8::try_from(term.len()) {
            Ok(len) if len < OWNED && lower.starts_with(&term) => self.prefix[slot] = len,
            _ => {
                self.prefix[slot] = OWNED;
                self.owned.get_or_insert_default()[slot] = Some(term.into());
            }
        }
    }

    /// A term [`fill`](CacheEntry::fill)ed for `lower`.
    fn cached<'a>(&'a self, slot: usize, lower: &'a str) -> &'a str {
        match self.prefix[slot] {
            OWNED | UNSET => self
                .owned
                .as_ref()
                .and_then(|owned| owned[slot].as_deref())
                .unwrap_or_default(),
            len => lower.get(..usize::from(len)).unwrap_or_default(),
        }
    }
}

/// Words of at most this many bytes are cache keys in place, zero-padded (a word has no zero
/// bytes): a lookup compares three integers instead of following a pointer to the key.
const INLINE_KEY_BYTES: usize = 24;

/// The term cache: short words keyed in place, the few longer ones by a boxed key.
#[derive(Default)]
struct TermCache {
    short: rustc_hash::FxHashMap<[u8; INLINE_KEY_BYTES], CacheEntry>,
    long: rustc_hash::FxHashMap<Box<str>, CacheEntry>,
    /// The next new word's id; never reset, so a word's id is not reused by another word when
    /// the cache starts over.
    next_id: WordId,
}

impl TermCache {
    /// The entry of a lowercased word, inserted empty if new.
    fn entry(&mut self, lower: &str) -> &mut CacheEntry {
        if self.short.len() + self.long.len() >= TERM_CACHE_WORDS {
            self.short.clear();
            self.long.clear();
        }
        let next_id = &mut self.next_id;
        let new_entry = || {
            let id = *next_id;
            *next_id = next_id.wrapping_add(1);
            CacheEntry::new(id, is_stop_word(lower))
        };
        if lower.len() <= INLINE_KEY_BYTES {
            let mut key = [0; INLINE_KEY_BYTES];
            key[..lower.len()].copy_from_slice(lower.as_bytes());
            return self.short.entry(key).or_insert_with(new_entry);
        }
        // A boxed key per lookup: such long words are one in a thousand.
        self.long.entry(lower.into()).or_insert_with(new_entry)
    }
}

/// What every text yields for the index besides its language terms, whatever its language:
/// space-separated, in text order (the form the [`TERMS_TOKENIZER`] reads).
#[derive(Debug, Default)]
pub struct SideTerms {
    /// `Analyzer::Fold` terms of the words whose folded term differs from their language term
    /// (the query side searches a folded term in the language fields too).
    pub folded: String,
    /// `Analyzer::Form` terms: every word but the function words as written, lowercased and not
    /// stemmed, so the query's own word form scores above its other inflections; a title's
    /// words also as [`title_form`]s.
    pub forms: String,
}

/// A word's form as it stands in a title, in the `forms` field: the title that has the very words
/// of a query (`Split Cells`) beats one with other forms of them (`Merging and Splitting Cells`).
pub fn title_form(lower: &str) -> String {
    format!("{TITLE_FORM_MARK}{lower}")
}

/// Marks a title's forms; no word holds it, as words are letters and digits.
const TITLE_FORM_MARK: char = '^';

impl SideTerms {
    pub fn clear(&mut self) {
        self.folded.clear();
        self.forms.clear();
    }

    /// Adds the [`title_form`] of each form so far: call after analysing the title, first.
    pub fn mark_title_forms(&mut self) {
        let title: Vec<String> = self
            .forms
            .split(' ')
            .filter(|f| !f.is_empty())
            .map(title_form)
            .collect();
        for form in title {
            push_term(&mut self.forms, &form);
        }
    }

    /// Where the terms end now, to [`truncate`](SideTerms::truncate) back to.
    pub fn marks(&self) -> [usize; 2] {
        [self.folded.len(), self.forms.len()]
    }

    pub fn truncate(&mut self, marks: [usize; 2]) {
        self.folded.truncate(marks[0]);
        self.forms.truncate(marks[1]);
    }
}

/// An analysis with memory: the words of texts and their terms under each analyser, through a
/// cache of the terms of the words it has met (a corpus repeats its vocabulary, and stemming
/// costs far more than a hash lookup). The caller owns it (ingestion one per pool worker, the
/// compound splitter its own); the query side needs no cache and calls [`Analyzer::term`].
#[derive(Default)]
pub struct Analysis {
    cache: TermCache,
    /// A buffer for lowercasing words into, kept between texts.
    lower: String,
}

impl Analysis {
    pub fn new() -> Analysis {
        Analysis::default()
    }

    /// The term of a lowercased word under `analyzer`, through the cache.
    pub fn term<'a>(&'a mut self, analyzer: Analyzer, lower: &'a str) -> &'a str {
        let Some(slot) = analyzer.slot() else {
            return lower;
        };
        let entry = self.cache.entry(lower);
        entry.fill(analyzer, slot, lower);
        entry.cached(slot, lower)
    }

    /// Analyses a text for the index in one pass: each word ([`words`]) is lowercased once, its
    /// term under `analyzer` is appended to `terms`, its folded term and its form to `side`, and
    /// `each` sees the lowercased word, its term and its [`WordId`].
    pub fn index_text(
        &mut self,
        text: &str,
        analyzer: Analyzer,
        terms: &mut String,
        side: &mut SideTerms,
        mut each: impl FnMut(&str, &str, WordId),
    ) {
        let slot = analyzer.slot();
        let fold = Analyzer::Fold.slot().unwrap_or(2);
        for (start, end) in words(text) {
            lowercase_into(&text[start..end], &mut self.lower);
            let lower = self.lower.as_str();
            let entry = self.cache.entry(lower);
            entry.fill(Analyzer::Fold, fold, lower);
            let term = match slot {
                Some(slot) => {
                    entry.fill(analyzer, slot, lower);
                    entry.cached(slot, lower)
                }
                None => lower,
            };
            let folded = entry.cached(fold, lower);
            push_term(terms, term);
            if folded != term {
                push_term(&mut side.folded, folded);
            }
            // A query never asks for a function word's form: half the words of a text, not kept.
            if !entry.stop {
                push_term(&mut side.forms, lower);
            }
            each(lower, term, entry.id);
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

/// Danish Snowball stem of a lowercased word, guarded against over-stemming onto a function
/// word: Snowball cuts `demens` to `dem`, `sommer` to `som`, `mens` to `men`, `forrige` to
/// `for`, and such a term would match nearly every Danish document. When the stem is a function
/// word and the word is not, the stem keeps the word's next letter (`demens` → `deme`, `sommeren`
/// → `somm`), which parts it from the function word and keeps most of the word's own
/// inflections together. 67 of the 63,399 distinct words of the Danish benchmark corpus collided
/// so (2,038 of 3.4 million occurrences).
pub fn stem_da(lower: &str) -> String {
    if let Some(stem) = imperative_in_et(lower) {
        return stem.to_owned();
    }
    let stem = DANISH.stem(lower);
    if is_stop_word(&stem) && !is_stop_word(lower) {
        if let Some(rest) = lower.strip_prefix(&*stem) {
            if let Some(next) = rest.chars().next() {
                return format!("{stem}{next}");
            }
        }
    }
    stem.into_owned()
}

/// Imperatives of verbs in `-rette` that Snowball reads as definite nouns (`-et`): `opret`
/// would stem to `opr`, apart from `opretter`, `oprette`, `oprettelse` (all `opret`), so the
/// heading `Opret en ny bruger` would not answer `Hvordan opretter jeg en bruger?`. They are
/// their own stem, also as a compound's tail (`genopret`). Nouns in `-ret` (`papiret`, `året`)
/// are left to Snowball: only these verbs are listed.
fn imperative_in_et(lower: &str) -> Option<&str> {
    const VERBS: [&str; 3] = ["opret", "indret", "underret"];
    VERBS.iter().any(|v| lower.ends_with(v)).then_some(lower)
}

/// English stem of a lowercased word, after spelling normalisation.
pub fn stem_en(lower: &str) -> String {
    ENGLISH
        .stem(&normalise_english_spelling(lower))
        .into_owned()
}

/// Maps British spellings onto American ones so both stem alike:
/// `organisation`→`organization`, `analyse`→`analyze`, `behaviour`→`behavior`, `centre`→`center`.
fn normalise_english_spelling(w: &str) -> String {
    const IS: [&str; 9] = [
        "isations", "isation", "isers", "iser", "ising", "ised", "ises", "ise", "isable",
    ];
    if !w.is_ascii() || w.len() < 6 {
        return w.to_string();
    }
    for suffix in IS {
        if let Some(stem) = w.strip_suffix(suffix) {
            if stem.len() >= 3 {
                return format!("{stem}iz{}", &suffix[2..]);
            }
        }
    }
    for (british, american) in [
        ("yses", "yzes"),
        ("ysed", "yzed"),
        ("ysing", "yzing"),
        ("yse", "yze"),
    ] {
        if let Some(stem) = w.strip_suffix(british) {
            if stem.len() >= 3 {
                return format!("{stem}{american}");
            }
        }
    }
    for (british, american) in [
        ("ours", "ors"),
        ("our", "or"),
        ("tres", "ters"),
        ("tre", "ter"),
    ] {
        if let Some(stem) = w.strip_suffix(british) {
            if stem.len() >= 3 {
                return format!("{stem}{american}");
            }
        }
    }
    if let Some(stem) = w.strip_suffix("programme") {
        return format!("{stem}program");
    }
    w.to_string()
}

/// Lossy fold of a lowercased word to ASCII the way people type Danish without a Danish keyboard:
/// `æ`→`ae`, `ø`/`ö`→`o`, `å`/`ä`→`a`, accents dropped, then `aa`→`a` (old spelling of `å`).
/// It merges words (`før`/`for`), so it may only feed a lower-ranked field.
pub fn fold(lower: &str) -> String {
    folded_chars(lower.chars()).collect()
}

/// The folded letters of lowercased letters, one at a time: what [`fold`] writes, for callers
/// that need only the first few (the snippet scanner's prefilter).
pub fn folded_chars(lower: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    let letters = lower.flat_map(|c| {
        let (first, second): (char, Option<char>) = match c {
            'æ' => ('a', Some('e')),
            'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' => ('a', None),
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' | 'õ' => ('o', None),
            'é' | 'è' | 'ê' | 'ë' => ('e', None),
            'í' | 'ì' | 'î' | 'ï' => ('i', None),
            'ú' | 'ù' | 'û' | 'ü' => ('u', None),
            'ç' => ('c', None),
            'ñ' => ('n', None),
            'ß' => ('s', Some('s')),
            c => (c, None),
        };
        std::iter::once(first).chain(second)
    });
    let [(a1, a2), (o1, o2)] = MERGED;
    merged(merged(letters, a1, a2), o1, o2)
}

/// Old and keyboard-less spellings the fold reads as one letter: `aa` for `å`, `oe` for `ø`
/// (each pair becomes its first letter).
const MERGED: [(char, char); 2] = [('a', 'a'), ('o', 'e')];

/// The first two letters of a word, lowercased and folded as [`fold`] writes them (`Århus` →
/// `ar`, `Aarhus` → `ar`, `Hoering` → `ho`), without allocating: the snippet scanner asks this of
/// every word it passes, so a word that begins with three ASCII bytes takes a shortcut.
pub fn fold_prefix(word: &str) -> [char; 2] {
    let b = word.as_bytes();
    if b.len() >= 3 && b[..3].is_ascii() {
        let [x, y, z] = [b[0], b[1], b[2]].map(|c| char::from(c.to_ascii_lowercase()));
        return [x, if MERGED.contains(&(x, y)) { z } else { y }];
    }
    let mut folded = folded_chars(word.chars().flat_map(char::to_lowercase));
    [folded.next().unwrap_or(' '), folded.next().unwrap_or(' ')]
}

/// `chars` with each `first` that `second` follows standing for both (left to right, without
/// overlap, as `str::replace` would).
fn merged(
    chars: impl Iterator<Item = char>,
    first: char,
    second: char,
) -> impl Iterator<Item = char> {
    let mut chars = chars.peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        if c == first && chars.peek() == Some(&second) {
            chars.next();
        }
        Some(c)
    })
}

/// Function words of both languages. They are indexed (phrases and titles need them) but a query
/// does not require them, and they are never compound parts.
const STOP_WORDS: [&str; 189] = [
    // Danish
    "af",
    "al",
    "alle",
    "allerede",
    "andet",
    "anden",
    "andre",
    "at",
    "blev",
    "blive",
    "bliver",
    "da",
    "de",
    "dem",
    "den",
    "denne",
    "der",
    "deres",
    "det",
    "dette",
    "dig",
    "din",
    "disse",
    "du",
    "efter",
    "eller",
    "en",
    "end",
    "er",
    "et",
    "for",
    "fra",
    "få",
    "går",
    "han",
    "hans",
    "har",
    "have",
    "hende",
    "hendes",
    "her",
    "hos",
    "hun",
    "hvad",
    "hvis",
    "hvor",
    "hvordan",
    "i",
    "igen",
    "ikke",
    "imod",
    "ind",
    "jeg",
    "jer",
    "jeres",
    "kan",
    "kunne",
    "man",
    "mange",
    "med",
    "meget",
    "mellem",
    "men",
    "mere",
    "mest",
    "mig",
    "min",
    "mod",
    "når",
    "nogen",
    "noget",
    "nogle",
    "nu",
    "og",
    "også",
    "om",
    "omkring",
    "op",
    "os",
    "over",
    "på",
    "samt",
    "selv",
    "sig",
    "sin",
    "sine",
    "sit",
    "skal",
    "skulle",
    "som",
    "sådan",
    "til",
    "ud",
    "uden",
    "under",
    "var",
    "ved",
    "vi",
    "vil",
    "ville",
    "vores",
    "være",
    "været",
    "blandt",
    // Danish question words, modals and pronouns of questions: `Hvornår skal jeg …`
    "hvem",
    "hvilken",
    "hvilket",
    "hvilke",
    "hvornår",
    "hvorfor",
    "hvorledes",
    "må",
    "bør",
    "mit",
    "mine",
    "dit",
    "dine",
    "jo",
    "så", // English
    "a",
    "about",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "but",
    "by",
    "can",
    "did",
    "do",
    "does",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "how",
    "i",
    "in",
    "into",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "other",
    "our",
    "she",
    "so",
    "than",
    "that",
    "the",
    "their",
    "them",
    "there",
    "these",
    "they",
    "this",
    "to",
    "was",
    "we",
    "were",
    "what",
    "which",
    "who",
    "will",
    "with", // English question words, modals and pronouns of questions
    "when",
    "where",
    "why",
    "whom",
    "whose",
    "should",
    "could",
    "would",
    "must",
    "my",
    "me",
    "you",
    "your",
    "am",
    "any",
];

/// True for a lowercased function word of Danish or English.
pub fn is_stop_word(lower: &str) -> bool {
    static SET: LazyLock<rustc_hash::FxHashSet<&str>> =
        LazyLock::new(|| STOP_WORDS.into_iter().collect());
    static LONGEST: LazyLock<usize> =
        LazyLock::new(|| STOP_WORDS.iter().map(|w| w.len()).max().unwrap_or(0));
    // Compound splitting asks this of every candidate part, most of them longer than any stop word.
    lower.len() <= *LONGEST && SET.contains(lower)
}

/// The word's other Danish spelling of `å`: `aa` for `å` and the other way round (`aarhus` ↔
/// `århus`); `None` for a word with neither. The two are one letter (official spelling before
/// 1948, and in names today), so the query treats both as the word's own spelling.
pub fn aa_spelling(lower: &str) -> Option<String> {
    if lower.contains("aa") {
        Some(lower.replace("aa", "å"))
    } else if lower.contains('å') {
        Some(lower.replace('å', "aa"))
    } else {
        None
    }
}

/// True if folding can change a lowercased word: it has a non-ASCII letter or one of the ASCII
/// spellings the fold rewrites (`aa`, `ae`, `oe`). Only such words need the folded field; every
/// other word is already findable by its exact spelling.
pub fn respelled(lower: &str) -> bool {
    !lower.is_ascii() || lower.contains("aa") || lower.contains("ae") || lower.contains("oe")
}

/// Name of the one tokenizer the index uses: the indexer analyses text itself
/// ([`Analysis::index_text`]) and hands tantivy the terms separated by spaces, so tantivy only
/// splits them and records positions.
pub const TERMS_TOKENIZER: &str = "vb_terms";

/// The version of everything that decides an index's terms: the analysers, word splitting,
/// compound splitting and extraction's text. Every commit records it, and an index recorded with
/// another version is refused (rebuild it) instead of being searched with terms it does not hold.
/// Bump it with any change that alters the terms of an existing document.
pub const ANALYSIS_VERSION: u32 = 5;

/// What a commit records: `vidensbase-analysis=N`.
pub fn commit_payload() -> String {
    format!("vidensbase-analysis={ANALYSIS_VERSION}")
}

/// Registers the tokenizer on an index. Call on every open: indexer and server alike.
pub fn register(index: &Index) {
    index.tokenizers().register(TERMS_TOKENIZER, TermsTokenizer);
}

/// Splits pre-analysed text on spaces; every term is one position.
#[derive(Clone)]
struct TermsTokenizer;

impl Tokenizer for TermsTokenizer {
    type TokenStream<'a> = TermsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermsStream<'a> {
        TermsStream {
            text,
            at: 0,
            token: Token::default(),
            position: 0,
        }
    }
}

struct TermsStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next term starts.
    at: usize,
    token: Token,
    position: usize,
}

impl TokenStream for TermsStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && bytes[self.at] == b' ' {
            self.at += 1;
        }
        if self.at >= bytes.len() {
            return false;
        }
        let start = self.at;
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b' ')
            .map_or(bytes.len(), |n| start + n);
        self.at = end;
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.position;
        self.token.position_length = 1;
        self.position += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
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

    #[test]
    fn terms_tokenizer_gives_one_position_per_term() {
        let mut tok = TermsTokenizer;
        let mut stream = tok.token_stream("kommun  og forening");
        let mut seen = Vec::new();
        while stream.advance() {
            let t = stream.token();
            seen.push((t.text.clone(), t.position));
        }
        assert_eq!(
            seen,
            [
                ("kommun".to_string(), 0),
                ("og".to_string(), 1),
                ("forening".to_string(), 2)
            ]
        );
    }
}
