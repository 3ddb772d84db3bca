//! The pages of a PDF as poppler's output streams in, and the text made of them at the end.
//!
//! A page arrives whole from the parser ([`super::parse`]) and is kept compactly
//! ([`super::compact`]: its words in one string); what the rules need over all pages is gathered as it passes: the lines in the top
//! and bottom bands of every page (running headers, footers, page numbers), and the words written
//! in running text (for the hyphen rules). At the end ([`Document::finish`]) the furniture is
//! decided over all pages, and each kept page becomes text: blocks are paragraphs, pages are
//! separated by [`PAGE_BREAK`]. Pages are kept until their body text passes what the index takes
//! of a document ([`MAX_TEXT_BYTES`], with a margin); later pages are only counted, so a
//! 24,000-page report costs its first 36 MB of text, not all of it.

use rustc_hash::{FxHashMap, FxHashSet};

use super::compact::Compact;
use super::headings::{self, Mark, Marks, Sizes};
use super::text::{append_line, first_heading, is_contents_page, is_page_number, is_real_title};
use crate::date::Date;
use crate::extract::{heading_marks, Extracted, MAX_TEXT_BYTES, PAGE_BREAK};

/// A line of words as poppler laid it out.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Line {
    pub words: Vec<String>,
    pub y_min: f32,
    pub y_max: f32,
    /// Right edge of the last word, to tell a word poppler split (a kerned logo, `L` `A` `TEX`;
    /// small capitals, `URL` `s`) from the next word.
    pub last_x_max: f32,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Page {
    pub height: f32,
    /// Blocks in reading order, each a run of lines.
    pub blocks: Vec<Vec<Line>>,
}

/// Share of the page height at its top and bottom where running headers and footers live.
pub(super) const MARGIN_BAND: f32 = 0.12;

/// Where a line is: `(page, block, line)` indexes.
pub(super) type LineAt = (u32, u32, u32);

/// A line that appears in a page's top or bottom band: where, on kept pages, and on how many
/// pages in all.
#[derive(Default)]
struct Band {
    places: Vec<LineAt>,
    pages: u32,
    /// The last page counted, plus one (0: none yet).
    last: u32,
}

/// A PDF gathered page by page.
pub(super) struct Document {
    /// The document information's title, as poppler decoded it.
    pub title: String,
    pub meta: Vec<(String, String)>,
    head_read: bool,
    pages: u32,
    kept: Vec<Compact>,
    /// Bytes of text of the kept pages outside the bands, and in all.
    body_bytes: usize,
    kept_bytes: usize,
    /// Bytes of text outside the bands of the pages not kept.
    left_bytes: usize,
    /// Pages are kept while `body_bytes` is at most this.
    budget: usize,
    /// Pages in the document, read or not.
    total: u32,
    /// Band lines by (top band?, key).
    bands: FxHashMap<(bool, String), Band>,
    page_numbers: FxHashSet<LineAt>,
    vocabulary: FxHashSet<String>,
    /// Line heights and heading candidates of the kept pages ([`headings`]).
    sizes: Sizes,
}

impl Default for Document {
    fn default() -> Document {
        // A margin over the cap: joined hyphens and normalised characters make the text a
        // little shorter than its words.
        Document::with_budget(MAX_TEXT_BYTES + MAX_TEXT_BYTES / 8)
    }
}

impl Document {
    pub(super) fn with_budget(budget: usize) -> Document {
        Document {
            title: String::new(),
            meta: Vec::new(),
            head_read: false,
            pages: 0,
            kept: Vec::new(),
            body_bytes: 0,
            kept_bytes: 0,
            left_bytes: 0,
            budget,
            total: 0,
            bands: FxHashMap::default(),
            page_numbers: FxHashSet::default(),
            vocabulary: FxHashSet::default(),
            sizes: Sizes::default(),
        }
    }

    /// Pages added so far.
    pub(super) fn pages(&self) -> u32 {
        self.pages
    }

    /// Whether the kept pages hold all the text the index takes: later pages would only be
    /// counted. Pages whose text is mostly in their margins are bounded too.
    pub(super) fn is_full(&self) -> bool {
        self.body_bytes > self.budget || self.kept_bytes > 4 * self.budget
    }

    /// The document's page count, when pages after those added are not read at all.
    pub(super) fn set_total(&mut self, pages: u32) {
        self.total = self.total.max(pages);
    }

    /// The document's title and metadata, from the first run's output only (every run prints
    /// them).
    pub(super) fn head(&mut self, title: String, meta: Vec<(String, String)>) {
        if !self.head_read {
            self.head_read = true;
            self.title = title;
            self.meta = meta;
        }
    }

    /// The next page of the document.
    pub(super) fn add_page(&mut self, page: Page) {
        let p = self.pages;
        self.pages += 1;
        let keep = !self.is_full();
        let band = page.height * MARGIN_BAND;
        let (mut body, mut all) = (0, 0);
        for (b, block) in page.blocks.iter().enumerate() {
            for (l, line) in block.iter().enumerate() {
                let bytes: usize = line.words.iter().map(|w| w.len() + 1).sum();
                all += bytes;
                let top = line.y_max <= band;
                let bottom = page.height > 0.0 && line.y_min >= page.height - band;
                if !(top || bottom) {
                    body += bytes;
                    continue;
                }
                let at = (p, b as u32, l as u32);
                let key = furniture_key(line);
                if is_page_number(&key) {
                    if keep {
                        self.page_numbers.insert(at);
                    }
                } else if keep {
                    let band = self.bands.entry((top, key)).or_default();
                    band.places.push(at);
                    band.count(p);
                } else if let Some(band) = self.bands.get_mut(&(top, key)) {
                    // A page not kept adds no new lines, but counts for the ones known.
                    band.count(p);
                }
            }
        }
        if keep {
            add_vocabulary(&mut self.vocabulary, &page);
            self.sizes.observe(&page);
            self.kept.push(Compact::new(page));
            self.body_bytes += body;
            self.kept_bytes += all;
        } else {
            self.left_bytes += body;
        }
    }

    /// The lines of the kept pages that are page furniture: page numbers, and lines that repeat
    /// in the same band on at least two pages and on 40 % of them (alternating left and right
    /// headers each cover half).
    fn furniture(&mut self) -> FxHashSet<LineAt> {
        let mut found = std::mem::take(&mut self.page_numbers);
        if self.pages < 2 {
            return FxHashSet::default();
        }
        for band in self.bands.values() {
            if band.pages >= 2 && band.pages as u64 * 10 >= self.pages as u64 * 4 {
                found.extend(band.places.iter().copied());
            }
        }
        found
    }

    /// Lines of the kept pages in a band that repeat on another page: running headers and
    /// footers, also those of one section (too few pages to be left out as furniture). Lines
    /// with digits are left to the heading rules: their key has every digit as `#`, so one
    /// section's number at the top of a page (`3.4`) would repeat another's.
    fn running(&self) -> FxHashSet<LineAt> {
        self.bands
            .iter()
            .filter(|((_, key), band)| band.pages >= 2 && !key.contains('#'))
            .flat_map(|(_, band)| band.places.iter().copied())
            .collect()
    }

    /// The document: pages of paragraphs without page furniture, headings marked
    /// ([`headings`]) except on contents pages; title, author and date from the metadata. `cut_from` is set (to an estimate) when pages were left out; pages not
    /// read at all count as the average page read.
    pub(super) fn finish(mut self) -> Extracted {
        let furniture = self.furniture();
        let running = self.running();
        let levels = self.sizes.levels();
        let vocabulary = std::mem::take(&mut self.vocabulary);
        let known = |w: &str| vocabulary.contains(w);
        let kept = std::mem::take(&mut self.kept);
        let total = self.total.max(self.pages);
        let all_kept = kept.len() == total as usize;
        let mut text = String::new();
        let mut contents_pages = Vec::new();
        let mut blank_pages = Vec::new();
        let mut heading = None;
        for (p, compact) in kept.into_iter().enumerate() {
            let page = compact.expand();
            if p > 0 {
                text.push_str(PAGE_BREAK);
            }
            let marks = if is_contents_page(&page, p as u32, &furniture) {
                contents_pages.push(p as u32 + 1);
                Marks::default()
            } else {
                headings::find(&page, p as u32, &furniture, &running, &levels)
            };
            page_text(&mut text, &page, p as u32, (&furniture, &marks), &known);
            let has_words = page.blocks.iter().flatten().any(|l| !l.words.is_empty());
            if !has_words {
                blank_pages.push(p as u32 + 1);
            } else if heading.is_none() {
                heading = Some(first_heading(&page, p as u32, &furniture));
            }
        }
        let meta = |name: &str| {
            self.meta
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let title = Some(self.title.trim())
            .filter(|t| is_real_title(t))
            .map(str::to_string)
            .or(heading.flatten())
            .unwrap_or_default();
        Extracted {
            title,
            cut_from: (!all_kept).then(|| {
                let read = (text.len() + self.left_bytes) as u64;
                (read * total as u64 / self.pages.max(1) as u64) as usize
            }),
            text,
            contents_pages,
            blank_pages,
            author: meta("Author"),
            date: meta("CreationDate")
                .or_else(|| meta("ModDate"))
                .and_then(|d| Date::parse(&d)),
            pages: total,
            ..Extracted::default()
        }
    }
}

impl Band {
    fn count(&mut self, page: u32) {
        if self.last != page + 1 {
            self.pages += 1;
            self.last = page + 1;
        }
    }
}

/// A line's text for comparing it across pages: lowercase, digits as `#`, single spaces.
fn furniture_key(line: &Line) -> String {
    let mut key = String::new();
    for word in &line.words {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            key.push(if c.is_ascii_digit() { '#' } else { c });
        }
    }
    key
}

/// Every word of a page as written in running text (lowercase, outer punctuation off): what the
/// hyphen rules ask about.
fn add_vocabulary(words: &mut FxHashSet<String>, page: &Page) {
    for line in page.blocks.iter().flatten() {
        // The last word of a line may be a broken one.
        let n = line.words.len().saturating_sub(1);
        for w in &line.words[..n] {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if !w.is_empty() && !words.contains(w) {
                words.insert(w.to_lowercase());
            }
        }
    }
}

/// Appends page `p`'s paragraphs, without its furniture, to `text`; a heading line (`marks`)
/// is a paragraph of its own, with its marks and the lines that go on with it.
fn page_text(
    text: &mut String,
    page: &Page,
    p: u32,
    (furniture, marks): (&FxHashSet<LineAt>, &Marks),
    known: &dyn Fn(&str) -> bool,
) {
    let mut paragraph = String::new();
    let mut first_on_page = true;
    let mut emit = |text: &mut String, paragraph: &mut String| {
        if paragraph.is_empty() {
            return;
        }
        if !first_on_page {
            text.push_str("\n\n");
        }
        first_on_page = false;
        text.push_str(paragraph);
        paragraph.clear();
    };
    for (b, block) in page.blocks.iter().enumerate() {
        for (l, line) in block.iter().enumerate() {
            if furniture.contains(&(p, b as u32, l as u32)) {
                continue;
            }
            match marks.get(&(b as u32, l as u32)) {
                None => append_line(&mut paragraph, &line.words, known),
                Some(Mark::Taken) => {}
                Some(Mark::Heading { level, with }) => {
                    headings::unmark(&mut paragraph);
                    emit(text, &mut paragraph);
                    let mut heading = String::new();
                    append_line(&mut heading, &line.words, known);
                    for &(b, l) in with {
                        append_line(
                            &mut heading,
                            &page.blocks[b as usize][l as usize].words,
                            known,
                        );
                    }
                    let mut heading = format!("{}{heading}", heading_marks(*level));
                    emit(text, &mut heading);
                }
            }
        }
        // A block that ends in a broken word goes on in the next block (a column break).
        let ends_broken = paragraph
            .rsplit(' ')
            .next()
            .is_some_and(|w| w.ends_with(['-', '\u{ad}']));
        if !ends_broken {
            headings::unmark(&mut paragraph);
            emit(text, &mut paragraph);
        }
    }
    headings::unmark(&mut paragraph);
    emit(text, &mut paragraph);
}

#[cfg(test)]
mod tests;
