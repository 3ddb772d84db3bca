//! The admin page's search log (editors): what people searched for and did not find, and what
//! they found but did not open, over the kept days, with each day's totals.

use maud::{html, Markup};

use crate::searchlog::{QueryCounts, Report};

/// Queries listed per table on the page (`GET /api/search-log` has more).
const SHOWN: usize = 25;
/// Days listed with their totals.
const DAYS_SHOWN: usize = 14;

pub fn section(report: &Report) -> Markup {
    html! {
        section aria-labelledby="searches-h" {
            h2 #searches-h { "Søgninger" }
            p.meta {
                "Kun søgeordene og antal gemmes (ingen IP-adresser, brugernavne eller cookies); søgninger, der ligner personoplysninger (CPR-numre, e-mail-adresser, telefonnumre), gemmes slet ikke. Loggen dækker de seneste "
                (report.days_kept) " dage."
            }
            h3 { "Uden resultater" }
            (queries(&report.zero_results, true, "Søgninger uden resultater, de hyppigste først"))
            h3 { "Med resultater, som ingen åbnede" }
            (queries(&report.not_opened, false, "Søgninger med resultater, som ingen åbnede, de hyppigste først"))
            h3 { "Pr. dag" }
            @if report.days.is_empty() { p { "Ingen søgninger endnu." } }
            @else {
                div.table tabindex="0" role="region" aria-label="Søgninger pr. dag" {
                    table {
                        thead { tr { th scope="col" { "Dag" } th scope="col" { "Uge" } th scope="col" { "Søgninger" } th scope="col" { "Uden resultater" } th scope="col" { "Ikke åbnet" } } }
                        tbody {
                            @for d in report.days.iter().take(DAYS_SHOWN) {
                                tr { td { (d.day) } td { (d.week) } td { (d.searches) } td { (d.zero_results) } td { (d.not_opened) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The search page of a query.
fn search_url(query: &str) -> String {
    let encoded = serde_urlencoded::to_string([("q", query)]).unwrap_or_default();
    format!("/search?{encoded}")
}

/// The admin page with the synonym form filled with `query`.
fn synonym_url(query: &str) -> String {
    let encoded = serde_urlencoded::to_string([("synonym", query)]).unwrap_or_default();
    format!("/admin?{encoded}#synonymer")
}

fn queries(list: &[QueryCounts], suggestion: bool, caption: &str) -> Markup {
    html! {
        @if list.is_empty() { p { "Ingen." } }
        @else {
            div.table tabindex="0" role="region" aria-label=(caption) {
                table {
                    thead { tr {
                        th scope="col" { "Søgning" } th scope="col" { "Antal" } th scope="col" { "Senest" }
                        @if suggestion { th scope="col" { "Tilbudt »Mente du«" } }
                    } }
                    tbody {
                        @for q in list.iter().take(SHOWN) {
                            tr {
                                td {
                                    a href=(search_url(&q.query)) { (q.query) }
                                    @if suggestion { br; a.meta href=(synonym_url(&q.query)) { "Tilføj synonym" } }
                                }
                                td { (q.searches) }
                                td { (q.last) }
                                @if suggestion { td { (q.suggestion.as_deref().unwrap_or("–")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The editors' synonyms and translations: the list with a remove button each, and the form
/// that adds one (its first field filled from a search that found nothing).
pub fn synonyms_section(
    entries: &[crate::glossary::editorial::Entry],
    csrf: &str,
    prefill: &str,
) -> Markup {
    use crate::glossary::editorial::Entry;
    html! {
        section #synonymer aria-labelledby="synonyms-h" {
            h2 #synonyms-h { "Synonymer og oversættelser" }
            p.meta { "Virker i søgningen med det samme, uden at indekset bygges om, og vises som »Søgte også på«. Listen er filen synonymer.tsv i corpus-mappen." }
            form method="post" action="/admin/synonyms" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value="add";
                label for="syn-left" { "Ord eller udtryk" }
                input #syn-left name="left" value=(prefill) required;
                label for="syn-kind" { "Slags" }
                select #syn-kind name="kind" {
                    option value="synonym" { "betyder det samme som (synonym)" }
                    option value="translation" { "hedder på engelsk (oversættelse)" }
                }
                label for="syn-right" { "Det andet ord eller udtryk" }
                input #syn-right name="right" required;
                p { button type="submit" { "Gem" } }
            }
            @if entries.is_empty() { p { "Ingen endnu." } }
            @else {
                ul {
                    @for entry in entries {
                        li {
                            @match entry {
                                Entry::Synonym(a, b) => { (a) " = " (b) }
                                Entry::Translation { da, en } => { span lang="da" { (da) } " ↔ " span lang="en" { (en) } }
                            }
                            form.inline method="post" action="/admin/synonyms" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="action" value="remove";
                                input type="hidden" name="line" value=(entry.line());
                                " " button type="submit" aria-label=(format!("Fjern {}", entry.line())) { "Fjern" }
                            }
                        }
                    }
                }
            }
        }
    }
}
