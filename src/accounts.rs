//! Local staff accounts for a small setup: a name, a [`Role`] and an Argon2id password hash each,
//! in one JSON file (`brugere.json` by default) that `vidensbase user add|remove|list` writes and
//! the server reads again whenever it changes, so an account added, removed or given another
//! role counts at once, also for sessions already signed in.
//!
//! Argon2id (the `argon2` crate of RustCrypto, its default parameters: 19 MiB, two passes) is
//! the password hash OWASP recommends; a hash is a PHC string with its own salt and parameters,
//! so parameters can change without breaking stored hashes. A sign-in for a name that has no
//! account still verifies a password against a hash, so the answer takes as long either way.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

use crate::access::{Role, Staff};

/// The accounts file's default name (beside `corpus/` and `index/`).
pub const DEFAULT_FILE: &str = "brugere.json";
/// Shorter passwords are refused.
pub const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
    /// Argon2id, as a PHC string.
    hash: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    accounts: Vec<Account>,
}

/// Why an account could not be added or removed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a name is 1 to 64 letters, digits, '.', '-', '_' or '@'")]
    BadName,
    #[error("a password has at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    #[error("there is no account {0:?}")]
    Unknown(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}: not an accounts file ({1})")]
    Damaged(PathBuf, String),
    #[error("hashing the password: {0}")]
    Hash(String),
}

/// The accounts file of a server, read again when it changes.
#[derive(Debug)]
pub struct Accounts(crate::statefile::Reloaded<Vec<Account>>);

impl Accounts {
    pub fn new(path: &Path) -> Accounts {
        Accounts(crate::statefile::Reloaded::new(path.to_path_buf()))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// The accounts as the file holds them now (none when there is no file; a damaged file is
    /// logged and counts as none: nobody signs in with accounts it cannot read).
    pub fn current(&self) -> Arc<Vec<Account>> {
        self.0.get(|path| match read(path) {
            Ok(file) => file.accounts,
            Err(e) => {
                tracing::error!("{e}");
                Vec::new()
            }
        })
    }

    /// The account of `name`, with its current role.
    pub fn find(&self, name: &str) -> Option<Staff> {
        self.current()
            .iter()
            .find(|a| a.name == name)
            .map(|a| Staff {
                name: a.name.clone(),
                role: a.role,
            })
    }

    /// The account whose name and password these are. Takes an Argon2 verification's time
    /// whether or not the name exists.
    pub fn verify(&self, name: &str, password: &str) -> Option<Staff> {
        let accounts = self.current();
        let account = accounts.iter().find(|a| a.name == name);
        let hash = account.map_or(dummy_hash(), |a| a.hash.as_str());
        let right = PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        account.filter(|_| right).map(|a| Staff {
            name: a.name.clone(),
            role: a.role,
        })
    }
}

/// A hash of no one's password, verified against when a name has no account.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn hash_password(password: &str) -> Result<String, AccountError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `name` may name an account.
pub fn valid_name(name: &str) -> bool {
    // `admin-token` names the admin token's sessions in the audit log.
    name != "admin-token"
        && (1..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
}

/// Adds the account `name` (or gives an existing one this role and password).
pub fn add(path: &Path, name: &str, role: Role, password: &str) -> Result<(), AccountError> {
    if !valid_name(name) {
        return Err(AccountError::BadName);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::ShortPassword);
    }
    let hash = hash_password(password)?;
    let mut file = read(path)?;
    file.accounts.retain(|a| a.name != name);
    file.accounts.push(Account {
        name: name.to_string(),
        role,
        hash,
    });
    file.accounts.sort_by(|a, b| a.name.cmp(&b.name));
    write(path, &file)
}

/// Removes the account `name`.
pub fn remove(path: &Path, name: &str) -> Result<(), AccountError> {
    let mut file = read(path)?;
    let before = file.accounts.len();
    file.accounts.retain(|a| a.name != name);
    if file.accounts.len() == before {
        return Err(AccountError::Unknown(name.to_string()));
    }
    write(path, &file)
}

/// Every account, by name.
pub fn list(path: &Path) -> Result<Vec<Account>, AccountError> {
    Ok(read(path)?.accounts)
}

fn read(path: &Path) -> Result<File, AccountError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| AccountError::Damaged(path.to_path_buf(), e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(File::default()),
        Err(source) => Err(AccountError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes the file readable by its owner only, replacing the old one in one step.
fn write(path: &Path, file: &File) -> Result<(), AccountError> {
    let bytes = serde_json::to_vec_pretty(file).map_err(|e| AccountError::Hash(e.to_string()))?;
    crate::statefile::replace(path, &bytes, 0o600).map_err(|source| AccountError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_signs_in_with_its_password_only_and_follows_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DEFAULT_FILE);
        add(&path, "anna", Role::Editor, "korrekt hest batteri").expect("add");
        let accounts = Accounts::new(&path);
        let anna = Staff {
            name: "anna".into(),
            role: Role::Editor,
        };
        assert_eq!(accounts.verify("anna", "korrekt hest batteri"), Some(anna));
        assert_eq!(accounts.verify("anna", "korrekt hest batterj"), None);
        assert_eq!(accounts.verify("bo", "korrekt hest batteri"), None);
        add(&path, "anna", Role::Reader, "et andet langt kodeord").expect("again");
        assert_eq!(accounts.find("anna").map(|s| s.role), Some(Role::Reader));
        assert!(!std::fs::read_to_string(&path)
            .expect("file")
            .contains("kodeord"));
        remove(&path, "anna").expect("remove");
        assert_eq!(accounts.find("anna"), None);
        assert!(matches!(
            remove(&path, "anna"),
            Err(AccountError::Unknown(_))
        ));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only");
    }

    #[test]
    fn names_and_passwords_are_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(DEFAULT_FILE);
        assert!(matches!(
            add(&path, "a b", Role::Reader, "langt nok kodeord"),
            Err(AccountError::BadName)
        ));
        assert!(matches!(
            add(&path, "bo", Role::Reader, "kort"),
            Err(AccountError::ShortPassword)
        ));
        assert!(valid_name("anna.berg@kommune.dk") && !valid_name("") && !valid_name("x/y"));
        assert!(!valid_name("admin-token"));
    }
}
