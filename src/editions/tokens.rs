//! Tokens a translation keeps unchanged: numbers, years, version numbers, acronyms, names with
//! inner capitals, web and e-mail addresses, file names and code.
//!
//! The text is read as whitespace-separated tokens with their punctuation trimmed, because such
//! tokens are not words in [`crate::analysis::words`]' sense (`7.4`, `www.kl.dk`, `config.xml`,
//! `CDbl`). Numbers are written without their separators, so the Danish `1.000` and `2,5` meet
//! the English `1,000` and `2.5`.

/// What one token is, when a translation keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A shared token, lowercased (`=` + it is its pivot term).
    Shared(String),
    /// A year (1900–2099, written alone), also shared.
    Year(u16),
    /// A version number (`v2`, `7.4` after a name or `version`, `3.6.1`), also shared.
    Version(String),
}

/// Words after which a dotted number is a version (`version 7.4`, `LibreOffice 7.4`).
const VERSION_WORDS: [&str; 6] = [
    "version",
    "versionen",
    "versjon",
    "release",
    "udgave",
    "edition",
];

/// Calls `each` with every token of `text` a translation keeps unchanged.
pub fn shared_tokens(text: &str, mut each: impl FnMut(Token)) {
    for line in text.lines() {
        let mut prev: Option<&str> = None;
        for raw in line.split_whitespace() {
            let token = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if !token.is_empty() {
                classify(token, prev, &mut each);
            }
            prev = Some(raw);
        }
    }
}

/// Whether a token is a plain word (letters only, lowercase after its first letter), which a
/// translation does not keep: most tokens, so this is asked first, without allocating.
fn plain_word(token: &str) -> bool {
    let mut chars = token.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let mut rest_lower = 0;
    for c in chars {
        if !c.is_alphabetic() || c.is_uppercase() {
            return false;
        }
        rest_lower += 1;
    }
    // A capital letter alone (`A`, `I`) is no acronym either.
    !first_upper || rest_lower > 0 || token.chars().count() == 1
}

fn classify(token: &str, prev: Option<&str>, each: &mut impl FnMut(Token)) {
    if plain_word(token) {
        return;
    }
    let lower = token.to_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return each(Token::Shared(lower.trim_end_matches('/').to_string()));
    }
    if token.contains('@') && token.contains('.') {
        return each(Token::Shared(lower));
    }
    if is_file_or_code(token) {
        return each(Token::Shared(lower));
    }
    for part in token.split('-').filter(|p| !p.is_empty()) {
        classify_part(part, prev, each);
    }
}

/// `config.xml`, `module.function`, `C:\path`, `snake_case`, `a/b`: kept whole, lowercased.
fn is_file_or_code(token: &str) -> bool {
    if token.contains(['_', '/', '\\']) {
        return token.chars().any(char::is_alphabetic);
    }
    let mut parts = token.split('.');
    let first = parts.next().unwrap_or_default();
    let Some(last) = token.rsplit('.').next().filter(|_| token.contains('.')) else {
        return false;
    };
    // Not abbreviations such as `f.eks`, `bl.a` or `e.g`: both ends have two characters or more,
    // and there are letters.
    first.chars().count() >= 2
        && last.chars().count() >= 2
        && token.chars().any(char::is_alphabetic)
        && parts.all(|p| !p.is_empty())
}

fn classify_part(part: &str, prev: Option<&str>, each: &mut impl FnMut(Token)) {
    let digits = part.chars().filter(char::is_ascii_digit).count();
    if digits > 0
        && part
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return number(part, prev, each);
    }
    if let Some(v) = part.strip_prefix(['v', 'V']).filter(|v| is_dotted(v)) {
        return each(Token::Version(v.to_string()));
    }
    let letters = part.chars().filter(|c| c.is_alphabetic()).count();
    let upper = part.chars().filter(|c| c.is_uppercase()).count();
    let inner_capital = part.chars().skip(1).any(char::is_uppercase) && upper < letters;
    let acronym = letters >= 2 && upper == letters && part.chars().count() <= 12;
    if digits > 0 || acronym || inner_capital {
        each(Token::Shared(part.to_lowercase()));
    }
}

/// Digits separated by single dots: `7`, `7.4`, `3.6.1`.
fn is_dotted(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn number(part: &str, prev: Option<&str>, each: &mut impl FnMut(Token)) {
    let dots = part.matches('.').count();
    let groups: Vec<&str> = part.split('.').collect();
    let after_name = prev.is_some_and(|p| {
        let p = p.trim_matches(|c: char| !c.is_alphanumeric());
        VERSION_WORDS.contains(&p.to_lowercase().as_str())
            || (p.chars().next().is_some_and(char::is_uppercase)
                && p.chars().skip(1).any(char::is_uppercase))
    });
    // A version: dotted digits after `version` or a name with inner capitals (`LibreOffice 7.4`),
    // or three or more groups that are no date (`3.6.1`, not `1.3.2024`).
    let is_version = is_dotted(part)
        && ((dots >= 1 && after_name)
            || (dots >= 2 && groups.iter().all(|g| g.len() <= 3) && groups[0].len() <= 2));
    if is_version {
        return each(Token::Version(part.to_string()));
    }
    let plain: String = part.chars().filter(char::is_ascii_digit).collect();
    match plain.parse::<u16>() {
        Ok(year @ 1900..=2099) if plain.len() == 4 && plain.len() == part.len() => {
            each(Token::Year(year))
        }
        _ => each(Token::Shared(plain)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        shared_tokens(text, |t| out.push(t));
        out
    }

    fn shared(s: &str) -> Token {
        Token::Shared(s.into())
    }

    #[test]
    fn keeps_what_translation_keeps() {
        assert_eq!(
            tokens(
                "Se www.kl.dk/ og https://OGP.dk, skriv til info@kl.dk (OGP-netværket) om CDbl."
            ),
            [
                shared("www.kl.dk"),
                shared("https://ogp.dk"),
                shared("info@kl.dk"),
                shared("ogp"),
                shared("cdbl")
            ]
        );
        assert_eq!(
            tokens("Open config.xml in C:\\vb or my_macro; f.eks. bl.a. e.g."),
            [shared("config.xml"), shared("c:\\vb"), shared("my_macro")]
        );
        // Plain words, capitalised or not, are the pivot's business, not shared tokens.
        assert!(tokens("Klik på Indsæt og Luk").is_empty());
    }

    #[test]
    fn numbers_meet_across_separators() {
        assert_eq!(
            tokens("1.000 kr. og 2,5 pct."),
            [shared("1000"), shared("25")]
        );
        assert_eq!(
            tokens("1,000 and 2.5 per cent"),
            [shared("1000"), shared("25")]
        );
    }

    #[test]
    fn years_and_versions() {
        assert_eq!(
            tokens("Handlingsplan 2019-2022 for LibreOffice 7.4, version 2.1, v3 og 3.6.1"),
            [
                Token::Year(2019),
                Token::Year(2022),
                shared("libreoffice"),
                Token::Version("7.4".into()),
                Token::Version("2.1".into()),
                Token::Version("3".into()),
                Token::Version("3.6.1".into()),
            ]
        );
        // A date and a decimal number are no versions; a year inside a number is no year.
        assert_eq!(
            tokens("1.3.2024 og 12.5 og 20245"),
            [shared("132024"), shared("125"), shared("20245")]
        );
    }
}
