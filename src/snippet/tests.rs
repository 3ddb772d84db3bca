//! Snippets: the best window, marks, escaping.

use super::*;
use crate::analysis;

fn hl(words: &[&str]) -> Highlight {
    let mut h = Highlight {
        words: words.len(),
        ..Highlight::default()
    };
    for w in words {
        h.da.insert(analysis::stem_da(w));
        h.en.insert(analysis::stem_en(w));
        h.fold.insert(Analyzer::Fold.term(w));
        h.parts.push(analysis::stem_da(w));
    }
    h
}

#[test]
fn marks_inflected_forms() {
    let s = snippet(
        "Alle kommunerne samarbejder med foreningerne.",
        &hl(&["kommune", "forening"]),
    );
    assert_eq!(
        s.to_html(),
        "Alle <mark>kommunerne</mark> samarbejder med <mark>foreningerne</mark>."
    );
}

#[test]
fn escapes_document_markup() {
    let s = snippet(
        "<script>alert('x')</script> & civil society",
        &hl(&["society"]),
    );
    assert_eq!(
        s.to_html(),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; civil <mark>society</mark>"
    );
}

#[test]
fn marks_compounds_and_folded_spellings() {
    let s = snippet("Et frivilligudvalg i Århus.", &hl(&["frivillig", "aarhus"]));
    assert!(
        s.to_html().contains("<mark>frivilligudvalg</mark>"),
        "{}",
        s.to_html()
    );
    assert!(
        s.to_html().contains("<mark>Århus</mark>"),
        "{}",
        s.to_html()
    );
}

#[test]
fn picks_the_window_with_the_matches() {
    let text = format!(
        "{} Here the loneliness of older people is the topic. {}",
        "filler ".repeat(200),
        "tail ".repeat(200)
    );
    let s = snippet(&text, &hl(&["loneliness"]));
    let html = s.to_html();
    assert!(html.starts_with("… "), "{html}");
    assert!(html.ends_with(" …"), "{html}");
    assert!(html.contains("<mark>loneliness</mark>"));
    assert!(html.chars().count() < SNIPPET_CHARS + LEAD_CHARS + 40);
}

#[test]
fn line_breaks_around_marks_become_spaces() {
    let text = format!(
        "{}\nfrivillige\norganisationer {}",
        "x ".repeat(100),
        "y ".repeat(200)
    );
    let html = snippet(&text, &hl(&["frivillig"])).to_html();
    assert!(
        html.contains(" <mark>frivillige</mark> organisationer"),
        "{html}"
    );
}

#[test]
fn forms_of_one_word_do_not_stop_the_search_for_the_window_with_both_words() {
    let text = format!(
        "Associations and one association here. {} Frivillige foreninger står sidst.",
        "fyld ".repeat(100)
    );
    let mut h = hl(&["frivillige", "foreninger"]);
    h.en.insert(analysis::stem_en("association"));
    let html = snippet(&text, &h).to_html();
    assert!(
        html.contains("<mark>Frivillige</mark> <mark>foreninger</mark>"),
        "{html}"
    );
}

#[test]
fn a_paged_text_is_cut_at_its_page_breaks() {
    let text = "Første side om foreninger.\n\n\u{c}\n\nAnden side om foreninger.";
    let pages = highlight_all(text, &hl(&["foreninger"])).pages();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].to_html(), "Anden side om <mark>foreninger</mark>.");
}

#[test]
fn every_match_in_the_window_is_marked() {
    let text = "Borgerbudgetter i tre bydele. Forsøget med borgerbudgetter er udskudt.";
    let s = snippet(text, &hl(&["borgerbudgetter"]));
    assert_eq!(s.to_html().matches("<mark>").count(), 2, "{}", s.to_html());
}

#[test]
fn no_match_gives_the_opening() {
    let s = snippet("Første linje.\n\nAnden linje.", &hl(&["zzz"]));
    assert!(!s.has_marks());
    assert_eq!(s.to_html(), "Første linje.\n\nAnden linje.");
}

#[test]
fn highlight_all_keeps_layout() {
    let s = highlight_all("Ensomhed\n\nblandt ældre", &hl(&["ældre"]));
    assert_eq!(s.to_html(), "Ensomhed\n\nblandt <mark>ældre</mark>");
}

#[test]
fn a_snippet_across_headings_shows_no_heading_marks() {
    // The window spans a heading whose first word is marked and the subheading after it: the
    // collapsed one-line snippet keeps neither `#` nor `##`.
    let mut text = String::from("# Gemme dokumenter automatisk\n\n## For at oprette en kopi\n\n");
    text.push_str(&"Vælg Indlæs og gem dokumentet. ".repeat(40));
    let s = snippet(&text, &hl(&["gemme", "automatisk"]));
    let html = s.to_html();
    assert!(!html.contains('#'), "{html}");
    assert!(html.starts_with("<mark>Gemme</mark>"), "{html}");
}
