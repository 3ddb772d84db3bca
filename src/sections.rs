//! A document's sections, read from its stored text: every heading paragraph (begun with
//! [`crate::extract::heading_marks`]), the heading path in force at an offset (the nearest heading
//! above it and its ancestors by level) and the anchor each heading has on the document page.
//!
//! Both the hits (`search::present`) and the document page (`web::views::document`) call these,
//! so a hit's link names an anchor that the document page gives its heading: the anchor is a slug
//! of the heading's text (`afsnit-7-3-1-tilfoje-brugere`), numbered from the second heading of the
//! same slug in document order (`…-2`), so it stays the same as long as the headings before it do.

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

/// A heading of a document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading<'a> {
    /// From 1 (the `#` marks).
    pub level: usize,
    /// The heading's text, without its marks.
    pub text: &'a str,
    /// Byte offset of the paragraph (its marks) in the text.
    pub offset: usize,
}

/// The section at an offset: its heading path, outermost first, and the anchor of its own
/// (innermost) heading on the document page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    pub path: Vec<String>,
    pub anchor: String,
}

/// The headings of `text` that begin before `end`, in order. A heading is a paragraph (at the
/// start of the text, or after a blank line) that [`crate::extract::heading`] reads as one.
pub fn headings(text: &str, end: usize) -> impl Iterator<Item = Heading<'_>> + '_ {
    let end = end.min(text.len());
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'#', &bytes[..end])
        .filter(move |&at| at == 0 || (at >= 2 && &bytes[at - 2..at] == b"\n\n"))
        .filter_map(move |at| {
            let paragraph = &text[at..];
            let paragraph = &paragraph[..paragraph.find("\n\n").unwrap_or(paragraph.len())];
            let (level, heading) = crate::text::heading(paragraph)?;
            Some(Heading {
                level,
                text: heading.trim(),
                offset: at,
            })
        })
}

/// The headings in force at byte `offset` of `text`: the nearest heading above it and each
/// nearest heading of a lower level above that, outermost first (empty before the first
/// heading). Whitespace in a heading is collapsed to single spaces.
pub fn heading_path(text: &str, offset: usize) -> Vec<String> {
    section_at(text, offset).map(|s| s.path).unwrap_or_default()
}

/// The section at byte `offset` of `text` ([`heading_path`] and the anchor of its innermost
/// heading), `None` before the first heading.
pub fn section_at(text: &str, offset: usize) -> Option<Section> {
    // The heading that begins at `offset` is in force there.
    let end = offset.saturating_add(1);
    let mut anchors = Anchors::default();
    let mut stack: Vec<(usize, &str)> = Vec::new();
    let mut anchor = None;
    for heading in headings(text, end) {
        while stack
            .last()
            .is_some_and(|&(level, _)| level >= heading.level)
        {
            stack.pop();
        }
        stack.push((heading.level, heading.text));
        anchor = Some(anchors.next(heading.text));
    }
    Some(Section {
        path: stack
            .iter()
            .map(|(_, text)| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
        anchor: anchor?,
    })
}

/// Gives each heading of one document, in order, its anchor on the document page.
#[derive(Debug, Default)]
pub struct Anchors {
    seen: FxHashMap<String, usize>,
}

impl Anchors {
    /// The anchor of the next heading, whose text is `text`.
    pub fn next(&mut self, text: &str) -> String {
        let slug = slug(text);
        let n = self.seen.entry(slug.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            slug
        } else {
            format!("{slug}-{n}")
        }
    }
}

/// Longest slug made of a heading's text, in bytes (before the prefix and a number).
const SLUG_BYTES: usize = 64;

/// `afsnit-` and the heading's letters and digits, lowercased and ASCII (`æ` → `ae`, `ø` → `oe`,
/// `å` → `aa`, accents off), runs of anything else as one `-`. The prefix keeps it apart from
/// the page's other anchors (`side-3`, `fund-1`).
fn slug(text: &str) -> String {
    let mut out = String::from("afsnit");
    let mut gap = true;
    let push = |out: &mut String, s: &str, gap: &mut bool| {
        if *gap {
            out.push('-');
            *gap = false;
        }
        out.push_str(s);
    };
    for c in text.chars().flat_map(char::to_lowercase) {
        if out.len() >= SLUG_BYTES + "afsnit".len() {
            break;
        }
        match c {
            'æ' => push(&mut out, "ae", &mut gap),
            'ø' => push(&mut out, "oe", &mut gap),
            'å' => push(&mut out, "aa", &mut gap),
            c if c.is_ascii_alphanumeric() => push(&mut out, c.encode_utf8(&mut [0; 4]), &mut gap),
            c if c.is_alphanumeric() => {
                for base in std::iter::once(c).nfd().filter(char::is_ascii_alphanumeric) {
                    push(&mut out, base.encode_utf8(&mut [0; 4]), &mut gap);
                }
            }
            _ => gap = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANUAL: &str = "Forord uden overskrift.\n\n# 7 Kom i gang\n\nIntro.\n\n## 7.3 Brugerhåndtering\n\n### 7.3.1 Tilføje brugere\n\nKlik på Tilføj.\u{c}\n\nMere om brugere.\n\n## 7.4 Grupper\n\nGrupper samler brugere.\n\n# 8 Drift\n\nTekst.";

    fn at(needle: &str) -> usize {
        MANUAL.find(needle).expect("in the manual")
    }

    #[test]
    fn the_path_is_the_nearest_heading_and_its_ancestors() {
        assert_eq!(
            heading_path(MANUAL, at("Mere om")),
            [
                "7 Kom i gang",
                "7.3 Brugerhåndtering",
                "7.3.1 Tilføje brugere"
            ]
        );
        // A sibling of a lower level closes the deeper sections.
        assert_eq!(
            heading_path(MANUAL, at("Grupper samler")),
            ["7 Kom i gang", "7.4 Grupper"]
        );
        assert_eq!(heading_path(MANUAL, at("Tekst.")), ["8 Drift"]);
        // On the heading itself, the heading is in force.
        assert_eq!(heading_path(MANUAL, at("# 8 Drift")), ["8 Drift"]);
        assert!(heading_path(MANUAL, at("Forord")).is_empty());
        assert!(section_at(MANUAL, 0).is_none());
    }

    #[test]
    fn a_level_skipped_has_no_empty_place_in_the_path() {
        let text = "# Vejledning\n\n### Detalje\n\nTekst her.";
        assert_eq!(
            heading_path(text, text.len() - 3),
            ["Vejledning", "Detalje"]
        );
    }

    #[test]
    fn hashes_that_are_no_heading_paragraph_are_not_headings() {
        let text = "Tekst med # inde i.\n\n#hashtag\n\nKode:\n# ikke et afsnit\n\nslut";
        assert_eq!(headings(text, text.len()).count(), 0);
    }

    #[test]
    fn anchors_are_ascii_slugs_numbered_when_repeated() {
        let mut anchors = Anchors::default();
        assert_eq!(
            anchors.next("7.3.1 Tilføje brugere"),
            "afsnit-7-3-1-tilfoeje-brugere"
        );
        assert_eq!(anchors.next("Åbne data — café"), "afsnit-aabne-data-cafe");
        assert_eq!(anchors.next("Eksempel"), "afsnit-eksempel");
        assert_eq!(anchors.next("Eksempel"), "afsnit-eksempel-2");
        assert_eq!(anchors.next("«»"), "afsnit");
        assert!(anchors.next(&"langt ord ".repeat(40)).len() <= SLUG_BYTES + 10);
    }

    #[test]
    fn the_section_anchor_counts_the_headings_before_it() {
        let text = "# Eksempel\n\nEt.\n\n# Eksempel\n\nTo.";
        let section = section_at(text, text.len() - 1).expect("a section");
        assert_eq!(section.anchor, "afsnit-eksempel-2");
        assert_eq!(section.path, ["Eksempel"]);
    }
}
