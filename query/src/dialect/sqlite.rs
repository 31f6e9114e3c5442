//! SQLite: a LIMIT before any OFFSET, `INTEGER`/`REAL` casts, no row locks,
//! and compound SELECTs without parentheses.

use super::{SeaBuilder, SqlDialect};

/// The SQLite dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sqlite;

impl SqlDialect for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite"
    }
    fn sea_builder(&self) -> SeaBuilder {
        SeaBuilder::Sqlite
    }
    fn limit_for_offset(&self) -> Option<u64> {
        Some(i64::MAX.unsigned_abs())
    }
    fn aggregate_casts(&self) -> (&'static str, &'static str) {
        ("INTEGER", "REAL")
    }
    fn lock_clause(&self, _share: bool) -> Option<&'static str> {
        None
    }
    fn parenthesized_set_members(&self) -> bool {
        false
    }
}
