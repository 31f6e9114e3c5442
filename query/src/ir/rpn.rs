//! [`Rpn`]: one postfix expression (or list of expressions) with the values
//! it binds and the subqueries it holds.

use super::{Op, Operand, Parts};
use crate::dialect::Dialect;
use quarry_core::Value;

/// The operations of an [`Rpn`].
pub(crate) type Ops = Vec<Op>;

/// The values of an [`Rpn`].
pub(crate) type Values = Vec<Value>;

/// A postfix expression (or list of expressions) with its values and subqueries.
/// Its buffers come from, and go back to, a per-thread pool (`crate::pool`): a
/// query built and compiled again and again does not go to the allocator for
/// them.
#[derive(Clone, Debug, Default)]
pub struct Rpn {
    pub(crate) ops: Ops,
    pub(crate) values: Values,
    pub(crate) subs: Vec<Parts>,
}

impl Drop for Rpn {
    fn drop(&mut self) {
        if self.ops.capacity() == 0 && self.values.capacity() == 0 {
            return;
        }
        super::pool::give_back(
            std::mem::take(&mut self.ops),
            std::mem::take(&mut self.values),
        );
    }
}

impl Rpn {
    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub(crate) fn op(op: Op) -> Self {
        let mut ops = super::pool::ops();
        ops.push(op);
        Rpn {
            ops,
            values: Values::new(),
            subs: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, op: Op) {
        if self.ops.capacity() == 0 {
            self.ops = super::pool::ops();
        }
        self.ops.push(op);
    }

    pub(crate) fn push_value(&mut self, v: Value) {
        self.ops.push(Op::Val);
        if self.values.capacity() == 0 {
            self.values = super::pool::values();
        }
        self.values.push(v);
    }

    /// Pushes a comparison's operand: a value, or a prepared query's argument.
    pub(crate) fn push_operand(&mut self, o: Operand) {
        match o {
            Operand::Value(v) => self.push_value(v),
            Operand::Param(n) => self.push(Op::Param(n)),
        }
    }

    pub(crate) fn push_sub(&mut self, sub: Parts, op: Op) {
        self.subs.push(sub);
        self.ops.push(op);
    }

    /// Appends `other`'s operations, values and subqueries after this one's
    /// (`other`'s buffers go back to the pool).
    pub(crate) fn append(&mut self, mut other: Rpn) {
        if self.ops.is_empty() && self.values.is_empty() && self.subs.is_empty() {
            std::mem::swap(self, &mut other);
            return;
        }
        self.ops.extend_from_slice(&other.ops);
        self.values.append(&mut other.values);
        self.subs.append(&mut other.subs);
    }

    /// `self op other` for a binary operator.
    pub(crate) fn binary(mut self, other: Rpn, op: Op) -> Rpn {
        self.append(other);
        self.ops.push(op);
        self
    }

    /// Pushes this expression's shape onto a cache key. On Postgres an array IN
    /// list has one shape whatever its length.
    pub(crate) fn key(&self, dialect: Dialect, key: &mut Vec<Op>) {
        if dialect.binds_arrays() && self.ops.iter().any(|o| matches!(o, Op::InArray(_))) {
            key.extend(self.ops.iter().map(|o| match o {
                Op::InArray(_) => Op::InArray(0),
                other => *other,
            }));
        } else {
            key.extend_from_slice(&self.ops);
        }
        for s in &self.subs {
            key.push(Op::Section(9));
            s.key(dialect, key);
        }
    }

    /// An `IN (values)` test of `col`: bound as one array on Postgres when the
    /// values allow it; an empty list is `1 = 0` (`1 = 1` negated).
    pub(crate) fn in_values(col: Op, values: Vec<Value>, negate: bool) -> Rpn {
        if values.is_empty() {
            return Rpn::op(Op::lit(if negate { "1 = 1" } else { "1 = 0" }));
        }
        // A list past u32::MAX items cannot be built in memory, let alone bound.
        let n = u32::try_from(values.len()).unwrap_or(u32::MAX);
        // One pass: every value of the first one's kind, and that kind one
        // Postgres arrays bind.
        let Some(first) = values.first() else {
            return Rpn::op(Op::lit(if negate { "1 = 1" } else { "1 = 0" }));
        };
        let arrayable = !negate
            && matches!(
                first,
                Value::Bool(_)
                    | Value::I16(_)
                    | Value::I32(_)
                    | Value::I64(_)
                    | Value::F32(_)
                    | Value::F64(_)
                    | Value::String(_)
            )
            && {
                let kind = std::mem::discriminant(first);
                values.iter().all(|v| std::mem::discriminant(v) == kind)
            };
        let mut rpn = Rpn {
            ops: Ops::new(),
            values,
            subs: Vec::new(),
        };
        rpn.push(col);
        rpn.push(match (negate, arrayable) {
            (true, _) => Op::NotInList(n),
            (false, true) => Op::InArray(n),
            (false, false) => Op::InList(n),
        });
        rpn
    }

    /// True when an operation of the expression, or of a subquery in it,
    /// passes `f`.
    pub(crate) fn any_op(&self, f: fn(&Op) -> bool) -> bool {
        self.ops.iter().any(f) || self.subs.iter().any(|s| s.any_op(f))
    }
}
