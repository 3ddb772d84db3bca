//! The tantivy documents of an analysed file: the main index's document (stored text, filters,
//! stamps and the analysed terms; its compound parts are added later, when the lexicon of its
//! chunk is known) and, for a paged file, one page-index document per page, each a slice of the
//! document's terms between its page starts, with the terms of the headings the page holds as
//! its title: a page under `Opret en normal bruger` answers `Hvordan opretter jeg en ny bruger?`
//! more surely than one that names users in passing.

use tantivy::TantivyDocument;

use super::analyse::Worker;
use crate::access::Visibility;
use crate::analysis::{self, Analyzer};
use crate::corpus::CorpusFile;
use crate::date::Date;
use crate::editions::store::Stored;
use crate::editions::Signature;
use crate::extract::Extracted;
use crate::lang::Lang;
use crate::schema::{Fields, TermField};
use crate::text;

/// The tantivy document of an analysed file (its terms in `terms`), without its compound parts.
pub(super) fn document(
    f: &Fields,
    file: &CorpusFile,
    extracted: &Extracted,
    (lang, visibility): (Lang, Visibility),
    hash: u64,
    terms: &Worker,
    rules_code: u64,
) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(f.id, &file.id);
    doc.add_text(f.visibility, visibility.code());
    doc.add_text(f.kind, kind_of(file, extracted));
    doc.add_u64(f.rule, rules_code);
    doc.add_text(f.title, &extracted.title);
    doc.add_text(f.body, &extracted.text);
    doc.add_text(f.lang, lang.code());
    doc.add_text(f.category, &file.category);
    if let Some(source) = &extracted.source {
        doc.add_text(f.source, source);
    }
    doc.add_u64(f.day, extracted.date.map_or(0, Date::day_number));
    if let Some(date) = extracted.date {
        doc.add_text(f.date, date.to_string());
    }
    if let Some(author) = &extracted.author {
        doc.add_text(f.author, author);
    }
    if extracted.pages > 0 {
        doc.add_u64(f.pages, u64::from(extracted.pages));
    }
    // A document mostly read by OCR is weighed and marked as such as a whole; one with a few
    // scanned pages only on those pages (the page index).
    let mostly_scanned = extracted.ocr_pages.len() * 2 >= extracted.pages.max(1) as usize;
    let ocr = super::ocr::stored_confidence(&extracted.ocr_pages);
    if ocr > 0 && mostly_scanned {
        doc.add_u64(f.ocr, ocr);
    }
    doc.add_u64(f.mtime, file.mtime);
    doc.add_u64(f.size, file.size);
    doc.add_u64(f.hash, hash);
    let edition = Stored {
        sig: Signature::new(&extracted.title, &extracted.text, lang, extracted.pages),
        title: extracted.title.clone(),
        translation: extracted.translation.clone(),
    };
    doc.add_bytes(f.edition, &edition.to_bytes());
    if extracted.steps > 0 {
        doc.add_text(f.shape, crate::schema::STEPS);
    }

    doc.add_text(f.get(TermField::Title(lang)), &terms.title);
    // A paged document's headings are its pages' titles ([`page_documents`]). A document
    // without pages keeps only its own title there: its section headings as a second title
    // made a help page with the heading `Footnote Settings` outrank the page of that title
    // (known-item MRR 0.98 -> 0.93 on the LibreOffice help) for no gain at rank 1 on the
    // judged questions.
    if !terms.side.folded.is_empty() {
        doc.add_text(f.get(TermField::Fold), &terms.side.folded);
    }
    if !terms.side.forms.is_empty() {
        doc.add_text(f.get(TermField::Forms), &terms.side.forms);
    }
    for lang in Lang::ALL {
        let body = &terms.body[lang as usize];
        if !body.is_empty() {
            doc.add_text(f.get(TermField::Body(lang)), body);
        }
    }
    doc
}

/// The document type of the type filter: the one an editor set, else its format's.
fn kind_of(file: &CorpusFile, extracted: &Extracted) -> &'static str {
    extracted.kind.unwrap_or(file.format.kind()).code()
}

/// The page index's documents of an analysed paged file: each page's terms (the slices of the
/// document's terms between its page starts), its number, and the filter values of its document;
/// contents pages are left out.
pub(super) fn page_documents(
    f: &Fields,
    file: &CorpusFile,
    extracted: &Extracted,
    (lang, visibility): (Lang, Visibility),
    terms: &Worker,
) -> Vec<TantivyDocument> {
    let contents_pages = &extracted.contents_pages;
    let mut headings = page_headings(&extracted.text, lang).into_iter();
    let starts = &terms.page_starts;
    let ends = starts.iter().skip(1).copied().chain(std::iter::once([
        terms.body[0].len(),
        terms.body[1].len(),
        terms.side.folded.len(),
        terms.side.forms.len(),
    ]));
    let mut pages = Vec::with_capacity(starts.len());
    for (n, (start, end)) in starts.iter().zip(ends).enumerate() {
        let page_headings = headings.next().unwrap_or_default();
        if contents_pages.contains(&(n as u32 + 1)) {
            continue;
        }
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, &file.id);
        doc.add_text(f.lang, lang.code());
        doc.add_text(f.category, &file.category);
        doc.add_text(f.visibility, visibility.code());
        doc.add_text(f.kind, kind_of(file, extracted));
        doc.add_u64(f.day, extracted.date.map_or(0, Date::day_number));
        doc.add_u64(f.pages, n as u64 + 1);
        if let Some(&(_, confidence)) = extracted.ocr_pages.iter().find(|(p, _)| *p == n as u32 + 1)
        {
            doc.add_u64(f.ocr, 1 + u64::from(confidence));
        }
        if !page_headings.is_empty() {
            doc.add_text(f.get(TermField::Title(lang)), &page_headings);
        }
        for l in Lang::ALL {
            let i = l as usize;
            if let Some(slice) = terms.body[i]
                .get(start[i]..end[i])
                .filter(|s| !s.trim().is_empty())
            {
                doc.add_text(f.get(TermField::Body(l)), slice);
            }
        }
        for (field, text, i) in [
            (f.get(TermField::Fold), &terms.side.folded, 2),
            (f.get(TermField::Forms), &terms.side.forms, 3),
        ] {
            if let Some(slice) = text.get(start[i]..end[i]).filter(|s| !s.trim().is_empty()) {
                doc.add_text(field, slice);
            }
        }
        pages.push(doc);
    }
    pages
}

/// Per page of a paged text, the terms (under `lang`'s analyser, function words left out) of the
/// headings on it, separated by spaces; section numbers are left out. A page with no heading of
/// its own has the heading of the section it continues (the last one before it).
fn page_headings(text: &str, lang: Lang) -> Vec<String> {
    let analyzer = lang.analyzer();
    // The terms of the last heading so far: the section a page without a heading continues.
    let mut open = String::new();
    text.split(text::PAGE_BREAK)
        .map(|page| {
            let mut terms = String::new();
            let mut last = None;
            for paragraph in page.split("\n\n") {
                let Some((_, heading)) = text::heading(paragraph.trim()) else {
                    continue;
                };
                let these = heading_terms(heading, analyzer);
                terms.push_str(&these);
                last = Some(these);
            }
            match last {
                Some(last) => open = last,
                None => terms.push_str(&open),
            }
            terms
        })
        .collect()
}

/// A heading's terms under `analyzer`, each followed by a space, without function words and
/// section numbers (`6.3.2.2` is no subject).
fn heading_terms(heading: &str, analyzer: Analyzer) -> String {
    let mut terms = String::new();
    for (_, lower) in analysis::lower_words(heading) {
        let number = lower.bytes().all(|b| b.is_ascii_digit());
        if !number && !analysis::is_stop_word(&lower) {
            terms.push_str(&analyzer.term(&lower));
            terms.push(' ');
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_knows_the_terms_of_its_headings_and_nothing_else() {
        let text = [
            "# 1. Oversigt\n\nBrugere og adgangskoder nævnes her.",
            "## 2.1 Opret en ny bruger\n\nVælg Tilføj.",
            "Ingen overskrift på denne side.",
        ]
        .join(text::PAGE_BREAK);
        let pages = page_headings(&text, Lang::Da);
        assert_eq!(pages.len(), 3);
        let analyzer = Lang::Da.analyzer();
        assert_eq!(pages[0].trim(), analyzer.term("oversigt"));
        let second: Vec<&str> = pages[1].split_whitespace().collect();
        let expected: Vec<String> = ["opret", "ny", "bruger"]
            .iter()
            .map(|w| analyzer.term(w))
            .collect();
        // "en" is a function word and "2.1" a section number: neither is a subject.
        assert_eq!(second, expected);
        // The third page has no heading: it continues 2.1.
        assert_eq!(
            pages[2], pages[1],
            "a page continues the section open at its top"
        );
    }
}
