//! Putting a prepared query's arguments in place of its parameters.

use super::{Op, Ops, Parts, Rpn, Values};
use quarry_core::{Error, Value};

/// The value of one argument of a prepared query.
#[derive(Clone, Debug)]
pub enum ArgValue {
    /// A value (for `Param<T>`).
    One(Value),
    /// A list, already in the driver's values, and the type of its items
    /// (for `ListParam<T>`).
    List(Vec<sea_query::Value>, quarry_core::ValueType),
}

/// Argument `n` given as a value where a list is tested, or the other way.
pub(crate) fn mismatch(n: u16) -> quarry_core::Error {
    quarry_core::Error::Query(quarry_core::QueryError::ArgumentKind(n))
}

impl Rpn {
    /// Replaces each argument `Op::Param(n)` / `Op::ParamIn(n)` by the value
    /// or list `args[n]` (a missing or mismatched one is an error), keeping the
    /// values in operation order.
    pub(crate) fn substitute(&mut self, args: &[ArgValue]) -> Result<(), quarry_core::Error> {
        for s in &mut self.subs {
            s.substitute(args)?;
        }
        if !self.ops.iter().any(Op::is_param) {
            return Ok(());
        }
        let arg = |n: u16| {
            args.get(usize::from(n)).ok_or_else(|| {
                quarry_core::Error::Query(quarry_core::QueryError::MissingArgument {
                    index: n,
                    given: args.len(),
                })
            })
        };
        let mut old = std::mem::take(&mut self.values).into_iter();
        let mut values = Values::with_capacity(old.len() + 2);
        let mut ops = Ops::with_capacity(self.ops.len());
        for op in self.ops.drain(..) {
            match op {
                Op::Val => values.extend(old.next()),
                Op::InList(n) | Op::InArray(n) | Op::NotInList(n) => {
                    values.extend(old.by_ref().take(n as usize));
                }
                Op::Param(n) => match arg(n)? {
                    ArgValue::One(v) => {
                        values.push(v.clone());
                        ops.push(Op::Val);
                        continue;
                    }
                    ArgValue::List(..) => return Err(mismatch(n)),
                },
                Op::ParamIn(n) => match arg(n)? {
                    // The operand is the column just before: an empty list
                    // matches nothing.
                    ArgValue::List(items, _) if items.is_empty() => {
                        ops.pop();
                        ops.push(Op::lit("1 = 0"));
                        continue;
                    }
                    ArgValue::List(items, _) => {
                        values.extend(items.iter().map(crate::sql_value::from_sea_item));
                        ops.push(Op::InList(u32::try_from(items.len()).unwrap_or(u32::MAX)));
                        continue;
                    }
                    ArgValue::One(_) => return Err(mismatch(n)),
                },
                _ => {}
            }
            ops.push(op);
        }
        self.ops = ops;
        self.values = values;
        Ok(())
    }
}

impl Parts {
    /// Replaces the arguments of a prepared query by their values.
    pub(crate) fn substitute(&mut self, args: &[ArgValue]) -> Result<(), Error> {
        if let Some(sub) = &mut self.from_sub {
            sub.substitute(args)?;
        }
        for (_, member) in &mut self.set_ops {
            member.substitute(args)?;
        }
        if let Some(with) = &mut self.with {
            with.1.substitute(args)?;
        }
        for j in &mut self.joins {
            if let Some(sub) = &mut j.lateral {
                sub.substitute(args)?;
            }
        }
        self.rpns_mut().try_for_each(|r| r.substitute(args))
    }
}
