//! MySQL and MariaDB: backquoted identifiers, a LIMIT before any OFFSET,
//! `LOCK IN SHARE MODE`, no `NULLS FIRST`/`LAST`, `SIGNED`/`DOUBLE` casts, and
//! MariaDB's INSERT ... RETURNING written by quarry (sea-query's MySQL builder
//! drops it; it is used only where the server has it, see the capabilities),
//! and upserts as `ON DUPLICATE KEY UPDATE` with `VALUES(c)` for the proposed
//! values and `LAST_INSERT_ID(id)` to report the stored row's key; bulk
//! writes over joins as multi-table UPDATE and DELETE; array conditions
//! with `JSON_CONTAINS` / `JSON_OVERLAPS` on the JSON arrays `Vec<T>` columns hold.

use super::{ArrayOp, JoinedWrite, SeaBuilder, SqlDialect, UpsertSyntax};

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
    /// Arrays are JSON: `JSON_CONTAINS` (every value is an element) and
    /// `JSON_OVERLAPS` (MySQL 8.0.17+, MariaDB 10.9+), the values bound as
    /// one JSON array.
    fn array_condition(&self, op: ArrayOp, _text: bool) -> &'static str {
        match op {
            ArrayOp::Contains => "JSON_CONTAINS({a}, {v})",
            ArrayOp::Overlaps => "JSON_OVERLAPS({a}, {v})",
        }
    }
    fn writes_insert_returning(&self) -> bool {
        true
    }
    fn upsert_syntax(&self) -> UpsertSyntax {
        UpsertSyntax::OnDuplicateKeyUpdate
    }
    fn conflict_on_constraint(&self) -> bool {
        false
    }
    fn write_excluded(&self, sql: &mut String, column: &str) {
        sql.push_str("VALUES(");
        crate::Dialect::MySql.write_ident(sql, column);
        sql.push(')');
    }
    fn upsert_key_function(&self) -> Option<&'static str> {
        Some("LAST_INSERT_ID")
    }
    fn update_join(&self) -> Option<JoinedWrite> {
        Some(JoinedWrite::MultiTable)
    }
    fn delete_join(&self) -> Option<JoinedWrite> {
        Some(JoinedWrite::MultiTable)
    }
}
