//! The answer box above the results: "Svar fra <title>, side N" (English: "Answer from …, page
//! N"), the passage quoted word for word in its own language with the query's words marked, and
//! links to its section on the document page and to the original at its page.

use maud::{html, Markup};

use super::*;
use crate::search::Answer;

/// The box for `a`, the answer to the query of `p`; `ocr`, the confidence of its page's text
/// when OCR read it from a scan (a quote from a scan may hold its misreadings).
pub fn answer_box(ui: Ui, a: &Answer, p: &SearchParams, ocr: Option<u8>) -> Markup {
    let section = localised(ui, &answer_url(a, &p.q));
    html! {
        section.answer aria-labelledby="svar" {
            h2 #svar {
                (ui.t("Svar fra ", "Answer from ")) span lang=(a.title_lang) { (a.title) }
                @if let Some(n) = a.page { ", " (ui.t("side", "page")) " " (n) }
            }
            blockquote lang=(a.lang) cite=(section) {
                @if let Some(heading) = &a.heading { p.heading { strong { (heading) } } }
                p { (a.marked) }
            }
            @if let Some(confidence) = ocr {
                p.meta {
                    (ui.t("Teksten er læst fra en scanning (genkendt med ", "The text was read from a scan (recognised with "))
                    (confidence) (ui.t(" % sikkerhed) og kan have fejl.", " % confidence) and may have errors."))
                }
            }
            p.meta {
                a href=(section) { (ui.t("Gå til afsnittet", "Go to the section")) }
                " · "
                a href=(file_url(&a.id, a.page)) {
                    @match a.page {
                        Some(n) => { (ui.t("åbn originalen på side ", "open the original at page ")) (n) }
                        None => { (ui.t("åbn originalen", "open the original")) }
                    }
                }
            }
        }
    }
}
