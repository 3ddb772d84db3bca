//! Small pieces of XML reading that the PDF layout and the office formats share (quick-xml), and
//! document metadata from Dublin Core elements, as `docProps/core.xml`, ODF's `meta.xml` and a
//! PDF's XMP packet all write it.

use quick_xml::events::{BytesRef, BytesStart, BytesText, Event};

use crate::lang::Lang;

/// The value of the attribute with local name `local` (any prefix), entities resolved.
pub fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// The text of a text event.
pub fn text(t: &BytesText) -> String {
    t.xml10_content().into_owned()
}

/// What a character or entity reference (`&#228;`, `&amp;`) stands for.
pub fn reference(r: &BytesRef) -> Option<String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c.to_string()),
        Ok(None) => quick_xml::escape::resolve_xml_entity(&r.xml10_content()).map(str::to_string),
        Err(_) => None,
    }
}

/// Title, author, dates and language of a document, as its metadata states them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub author: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub language: Option<String>,
}

impl Meta {
    /// The creation date, else the modification date.
    pub fn date(&self) -> Option<crate::date::Date> {
        [&self.created, &self.modified]
            .into_iter()
            .flatten()
            .find_map(|d| crate::date::Date::parse(d))
    }

    /// Where the text of element `name` goes, if anywhere.
    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        match name {
            "dc:title" => Some(&mut self.title),
            "dc:creator" | "meta:initial-creator" => Some(&mut self.author),
            "dcterms:created" | "meta:creation-date" | "xmp:CreateDate" => Some(&mut self.created),
            "dcterms:modified" | "dc:date" | "xmp:ModifyDate" => Some(&mut self.modified),
            "dc:language" => Some(&mut self.language),
            _ => None,
        }
    }

    /// The language, when it is one vidensbase analyses (`da-DK` → Danish).
    pub fn lang(&self) -> Option<Lang> {
        self.language
            .as_deref()
            .and_then(|l| l.get(..2))
            .and_then(|code| code.parse().ok())
    }
}

/// The metadata in an XML part: the first non-empty text of each known element, also when it
/// sits deeper inside it (XMP's `<dc:title><rdf:Alt><rdf:li>…`).
pub fn dublin_core(xml: &[u8]) -> Meta {
    let mut meta = Meta::default();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut text = String::new();
    while let Ok(event) = reader.read_event_into(&mut buf) {
        match event {
            Event::Start(e) => {
                open.push(e.name().as_ref().to_string());
                text.clear();
            }
            Event::Text(t) => text.push_str(&self::text(&t)),
            Event::GeneralRef(r) => text.push_str(&reference(&r).unwrap_or_default()),
            Event::End(_) => {
                let value = text.trim().to_string();
                text.clear();
                let known = open.iter().rev().find(|name| meta.slot(name).is_some());
                if let Some(slot) = known.and_then(|name| meta.slot(name)) {
                    if slot.is_none() && !value.is_empty() {
                        *slot = Some(value);
                    }
                }
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_from_office_and_xmp() {
        let core = r#"<cp:coreProperties><dc:title>Elementer &amp; mere</dc:title><dc:creator>Anne</dc:creator><dcterms:created>2024-03-01T10:00:00Z</dcterms:created><dc:language>da-DK</dc:language></cp:coreProperties>"#;
        let meta = dublin_core(core.as_bytes());
        assert_eq!(meta.title.as_deref(), Some("Elementer & mere"));
        assert_eq!(
            meta.date().map(|d| d.to_string()).as_deref(),
            Some("2024-03-01")
        );
        assert_eq!(meta.lang(), Some(Lang::Da));
        let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description>
            <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Årsrapport 2024</rdf:li></rdf:Alt></dc:title>
            <dc:creator><rdf:Seq><rdf:li>Nordkyst Kommune</rdf:li></rdf:Seq></dc:creator>
            <xmp:CreateDate>2024-02-01T09:00:00+01:00</xmp:CreateDate>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let meta = dublin_core(xmp.as_bytes());
        assert_eq!(meta.title.as_deref(), Some("Årsrapport 2024"));
        assert_eq!(meta.author.as_deref(), Some("Nordkyst Kommune"));
        assert_eq!(
            meta.date().map(|d| d.to_string()).as_deref(),
            Some("2024-02-01")
        );
    }
}
