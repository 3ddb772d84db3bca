//! poppler's `pdftotext -bbox-layout` XHTML, read as it streams: the `<title>` and `<meta>` of
//! the head, then `page > flow > block > line > word`. Each page is handed to the [`Document`]
//! as soon as it closes, so no more than one page is ever held as words, however long the
//! output.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use super::pages::{Document, Line, Page};
use crate::extract::xml;

/// A gap between two word boxes narrower than this share of the word's height is no space.
const NO_SPACE_GAP: f32 = 0.08;

/// Most text kept of one page: a hostile page that writes more has the rest left out, so one
/// page cannot fill the memory (a dense real page has some 20 KB).
pub(super) const MAX_PAGE_BYTES: usize = 1 << 20;

/// A box's `xMin`, `yMin`, `xMax` and `yMax` (0 where missing), read in one pass over the
/// attributes: there are four for every word of the output.
fn bounds(e: &BytesStart) -> [f32; 4] {
    let mut found = [0.0; 4];
    for attribute in e.attributes().flatten() {
        let slot = match attribute.key.local_name().as_ref() {
            "xMin" => 0,
            "yMin" => 1,
            "xMax" => 2,
            "yMax" => 3,
            _ => continue,
        };
        // Numbers need no unescaping.
        if let Ok(value) = attribute.value.parse() {
            found[slot] = value;
        }
    }
    found
}

fn attr_f32(e: &BytesStart, name: &str) -> f32 {
    xml::attr(e, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// The page being read, and the word being read on it.
#[derive(Default)]
struct Reading {
    page: Option<Page>,
    /// Bytes of words kept on the page so far.
    bytes: usize,
    in_word: bool,
    word: String,
    /// `xMin`, `xMax` and height of the word's box.
    word_box: (f32, f32, f32),
}

impl Reading {
    /// Adds the word just read to the page's last line: joined to the word before when poppler
    /// split one word in two (no gap between them), else as a word of its own.
    fn end_word(&mut self) {
        self.in_word = false;
        let mut word = std::mem::take(&mut self.word);
        // poppler writes no white space in a word; a form feed or line break there (a hostile
        // PDF's text) would read as a page break (`text::page_at` counts form feeds) or a
        // paragraph break, so it separates words as a space does.
        if word.contains(char::is_whitespace) {
            word = word.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        if word.is_empty() || self.bytes + word.len() > MAX_PAGE_BYTES {
            return;
        }
        let Some(line) = self
            .page
            .as_mut()
            .and_then(|p| p.blocks.last_mut())
            .and_then(|b| b.last_mut())
        else {
            return;
        };
        self.bytes += word.len();
        let (x_min, x_max, height) = self.word_box;
        let gap = x_min - line.last_x_max;
        // Letters only: a footnote mark (`7`) touching the next word is no part of it.
        let letters = line
            .words
            .last()
            .and_then(|w| w.chars().last())
            .is_some_and(char::is_alphabetic)
            && word.chars().next().is_some_and(char::is_alphabetic);
        let joined = letters && gap < NO_SPACE_GAP * height && gap > -height;
        match line.words.last_mut() {
            Some(last) if joined => last.push_str(&word),
            _ => line.words.push(word),
        }
        line.last_x_max = x_max;
    }

    fn start(&mut self, e: &BytesStart) {
        match e.local_name().as_ref() {
            "block" => {
                if let Some(page) = self.page.as_mut() {
                    page.blocks.push(Vec::new());
                }
            }
            "line" => {
                if let Some(block) = self.page.as_mut().and_then(|p| p.blocks.last_mut()) {
                    let [_, y_min, _, y_max] = bounds(e);
                    block.push(Line {
                        words: Vec::new(),
                        y_min,
                        y_max,
                        last_x_max: f32::NEG_INFINITY,
                    });
                }
            }
            "word" => {
                self.in_word = true;
                self.word.clear();
                let [x_min, y_min, x_max, y_max] = bounds(e);
                self.word_box = (x_min, x_max, y_max - y_min);
            }
            _ => {}
        }
    }
}

/// Reads one run's output into `doc`: its head (kept from the first run only) and its pages.
pub(super) fn parse(input: impl BufRead, doc: &mut Document) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::new();
    let mut title = String::new();
    let mut meta = Vec::new();
    let mut in_title = false;
    let mut at = Reading::default();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("unreadable pdftotext output: {e}"))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "page" => {
                if let Some(page) = at.page.take() {
                    doc.add_page(page);
                }
                at.bytes = 0;
                at.page = Some(Page {
                    height: attr_f32(&e, "height"),
                    blocks: Vec::new(),
                });
                if empty {
                    doc.add_page(at.page.take().unwrap_or_default());
                }
            }
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "title" => in_title = !empty,
                "meta" => {
                    if let (Some(name), Some(content)) =
                        (xml::attr(&e, "name"), xml::attr(&e, "content"))
                    {
                        meta.push((name, content));
                    }
                }
                _ => at.start(&e),
            },
            Event::Text(t) => {
                if at.in_word {
                    at.word.push_str(&xml::text(&t));
                } else if in_title {
                    title.push_str(&xml::text(&t));
                }
            }
            Event::GeneralRef(r) => {
                let text = xml::reference(&r).unwrap_or_default();
                if at.in_word {
                    at.word.push_str(&text);
                } else if in_title {
                    title.push_str(&text);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "title" => in_title = false,
                "head" => doc.head(std::mem::take(&mut title), std::mem::take(&mut meta)),
                "word" => at.end_word(),
                "page" => {
                    if let Some(page) = at.page.take() {
                        doc.add_page(page);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(page) = at.page.take() {
        doc.add_page(page);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(xhtml: &[u8]) -> crate::extract::Extracted {
        let mut doc = Document::default();
        parse(xhtml, &mut doc).expect("parse");
        doc.finish()
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
        assert_eq!(text_of(xhtml).text, "LATEX og URLs 7 Fixed");
    }

    #[test]
    fn white_space_in_a_word_is_no_page_or_paragraph_break() {
        // Found by `cargo fuzz run pdf_layout` (minimised): the form feed ending a word was kept
        // in the text, where it counted as a page break.
        let fuzzed = b"<!DOCTYPEody>\n<doc>\n  <page flow>\n      <block xMin=\"188000\">\n        <line xMin=\"188.133.821000\">\n          <word xMin=\"188.979000.\x08\x00000\">V9\">l\xc3\xb8sninger\x0c</word>\n   e>\n        ";
        let out = text_of(fuzzed);
        assert_eq!(out.pages, 1);
        assert_eq!(out.text, "V9\">løsninger");
        // White space inside a word separates words, as a space does.
        let xhtml = "<doc><page height=\"800\"><flow><block><line yMin=\"100\" yMax=\"110\">\
                     <word> en\n\n\u{c}\n\nto</word><word>tre\u{c}</word></line></block></flow></page>\
                     <page height=\"800\"><flow><block><line yMin=\"100\" yMax=\"110\">\
                     <word>fire</word></line></block></flow></page></doc>";
        let out = text_of(xhtml.as_bytes());
        assert_eq!(out.pages, 2);
        assert_eq!(
            out.text,
            format!("en to tre{}fire", crate::extract::PAGE_BREAK)
        );
    }

    fn page_of_words(words: usize, word: &str) -> String {
        let mut page = String::from(
            r#"<page width="600" height="800"><flow><block><line xMin="10" yMin="400" xMax="500" yMax="410">"#,
        );
        for i in 0..words {
            let x = 10 * i;
            page.push_str(&format!(
                r#"<word xMin="{x}" yMin="400" xMax="{}" yMax="410">{word}</word>"#,
                x + 5
            ));
        }
        page.push_str("</line></block></flow></page>");
        page
    }

    #[test]
    fn pages_arrive_one_by_one_and_the_head_of_the_first_run_counts() {
        let mut doc = Document::default();
        let run = |title: &str, pages: &str| {
            format!(
                r#"<html><head><title>{title}</title><meta name="Author" content="Mette Søgaard"/></head><body><doc>{pages}</doc></body></html>"#
            )
        };
        let first = run(
            "Rapport &amp; bilag",
            &(page_of_words(2, "første") + "<page/>"),
        );
        parse(first.as_bytes(), &mut doc).expect("first run");
        assert_eq!(doc.pages(), 2);
        let second = run("Anden", &page_of_words(1, "sidste"));
        parse(second.as_bytes(), &mut doc).expect("second run");
        assert_eq!(doc.pages(), 3);
        let out = doc.finish();
        assert_eq!(out.title, "Rapport & bilag");
        assert_eq!(out.author.as_deref(), Some("Mette Søgaard"));
        let pages: Vec<&str> = out.text.split(crate::extract::PAGE_BREAK).collect();
        assert_eq!(pages, ["første første", "", "sidste"]);
    }

    #[test]
    fn a_page_keeps_at_most_its_share_of_text() {
        let word = "ord".repeat(1000);
        let words = MAX_PAGE_BYTES / word.len() + 50;
        let xhtml = format!(
            "<html><body><doc>{}{}</doc></body></html>",
            page_of_words(words, &word),
            page_of_words(1, "næste")
        );
        let out = text_of(xhtml.as_bytes());
        let pages: Vec<&str> = out.text.split(crate::extract::PAGE_BREAK).collect();
        assert_eq!(pages.len(), 2);
        assert!(
            pages[0].len() <= MAX_PAGE_BYTES + words,
            "{}",
            pages[0].len()
        );
        assert!(pages[0].len() > MAX_PAGE_BYTES / 2);
        assert_eq!(pages[1], "næste");
    }
}
