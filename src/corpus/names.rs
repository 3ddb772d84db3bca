//! Uploaded file names and categories made into safe path components.
//!
//! A name or category as an uploader sent it becomes one path component: its last component
//! only, in Unicode NFC (a decomposed `på.txt` from macOS and a composed one are one name), with
//! no leading dots (the walk skips hidden files), at most [`MAX_NAME_BYTES`] bytes (what a file
//! name holds on Linux file systems). A control character anywhere in it (C0, DEL, C1, the
//! bidirectional controls such as U+202E that make `fdp.exe` look like `exe.pdf`, line and
//! paragraph separators, zero-width spaces) refuses it rather than being dropped silently. A
//! numbered copy's name (`rapport-2.pdf`) is shortened to fit as well.

use unicode_normalization::UnicodeNormalization;

/// The longest file or folder name, in bytes of UTF-8 (`NAME_MAX` on Linux).
pub const MAX_NAME_BYTES: usize = 255;

/// Why an uploaded file name or category is refused; the message is for the uploader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadName {
    #[error("the {0} is empty")]
    Empty(&'static str),
    #[error("the {what} is {bytes} bytes long in UTF-8; at most {MAX_NAME_BYTES} fit")]
    TooLong { what: &'static str, bytes: usize },
    #[error("the {what} contains the control character U+{code:04X}")]
    Control { what: &'static str, code: u32 },
    #[error("a category is one folder name, without / or \\")]
    NotOneFolder,
}

/// Whether `c` may not appear in a name: controls (C0, DEL, C1), the bidirectional formatting
/// characters, line and paragraph separators, and invisible spaces.
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// One path component from what an uploader sent as `what`: NFC, checked, trimmed, without
/// leading dots.
fn component(sent: &str, what: &'static str) -> Result<String, BadName> {
    let normal: String = sent.nfc().collect();
    if let Some(c) = normal.chars().find(|&c| forbidden(c)) {
        return Err(BadName::Control {
            what,
            code: c.into(),
        });
    }
    let name = normal.trim().trim_start_matches('.').trim_start();
    if name.is_empty() {
        return Err(BadName::Empty(what));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(BadName::TooLong {
            what,
            bytes: name.len(),
        });
    }
    Ok(name.to_string())
}

/// A file name as an uploader sent it, made safe to write into the corpus: its last path
/// component only (no folders, no `..`), in NFC, checked and trimmed as the module says.
pub fn safe_file_name(name: &str) -> Result<String, BadName> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    component(last, "file name")
}

/// A category as an uploader sent it: one folder name, made safe like a file name; `None` for
/// none (the corpus root).
pub fn safe_category(category: &str) -> Result<Option<String>, BadName> {
    if category.trim().is_empty() {
        return Ok(None);
    }
    if category.contains(['/', '\\']) {
        return Err(BadName::NotOneFolder);
    }
    component(category, "category").map(Some)
}

/// `name` for `n` = 1, else `stem-n.ext`, with the stem shortened (at a character) so the name
/// stays within [`MAX_NAME_BYTES`].
pub(super) fn numbered(name: &str, n: usize) -> String {
    if n == 1 {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let suffix = format!("-{n}{ext}");
    let mut end = MAX_NAME_BYTES.saturating_sub(suffix.len()).min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &stem[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_are_made_safe() {
        let name = |n: &str| safe_file_name(n);
        assert_eq!(name("rapport.pdf").as_deref(), Ok("rapport.pdf"));
        assert_eq!(name("../../etc/passwd").as_deref(), Ok("passwd"));
        assert_eq!(
            name("C:\\Users\\x\\notat.docx").as_deref(),
            Ok("notat.docx")
        );
        assert_eq!(name("/abs/path/å b.txt").as_deref(), Ok("å b.txt"));
        assert_eq!(name(".skjult.txt").as_deref(), Ok("skjult.txt"));
        assert_eq!(name(".."), Err(BadName::Empty("file name")));
        assert_eq!(name("a/"), Err(BadName::Empty("file name")));
        // Decomposed letters are composed: one name, however the client's system spells it.
        assert_eq!(name("pa\u{30a}.txt").as_deref(), Ok("p\u{e5}.txt"));
        assert_eq!(
            name("a\u{0}b.txt"),
            Err(BadName::Control {
                what: "file name",
                code: 0
            })
        );
        for bad in [
            "a\nb.txt",
            "rapport\u{202e}fdp.exe",
            "a\u{2066}b.txt",
            "a\u{85}.txt",
        ] {
            assert!(matches!(name(bad), Err(BadName::Control { .. })), "{bad:?}");
        }
        // 255 bytes fit, 256 do not, whatever the characters.
        assert!(name(&format!("{}.txt", "a".repeat(251))).is_ok());
        assert_eq!(
            name(&format!("{}.txt", "æ".repeat(126))),
            Err(BadName::TooLong {
                what: "file name",
                bytes: 256
            })
        );
    }

    #[test]
    fn categories_are_one_folder_name() {
        assert_eq!(safe_category("irm"), Ok(Some("irm".to_string())));
        assert_eq!(safe_category("  "), Ok(None));
        assert_eq!(safe_category("../irm"), Err(BadName::NotOneFolder));
        assert_eq!(safe_category("a\\b"), Err(BadName::NotOneFolder));
        assert_eq!(safe_category(".."), Err(BadName::Empty("category")));
        assert_eq!(
            safe_category("pa\u{30a}ske"),
            Ok(Some("p\u{e5}ske".to_string()))
        );
        assert!(matches!(
            safe_category("a\u{202e}b"),
            Err(BadName::Control { .. })
        ));
        assert!(matches!(
            safe_category(&"ø".repeat(128)),
            Err(BadName::TooLong { bytes: 256, .. })
        ));
    }

    #[test]
    fn numbered_names_fit_in_a_file_name() {
        assert_eq!(numbered("notat.txt", 1), "notat.txt");
        assert_eq!(numbered("notat.txt", 2), "notat-2.txt");
        assert_eq!(numbered("README", 3), "README-3");
        assert_eq!(numbered(".txt", 2), ".txt-2");
        let long = format!("{}.txt", "å".repeat(125)); // 254 bytes
        let second = numbered(&long, 2);
        assert!(second.len() <= MAX_NAME_BYTES, "{}", second.len());
        assert!(
            second.ends_with("-2.txt") && second.starts_with('å'),
            "{second}"
        );
    }
}
