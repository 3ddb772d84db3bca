//! The editors' own synonyms and translations, beside the bundled glossary: the file
//! `synonymer.tsv` in the corpus folder, one entry a line,
//!
//! ```text
//! borgerinddragelse = medborgerskab          # synonyms: each finds the other, in either language
//! frivillighedspolitik <> volunteering policy  # a Danish–English pair the glossary lacks
//! ```
//!
//! The search side reads it again when it changes ([`Cached`]), so an entry works within a
//! search or two, without a rebuild; the admin page adds and removes entries; an editor may keep
//! the file in version control. Its expansions are shown like the glossary's ("Søgte også på").

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{key, lower_words, push_unique, Expansion, Glossary};
use crate::analysis::{stem_da, stem_en};
use crate::lang::Lang;

/// The file's name, in the corpus folder.
pub const FILE: &str = "synonymer.tsv";

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Two words or phrases that mean the same.
    Synonym(String, String),
    /// A Danish phrase and its English translation.
    Translation { da: String, en: String },
}

impl Entry {
    pub fn parse(line: &str) -> Option<Entry> {
        let line = line.split(" #").next()?.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let clean = |s: &str| lower_words(s).join(" ");
        let pair = |sep: &str| {
            let (a, b) = line.split_once(sep)?;
            let (a, b) = (clean(a), clean(b));
            (!a.is_empty() && !b.is_empty() && a != b).then_some((a, b))
        };
        if let Some((da, en)) = pair("<>").or_else(|| pair("↔")) {
            return Some(Entry::Translation { da, en });
        }
        pair("=").map(|(a, b)| Entry::Synonym(a, b))
    }

    /// The entry as a line of the file.
    pub fn line(&self) -> String {
        match self {
            Entry::Synonym(a, b) => format!("{a} = {b}"),
            Entry::Translation { da, en } => format!("{da} <> {en}"),
        }
    }
}

/// The entries of one file, ready to expand queries with.
#[derive(Debug, Default)]
pub struct Editorial {
    translations: Glossary,
    /// Danish-stem and English-stem keys → the synonyms' phrases.
    synonyms: HashMap<String, Vec<String>>,
    max_words: usize,
}

impl Editorial {
    pub fn of(entries: &[Entry]) -> Editorial {
        let mut tsv = String::new();
        let mut e = Editorial::default();
        for entry in entries {
            match entry {
                Entry::Translation { da, en } => tsv.push_str(&format!("{da}\t{en}\n")),
                Entry::Synonym(a, b) => {
                    for (from, to) in [(a, b), (b, a)] {
                        let words: Vec<String> = from.split(' ').map(str::to_string).collect();
                        e.max_words = e.max_words.max(words.len());
                        for k in [key(&words, stem_da), key(&words, stem_en)] {
                            push_unique(e.synonyms.entry(k).or_default(), to.clone());
                        }
                    }
                }
            }
        }
        e.translations = Glossary::parse(&tsv);
        e
    }

    /// The translations and synonyms of a query's lowercased words. A synonym is searched in
    /// both languages' fields (its language is not written down); only the one that matches a
    /// shown hit is named.
    pub fn expand(&self, words: &[String]) -> Vec<Expansion> {
        let mut out = self.translations.expand(words);
        for start in 0..words.len() {
            let longest = self.max_words.min(words.len() - start);
            for len in 1..=longest {
                let span = &words[start..start + len];
                let keys = [key(span, stem_da), key(span, stem_en)];
                let mut phrases: Vec<&String> = keys
                    .iter()
                    .filter_map(|k| self.synonyms.get(k))
                    .flatten()
                    .collect();
                phrases.dedup();
                for phrase in phrases {
                    for lang in Lang::ALL {
                        out.push(Expansion {
                            start,
                            end: start + len,
                            lang,
                            phrase: phrase.clone(),
                            synonym: true,
                            false_friend: false,
                        });
                    }
                }
            }
        }
        out
    }
}

/// The entries of the file (none when there is no file).
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.lines().filter_map(Entry::parse).collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Serialises the admin page's changes to the file within this process.
static WRITING: Mutex<()> = Mutex::new(());

/// Adds `entry` to the file (or with `remove`, takes out each line that is it), keeping every
/// other line; the file is replaced in one step.
pub fn change(path: &Path, entry: &Entry, remove: bool) -> std::io::Result<()> {
    let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    let old = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::from(HEADER),
        Err(e) => return Err(e),
    };
    let mut text = String::new();
    for line in old.lines() {
        if Entry::parse(line).as_ref() != Some(entry) {
            text.push_str(line);
            text.push('\n');
        }
    }
    if !remove {
        text.push_str(&entry.line());
        text.push('\n');
    }
    crate::statefile::replace(path, text.as_bytes(), 0o644)
}

const HEADER: &str = "\
# Synonymer og oversættelser, som redaktørerne vedligeholder (vidensbase læser filen igen, når den ændres).
# ord = ord               synonymer: hver finder den anden
# dansk <> engelsk        en oversættelse, som ordlisten mangler
";

/// The entries of a file as they are now, read again when it changed.
#[derive(Debug, Default)]
pub struct Cached(Option<crate::statefile::Reloaded<Editorial>>);

impl Cached {
    pub fn of(path: PathBuf) -> Cached {
        Cached(Some(crate::statefile::Reloaded::new(path)))
    }

    /// The entries now; none without a file.
    pub fn current(&self) -> Arc<Editorial> {
        let Some(file) = &self.0 else {
            return Arc::default();
        };
        file.get(|path| {
            let entries = read(path).unwrap_or_else(|e| {
                tracing::warn!("{}: {e}", path.display());
                Vec::new()
            });
            Editorial::of(&entries)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        lower_words(text)
    }

    #[test]
    fn lines_are_synonyms_or_translations_and_read_back() {
        assert_eq!(
            Entry::parse("Borgerinddragelse = medborgerskab"),
            Some(Entry::Synonym(
                "borgerinddragelse".into(),
                "medborgerskab".into()
            ))
        );
        let pair = Entry::parse("frivillighedspolitik <> Volunteering Policy  # ny").expect("pair");
        assert_eq!(pair.line(), "frivillighedspolitik <> volunteering policy");
        assert_eq!(Entry::parse(&pair.line()), Some(pair));
        for nothing in ["# kommentar", "", "ord =", "= ord", "ord = ord", "bare ord"] {
            assert_eq!(Entry::parse(nothing), None, "{nothing}");
        }
    }

    #[test]
    fn synonyms_expand_both_ways_through_inflections() {
        let e = Editorial::of(&[
            Entry::Synonym("borgerinddragelse".into(), "medborgerskab".into()),
            Entry::Translation {
                da: "frivillighedspolitik".into(),
                en: "volunteering policy".into(),
            },
        ]);
        let found = e.expand(&words("borgerinddragelsen i kommunen"));
        assert!(found
            .iter()
            .all(|x| x.synonym && x.phrase == "medborgerskab"));
        assert_eq!(found.len(), 2, "both languages' fields");
        assert_eq!(
            e.expand(&words("medborgerskab"))[0].phrase,
            "borgerinddragelse"
        );
        let pair = e.expand(&words("frivillighedspolitik"));
        assert_eq!(
            (pair[0].phrase.as_str(), pair[0].synonym),
            ("volunteering policy", false)
        );
    }

    #[test]
    fn the_file_is_changed_line_by_line_and_read_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE);
        let cached = Cached::of(path.clone());
        assert!(cached.current().expand(&words("a")).is_empty());
        let entry = Entry::Synonym("borgerinddragelse".into(), "medborgerskab".into());
        change(&path, &entry, false).expect("add");
        assert_eq!(read(&path).expect("read"), std::slice::from_ref(&entry));
        assert_eq!(
            cached.current().expand(&words("borgerinddragelse")).len(),
            2
        );
        change(&path, &entry, true).expect("remove");
        assert!(read(&path).expect("read").is_empty());
        assert!(cached
            .current()
            .expand(&words("borgerinddragelse"))
            .is_empty());
        assert!(std::fs::read_to_string(&path)
            .expect("file")
            .starts_with("# Synonymer"));
    }
}
