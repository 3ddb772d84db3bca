//! The one tokenizer tantivy runs (it splits pre-analysed terms) and the analysis version every
//! commit records.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;

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
