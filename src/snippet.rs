//! Snippets and highlighting: which words of a stored text match the query, and the best window.
//!
//! A word matches when its Danish, English or folded term is one the query searched for (so
//! `kommunerne` is marked for the query `kommune`, and a translated or corrected term is marked
//! too), or when it is a long word containing a searched Danish stem (a compound). A cheap
//! three-letter prefix test keeps stemming off most words. The result is plain data — text pieces
//! flagged as marked or not — and [`Snippet::to_html`] is the only place that turns it into HTML,
//! escaping every piece.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::{self, words, Analyzer};
use crate::query::Highlight;

/// Characters of text a snippet shows around its matches.
const SNIPPET_CHARS: usize = 240;
/// Context kept before the first match in the window.
const LEAD_CHARS: usize = 60;
/// Bytes of a long text searched for the snippet window; beyond this the opening is enough and
/// the cost per hit stays bounded. Large enough for a long report, whose best page may be far in.
const SCAN_BYTES: usize = 2 << 20;

/// Text pieces, some marked as matching the query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    pub fragments: Vec<Fragment>,
    /// Byte offset in the text of the first match shown, or of the window when none is: what
    /// the snippet's page is the page of.
    pub anchor: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub marked: bool,
}

impl Snippet {
    /// Escaped HTML with matches in `<mark>`.
    /// Heading marks (`## `, see [`crate::text::heading`]) are left out.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.fragments.iter().enumerate() {
            if f.marked {
                out.push_str("<mark>");
                escape_into(&f.text, &mut out);
                out.push_str("</mark>");
            } else {
                escape_into(&without_heading_marks(&f.text, i == 0), &mut out);
            }
        }
        out
    }

    pub fn has_marks(&self) -> bool {
        self.fragments.iter().any(|f| f.marked)
    }

    /// A whole paged text cut at its page breaks (form feeds), one snippet per page, each with
    /// the blank lines around the break trimmed.
    pub fn pages(&self) -> Vec<Snippet> {
        let mut pages = vec![Snippet::default()];
        for f in &self.fragments {
            let mut pieces = f.text.split('\u{c}');
            if let (Some(first), Some(page)) = (pieces.next(), pages.last_mut()) {
                page.push_piece(first, f.marked);
            }
            for piece in pieces {
                pages.push(Snippet::default());
                if let Some(page) = pages.last_mut() {
                    page.push_piece(piece, f.marked);
                }
            }
        }
        for page in &mut pages {
            if let Some(first) = page.fragments.first_mut() {
                first.text = first.text.trim_start().to_string();
            }
            if let Some(last) = page.fragments.last_mut() {
                last.text = last.text.trim_end().to_string();
            }
        }
        pages
    }

    fn push_piece(&mut self, text: &str, marked: bool) {
        if !text.is_empty() {
            self.fragments.push(Fragment {
                text: text.to_string(),
                marked,
            });
        }
    }
}

/// `text` without the heading marks that begin its lines (and, when `at_start`, the text).
fn without_heading_marks(text: &str, at_start: bool) -> std::borrow::Cow<'_, str> {
    if !text.contains('#') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // The marks alone (`## ` before a marked word in the next piece) are marks too.
        let marks = line.bytes().take_while(|&b| b == b'#').count();
        match line.get(marks..).and_then(|rest| rest.strip_prefix(' ')) {
            Some(rest) if (1..=6).contains(&marks) && (i > 0 || at_start) => out.push_str(rest),
            _ => out.push_str(line),
        }
    }
    out.into()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Decides, word by word, whether a word matches the highlight terms.
///
/// Stems and folds keep the start of a word, so a word can only match if its folded first two
/// letters are those of some highlight term; that test needs no allocation and rejects most
/// words. Only long words (possible compounds) and plausible ones are lowercased and analysed,
/// once each.
struct Matcher<'a> {
    hl: &'a Highlight,
    prefixes: FxHashSet<[char; 2]>,
    /// Per lowercased word: the term it matched (so `association` and `associations` count
    /// as one), or `None`.
    cache: FxHashMap<String, Option<u32>>,
    /// The matched terms, numbered in order of first match.
    terms: FxHashMap<String, u32>,
    lower: String,
}

impl<'a> Matcher<'a> {
    fn new(hl: &'a Highlight) -> Matcher<'a> {
        let prefixes = hl
            .da
            .iter()
            .chain(&hl.en)
            .chain(&hl.fold)
            .map(|t| analysis::fold_prefix(t))
            .collect();
        Matcher {
            hl,
            prefixes,
            cache: FxHashMap::default(),
            terms: FxHashMap::default(),
            lower: String::new(),
        }
    }

    /// The number of the term `word` matches, if it matches one.
    fn matches(&mut self, word: &str) -> Option<u32> {
        let plausible = self.prefixes.contains(&analysis::fold_prefix(word));
        let compound = word.len() >= 8 && self.tail_may_hold_part(word);
        if !plausible && !compound {
            return None;
        }
        analysis::lowercase_into(word, &mut self.lower);
        if let Some(&m) = self.cache.get(&self.lower) {
            return m;
        }
        let term = plausible
            .then(|| self.analysed_match())
            .flatten()
            .or_else(|| self.compound_match());
        let next = self.terms.len() as u32;
        let m = term.map(|t| *self.terms.entry(t).or_insert(next));
        self.cache.insert(self.lower.clone(), m);
        m
    }

    /// Cheap filter for [`Self::compound_match`]: some part occurs (ASCII case ignored) near the
    /// end of the word, where the last component of a compound starts.
    fn tail_may_hold_part(&self, word: &str) -> bool {
        let w = word.as_bytes();
        self.hl.parts.iter().any(|part| {
            let p = part.as_bytes();
            let from = w.len().saturating_sub(p.len() + 4);
            w.len() >= p.len() + 3
                && w[from..]
                    .windows(p.len())
                    .any(|win| win.eq_ignore_ascii_case(p))
        })
    }

    fn analysed_match(&self) -> Option<String> {
        let (hl, lower) = (self.hl, self.lower.as_str());
        [
            (&hl.da, Analyzer::Da),
            (&hl.en, Analyzer::En),
            (&hl.fold, Analyzer::Fold),
        ]
        .into_iter()
        .map(|(terms, analyzer)| (terms, analyzer.term(lower)))
        .find(|(terms, term)| terms.contains(term))
        .map(|(_, term)| term)
    }

    /// A compound containing a searched part, e.g. `midtvejsevaluering` for `evaluering`.
    fn compound_match(&self) -> Option<String> {
        let lower = self.lower.as_str();
        if lower.len() < 8 {
            return None;
        }
        self.hl
            .parts
            .iter()
            .find(|part| {
                lower.len() >= part.len() + 3
                    && (lower.starts_with(part.as_str()) || ends_with_part(lower, part))
            })
            .cloned()
    }
}

/// True if `part` (a stem) starts the last component of `lower`: `ungdomsklubber` ends with `klub…`.
fn ends_with_part(lower: &str, part: &str) -> bool {
    lower
        .rmatch_indices(part)
        .next()
        .is_some_and(|(i, _)| lower.len() - i <= part.len() + 4)
}

/// Whether the matches found so far end in a window no later one can beat: one holding every
/// word of the query, or for a quoted phrase, every word side by side.
fn window_is_complete(text: &str, matches: &[(usize, usize, u32)], hl: &Highlight) -> bool {
    let Some(last) = matches.last() else {
        return false;
    };
    if hl.phrase {
        let run = matches
            .windows(2)
            .rev()
            .take_while(|pair| side_by_side(text, &pair[0], &pair[1]))
            .count();
        return run + 1 >= hl.words;
    }
    let window_start = last.1.saturating_sub(SNIPPET_CHARS);
    let mut distinct: Vec<u32> = Vec::new();
    for m in matches.iter().rev().take_while(|m| m.0 >= window_start) {
        if !distinct.contains(&m.2) {
            distinct.push(m.2);
        }
    }
    distinct.len() >= hl.words
}

/// Two matches of different words with at most a short word between them (`foreninger i
/// lokalsamfundet`).
fn side_by_side(text: &str, a: &(usize, usize, u32), b: &(usize, usize, u32)) -> bool {
    a.2 != b.2
        && b.0 >= a.1
        && text[a.1..b.0]
            .chars()
            .filter(|c| c.is_alphanumeric())
            .count()
            <= 3
        && b.0 - a.1 <= 12
}

/// The best window of `text` for the query, with matches marked; the opening of the text
/// when nothing matches.
pub fn snippet(text: &str, hl: &Highlight) -> Snippet {
    let mut matcher = Matcher::new(hl);
    let mut matches: Vec<(usize, usize, u32)> = Vec::new();
    if !hl.is_empty() {
        for (s, e) in words(text).take_while(|&(s, _)| s < SCAN_BYTES) {
            let Some(term) = matcher.matches(&text[s..e]) else {
                continue;
            };
            matches.push((s, e, term));
            if hl.words > 0 && window_is_complete(text, &matches, hl) {
                break;
            }
        }
    }

    // The window with the most distinct matched words (then, for a quoted phrase, the most
    // matches side by side; then the most matches; then the earliest).
    let mut best = (0usize, 0usize, 0usize, 0usize); // (distinct, adjacent, count, first match)
    for i in 0..matches.len() {
        let limit = matches[i].0 + SNIPPET_CHARS;
        let mut distinct = FxHashSet::default();
        let mut count = 0;
        let mut adjacent = 0;
        let window = matches[i..].iter().take_while(|m| m.1 <= limit);
        for (k, m) in window.enumerate() {
            distinct.insert(m.2);
            count += 1;
            if hl.phrase && k > 0 && side_by_side(text, &matches[i + k - 1], m) {
                adjacent += 1;
            }
        }
        if (distinct.len(), adjacent, count) > (best.0, best.1, best.2) {
            best = (distinct.len(), adjacent, count, i);
        }
    }
    let best = (best.0, best.2, best.3);
    let (start, end) = match matches.get(best.2) {
        Some(first) if best.1 > 0 => {
            let start = floor_boundary(text, first.0.saturating_sub(LEAD_CHARS));
            let start = word_start(text, start, first.0);
            (start, ceil_end(text, start + SNIPPET_CHARS))
        }
        _ => (0, ceil_end(text, SNIPPET_CHARS)),
    };
    // Every match in the window, also those after the point where the scan stopped.
    let in_window: Vec<(usize, usize)> = if matches.is_empty() {
        Vec::new()
    } else {
        words(&text[start..end])
            .map(|(s, e)| (start + s, start + e))
            .filter(|&(s, e)| matcher.matches(&text[s..e]).is_some())
            .collect()
    };
    let mut s = build(text, start, end, &in_window);
    if start > 0 {
        prepend(&mut s, "… ");
    }
    if end < text.len() {
        s.fragments.push(Fragment {
            text: " …".into(),
            marked: false,
        });
    }
    s
}

/// The whole text with every match marked (for the document page).
pub fn highlight_all(text: &str, hl: &Highlight) -> Snippet {
    if hl.is_empty() {
        return build(text, 0, text.len(), &[]);
    }
    let mut matcher = Matcher::new(hl);
    let matches: Vec<(usize, usize)> = words(text)
        .filter(|&(s, e)| matcher.matches(&text[s..e]).is_some())
        .collect();
    build(text, 0, text.len(), &matches)
}

/// `head` (a marked title), a dash, then `rest` (the opening of the text).
pub fn joined(head: &Snippet, rest: Snippet) -> Snippet {
    let mut fragments = head.fragments.clone();
    fragments.push(Fragment {
        text: " — ".into(),
        marked: false,
    });
    fragments.extend(rest.fragments);
    Snippet {
        fragments,
        anchor: rest.anchor,
    }
}

fn build(text: &str, start: usize, end: usize, matches: &[(usize, usize)]) -> Snippet {
    let mut fragments = Vec::new();
    // Where each fragment begins in `text`.
    let mut starts = Vec::new();
    let mut pos = start;
    for &(s, e) in matches {
        if s > pos {
            starts.push(pos);
            fragments.push(Fragment {
                text: text[pos..s].to_string(),
                marked: false,
            });
        }
        starts.push(s);
        fragments.push(Fragment {
            text: text[s..e].to_string(),
            marked: true,
        });
        pos = e;
    }
    if pos < end {
        starts.push(pos);
        fragments.push(Fragment {
            text: text[pos..end].to_string(),
            marked: false,
        });
    }
    // Snippets are one line; the document page keeps its own layout (and its headings' marks,
    // which make them headings there).
    if start > 0 || end < text.len() {
        // Heading marks go while the line starts they begin are still known.
        for (f, at) in fragments.iter_mut().zip(starts) {
            if !f.marked {
                let at_start = at == 0 || text[..at].ends_with('\n');
                if let std::borrow::Cow::Owned(clean) = without_heading_marks(&f.text, at_start) {
                    f.text = clean;
                }
            }
        }
        for f in &mut fragments {
            if f.text.contains(['\n', '\r', '\t', '\u{c}']) {
                f.text = collapse_whitespace(&f.text);
            }
        }
    }
    let anchor = matches.first().map_or(start, |m| m.0);
    Snippet { fragments, anchor }
}

/// Every run of whitespace becomes one space (edges included, so words never glue together).
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

fn prepend(s: &mut Snippet, text: &str) {
    s.fragments.insert(
        0,
        Fragment {
            text: text.into(),
            marked: false,
        },
    );
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Moves `start` forward to the beginning of a word, but never past `limit`.
fn word_start(text: &str, start: usize, limit: usize) -> usize {
    if start == 0 {
        return 0;
    }
    text[start..limit]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(start, |(i, c)| start + i + c.len_utf8())
}

/// The end of the window: at `end` or just after, at a word boundary.
fn ceil_end(text: &str, end: usize) -> usize {
    if end >= text.len() {
        return text.len();
    }
    let mut i = end;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    text[i..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(j, _)| i + j)
}

#[cfg(test)]
mod tests;
