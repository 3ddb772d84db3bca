//! Pivot terms: what a Danish word and its English translation have in common, so that two
//! editions can be compared term by term.
//!
//! Two kinds, both made from one lowercased word ([`crate::analysis::lower_words`]):
//! - **glossary terms** (`g:` + English stem): a Danish word the bundled glossary translates
//!   becomes the English stems of its translations; an English word becomes its own stem when
//!   some Danish glossary word translates to it. Words neither side can reach are left out, so
//!   both editions' vectors live in the same space.
//! - **cognate keys** (`~` + key): the first [`COGNATE_LETTERS`] letters of the word after a
//!   spelling normalisation that brings Danish and English spellings of one Latin or Greek root
//!   together (`dokument`/`document` → `dokum`, `tekst`/`text` → `tekst`,
//!   `funktion`/`function` → `funkt`, `demokrati`/`democracy` → `demok`). Sharing a word prefix
//!   is the classic cognate test of sentence alignment (Simard, Foster & Isabelle 1992); false
//!   friends are rare enough, and weighed down by document frequency.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::analysis::{self, is_stop_word, stem_da, stem_en};
use crate::glossary::Glossary;
use crate::lang::Lang;

/// Letters of a cognate key; shorter normalised words are their own key.
pub const COGNATE_LETTERS: usize = 5;
/// Words with fewer normalised letters than this get no cognate key; shorter words than
/// [`COGNATE_LETTERS`] are their own key (`Erl`, `Dim`: names and code both editions share).
const COGNATE_MIN_LETTERS: usize = 2;
/// Distinct words a thread caches the pivot terms of before it starts over.
const CACHE_WORDS: usize = 200_000;

/// The glossary as pivot terms: Danish stem → English stems, and every English stem reached.
struct Lexicon {
    da: HashMap<String, Vec<String>>,
    en: rustc_hash::FxHashSet<String>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::of(Glossary::global()));

impl Lexicon {
    fn of(glossary: &Glossary) -> Lexicon {
        let mut da: HashMap<String, Vec<String>> = HashMap::new();
        for word in glossary.danish_words() {
            let stems: Vec<String> = glossary
                .expand(std::slice::from_ref(word))
                .into_iter()
                .filter(|e| e.lang == Lang::En)
                .flat_map(|e| {
                    e.phrase
                        .split(' ')
                        .filter(|w| !is_stop_word(w))
                        .map(stem_en)
                        .collect::<Vec<_>>()
                })
                .collect();
            if stems.is_empty() {
                continue;
            }
            let entry = da.entry(stem_da(word)).or_default();
            for stem in stems {
                if !entry.contains(&stem) {
                    entry.push(stem);
                }
            }
        }
        let en = da.values().flatten().cloned().collect();
        Lexicon { da, en }
    }
}

/// The cognate key of a lowercased word of letters, or `None` for a short word.
pub fn cognate_key(lower: &str) -> Option<String> {
    let mut key = String::with_capacity(COGNATE_LETTERS + 2);
    let mut prev = None;
    let mut letters = analysis::folded_chars(lower.chars()).peekable();
    while let Some(c) = letters.next() {
        let next = letters.peek().copied();
        // Spellings English keeps from Latin and Greek where Danish writes the sound.
        let mapped: &[char] = match (c, next) {
            ('p', Some('h')) | ('t', Some('h')) | ('c', Some('h')) => {
                letters.next();
                match c {
                    'p' => &['f'],
                    't' => &['t'],
                    _ => &['k'],
                }
            }
            ('q', Some('u')) => {
                letters.next();
                &['k', 'v']
            }
            ('c', Some('e' | 'i' | 'y')) => &['s'],
            ('c', _) => &['k'],
            ('x', _) => &['k', 's'],
            ('z', _) => &['s'],
            ('w', _) => &['v'],
            ('y', _) => &['i'],
            _ => std::slice::from_ref(&c),
        };
        for &m in mapped {
            if !m.is_ascii_lowercase() {
                return None;
            }
            // Double letters are one (`kommission`/`commission` → `komision`).
            if prev != Some(m) {
                key.push(m);
                prev = Some(m);
            }
            if key.len() == COGNATE_LETTERS {
                return Some(key);
            }
        }
    }
    (key.len() >= COGNATE_MIN_LETTERS).then_some(key)
}

/// Interned pivot terms of the words one thread has seen (a word's terms are computed once).
#[derive(Default)]
struct Cache {
    words: [FxHashMap<String, Box<[u32]>>; 2],
    terms: Vec<String>,
    ids: FxHashMap<String, u32>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

impl Cache {
    fn intern(&mut self, term: String) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    fn compute(&mut self, lang: Lang, lower: &str) -> Box<[u32]> {
        let lexicon = &*LEXICON;
        let mut terms = Vec::new();
        match lang {
            Lang::Da => {
                if let Some(stems) = lexicon.da.get(&stem_da(lower)) {
                    terms.extend(stems.iter().map(|s| format!("g:{s}")));
                }
            }
            Lang::En => {
                let stem = stem_en(lower);
                if lexicon.en.contains(&stem) {
                    terms.push(format!("g:{stem}"));
                }
            }
        }
        terms.extend(cognate_key(lower).map(|k| format!("~{k}")));
        terms.into_iter().map(|t| self.intern(t)).collect()
    }
}

/// Counts the pivot terms of the words of `text` (lowercased, stop words and words with digits
/// left out: those are [`super::signature`]'s shared tokens) into `counts`, `weight` per word.
pub fn count_words(text: &str, lang: Lang, weight: u32, counts: &mut FxHashMap<String, u32>) {
    CACHE.with_borrow_mut(|cache| {
        if cache.words.iter().map(|w| w.len()).sum::<usize>() > CACHE_WORDS {
            *cache = Cache::default();
        }
        let slot = usize::from(lang == Lang::En);
        let mut ids: FxHashMap<u32, u32> = FxHashMap::default();
        for (_, lower) in analysis::lower_words(text) {
            if is_stop_word(&lower) || lower.chars().any(|c| c.is_numeric()) {
                continue;
            }
            let terms = match cache.words[slot].get(&lower) {
                Some(terms) => terms.clone(),
                None => {
                    let terms = cache.compute(lang, &lower);
                    cache.words[slot].insert(lower, terms.clone());
                    terms
                }
            };
            for id in terms {
                *ids.entry(id).or_default() += weight;
            }
        }
        for (id, n) in ids {
            *counts.entry(cache.terms[id as usize].clone()).or_default() += n;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cognates_meet_across_spellings() {
        for (da, en) in [
            ("dokument", "document"),
            ("tekst", "text"),
            ("funktion", "function"),
            ("demokrati", "democracy"),
            ("kommission", "commission"),
            ("filosofi", "philosophy"),
            ("organisation", "organization"),
            ("kvalitet", "quality"),
        ] {
            assert_eq!(cognate_key(da), cognate_key(en), "{da} / {en}");
            assert!(cognate_key(da).is_some(), "{da}");
        }
        // Short words are their own key (`Erl`, `Dim`, `OK` in both editions); one letter is none.
        assert_eq!(cognate_key("erl").as_deref(), Some("erl"));
        assert_eq!(cognate_key("a"), None);
        assert_ne!(cognate_key("tabel"), cognate_key("tekst"));
    }

    #[test]
    fn glossary_words_meet_in_english_stems() {
        let mut da = FxHashMap::default();
        count_words("Kommunerne og civilsamfundet", Lang::Da, 1, &mut da);
        let mut en = FxHashMap::default();
        count_words("municipalities and civil society", Lang::En, 1, &mut en);
        assert!(da.contains_key("g:municip"), "{da:?}");
        assert!(en.contains_key("g:municip"), "{en:?}");
        assert!(da.contains_key("g:societi") && en.contains_key("g:societi"));
        // Function words and words the glossary does not reach in English are no glossary terms.
        assert!(!en.keys().any(|k| k == "g:and"));
    }
}
