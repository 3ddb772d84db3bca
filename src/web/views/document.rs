//! The document page: the whole text as paragraphs and headings, each paragraph in its own
//! language, every match marked and linked to the next and the previous, pages of a PDF with
//! their anchors, every heading with the anchor a hit in its section links to
//! ([`crate::sections`]), metadata and related documents.

use maud::{html, Markup, PreEscaped};

use super::*;
use crate::sections::Anchors;

/// A body of text as paragraphs and headings (blank lines between them; a heading begins with
/// its marks, see [`crate::text::heading`], and becomes `h2`–`h6` under the page's `h1`),
/// lines kept, every match marked and numbered from `first` (`fund-N`), each with links to the
/// previous and the next match. A block whose language ([`crate::lang::language_of_paragraph`])
/// is not the document's (`doc_lang`) carries its own `lang`.
///
/// Each heading gets its anchor from `anchors` ([`crate::sections::Anchors`], one for the whole
/// document, in order), the one a hit in its section links to.
fn paragraphs(
    ui: Ui,
    body: &Snippet,
    (first, total): (usize, usize),
    doc_lang: &str,
    anchors: &mut Anchors,
) -> Markup {
    let doc_lang: Option<crate::lang::Lang> = doc_lang.parse().ok();
    let mut out = String::new();
    let mut n = first;
    for mut block in blocks(body) {
        // Leading newlines of a block (three or more in a row) are no content.
        if let Some((text, false)) = block.first_mut() {
            *text = text.trim_start_matches('\n');
        }
        if block.iter().all(|(text, _)| text.trim().is_empty()) {
            continue;
        }
        let tag = open_block(&mut block, doc_lang, anchors, &mut out);
        for (text, marked) in block {
            if marked {
                n += 1;
                push_match(ui, text, (n, total), &mut out);
            } else {
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push_str("<br>");
                    }
                    crate::snippet::escape_into(line, &mut out);
                }
            }
        }
        out.push_str(&format!("</{tag}>"));
    }
    PreEscaped(out)
}

/// The body cut into blocks at blank lines, each a run of (text, marked) pieces.
fn blocks(body: &Snippet) -> Vec<Vec<(&str, bool)>> {
    let mut blocks: Vec<Vec<(&str, bool)>> = vec![Vec::new()];
    for f in &body.fragments {
        if f.marked {
            if let Some(block) = blocks.last_mut() {
                block.push((&f.text, true));
            }
            continue;
        }
        for (i, piece) in f.text.split("\n\n").enumerate() {
            if i > 0 {
                blocks.push(Vec::new());
            }
            if let Some(block) = blocks.last_mut() {
                block.push((piece, false));
            }
        }
    }
    blocks
}

/// Writes a block's opening tag (a heading, with its anchor, or a paragraph, with its language
/// when it is not the document's), takes a heading's marks off its first piece, and returns the
/// tag's name.
fn open_block(
    block: &mut [(&str, bool)],
    doc_lang: Option<crate::lang::Lang>,
    anchors: &mut Anchors,
    out: &mut String,
) -> String {
    // A heading is told by the whole block, so one whose first word is marked is one too.
    let whole: String = block.iter().map(|(text, _)| *text).collect();
    let level = match block.first() {
        Some((_, false)) => crate::text::heading(&whole).map(|(level, _)| level),
        _ => None,
    };
    let tag = match level {
        Some(level) => {
            if let Some((first, _)) = block.first_mut() {
                // The marks and the space after them begin the first (unmarked) piece.
                *first = first.get(level + 1..).unwrap_or_default();
            }
            format!("h{}", (level + 1).min(6))
        }
        None => "p".into(),
    };
    out.push_str(&format!("<{tag}"));
    if level.is_some() {
        let text: String = block.iter().map(|(text, _)| *text).collect();
        // A slug is letters, digits and `-`: nothing to escape.
        out.push_str(&format!(" id=\"{}\"", anchors.next(text.trim())));
    }
    if let Some(doc_lang) = doc_lang {
        let text: String = block.iter().map(|(text, _)| *text).collect();
        let lang = crate::lang::language_of_paragraph(&text, doc_lang);
        if lang != doc_lang {
            out.push_str(&format!(" lang=\"{}\"", lang.code()));
        }
    }
    out.push('>');
    tag
}

/// Match `n` of `total`, marked, with links to the previous and the next.
fn push_match(ui: Ui, text: &str, (n, total): (usize, usize), out: &mut String) {
    out.push_str(&format!("<mark id=\"fund-{n}\">"));
    crate::snippet::escape_into(text, out);
    out.push_str("</mark><span class=\"hops\">");
    if n > 1 {
        out.push_str(&format!(
            "<a href=\"#fund-{}\" aria-label=\"{} ({} {} {total})\">↑</a>",
            n - 1,
            ui.t("Forrige fund", "Previous match"),
            n - 1,
            ui.t("af", "of"),
        ));
    }
    if n < total {
        out.push_str(&format!(
            "<a href=\"#fund-{}\" aria-label=\"{} ({} {} {total})\">↓</a>",
            n + 1,
            ui.t("Næste fund", "Next match"),
            n + 1,
            ui.t("af", "of"),
        ));
    }
    out.push_str("</span>");
}

fn marks(body: &Snippet) -> usize {
    body.fragments.iter().filter(|f| f.marked).count()
}

pub fn document(ctx: &Ctx, d: &DocumentView, p: &SearchParams) -> Markup {
    let ui = ctx.ui;
    let query = Some(p.q.as_str()).filter(|q| !q.trim().is_empty());
    let total = marks(&d.body);
    layout(
        ctx,
        &d.title,
        html! {
            (search_form(ctx, &p.q, Some(p), false))
            @if query.is_some() {
                p { a href=(search_url(ui, p, p.lang.as_deref(), p.category.as_deref(), p.page(), p.expand)) { (ui.t("← Tilbage til resultaterne", "← Back to the results")) } }
            }
            article {
                h1 lang=(d.lang) { (d.title) }
                p.meta { (document_facts(ctx, d)) }
                (also_in(ui, &d.editions, query))
                (contents(ui, d))
                @if total > 0 {
                    p { a href="#fund-1" { (ui.t("Gå til første fund", "Go to the first match")) " (" (ui.number(total)) ")" } }
                }
                (document_body(ui, d, total))
            }
            @if !d.related.is_empty() { (related(ctx, d)) }
        },
    )
}

/// Category, language, author, date, pages, the original file and the source.
fn document_facts(ctx: &Ctx, d: &DocumentView) -> Markup {
    let ui = ctx.ui;
    let source_link = d
        .source
        .as_deref()
        .filter(|s| s.starts_with("https://") || s.starts_with("http://"));
    facts([
        Some(html! { span.badge { (ctx.categories.name(&d.category, ui)) } }),
        Some(html! { span.badge { (ui.language_name(&d.lang)) } }),
        d.author.as_ref().map(|author| html! { (author) }),
        d.date.map(|date| html! { (ui.date(date)) }),
        (d.pages > 0)
            .then(|| html! { (ui.count(d.pages as usize, ("side", "sider"), ("page", "pages"))) }),
        Some(html! { a href=(file_url(&d.id, None)) { (ui.t("originalfil", "original file")) } }),
        match (source_link, &d.source) {
            (Some(src), _) => {
                Some(html! { a href=(src) rel="nofollow noopener" { (ui.t("kilde", "source")) } })
            }
            (None, Some(src)) => Some(html! { (src) }),
            (None, None) => None,
        },
        d.ocr_confidence.map(|confidence| html! {
            (ui.t("tekst læst fra scanning (genkendt med ", "text read from a scan (recognised with "))
            (confidence) (ui.t(" % sikkerhed; den kan have fejl)", " % confidence; it may have errors)"))
        }),
    ])
}

/// The text, page by page for a paged document (each page with its number and a link to it in
/// the PDF), its matches numbered through.
fn document_body(ui: Ui, d: &DocumentView, total: usize) -> Markup {
    let anchors = &mut Anchors::default();
    if d.pages == 0 {
        return html! { div.doc lang=(d.lang) { (paragraphs(ui, &d.body, (0, total), &d.lang, anchors)) } };
    }
    let pages = d.body.pages();
    // The number of the first match on each page, less one.
    let before = pages.iter().scan(0, |seen, page| {
        let first = *seen;
        *seen += marks(page);
        Some(first)
    });
    html! {
        @for (i, (page, first)) in pages.iter().zip(before).enumerate() {
            @let n = i as u32 + 1;
            // Not a landmark each: a report of 100 pages would be 100 regions to a screen reader;
            // the table of contents and the page numbers lead through it instead.
            section.page id=(page_anchor(n)) {
                p.pageno { a href=(format!("#{}", page_anchor(n))) { (ui.t("Side ", "Page ")) (n) } " · " a href=(file_url(&d.id, Some(n))) { (ui.t("åbn siden i PDF'en", "open the page in the PDF")) } }
                div.doc lang=(d.lang) { (paragraphs(ui, page, (first, total), &d.lang, anchors)) }
            }
        }
    }
}

/// A heading of the table of contents: its level, text and anchor.
type Entry = (usize, String, String);

/// Headings of the table of contents, from the top level down this many levels.
const CONTENTS_LEVELS: usize = 3;

/// The document's table of contents, for a document of three or more headings: each heading
/// (to [`CONTENTS_LEVELS`] levels) linking to its anchor, nested by level.
fn contents(ui: Ui, d: &DocumentView) -> Markup {
    let text: String = d.body.fragments.iter().map(|f| f.text.as_str()).collect();
    let mut anchors = Anchors::default();
    let all: Vec<Entry> = crate::sections::headings(&text, text.len())
        .map(|h| {
            let anchor = anchors.next(h.text);
            (
                h.level,
                h.text.split_whitespace().collect::<Vec<_>>().join(" "),
                anchor,
            )
        })
        .collect();
    let Some(top) = all.iter().map(|h| h.0).min().filter(|_| all.len() >= 3) else {
        return html! {};
    };
    let shown: Vec<&Entry> = all.iter().filter(|h| h.0 < top + CONTENTS_LEVELS).collect();
    html! {
        nav.toc aria-labelledby="indhold-h" {
            h2 #indhold-h { (ui.t("Indhold", "Contents")) }
            (contents_list(&shown))
        }
    }
}

/// Headings as a list: each of the first's level an item, the deeper ones after it nested in it.
fn contents_list(headings: &[&Entry]) -> Markup {
    let Some(level) = headings.first().map(|h| h.0) else {
        return html! {};
    };
    let mut items: Vec<(&Entry, &[&Entry])> = Vec::new();
    let mut i = 0;
    while i < headings.len() {
        let end = headings[i + 1..]
            .iter()
            .position(|h| h.0 <= level.max(headings[i].0))
            .map_or(headings.len(), |p| i + 1 + p);
        items.push((headings[i], &headings[i + 1..end]));
        i = end;
    }
    html! {
        ul {
            @for ((_, text, anchor), children) in items {
                li {
                    a href=(format!("#{anchor}")) { (text) }
                    @if !children.is_empty() { (contents_list(children)) }
                }
            }
        }
    }
}

/// The related documents, with their language and category.
fn related(ctx: &Ctx, d: &DocumentView) -> Markup {
    let ui = ctx.ui;
    html! {
        aside aria-labelledby="relaterede" {
            h2 #relaterede { (ui.t("Relaterede dokumenter", "Related documents")) }
            ul {
                @for r in &d.related {
                    li {
                        a href=(localised(ui, &doc_url(&r.id, None))) lang=(r.lang) { (r.title) }
                        " · "
                        (facts([
                            Some(html! { span.badge { (ui.language_name(&r.lang)) } }),
                            Some(html! { span.badge { (ctx.categories.name(&r.category, ui)) } }),
                        ]))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::ui::Ui;

    #[test]
    fn headings_become_headings_under_the_pages_h1() {
        let body = Snippet {
            fragments: vec![crate::snippet::Fragment {
                text: "# Mål\n\nTekst om mål.\n\n\n\n### Dybere\n\n#ikke overskrift".into(),
                marked: false,
            }],
            anchor: 0,
        };
        assert_eq!(
            paragraphs(Ui::Da, &body, (0, 0), "da", &mut Anchors::default()).into_string(),
            "<h2 id=\"afsnit-maal\">Mål</h2><p>Tekst om mål.</p><h4 id=\"afsnit-dybere\">Dybere</h4><p>#ikke overskrift</p>"
        );
    }

    #[test]
    fn a_heading_whose_first_word_is_marked_is_a_heading_with_its_anchor() {
        let piece = |text: &str, marked| crate::snippet::Fragment {
            text: text.into(),
            marked,
        };
        let body = Snippet {
            fragments: vec![
                piece("Før.\n\n## ", false),
                piece("DHCP", true),
                piece(" forklaret\n\nTekst.", false),
            ],
            anchor: 0,
        };
        let html = paragraphs(Ui::Da, &body, (0, 1), "da", &mut Anchors::default()).into_string();
        assert!(
            html.starts_with(
                "<p>Før.</p><h3 id=\"afsnit-dhcp-forklaret\"><mark id=\"fund-1\">DHCP</mark>"
            ),
            "{html}"
        );
        assert!(html.ends_with("forklaret</h3><p>Tekst.</p>"), "{html}");
    }

    #[test]
    fn a_body_becomes_paragraphs_with_numbered_matches() {
        let body = Snippet {
            fragments: vec![
                crate::snippet::Fragment {
                    text: "Første <afsnit>\n\nAndet ".into(),
                    marked: false,
                },
                crate::snippet::Fragment {
                    text: "ord".into(),
                    marked: true,
                },
                crate::snippet::Fragment {
                    text: " linje\nny linje".into(),
                    marked: false,
                },
            ],
            anchor: 0,
        };
        let html = paragraphs(Ui::Da, &body, (2, 3), "da", &mut Anchors::default()).into_string();
        assert_eq!(
            html,
            "<p>Første &lt;afsnit&gt;</p><p>Andet <mark id=\"fund-3\">ord</mark><span class=\"hops\"><a href=\"#fund-2\" aria-label=\"Forrige fund (2 af 3)\">↑</a></span> linje<br>ny linje</p>"
        );
    }
}
