//! Who may open a document, as the corpus says it: the rules file `synlighed.tsv` in the corpus
//! folder, one rule a line, `path<TAB>intern` or `path<TAB>offentlig`, and a fourth column of the
//! category table (`kategorier.tsv`: `folder<TAB>Danish name<TAB>English name<TAB>intern`), a
//! rule for that category's folder (the rules file's own rule for the same folder wins).
//!
//! A path names a folder (`møder/`, everything under it; `*` for the whole corpus) or one
//! document (its id). A document's visibility is, from the most specific to the least: a rule
//! naming the document (what the admin page writes), the document's own front matter
//! (`visibility: intern`), the rule of its nearest folder, and public. The file is read once per
//! sync; a change to it makes the watcher sync everything, and each document whose rule changed
//! is indexed again ([`Rule::code`] is stored beside its stamp).

use std::path::Path;

use super::metadata::{Edits, Metadata};
use super::table::{self, read_text};
use crate::access::Visibility;

/// The rules file in the corpus folder.
pub const RULES_FILE: &str = "synlighed.tsv";
/// The category table in the corpus folder: display names of the category folders, and who may
/// see them (not a document: `.tsv` is no format that is indexed).
pub const CATEGORIES_FILE: &str = "kategorier.tsv";

/// What the rules file says of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rule {
    /// Nothing: its front matter, else public.
    #[default]
    None,
    /// The rule of a folder it is in: its front matter may say otherwise.
    Folder(Visibility),
    /// A rule naming the document itself: it wins.
    Document(Visibility),
}

impl Rule {
    /// The rule as a number, stored with the document so a sync sees a rule change.
    pub fn code(self) -> u64 {
        match self {
            Rule::None => 0,
            Rule::Folder(Visibility::Offentlig) => 1,
            Rule::Folder(Visibility::Intern) => 2,
            Rule::Document(Visibility::Offentlig) => 3,
            Rule::Document(Visibility::Intern) => 4,
        }
    }

    /// The visibility of a document under this rule whose front matter declares `declared`.
    pub fn decide(self, declared: Option<Visibility>) -> Visibility {
        match self {
            Rule::Document(v) => v,
            Rule::Folder(v) => declared.unwrap_or(v),
            Rule::None => declared.unwrap_or_default(),
        }
    }
}

/// The rules of a corpus folder: who may see what, and the metadata its editors set
/// ([`super::metadata`]).
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Paths without a trailing `/` (`""` for the whole corpus), with their visibility.
    entries: Vec<(String, Visibility)>,
    metadata: Metadata,
}

impl Rules {
    /// The rules of the corpus folder `corpus`; none when it has no rules file. A line that is
    /// no rule is ignored with a warning (a rule cannot be half-read into a wrong one); a file
    /// that is there but cannot be read is an error, never "no rules" (which would make every
    /// document public); a file in Windows-1252 rather than UTF-8 is read as such.
    pub fn load(corpus: &Path) -> std::io::Result<Rules> {
        let metadata = Metadata::load(corpus)?;
        Ok(Rules {
            metadata,
            ..Rules::load_visibility(corpus)?
        })
    }

    /// The visibility rules alone, for who may see what ([`Rules::rule`]): what a page that
    /// shows no metadata reads, without the metadata file.
    pub fn load_visibility(corpus: &Path) -> std::io::Result<Rules> {
        let mut entries = from_categories(corpus)?;
        let metadata = Metadata::default();
        let path = corpus.join(RULES_FILE);
        let Some(text) = read_text(&path)? else {
            return Ok(Rules { entries, metadata });
        };
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Some(entry) => entries.push(entry),
                None => tracing::warn!("{}: not a rule, ignored: {line:?}", path.display()),
            }
        }
        Ok(Rules { entries, metadata })
    }

    /// The metadata an editor set for document `id`.
    pub fn edits(&self, id: &str) -> Option<&Edits> {
        self.metadata.get(id)
    }

    /// What the corpus's rules say of document `id` as one number, stored beside its stamp: a
    /// sync reads a document again when it changes. Without metadata it is [`Rule::code`]. The
    /// top bit is never set: ingestion's, for a document waiting for OCR.
    pub fn code(&self, id: &str) -> u64 {
        let edits = self.edits(id).map_or(0, Edits::code);
        (self.rule(id).code() ^ (edits & !7)) & !(1 << 63)
    }

    /// What the rules say of document `id`: a rule naming it, else the rule of its nearest
    /// folder (the longest path that is a folder of it).
    pub fn rule(&self, id: &str) -> Rule {
        if let Some((_, v)) = self.entries.iter().rev().find(|(path, _)| path == id) {
            return Rule::Document(*v);
        }
        self.entries
            .iter()
            .filter(|(path, _)| {
                path.is_empty()
                    || id
                        .strip_prefix(path.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(path, _)| path.len())
            .map_or(Rule::None, |(_, v)| Rule::Folder(*v))
    }

    /// The paths (folders and documents) whose rule is internal: what a public status page
    /// must not name.
    pub fn internal_paths(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|(_, v)| *v == Visibility::Intern)
            .map(|(path, _)| path.as_str())
    }
}

/// The folder rules of the category table's fourth column.
fn from_categories(corpus: &Path) -> std::io::Result<Vec<(String, Visibility)>> {
    let text = read_text(&corpus.join(CATEGORIES_FILE))?.unwrap_or_default();
    Ok(text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            let folder = cells.first().filter(|f| !f.is_empty())?;
            let visibility = Visibility::parse(cells.get(3)?)?;
            Some((folder.trim_end_matches('/').to_string(), visibility))
        })
        .collect())
}

fn parse_line(line: &str) -> Option<(String, Visibility)> {
    let (path, value) = line.rsplit_once(char::is_whitespace)?;
    let visibility = Visibility::parse(value)?;
    let path = path.trim().trim_start_matches("./").trim_start_matches('/');
    let path = path.trim_end_matches('/');
    let path = if path == "*" { "" } else { path };
    (!path.is_empty() || line.trim_start().starts_with(['*', '/', '.']))
        .then(|| (path.to_string(), visibility))
}

/// Sets (or with `None` removes) the rule naming document `id` in the rules file of `corpus`,
/// keeping every other line; the file is replaced in one step, so the watcher and a sync read
/// the old rules or the new ones.
pub fn set_document_rule(
    corpus: &Path,
    id: &str,
    visibility: Option<Visibility>,
) -> std::io::Result<()> {
    let names_it = |line: &str| parse_line(line.trim()).is_some_and(|(path, _)| path == id);
    let add = visibility.map(|v| format!("{}\t{}\n", table::id_cell(id), v.code()));
    table::rewrite(&corpus.join(RULES_FILE), HEADER, id, names_it, add)
}

const HEADER: &str = "\
# Hvem må se hvad: sti<TAB>intern|offentlig. En mappe (med / til sidst) gælder alt i den.
# Who may see what: path<TAB>intern|offentlig. A folder (ending in /) covers all it holds.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Rules {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(RULES_FILE), text).expect("rules");
        Rules::load(dir.path()).expect("rules")
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let r =
            rules("# comment\nmøder/\tintern\nmøder/åbne/ offentlig\nmøder/åbne/x.md\tintern\n");
        assert_eq!(r.rule("møder/a.md"), Rule::Folder(Visibility::Intern));
        assert_eq!(
            r.rule("møder/åbne/a.md"),
            Rule::Folder(Visibility::Offentlig)
        );
        assert_eq!(
            r.rule("møder/åbne/x.md"),
            Rule::Document(Visibility::Intern)
        );
        assert_eq!(r.rule("møder-arkiv/a.md"), Rule::None);
        assert_eq!(r.rule("a.md"), Rule::None);
    }

    #[test]
    fn a_rules_file_in_windows_1252_or_with_a_leading_slash_still_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(RULES_FILE),
            b"m\xf8der/\tintern\n/raad/\tintern\n",
        )
        .expect("rules");
        let r = Rules::load(dir.path()).expect("rules");
        assert_eq!(r.rule("møder/a.md"), Rule::Folder(Visibility::Intern));
        assert_eq!(r.rule("raad/a.md"), Rule::Folder(Visibility::Intern));
        // A rules file that is there but cannot be read is no "no rules".
        std::fs::remove_file(dir.path().join(RULES_FILE)).expect("remove");
        std::fs::create_dir(dir.path().join(RULES_FILE)).expect("a folder in its place");
        assert!(Rules::load(dir.path()).is_err());
    }

    #[test]
    fn a_star_covers_the_corpus_and_bad_lines_are_no_rules() {
        let r = rules("*\tintern\nnyt/\toffentlig\nhalv linje\nx.md\themmelig\n");
        assert_eq!(r.rule("a.md"), Rule::Folder(Visibility::Intern));
        assert_eq!(r.rule("nyt/b.md"), Rule::Folder(Visibility::Offentlig));
        assert_eq!(r.rule("x.md"), Rule::Folder(Visibility::Intern));
        assert_eq!(r.internal_paths().collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn the_category_table_makes_folders_internal_and_the_rules_file_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(CATEGORIES_FILE),
            "# mappe\tdansk\tengelsk\tsynlighed\nmoeder\tMøder\tMeetings\tintern\n\
             nyt\tNyt\tNews\nraad\tRåd\tCouncil\tintern\n",
        )
        .expect("table");
        std::fs::write(dir.path().join(RULES_FILE), "raad/\toffentlig\n").expect("rules");
        let r = Rules::load(dir.path()).expect("rules");
        assert_eq!(r.rule("moeder/a.md"), Rule::Folder(Visibility::Intern));
        assert_eq!(r.rule("nyt/a.md"), Rule::None);
        assert_eq!(r.rule("raad/a.md"), Rule::Folder(Visibility::Offentlig));
    }

    #[test]
    fn a_document_rule_beats_front_matter_which_beats_a_folder_rule() {
        use Visibility::*;
        assert_eq!(Rule::Document(Offentlig).decide(Some(Intern)), Offentlig);
        assert_eq!(Rule::Folder(Offentlig).decide(Some(Intern)), Intern);
        assert_eq!(Rule::Folder(Intern).decide(None), Intern);
        assert_eq!(Rule::None.decide(None), Offentlig);
    }

    #[test]
    fn a_document_rule_is_set_and_removed_keeping_the_rest() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(RULES_FILE), "# mine\nmøder/\tintern\n").expect("rules");
        set_document_rule(dir.path(), "nyt/a.md", Some(Visibility::Intern)).expect("rules");
        set_document_rule(dir.path(), "nyt/a.md", Some(Visibility::Offentlig)).expect("rules");
        let r = Rules::load(dir.path()).expect("rules");
        assert_eq!(r.rule("nyt/a.md"), Rule::Document(Visibility::Offentlig));
        assert_eq!(r.rule("møder/b.md"), Rule::Folder(Visibility::Intern));
        set_document_rule(dir.path(), "#plan.md", Some(Visibility::Intern)).expect("rules");
        let r = Rules::load(dir.path()).expect("rules");
        assert_eq!(r.rule("#plan.md"), Rule::Document(Visibility::Intern));
        set_document_rule(dir.path(), "#plan.md", None).expect("rules");
        set_document_rule(dir.path(), "nyt/a.md", None).expect("rules");
        let text = std::fs::read_to_string(dir.path().join(RULES_FILE)).expect("rules");
        assert_eq!(text, "# mine\nmøder/\tintern\n");
        set_document_rule(&dir.path().join("none"), "a.md", None).expect_err("no folder");
    }
}
