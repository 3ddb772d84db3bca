//! What a hit says of how it matched, when that is not simply the query's words: the words it
//! lacks (a relaxed query's documents with some of the words) and the words it has only through
//! a close spelling or a glossary translation.

use maud::{html, Markup};

use super::ui::Ui;
use crate::query::Found;
use crate::search::Hit;

/// A line under the hit's snippet, or nothing when the hit matched every word as written.
pub(super) fn how_found(ui: Ui, hit: &Hit) -> Markup {
    let through = |kind: Found| -> Vec<&str> {
        hit.found_through
            .iter()
            .filter(|f| f.through == kind)
            .map(|f| f.word.as_str())
            .collect()
    };
    let spelling = through(Found::Spelling);
    let translation = through(Found::Translation);
    let missing: Vec<&str> = hit.missing.iter().map(String::as_str).collect();
    let lines = [
        (ui.t("Mangler: ", "Missing: "), missing, true),
        (
            ui.t(
                "Fundet via en lignende stavemåde af ",
                "Found through a similar spelling of ",
            ),
            spelling,
            false,
        ),
        (
            ui.t(
                "Fundet via oversættelsen af ",
                "Found through the translation of ",
            ),
            translation,
            false,
        ),
    ];
    html! {
        @for (label, words, struck) in lines {
            @if !words.is_empty() {
                p.found {
                    (label)
                    @for (i, word) in words.iter().enumerate() {
                        @if i > 0 { ", " }
                        @if struck { s { (word) } } @else { "»" (word) "«" }
                    }
                }
            }
        }
    }
}
