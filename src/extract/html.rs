//! HTML to title and main visible text, streaming over html5ever's tokenizer without building a
//! DOM (building one was half of all indexing time).
//!
//! A stack of open elements is kept by name: an end tag closes the nearest open element of its
//! name and whatever was left open inside it, which is how unclosed `<p>` and `<li>` end. Text
//! inside scripts, styles, navigation, headers, footers, forms and hidden elements is dropped.
//! Visible text is collected per main-content container (`#DisplayArea`, `main`, `article`,
//! `[role=main]`, `#content`, `body`, then everything) and the most specific non-empty one wins.
//! Block elements break paragraphs.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{collapse_whitespace, Extracted, ParagraphBuilder};

/// Elements whose content is never document text.
const SKIPPED: [&str; 16] = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "button", "svg", "iframe", "select", "head", "object", "textarea",
];
/// Elements that start a new paragraph.
const BLOCKS: [&str; 29] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "table",
    "thead",
    "tbody",
    "pre",
    "blockquote",
    "br",
    "hr",
    "figure",
    "figcaption",
    "caption",
    "body",
];
/// Elements that never have content or an end tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Containers of the main content, most specific first; the last slot is "everything visible".
const CONTAINERS: usize = 7;

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

fn container_rank(tag: &Tag) -> Option<usize> {
    if attr(tag, "id") == Some("DisplayArea") {
        return Some(0);
    }
    match &*tag.name {
        "main" => Some(1),
        "article" => Some(2),
        _ if attr(tag, "role") == Some("main") => Some(3),
        _ if attr(tag, "id") == Some("content") => Some(4),
        "body" => Some(5),
        _ => None,
    }
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
}

impl State {
    fn break_paragraphs(&mut self) {
        for (builder, &active) in self.text.iter_mut().zip(&self.active) {
            if active > 0 {
                builder.break_paragraph();
            }
        }
    }

    fn start(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name = &*tag.name;
        if name == "title" {
            self.in_title = true;
            return TokenSinkResult::RawData(RawKind::Rcdata);
        }
        let raw = match name {
            "script" => Some(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
            "textarea" => Some(RawKind::Rcdata),
            _ => None,
        };
        if BLOCKS.contains(&name) {
            self.break_paragraphs();
        }
        if VOID.contains(&name) {
            return TokenSinkResult::Continue;
        }
        let skipped = SKIPPED.contains(&name)
            || attr(tag, "hidden").is_some()
            || attr(tag, "aria-hidden") == Some("true");
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
        self.stack.push(Open {
            name: name.to_string(),
            skipped,
            rank,
        });
        if tag.self_closing && raw.is_none() {
            self.end(name);
            return TokenSinkResult::Continue;
        }
        raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData)
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
        }
        if BLOCKS.contains(&name) {
            self.break_paragraphs();
        } else if matches!(name, "td" | "th") {
            self.characters(" ");
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

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return state.start(&tag),
                TagKind::EndTag => state.end(&tag.name),
            },
            Token::CharacterTokens(text) => state.characters(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// `<title>` (else the first `<h1>`) and the visible text of the main content.
pub(super) fn extract(source: &str) -> Extracted {
    let mut state = State::default();
    // The last container is the whole document: it counts even for fragments without `<body>`.
    state.active[CONTAINERS - 1] = 1;
    let tokenizer = Tokenizer::new(Sink(RefCell::new(state)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(source));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let state = tokenizer.sink.0.into_inner();
    let title = match collapse_whitespace(&state.title) {
        t if !t.is_empty() => t,
        _ => collapse_whitespace(&state.h1),
    };
    let text = state
        .text
        .into_iter()
        .map(ParagraphBuilder::finish)
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    Extracted {
        title,
        text,
        ..Extracted::default()
    }
}
