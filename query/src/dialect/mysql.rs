//! MySQL and MariaDB: backquoted identifiers, a LIMIT before any OFFSET,
//! `LOCK IN SHARE MODE`, no `NULLS FIRST`/`LAST`, `SIGNED`/`DOUBLE` casts, and
//! MariaDB's INSERT ... RETURNING written by quarry (sea-query's MySQL builder
//! drops it; it is used only where the server has it, see the capabilities).

use super::{SeaBuilder, SqlDialect};

/// The MySQL/MariaDB dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct MySql;

impl SqlDialect for MySql {
    fn name(&self) -> &'static str {
        "MySQL"
    }
    fn sea_builder(&self) -> SeaBuilder {
        SeaBuilder::MySql
    }
    fn quote(&self) -> char {
        '`'
    }
    fn limit_for_offset(&self) -> Option<u64> {
        Some(i64::MAX.unsigned_abs())
    }
    fn aggregate_casts(&self) -> (&'static str, &'static str) {
        ("SIGNED", "DOUBLE")
    }
    fn lock_clause(&self, share: bool) -> Option<&'static str> {
        Some(if share {
            " LOCK IN SHARE MODE"
        } else {
            " FOR UPDATE"
        })
    }
    fn nulls_ordering(&self) -> bool {
        false
    }
    fn like_escape(&self) -> &'static str {
        r"'\\'"
    }
    fn writes_insert_returning(&self) -> bool {
        true
    }
}
