//! The accessibility statement (`/was`): the operator's own, or the built-in one in the sections
//! Digitaliseringsstyrelsen asks for, with its date and the official statement when configured.

use maud::{html, Markup};

use super::{layout, Ctx};
use crate::web::Ui;

/// `/was`: the accessibility statement (webtilgængelighedsloven): the operator's own, or the
/// built-in one in the form Digitaliseringsstyrelsen asks for.
pub fn statement(ctx: &Ctx) -> Markup {
    let ui = ctx.ui;
    let site = ctx.site;
    let contact = html! {
        @match (&site.contact, site.contact_href()) {
            (Some(c), Some(href)) => a href=(href) { (c) },
            (Some(c), None) => (c),
            (None, _) => (site.owner),
        }
    };
    layout(
        ctx,
        ui.t("Tilgængelighedserklæring", "Accessibility statement"),
        html! {
            h1 { (ui.t("Tilgængelighedserklæring", "Accessibility statement")) }
            @if let Some(text) = &site.statement {
                div lang="da" {
                    @for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
                        @if let Some(heading) = block.strip_prefix("# ") { h2 { (heading) } } @else { p { (block) } }
                    }
                }
            } @else {
                @match ui {
                    Ui::Da => {
                        p { (site.owner) " er forpligtet til at gøre dette websted tilgængeligt i overensstemmelse med lov om tilgængelighed af offentlige organers websteder og mobilapplikationer (webtilgængelighedsloven). Erklæringen gælder søgesiderne og dokumentsiderne." }
                        h2 { "Overensstemmelsesstatus" }
                        p { "Webstedet er delvist i overensstemmelse med WCAG 2.1 niveau AA, af grundene nedenfor. Siderne kontrolleres med axe-core i en rigtig browser, hver gang programmet ændres, og de virker uden JavaScript." }
                        h2 { "Indhold, der ikke er tilgængeligt" }
                        p { "Dokumenterne (PDF, Word og OpenDocument) vises, som de er modtaget, og er ikke nødvendigvis tilgængelige. Teksten i dem kan altid læses som almindelig tekst på dokumentets side." }
                        h2 { "Feedback og kontaktoplysninger" }
                        p { "Hvis du oplever problemer med tilgængeligheden, eller har du brug for et dokument i en anden form, så skriv til " (contact) "." }
                        h2 { "Håndhævelsesprocedure" }
                        p { "Du kan klage til Digitaliseringsstyrelsen, hvis du mener, at webstedet ikke lever op til kravene, eller hvis du er utilfreds med svaret på din henvendelse: " a href="https://digst.dk/" lang="da" { "digst.dk" } "." }
                    }
                    Ui::En => {
                        p { (site.owner) " is committed to making this website accessible in accordance with the Danish act on the accessibility of public sector bodies' websites and mobile applications. The statement covers the search and document pages." }
                        h2 { "Compliance status" }
                        p { "The website is partially compliant with WCAG 2.1 level AA, for the reasons below. The pages are checked with axe-core in a real browser whenever the software changes, and they work without JavaScript." }
                        h2 { "Non-accessible content" }
                        p { "The documents (PDF, Word and OpenDocument) are shown as they were received and are not necessarily accessible. Their text can always be read as plain text on the document's page." }
                        h2 { "Feedback and contact information" }
                        p { "If you meet a problem with accessibility, or need a document in another form, write to " (contact) "." }
                        h2 { "Enforcement procedure" }
                        p { "You can complain to the Danish Agency for Digital Government if you think the website does not meet the requirements, or if you are not satisfied with the answer to your enquiry: " a href="https://digst.dk/" lang="da" { "digst.dk" } "." }
                    }
                }
            }
            @if let Some(date) = &site.statement_date {
                p { (ui.t("Erklæringen er senest gennemgået: ", "The statement was last reviewed: ")) (date) }
            }
            @if let Some(url) = &site.statement_url {
                p { a href=(url) { (ui.t("Den officielle tilgængelighedserklæring på was.digst.dk", "The official accessibility statement on was.digst.dk")) } }
            }
        },
    )
}
