//! Who may see a document: its [`Visibility`] (public, or internal to staff) and the
//! [`Audience`] a request is answered for.
//!
//! Visibility is decided at ingestion and stored in the index (`visibility`, a filter field of
//! both indexes), so the search restricts an anonymous request with a query clause, never by
//! leaving hits out after the fact: totals, facet counts, suggestions, related documents and
//! editions all count and show only what the audience may open.

use serde::Serialize;

/// Who may open a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Anyone who can reach the server (the default).
    #[default]
    Offentlig,
    /// Signed-in staff only.
    Intern,
}

impl Visibility {
    /// The value stored in the index and written in rules and front matter.
    pub fn code(self) -> &'static str {
        match self {
            Visibility::Offentlig => "offentlig",
            Visibility::Intern => "intern",
        }
    }

    /// Reads a value as an editor writes it, in Danish or English (`intern`, `internal`,
    /// `offentlig`, `public`), in any case.
    pub fn parse(value: &str) -> Option<Visibility> {
        match value.trim().to_lowercase().as_str() {
            "offentlig" | "public" => Some(Visibility::Offentlig),
            "intern" | "internal" => Some(Visibility::Intern),
            _ => None,
        }
    }
}

/// Whom a request is answered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// Anyone: public documents only.
    #[default]
    Anyone,
    /// Signed-in staff (any role) or a script with the admin token: every document.
    Staff,
}

impl Audience {
    /// Whether a document of `visibility` may be shown to this audience.
    pub fn may_see(self, visibility: Visibility) -> bool {
        self == Audience::Staff || visibility == Visibility::Offentlig
    }

    /// The visibility a search for this audience is restricted to, if any.
    pub fn restricted_to(self) -> Option<Visibility> {
        match self {
            Audience::Anyone => Some(Visibility::Offentlig),
            Audience::Staff => None,
        }
    }
}

/// What a signed-in person may do. Each role may do what the one before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees internal documents.
    Reader,
    /// Also uploads, deletes and sets who may see a document.
    Editor,
    /// Also manages accounts and rebuilds the index.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Reader, Role::Editor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Reads a role as the command line, the configuration and the admin page write it.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(value.trim()))
    }
}

/// A signed-in person (or script): a name, for the audit log, and a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub name: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_reads_danish_and_english_and_nothing_else() {
        assert_eq!(Visibility::parse(" Intern "), Some(Visibility::Intern));
        assert_eq!(Visibility::parse("internal"), Some(Visibility::Intern));
        assert_eq!(Visibility::parse("PUBLIC"), Some(Visibility::Offentlig));
        assert_eq!(Visibility::parse("hemmelig"), None);
        assert_eq!(Visibility::parse(""), None);
        for v in [Visibility::Offentlig, Visibility::Intern] {
            assert_eq!(Visibility::parse(v.code()), Some(v));
        }
    }

    #[test]
    fn roles_are_ordered_and_read_back() {
        assert!(Role::Reader < Role::Editor && Role::Editor < Role::Admin);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse(" Editor "), Some(Role::Editor));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn anyone_sees_public_documents_only() {
        assert!(Audience::Anyone.may_see(Visibility::Offentlig));
        assert!(!Audience::Anyone.may_see(Visibility::Intern));
        assert!(Audience::Staff.may_see(Visibility::Intern));
        assert_eq!(Audience::Staff.restricted_to(), None);
    }
}
