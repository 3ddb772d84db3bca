//! Heading levels of Word and OpenDocument paragraphs.
//!
//! A Word paragraph's level is its outline level: written on the paragraph (`w:outlineLvl`), else
//! on its style or a style it is based on (`word/styles.xml`), else read from the style's id or
//! name as Word and LibreOffice write the built-in ones (`Heading2`, `Overskrift2`, `heading 2`).
//! An ODT heading (`text:h`) states its level (`text:outline-level`). A title style (`Title`,
//! `Titel`) is a heading of level 1.

use quick_xml::events::Event;
use rustc_hash::FxHashMap;

use crate::extract::xml;

/// Outline levels are 0–8 in Word (9 is body text); headings go to six levels.
const WORD_LEVELS: usize = 9;

/// How many `basedOn` links are followed (a cycle stops there).
const MAX_BASED_ON: usize = 16;

/// The paragraph styles of a Word document: each style id's own outline level (from 1) and the
/// style it is based on.
#[derive(Debug, Default)]
pub(super) struct Styles {
    styles: FxHashMap<String, Style>,
}

#[derive(Debug, Default)]
struct Style {
    level: Option<usize>,
    name: String,
    based_on: Option<String>,
}

impl Styles {
    /// The styles of `word/styles.xml`; a part that does not parse gives what was read of it.
    pub(super) fn parse(xml: &[u8]) -> Styles {
        let mut reader = quick_xml::Reader::from_reader(xml);
        let mut buf = Vec::new();
        let mut styles = Styles::default();
        let mut current: Option<(String, Style)> = None;
        while let Ok(event) = reader.read_event_into(&mut buf) {
            match event {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:style" => {
                        current = xml::attr(&e, "styleId").map(|id| (id, Style::default()));
                    }
                    "w:name" | "w:basedOn" | "w:outlineLvl" => {
                        if let (Some((_, style)), Some(value)) =
                            (current.as_mut(), xml::attr(&e, "val"))
                        {
                            match e.name().as_ref() {
                                "w:name" => style.name = value,
                                "w:basedOn" => style.based_on = Some(value),
                                _ => style.level = outline_level(&value),
                            }
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.name().as_ref() == "w:style" => {
                    if let Some((id, style)) = current.take() {
                        styles.styles.insert(id, style);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        styles
    }

    /// The heading level (from 1) of paragraph style `id`, `None` for a style of body text.
    pub(super) fn level(&self, id: &str) -> Option<usize> {
        let mut at = id;
        for _ in 0..MAX_BASED_ON {
            let Some(style) = self.styles.get(at) else {
                break;
            };
            if let Some(level) = style.level {
                return Some(level);
            }
            if let Some(level) = level_of_name(&style.name) {
                return Some(level);
            }
            match &style.based_on {
                Some(base) => at = base,
                None => break,
            }
        }
        level_of_name(id)
    }
}

/// A Word `w:outlineLvl` value (0-based; 9 and beyond are body text) as a level from 1.
pub(super) fn outline_level(value: &str) -> Option<usize> {
    let level: usize = value.trim().parse().ok()?;
    (level < WORD_LEVELS).then(|| (level + 1).min(6))
}

/// The level a style's id or name gives a heading, in English and Danish, as Word and
/// LibreOffice write them: `Heading2`, `Heading_20_2` (LibreOffice's `Heading 2`),
/// `Overskrift 2`, `heading 2` → 2; `Heading`, `Title`, `Titel` → 1; anything else `None`.
pub(super) fn level_of_name(style: &str) -> Option<usize> {
    let lower = style.to_lowercase();
    let rest = ["heading", "overskrift", "title", "titel"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))?;
    // LibreOffice encodes a space in a style name as `_20_`.
    let rest = rest.replace("_20_", " ");
    let digits: String = rest
        .trim_start_matches([' ', '_', '-'])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse::<usize>() {
        Ok(n) if (1..=WORD_LEVELS).contains(&n) => Some(n.min(6)),
        Ok(_) => None,
        // No number: a heading or title style of its own (`Heading`, `Title`, `Subtitle` is not
        // one of these prefixes), unless more words follow (`Heading Char`, `Title Char`).
        Err(_) => rest.trim().is_empty().then_some(1),
    }
}

/// An ODT heading's `text:outline-level` (from 1; a `text:h` without one is level 1).
pub(super) fn open_document_level(value: Option<String>) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(1)
        .min(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_names_give_levels() {
        assert_eq!(level_of_name("Heading1"), Some(1));
        assert_eq!(level_of_name("Heading3"), Some(3));
        assert_eq!(level_of_name("Overskrift2"), Some(2));
        assert_eq!(level_of_name("heading 4"), Some(4));
        assert_eq!(level_of_name("Heading_20_2"), Some(2));
        assert_eq!(level_of_name("Heading"), Some(1));
        assert_eq!(level_of_name("Title"), Some(1));
        assert_eq!(level_of_name("Titel"), Some(1));
        assert_eq!(level_of_name("Heading9"), Some(6));
        assert_eq!(level_of_name("Heading1Char"), Some(1));
        assert_eq!(level_of_name("TitleChar"), None);
        assert_eq!(level_of_name("Normal"), None);
        assert_eq!(level_of_name("BodyText"), None);
        assert_eq!(level_of_name("Heading0"), None);
    }

    #[test]
    fn outline_levels_come_from_the_style_or_what_it_is_based_on() {
        let xml = r#"<w:styles xmlns:w="w">
<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Afsnit"><w:name w:val="Afsnit"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Underafsnit"><w:basedOn w:val="Afsnit"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="AfsnitKopi"><w:basedOn w:val="Afsnit"/></w:style>
<w:style w:type="paragraph" w:styleId="Overskrift3"><w:name w:val="heading 3"/></w:style>
<w:style w:type="paragraph" w:styleId="Brødtekst"><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style>
<w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/></w:style>
</w:styles>"#;
        let styles = Styles::parse(xml.as_bytes());
        assert_eq!(styles.level("Kapitel"), Some(1));
        assert_eq!(styles.level("Afsnit"), Some(2));
        assert_eq!(styles.level("Underafsnit"), Some(3));
        assert_eq!(styles.level("AfsnitKopi"), Some(2));
        assert_eq!(styles.level("Overskrift3"), Some(3));
        assert_eq!(styles.level("Normal"), None);
        assert_eq!(styles.level("Brødtekst"), None);
        // A cycle of based-on styles ends.
        assert_eq!(styles.level("A"), None);
        // A style styles.xml lacks is read by its id.
        assert_eq!(styles.level("Heading2"), Some(2));
    }

    #[test]
    fn open_document_levels() {
        assert_eq!(open_document_level(Some("3".into())), 3);
        assert_eq!(open_document_level(Some("0".into())), 1);
        assert_eq!(open_document_level(None), 1);
        assert_eq!(open_document_level(Some("10".into())), 6);
    }
}
