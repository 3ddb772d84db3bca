//! The compound lexicon of a sync, and the `parts` of each document's compounds. The lexicon is
//! the Danish stems already in the index, the glossary's Danish words and the Danish words of the
//! documents of this run, learned one chunk ahead of splitting that chunk's compounds; it is
//! loaded only when there is something to analyse, so a run that merely re-reads files that
//! cannot be indexed does not pay for it. It is shared by the whole run, so this step is serial.

use tantivy::Index;

use super::analyse::WordCounts;
use crate::compound::{at_least_chars, Splitter, MIN_PART_CHARS};
use crate::error::Result;
use crate::glossary::Glossary;
use crate::lang::Lang;
use crate::schema::{Fields, TermField};

/// The lexicon a sync splits compounds with.
#[derive(Default)]
pub(super) struct Lexicon {
    splitter: Splitter,
    loaded: bool,
}

impl Lexicon {
    /// Learns the glossary's Danish words and the index's Danish stems, the first time only.
    pub fn load(&mut self, index: &Index, fields: &Fields) -> Result<()> {
        if self.loaded {
            return Ok(());
        }
        for word in Glossary::global().danish_words() {
            self.splitter.learn(word);
        }
        learn_index_vocabulary(index, fields, &mut self.splitter)?;
        self.loaded = true;
        tracing::debug!("lexicon loaded");
        Ok(())
    }

    /// Learns a document's Danish words (with their stems where the analysis kept them).
    pub fn learn(&mut self, danish_words: &WordCounts) {
        for (word, _, stem) in danish_words.iter() {
            match stem {
                Some(stem) => self.splitter.learn_stemmed(word, stem),
                None => self.splitter.learn(word),
            }
        }
    }

    /// The Danish stems of the parts of a document's compound words, space-separated, each as
    /// often as its compound occurs (the field keeps frequencies, not positions).
    pub fn compound_parts(&mut self, danish_words: &WordCounts) -> String {
        let mut out = String::new();
        for (word, count, _) in danish_words.iter() {
            // Fewer bytes than a compound has characters: cannot be one.
            if word.len() < MIN_PART_CHARS * 2 {
                continue;
            }
            if let Some(parts) = self.splitter.parts(word) {
                for _ in 0..count {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(parts);
                }
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.splitter.lexicon_len()
    }
}

/// Adds the Danish stems already in the index to the lexicon.
fn learn_index_vocabulary(index: &Index, fields: &Fields, splitter: &mut Splitter) -> Result<()> {
    let searcher = index.reader()?.searcher();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.get(TermField::Body(Lang::Da)))?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                if at_least_chars(term, MIN_PART_CHARS) {
                    splitter.learn_stem(term.to_string());
                }
            }
        }
    }
    Ok(())
}
