//! A statement's values encoded into sqlx's arguments straight from the borrowed
//! `&[sea_query::Value]`: sqlx encodes on `add`, so strings and blobs go in as
//! `&str` / `&[u8]` and nothing is copied but into the wire buffer.

use crate::wire::Wire;
use crate::{Arguments, SqlxBackend};
use quarry_core::{Error, Result};
use sea_query::Value as Sv;
use sqlx::Arguments as _;

/// The bytes a value takes in the argument buffer, roughly (to reserve once).
fn size_hint(v: &Sv) -> usize {
    match v {
        Sv::String(Some(s)) => s.len() + 4,
        Sv::Bytes(Some(b)) => b.len() + 4,
        _ => 12,
    }
}

/// The arguments of a statement's `values`, in placeholder order.
pub(crate) fn arguments<B: SqlxBackend>(values: &[Sv]) -> Result<Arguments<B>> {
    let mut args = Arguments::<B>::default();
    if values.is_empty() {
        return Ok(args);
    }
    args.reserve(values.len(), values.iter().map(size_hint).sum());
    for (i, value) in values.iter().enumerate() {
        let bound = match <B::Db as Wire>::bind(&mut args, value) {
            Some(bound) => bound,
            None => B::bind_other(&mut args, value),
        };
        bound.map_err(|e| {
            Error::Query(quarry_core::QueryError::Build(format!(
                "cannot bind parameter {}: {e}",
                i + 1
            )))
        })?;
    }
    Ok(args)
}
