//! The command line's side of staff sign-in: `vidensbase user add|remove|list` on the accounts
//! file, and what `serve` reads from it and from the environment (the accounts, the audit log
//! beside them, the single sign-on proxy).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Subcommand;

use crate::access::Role;
use crate::accounts;
use crate::web;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account, or give an existing one a new role and password (asked for on the
    /// terminal, or read as the first line of standard input)
    Add {
        name: String,
        /// reader (sees internal documents), editor (also adds, deletes, sets visibility) or
        /// admin (also rebuilds and reads the audit log)
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Remove an account (its sessions end at once)
    Remove { name: String },
    /// List the accounts and their roles
    List,
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| "reader, editor or admin".to_string())
}

pub fn user(users: &Path, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { name, role } => {
            let password = password()?;
            accounts::add(users, &name, role, &password)?;
            println!("{name}: {} in {}", role.code(), users.display());
        }
        UserCommand::Remove { name } => {
            accounts::remove(users, &name)?;
            println!("{name} removed from {}", users.display());
        }
        UserCommand::List => {
            for account in accounts::list(users)? {
                println!("{}\t{}", account.name, account.role.code());
            }
        }
    }
    Ok(())
}

/// The new password: asked twice on a terminal (not shown), else the first line of stdin.
fn password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Adgangskode / password: ")?;
        let again = rpassword::prompt_password("Igen / again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// What `serve` knows of staff: the accounts file when it exists, the audit log and the search
/// log in the index folder (kept there across rebuilds), and the proxy from `VIDENSBASE_TRUSTED_PROXIES` (its addresses, by commas),
/// `VIDENSBASE_PROXY_USER_HEADER`, `VIDENSBASE_PROXY_GROUPS_HEADER` and
/// `VIDENSBASE_PROXY_ROLES` (`group=role,…`).
pub fn settings(
    users: &Path,
    index: &Path,
    mut settings: web::Settings,
) -> anyhow::Result<web::Settings> {
    if users.exists() {
        accounts::list(users)?;
        tracing::info!("staff accounts from {} (/login)", users.display());
        settings.accounts = Some(Arc::new(accounts::Accounts::new(users)));
    }
    settings.audit = Some(Arc::new(crate::audit::Audit::in_folder(index)));
    settings.search_log = search_log(index)?;
    settings.proxy = proxy()?;
    Ok(settings)
}

/// The search log beside the accounts file, keeping `VIDENSBASE_SEARCH_LOG_DAYS` days (90 by
/// default; 0: no log).
fn search_log(folder: &Path) -> anyhow::Result<Option<Arc<crate::searchlog::SearchLog>>> {
    let days = match std::env::var("VIDENSBASE_SEARCH_LOG_DAYS") {
        Ok(days) => days
            .trim()
            .parse::<u32>()
            .with_context(|| format!("VIDENSBASE_SEARCH_LOG_DAYS: {days:?} is no number"))?,
        Err(_) => crate::searchlog::DEFAULT_DAYS,
    };
    if days == 0 {
        return Ok(None);
    }
    let log = crate::searchlog::SearchLog::open(folder, days);
    tracing::info!(
        days,
        "search log in {}",
        folder.join(crate::searchlog::FILE).display()
    );
    Ok(Some(Arc::new(log)))
}

fn proxy() -> anyhow::Result<Option<web::Proxy>> {
    let Ok(addresses) = std::env::var("VIDENSBASE_TRUSTED_PROXIES") else {
        return Ok(None);
    };
    let addresses = addresses
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse()
                .with_context(|| format!("VIDENSBASE_TRUSTED_PROXIES: {a:?}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let mut group_roles = Vec::new();
    for pair in env("VIDENSBASE_PROXY_ROLES", "").split(',').map(str::trim) {
        if pair.is_empty() {
            continue;
        }
        let Some((group, role)) = pair.split_once('=') else {
            bail!("VIDENSBASE_PROXY_ROLES: {pair:?} is not group=role");
        };
        let role = Role::parse(role)
            .with_context(|| format!("VIDENSBASE_PROXY_ROLES: {role:?} is no role"))?;
        group_roles.push((group.trim().to_string(), role));
    }
    tracing::info!(?addresses, "signed in by the proxy at these addresses");
    Ok(Some(web::Proxy {
        addresses,
        user_header: env("VIDENSBASE_PROXY_USER_HEADER", "X-Forwarded-User"),
        groups_header: env("VIDENSBASE_PROXY_GROUPS_HEADER", "X-Forwarded-Groups"),
        group_roles,
    }))
}
