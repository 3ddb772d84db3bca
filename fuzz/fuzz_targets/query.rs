//! Fuzzes the query parser, `vidensbase::query::parse`: arbitrary text (the input's bytes
//! decoded as UTF-8, invalid sequences replaced) as a user might type it in the search field.
//!
//! What must hold, as `src/query/parse.rs` promises: parsing never fails (no panic); a query is
//! cut to `MAX_WORDS` words; every clause has words, none empty, each lowercased; and a query
//! made only of exclusions excludes nothing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vidensbase::query::{parse, MAX_WORDS};

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let clauses = parse(&raw);
    let words: usize = clauses.iter().map(|c| c.words.len()).sum();
    assert!(words <= MAX_WORDS, "{words} words");
    for clause in &clauses {
        assert!(!clause.words.is_empty(), "a clause without words");
        for word in &clause.words {
            assert!(!word.is_empty(), "an empty word");
            assert!(
                word.chars().flat_map(char::to_lowercase).eq(word.chars()),
                "{word:?} is not lowercase"
            );
        }
    }
    assert!(
        clauses.is_empty() || clauses.iter().any(|c| !c.excluded),
        "only exclusions"
    );
});
