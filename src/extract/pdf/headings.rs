//! Headings of a PDF recovered from its layout (poppler gives words with boxes, no fonts), to be
//! marked with [`crate::extract::heading_marks`] in the page text.
//!
//! Two kinds of line are headings:
//! - a numbered heading: a section number (`7.3.1`, `3.2.`) and a short title that begins with a
//!   capital letter and ends in no sentence punctuation (`7.3.1 Tilføje brugere`), on one line
//!   or with the number on a line of its own above the title (as DocBook manuals set them); its
//!   level is the number's depth. A number of one part (`1. Klik …`, a list item) counts only
//!   on a line larger than the body text; dates (`1.12.2024`, `3.5.24`), amounts (`3.5 mio.
//!   kr.`) and table rows (more numbers, a number at the end) are no headings;
//! - a larger line: a short title-like line clearly taller than the document's body text (the
//!   height that carries most words), with the lines of the same height that follow it in its
//!   block; its level is the rank of its height among such lines. In a document that numbers its
//!   sections, only lines taller than its numbered headings count (chapter titles), so a note's
//!   label (`BEMÆRK`) set a little larger breaks no section.
//!
//! Never headings: page furniture, lines of a running header that repeat on other pages (`6.3.
//! BRUG AF INDIVIDUELLE KOMPONENTER`, in the top band of every page of its section), and the
//! lines of a contents page (the caller skips those pages).

use rustc_hash::{FxHashMap, FxHashSet};

use super::pages::{Line, LineAt, Page, MARGIN_BAND};

/// A line this much taller than the body text is larger type.
const LARGER: f32 = 1.15;
/// Most words of a heading line (and of a heading of several lines).
const MAX_WORDS: usize = 12;
/// Most characters of a heading.
const MAX_CHARS: usize = 140;
/// Most lines of one larger-type heading.
const MAX_LINES: usize = 3;

/// A line's height class: its height in half points.
fn class(height: f32) -> u32 {
    (height.max(0.0) * 2.0).round() as u32
}

/// What a line of a page is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mark {
    /// A heading of `level`, whose text goes on with the lines `with` (block, line) of the page.
    Heading { level: usize, with: Vec<(u32, u32)> },
    /// A line already part of a heading above.
    Taken,
}

/// The marks of one page, by (block, line).
pub(super) type Marks = FxHashMap<(u32, u32), Mark>;

/// The depth of a section number (`7` → 1, `7.3.1` and `7.3.1.` → 3, an appendix's `D.2` and
/// `B.4.1.` → 2 and 3), `None` for anything else: parts of 1–3 digits without a leading zero (the
/// first may be one capital letter, when digits follow), at most six, and no date (`1.12.2024`
/// has a four-digit part; `3.5.24` is day, month and a two-digit year).
pub(super) fn number_depth(word: &str) -> Option<usize> {
    let number = word.strip_suffix('.').unwrap_or(word);
    let parts: Vec<&str> = number.split('.').collect();
    let plain = |p: &&str| {
        (1..=3).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
            && *p != "0"
    };
    let appendix = |p: &&str| p.len() == 1 && p.bytes().all(|b| b.is_ascii_uppercase());
    let (first, rest) = parts.split_first()?;
    if parts.len() > 6 || !rest.iter().all(plain) {
        return None;
    }
    if appendix(first) {
        return (!rest.is_empty()).then_some(parts.len());
    }
    if !plain(first) {
        return None;
    }
    let n = |i: usize| parts[i].parse::<u32>().unwrap_or(0);
    let date = parts.len() == 3 && parts[2].len() >= 2 && n(0) <= 31 && n(1) <= 12;
    (!date).then_some(parts.len())
}

/// Whether `words` read as a heading's title: a few words, the first beginning with a capital
/// letter, not ending a sentence or clause (`.`, `,`, `;`, `:`, `…`), not ending in a number (a
/// contents line, a table row), with at most one number among them.
pub(super) fn is_title(words: &[String]) -> bool {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    let chars: usize = words.iter().map(|w| w.chars().count() + 1).sum();
    let starts = first
        .trim_start_matches(['"', '“', '„', '«', '\'', '('])
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    let numbers = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()) && !w.chars().any(char::is_alphabetic))
        .count();
    let letters = words
        .iter()
        .flat_map(|w| w.chars())
        .filter(|c| c.is_alphabetic())
        .count();
    words.len() <= MAX_WORDS
        && chars <= MAX_CHARS
        && starts
        && letters >= 2
        && numbers <= 1
        && !last.ends_with(['.', ',', ';', ':', '…'])
        && !last.chars().all(|c| c.is_ascii_digit())
}

/// Line heights and candidate headings over the pages kept, gathered as they pass.
#[derive(Debug, Default)]
pub(super) struct Sizes {
    /// Words per height class.
    words: FxHashMap<u32, u64>,
    /// Height classes of lines that read as numbered headings.
    numbered: FxHashSet<u32>,
    /// Height classes of lines that read as titles.
    titles: FxHashSet<u32>,
}

impl Sizes {
    /// Notes the lines of a page kept.
    pub(super) fn observe(&mut self, page: &Page) {
        for line in page.blocks.iter().flatten() {
            let Some(first) = line.words.first() else {
                continue;
            };
            let class = class(line.y_max - line.y_min);
            *self.words.entry(class).or_default() += line.words.len() as u64;
            let depth = number_depth(first);
            if depth.is_some_and(|d| d >= 2)
                && (line.words.len() == 1 || is_title(&line.words[1..]))
            {
                self.numbered.insert(class);
            } else if depth.is_none() && is_title(&line.words) {
                self.titles.insert(class);
            }
        }
    }

    /// The heights that decide, once every page was seen.
    pub(super) fn levels(&self) -> Levels {
        let body = self
            .words
            .iter()
            .max_by_key(|&(class, words)| (*words, *class))
            .map_or(0, |(&class, _)| class);
        let larger = (body as f32 * LARGER).ceil() as u32;
        let numbered_max = self.numbered.iter().copied().max();
        let floor = larger.max(numbered_max.map_or(0, |n| n + 1));
        let mut titles: Vec<u32> = self
            .titles
            .iter()
            .copied()
            .filter(|&c| c >= floor)
            .collect();
        titles.sort_unstable_by(|a, b| b.cmp(a));
        Levels {
            larger,
            floor,
            titles,
        }
    }
}

/// The heights that make headings of a document.
#[derive(Debug, Default)]
pub(super) struct Levels {
    /// The least height class of larger type.
    larger: u32,
    /// The least height class of a larger-type heading.
    floor: u32,
    /// Height classes of larger-type headings, tallest first: level 1, 2, ….
    titles: Vec<u32>,
}

impl Levels {
    /// The level of a larger-type heading of height class `class`.
    fn of_size(&self, class: u32) -> Option<usize> {
        (class >= self.floor && self.floor > 0).then(|| {
            let taller = self.titles.iter().filter(|&&c| c > class + 1).count();
            (taller + 1).min(6)
        })
    }
}

/// The headings of page `p`. `skip` says which lines are page furniture; `running` which are
/// lines of a running header or footer (furniture or not).
pub(super) fn find(
    page: &Page,
    p: u32,
    skip: &FxHashSet<LineAt>,
    running: &FxHashSet<LineAt>,
    levels: &Levels,
) -> Marks {
    // The page's lines in reading order, without furniture.
    let lines: Vec<(u32, u32)> = page
        .blocks
        .iter()
        .enumerate()
        .flat_map(|(b, block)| (0..block.len()).map(move |l| (b as u32, l as u32)))
        .filter(|&(b, l)| !skip.contains(&(p, b, l)))
        .filter(|&(b, l)| !page.blocks[b as usize][l as usize].words.is_empty())
        .collect();
    let mut finder = Finder {
        page,
        p,
        running,
        levels,
        lines,
        marks: Marks::default(),
    };
    let mut i = 0;
    while i < finder.lines.len() {
        i += 1 + finder.try_line(i);
    }
    finder.marks
}

/// One page's lines as the rules read them, and the marks found so far.
struct Finder<'a> {
    page: &'a Page,
    p: u32,
    running: &'a FxHashSet<LineAt>,
    levels: &'a Levels,
    lines: Vec<(u32, u32)>,
    marks: Marks,
}

impl Finder<'_> {
    fn line(&self, (b, l): (u32, u32)) -> &Line {
        &self.page.blocks[b as usize][l as usize]
    }

    fn height(&self, at: (u32, u32)) -> u32 {
        let line = self.line(at);
        class(line.y_max - line.y_min)
    }

    /// A running header or footer. One of a single page (the section's title in capitals over
    /// its pages, each page different) reads as a numbered heading: in the page's bands,
    /// capitals in body text size are none.
    fn is_running(&self, at: (u32, u32)) -> bool {
        let page = self.page.height;
        let band = page * MARGIN_BAND;
        let line = self.line(at);
        let in_band = line.y_max <= band || (page > 0.0 && line.y_min >= page - band);
        self.running.contains(&(self.p, at.0, at.1))
            || (in_band && self.height(at) < self.levels.larger && in_capitals(&line.words))
    }

    /// Whether the `i`th line begins where a paragraph can: first in its block, or after a
    /// line that ends a sentence.
    fn begins(&self, i: usize) -> bool {
        i == 0 || self.lines[i - 1].0 != self.lines[i].0 || {
            let before = &self.line(self.lines[i - 1]).words;
            before
                .last()
                .is_some_and(|w| w.ends_with(['.', '!', '?', ':']))
        }
    }

    /// Marks the `i`th line when it begins a heading; the number of the lines after it that
    /// the heading took.
    fn try_line(&mut self, i: usize) -> usize {
        let at = self.lines[i];
        if self.marks.contains_key(&at) || self.is_running(at) {
            return 0;
        }
        let words = &self.line(at).words;
        let large = self.height(at) >= self.levels.larger && self.levels.larger > 0;
        // A line of body text is a heading only where a paragraph can begin.
        let numbered = number_depth(&words[0]).filter(|&d| (d >= 2 && self.begins(i)) || large);
        match numbered {
            Some(depth) if words.len() > 1 => {
                if is_title(&words[1..]) {
                    self.marks.insert(at, heading(depth, Vec::new()));
                }
                0
            }
            Some(depth) => {
                self.number_alone(i, depth);
                0
            }
            None => self.larger(i),
        }
    }

    /// The `i`th line is a section number on its own: the title is the next line that is no
    /// running header, about as tall.
    fn number_alone(&mut self, i: usize, depth: usize) {
        let at = self.lines[i];
        let next = self.lines[i + 1..]
            .iter()
            .copied()
            .find(|&at| !self.is_running(at));
        if let Some(title) = next.filter(|&t| {
            is_title(&self.line(t).words)
                && !self.marks.contains_key(&t)
                && self.height(t).abs_diff(self.height(at)) * 5 <= self.height(at)
        }) {
            self.marks.insert(title, Mark::Taken);
            self.marks.insert(at, heading(depth, vec![title]));
        }
    }

    /// The `i`th line as a larger-type heading, with the lines of the same height that follow
    /// in its block; the number of those lines.
    fn larger(&mut self, i: usize) -> usize {
        let at = self.lines[i];
        let words = &self.line(at).words;
        let Some(level) = self
            .levels
            .of_size(self.height(at))
            .filter(|_| is_title(words))
        else {
            return 0;
        };
        let mut with = Vec::new();
        let mut count = words.len();
        for &more in &self.lines[i + 1..] {
            if more.0 != at.0 || self.height(more) != self.height(at) || with.len() + 1 >= MAX_LINES
            {
                break;
            }
            count += self.line(more).words.len();
            with.push(more);
        }
        if count > MAX_WORDS {
            return 0;
        }
        for &more in &with {
            self.marks.insert(more, Mark::Taken);
        }
        let taken = with.len();
        self.marks.insert(at, heading(level, with));
        taken
    }
}

/// Text that would read as heading marks (a shell prompt, `# cp debian.iso /dev/sdX`) keeps its
/// look with full-width number signs, which are no marks and no words either.
pub(super) fn unmark(paragraph: &mut String) {
    if crate::text::heading(paragraph).is_some() {
        let marks = paragraph.bytes().take_while(|&b| b == b'#').count();
        paragraph.replace_range(..marks, &"\u{ff03}".repeat(marks));
    }
}

/// Words all in capitals (at least four letters): `BRUG AF DEBIAN`.
fn in_capitals(words: &[String]) -> bool {
    let mut letters = words
        .iter()
        .flat_map(|w| w.chars())
        .filter(|c| c.is_alphabetic());
    let all = letters.clone().all(char::is_uppercase);
    all && letters.nth(3).is_some()
}

fn heading(level: usize, with: Vec<(u32, u32)>) -> Mark {
    Mark::Heading {
        level: level.clamp(1, 6),
        with,
    }
}

#[cfg(test)]
mod tests;
