//! The small tables in the corpus folder that editors keep beside the documents (`synlighed.tsv`,
//! `metadata.tsv`): read as text (UTF-8, else Windows-1252, as spreadsheets save them), and
//! rewritten a line at a time by the admin page — every other line kept, the file replaced in one
//! step, one writer at a time within the process.

use std::path::Path;
use std::sync::Mutex;

/// A text file's contents (UTF-8, else Windows-1252); `None` when there is no file.
pub(super) fn read_text(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => encoding_rs::WINDOWS_1252
                .decode(e.as_bytes())
                .0
                .into_owned(),
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        )),
    }
}

/// Serialises the admin's changes to the tables within this process.
static WRITING: Mutex<()> = Mutex::new(());

/// Writes the table at `path` again (`header` when there is none yet): each line but a comment
/// that `drop` answers true for is left out, and `add` is appended. The line is about document
/// `id`, which must fit on a line of its own.
pub(super) fn rewrite(
    path: &Path,
    header: &str,
    id: &str,
    drop: impl Fn(&str) -> bool,
    add: Option<String>,
) -> std::io::Result<()> {
    if id.chars().any(char::is_control) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a document id with a control character has no line of its own",
        ));
    }
    let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    let old = read_text(path)?.unwrap_or_else(|| header.to_string());
    let mut text = String::new();
    for line in old.lines() {
        if line.trim_start().starts_with('#') || !drop(line) {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some(line) = add {
        text.push_str(&line);
    }
    crate::statefile::replace(path, text.as_bytes(), 0o644)
}

/// How a line names document `id`: `./` keeps an id that begins with `#` from reading as a
/// comment.
pub(super) fn id_cell(id: &str) -> String {
    if id.starts_with('#') {
        format!("./{id}")
    } else {
        id.to_string()
    }
}
