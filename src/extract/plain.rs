//! The text formats (`.txt`, `.md`, `.html`): decoded, their front matter applied, skip links
//! dropped, a title found; Markdown's headings marked and its inline marks taken out.

use super::*;

/// Skip links that scraped web pages begin with, in Danish and English: page furniture, not
/// content, so they are neither shown nor searched.
pub(super) const FURNITURE: &[&str] = &[
    "skip navigation",
    "skip to main content",
    "skip to content",
    "skip to navigation",
    "gå til hovedindhold",
    "gå til indhold",
    "spring til hovedindhold",
    "spring til indhold",
    "spring navigation over",
];

/// The text without the [`FURNITURE`] phrases it starts with (each followed by the end of its
/// line, a space or a separator): `Skip Navigation Denmark Civil Society …` keeps `Denmark …`.
pub(super) fn without_furniture(text: &str) -> &str {
    let mut start = text.len() - text.trim_start().len();
    'phrases: loop {
        let rest = &text[start..];
        for phrase in FURNITURE {
            let Some(head) = rest.get(..phrase.len()) else {
                continue;
            };
            let ends = rest[phrase.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || matches!(c, '·' | '|' | '»' | '>'));
            if ends && head.to_lowercase() == *phrase {
                let after = &rest[phrase.len()..];
                let skipped = after.len()
                    - after
                        .trim_start_matches(|c: char| c.is_whitespace() || "·|»>".contains(c))
                        .len();
                start += phrase.len() + skipped;
                continue 'phrases;
            }
        }
        break;
    }
    &text[start..]
}

/// A text format: decoded, its front matter applied.
pub(super) fn text_file(format: Format, bytes: Vec<u8>) -> Result<Extracted, Refusal> {
    let raw = decode(bytes)?;
    let (front, body) = front_matter(&raw);
    // Skip links are removed before a text file's first line becomes its title.
    let mut doc = match format {
        Format::Html => {
            let mut doc = html::extract(body);
            let start = doc.text.len() - without_furniture(&doc.text).len();
            doc.text.replace_range(..start, "");
            doc
        }
        Format::Markdown => markdown(without_furniture(body)),
        _ => plain(without_furniture(body)),
    };
    if let Some(title) = front.title {
        doc.title = title;
    }
    doc.source = front.source;
    doc.date = front.date;
    doc.lang = front.lang;
    doc.translation = front.translation;
    doc.visibility = front.visibility;
    Ok(doc)
}

#[derive(Default)]
pub(super) struct FrontMatter {
    title: Option<String>,
    source: Option<String>,
    date: Option<Date>,
    lang: Option<Lang>,
    translation: Option<String>,
    visibility: Option<crate::access::Visibility>,
}

/// Splits an optional `---` front-matter block off the start of a text.
pub(super) fn front_matter(text: &str) -> (FrontMatter, &str) {
    let mut fm = FrontMatter::default();
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (fm, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim();
        if line == "---" {
            return (fm, &rest[offset..]);
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim().trim_matches('"').trim();
            if value.is_empty() {
                continue;
            }
            match key.trim().to_ascii_lowercase().as_str() {
                "title" => fm.title = Some(value.to_string()),
                "source" => fm.source = Some(value.to_string()),
                "date" => fm.date = Date::parse(value),
                // A language vidensbase does not analyse is ignored: the text decides.
                "lang" | "language" => fm.lang = value.parse().ok(),
                // A document id: a path relative to the corpus folder, `/` between folders.
                "translation" => {
                    fm.translation = Some(value.trim_start_matches("./").replace('\\', "/"))
                }
                "visibility" | "synlighed" => {
                    fm.visibility = crate::access::Visibility::parse(value)
                }
                _ => {}
            }
        }
    }
    // No closing line: it was not front matter after all.
    (FrontMatter::default(), text)
}

/// Menu lines of scraped pages, never their title (nor are the skip links of [`FURNITURE`]).
pub(super) const MENU_LINES: [&str; 4] = ["menu", "søg", "search", "forside"];

/// Plain text: the title is the first line that reads as one.
pub(super) fn plain(text: &str) -> Extracted {
    let text = normalise_newlines(text);
    let title = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .find(|l| reads_as_title(l))
        .or_else(|| text.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| truncate_chars(l, 200))
        .unwrap_or_default();
    Extracted {
        title,
        text: text.trim().to_string(),
        ..Extracted::default()
    }
}

pub(super) fn reads_as_title(line: &str) -> bool {
    let lower = line.to_lowercase();
    if MENU_LINES.contains(&lower.as_str()) || FURNITURE.contains(&lower.as_str()) {
        return false;
    }
    let words = line.split_whitespace().count();
    (2..=25).contains(&words)
        && line.chars().count() <= 200
        && line.chars().any(char::is_alphabetic)
}

/// Markdown: the first `#` heading is the title; markup is stripped to readable text.
pub(super) fn markdown(text: &str) -> Extracted {
    let text = normalise_newlines(text);
    let mut title = None;
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    // Items of the current run of numbered lines, and the runs of two or more.
    let (mut items, mut steps) = (0u32, 0u32);
    for line in text.lines() {
        let trimmed = line.trim();
        // An indented line continues an item; any other line ends the run.
        if !in_code && !trimmed.is_empty() {
            if is_numbered_item(trimmed) {
                items += 1;
                steps += u32::from(items == 2);
            } else if !line.starts_with(char::is_whitespace) {
                items = 0;
            }
        }
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let mut line = if in_code {
            trimmed
        } else {
            trimmed.trim_start_matches('#').trim()
        };
        if !in_code && trimmed.starts_with('#') && !line.is_empty() {
            let text = strip_inline_markdown(line);
            if title.is_none() {
                title = Some(text.clone());
            }
            // A heading is a paragraph of its own, with its level's marks.
            let level = trimmed.len() - trimmed.trim_start_matches('#').len();
            out.push('\n');
            out.push_str(&heading_marks(level));
            out.push_str(&text);
            out.push_str("\n\n");
            continue;
        }
        if let Some(rest) = line.strip_prefix("> ") {
            line = rest;
        }
        let line = line
            .strip_prefix("* ")
            .or_else(|| line.strip_prefix("- "))
            .or_else(|| line.strip_prefix("+ "))
            .unwrap_or(line);
        if line
            .chars()
            .all(|c| matches!(c, '-' | '=' | '*' | '_' | '|' | ':' | ' '))
            && !line.is_empty()
        {
            continue; // rules and table separators
        }
        out.push_str(&strip_inline_markdown(line));
        out.push('\n');
    }
    let mut doc = plain(&out);
    if let Some(title) = title {
        doc.title = title;
    }
    doc.steps = steps;
    doc
}

/// `1. Vælg …`, `2) Click …`: an item of a numbered list (a number of at most three digits).
fn is_numbered_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
        && line.as_bytes().get(digits + 1) == Some(&b' ')
}

/// `[text](url)` → `text`, `![alt](src)` → `alt`, emphasis and code markers dropped.
pub(super) fn strip_inline_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before.strip_suffix('!').unwrap_or(before));
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(end)) if close < end => {
                out.push_str(&after[1..close]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "").replace('`', "")
}
