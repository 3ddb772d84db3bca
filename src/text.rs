//! The marks an extracted text carries, which extraction writes and ingestion, snippets, search
//! and the document page read: page breaks between the pages of a paged document ([`PAGE_BREAK`],
//! [`page_at`]) and the `#` marks that begin a heading's paragraph ([`heading_marks`],
//! [`heading`]). They sit here, below both sides, so the search side needs nothing of extraction
//! or ingestion to read them.

/// Between two pages of a paged document's text: a form feed as a paragraph of its own, so no
/// paragraph spans two pages and the page of any offset is one plus the form feeds before it.
pub const PAGE_BREAK: &str = "\n\n\u{c}\n\n";

/// The physical page (from 1) of byte `offset` in a paged document's text.
pub fn page_at(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let breaks = text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == 0x0c)
        .count();
    breaks as u32 + 1
}

/// The marks that begin a heading's paragraph in a document's text: `#` once per level, then a
/// space (`## Mål` is a heading of level 2), as in Markdown. Words are runs of letters and
/// digits, so the marks are never indexed or searched; the document page shows such paragraphs
/// as headings and snippets leave the marks out ([`heading`]).
pub fn heading_marks(level: usize) -> String {
    format!("{} ", "#".repeat(level.clamp(1, 6)))
}

/// A paragraph's heading level and text, when it is a heading ([`heading_marks`]).
pub fn heading(paragraph: &str) -> Option<(usize, &str)> {
    let level = paragraph.bytes().take_while(|&b| b == b'#').count();
    let text = paragraph.get(level..)?.strip_prefix(' ')?;
    ((1..=6).contains(&level) && !text.trim().is_empty()).then_some((level, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_marked_paragraphs() {
        assert_eq!(heading("## Mål og midler"), Some((2, "Mål og midler")));
        assert_eq!(heading("# A"), Some((1, "A")));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("####### for dybt"), None);
        assert_eq!(heading("Tekst # ikke"), None);
        assert_eq!(heading("## "), None);
        assert_eq!(heading(&heading_marks(3)), None);
        assert_eq!(
            heading(&format!("{}Mål", heading_marks(9))),
            Some((6, "Mål"))
        );
    }

    #[test]
    fn pages_of_offsets() {
        let text = format!("én{PAGE_BREAK}to{PAGE_BREAK}tre");
        assert_eq!(page_at(&text, 0), 1);
        assert_eq!(page_at(&text, text.find("to").expect("to")), 2);
        assert_eq!(page_at(&text, text.len() + 10), 3);
    }
}
