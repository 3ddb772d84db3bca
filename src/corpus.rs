//! The corpus folder: which files are documents, their ids, categories and change stamps.
//!
//! A document's id is its path relative to the corpus root with `/` separators; its category is
//! the first folder of that path (files directly in the root are `general`). Hidden files and
//! folders and files of unknown kinds are not documents. Walking reads only metadata: contents
//! are read later, and only for files whose size or modification time changed. The admin API's
//! writers are in `names` (uploaded names made safe) and `write` (files added and removed).

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::format::Format;

mod metadata;
mod names;
mod table;
mod visibility;
mod write;
pub use metadata::{set_metadata, Edits, Metadata, METADATA_FILE};
pub use names::{safe_category, safe_file_name, BadName, MAX_NAME_BYTES};
pub use visibility::{set_document_rule, Rule, Rules, CATEGORIES_FILE, RULES_FILE};
pub use write::{add_file, clean_uploads, move_file, moved_id, remove_file, AddError};

/// Category of documents placed directly in the corpus root.
pub const ROOT_CATEGORY: &str = "general";

/// One candidate document found in the corpus.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    pub id: String,
    pub path: PathBuf,
    pub category: String,
    pub format: Format,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime: u64,
    pub size: u64,
}

/// Lists the documents under `root`, sorted by id. Entries that cannot be read are reported
/// through `warn` and skipped, and so are symbolic links that lead out of the corpus folder (a
/// link to `/etc/passwd` must not become a searchable document). The folder walk is sequential;
/// the files' metadata (a `stat` each) is read in parallel.
pub fn walk(root: &Path, warn: impl FnMut(String)) -> Vec<CorpusFile> {
    let canonical_root = std::fs::canonicalize(root).ok();
    walk_from(root, root, canonical_root.as_deref(), warn)
}

/// The documents among `ids` and under them, taken as folders: what changed according to the
/// watcher. Ids that no longer exist give nothing (the sync finds those documents gone); hidden
/// paths and links leading out of the corpus are left out as [`walk`] leaves them out.
pub fn walk_ids(root: &Path, ids: &[String], mut warn: impl FnMut(String)) -> Vec<CorpusFile> {
    let canonical_root = std::fs::canonicalize(root).ok();
    let mut files = Vec::new();
    for id in ids {
        if id.split('/').any(|part| part.starts_with('.')) {
            continue;
        }
        let path = root.join(id);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !leads_inside(&path, canonical_root.as_deref()) {
            warn(format!(
                "skipping {}: a symbolic link that leads out of the corpus folder",
                path.display()
            ));
        } else if meta.is_dir() {
            files.extend(walk_from(root, &path, canonical_root.as_deref(), &mut warn));
        } else if let Some(format) = meta.is_file().then(|| Format::from_path(&path)).flatten() {
            match describe(root, path, format) {
                Ok(file) => files.push(file),
                Err(message) => warn(message),
            }
        }
    }
    files.sort_by(|a, b| a.id.cmp(&b.id));
    files.dedup_by(|a, b| a.id == b.id);
    files
}

/// The documents under `start` (the corpus root or a folder in it), with ids relative to `root`.
fn walk_from(
    root: &Path,
    start: &Path,
    canonical_root: Option<&Path>,
    mut warn: impl FnMut(String),
) -> Vec<CorpusFile> {
    let mut found = Vec::new();
    let mut outside = Vec::new();
    let walker = WalkDir::new(start)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if e.path_is_symlink() && !leads_inside(e.path(), canonical_root) {
                outside.push(e.path().to_path_buf());
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                warn(format!("skipping unreadable corpus entry: {err}"));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(format) = Format::from_path(entry.path()) {
            found.push((entry.into_path(), format));
        }
    }
    for path in outside {
        warn(format!(
            "skipping {}: a symbolic link that leads out of the corpus folder",
            path.display()
        ));
    }
    let described: Vec<Result<CorpusFile, String>> = found
        .into_par_iter()
        .map(|(path, format)| describe(root, path, format))
        .collect();
    let mut files = Vec::with_capacity(described.len());
    for file in described {
        match file {
            Ok(file) => files.push(file),
            Err(message) => warn(message),
        }
    }
    files.sort_by(|a, b| a.id.cmp(&b.id));
    files
}

/// Whether `path` (a link, or below one) resolves to a place inside the corpus root.
fn leads_inside(path: &Path, canonical_root: Option<&Path>) -> bool {
    match (std::fs::canonicalize(path), canonical_root) {
        (Ok(target), Some(root)) => target.starts_with(root),
        _ => false,
    }
}

/// A document file's id, category and change stamps (following a symbolic link).
fn describe(root: &Path, path: PathBuf, format: Format) -> Result<CorpusFile, String> {
    let Some(id) = doc_id(root, &path) else {
        return Err(format!(
            "skipping {}: path is not valid UTF-8",
            path.display()
        ));
    };
    let meta =
        std::fs::metadata(&path).map_err(|err| format!("skipping {}: {err}", path.display()))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Ok(CorpusFile {
        category: category_of(&id),
        id,
        path,
        format,
        mtime,
        size: meta.len(),
    })
}

/// `path` made absolute and free of `.`, `..` and symbolic links, so that paths given relative to
/// the working folder, with `./` or `..`, or through a link compare equal to the ones the file
/// system's change events and the walk report. The part that exists is resolved by the file
/// system (`canonicalize`); a tail that does not exist (a deleted file) is appended as written,
/// with `.` and `..` applied to it.
pub fn resolve(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut tail = Vec::new();
    loop {
        if let Ok(mut resolved) = std::fs::canonicalize(existing) {
            for part in tail.iter().rev() {
                match part {
                    std::path::Component::ParentDir => {
                        resolved.pop();
                    }
                    std::path::Component::Normal(name) => resolved.push(name),
                    _ => {}
                }
            }
            return resolved;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                tail.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// The id of the file at `path`: its path relative to `root`, `/`-separated.
pub fn doc_id(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The category of a document id: its first folder.
pub fn category_of(id: &str) -> String {
    match id.split_once('/') {
        Some((folder, _)) => folder.to_string(),
        None => ROOT_CATEGORY.to_string(),
    }
}

/// A readable fallback title from a file name: `civil-society_strategy.txt` → `civil society strategy`.
pub fn title_from_id(id: &str) -> String {
    let name = id.rsplit('/').next().unwrap_or(id);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.replace(['-', '_'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_categories() {
        let root = Path::new("/data/corpus");
        assert_eq!(
            doc_id(root, Path::new("/data/corpus/irm/dk0058.txt")).as_deref(),
            Some("irm/dk0058.txt")
        );
        assert_eq!(category_of("irm/dk0058.txt"), "irm");
        assert_eq!(category_of("a/b/c.md"), "a");
        assert_eq!(category_of("top.txt"), ROOT_CATEGORY);
        assert_eq!(title_from_id("news/nyt-om_ogp.txt"), "nyt om ogp");
    }

    #[test]
    fn resolved_paths_compare_equal_however_they_are_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real");
        std::fs::create_dir_all(real.join("news")).expect("mkdir");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let canonical = std::fs::canonicalize(&real).expect("canonical");
        assert_eq!(resolve(&real), canonical);
        assert_eq!(resolve(&link), canonical);
        assert_eq!(resolve(&real.join("news/..")), canonical);
        assert_eq!(resolve(&real.join("./news/./")), canonical.join("news"));
        // A file that does not exist (a deleted document) keeps its name under the resolved folder.
        assert_eq!(
            resolve(&link.join("news/gone.txt")),
            canonical.join("news/gone.txt")
        );
        assert_eq!(
            resolve(&link.join("gone/../news/x.txt")),
            canonical.join("news/x.txt")
        );
        // Relative to the working folder.
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(resolve(Path::new("Cargo.toml")), cwd.join("Cargo.toml"));
        assert!(resolve(Path::new("no-such-folder/x")).is_absolute());
    }

    #[test]
    fn walk_finds_documents_and_skips_hidden_and_unknown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("irm")).expect("mkdir");
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        std::fs::write(root.join("irm/a.txt"), "a").expect("write");
        std::fs::write(root.join("b.html"), "b").expect("write");
        std::fs::write(root.join("c.pdf"), "c").expect("write");
        std::fs::write(root.join("d.doc"), "d").expect("write");
        std::fs::write(root.join(".git/d.txt"), "d").expect("write");
        let ids: Vec<String> = walk(root, |_| {}).into_iter().map(|f| f.id).collect();
        assert_eq!(ids, ["b.html", "c.pdf", "irm/a.txt"]);
    }

    #[test]
    fn links_inside_the_corpus_are_followed_links_out_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("irm")).expect("mkdir");
        std::fs::write(root.join("irm/a.txt"), "a").expect("write");
        std::fs::write(dir.path().join("secret.txt"), "s").expect("write");
        std::fs::create_dir_all(dir.path().join("outside")).expect("mkdir");
        std::fs::write(dir.path().join("outside/b.txt"), "b").expect("write");
        std::os::unix::fs::symlink(root.join("irm/a.txt"), root.join("inside.txt")).expect("ln");
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("secret.txt"))
            .expect("ln");
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("ude")).expect("ln");
        let mut warnings = Vec::new();
        let ids: Vec<String> = walk(&root, |w| warnings.push(w))
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(ids, ["inside.txt", "irm/a.txt"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings
            .iter()
            .all(|w| w.contains("leads out of the corpus")));
    }
}
