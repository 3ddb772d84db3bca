//! How each word of the query matched a hit, for what the hit says of itself: a word found only
//! through a close spelling or a glossary translation is named on the hit, and so is a word the
//! hit lacks (a relaxed query's documents with some of the words).
//!
//! The builder records, per content word, its alternatives sorted by kind ([`WordCheck`]); the
//! search asks them of the shown hits only ([`crate::search`]), so the cost is a few term
//! lookups per word and a seek per hit.

use tantivy::query::{BooleanQuery, Query};

/// One word (or quoted phrase) of the query and what may match it, by kind.
pub struct WordCheck {
    /// The word as typed (lowercased); a quoted phrase's words joined by spaces.
    pub word: String,
    /// A function word: not required, so never reported missing.
    pub optional: bool,
    /// The word itself: its inflections in either language, folding, compound parts, the
    /// completions of a word being typed.
    pub plain: Vec<Box<dyn Query>>,
    /// Close spellings of a word that no document holds.
    pub close: Vec<Box<dyn Query>>,
    /// Glossary translations of the word, or of an entry of several words that holds it.
    pub translated: Vec<Box<dyn Query>>,
}

/// How a hit matched one word of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Found {
    /// The word itself, in any of its forms.
    Word,
    /// Only a close spelling of it (the word is in no document).
    Spelling,
    /// Only a translation of it.
    Translation,
    /// Not at all.
    Missing,
}

impl WordCheck {
    pub fn new(word: &str, optional: bool, plain: Vec<Box<dyn Query>>) -> WordCheck {
        WordCheck {
            word: word.to_string(),
            optional,
            plain,
            close: Vec::new(),
            translated: Vec::new(),
        }
    }

    /// The queries to ask, best kind first, with the kind each tells.
    pub fn kinds(&self) -> impl Iterator<Item = (Found, Box<dyn Query>)> + '_ {
        [
            (Found::Word, &self.plain),
            (Found::Spelling, &self.close),
            (Found::Translation, &self.translated),
        ]
        .into_iter()
        .filter(|(_, queries)| !queries.is_empty())
        .map(|(found, queries)| {
            let union = queries.iter().map(|q| q.box_clone()).collect();
            (
                found,
                Box::new(BooleanQuery::union(union)) as Box<dyn Query>,
            )
        })
    }
}

/// The checks worth asking of hits: the required words, or all of them when every word is a
/// function word (then they are required).
pub fn required(checks: &[WordCheck]) -> impl Iterator<Item = &WordCheck> {
    let all_optional = checks.iter().all(|c| c.optional);
    checks.iter().filter(move |c| all_optional || !c.optional)
}

/// Whether any hit can have matched a word by other means than the word itself.
pub fn worth_asking(checks: &[WordCheck], relaxed: bool) -> bool {
    relaxed
        || checks
            .iter()
            .any(|c| !c.close.is_empty() || !c.translated.is_empty())
}
