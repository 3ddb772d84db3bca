//! Editions: documents that are the same text in Danish and English (a national strategy and its
//! English translation, the two editions of a manual, the Danish and English help pages of one
//! topic), found from the text alone.
//!
//! A document is summarised once as a [`Signature`] (bounded in size, serialisable, so an index
//! can keep it): its pivot terms — Danish words translated through the bundled glossary, cognate
//! keys, and tokens a translation keeps unchanged (numbers, years, acronyms, names with inner
//! capitals, addresses, file names, code) — its shape (heading levels, paragraphs, words, pages)
//! and the years and version numbers it names. [`score`] compares two signatures (tf-idf cosine
//! of the pivot terms, weighted by [`Stats`] of the collection, discounted by unlike shape);
//! [`compatible`] is the guard (never one language, never prominent years or versions that the
//! other edition lacks). [`Linker`] keeps the links of a changing collection: incremental,
//! greedy 1:1, with hand-made links and refusals that win. Evaluation: `examples/editions.rs`
//! and `benches/editions.sh`. What the index keeps of them: [`store`].

mod linker;
mod pivot;
mod score;
mod signature;
pub mod store;
mod tokens;

pub use linker::{Change, Link, Linker, MARGIN, THRESHOLD};
pub use pivot::cognate_key;
pub use score::{compatible, parts, score, structure, Parts, Stats, PROMINENT};
pub use signature::{Signature, MAX_HEADINGS, MAX_LENGTHS, MAX_MARKS, MAX_TERMS};
pub use tokens::{shared_tokens, Token};
