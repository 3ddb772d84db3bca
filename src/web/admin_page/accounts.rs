//! The admin page's staff accounts (administrators only): the accounts with their roles, each
//! with a remove button, and a form that adds one (or gives an existing one a new role and
//! password) — the same file `vidensbase user` writes.

use maud::{html, Markup};

use crate::access::Role;
use crate::accounts::Account;
use crate::web::views::role_name;
use crate::web::Ui;

pub fn section(accounts: &[Account], csrf: &str) -> Markup {
    html! {
        section aria-labelledby="accounts-h" {
            h2 #accounts-h { "Brugere" }
            @if accounts.is_empty() { p { "Ingen endnu." } }
            @else {
                ul {
                    @for account in accounts {
                        li {
                            strong { (account.name) } " (" (role_name(Ui::Da, account.role)) ")"
                            form.inline method="post" action="/admin/accounts" {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="action" value="remove";
                                input type="hidden" name="name" value=(account.name);
                                " " button type="submit" aria-label=(format!("Fjern brugeren {}", account.name)) { "Fjern" }
                            }
                        }
                    }
                }
            }
            form method="post" action="/admin/accounts" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value="add";
                label for="account-name" { "Brugernavn" }
                input #account-name name="name" required autocomplete="off";
                label for="account-role" { "Rolle" }
                select #account-role name="role" {
                    @for role in Role::ALL { option value=(role.code()) { (role_name(Ui::Da, role)) } }
                }
                label for="account-password" { "Adgangskode (mindst " (crate::accounts::MIN_PASSWORD_CHARS) " tegn)" }
                input #account-password type="password" name="password" required autocomplete="new-password";
                p { button type="submit" { "Opret eller opdatér bruger" } }
            }
        }
    }
}
