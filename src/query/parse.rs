//! Lenient parsing of what a user typed: quoted phrases and leading `-` are the only syntax.
//!
//! A `-word` right after `og`, `eller` or `samt`, or after a word that ends in `-`, is Danish
//! writing, not an exclusion: the second half of an elided compound (`Sikkerhedsindstillinger og
//! -advarsler`, `børne- og -ungeudvalget`), searched as a word.
//!
//! Everything else is text: `field:`, `AND`, brackets and other punctuation separate words and
//! are never errors, so `Talformat: Valuta` searches for its two words, an unbalanced quote runs
//! to the end, and a query made only of exclusions searches its words instead. The parser has no
//! failure path; queries are cut to [`MAX_WORDS`] words.

use crate::analysis;

/// Queries are cut to this many words: enough for any real question, bounded work for the rest.
pub const MAX_WORDS: usize = 32;

/// One piece of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Lowercased words; more than one must appear together when `quoted`.
    pub words: Vec<String>,
    pub quoted: bool,
    pub excluded: bool,
}

/// Words after which `-word` completes an elided compound instead of excluding it.
const ELIDING: [&str; 3] = ["og", "eller", "samt"];

/// Splits a raw query into clauses. Never fails.
pub fn parse(raw: &str) -> Vec<Clause> {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut rest = raw;
    let mut total_words = 0;
    // The previous piece as typed, to tell an elided compound from an exclusion.
    let mut previous = "";
    while !rest.is_empty() && total_words < MAX_WORDS {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        let elided = previous.ends_with('-')
            || clauses.last().is_some_and(|c| {
                !c.quoted
                    && c.words
                        .last()
                        .is_some_and(|w| ELIDING.contains(&w.as_str()))
            });
        let (excluded, after_sign) = match first {
            '-' => (!elided, &rest[1..]),
            '+' => (false, &rest[1..]),
            _ => (false, rest),
        };
        let (text, quoted, next) = if let Some(inner) = after_sign.strip_prefix('"') {
            match inner.find('"') {
                Some(end) => (&inner[..end], true, &inner[end + 1..]),
                None => (inner, true, ""),
            }
        } else {
            let end = after_sign
                .find(|c: char| c.is_whitespace() || c == '"')
                .unwrap_or(after_sign.len());
            // A quote glued to a word (`foo"bar`) starts a phrase at the next round.
            let end = if end == 0 {
                after_sign.chars().next().map_or(0, char::len_utf8)
            } else {
                end
            };
            (&after_sign[..end], false, &after_sign[end..])
        };
        rest = next;
        previous = text;
        let mut words: Vec<String> = analysis::lower_words(text).map(|(_, w)| w).collect();
        words.truncate(MAX_WORDS - total_words);
        if words.is_empty() {
            continue;
        }
        total_words += words.len();
        clauses.push(Clause {
            words,
            quoted,
            excluded,
        });
    }
    // A query made only of exclusions excludes nothing: search the words instead.
    if clauses.iter().all(|Clause { excluded, .. }| *excluded) {
        for Clause { excluded, .. } in &mut clauses {
            *excluded = false;
        }
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_after_og_completes_an_elided_compound() {
        let words = |raw: &str| -> Vec<(String, bool)> {
            parse(raw)
                .into_iter()
                .flat_map(|c| c.words.into_iter().map(move |w| (w, c.excluded)))
                .collect()
        };
        let kept = |w: &str| (w.to_string(), false);
        assert_eq!(
            words("Sikkerhedsindstillinger og -advarsler"),
            [
                kept("sikkerhedsindstillinger"),
                kept("og"),
                kept("advarsler")
            ]
        );
        assert_eq!(words("børne- -unge"), [kept("børne"), kept("unge")]);
        assert_eq!(words("planer eller -strategier")[2], kept("strategier"));
        // Elsewhere `-word` still excludes.
        assert_eq!(
            words("planer -strategier")[1],
            ("strategier".to_string(), true)
        );
        assert_eq!(words("\"skole og\" -lærer")[2], ("lærer".to_string(), true));
    }

    fn words_of(clauses: &[Clause]) -> Vec<(Vec<&str>, bool, bool)> {
        clauses
            .iter()
            .map(
                |Clause {
                     words,
                     quoted,
                     excluded,
                 }| {
                    (
                        words.iter().map(String::as_str).collect(),
                        *quoted,
                        *excluded,
                    )
                },
            )
            .collect()
    }

    #[test]
    fn punctuation_is_text_not_syntax() {
        let c = parse("Talformat: Valuta");
        assert_eq!(
            words_of(&c),
            [
                (vec!["talformat"], false, false),
                (vec!["valuta"], false, false)
            ]
        );
        let c = parse("Diagramguide - Diagramelementer");
        assert_eq!(
            words_of(&c),
            [
                (vec!["diagramguide"], false, false),
                (vec!["diagramelementer"], false, false)
            ]
        );
        let c = parse("title:(foo AND bar]");
        assert_eq!(
            words_of(&c)
                .into_iter()
                .map(|(w, _, _)| w)
                .collect::<Vec<_>>(),
            [vec!["title", "foo"], vec!["and"], vec!["bar"]]
        );
    }

    #[test]
    fn phrases_exclusions_and_unbalanced_quotes() {
        let c = parse(r#""civil society" -radikalisering"#);
        assert_eq!(
            words_of(&c),
            [
                (vec!["civil", "society"], true, false),
                (vec!["radikalisering"], false, true)
            ]
        );
        let c = parse(r#"open "national strategy"#);
        assert_eq!(
            words_of(&c),
            [
                (vec!["open"], false, false),
                (vec!["national", "strategy"], true, false)
            ]
        );
        assert!(parse(r#"""#).is_empty());
        assert!(parse("").is_empty());
        assert!(parse("  -- ++ !!! ").is_empty());
        assert_eq!(
            parse("-\u{a0}kommune").len(),
            1,
            "non-ASCII space after a sign"
        );
    }

    #[test]
    fn only_exclusions_become_plain_words() {
        assert_eq!(
            words_of(&parse("-kommune")),
            [(vec!["kommune"], false, false)]
        );
    }

    #[test]
    fn long_queries_are_bounded() {
        let long = "kommune ".repeat(2000);
        let c = parse(&long);
        assert_eq!(c.len(), MAX_WORDS);
        let c = parse(&"x".repeat(5000));
        assert!(c.len() <= 1);
    }

    #[test]
    fn hyphenated_word_is_a_phrase() {
        assert_eq!(
            words_of(&parse("OGP-netværket")),
            [(vec!["ogp", "netværket"], false, false)]
        );
    }
}
