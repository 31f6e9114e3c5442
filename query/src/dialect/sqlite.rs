//! SQLite: a LIMIT before any OFFSET, `INTEGER`/`REAL` casts, no row locks,
//! upsert targets by columns only (no `ON CONFLICT ON CONSTRAINT`), no
//! DELETE over joins (UPDATE ... FROM it has, since 3.33), and compound
//! SELECTs without parentheses; array conditions over `json_each` of the JSON
//! text `Vec<T>` columns hold.

use super::{ArrayOp, SeaBuilder, SqlDialect};

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
    fn conflict_on_constraint(&self) -> bool {
        false
    }
    fn delete_join(&self) -> Option<super::JoinedWrite> {
        None
    }
    /// Arrays are JSON text: `json_each` of the column and of the values
    /// (bound as one JSON array), elements compared as SQLite values (a JSON
    /// string is text, a number a number). A NULL array contains nothing.
    fn array_condition(&self, op: ArrayOp, _text: bool) -> &'static str {
        match op {
            ArrayOp::Contains => {
                "({a} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each({v}) AS quarry_want \
                 WHERE NOT EXISTS (SELECT 1 FROM json_each({a}) AS quarry_have \
                 WHERE quarry_have.value = quarry_want.value)))"
            }
            ArrayOp::Overlaps => {
                "EXISTS (SELECT 1 FROM json_each({a}) AS quarry_have \
                 WHERE quarry_have.value IN (SELECT value FROM json_each({v})))"
            }
        }
    }
    fn parenthesized_set_members(&self) -> bool {
        false
    }
}
