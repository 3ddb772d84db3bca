//! HTML to title and main visible text, in one pass over the bytes without building a DOM.
//!
//! The scan follows the HTML tokenizer's rules that matter for text: tags and their attributes,
//! comments and doctypes skipped, raw-text elements (`script`, `style`, `title`, `textarea`, …)
//! read up to their end tag, character references decoded with the HTML entity table html5ever uses (`web_atoms`).
//! It exists because html5ever's general tokenizer was 60 % of indexing the benchmark corpus;
//! its output was checked equal to html5ever's on all 5,100 LibreOffice help pages.
//!
//! A stack of open elements is kept by name: an end tag closes the nearest open element of its
//! name and whatever was left open inside it, which is how unclosed `<p>` and `<li>` end. Text
//! inside scripts, styles, navigation, headers, footers, forms and hidden elements is dropped.
//! Visible text is collected per main-content container (`#DisplayArea`, `main`, `article`,
//! `[role=main]`, `#content`, `body`, then everything) and the most specific non-empty one wins.
//! Block elements break paragraphs.

use super::{collapse_whitespace, Extracted, ParagraphBuilder};
use references::decode_into;

mod references;

/// Elements whose content is never document text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "svg"
            | "iframe"
            | "select"
            | "head"
            | "object"
            | "textarea"
    )
}

/// Elements that start a new paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "pre"
            | "blockquote"
            | "br"
            | "hr"
            | "figure"
            | "figcaption"
            | "caption"
            | "body"
    )
}

/// Elements that never have content or an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}
/// Containers of the main content, most specific first; the last slot is "everything visible".
const CONTAINERS: usize = 7;

/// A start tag, with the attributes extraction cares about.
#[derive(Default)]
struct StartTag {
    /// Lowercased.
    name: String,
    id: Option<String>,
    role: Option<String>,
    hidden: bool,
    aria_hidden: bool,
    self_closing: bool,
}

fn container_rank(tag: &StartTag) -> Option<usize> {
    if tag.id.as_deref() == Some("DisplayArea") {
        return Some(0);
    }
    match tag.name.as_str() {
        "main" => Some(1),
        "article" => Some(2),
        _ if tag.role.as_deref() == Some("main") => Some(3),
        _ if tag.id.as_deref() == Some("content") => Some(4),
        "body" => Some(5),
        _ => None,
    }
}

/// How an element's content is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Content {
    Markup,
    /// Text up to the end tag, character references decoded (`title`, `textarea`).
    Rcdata,
    /// Text up to the end tag, as is (`script`, `style`, …).
    Raw,
}

struct Open {
    name: String,
    skipped: bool,
    rank: Option<usize>,
}

#[derive(Default)]
struct State {
    stack: Vec<Open>,
    skipped: usize,
    active: [usize; CONTAINERS],
    text: [ParagraphBuilder; CONTAINERS],
    title: String,
    in_title: bool,
    h1: String,
    in_h1: bool,
    /// Per open `ol`, its items so far; `None` for an open `ul`.
    lists: Vec<Option<u32>>,
    /// Per container, its ordered lists of two or more items ([`Extracted::steps`]).
    steps: [u32; CONTAINERS],
}

impl State {
    fn break_paragraphs(&mut self) {
        for (builder, &active) in self.text.iter_mut().zip(&self.active) {
            if active > 0 {
                builder.break_paragraph();
            }
        }
    }

    fn start(&mut self, tag: &StartTag) -> Content {
        let name = tag.name.as_str();
        if name == "title" {
            self.in_title = true;
            return Content::Rcdata;
        }
        let raw = match name {
            "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" => Content::Raw,
            "textarea" => Content::Rcdata,
            _ => Content::Markup,
        };
        if is_block(name) {
            self.break_paragraphs();
        }
        if is_void(name) {
            return Content::Markup;
        }
        // A heading's paragraph begins with its level's marks (`super::heading_marks`).
        let level = match name.as_bytes() {
            [b'h', digit @ b'1'..=b'6'] => Some(usize::from(digit - b'0')),
            _ => None,
        };
        if let (Some(level), 0) = (level, self.skipped) {
            if !(is_skipped(name) || tag.hidden || tag.aria_hidden) {
                let marks = super::heading_marks(level);
                for (builder, &active) in self.text.iter_mut().zip(&self.active) {
                    if active > 0 {
                        builder.push(&marks);
                    }
                }
            }
        }
        let skipped = is_skipped(name) || tag.hidden || tag.aria_hidden;
        let rank = if skipped || self.skipped > 0 {
            None
        } else {
            container_rank(tag)
        };
        if let Some(r) = rank {
            self.active[r] += 1;
        }
        self.skipped += usize::from(skipped);
        if name == "h1" && self.h1.is_empty() && self.skipped == 0 {
            self.in_h1 = true;
        }
        self.count_list_item(name);
        self.stack.push(Open {
            name: name.to_string(),
            skipped,
            rank,
        });
        if tag.self_closing && raw == Content::Markup {
            self.end(name);
        }
        raw
    }

    fn end(&mut self, name: &str) {
        if name == "title" {
            self.in_title = false;
            return;
        }
        let Some(at) = self.stack.iter().rposition(|o| o.name == name) else {
            return; // a stray end tag
        };
        for open in self.stack.drain(at..).rev() {
            if let Some(r) = open.rank {
                self.active[r] -= 1;
            }
            self.skipped -= usize::from(open.skipped);
            if open.name == "h1" {
                self.in_h1 = false;
            }
            if matches!(open.name.as_str(), "ol" | "ul") {
                self.lists.pop();
            }
        }
        if is_block(name) {
            self.break_paragraphs();
        } else if matches!(name, "td" | "th") {
            self.characters(" ");
        }
    }

    /// An `ol` or `ul` opens, or an item of one: an ordered list counts as steps in the
    /// containers it is in when its second item begins.
    fn count_list_item(&mut self, name: &str) {
        match name {
            "ol" => self.lists.push(Some(0)),
            "ul" => self.lists.push(None),
            "li" if self.skipped == 0 => {
                if let Some(Some(items)) = self.lists.last_mut() {
                    *items += 1;
                    if *items == 2 {
                        for (steps, &active) in self.steps.iter_mut().zip(&self.active) {
                            *steps += u32::from(active > 0);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn characters(&mut self, text: &str) {
        if self.in_title {
            self.title.push_str(text);
            return;
        }
        if self.skipped > 0 {
            return;
        }
        if self.in_h1 {
            self.h1.push_str(text);
        }
        for (builder, &active) in self.text.iter_mut().zip(&self.active) {
            if active > 0 {
                builder.push(text);
            }
        }
    }
}

/// `<title>` (else the first `<h1>`) and the visible text of the main content.
pub(super) fn extract(source: &str) -> Extracted {
    let mut state = State::default();
    // The last container is the whole document: it counts even for fragments without `<body>`.
    state.active[CONTAINERS - 1] = 1;
    let b = source.as_bytes();
    let mut text = String::new();
    let mut i = 0;
    while i < b.len() {
        let lt = source[i..].find('<').map_or(b.len(), |at| i + at);
        if lt > i {
            decode_into(&source[i..lt], &mut text);
            state.characters(&text);
            text.clear();
        }
        i = lt;
        if i >= b.len() {
            break;
        }
        match b.get(i + 1) {
            Some(b'!') if source[i..].starts_with("<!--") => {
                i = find_from(source, i + 4, "-->").map_or(b.len(), |at| at + 3);
            }
            Some(b'!' | b'?') => i = after_gt(b, i + 2),
            Some(b'/') if b.get(i + 2).is_some_and(u8::is_ascii_alphabetic) => {
                let (name, next) = tag_name(source, i + 2);
                i = after_gt(b, next);
                state.end(&name);
            }
            Some(b'/') => i = after_gt(b, i + 2),
            Some(c) if c.is_ascii_alphabetic() => {
                let (tag, next) = start_tag(source, i + 1);
                i = next;
                let content = state.start(&tag);
                if content != Content::Markup {
                    let close = end_tag_position(source, i, &tag.name);
                    if content == Content::Rcdata {
                        decode_into(&source[i..close], &mut text);
                        state.characters(&text);
                        text.clear();
                    } else {
                        state.characters(&source[i..close]);
                    }
                    i = close;
                }
            }
            _ => {
                state.characters("<");
                i += 1;
            }
        }
    }
    let title = match collapse_whitespace(&state.title) {
        t if !t.is_empty() => t,
        _ => collapse_whitespace(&state.h1),
    };
    let (text, steps) = state
        .text
        .into_iter()
        .map(ParagraphBuilder::finish)
        .zip(state.steps)
        .find(|(t, _)| !t.is_empty())
        .unwrap_or_default();
    Extracted {
        title,
        text,
        steps,
        ..Extracted::default()
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

fn find_from(source: &str, from: usize, needle: &str) -> Option<usize> {
    source.get(from..)?.find(needle).map(|at| from + at)
}

/// The position just after the next `>` (or the end).
fn after_gt(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&c| c == b'>'))
        .map_or(b.len(), |at| from + at + 1)
}

/// A tag name starting at `from`, lowercased, and where it ends.
fn tag_name(source: &str, from: usize) -> (String, usize) {
    let b = source.as_bytes();
    let mut end = from;
    while end < b.len() && !is_space(b[end]) && b[end] != b'/' && b[end] != b'>' {
        end += 1;
    }
    (source[from..end].to_ascii_lowercase(), end)
}

/// A start tag whose name starts at `from`; returns it and the position after its `>`.
fn start_tag(source: &str, from: usize) -> (StartTag, usize) {
    let b = source.as_bytes();
    let (name, mut i) = tag_name(source, from);
    let mut tag = StartTag {
        name,
        ..StartTag::default()
    };
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return (tag, b.len()),
            Some(b'>') => return (tag, i + 1),
            Some(b'/') => {
                tag.self_closing = b.get(i + 1) == Some(&b'>');
                i += 1;
                continue;
            }
            _ => {}
        }
        // An attribute: name, then optionally `=` and a value.
        let start = i;
        i += 1; // the first character may be anything, even `=`
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = source[start..i].to_ascii_lowercase();
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let mut value = "";
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = b[i + 1..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |at| i + 1 + at);
                    value = &source[i + 1..end];
                    i = (end + 1).min(b.len());
                }
                _ => {
                    let s = i;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                    value = &source[s..i];
                }
            }
        }
        // The first of repeated attributes wins, as in HTML.
        match name.as_str() {
            "id" if tag.id.is_none() => tag.id = Some(value.to_string()),
            "role" if tag.role.is_none() => tag.role = Some(value.to_string()),
            "hidden" => tag.hidden = true,
            "aria-hidden" => tag.aria_hidden |= value == "true",
            _ => {}
        }
    }
}

/// Where the end tag of a raw-text element `name` starts (or the end of the source).
fn end_tag_position(source: &str, from: usize, name: &str) -> usize {
    let b = source.as_bytes();
    let mut i = from;
    while let Some(at) = find_from(source, i, "</") {
        let after = at + 2 + name.len();
        if b.get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(after)
                .is_none_or(|&c| is_space(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        i = at + 2;
    }
    b.len()
}

#[cfg(test)]
mod tests;
