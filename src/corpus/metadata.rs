//! Metadata an editor set, as the corpus says it: the file `metadata.tsv` in the corpus folder,
//! one document a line, `id<TAB>title<TAB>date<TAB>source<TAB>type`. An empty cell keeps what
//! extraction found in the file; a filled one replaces it, in the index and everywhere it shows
//! (results, the document page, the feed, the title's terms in search).
//!
//! The file is the source of truth like the documents are: a rebuild gives the same index, and an
//! editor can keep it in version control or edit it in a spreadsheet. It is read once per sync; a
//! change to it makes the watcher sync everything, and each document whose line changed is read
//! again ([`Edits::code`] goes into the code stored beside its stamp, [`super::Rules::code`]).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::date::Date;
use crate::extract::Extracted;
use crate::format::Kind;

/// The metadata file in the corpus folder (not a document: `.tsv` is no format that is indexed).
pub const METADATA_FILE: &str = "metadata.tsv";

/// What an editor set for one document; `None` keeps the extracted value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Edits {
    pub title: Option<String>,
    pub date: Option<Date>,
    /// Publisher or source (`Digitaliseringsstyrelsen`).
    pub source: Option<String>,
    /// The document type of the type filter (an HTML export of a Word document filed as Word).
    pub kind: Option<Kind>,
}

impl Edits {
    pub fn is_empty(&self) -> bool {
        *self == Edits::default()
    }

    /// A number that changes when the edits do; 0 for none.
    pub fn code(&self) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut hasher = rustc_hash::FxHasher::default();
        self.hash(&mut hasher);
        hasher.finish() | 1
    }

    /// The extracted document with the editor's values in place of the file's.
    pub fn apply(&self, doc: &mut Extracted) {
        if let Some(title) = &self.title {
            doc.title.clone_from(title);
        }
        if self.date.is_some() {
            doc.date = self.date;
        }
        if let Some(source) = &self.source {
            doc.source = Some(source.clone());
        }
        if self.kind.is_some() {
            doc.kind = self.kind;
        }
    }

    fn line(&self, id: &str) -> String {
        let cell = |v: Option<&str>| v.map(one_line).unwrap_or_default();
        format!(
            "{}\t{}\t{}\t{}\t{}\n",
            super::table::id_cell(id),
            cell(self.title.as_deref()),
            self.date.map(|d| d.to_string()).unwrap_or_default(),
            cell(self.source.as_deref()),
            self.kind.map(Kind::code).unwrap_or_default(),
        )
    }
}

/// A value on one line of a table: tabs and line breaks become spaces.
fn one_line(value: &str) -> String {
    value
        .split(['\t', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The metadata file of a corpus folder, read.
#[derive(Debug, Clone, Default)]
pub struct Metadata(HashMap<String, Edits>);

impl Metadata {
    /// The metadata of the corpus folder `corpus`; none without the file. A line that does not
    /// parse is ignored with a warning; a file that is there but cannot be read is an error.
    pub fn load(corpus: &Path) -> std::io::Result<Metadata> {
        let path = corpus.join(METADATA_FILE);
        let Some(text) = super::table::read_text(&path)? else {
            return Ok(Metadata::default());
        };
        let mut edits = HashMap::new();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            if line.trim_start().starts_with('#') {
                continue;
            }
            match parse_line(line) {
                Some((id, e)) => {
                    edits.insert(id, e);
                }
                None => tracing::warn!("{}: not metadata, ignored: {line:?}", path.display()),
            }
        }
        Ok(Metadata(edits))
    }

    /// What an editor set for document `id`.
    pub fn get(&self, id: &str) -> Option<&Edits> {
        self.0.get(id)
    }
}

fn parse_line(line: &str) -> Option<(String, Edits)> {
    let mut cells = line.split('\t').map(str::trim);
    let id = cells.next()?.trim_start_matches("./").to_string();
    let mut text = || cells.next().filter(|c| !c.is_empty()).map(str::to_string);
    let (title, date, source, kind) = (text(), text(), text(), text());
    let edits = Edits {
        title,
        date: match date {
            Some(d) => Some(Date::parse(&d)?),
            None => None,
        },
        source,
        kind: match kind {
            Some(k) => Some(Kind::parse(&k)?),
            None => None,
        },
    };
    (!id.is_empty() && !edits.is_empty()).then_some((id, edits))
}

/// Sets (or with empty edits removes) the line of document `id`, keeping every other line; the
/// file is replaced in one step.
pub fn set_metadata(corpus: &Path, id: &str, edits: &Edits) -> std::io::Result<()> {
    let names_it = |line: &str| {
        let cell = line.split('\t').next().unwrap_or_default().trim();
        cell.trim_start_matches("./") == id
    };
    let add = (!edits.is_empty()).then(|| edits.line(id));
    super::table::rewrite(&corpus.join(METADATA_FILE), HEADER, id, names_it, add)
}

const HEADER: &str = "\
# Metadata sat af en redaktør; en tom celle beholder filens egen værdi. type: pdf|office|web|text
# Metadata set by an editor; an empty cell keeps the file's own value.
# dokument\ttitel\tdato\tkilde\ttype
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_sets_some_fields_and_keeps_the_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(METADATA_FILE),
            "# header\nnyt/plan.pdf\tHandleplan 2024\t2024-03-01\t\tweb\n\
             x.md\t\t\tKL\n\
             bad.md\t\t31. februar 2024\n\
             tom.md\t\t\t\t\n",
        )
        .expect("write");
        let m = Metadata::load(dir.path()).expect("load");
        let plan = m.get("nyt/plan.pdf").expect("plan");
        assert_eq!(plan.title.as_deref(), Some("Handleplan 2024"));
        assert_eq!(plan.date, Date::ymd(2024, 3, 1));
        assert_eq!(plan.source, None);
        assert_eq!(plan.kind, Some(Kind::Web));
        assert_eq!(m.get("x.md").and_then(|e| e.source.as_deref()), Some("KL"));
        assert!(m.get("bad.md").is_none(), "an impossible date is no edit");
        assert!(m.get("tom.md").is_none());

        let mut doc = Extracted {
            title: "plan".into(),
            source: Some("Kommunen".into()),
            ..Extracted::default()
        };
        plan.apply(&mut doc);
        assert_eq!(doc.title, "Handleplan 2024");
        assert_eq!(doc.source.as_deref(), Some("Kommunen"));
        assert_eq!(doc.kind, Some(Kind::Web));
        assert_ne!(plan.code(), 0);
        assert_eq!(Edits::default().code(), 0);
    }

    #[test]
    fn setting_moving_and_clearing_keep_the_other_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let edits = Edits {
            title: Some("Plan\tmed\nlinjeskift".into()),
            source: Some("KL".into()),
            ..Edits::default()
        };
        set_metadata(dir.path(), "a.md", &edits).expect("set");
        set_metadata(dir.path(), "#b.md", &edits).expect("set");
        let m = Metadata::load(dir.path()).expect("load");
        assert_eq!(
            m.get("a.md").and_then(|e| e.title.as_deref()),
            Some("Plan med linjeskift")
        );
        assert!(m.get("#b.md").is_some());
        set_metadata(dir.path(), "nyt/a.md", &edits).expect("set");
        set_metadata(dir.path(), "a.md", &Edits::default()).expect("clear");
        let m = Metadata::load(dir.path()).expect("load");
        assert!(m.get("a.md").is_none());
        assert_eq!(
            m.get("nyt/a.md").and_then(|e| e.source.as_deref()),
            Some("KL")
        );
        set_metadata(dir.path(), "nyt/a.md", &Edits::default()).expect("clear");
        set_metadata(dir.path(), "#b.md", &Edits::default()).expect("clear");
        let text = std::fs::read_to_string(dir.path().join(METADATA_FILE)).expect("read");
        assert_eq!(text, HEADER);
    }
}
