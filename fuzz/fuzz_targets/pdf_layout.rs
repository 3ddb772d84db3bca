//! Fuzzes the PDF text post-processing: arbitrary bytes as if they were the output of
//! `pdftotext -bbox-layout -enc UTF-8` (poppler's XHTML of pages, blocks, lines and words with
//! their boxes), through the streaming reader (`src/extract/pdf/parse.rs`) and the page rules
//! that make text of it (`Document::finish`, `src/extract/pdf/pages.rs`: running headers and
//! footers, page numbers, hyphens, headings, contents pages). poppler's output is as hostile as
//! the PDF it came from, and this code runs in the indexer's process. The entry point,
//! `vidensbase::extract::fuzz_pdf_layout`, exists only with the crate's feature `fuzzing`.
//!
//! What must hold: no input panics (unreadable XML is an error, not a crash); a document read
//! has `pages - 1` page breaks in its text (nothing is cut here), and no other form feed, since
//! `vidensbase::text::page_at` finds the page of a hit by counting form feeds; and its contents
//! pages are pages it has.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vidensbase::extract::fuzz_pdf_layout;
use vidensbase::text::PAGE_BREAK;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = fuzz_pdf_layout(data) else {
        return;
    };
    assert_eq!(doc.cut_from, None, "a short output is read whole");
    let breaks = doc.text.matches(PAGE_BREAK).count();
    assert_eq!(breaks, doc.pages.saturating_sub(1) as usize, "page breaks");
    assert_eq!(doc.text.matches('\u{c}').count(), breaks, "form feeds");
    assert!(
        doc.contents_pages.iter().all(|&p| 1 <= p && p <= doc.pages),
        "contents pages {:?} of {}",
        doc.contents_pages,
        doc.pages
    );
});
