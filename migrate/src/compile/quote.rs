//! Quoting identifiers for the few statements written by hand.

use quarry_query::Dialect;

/// `ident` quoted for `dialect` (`"x"` or `` `x` ``, inner quotes doubled).
pub(crate) fn quote(dialect: Dialect, ident: &str) -> String {
    dialect.quoted(ident)
}
