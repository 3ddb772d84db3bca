//! What staff see of signing in: who is signed in (on every page's header), and the sign-in
//! page.

use maud::{html, Markup};

use super::{layout, localised, percent_encode, Ctx};
use crate::web::Ui;

/// Who is signed in, for the header of every page: with the session's CSRF token for the
/// sign-out button (none for a person the proxy signed in: they sign out there).
#[derive(Debug, Clone)]
pub struct SignedInBar {
    pub staff: crate::access::Staff,
    pub csrf: Option<String>,
}

/// A role's name in the interface language.
pub fn role_name(ui: Ui, role: crate::access::Role) -> &'static str {
    match role {
        crate::access::Role::Reader => ui.t("læser", "reader"),
        crate::access::Role::Editor => ui.t("redaktør", "editor"),
        crate::access::Role::Admin => ui.t("administrator", "administrator"),
    }
}

/// "Signed in as …", and the sign-out button.
pub(super) fn signed_in_bar(ui: Ui, bar: &SignedInBar) -> Markup {
    html! {
        p.signed-in {
            (ui.t("Logget ind som ", "Signed in as ")) strong { (bar.staff.name) }
            " (" (role_name(ui, bar.staff.role)) ")"
            @if let Some(csrf) = &bar.csrf {
                form.inline method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(csrf);
                    " " button type="submit" { (ui.t("Log ud", "Sign out")) }
                }
            }
        }
    }
}

/// The sign-in page, coming back to `here` after.
pub(super) fn sign_in_url(ui: Ui, here: &str) -> String {
    let next = if here.starts_with("/login") {
        "/"
    } else {
        here
    };
    localised(ui, &format!("/login?next={}", percent_encode(next)))
}

/// The staff sign-in page: name and password, and what went wrong the last time.
pub fn sign_in(ctx: &Ctx, message: Option<&str>, next: &str, name: &str) -> Markup {
    let ui = ctx.ui;
    layout(
        ctx,
        ui.t("Log ind", "Sign in"),
        html! {
            h1 { (ui.t("Log ind som medarbejder", "Staff sign-in")) }
            p { (ui.t("Medarbejdere kan også finde og læse de interne dokumenter.", "Staff can also find and read the internal documents.")) }
            @if let Some(message) = message { p.flash.failed role="alert" { (message) } }
            form.login method="post" action=(localised(ui, "/login")) {
                input type="hidden" name="next" value=(next);
                label for="name" { (ui.t("Brugernavn", "User name")) }
                input #name name="name" value=(name) autocomplete="username" required autofocus;
                label for="password" { (ui.t("Adgangskode", "Password")) }
                input #password type="password" name="password" autocomplete="current-password" required;
                p { button type="submit" { (ui.t("Log ind", "Sign in")) } }
            }
        },
    )
}
