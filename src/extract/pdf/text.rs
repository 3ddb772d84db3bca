//! The rules that make text of a PDF's lines: the Danish rules for a hyphen at a line end
//! ([`join_rule`]), what reads as a page number, a table of contents, a heading that can stand
//! for a title, and a metadata title worth showing.

use rustc_hash::FxHashSet;

use super::pages::{Line, LineAt, Page};

/// A page number on its own: `12`, `- 12 -`, `iv`, `side 3`, `page 3 of 40`, `3/40`.
pub(super) fn is_page_number(key: &str) -> bool {
    let words: Vec<&str> = key
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '/' | '|' | '·'))
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| {
            w.chars().all(|c| c == '#')
                || (w.len() <= 6 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l' | 'c')))
                || matches!(*w, "side" | "page" | "af" | "of" | "s." | "p.")
        })
        && words
            .iter()
            .any(|w| w.starts_with('#') || w.starts_with(['i', 'v', 'x']))
}

/// What to do with a hyphen at the end of a line, given the word before it and the line after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// A word broken across lines: drop the hyphen, join the halves (`civilsamfunds-` +
    /// `organisationerne`).
    Merge,
    /// A hyphenated compound broken at its hyphen: keep it, join (`EU-` + `landene`).
    KeepHyphen,
    /// Not a broken word (a dangling hyphen before `og`, a dash): a space.
    Space,
}

/// Lowercase abbreviations that keep their hyphen in a compound (`it-system`); any other short
/// head (`de-` + `noted`, `pa-` + `genumbers`) is a word broken by hyphenation.
const HYPHENATED_PREFIXES: [&str; 12] = [
    "e", "it", "tv", "pc", "hr", "ikt", "sms", "ngo", "ai", "cv", "gps", "cpr",
];

/// Words after which a hyphen dangles: `børne- og ungeområdet`, `pre- and post-`.
const CONJUNCTIONS: [&str; 8] = ["og", "eller", "samt", "el.", "and", "or", "nor", "to"];

/// The Danish rule for `head` (ending in a hyphen) at a line end followed by `tail` (the next
/// line's first word). `known` says whether a lowercase form occurs elsewhere in the document.
pub fn join_rule(head: &str, tail: &str, known: impl Fn(&str) -> bool) -> Join {
    if head.ends_with('\u{ad}') {
        return Join::Merge;
    }
    let Some(stem) = head.strip_suffix(['-', '\u{2010}']) else {
        return Join::Space;
    };
    // The part of the head after any earlier hyphen: `EU-lande-` → `lande`.
    let last = stem.rsplit(['-', '\u{2010}']).next().unwrap_or(stem);
    let Some(end) = last.chars().last() else {
        return Join::Space;
    };
    let Some(first) = tail.chars().next() else {
        return Join::Space;
    };
    let tail_word = tail.trim_end_matches(|c: char| !c.is_alphanumeric());
    if !end.is_alphanumeric()
        || !first.is_alphanumeric()
        || CONJUNCTIONS.contains(&tail.to_lowercase().as_str())
    {
        return Join::Space;
    }
    // Abbreviations, acronyms and numbers keep their hyphen (`EU-`, `CO2-`), as do proper names
    // (`Syd-` + `Afrika`).
    if end.is_uppercase() || end.is_ascii_digit() || first.is_uppercase() || first.is_ascii_digit()
    {
        return Join::KeepHyphen;
    }
    let hyphenated = format!("{}-{}", stem, tail_word).to_lowercase();
    let merged = format!("{}{}", stem, tail_word).to_lowercase();
    if known(&hyphenated) && !known(&merged) {
        return Join::KeepHyphen;
    }
    if known(&merged) {
        return Join::Merge;
    }
    // Lowercase abbreviations are written with a hyphen: `e-mail`, `it-system`, `tv-avis`.
    if HYPHENATED_PREFIXES.contains(&last.to_lowercase().as_str()) {
        return Join::KeepHyphen;
    }
    Join::Merge
}

/// Appends a line's words to a paragraph, joining a hyphen at the end of the paragraph so far
/// by [`join_rule`].
pub(super) fn append_line(paragraph: &mut String, words: &[String], known: &dyn Fn(&str) -> bool) {
    let Some((first, rest)) = words.split_first() else {
        return;
    };
    if paragraph.is_empty() {
        paragraph.push_str(first);
    } else {
        let head_start = paragraph.rfind(' ').map_or(0, |i| i + 1);
        match join_rule(&paragraph[head_start..], first, known) {
            Join::Merge => {
                paragraph.pop(); // the hyphen (or soft hyphen)
                paragraph.push_str(first);
            }
            Join::KeepHyphen => paragraph.push_str(first),
            Join::Space => {
                paragraph.push(' ');
                paragraph.push_str(first);
            }
        }
    }
    for w in rest {
        paragraph.push(' ');
        paragraph.push_str(w);
    }
}

/// Headings that open a table of contents.
const CONTENTS_HEADINGS: [&str; 6] = [
    "indhold",
    "indholdsfortegnelse",
    "contents",
    "table of contents",
    "inhalt",
    "inhaltsverzeichnis",
];

/// A metadata title worth showing: not empty, not a file name or a producer's placeholder.
pub(super) fn is_real_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    let file_like = [
        ".doc", ".docx", ".odt", ".pdf", ".indd", ".rtf", ".txt", ".html",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext));
    !lower.is_empty()
        && !file_like
        && !lower.starts_with("microsoft word - ")
        && !matches!(lower.as_str(), "untitled" | "unavngivet" | "uden titel")
        && lower.chars().any(char::is_alphabetic)
}

/// The lines of page `p` that have words and are not page furniture, with their block's index.
pub(super) fn body_lines<'a>(
    page: &'a Page,
    p: u32,
    furniture: &'a FxHashSet<LineAt>,
) -> impl Iterator<Item = (usize, &'a Line)> + 'a {
    page.blocks.iter().enumerate().flat_map(move |(b, block)| {
        block
            .iter()
            .enumerate()
            .filter(move |&(l, line)| {
                !line.words.is_empty() && !furniture.contains(&(p, b as u32, l as u32))
            })
            .map(move |(_, line)| (b, line))
    })
}

/// Whether page `p` is a table of contents: it opens with a contents heading, or most of its
/// lines end in a page number (`Affaldssortering ........ 13`).
pub(super) fn is_contents_page(page: &Page, p: u32, furniture: &FxHashSet<LineAt>) -> bool {
    let lines: Vec<&Line> = body_lines(page, p, furniture).map(|(_, l)| l).collect();
    let Some(first) = lines.first() else {
        return false;
    };
    let heading = first.words.join(" ").to_lowercase();
    let heading = heading.trim_matches(|c: char| !c.is_alphabetic());
    if CONTENTS_HEADINGS.contains(&heading) {
        return true;
    }
    let numbered = lines
        .iter()
        .filter(|l| {
            l.words.len() >= 2
                && l.words
                    .last()
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        })
        .count();
    lines.len() >= 6 && numbered * 10 >= lines.len() * 6
}

/// The tallest lines among the first lines of page `p` (the first page with text), when taller
/// than the page's usual line.
pub(super) fn first_heading(page: &Page, p: u32, furniture: &FxHashSet<LineAt>) -> Option<String> {
    let lines: Vec<(usize, &Line)> = body_lines(page, p, furniture).collect();
    let height = |l: &Line| l.y_max - l.y_min;
    let mut heights: Vec<f32> = lines.iter().map(|(_, l)| height(l)).collect();
    heights.sort_by(f32::total_cmp);
    let usual = *heights.get(heights.len() / 2)?;
    let opening = &lines[..lines.len().min(12)];
    let tallest = opening.iter().map(|(_, l)| height(l)).fold(0.0, f32::max);
    if tallest < usual * 1.15 {
        return None;
    }
    let (at, (block, _)) = opening
        .iter()
        .enumerate()
        .find(|(_, (_, l))| height(l) >= tallest * 0.95)?;
    let mut title = String::new();
    for (b, line) in &opening[at..] {
        if b != block || height(line) < tallest * 0.95 {
            break;
        }
        append_line(&mut title, &line.words, &|_| false);
    }
    Some(title).filter(|t| t.chars().count() <= 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(head: &str, tail: &str) -> Join {
        join_rule(head, tail, |_| false)
    }

    #[test]
    fn danish_hyphen_rules_at_a_line_end() {
        assert_eq!(rule("civilsamfunds-", "organisationerne"), Join::Merge);
        assert_eq!(rule("EU-", "landene"), Join::KeepHyphen);
        assert_eq!(rule("CO2-", "udledning"), Join::KeepHyphen);
        assert_eq!(rule("Syd-", "Afrika"), Join::KeepHyphen);
        assert_eq!(rule("børne-", "og"), Join::Space);
        assert_eq!(rule("it-", "systemer"), Join::KeepHyphen);
        assert_eq!(rule("e-", "mail"), Join::KeepHyphen);
        assert_eq!(rule("de-", "noted"), Join::Merge);
        assert_eq!(rule("–", "og"), Join::Space);
        assert_eq!(rule("ordet", "næste"), Join::Space);
        assert_eq!(rule("kommu\u{ad}", "nerne"), Join::Merge);
    }

    #[test]
    fn the_document_decides_between_a_compound_and_a_broken_word() {
        let known = |w: &str| w == "self-governance";
        assert_eq!(join_rule("self-", "governance,", known), Join::KeepHyphen);
        assert_eq!(join_rule("gov-", "ernment", known), Join::Merge);
    }

    #[test]
    fn page_numbers_are_recognised() {
        for key in ["#", "## ", "- # -", "side #", "page # of ##", "iv", "#/##"] {
            assert!(is_page_number(key), "{key}");
        }
        assert!(!is_page_number("samarbejde"));
        assert!(!is_page_number("# borgere"));
    }

    #[test]
    fn placeholder_titles_are_not_titles() {
        assert!(is_real_title("Samarbejde med civilsamfundet"));
        assert!(!is_real_title("Microsoft Word - rapport.docx"));
        assert!(!is_real_title("rapport_endelig.indd"));
        assert!(!is_real_title(""));
    }
}
