//! An analysis with memory ([`Analysis`]): the terms of the words a caller has met, cached per
//! analyser, and the side terms (folded terms and forms) one pass over a text yields.

use super::stop::is_stop_word;
use super::{lowercase_into, push_term, respelled, words, Analyzer, TERM_CACHE_WORDS};

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
