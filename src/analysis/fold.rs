//! The lossy fold of Danish letters to what people type without a Danish keyboard, and the
//! two spellings of `å`.

/// Lossy fold of a lowercased word to ASCII the way people type Danish without a Danish keyboard:
/// `æ`→`ae`, `ø`/`ö`→`o`, `å`/`ä`→`a`, accents dropped, then `aa`→`a` (old spelling of `å`).
/// It merges words (`før`/`for`), so it may only feed a lower-ranked field.
pub fn fold(lower: &str) -> String {
    folded_chars(lower.chars()).collect()
}

/// The folded letters of lowercased letters, one at a time: what [`fold`] writes, for callers
/// that need only the first few (the snippet scanner's prefilter).
pub fn folded_chars(lower: impl Iterator<Item = char>) -> impl Iterator<Item = char> {
    let letters = lower.flat_map(|c| {
        let (first, second): (char, Option<char>) = match c {
            'æ' => ('a', Some('e')),
            'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' => ('a', None),
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' | 'õ' => ('o', None),
            'é' | 'è' | 'ê' | 'ë' => ('e', None),
            'í' | 'ì' | 'î' | 'ï' => ('i', None),
            'ú' | 'ù' | 'û' | 'ü' => ('u', None),
            'ç' => ('c', None),
            'ñ' => ('n', None),
            'ß' => ('s', Some('s')),
            c => (c, None),
        };
        std::iter::once(first).chain(second)
    });
    let [(a1, a2), (o1, o2)] = MERGED;
    merged(merged(letters, a1, a2), o1, o2)
}

/// Old and keyboard-less spellings the fold reads as one letter: `aa` for `å`, `oe` for `ø`
/// (each pair becomes its first letter).
const MERGED: [(char, char); 2] = [('a', 'a'), ('o', 'e')];

/// The first two letters of a word, lowercased and folded as [`fold`] writes them (`Århus` →
/// `ar`, `Aarhus` → `ar`, `Hoering` → `ho`), without allocating: the snippet scanner asks this of
/// every word it passes, so a word that begins with three ASCII bytes takes a shortcut.
pub fn fold_prefix(word: &str) -> [char; 2] {
    let b = word.as_bytes();
    if b.len() >= 3 && b[..3].is_ascii() {
        let [x, y, z] = [b[0], b[1], b[2]].map(|c| char::from(c.to_ascii_lowercase()));
        return [x, if MERGED.contains(&(x, y)) { z } else { y }];
    }
    let mut folded = folded_chars(word.chars().flat_map(char::to_lowercase));
    [folded.next().unwrap_or(' '), folded.next().unwrap_or(' ')]
}

/// `chars` with each `first` that `second` follows standing for both (left to right, without
/// overlap, as `str::replace` would).
fn merged(
    chars: impl Iterator<Item = char>,
    first: char,
    second: char,
) -> impl Iterator<Item = char> {
    let mut chars = chars.peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        if c == first && chars.peek() == Some(&second) {
            chars.next();
        }
        Some(c)
    })
}

/// The word's other Danish spelling of `å`: `aa` for `å` and the other way round (`aarhus` ↔
/// `århus`); `None` for a word with neither. The two are one letter (official spelling before
/// 1948, and in names today), so the query treats both as the word's own spelling.
pub fn aa_spelling(lower: &str) -> Option<String> {
    if lower.contains("aa") {
        Some(lower.replace("aa", "å"))
    } else if lower.contains('å') {
        Some(lower.replace('å', "aa"))
    } else {
        None
    }
}

/// True if folding can change a lowercased word: it has a non-ASCII letter or one of the ASCII
/// spellings the fold rewrites (`aa`, `ae`, `oe`). Only such words need the folded field; every
/// other word is already findable by its exact spelling.
pub fn respelled(lower: &str) -> bool {
    !lower.is_ascii() || lower.contains("aa") || lower.contains("ae") || lower.contains("oe")
}
