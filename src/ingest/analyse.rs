//! The third stage of a sync, per document on the pool: analysis. The title and each paragraph
//! are analysed in one pass ([`Analysis::index_text`]) into every field's terms; each paragraph
//! in the document's language, its function words counted on the way, and the rare one that
//! whatlang then puts in the other language has its terms truncated away and is analysed again.
//! The distinct Danish words (with the stems the analysis made) are counted for the compound
//! lexicon, and a paged document notes where each page's terms start, so its page documents are
//! slices of the terms already made.
//!
//! Everything goes through a [`Worker`]: one pool worker's term cache and buffers, owned by the
//! sync and reused from document to document (tantivy copies the terms into its own document).

use rustc_hash::FxHashMap;

use crate::analysis::{Analysis, SideTerms, WordId};
use crate::compound::{at_least_chars, MIN_PART_CHARS};
use crate::extract::Extracted;
use crate::lang::{self, Lang};
use crate::schema::TermField;
use crate::text::PAGE_BREAK;

/// One pool worker's analysis state: its analysis with the term cache, and what analysing one
/// document writes.
#[derive(Default)]
pub(super) struct Worker {
    /// The title's terms under the document language's analyser.
    pub title: String,
    /// The body's terms per paragraph language (index: `Lang as usize`).
    pub body: [String; 2],
    /// The folded terms and word forms of title and body.
    pub side: SideTerms,
    danish: WordCounter,
    /// Where each page's terms start in `body` and `side` (paged formats only).
    pub page_starts: Vec<[usize; 4]>,
    analysis: Analysis,
}

impl Worker {
    /// Analyses a document in `lang` into this worker's buffers (replacing what they held).
    pub fn analyse(&mut self, doc: &Extracted, lang: Lang) {
        self.title.clear();
        self.side.clear();
        self.page_starts.clear();
        for body in self.body.iter_mut() {
            body.clear();
        }
        // (The Danish analyser's term of a word is its Danish stem.)
        let danish = &mut self.danish;
        self.analysis.index_text(
            &doc.title,
            TermField::Title(lang).analyzer(),
            &mut self.title,
            &mut self.side,
            |word, term, id| {
                if lang == Lang::Da {
                    danish.add(id, word, term)
                }
            },
        );
        self.side.mark_title_forms();
        // A text without pages is one page, and is not searched for page breaks.
        let pages: Box<dyn Iterator<Item = &str>> = match doc.pages {
            0 => Box::new(std::iter::once(doc.text.as_str())),
            _ => Box::new(doc.text.split(PAGE_BREAK)),
        };
        for page in pages {
            if doc.pages > 0 {
                let [folded, forms] = self.side.marks();
                let body = &self.body;
                self.page_starts
                    .push([body[0].len(), body[1].len(), folded, forms]);
            }
            for paragraph in lang::paragraphs(page) {
                self.paragraph(paragraph, lang);
            }
        }
    }

    /// Analyses a paragraph of a document in `doc_lang`: in that language, its function words
    /// counted on the way; if it is in the other language, its terms are taken back and it is
    /// analysed again in that one.
    fn paragraph(&mut self, paragraph: &str, doc_lang: Lang) {
        let Worker {
            body,
            side,
            danish,
            analysis,
            ..
        } = self;
        let marks = (body[doc_lang as usize].len(), side.marks());
        let mut function_words = lang::FunctionWords::default();
        analysis.index_text(
            paragraph,
            TermField::Body(doc_lang).analyzer(),
            &mut body[doc_lang as usize],
            side,
            |word, term, id| {
                function_words.count(word);
                if doc_lang == Lang::Da {
                    danish.add(id, word, term)
                }
            },
        );
        let lang = lang::paragraph_language(paragraph, doc_lang, function_words);
        if lang == doc_lang {
            return;
        }
        body[doc_lang as usize].truncate(marks.0);
        side.truncate(marks.1);
        analysis.index_text(
            paragraph,
            TermField::Body(lang).analyzer(),
            &mut body[lang as usize],
            side,
            |word, term, id| match lang {
                Lang::Da => danish.add(id, word, term),
                // Danish words counted before the paragraph turned out English.
                Lang::En => danish.remove(id),
            },
        );
    }

    /// The distinct Danish words of the document analysed last, leaving the count empty.
    pub fn take_danish_words(&mut self) -> WordCounts {
        self.danish.take()
    }
}

/// In place of a stem's length: the stem is not a prefix of its word (not so far for any
/// Danish word) or is too long to say.
const NO_STEM: u8 = u8::MAX;

/// Counts a document's distinct words and keeps each one's Danish stem, as its length (Danish
/// stems are prefixes of their words). Words are told apart by the [`WordId`] the analysis gives
/// them, so counting hashes an integer, in a table that is reused from document to document.
#[derive(Default)]
struct WordCounter {
    /// Where each word is in `counts`.
    seen: FxHashMap<WordId, usize>,
    counts: WordCounts,
}

impl WordCounter {
    /// Counts a word of at least [`MIN_PART_CHARS`] characters (shorter ones, most function
    /// words among them, can be no compound part).
    fn add(&mut self, id: WordId, word: &str, stem: &str) {
        if !at_least_chars(word, MIN_PART_CHARS) {
            return;
        }
        let counts = &mut self.counts;
        let at = *self.seen.entry(id).or_insert_with(|| {
            let stem = match u8::try_from(stem.len()) {
                Ok(len) if len < NO_STEM && word.starts_with(stem) => len,
                _ => NO_STEM,
            };
            counts.push(word, 0, stem);
            counts.counts.len() - 1
        });
        if let Some((count, _)) = counts.counts.get_mut(at) {
            *count += 1;
        }
    }

    /// Takes one occurrence of a word back.
    fn remove(&mut self, id: WordId) {
        if let Some(&at) = self.seen.get(&id) {
            if let Some((count, _)) = self.counts.counts.get_mut(at) {
                *count = count.saturating_sub(1);
            }
        }
    }

    /// The words counted so far, leaving the counter empty.
    fn take(&mut self) -> WordCounts {
        self.seen.clear();
        std::mem::take(&mut self.counts)
    }
}

/// Distinct words with their counts and stems' lengths, the words in one string (words never
/// contain a newline).
#[derive(Debug, Default)]
pub(super) struct WordCounts {
    words: String,
    counts: Vec<(u32, u8)>,
}

impl WordCounts {
    fn push(&mut self, word: &str, count: u32, stem: u8) {
        if !self.counts.is_empty() {
            self.words.push('\n');
        }
        self.words.push_str(word);
        self.counts.push((count, stem));
    }

    /// Each word still counted, its count, and its Danish stem if it was kept.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32, Option<&str>)> {
        self.words
            .split('\n')
            .zip(self.counts.iter())
            .filter(|(_, &(count, _))| count > 0)
            .map(|(word, &(count, stem))| {
                let stem = match stem {
                    NO_STEM => None,
                    len => word.get(..usize::from(len)),
                };
                (word, count, stem)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_counter_counts_words_by_id_with_their_stems_and_starts_over() {
        let mut counter = WordCounter::default();
        let words = [
            "udvalg",
            "frivillig",
            "udvalg",
            "æblerne",
            "frivillig",
            "udvalg",
        ];
        // The analysis gives equal words equal ids.
        let id = |w: &str| words.iter().position(|x| *x == w).unwrap_or(usize::MAX) as WordId;
        for word in words {
            counter.add(id(word), word, &crate::analysis::stem_da(word));
        }
        counter.add(99, "happy", "happi"); // a stem that is no prefix is not kept
        let stem = |w: &str| Some(crate::analysis::stem_da(w));
        let counts: Vec<(String, u32, Option<String>)> = counter
            .take()
            .iter()
            .map(|(w, n, stem)| (w.to_string(), n, stem.map(str::to_string)))
            .collect();
        assert_eq!(
            counts,
            [
                ("udvalg".to_string(), 3, stem("udvalg")),
                ("frivillig".to_string(), 2, stem("frivillig")),
                ("æblerne".to_string(), 1, stem("æblerne")),
                ("happy".to_string(), 1, None),
            ]
        );
        assert_eq!(counter.take().iter().count(), 0);
        // Occurrences taken back; a word taken back entirely is not listed.
        for word in ["udvalg", "udvalg", "frivillig"] {
            counter.add(id(word), word, word);
        }
        counter.remove(id("frivillig"));
        counter.remove(id("udvalg"));
        counter.remove(id("æblerne")); // never counted: nothing happens
        assert_eq!(
            counter.take().iter().collect::<Vec<_>>(),
            [("udvalg", 1, Some("udvalg"))]
        );
        counter.add(0, "og", "og"); // too short to count
        counter.add(0, "udvalg", "udvalg");
        assert_eq!(
            counter.take().iter().collect::<Vec<_>>(),
            [("udvalg", 1, Some("udvalg"))]
        );
    }
}
