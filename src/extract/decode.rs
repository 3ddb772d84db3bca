//! Bytes to text: the encoding (UTF-8, UTF-16 with a BOM, else Windows-1252), whether the
//! bytes are text at all, and characters as a reader sees them.

use std::borrow::Cow;

use super::*;

/// Text as a reader sees it, whatever the producer wrote: ligatures (`ﬁ`) spelled out, soft
/// hyphens and zero-width characters removed, no-break spaces made spaces, decomposed letters
/// (`a` + U+030A) composed (`å`). Borrowed when there is nothing to do, the usual case.
pub fn normalise_chars(text: &str) -> Cow<'_, str> {
    if !needs_normalising(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut combining = false;
    for c in text.chars() {
        match c {
            '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => {}
            '\u{a0}' | '\u{2007}' | '\u{202f}' => out.push(' '),
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            _ => {
                combining |= ('\u{300}'..='\u{36f}').contains(&c);
                out.push(c);
            }
        }
    }
    if combining {
        use unicode_normalization::UnicodeNormalization;
        out = out.nfc().collect();
    }
    Cow::Owned(out)
}

/// Whether the UTF-8 bytes hold any character [`normalise_chars`] changes: a vectorised search
/// for the lead bytes of those characters, so the common text pays nearly nothing.
pub(super) fn needs_normalising(b: &[u8]) -> bool {
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let spaces_and_ligatures = memchr::memchr3_iter(0xC2, 0xE2, 0xEF, b).any(|i| match b[i] {
        0xC2 => matches!(at(i + 1), 0xA0 | 0xAD),
        0xE2 => match (at(i + 1), at(i + 2)) {
            (0x80, c) => matches!(c, 0x87 | 0x8B | 0x8C | 0x8D | 0xAF),
            (0x81, c) => c == 0xA0,
            _ => false,
        },
        _ => matches!((at(i + 1), at(i + 2)), (0xBB, 0xBF) | (0xAC, 0x80..=0x86)),
    });
    // Combining diacritics, U+0300 to U+036F.
    spaces_and_ligatures
        || memchr::memchr2_iter(0xCC, 0xCD, b).any(|i| b[i] == 0xCC || at(i + 1) <= 0xAF)
}

/// Decodes file bytes to text: UTF-8 (without a copy), UTF-16 with BOM, else Windows-1252 if it
/// looks like text.
pub fn decode(bytes: Vec<u8>) -> Result<String, Refusal> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(text.into_owned());
    }
    if nul_early(&bytes) {
        return Err(Refusal::Binary);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(not_utf8) => not_utf8.into_bytes(),
    };
    // Not UTF-8: accept as Windows-1252 only if control characters are rare.
    if mostly_controls(&bytes) {
        return Err(Refusal::Binary);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    Ok(text.into_owned())
}

/// Whether the first bytes of a longer file are binary by [`decode`]'s rules: no byte order
/// mark, and a NUL early on, or neither UTF-8 (a character cut off at the end aside) nor
/// rare in control characters.
pub(super) fn prefix_is_binary(prefix: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(prefix).is_some() {
        return false;
    }
    if nul_early(prefix) {
        return true;
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => false,
        Err(e) if e.error_len().is_none() => false,
        Err(_) => mostly_controls(prefix),
    }
}

/// A NUL among the first 8 KB: no text file has one.
pub(super) fn nul_early(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// More than 1 % control characters (other than tab, line ends and form feed).
pub(super) fn mostly_controls(bytes: &[u8]) -> bool {
    let controls = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    controls * 100 > bytes.len()
}
