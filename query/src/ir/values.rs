//! Moving a query's values out in SQL order.

use super::{Op, Parts, Rpn};
use crate::dialect::Dialect;

/// Where [`Rpn::take_values`] puts the values it collects, in SQL order.
pub(crate) trait ValueSink {
    /// True when it takes arguments of a prepared query (every operation is
    /// then visited, even where no value is held).
    const PARAMS: bool;
    /// The next value.
    fn value(&mut self, v: sea_query::Value);
    /// The next values (an IN list).
    fn values(&mut self, vs: impl Iterator<Item = sea_query::Value>) {
        for v in vs {
            self.value(v);
        }
    }
    /// The next value is argument `n` of a prepared query.
    fn param(&mut self, n: u16);
    /// The next values are the items of list argument `n` of a prepared query
    /// (on Postgres: one array of them).
    fn list_param(&mut self, n: u16);
}

impl ValueSink for Vec<sea_query::Value> {
    const PARAMS: bool = false;
    fn value(&mut self, v: sea_query::Value) {
        self.push(v);
    }
    fn values(&mut self, vs: impl Iterator<Item = sea_query::Value>) {
        self.extend(vs);
    }
    fn param(&mut self, _: u16) {
        // Unreachable: `Parts::check` refuses a query holding an argument
        // outside a prepared query. A NULL keeps the count of values right.
        self.push(sea_query::Value::String(None));
    }
    fn list_param(&mut self, _: u16) {
        // Unreachable, as above.
    }
}

impl Rpn {
    /// Moves the values out in SQL order (subqueries' values where they stand).
    pub(crate) fn take_values<O: ValueSink>(&mut self, dialect: Dialect, out: &mut O) {
        if self.values.is_empty() && self.subs.is_empty() && !O::PARAMS {
            return;
        }
        let mut values = self.values.drain(..);
        let mut subs = self.subs.iter_mut();
        for op in &self.ops {
            match *op {
                Op::InArray(n) if dialect.binds_arrays() => {
                    let items = values
                        .by_ref()
                        .take(n as usize)
                        .map(crate::sql_value::to_sea);
                    out.value(array_of(items.collect()));
                }
                Op::InList(n) | Op::NotInList(n) | Op::InArray(n) => {
                    out.values(
                        values
                            .by_ref()
                            .take(n as usize)
                            .map(crate::sql_value::to_sea),
                    );
                }
                Op::Val => {
                    if let Some(v) = values.next() {
                        out.value(crate::sql_value::to_sea(v));
                    }
                }
                Op::Param(n) => out.param(n),
                Op::ParamIn(n) => out.list_param(n),
                Op::InSub | Op::NotInSub | Op::Exists | Op::NotExists | Op::ScalarSub => {
                    if let Some(s) = subs.next() {
                        s.take_values(dialect, out);
                    }
                }
                _ => {}
            }
        }
    }
}

impl Parts {
    /// Moves the values out in SQL order.
    pub(crate) fn take_values(&mut self, dialect: Dialect, out: &mut impl ValueSink) {
        let limit = self.effective_limit(dialect);
        if let Some(with) = self.with.as_deref_mut() {
            with.1.take_values(dialect, out);
        }
        self.select.take_values(dialect, out);
        if let Some(sub) = self.from_sub.as_deref_mut() {
            sub.take_values(dialect, out);
        }
        for j in &mut self.joins {
            if let Some(sub) = j.lateral.as_deref_mut() {
                sub.take_values(dialect, out);
            }
            j.on.take_values(dialect, out);
        }
        self.cond.take_values(dialect, out);
        if let Some(g) = self.grouping.as_deref_mut() {
            g.group_by.take_values(dialect, out);
            g.having.take_values(dialect, out);
        }
        for (_, member) in &mut self.set_ops {
            member.take_values(dialect, out);
        }
        self.order.take_values(dialect, out);
        if let Some(l) = limit {
            out.value(sea_query::Value::BigUnsigned(Some(l)));
        }
        if let Some(o) = self.offset {
            out.value(sea_query::Value::BigUnsigned(Some(o)));
        }
    }
}

/// One Postgres array value of `items` (all of one type, none NULL).
pub(crate) fn array_of(items: Vec<sea_query::Value>) -> sea_query::Value {
    use sea_query::{ArrayType, Value as Sv};
    let ty = match items.first() {
        Some(Sv::Bool(_)) => ArrayType::Bool,
        Some(Sv::SmallInt(_)) => ArrayType::SmallInt,
        Some(Sv::Int(_)) => ArrayType::Int,
        Some(Sv::Float(_)) => ArrayType::Float,
        Some(Sv::Double(_)) => ArrayType::Double,
        Some(Sv::String(_)) => ArrayType::String,
        _ => ArrayType::BigInt,
    };
    Sv::Array(ty, Some(Box::new(items)))
}
