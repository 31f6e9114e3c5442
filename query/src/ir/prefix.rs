//! A checked prefix (see `crate::prefix`): the type lives at the bottom, with
//! the IR that holds it.

use super::Name;
use quarry_core::{Error, QueryError};
use std::collections::HashSet;
use std::sync::{OnceLock, RwLock};

/// The longest prefix taken: Postgres keeps 63 bytes of a name, MySQL 64.
const MAX_LEN: usize = 63;

/// A checked prefix: a plain identifier (ASCII letters, digits and `_`, not
/// starting with a digit, 1 to 63 characters). Cheap to copy; two prefixes of
/// the same text are equal.
///
/// Each distinct prefix text is kept for the life of the program (once), so
/// compiled SQL can be cached per prefix: a program with a million tenants
/// keeps a million short strings.
///
/// ```
/// use quarry_query::prefix::Prefix;
/// let p = Prefix::new("tenant_a")?;
/// assert_eq!(p.as_str(), "tenant_a");
/// assert!(Prefix::new("tenant_a\"; DROP TABLE x; --").is_err());
/// assert!(Prefix::new("").is_err());
/// # Ok::<(), quarry_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Prefix(pub(crate) Name);

impl Prefix {
    /// Checks `text` and returns its prefix, or
    /// [`QueryError::InvalidPrefix`] when it is not a plain identifier.
    pub fn new(text: &str) -> Result<Prefix, Error> {
        if !is_plain_identifier(text) {
            return Err(Error::Query(QueryError::InvalidPrefix(text.to_string())));
        }
        Ok(Prefix(Name(intern(text))))
    }

    /// The prefix's text.
    pub fn as_str(self) -> &'static str {
        self.0 .0
    }
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for Prefix {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// True for a plain identifier: ASCII letters, digits and `_`, not starting
/// with a digit, 1 to 63 characters.
pub fn is_plain_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= MAX_LEN
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The one `'static` copy of `text` (so equal prefixes share an address, as
/// the SQL cache's names must).
fn intern(text: &str) -> &'static str {
    static SEEN: OnceLock<RwLock<HashSet<&'static str>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    // Seen before (the usual case: a few tenants, many statements): a read.
    if let Some(found) = seen
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(text)
    {
        return found;
    }
    let mut seen = seen
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = seen.get(text) {
        return found;
    }
    let kept: &'static str = Box::leak(text.to_string().into_boxed_str());
    seen.insert(kept);
    kept
}

/// Something that names a prefix: a [`Prefix`] or its text (checked when the
/// statement is built).
pub trait IntoPrefix {
    /// The checked prefix.
    fn into_prefix(self) -> Result<Prefix, Error>;
}

impl IntoPrefix for Prefix {
    fn into_prefix(self) -> Result<Prefix, Error> {
        Ok(self)
    }
}

impl IntoPrefix for &str {
    fn into_prefix(self) -> Result<Prefix, Error> {
        Prefix::new(self)
    }
}

impl IntoPrefix for &String {
    fn into_prefix(self) -> Result<Prefix, Error> {
        Prefix::new(self)
    }
}

impl IntoPrefix for String {
    fn into_prefix(self) -> Result<Prefix, Error> {
        Prefix::new(&self)
    }
}

/// The prefix a query asked for: checked, or the text that failed the check
/// (the error comes when the statement is built, as builder methods do not
/// return errors).
#[derive(Clone, Debug)]
pub(crate) enum Asked {
    Valid(Prefix),
    Invalid(std::sync::Arc<str>),
}

impl Asked {
    pub(crate) fn new(p: impl IntoPrefix) -> Self {
        match p.into_prefix() {
            Ok(p) => Asked::Valid(p),
            Err(Error::Query(QueryError::InvalidPrefix(text))) => Asked::Invalid(text.into()),
            Err(_) => Asked::Invalid("".into()),
        }
    }

    pub(crate) fn get(&self) -> Result<Prefix, Error> {
        match self {
            Asked::Valid(p) => Ok(*p),
            Asked::Invalid(text) => Err(Error::Query(QueryError::InvalidPrefix(text.to_string()))),
        }
    }
}

/// The prefix of a schema's table (`Schema::PREFIX`), checked: a derive
/// checks it at compile time, a hand-written impl here.
pub(crate) fn of_schema(prefix: Option<&'static str>) -> Result<Option<Prefix>, Error> {
    prefix.map(Prefix::new).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_identifiers_are_prefixes() {
        for ok in ["tenant_a", "_x", "A1", &"a".repeat(63)] {
            assert!(Prefix::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1a",
            "a-b",
            "a b",
            "a.b",
            "a\"b",
            "a`b",
            "ä",
            &"a".repeat(64),
        ] {
            assert!(
                matches!(
                    Prefix::new(bad),
                    Err(Error::Query(QueryError::InvalidPrefix(ref t))) if t == bad
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn equal_texts_are_one_prefix() {
        let a = Prefix::new("same_text").unwrap();
        let b = Prefix::new(&String::from("same_text")).unwrap();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
    }
}
