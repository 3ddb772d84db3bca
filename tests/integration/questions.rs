//! Questions as staff ask them: the question's own words (`hvordan`, `how do I`) neither decide
//! nor score, a long question is answered by a text that has most of its words (and the hit
//! says which it lacks), and of two editions that match alike the reader's comes first, while a
//! Danish question whose only answer is English still gets it.

use std::sync::OnceLock;

use tempfile::TempDir;
use vidensbase::search::{Engine, SearchRequest, SearchResults};

use crate::common::{ids, indexed, rank, write_files};

const DOCS: &[(&str, &str)] = &[
    (
        "en/faq.txt",
        "Questions and answers\n\n\
         How do I get started? How do I sign in? How do I find my way? How do I ask for help? \
         How do I reach the office? The printer is in the hall, and you can configure it there.",
    ),
    (
        "en/printer.txt",
        "Office equipment\n\n\
         The printer in the hall prints on both sides. Configure the printer from its panel: the \
         printer keeps its settings until someone changes them again.",
    ),
    (
        "da/elevkonti.txt",
        "Elevkonti i skolen\n\n\
         Skolens it-vejleder kan nulstille adgangskoden til en elevkonto. Åbn elevkontoen i \
         administrationen, vælg Nulstil adgangskode og giv eleven den nye adgangskode på papir.",
    ),
    (
        "da/nyhedsbrev.txt",
        "Nyhedsbrev fra forvaltningen\n\n\
         Skolens kontor holder lukket i uge 42. Husk at tjekke elevkonti hurtigt efter ferien. \
         Den nye adgangskode til kopimaskinen hænger på opslagstavlen. Forældre kan nulstille \
         deres egen adgang på forældreportalen, men det går sjældent hurtigt. Vi ses efter \
         ferien, hvor skolens nye legeplads indvies.",
    ),
    (
        "da/brugere.txt",
        "---\ntranslation: en/users.txt\n---\nBrugerhåndtering\n\n\
         Sådan opretter du en ny bruger i systemet: vælg Indstillinger, klik på Tilføj bruger, \
         skriv brugerens navn og e-mail, og gem. Brugeren får straks en e-mail med et link.\n\n\
         Quick start: to create a new user, choose Settings and click Add user.",
    ),
    (
        "en/users.txt",
        "User management\n\n\
         How to create a new user in the system: choose Settings, click Add user, type the \
         user's name and e-mail address and save. The new user receives an e-mail with a link \
         at once, and an administrator can change the user's role later under Settings, where \
         every user of the system is listed with the date of their last sign-in.",
    ),
    (
        "en/digital-agency.txt",
        "The Danish Agency for Digital Government\n\n\
         The Agency for Digital Government (Digitaliseringsstyrelsen) was established in 2011 \
         under the Ministry of Finance to carry out the government's digital strategies.",
    ),
    (
        "da/kantine.txt",
        "Kantinen\n\n\
         Kantinen blev oprettet i 1998 og har åbent hver dag fra klokken elleve. Menuen skifter hver uge, og der er altid \
         en vegetarisk ret. Kantinen ligger i stueetagen ved siden af mødelokalerne.",
    ),
    (
        "en/footnote-dialog.html",
        "<html><head><title>Footnote or Endnote</title></head><body><h1>Footnote or Endnote</h1>\
         <p>Inserts a footnote or an endnote in the document. The anchor of the footnote is \
         inserted at the cursor.</p><h2>Footnote</h2><p>Inserts a footnote anchor at the cursor \
         and a footnote at the bottom of the page.</p><h2>Endnote</h2><p>Inserts an endnote \
         anchor at the cursor and an endnote at the end of the document.</p></body></html>",
    ),
    (
        "en/footnote-guide.html",
        "<html><head><title>Working with footnotes</title></head><body>\
         <h1>Working with footnotes</h1><p>To insert a footnote:</p><ol><li>Click where the \
         anchor goes.</li><li>Choose Insert - Footnote or Endnote.</li><li>Type the text of the \
         note at the bottom of the page.</li></ol><p>To edit a note, click in its text and \
         change it. A number style for all notes is set under Tools - Footnotes and Endnotes, \
         where the position of the notes on the page and the text that continues a note on the \
         next page are chosen too.</p></body></html>",
    ),
    (
        "en/sheet-overview.txt",
        "Features at a glance\n\n\
         What the spreadsheet does, each on a page of its own.\n\n\
         Sort and filter data.\n\nFreeze panes while you scroll.\n\nPrint ranges.\n\n\
         Hide rows and name cells.\n\nKeep a history of changes.\n\n\
         Check the spelling of the text in cells.\n\nMerge the data of two sheets into one.\n\n\
         Define conditional formats that colour cells by their values.\n\n\
         Import text files with separated values.\n\nProtect sheets with a password.\n\n\
         Share a document with others who edit it at the same time.\n\n\
         Record macros and run them from a toolbar button.\n\n\
         Export the sheets as a PDF file with bookmarks.",
    ),
    (
        "en/sheet-print.txt",
        "Printing a spreadsheet\n\nChoose File - Print to print the sheet or a range of it.",
    ),
    (
        "en/sheet-charts.txt",
        "Charts in a spreadsheet\n\nSelect the data and choose Insert - Chart.",
    ),
    (
        "en/freeze.txt",
        "Freezing rows or columns as headers\n\n\
         Long rows or columns of data that extend beyond the visible area can stay in view: \
         freeze the rows above the cursor, and the frozen rows stay on screen while the rest \
         scroll. To freeze rows, select the row below the rows to freeze and choose View - \
         Freeze Cells - Freeze Rows and Columns. To unfreeze, choose it again.",
    ),
    (
        "en/menu-tools.md",
        "# Tools menu\n\n## Add-ons\n\nAdd and manage extensions; add them to the whole \
         suite or to one user.\n\n## Numbering\n\nSets chapter numbers and outline numbers of \
         the document: numbers before each heading.\n\n## Line spacing\n\nSets the spacing \
         between each line of a paragraph, line by line.\n\n## Word count\n\nCounts the words \
         and characters of the whole document or of a selection.\n\n## Document statistics\n\n\
         Shows the numbers of pages, tables and images of a document.\n",
    ),
    (
        "en/line-numbers.md",
        "# Margin marks\n\n## Marks beside the text\n\nTo add line numbers \
         to a whole document, choose Tools - Line Numbering, select Show numbering and set \
         how often a number is shown. The numbers appear in the margin when the pages are \
         printed and on screen, counted from the first line of the document.\n",
    ),
    (
        "en/statistics-5.html",
        "<html><head><title>Statistical Functions Part Five</title></head><body>\
         <h1>Statistical Functions Part Five</h1><h2>RSQ</h2><p>Returns the square of the \
         Pearson correlation coefficient.</p><h2>SKEW</h2><p>Returns the skewness of a \
         distribution.</p><h2>SLOPE</h2><p>Returns the slope of the linear regression line.</p>\
         </body></html>",
    ),
    (
        "en/statistics.html",
        "<html><head><title>Statistical Functions</title></head><body>\
         <h1>Statistical Functions</h1><p>This category contains the statistical functions, \
         described in five parts: part one, part two, part three, part four and part five of \
         the statistical functions.</p></body></html>",
    ),
    (
        "da/parkering.txt",
        "Parkering\n\n\
         Medarbejdere kan parkere i kælderen. Gæster parkerer på pladsen foran rådhuset, hvor \
         der er fri parkering i to timer med p-skive.",
    ),
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(TempDir, TempDir, Engine)> = OnceLock::new();
    let (_, _, engine) = ENGINE.get_or_init(|| {
        let corpus = tempfile::tempdir().expect("tempdir");
        write_files(corpus.path(), DOCS.iter().map(|(p, t)| (*p, t.as_bytes())));
        let (index, engine) = indexed(corpus.path());
        (corpus, index, engine)
    });
    engine
}

fn search(q: &str) -> SearchResults {
    engine().search(&SearchRequest::new(q)).expect("search")
}

#[test]
fn question_words_do_not_score() {
    // Both hold `configure` and `printer`; the FAQ repeats `how do I` five times, the note on
    // the printer names the printer once more.
    let r = search("How do I configure the printer?");
    assert_eq!(
        ids(&r)[..2],
        ["en/printer.txt", "en/faq.txt"],
        "{:?}",
        ids(&r)
    );
}

#[test]
fn question_words_are_not_marked_as_found() {
    // The FAQ is found for `configure` and `printer`; its many `how do I` are no match to mark.
    let r = search("How do I configure the printer?");
    let faq = &r.hits[rank(&r, "en/faq.txt")];
    let marked: Vec<String> = faq
        .snippet
        .fragments
        .iter()
        .filter(|f| f.marked)
        .map(|f| f.text.to_lowercase())
        .collect();
    assert!(marked.iter().any(|w| w == "configure"), "{marked:?}");
    assert!(
        marked
            .iter()
            .all(|w| !["how", "do", "i", "the"].contains(&w.as_str())),
        "{marked:?}"
    );
    // A query of function words only still marks them.
    let r = search("how do I");
    assert!(r.hits.iter().any(|h| h.snippet.has_marks()), "{r:?}");
}

#[test]
fn a_long_question_is_answered_by_a_text_with_most_of_its_words() {
    // Five content words; the answer lacks `hurtigt`, a newsletter has all five scattered.
    let r = search("Hvordan nulstiller jeg adgangskoden til skolens elevkonti hurtigt?");
    assert_eq!(ids(&r).first(), Some(&"da/elevkonti.txt"), "{:?}", ids(&r));
    assert!(r.lenient && !r.relaxed, "{r:?}");
    assert_eq!(r.complete, 1, "only the newsletter has every word");
    assert_eq!(
        r.hits[0].missing,
        ["hurtigt"],
        "the hit says which word it lacks"
    );
    let newsletter = &r.hits[rank(&r, "da/nyhedsbrev.txt")];
    assert!(
        newsletter.missing.is_empty(),
        "{:?}",
        r.hits
            .iter()
            .map(|h| (&h.id, h.tier, h.score, &h.missing))
            .collect::<Vec<_>>()
    );
    // Three words are all required, as before: the one text with all three comes first, the
    // others only as the relaxed query's.
    let short = search("nulstille adgangskode hurtigt");
    assert!(!short.lenient && short.relaxed);
    assert_eq!(short.complete, 1);
    assert_eq!(ids(&short).first(), Some(&"da/nyhedsbrev.txt"));
}

#[test]
fn the_readers_edition_comes_first_when_both_match() {
    // Two editions of one text (linked by the Danish one's front matter). The Danish edition's
    // English quick start is short and dense and outscores the English edition on an English
    // question; the English edition is the reader's, so it is the hit, the Danish one attached.
    let en = search("How do I create a new user?");
    assert_eq!(en.query_lang, Some("en"));
    assert_eq!(ids(&en).first(), Some(&"en/users.txt"), "{:?}", ids(&en));
    assert!(!ids(&en).contains(&"da/brugere.txt"), "{:?}", ids(&en));
    let editions: Vec<&str> = en.hits[0].editions.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(editions, ["da/brugere.txt"]);
    let da = search("Hvordan opretter jeg en ny bruger?");
    assert_eq!(da.query_lang, Some("da"));
    assert_eq!(ids(&da).first(), Some(&"da/brugere.txt"), "{:?}", ids(&da));
    assert!(!ids(&da).contains(&"en/users.txt"), "{:?}", ids(&da));
}

#[test]
fn a_danish_question_still_gets_an_english_only_answer() {
    let r = search("Hvornår blev Digitaliseringsstyrelsen oprettet?");
    assert_eq!(r.query_lang, Some("da"));
    assert_eq!(
        ids(&r).first(),
        Some(&"en/digital-agency.txt"),
        "{:?}",
        ids(&r)
    );
}

#[test]
fn a_danish_question_naming_an_english_word_is_danish() {
    let r = search("Hvordan nulstiller jeg adgangskoden til root på skolens server?");
    assert_eq!(r.query_lang, Some("da"), "{r:?}");
}

#[test]
fn a_how_to_question_prefers_the_text_with_steps() {
    // The dialog's page says `footnote` and `insert` more often; the guide numbers the steps.
    let r = search("How do I insert a footnote?");
    assert_eq!(
        ids(&r)[..2],
        ["en/footnote-guide.html", "en/footnote-dialog.html"],
        "{r:?}"
    );
    // Not a question of how: the words alone decide.
    let r = search("insert footnote");
    assert_eq!(
        ids(&r).first(),
        Some(&"en/footnote-dialog.html"),
        "{:?}",
        ids(&r)
    );
}

#[test]
fn a_question_is_answered_by_its_subject_not_by_a_page_with_all_its_words() {
    // The overview has `freeze`, `rows` and `spreadsheet` in passing, in three of its lines; the
    // answer is about freezing rows and never says `spreadsheet`.
    let r = search("How do I freeze rows in the spreadsheet?");
    assert_eq!(ids(&r).first(), Some(&"en/freeze.txt"), "{:?}", ids(&r));
    assert_eq!(
        r.hits[0].missing,
        ["spreadsheet"],
        "the hit says which word it lacks"
    );
    // A query of keywords keeps its tiers: the text with every word first.
    let r = search("freeze rows spreadsheet");
    assert_eq!(
        ids(&r).first(),
        Some(&"en/sheet-overview.txt"),
        "{:?}",
        ids(&r)
    );
}

#[test]
fn a_question_is_answered_by_the_passage_that_holds_its_words() {
    // The menu page names `add`, `line`, `numbers`, `whole` and `document` more often, each under
    // another command, and outscores the guide; the guide has them in one paragraph.
    let r = search("How do I add line numbers to the whole document?");
    assert_eq!(
        ids(&r).first(),
        Some(&"en/line-numbers.md"),
        "{:?}",
        scores(&r)
    );
    assert!(rank(&r, "en/menu-tools.md") > 0, "{:?}", scores(&r));
}

fn scores(r: &SearchResults) -> Vec<(&str, u8, f32)> {
    r.hits
        .iter()
        .map(|h| (h.id.as_str(), h.tier, h.score))
        .collect()
}

#[test]
fn a_long_title_finds_its_page_through_the_passages() {
    // Four words: read as a question and ordered by passages. The page of that title has none
    // of them in a passage; the overview has all of them in one. The title is the heading
    // above every passage of its page.
    let r = search("Statistical Functions Part Five");
    assert_eq!(
        ids(&r).first(),
        Some(&"en/statistics-5.html"),
        "{:?}",
        scores(&r)
    );
}
