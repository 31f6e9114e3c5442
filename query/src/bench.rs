//! The statements `Repo` builds for writes, made without a database, for the
//! compile benchmarks (`benches/compile.rs`). Not part of the API.
#![doc(hidden)]

use crate::dialect::Dialect;
use crate::statement::Statement;
use quarry_core::{Changeset, Error, Schema};

/// The multi-row INSERT [`Repo::insert_all`](crate::Repo::insert_all) sends for
/// `rows` (one statement: the rows must write the same columns and fit the
/// parameter limit).
pub fn insert_all_statement<S: Schema, C: Into<Changeset<S>>>(
    dialect: Dialect,
    rows: Vec<C>,
) -> Result<Statement, Error> {
    let now = quarry_core::timestamp::now();
    let mut runs = crate::write::insert_rows_values(rows, now)?.into_iter();
    match (runs.next(), runs.next()) {
        (Some((columns, rows)), None) => Ok(crate::write::insert_many::<S>(
            dialect,
            crate::ir::prefix::of_schema(S::PREFIX)?,
            &columns,
            rows,
            false,
            None,
        )),
        _ => Err(Error::Query(quarry_core::QueryError::Other(
            "the bench's rows must write the same columns".into(),
        ))),
    }
}

/// The UPDATE [`Repo::update`](crate::Repo::update) sends for `changeset`
/// (`None` when it changes nothing and no statement would be sent).
pub fn update_statement<S: Schema>(
    dialect: Dialect,
    changeset: &Changeset<S>,
) -> Result<Option<Statement>, Error> {
    let values = crate::write::update_values(changeset);
    if values.is_empty() {
        return Ok(None);
    }
    let prefix = crate::ir::prefix::of_schema(S::PREFIX)?;
    crate::write::update_by_key(dialect, prefix, changeset, &values).map(Some)
}
