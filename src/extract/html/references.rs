//! Character references (`&amp;`, `&#230;`, `&aring;`), by html5ever's entity table.

use web_atoms::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// Appends `text` to `out` with character references (`&amp;`, `&#230;`, `&aring;`) decoded.
pub(super) fn decode_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let (decoded, used) = character_reference(rest);
        match decoded {
            Some((a, b)) => {
                out.push(a);
                if let Some(b) = b {
                    out.push(b);
                }
            }
            None => out.push('&'),
        }
        rest = &rest[used.max(1)..];
    }
    out.push_str(rest);
}

/// The character(s) a reference at the start of `s` (which begins with `&`) stands for, and its
/// length in bytes; `None` when it is no reference.
fn character_reference(s: &str) -> (Option<(char, Option<char>)>, usize) {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let digits = b[start..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return (None, 1);
        }
        let value = u32::from_str_radix(&s[start..start + digits], if hex { 16 } else { 10 })
            .unwrap_or(u32::MAX);
        let mut used = start + digits;
        if b.get(used) == Some(&b';') {
            used += 1;
        }
        let c = match value {
            0 => '\u{fffd}',
            0x80..=0x9f => C1_REPLACEMENTS[(value - 0x80) as usize]
                .unwrap_or_else(|| char::from_u32(value).unwrap_or('\u{fffd}')),
            _ => char::from_u32(value).unwrap_or('\u{fffd}'),
        };
        return (Some((c, None)), used);
    }
    let name_len = b[1..]
        .iter()
        .take(32)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 {
        return (None, 1);
    }
    // The table also lists every prefix of every name, with (0, 0): those are no references.
    let to_chars = |&(a, b): &(u32, u32)| {
        if a == 0 {
            return None;
        }
        let a = char::from_u32(a)?;
        Some((a, if b == 0 { None } else { char::from_u32(b) }))
    };
    // The longest name that is an entity: with its `;`, or a legacy one without.
    if b.get(1 + name_len) == Some(&b';') {
        if let Some(c) = NAMED_ENTITIES.get(&s[1..2 + name_len]).and_then(to_chars) {
            return (Some(c), 2 + name_len);
        }
    }
    for len in (1..=name_len).rev() {
        if let Some(c) = NAMED_ENTITIES.get(&s[1..1 + len]).and_then(to_chars) {
            return (Some(c), 1 + len);
        }
    }
    (None, 1)
}
