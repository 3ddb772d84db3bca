//! Small pieces of XML reading that the PDF layout and the office formats share (quick-xml).

use quick_xml::events::{BytesRef, BytesStart, BytesText};

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
