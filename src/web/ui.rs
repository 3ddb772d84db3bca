//! The interface's language and the site's own texts: Danish by default, English when a page is
//! asked for with `?ui=en` (kept on every link and form of the page, and in `html lang`).
//!
//! The `lang` query parameter is something else: it filters documents by their language. Texts
//! are written where they are used, as `ui.t("dansk", "English")` pairs, so a page's code shows
//! both. Also here: category display names (`kategorier.tsv` in the corpus folder), dates the
//! Danish way, and the operator's details for the footer and the accessibility statement.

use std::collections::HashMap;
use std::path::Path;

use crate::date::Date;
use crate::lang::MONTHS;

/// The language of the interface (not of the documents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ui {
    #[default]
    Da,
    En,
}

impl Ui {
    /// `ui=en` in a query string (any other value, or none, is Danish).
    pub fn from_query(raw: &str) -> Ui {
        let english = raw
            .split('&')
            .any(|pair| matches!(pair, "ui=en" | "ui=EN" | "ui=En"));
        if english {
            Ui::En
        } else {
            Ui::Da
        }
    }

    /// The `lang` code of pages in this language.
    pub fn code(self) -> &'static str {
        match self {
            Ui::Da => "da",
            Ui::En => "en",
        }
    }

    /// The text in this language.
    pub fn t<'a>(self, da: &'a str, en: &'a str) -> &'a str {
        match self {
            Ui::Da => da,
            Ui::En => en,
        }
    }

    /// `1 resultat`, `2 resultater`: a count with its noun in the right number.
    pub fn count(self, n: usize, da: (&str, &str), en: (&str, &str)) -> String {
        let (one, many) = match self {
            Ui::Da => da,
            Ui::En => en,
        };
        format!("{} {}", self.number(n), if n == 1 { one } else { many })
    }

    /// `1.234` in Danish, `1,234` in English.
    pub fn number(self, n: usize) -> String {
        let digits = n.to_string();
        let separator = self.t(".", ",");
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(c);
        }
        out
    }

    /// The name of a document type (`pdf`, `office`, `web`, `text`: [`crate::format::Kind`]).
    pub fn kind_name(self, code: &str) -> &'static str {
        match code {
            "pdf" => "PDF",
            "office" => "Word/OpenDocument",
            "web" => self.t("webside", "web page"),
            "image" => self.t("scannet billede", "scanned image"),
            _ => self.t("tekst", "text"),
        }
    }

    /// The name of a document language (`da`, `en`) in this interface language.
    pub fn language_name(self, code: &str) -> &'static str {
        match (code, self) {
            ("da", Ui::Da) => "dansk",
            ("da", Ui::En) => "Danish",
            ("en", Ui::Da) => "engelsk",
            ("en", Ui::En) => "English",
            (_, Ui::Da) => "ukendt sprog",
            (_, Ui::En) => "unknown language",
        }
    }

    /// `2019-07-01` as `1. juli 2019` (Danish) or `1 July 2019`; `2019-07` as `juli 2019`;
    /// `2019` as it is.
    pub fn date(self, date: Date) -> String {
        let month = |m: u8| {
            let (da, en) = MONTHS[usize::from(m) - 1];
            self.t(da, en)
        };
        let y = date.year();
        match (date.month(), date.day()) {
            (Some(m), Some(d)) => match self {
                Ui::Da => format!("{d}. {} {y}", month(m)),
                Ui::En => format!("{d} {} {y}", month(m)),
            },
            (Some(m), None) => format!("{} {y}", month(m)),
            _ => y.to_string(),
        }
    }
}

/// Display names of category folders, from `kategorier.tsv` in the corpus folder: one line per
/// folder, `folder<TAB>Danish name<TAB>English name` (`#` starts a comment; a fourth cell,
/// `intern`, is the folder's visibility: [`crate::corpus::Rules`]). A folder without a line is
/// shown by its own name.
#[derive(Debug, Clone, Default)]
pub struct Categories(HashMap<String, (String, String)>);

pub use crate::corpus::CATEGORIES_FILE;

impl Categories {
    /// The table of `corpus`, or an empty one when it has none.
    pub fn load(corpus: &Path) -> Categories {
        let text = std::fs::read_to_string(corpus.join(CATEGORIES_FILE)).unwrap_or_default();
        Categories::parse(&text)
    }

    fn parse(text: &str) -> Categories {
        let mut names = HashMap::new();
        for line in text.lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let mut cells = line.split('\t').map(str::trim);
            if let (Some(folder), Some(da)) = (cells.next(), cells.next()) {
                if !folder.is_empty() && !da.is_empty() {
                    let en = cells.next().filter(|en| !en.is_empty()).unwrap_or(da);
                    names.insert(folder.to_string(), (da.to_string(), en.to_string()));
                }
            }
        }
        Categories(names)
    }

    /// The name of `folder` in the interface language.
    pub fn name<'a>(&'a self, folder: &'a str, ui: Ui) -> &'a str {
        match self.0.get(folder) {
            Some((da, en)) => ui.t(da, en),
            None => folder,
        }
    }
}

/// Who runs the site, for the footer and the accessibility statement.
#[derive(Debug, Clone)]
pub struct Site {
    /// The organisation responsible for the site (`VIDENSBASE_SITE_OWNER`).
    pub owner: String,
    /// Where to write about the site, an e-mail address or a URL (`VIDENSBASE_SITE_CONTACT`).
    pub contact: Option<String>,
    /// The operator's own accessibility statement (the text of the file named by
    /// `VIDENSBASE_ACCESSIBILITY_STATEMENT`): paragraphs separated by blank lines, `# ` lines as
    /// headings. Without one the built-in statement is shown.
    pub statement: Option<String>,
    /// When the statement was made or last reviewed, as the operator writes it
    /// (`VIDENSBASE_STATEMENT_DATE`).
    pub statement_date: Option<String>,
    /// The official statement on was.digst.dk (`VIDENSBASE_STATEMENT_URL`), linked from ours.
    pub statement_url: Option<String>,
}

impl Default for Site {
    fn default() -> Site {
        Site {
            owner: "vidensbase".into(),
            contact: None,
            statement: None,
            statement_date: None,
            statement_url: None,
        }
    }
}

impl Site {
    /// A link for the contact: `mailto:` for an address, the URL itself for a web address.
    pub fn contact_href(&self) -> Option<String> {
        let contact = self.contact.as_deref()?.trim();
        if contact.starts_with("https://") || contact.starts_with("http://") {
            Some(contact.to_string())
        } else if contact.contains('@') && !contact.contains(char::is_whitespace) {
            Some(format!("mailto:{contact}"))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_is_danish_unless_asked_for_english() {
        assert_eq!(Ui::from_query(""), Ui::Da);
        assert_eq!(Ui::from_query("q=x&ui=en"), Ui::En);
        assert_eq!(Ui::from_query("q=x&ui=fr"), Ui::Da);
        assert_eq!(Ui::from_query("q=ui%3Den"), Ui::Da);
    }

    #[test]
    fn counts_and_numbers_read_right_in_both_languages() {
        let result = (("resultat", "resultater"), ("result", "results"));
        assert_eq!(Ui::Da.count(1, result.0, result.1), "1 resultat");
        assert_eq!(Ui::Da.count(2, result.0, result.1), "2 resultater");
        assert_eq!(Ui::Da.count(0, result.0, result.1), "0 resultater");
        assert_eq!(Ui::En.count(1, result.0, result.1), "1 result");
        assert_eq!(Ui::Da.number(1234567), "1.234.567");
        assert_eq!(Ui::En.number(1234), "1,234");
        assert_eq!(Ui::Da.number(999), "999");
    }

    #[test]
    fn dates_the_danish_way() {
        let date = |s: &str| Date::parse(s).expect("a date");
        assert_eq!(Ui::Da.date(date("2019-07-01")), "1. juli 2019");
        assert_eq!(Ui::En.date(date("2019-07-01")), "1 July 2019");
        assert_eq!(Ui::Da.date(date("2022-12")), "december 2022");
        assert_eq!(Ui::En.date(date("2021")), "2021");
    }

    #[test]
    fn category_names_come_from_the_table_or_the_folder() {
        let table = Categories::parse(
            "# mappe\tdansk\tengelsk\nirm\tIRM-rapporter\tIRM reports\nnyt\tNyheder\n",
        );
        assert_eq!(table.name("irm", Ui::Da), "IRM-rapporter");
        assert_eq!(table.name("irm", Ui::En), "IRM reports");
        assert_eq!(table.name("nyt", Ui::En), "Nyheder");
        assert_eq!(table.name("andet", Ui::Da), "andet");
        assert_eq!(table.name("#", Ui::Da), "#");
    }

    #[test]
    fn a_contact_links_by_mail_or_web_or_not_at_all() {
        let site = |c: &str| Site {
            contact: Some(c.into()),
            ..Site::default()
        };
        assert_eq!(
            site("web@kommune.dk").contact_href().as_deref(),
            Some("mailto:web@kommune.dk")
        );
        assert_eq!(
            site("https://kommune.dk/kontakt").contact_href().as_deref(),
            Some("https://kommune.dk/kontakt")
        );
        assert_eq!(site("javascript:alert(1)").contact_href(), None);
    }
}
