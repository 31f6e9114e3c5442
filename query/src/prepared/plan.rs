//! A prepared query's statement for one dialect (and, outside Postgres, one
//! set of list lengths): the SQL and where each of its values comes from.

use crate::dialect::Dialect;
use crate::ir::Parts;
use crate::ir::{ArgValue, ValueSink};
use crate::statement::Statement;
use quarry_core::{Error, QueryError, Value, ValueType};
use std::sync::Arc;

/// Where a value of a prepared statement comes from.
pub(super) enum Slot {
    /// A value fixed when the query was built.
    Fixed(sea_query::Value),
    /// Argument `n`; `last` on its last use (moved there, copied before).
    Arg { n: u16, last: bool },
    /// The items of list argument `n` (on Postgres: one array of them).
    List { n: u16, last: bool },
}

impl Slot {
    fn arg(&mut self) -> Option<(u16, &mut bool)> {
        match self {
            Slot::Arg { n, last } | Slot::List { n, last } => Some((*n, last)),
            Slot::Fixed(_) => None,
        }
    }
}

/// How a prepared query runs on one dialect.
pub(super) enum Plan {
    /// Written by quarry: the SQL and where each of its values comes from.
    Written { sql: Arc<str>, slots: Vec<Slot> },
    /// Written by sea-query (a construct quarry's writer leaves to it): the
    /// arguments are put in the query, and it is compiled each time.
    Substituted,
    /// The query uses an argument it was not built with (a parameter taken
    /// from another prepared query).
    Invalid(QueryError),
}

/// Records where each value of a statement comes from.
struct Recipe(Vec<Slot>);

impl ValueSink for Recipe {
    const PARAMS: bool = true;
    fn value(&mut self, v: sea_query::Value) {
        self.0.push(Slot::Fixed(v));
    }
    fn param(&mut self, n: u16) {
        self.0.push(Slot::Arg { n, last: false });
    }
    fn list_param(&mut self, n: u16) {
        self.0.push(Slot::List { n, last: false });
    }
}

impl Plan {
    /// The plan of `parts` on `dialect` for `count` arguments whose lists have
    /// the lengths `lists` (by argument number; unused on Postgres).
    pub(super) fn new(
        parts: &Parts,
        dialect: Dialect,
        default: Option<crate::ir::Prefix>,
        count: usize,
        lists: Vec<u32>,
    ) -> Plan {
        // Every table's prefix worked out first (the SQL names them).
        let mut resolved = parts.clone();
        if let Err(e) = resolved.resolve_prefixes(None, default) {
            return match e {
                Error::Query(q) => Plan::Invalid(q),
                other => Plan::Invalid(QueryError::Other(other.to_string())),
            };
        }
        let parts = &resolved;
        let Some(sql) = crate::sql::write_select_with_lists(parts, dialect, lists) else {
            return Plan::Substituted;
        };
        let mut recipe = Recipe(Vec::new());
        parts.clone().take_values(dialect, &mut recipe);
        let mut slots = recipe.0;
        let mut seen = vec![false; count];
        for slot in slots.iter_mut().rev() {
            if let Some((n, last)) = slot.arg() {
                match seen.get_mut(usize::from(n)) {
                    Some(s) => {
                        *last = !*s;
                        *s = true;
                    }
                    None => return Plan::Invalid(out_of_range(n, count)),
                }
            }
        }
        Plan::Written {
            sql: sql.into(),
            slots,
        }
    }

    /// The statement of `parts` with these arguments.
    pub(super) fn statement(
        &self,
        parts: &Parts,
        dialect: Dialect,
        default: Option<crate::ir::Prefix>,
        mut args: Vec<ArgValue>,
    ) -> Result<Statement, Error> {
        let (sql, slots) = match self {
            Plan::Written { sql, slots } => (sql, slots),
            Plan::Substituted => {
                let mut parts = parts.clone();
                parts.substitute(&args)?;
                parts.resolve_prefixes(None, default)?;
                return parts.compile(dialect);
            }
            Plan::Invalid(message) => return Err(Error::Query(message.clone())),
        };
        let mut values = Vec::with_capacity(slots.len());
        for slot in slots {
            let (n, last) = match slot {
                Slot::Fixed(v) => {
                    values.push(v.clone());
                    continue;
                }
                Slot::Arg { n, last } | Slot::List { n, last } => (*n, *last),
            };
            let count = args.len();
            let Some(a) = args.get_mut(usize::from(n)) else {
                return Err(Error::Query(out_of_range(n, count)));
            };
            let a = if last {
                std::mem::replace(a, ArgValue::One(Value::Bool(false)))
            } else {
                a.clone()
            };
            match (slot, a) {
                (Slot::Arg { .. }, ArgValue::One(v)) => values.push(crate::sql_value::to_sea(v)),
                (Slot::List { .. }, ArgValue::List(items, ty)) => {
                    if dialect.binds_arrays() {
                        values.push(array(items, ty));
                    } else {
                        values.extend(items);
                    }
                }
                _ => return Err(crate::ir::mismatch(n)),
            }
        }
        Ok(Statement {
            sql: sql.clone(),
            values,
            table: parts.from,
        })
    }
}

/// One Postgres array of `items`, typed by the list's item type (so an empty
/// list still binds as the column's type).
fn array(items: Vec<sea_query::Value>, ty: ValueType) -> sea_query::Value {
    use sea_query::ArrayType;
    let ty = match ty {
        ValueType::Bool => ArrayType::Bool,
        ValueType::I16 => ArrayType::SmallInt,
        ValueType::I32 => ArrayType::Int,
        ValueType::F32 => ArrayType::Float,
        ValueType::F64 => ArrayType::Double,
        ValueType::String => ArrayType::String,
        _ => ArrayType::BigInt,
    };
    sea_query::Value::Array(ty, Some(Box::new(items)))
}

pub(super) fn out_of_range(n: u16, count: usize) -> QueryError {
    QueryError::ForeignParam { index: n, count }
}
