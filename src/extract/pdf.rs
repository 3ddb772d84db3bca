//! PDF: text per page in reading order, from poppler's `pdftotext -bbox-layout` run as a limited
//! child process ([`super::tool`]).
//!
//! poppler finds the reading order (columns as flows, paragraphs as blocks) and gives every word
//! with its box; this module makes text of it. Lines of a block are joined with the Danish rules
//! for a hyphen at a line end ([`join_rule`]); running headers, footers and page numbers — lines
//! at the top or bottom of a page that repeat on many pages — are left out; blocks become
//! paragraphs and pages are separated by a form feed ([`super::PAGE_BREAK`]). Title, author and
//! date come from the document information poppler prints, else from the XMP packet (`pdfinfo
//! -meta`, asked only when there is no title); the title falls back to the tallest line opening
//! the first page. `/Lang` is read from the catalog when it is stored uncompressed.

use std::sync::OnceLock;

use quick_xml::events::{BytesStart, Event};
use rustc_hash::{FxHashMap, FxHashSet};

use super::tool::{self, RunError};
use super::xml;
use super::{Extracted, Refusal};
use crate::lang::Lang;

const PDFTOTEXT: &str = "pdftotext";

/// Whether `pdftotext` can be run here; asked once per process.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| tool::installed(PDFTOTEXT))
}

/// A line of words as poppler laid it out.
#[derive(Debug, Default)]
struct Line {
    words: Vec<String>,
    y_min: f32,
    y_max: f32,
    /// Right edge of the last word, to tell a word poppler split (a kerned logo, `L` `A` `TEX`;
    /// small capitals, `URL` `s`) from the next word.
    last_x_max: f32,
}

/// A gap between two word boxes narrower than this share of the word's height is no space.
const NO_SPACE_GAP: f32 = 0.08;

#[derive(Debug, Default)]
struct Page {
    height: f32,
    /// Blocks in reading order, each a run of lines.
    blocks: Vec<Vec<Line>>,
}

/// What `pdftotext -bbox-layout` printed.
#[derive(Debug, Default)]
struct Layout {
    title: String,
    meta: Vec<(String, String)>,
    pages: Vec<Page>,
}

pub fn extract(bytes: &[u8]) -> Result<Extracted, Refusal> {
    if !available() {
        return Err(Refusal::ToolMissing(PDFTOTEXT));
    }
    let out = tool::run(
        PDFTOTEXT,
        &["-bbox-layout", "-enc", "UTF-8", "-", "-"],
        bytes,
        tool::EXTRACTION,
    )
    .map_err(|e| match e {
        RunError::Failed { stderr, .. } if stderr.to_lowercase().contains("password") => {
            Refusal::NeedsPassword
        }
        RunError::Failed { stderr, .. } if !stderr.is_empty() => {
            Refusal::Damaged(format!("not a readable PDF ({stderr})"))
        }
        RunError::Failed { .. } => Refusal::Damaged("not a readable PDF".to_string()),
        RunError::Missing(tool) => Refusal::Damaged(format!("{tool} is not installed")),
        RunError::TimedOut(limit) => Refusal::TookTooLong(limit.as_secs()),
        other => Refusal::Damaged(format!("pdftotext {other}")),
    })?;
    let layout = parse(&out.stdout).map_err(Refusal::Damaged)?;
    let mut doc = assemble(&layout);
    if doc.text.trim().is_empty() {
        return Err(Refusal::NoTextLayer);
    }
    doc.lang = catalog_language(bytes);
    // Producers that write only XMP (PDF 2.0 deprecates the document information).
    if !is_real_title(layout.title.trim()) {
        let xmp = xmp_metadata(bytes);
        doc.date = doc.date.or_else(|| xmp.date());
        doc.lang = doc.lang.or_else(|| xmp.lang());
        if let Some(title) = xmp.title.filter(|t| is_real_title(t)) {
            doc.title = title;
        }
        doc.author = doc.author.or(xmp.author);
    }
    Ok(doc)
}

/// The XMP packet's metadata, as `pdfinfo -meta` prints it (empty when there is none).
fn xmp_metadata(bytes: &[u8]) -> xml::Meta {
    let limits = tool::Limits {
        wall: std::time::Duration::from_secs(20),
        output: 16 << 20,
        ..tool::EXTRACTION
    };
    match tool::run("pdfinfo", &["-meta", "-"], bytes, limits) {
        Ok(out) => xml::dublin_core(&out.stdout),
        Err(_) => xml::Meta::default(),
    }
}

fn attr_f32(e: &BytesStart, name: &str) -> f32 {
    xml::attr(e, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Reads poppler's XHTML: `<title>`, `<meta>`, and `page > flow > block > line > word`.
fn parse(xhtml: &[u8]) -> Result<Layout, String> {
    let mut reader = quick_xml::Reader::from_reader(xhtml);
    let mut layout = Layout::default();
    let mut buf = Vec::new();
    let mut in_title = false;
    let mut in_word = false;
    let mut word = String::new();
    let mut word_box = (0.0f32, 0.0f32, 0.0f32);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("unreadable pdftotext output: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "title" => in_title = true,
                "meta" => {
                    if let (Some(name), Some(content)) =
                        (xml::attr(&e, "name"), xml::attr(&e, "content"))
                    {
                        layout.meta.push((name, content));
                    }
                }
                "page" => layout.pages.push(Page {
                    height: attr_f32(&e, "height"),
                    blocks: Vec::new(),
                }),
                "block" => {
                    if let Some(page) = layout.pages.last_mut() {
                        page.blocks.push(Vec::new());
                    }
                }
                "line" => {
                    if let Some(block) = layout.pages.last_mut().and_then(|p| p.blocks.last_mut()) {
                        block.push(Line {
                            words: Vec::new(),
                            y_min: attr_f32(&e, "yMin"),
                            y_max: attr_f32(&e, "yMax"),
                            last_x_max: f32::NEG_INFINITY,
                        });
                    }
                }
                "word" => {
                    in_word = true;
                    word.clear();
                    word_box = (
                        attr_f32(&e, "xMin"),
                        attr_f32(&e, "xMax"),
                        attr_f32(&e, "yMax") - attr_f32(&e, "yMin"),
                    );
                }
                _ => {}
            },
            Event::Text(t) => {
                if in_word {
                    word.push_str(&xml::text(&t));
                } else if in_title {
                    layout.title.push_str(&xml::text(&t));
                }
            }
            Event::GeneralRef(r) => {
                let text = xml::reference(&r).unwrap_or_default();
                if in_word {
                    word.push_str(&text);
                } else if in_title {
                    layout.title.push_str(&text);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "title" => in_title = false,
                "word" => {
                    in_word = false;
                    if let Some(line) = layout
                        .pages
                        .last_mut()
                        .and_then(|p| p.blocks.last_mut())
                        .and_then(|b| b.last_mut())
                    {
                        let (x_min, x_max, height) = word_box;
                        let gap = x_min - line.last_x_max;
                        // Letters only: a footnote mark (`7`) touching the next word is no part
                        // of it.
                        let letters = line
                            .words
                            .last()
                            .and_then(|w| w.chars().last())
                            .is_some_and(char::is_alphabetic)
                            && word.chars().next().is_some_and(char::is_alphabetic);
                        let joined = letters && gap < NO_SPACE_GAP * height && gap > -height;
                        match line.words.last_mut() {
                            _ if word.trim().is_empty() => {}
                            Some(last) if joined => last.push_str(&word),
                            _ => line.words.push(std::mem::take(&mut word)),
                        }
                        line.last_x_max = x_max;
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(layout)
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

/// A page number on its own: `12`, `- 12 -`, `iv`, `side 3`, `page 3 of 40`, `3/40`.
fn is_page_number(key: &str) -> bool {
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

/// Share of the page height at its top and bottom where running headers and footers live.
const MARGIN_BAND: f32 = 0.12;

/// Where a line is: `(page, block, line)` indexes.
type LineAt = (usize, usize, usize);

/// The lines of every page that are page furniture.
fn furniture(pages: &[Page]) -> FxHashSet<LineAt> {
    let mut found = FxHashSet::default();
    if pages.len() < 2 {
        return found;
    }
    // (top band?, key) → where it appears.
    let mut seen: FxHashMap<(bool, String), Vec<LineAt>> = FxHashMap::default();
    for (p, page) in pages.iter().enumerate() {
        let band = page.height * MARGIN_BAND;
        for (b, block) in page.blocks.iter().enumerate() {
            for (l, line) in block.iter().enumerate() {
                let top = line.y_max <= band;
                let bottom = page.height > 0.0 && line.y_min >= page.height - band;
                if !(top || bottom) {
                    continue;
                }
                let key = furniture_key(line);
                if is_page_number(&key) {
                    found.insert((p, b, l));
                } else {
                    seen.entry((top, key)).or_default().push((p, b, l));
                }
            }
        }
    }
    for places in seen.into_values() {
        let mut on_pages: Vec<usize> = places.iter().map(|&(p, _, _)| p).collect();
        on_pages.dedup();
        // Repeats on at least two pages and on 40 % of them (alternating left and right
        // headers each cover half).
        if on_pages.len() >= 2 && on_pages.len() * 10 >= pages.len() * 4 {
            found.extend(places);
        }
    }
    found
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

/// Every word of the layout as written in running text (lowercase, outer punctuation off): what
/// [`join_rule`] asks about.
fn vocabulary(pages: &[Page]) -> FxHashSet<String> {
    let mut words = FxHashSet::default();
    for page in pages {
        for block in &page.blocks {
            for line in block {
                // The last word of a line may be a broken one.
                let n = line.words.len().saturating_sub(1);
                for w in &line.words[..n] {
                    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                    if !w.is_empty() {
                        words.insert(w.to_lowercase());
                    }
                }
            }
        }
    }
    words
}

/// Appends a line's words to a paragraph, joining a hyphen at the end of the paragraph so far
/// by [`join_rule`].
fn append_line(paragraph: &mut String, words: &[String], known: &dyn Fn(&str) -> bool) {
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

/// Pages of paragraphs, without page furniture; title, author, date from the metadata.
fn assemble(layout: &Layout) -> Extracted {
    let furniture = furniture(&layout.pages);
    let vocabulary = vocabulary(&layout.pages);
    let known = |w: &str| vocabulary.contains(w);
    let mut text = String::new();
    for (p, page) in layout.pages.iter().enumerate() {
        if p > 0 {
            text.push_str(super::PAGE_BREAK);
        }
        let mut paragraph = String::new();
        let mut first_on_page = true;
        for (b, block) in page.blocks.iter().enumerate() {
            for (l, line) in block.iter().enumerate() {
                if !furniture.contains(&(p, b, l)) {
                    append_line(&mut paragraph, &line.words, &known);
                }
            }
            // A block that ends in a broken word goes on in the next block (a column break).
            let ends_broken = paragraph
                .rsplit(' ')
                .next()
                .is_some_and(|w| w.ends_with(['-', '\u{ad}']));
            if ends_broken || paragraph.is_empty() {
                continue;
            }
            if !first_on_page {
                text.push_str("\n\n");
            }
            first_on_page = false;
            text.push_str(&paragraph);
            paragraph.clear();
        }
        if !paragraph.is_empty() {
            if !first_on_page {
                text.push_str("\n\n");
            }
            text.push_str(&paragraph);
        }
    }
    let meta = |name: &str| {
        layout
            .meta
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let title = Some(layout.title.trim())
        .filter(|t| is_real_title(t))
        .map(str::to_string)
        .or_else(|| first_heading(layout, &furniture))
        .unwrap_or_default();
    let contents_pages = (0..layout.pages.len())
        .filter(|&p| is_contents_page(layout, p, &furniture))
        .map(|p| p as u32 + 1)
        .collect();
    Extracted {
        title,
        text,
        contents_pages,
        author: meta("Author"),
        date: meta("CreationDate")
            .or_else(|| meta("ModDate"))
            .and_then(|d| super::iso_date(&d)),
        pages: layout.pages.len() as u32,
        ..Extracted::default()
    }
}

/// The lines of page `p` that have words and are not page furniture, with their block's index.
fn body_lines<'a>(
    page: &'a Page,
    p: usize,
    furniture: &'a FxHashSet<LineAt>,
) -> impl Iterator<Item = (usize, &'a Line)> + 'a {
    page.blocks.iter().enumerate().flat_map(move |(b, block)| {
        block
            .iter()
            .enumerate()
            .filter(move |&(l, line)| !line.words.is_empty() && !furniture.contains(&(p, b, l)))
            .map(move |(_, line)| (b, line))
    })
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

/// Whether page `p` is a table of contents: it opens with a contents heading, or most of its
/// lines end in a page number (`Affaldssortering ........ 13`).
fn is_contents_page(layout: &Layout, p: usize, furniture: &FxHashSet<LineAt>) -> bool {
    let Some(page) = layout.pages.get(p) else {
        return false;
    };
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

/// A metadata title worth showing: not empty, not a file name or a producer's placeholder.
fn is_real_title(title: &str) -> bool {
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

/// The tallest lines among the first lines of the first page with text, when taller than the
/// page's usual line.
fn first_heading(layout: &Layout, furniture: &FxHashSet<LineAt>) -> Option<String> {
    let (p, page) = layout
        .pages
        .iter()
        .enumerate()
        .find(|(_, p)| p.blocks.iter().flatten().any(|l| !l.words.is_empty()))?;
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

/// The document language the catalog declares (`/Lang (da-DK)`), when the catalog is stored as
/// plain text in the file (not inside a compressed object stream).
fn catalog_language(bytes: &[u8]) -> Option<Lang> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let catalog = find(bytes, b"/Type/Catalog").or_else(|| find(bytes, b"/Type /Catalog"))?;
    let start = bytes[..catalog]
        .windows(3)
        .rposition(|w| w == b"obj")
        .unwrap_or(0);
    let end = catalog + find(&bytes[catalog..], b"endobj").unwrap_or(bytes.len() - catalog);
    let object = &bytes[start..end];
    let at = find(object, b"/Lang")? + 5;
    let value = object[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .skip(1) // `(`
        .take_while(|b| b.is_ascii_alphabetic())
        .take(2)
        .map(|b| b.to_ascii_lowercase() as char)
        .collect::<String>();
    value.parse().ok()
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

    fn line(words: &str, y: f32) -> Line {
        Line {
            words: words.split(' ').map(str::to_string).collect(),
            y_min: y,
            y_max: y + 10.0,
            last_x_max: 0.0,
        }
    }

    fn page(lines: Vec<Line>) -> Page {
        Page {
            height: 800.0,
            blocks: lines.into_iter().map(|l| vec![l]).collect(),
        }
    }

    #[test]
    fn running_headers_and_page_numbers_are_left_out() {
        let pages: Vec<Page> = (1..=4)
            .map(|n| {
                page(vec![
                    line("Samarbejdsrapport 2024", 20.0),
                    line(&format!("Tekst på side {n} om foreninger."), 300.0),
                    line(&format!("Side {n} af 4"), 770.0),
                ])
            })
            .collect();
        let layout = Layout {
            pages,
            ..Layout::default()
        };
        let doc = assemble(&layout);
        assert_eq!(doc.pages, 4);
        let pages: Vec<&str> = doc.text.split(super::super::PAGE_BREAK).collect();
        assert_eq!(pages.len(), 4);
        assert_eq!(pages[2], "Tekst på side 3 om foreninger.");
    }

    #[test]
    fn a_word_broken_across_lines_of_a_block_is_joined() {
        let layout = Layout {
            pages: vec![Page {
                height: 800.0,
                blocks: vec![vec![
                    line("møde med civilsamfunds-", 300.0),
                    line("organisationerne i EU-", 312.0),
                    line("landene og børne-", 324.0),
                    line("og ungeområdet", 336.0),
                ]],
            }],
            ..Layout::default()
        };
        assert_eq!(
            assemble(&layout).text,
            "møde med civilsamfundsorganisationerne i EU-landene og børne- og ungeområdet"
        );
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
    fn catalog_language_and_dates() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/Lang(da-DK)>>\nendobj\n";
        assert_eq!(catalog_language(pdf), Some(Lang::Da));
        let pdf = b"%PDF-1.7\n1 0 obj\n<</Type /Catalog /Lang (en-GB)>>\nendobj\n";
        assert_eq!(catalog_language(pdf), Some(Lang::En));
        assert_eq!(catalog_language(b"%PDF-1.7\n"), None);
        assert_eq!(
            super::super::iso_date("2019-07-01T10:00:00+02:00").as_deref(),
            Some("2019-07-01")
        );
        assert_eq!(super::super::iso_date("D:2019"), None);
    }

    #[test]
    fn words_poppler_split_without_a_gap_are_one() {
        let xhtml = br#"<html><head><title>T</title></head><body><doc><page width="600" height="800"><flow><block>
<line xMin="10" yMin="100" xMax="200" yMax="110">
<word xMin="10" yMin="100" xMax="16" yMax="110">L</word>
<word xMin="14" yMin="98" xMax="19" yMax="106">A</word>
<word xMin="18.9" yMin="100" xMax="34" yMax="110">TEX</word>
<word xMin="37" yMin="100" xMax="60" yMax="110">og</word>
<word xMin="63" yMin="100" xMax="80" yMax="110">URL</word>
<word xMin="80.2" yMin="100" xMax="84" yMax="110">s</word>
<word xMin="87" yMin="98" xMax="90" yMax="104">7</word>
<word xMin="90.1" yMin="100" xMax="110" yMax="110">Fixed</word>
</line></block></flow></page></doc></body></html>"#;
        let layout = parse(xhtml).expect("parse");
        assert_eq!(assemble(&layout).text, "LATEX og URLs 7 Fixed");
    }

    #[test]
    fn contents_pages_are_recognised() {
        let layout = Layout {
            pages: vec![
                page(vec![
                    line("Indholdsfortegnelse", 100.0),
                    line("1. Forord", 120.0),
                ]),
                page(
                    (0..8)
                        .map(|i| {
                            line(
                                &format!("Kapitel {i} ........ {}", 3 + i),
                                100.0 + 14.0 * i as f32,
                            )
                        })
                        .collect(),
                ),
                page(vec![line(
                    "Indhold og form er vigtige for borgerne.",
                    100.0,
                )]),
            ],
            ..Layout::default()
        };
        assert_eq!(assemble(&layout).contents_pages, [1, 2]);
    }

    #[test]
    fn placeholder_titles_are_not_titles() {
        assert!(is_real_title("Samarbejde med civilsamfundet"));
        assert!(!is_real_title("Microsoft Word - rapport.docx"));
        assert!(!is_real_title("rapport_endelig.indd"));
        assert!(!is_real_title(""));
    }
}
