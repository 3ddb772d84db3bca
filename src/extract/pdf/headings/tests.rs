//! The numbered-heading and larger-line rules, on lines as poppler lays them out.

use super::super::pages::{Document, Line, Page};
use super::*;
use crate::extract::PAGE_BREAK;

fn words(text: &str) -> Vec<String> {
    text.split(' ').map(str::to_string).collect()
}

/// A line of `text` at `y`, `height` tall.
fn line(text: &str, y: f32, height: f32) -> Line {
    Line {
        words: words(text),
        y_min: y,
        y_max: y + height,
        last_x_max: 0.0,
    }
}

/// A page of blocks, each a list of (text, height) lines set from y = 150 down.
fn page(blocks: &[&[(&str, f32)]]) -> Page {
    let mut y = 150.0;
    let blocks = blocks
        .iter()
        .map(|block| {
            block
                .iter()
                .map(|&(text, height)| {
                    y += height + 2.0;
                    line(text, y, height)
                })
                .collect()
        })
        .collect();
    Page {
        height: 800.0,
        blocks,
    }
}

fn text_of(pages: Vec<Page>) -> String {
    let mut doc = Document::default();
    for page in pages {
        doc.add_page(page);
    }
    doc.finish().text
}

const BODY: &str =
    "Brugere oprettes af en administrator under Indstillinger og får en e-mail med et link";

#[test]
fn section_numbers_and_false_friends() {
    assert_eq!(number_depth("7"), Some(1));
    assert_eq!(number_depth("1."), Some(1));
    assert_eq!(number_depth("7.3"), Some(2));
    assert_eq!(number_depth("7.3.1"), Some(3));
    assert_eq!(number_depth("3.2."), Some(2));
    assert_eq!(number_depth("6.3.2.2"), Some(4));
    assert_eq!(number_depth("1.12.2024"), None, "a date");
    assert_eq!(number_depth("3.5.24"), None, "a date with a two-digit year");
    assert_eq!(number_depth("2024"), None, "a year");
    assert_eq!(number_depth("01.2"), None);
    assert_eq!(number_depth("0"), None);
    assert_eq!(number_depth("1.2.3.4.5.6.7"), None);
    // Appendices: a capital letter, then numbers.
    assert_eq!(number_depth("D.2."), Some(2));
    assert_eq!(number_depth("B.4.1"), Some(3));
    assert_eq!(number_depth("D."), None, "an initial");
    assert_eq!(number_depth("F.eks."), None);
    assert_eq!(number_depth("d.2"), None);
    assert_eq!(number_depth("DK.2"), None);
    assert_eq!(number_depth("12a"), None);
    assert_eq!(
        number_depth("1.900"),
        Some(2),
        "a number alone is read by its title"
    );
}

#[test]
fn titles_and_what_is_no_title() {
    assert!(is_title(&words("Tilføje brugere")));
    assert!(is_title(&words("Setting Up Users and Passwords")));
    assert!(is_title(&words(
        "Lav en sikkerhedskopi af dine eksisterende data!"
    )));
    assert!(is_title(&words(
        "Deaktivering af Windows-funktionen “fast boot”/“fast startup”"
    )));
    assert!(is_title(&words("“Fast boot” i Windows")));
    assert!(!is_title(&words("mio. kr. til foreningerne")), "lowercase");
    assert!(!is_title(&words("Klik på Tilføj.")), "a sentence");
    assert!(!is_title(&words("Tilskud 1.900 2.300")), "a table row");
    assert!(
        !is_title(&words("Tilføje brugere ........ 42")),
        "a contents line"
    );
    assert!(
        !is_title(&words("BRUG AF DEBIAN- …")),
        "a cut running header"
    );
    assert!(!is_title(&words(BODY)), "too long");
}

#[test]
fn numbered_headings_in_danish_and_english_get_their_depth() {
    let manual = page(&[
        &[("7 Kom i gang", 16.0)],
        &[("Vejledningen viser de første trin.", 10.0)],
        &[("7.3 Brugerhåndtering", 10.0)],
        &[("7.3.1 Tilføje brugere", 10.0)],
        &[
            (BODY, 10.0),
            ("1. Klik på Tilføj bruger", 10.0),
            ("2. Skriv navnet", 10.0),
            ("3.5 mio. kr. blev brugt", 10.0),
            ("1.12.2024 Møde i udvalget", 10.0),
            ("2.1 Tilskud 1.900 2.300", 10.0),
        ],
        &[("2.4 Setting the Root Password", 10.0)],
    ]);
    assert_eq!(
        text_of(vec![manual]),
        format!(
            "# 7 Kom i gang\n\nVejledningen viser de første trin.\n\n## 7.3 Brugerhåndtering\n\n\
             ### 7.3.1 Tilføje brugere\n\n{BODY} 1. Klik på Tilføj bruger 2. Skriv navnet 3.5 \
             mio. kr. blev brugt 1.12.2024 Møde i udvalget 2.1 Tilskud 1.900 2.300\n\n\
             ## 2.4 Setting the Root Password"
        )
    );
}

#[test]
fn a_numbered_line_inside_a_paragraph_is_no_heading() {
    // Running text wrapped so that a line begins with a section reference.
    let p = page(&[&[
        ("Se reglerne om kontoen root i afsnit", 10.0),
        ("6.3 Brugere med ekstra rettigheder", 10.0),
        ("og spørg din administrator.", 10.0),
    ]]);
    assert!(!text_of(vec![p]).contains('#'));
}

#[test]
fn the_number_on_a_line_of_its_own_goes_with_the_title_below() {
    // As the Debian installation guide sets it: the number in a block of its own, the running
    // header of the section between it and its title, the title first in the next block.
    // The section's header is on 2 of 6 pages: no furniture, but no heading either.
    let pages: Vec<Page> = (0..6)
        .map(|n| {
            let mut p = page(&[
                &[("6.3.2.2", 10.0)],
                &[("Opret en normal bruger", 10.0), (BODY, 10.0)],
            ]);
            if n < 2 {
                p.blocks.insert(
                    1,
                    vec![line("6.3. BRUG AF INDIVIDUELLE KOMPONENTER", 40.0, 10.0)],
                );
            }
            p
        })
        .collect();
    let text = text_of(pages);
    let first = text.split(PAGE_BREAK).next().expect("a page");
    assert_eq!(
        first,
        format!(
            "#### 6.3.2.2 Opret en normal bruger\n\n6.3. BRUG AF INDIVIDUELLE KOMPONENTER\n\n{BODY}"
        )
    );
}

#[test]
fn larger_lines_are_headings_ranked_by_height() {
    let p = page(&[
        &[
            ("Åbenhed og samarbejde med", 31.0),
            ("civilsamfundet", 31.0),
        ],
        &[("Indledning", 23.0)],
        &[(BODY, 15.5), (BODY, 15.5)],
        &[("Sammenfatning", 18.0)],
        &[(BODY, 15.5), ("Mere tekst om planen.", 15.5)],
        &[("42 %", 40.0)],
    ]);
    assert_eq!(
        text_of(vec![p]),
        format!(
            "# Åbenhed og samarbejde med civilsamfundet\n\n## Indledning\n\n{BODY} {BODY}\n\n\
             ### Sammenfatning\n\n{BODY} Mere tekst om planen.\n\n42 %"
        )
    );
}

#[test]
fn in_a_numbered_document_only_lines_above_its_numbers_count_by_size() {
    let p = page(&[
        &[("Før installationen", 25.0)],
        &[("3.1", 14.0), ("Overblik over installationen", 14.0)],
        &[(BODY, 10.0), (BODY, 10.0), (BODY, 10.0)],
        &[("BEMÆRK", 12.0), (BODY, 10.0)],
        &[("3.2", 14.0), ("Sikkerhedskopi", 14.0)],
        &[(BODY, 10.0)],
    ]);
    let text = text_of(vec![p]);
    assert!(
        text.starts_with("# Før installationen\n\n## 3.1 Overblik over installationen\n\n"),
        "{text}"
    );
    assert!(
        text.contains("BEMÆRK") && !text.contains("# BEMÆRK"),
        "{text}"
    );
    assert!(text.contains("\n\n## 3.2 Sikkerhedskopi\n\n"), "{text}");
}

#[test]
fn contents_pages_and_running_headers_have_no_headings() {
    let contents = page(&[
        &[("Indhold", 20.0)],
        &[("7 Kom i gang 3", 10.0)],
        &[("7.3 Brugerhåndtering", 10.0)],
    ]);
    let body = |n: usize| {
        let mut p = page(&[&[("7.3.1 Tilføje brugere", 10.0)], &[(BODY, 10.0)]]);
        // A numbered running header in the top band of every page.
        p.blocks.insert(
            0,
            vec![line("7.3 Brugerhåndtering", 30.0 + n as f32 / 10.0, 10.0)],
        );
        p
    };
    let text = text_of(vec![contents, body(1), body(2)]);
    let pages: Vec<&str> = text.split(PAGE_BREAK).collect();
    assert!(!pages[0].contains('#'), "{}", pages[0]);
    assert!(
        pages[1].starts_with("### 7.3.1 Tilføje brugere"),
        "{}",
        pages[1]
    );
    assert!(!pages[1].contains("## 7.3 "), "{}", pages[1]);
    // The marks change no page: the offsets of each page's text still find their page.
    let at = text.rfind("Brugere oprettes").expect("body text");
    assert_eq!(crate::text::page_at(&text, at), 3);
}

#[test]
fn text_that_reads_as_heading_marks_is_no_heading() {
    let p = page(&[
        &[("Skriv som root:", 10.0)],
        &[("# cp debian.iso /dev/sdX", 10.0), ("# sync", 10.0)],
    ]);
    let text = text_of(vec![p]);
    assert_eq!(
        text,
        "Skriv som root:\n\n\u{ff03} cp debian.iso /dev/sdX # sync"
    );
    assert!(crate::sections::headings(&text, text.len())
        .next()
        .is_none());
}
