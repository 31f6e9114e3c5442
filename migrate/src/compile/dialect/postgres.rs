//! PostgreSQL's DDL: the defaults of [`Ddl`].

use super::Ddl;

/// PostgreSQL.
pub(crate) struct Postgres;

impl Ddl for Postgres {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }
}
