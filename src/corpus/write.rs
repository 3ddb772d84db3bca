//! The corpus's writers, for the admin API and page: files added whole, durably and never over
//! one another, documents removed, and the leftovers of killed uploads cleaned away. The names
//! they are given were made safe by [`super::names`].
//!
//! An upload is written to a temporary file of its own with a random hidden name
//! (`.vidensbase-XXXXXXXXXXXX.upload`, which the walk skips), flushed to disk, and then renamed to
//! its name without ever replacing an existing file (`renameat2(RENAME_NOREPLACE)`, or a hard link
//! where the file system lacks it: `tempfile`'s `persist_noclobber`): parallel uploads of one name
//! each get a number of their own, and the folder is flushed before the upload is confirmed. A
//! server killed midway leaves its temporary file; [`clean_uploads`] removes such files when the
//! server starts (one server writes a corpus folder at a time).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::doc_id;
use super::names::numbered;
use crate::format::Format;

/// What an upload's temporary file is called: `.vidensbase-` + random + `.upload`.
const TEMP_PREFIX: &str = ".vidensbase-";
const TEMP_SUFFIX: &str = ".upload";

/// Numbered names tried before an upload gives up (`rapport-2.pdf` … `rapport-10000.pdf`).
const MAX_NUMBER: usize = 10_000;

/// Why an upload could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// Something in the corpus is in the way (a file where the category folder would be, a
    /// category folder that is a link out of the corpus, numbered names used up); the message is
    /// for the uploader.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Writes a new document into the corpus, in `category`'s folder (the root for none), and
/// returns its id. A name that exists gets a number (`rapport-2.pdf`) unless `replace`. `name`
/// and `category` are what [`super::safe_file_name`] and [`super::safe_category`] made. The
/// file appears whole or not at all, and is on disk, with its folder entry, when this returns.
pub fn add_file(
    root: &Path,
    category: Option<&str>,
    name: &str,
    bytes: &[u8],
    replace: bool,
) -> Result<String, AddError> {
    let folder = category_folder(root, category)?;
    let mut temporary = temporary_in(&folder)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    let target = if replace {
        let target = folder.join(name);
        temporary.persist(&target).map_err(|e| {
            if target.is_dir() {
                AddError::Conflict(format!("{name:?} is the name of a folder in the corpus"))
            } else {
                e.error.into()
            }
        })?;
        target
    } else {
        place(temporary, &folder, name)?
    };
    sync_folder(&folder)?;
    doc_id(root, &target)
        .ok_or_else(|| AddError::Io(std::io::Error::other("file name is not valid UTF-8")))
}

/// A new temporary file in `folder` for an upload, with a random hidden name and the
/// permissions `std::fs::write` gives a new file (tempfile's own are the owner's only).
fn temporary_in(folder: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(12)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(folder)
}

/// Renames `temporary` to `name` in `folder`, or to the first numbered name free, never over an
/// existing file (the check and the rename are one step, so parallel uploads cannot both win).
fn place(
    mut temporary: tempfile::NamedTempFile,
    folder: &Path,
    name: &str,
) -> Result<PathBuf, AddError> {
    for n in 1..=MAX_NUMBER {
        let target = folder.join(numbered(name, n));
        match temporary.persist_noclobber(&target) {
            Ok(_) => return Ok(target),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temporary = e.file,
            Err(e) => return Err(e.error.into()),
        }
    }
    Err(AddError::Conflict(format!(
        "{MAX_NUMBER} files are called {name:?} already"
    )))
}

/// The folder an upload goes to, made when missing: the root, or the category's folder, which
/// must be a folder (not a file) inside the corpus (not a symbolic link leading out).
fn category_folder(root: &Path, category: Option<&str>) -> Result<PathBuf, AddError> {
    std::fs::create_dir_all(root)?;
    let Some(category) = category else {
        return Ok(root.to_path_buf());
    };
    let folder = root.join(category);
    match std::fs::create_dir(&folder) {
        Ok(()) => sync_folder(root)?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e.into()),
    }
    let in_the_way = |what: &str| {
        AddError::Conflict(format!("the category {category:?} cannot be used: {what}"))
    };
    match std::fs::metadata(&folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(in_the_way("a file in the corpus has that name")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(in_the_way("it is a symbolic link that leads nowhere"))
        }
        Err(e) => return Err(e.into()),
    }
    let inside = std::fs::canonicalize(&folder)?.starts_with(std::fs::canonicalize(root)?);
    if !inside {
        return Err(in_the_way(
            "its folder is a symbolic link that leads out of the corpus",
        ));
    }
    Ok(folder)
}

/// Flushes a folder's entries to disk (a new or renamed file's name survives a power cut).
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::File::open(folder)?.sync_all()
}

/// The file of document `id` inside the corpus folder; `None` when `id` is no document (a
/// hidden file, a kind the walk does not read such as `kategorier.tsv`, a folder) or there is no
/// such file inside the corpus folder.
fn document_file(root: &Path, id: &str) -> Option<PathBuf> {
    let document = !id
        .split('/')
        .any(|part| matches!(part, "" | "." | "..") || part.starts_with('.'))
        && Format::from_path(Path::new(id)).is_some();
    if !document {
        return None;
    }
    let path = root.join(id);
    let inside = match (std::fs::canonicalize(root), std::fs::canonicalize(&path)) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    };
    (inside && path.is_file()).then_some(path)
}

/// Removes document `id`'s file from the corpus; `Ok(false)` when there is no such document
/// ([`document_file`]).
pub fn remove_file(root: &Path, id: &str) -> std::io::Result<bool> {
    let Some(path) = document_file(root, id) else {
        return Ok(false);
    };
    std::fs::remove_file(&path)?;
    if let Some(folder) = path.parent() {
        sync_folder(folder)?;
    }
    Ok(true)
}

/// Where document `id` goes in category `category` (`None`: the corpus root): the category's
/// folder, under the same file name.
pub fn moved_id(id: &str, category: Option<&str>) -> String {
    let name = id.rsplit('/').next().unwrap_or(id);
    match category {
        Some(c) => format!("{c}/{name}"),
        None => name.to_string(),
    }
}

/// Moves document `id` into category `category` ([`moved_id`]); its new id. Never replaces a
/// file: a name taken there is a conflict. `Ok(None)` when there is no such document.
pub fn move_file(
    root: &Path,
    id: &str,
    category: Option<&str>,
) -> Result<Option<String>, AddError> {
    let Some(from) = document_file(root, id) else {
        return Ok(None);
    };
    let to_id = moved_id(id, category);
    if to_id == id {
        return Ok(Some(to_id));
    }
    // A link moved as a link may lead nowhere from its new folder: its target is what to move.
    if std::fs::symlink_metadata(root.join(id))?
        .file_type()
        .is_symlink()
    {
        return Err(AddError::Conflict(format!(
            "{id} is a symbolic link; move the file it leads to"
        )));
    }
    let folder = category_folder(root, category)?;
    let to = folder.join(to_id.rsplit('/').next().unwrap_or(&to_id));
    // A hard link is made only where no file is: the move cannot overwrite one.
    match std::fs::hard_link(&from, &to) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(AddError::Conflict(format!("{to_id} exists already")))
        }
        Err(e) => return Err(e.into()),
    }
    // Both names exist now; unless the old one goes, the new one goes again (never two copies,
    // one of them without the rules of the other).
    let unlinked = sync_folder(&folder).and_then(|()| std::fs::remove_file(&from));
    if let Err(e) = unlinked {
        let _ = std::fs::remove_file(&to);
        return Err(e.into());
    }
    if let Some(old) = from.parent() {
        sync_folder(old)?;
    }
    Ok(Some(to_id))
}

/// Removes what killed uploads left: hidden `*.upload` files in the corpus root and its
/// category folders (where uploads are written; hidden folders and links are not entered).
/// The files removed; what could not be removed goes to `warn`.
pub fn clean_uploads(root: &Path, mut warn: impl FnMut(String)) -> Vec<PathBuf> {
    let entries = |folder: &Path| -> Vec<std::fs::DirEntry> {
        std::fs::read_dir(folder)
            .map(|entries| entries.flatten().collect())
            .unwrap_or_default()
    };
    let hidden = |entry: &std::fs::DirEntry| entry.file_name().to_string_lossy().starts_with('.');
    let mut folders = vec![root.to_path_buf()];
    folders.extend(
        entries(root)
            .into_iter()
            .filter(|e| !hidden(e) && e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path()),
    );
    let mut removed = Vec::new();
    for folder in folders {
        for entry in entries(&folder) {
            let name = entry.file_name();
            let leftover = hidden(&entry)
                && name.len() > 1 + TEMP_SUFFIX.len()
                && name.to_string_lossy().ends_with(TEMP_SUFFIX)
                && entry.file_type().is_ok_and(|t| t.is_file());
            if !leftover {
                continue;
            }
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed.push(entry.path()),
                Err(e) => warn(format!("removing {}: {e}", entry.path().display())),
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_keeps_the_name_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        add_file(root, None, "plan.txt", b"plan", false).expect("add");
        add_file(root, Some("nyt"), "notat.txt", b"nyt notat", false).expect("add");
        add_file(root, Some("irm"), "notat.txt", b"irm notat", false).expect("add");
        let moved = move_file(root, "plan.txt", Some("nyt")).expect("move");
        assert_eq!(moved.as_deref(), Some("nyt/plan.txt"));
        assert!(!root.join("plan.txt").exists());
        assert_eq!(
            std::fs::read(root.join("nyt/plan.txt")).expect("read"),
            b"plan"
        );
        assert!(matches!(
            move_file(root, "irm/notat.txt", Some("nyt")),
            Err(AddError::Conflict(_))
        ));
        assert_eq!(
            std::fs::read(root.join("nyt/notat.txt")).expect("read"),
            b"nyt notat"
        );
        assert_eq!(
            std::fs::read(root.join("irm/notat.txt")).expect("read"),
            b"irm notat"
        );
        let back = move_file(root, "nyt/plan.txt", None).expect("move");
        assert_eq!(back.as_deref(), Some("plan.txt"));
        assert!(move_file(root, "../x.txt", None)
            .expect("no such")
            .is_none());
        assert!(move_file(root, "findes-ikke.txt", None)
            .expect("no such")
            .is_none());
        std::os::unix::fs::symlink("irm/notat.txt", root.join("link.txt")).expect("link");
        assert!(matches!(
            move_file(root, "link.txt", Some("nyt")),
            Err(AddError::Conflict(_))
        ));
        assert!(root.join("link.txt").exists() && !root.join("nyt/link.txt").exists());
    }

    #[test]
    fn added_files_never_overwrite_unless_asked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let add = |bytes: &[u8], replace| {
            add_file(root, Some("irm"), "notat.txt", bytes, replace).expect("add")
        };
        assert_eq!(add(b"en", false), "irm/notat.txt");
        assert_eq!(add(b"to", false), "irm/notat-2.txt");
        assert_eq!(add(b"tre", true), "irm/notat.txt");
        assert_eq!(
            std::fs::read(root.join("irm/notat.txt")).expect("read"),
            b"tre"
        );
        assert_eq!(
            std::fs::read(root.join("irm/notat-2.txt")).expect("read"),
            b"to"
        );
        // No temporary file is left, and the file is readable like any other.
        let names: Vec<String> = std::fs::read_dir(root.join("irm"))
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(root.join("irm/notat.txt"))
            .expect("stat")
            .permissions()
            .mode();
        let umask_allows_reading = std::fs::metadata(root.join("irm"))
            .expect("stat")
            .permissions()
            .mode()
            & 0o004
            != 0;
        assert!(!umask_allows_reading || mode & 0o004 != 0, "{mode:o}");
    }

    #[test]
    fn parallel_adds_of_one_name_each_get_their_own_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let ids: Vec<(String, Vec<u8>)> = std::thread::scope(|scope| {
            let adds: Vec<_> = (0..16)
                .map(|n| {
                    scope.spawn(move || {
                        let bytes = format!("upload {n}\n").repeat(5000).into_bytes();
                        let id =
                            add_file(root, Some("irm"), "samme.txt", &bytes, false).expect("add");
                        (id, bytes)
                    })
                })
                .collect();
            adds.into_iter()
                .map(|a| a.join().expect("thread"))
                .collect()
        });
        let distinct: std::collections::HashSet<&String> = ids.iter().map(|(id, _)| id).collect();
        assert_eq!(distinct.len(), ids.len());
        for (id, bytes) in &ids {
            assert!(
                std::fs::read(root.join(id)).expect("read") == *bytes,
                "{id}"
            );
        }
    }

    #[test]
    fn categories_in_the_way_are_conflicts_and_nothing_is_written_out_of_the_corpus() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("corpus");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(root.join("irm")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::fs::write(root.join("notat.txt"), "n").expect("write");
        std::os::unix::fs::symlink(&outside, root.join("ud")).expect("ln");
        std::os::unix::fs::symlink(root.join("irm"), root.join("alias")).expect("ln");
        std::os::unix::fs::symlink(dir.path().join("ingen"), root.join("brudt")).expect("ln");
        for category in ["notat.txt", "ud", "brudt"] {
            let added = add_file(&root, Some(category), "a.txt", b"a", false);
            assert!(
                matches!(added, Err(AddError::Conflict(_))),
                "{category}: {added:?}"
            );
        }
        assert_eq!(std::fs::read_dir(&outside).expect("ls").count(), 0);
        // A link to a folder inside the corpus is a folder of the corpus.
        let id = add_file(&root, Some("alias"), "a.txt", b"a", false).expect("add");
        assert_eq!(id, "alias/a.txt");
        assert!(root.join("irm/a.txt").exists());
        // A folder with the file's name: a number without `replace`, a conflict with it.
        std::fs::create_dir_all(root.join("irm/mappe.txt")).expect("mkdir");
        let id = add_file(&root, Some("irm"), "mappe.txt", b"m", false).expect("add");
        assert_eq!(id, "irm/mappe-2.txt");
        let replaced = add_file(&root, Some("irm"), "mappe.txt", b"m", true);
        assert!(
            matches!(replaced, Err(AddError::Conflict(_))),
            "{replaced:?}"
        );
    }

    #[test]
    fn only_documents_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("irm/.git")).expect("mkdir");
        for file in [
            "kategorier.tsv",
            ".skjult.txt",
            "irm/.git/a.txt",
            "irm/a.doc",
            "irm/b.txt",
        ] {
            std::fs::write(root.join(file), "x").expect("write");
        }
        std::fs::write(dir.path().join("secret.txt"), "s").expect("write");
        for id in [
            "kategorier.tsv",
            ".skjult.txt",
            "irm/.git/a.txt",
            "irm/a.doc",
            "irm",
            "../secret.txt",
            "irm/../../secret.txt",
            "irm/ukendt.txt",
        ] {
            assert!(!remove_file(&root, id).expect("remove"), "{id}");
        }
        assert!(root.join("kategorier.tsv").exists());
        assert!(dir.path().join("secret.txt").exists());
        assert!(remove_file(&root, "irm/b.txt").expect("remove"));
        assert!(!root.join("irm/b.txt").exists());
        assert!(!remove_file(&root, "irm/b.txt").expect("remove"));
    }

    #[test]
    fn leftovers_of_uploads_are_cleaned_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("corpus");
        let outside = dir.path().join("outside");
        for folder in ["irm/dybere", ".git"] {
            std::fs::create_dir_all(root.join(folder)).expect("mkdir");
        }
        std::fs::create_dir_all(root.join(".mappe.upload")).expect("mkdir");
        std::fs::create_dir_all(&outside).expect("mkdir");
        std::os::unix::fs::symlink(&outside, root.join("ud")).expect("ln");
        let leftovers = [".vidensbase-AbCdEf123456.upload", "irm/.notat.txt.upload"];
        let kept = [
            ".gitignore",
            "rapport.upload",
            ".upload",
            "irm/dybere/.x.upload",
            ".git/.x.upload",
            "irm/a.txt",
        ];
        for file in leftovers.iter().chain(&kept) {
            std::fs::write(root.join(file), "x").expect("write");
        }
        std::fs::write(outside.join(".x.upload"), "x").expect("write");
        let mut removed = clean_uploads(&root, |w| panic!("{w}"));
        removed.sort();
        let mut expected: Vec<PathBuf> = leftovers.iter().map(|f| root.join(f)).collect();
        expected.sort();
        assert_eq!(removed, expected);
        for file in kept {
            assert!(root.join(file).exists(), "{file}");
        }
        assert!(root.join(".mappe.upload").is_dir());
        assert!(outside.join(".x.upload").exists());
    }

    #[test]
    fn the_temporary_name_is_one_the_cleaning_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, path) = temporary_in(dir.path())
            .expect("temporary")
            .keep()
            .expect("keep");
        assert_eq!(clean_uploads(dir.path(), |w| panic!("{w}")), [path]);
    }
}
