//! A compiled statement: what the shared layer hands an adapter.

use quarry_core::Value;
use std::sync::Arc;

/// SQL text with its bound values, ready for an adapter to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The SQL, with the dialect's placeholders (shared, so a cached statement is
    /// handed to the driver without copying).
    pub sql: Arc<str>,
    /// The values, in placeholder order.
    pub values: Vec<sea_query::Value>,
    /// The main table (for logs), or `""` for raw SQL.
    pub table: &'static str,
}

impl Statement {
    /// A statement from its parts.
    pub fn new(sql: String, values: Vec<sea_query::Value>, table: &'static str) -> Self {
        Statement {
            sql: sql.into(),
            values,
            table,
        }
    }

    /// Raw SQL with quarry values, bound in order (the escape hatch).
    pub fn raw(sql: impl Into<String>, values: impl IntoIterator<Item = Value>) -> Self {
        Statement {
            sql: Arc::from(sql.into()),
            values: values.into_iter().map(crate::sql_value::to_sea).collect(),
            table: "",
        }
    }
}
