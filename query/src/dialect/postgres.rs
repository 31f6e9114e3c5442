//! PostgreSQL: `$n` placeholders, IN lists bound as one array, an escape
//! string for LIKE's escape character; everything
//! else is the standard SQL of [`SqlDialect`]'s defaults.

use super::{SeaBuilder, SqlDialect};

/// The PostgreSQL dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct Postgres;

impl SqlDialect for Postgres {
    fn name(&self) -> &'static str {
        "PostgreSQL"
    }
    fn sea_builder(&self) -> SeaBuilder {
        SeaBuilder::Postgres
    }
    fn write_placeholder(&self, sql: &mut String, n: u32) {
        sql.push('$');
        super::push_u32(sql, n);
    }
    fn binds_arrays(&self) -> bool {
        true
    }
    fn like_escape(&self) -> &'static str {
        r"E'\\'"
    }
}
