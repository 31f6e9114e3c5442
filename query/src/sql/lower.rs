//! Lowering quarry's postfix form to sea-query, for the statements quarry's
//! own writer does not write (and the first compile of shapes it checks).

use crate::dialect::Dialect;
use crate::ir::{Dir, JoinKind, LockStrength, LockWait, Nulls, Op, Parts, Rpn, SetOp};
use quarry_core::{Error, QueryError};
use sea_query::{
    BinOper, Expr, ExprTrait, Func, JoinType, LockBehavior, LockType, NullOrdering, Order,
    SelectStatement, UnionType,
};

/// A fragment's text in sea-query's custom-expression form: on Postgres its
/// `?`s become `$1`, `$2`... (and a `$` is doubled, so sea-query keeps it);
/// elsewhere sea-query's slot is `?` already.
fn numbered(sql: &str, dialect: Dialect) -> String {
    if dialect != Dialect::Postgres {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0u32;
    for c in sql.chars() {
        match c {
            '?' => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out
}

impl Rpn {
    /// Builds the sea-query expressions: the one expression left on the stack, or
    /// the items of a list.
    ///
    /// A malformed form (an operator short of operands, a value or subquery
    /// missing, a prepared query's argument left in place) is an internal
    /// error, never a NULL or a `1 = 0` in the SQL.
    pub(crate) fn to_exprs(&self, dialect: Dialect) -> Result<Built, Error> {
        let mut stack: Vec<Expr> = Vec::with_capacity(4);
        let mut values = self.values.iter();
        let mut subs = self.subs.iter();
        let mut items = Vec::new();
        let mut orders = Vec::new();
        let pop = |stack: &mut Vec<Expr>| {
            stack
                .pop()
                .ok_or_else(|| malformed("an operand is missing"))
        };
        for op in &self.ops {
            let e = match *op {
                Op::Col(t, c) => Expr::col((t.0, c.0)),
                Op::Val => Expr::val(crate::sql_value::to_sea(
                    values
                        .next()
                        .cloned()
                        .ok_or_else(|| malformed("a bound value is missing"))?,
                )),
                Op::Lit(s) => Expr::cust(s.0),
                Op::Fragment(sql, n) => {
                    let n = usize::from(n);
                    if crate::fragment::slots(sql.0) != n {
                        return Err(Error::Query(QueryError::Build(format!(
                            "the fragment {:?} has {} `?` but {n} arguments",
                            sql.0,
                            crate::fragment::slots(sql.0)
                        ))));
                    }
                    let at = stack
                        .len()
                        .checked_sub(n)
                        .ok_or_else(|| malformed("a fragment's operand is missing"))?;
                    let args = stack.split_off(at);
                    Expr::cust_with_exprs(numbered(sql.0, dialect), args)
                }
                // A prepared query substitutes its arguments first, and a
                // query holding one elsewhere is refused before it compiles.
                Op::Param(_) | Op::ParamIn(_) => {
                    return Err(malformed("a prepared query's argument was not substituted"))
                }
                Op::Eq
                | Op::Ne
                | Op::Gt
                | Op::Ge
                | Op::Lt
                | Op::Le
                | Op::And
                | Op::Or
                | Op::Like
                | Op::NotLike => {
                    let r = pop(&mut stack)?;
                    let l = pop(&mut stack)?;
                    match *op {
                        Op::Eq => l.eq(r),
                        Op::Ne => l.ne(r),
                        Op::Gt => l.gt(r),
                        Op::Ge => l.gte(r),
                        Op::Lt => l.lt(r),
                        Op::Le => l.lte(r),
                        Op::And => l.and(r),
                        Op::Or => l.or(r),
                        _ => {
                            let keyword = if *op == Op::Like {
                                BinOper::Like
                            } else {
                                BinOper::NotLike
                            };
                            // sea-query writes the character as each
                            // backend's literal (the dialect's like_escape).
                            let escape = Expr::Constant(sea_query::Value::Char(Some('\\')));
                            l.binary(keyword, r.binary(BinOper::Escape, escape))
                        }
                    }
                }
                Op::Array(array_op, text) => {
                    let v = pop(&mut stack)?;
                    let a = pop(&mut stack)?;
                    let template = dialect.array_condition(array_op, text);
                    let mut args = Vec::with_capacity(3);
                    let mut sql = String::with_capacity(template.len());
                    let mut rest = template;
                    while let Some(at) = rest.find('{') {
                        sql.push_str(&rest[..at]);
                        let tail = &rest[at..];
                        if tail.starts_with("{a}") {
                            args.push(a.clone());
                        } else if tail.starts_with("{v}") {
                            args.push(v.clone());
                        } else {
                            return Err(malformed("an array condition's template"));
                        }
                        sql.push('?');
                        rest = &tail[3..];
                    }
                    sql.push_str(rest);
                    Expr::cust_with_exprs(numbered(&sql, dialect), args)
                }
                Op::Not => pop(&mut stack)?.not(),
                Op::IsNull => pop(&mut stack)?.is_null(),
                Op::IsNotNull => pop(&mut stack)?.is_not_null(),
                Op::Lower => Func::lower(pop(&mut stack)?).into(),
                Op::Between => {
                    let high = pop(&mut stack)?;
                    let low = pop(&mut stack)?;
                    pop(&mut stack)?.between(low, high)
                }
                Op::InArray(n) if dialect.binds_arrays() => {
                    let items: Vec<sea_query::Value> = values
                        .by_ref()
                        .take(n as usize)
                        .cloned()
                        .map(crate::sql_value::to_sea)
                        .collect();
                    let x = pop(&mut stack)?;
                    let any: Expr = sea_query::extension::postgres::PgFunc::any(Expr::val(
                        crate::ir::values::array_of(items),
                    ))
                    .into();
                    x.eq(any)
                }
                Op::InList(n) | Op::NotInList(n) | Op::InArray(n) => {
                    let list: Vec<Expr> = values
                        .by_ref()
                        .take(n as usize)
                        .cloned()
                        .map(|v| Expr::val(crate::sql_value::to_sea(v)))
                        .collect();
                    let x = pop(&mut stack)?;
                    if matches!(op, Op::NotInList(_)) {
                        x.is_not_in(list)
                    } else {
                        x.is_in(list)
                    }
                }
                Op::InSub | Op::NotInSub | Op::Exists | Op::NotExists => {
                    let sub = subs
                        .next()
                        .map(|s| s.to_select(dialect))
                        .ok_or_else(|| malformed("a subquery is missing"))??;
                    match op {
                        Op::InSub => pop(&mut stack)?.in_subquery(sub),
                        Op::NotInSub => pop(&mut stack)?.not_in_subquery(sub),
                        Op::Exists => Expr::exists(sub),
                        _ => Expr::exists(sub).not(),
                    }
                }
                Op::ScalarSub => {
                    let sub = subs
                        .next()
                        .map(|s| s.to_select(dialect))
                        .ok_or_else(|| malformed("a subquery is missing"))??;
                    Expr::SubQuery(None, Box::new(sub.into()))
                }
                Op::CountStar => Func::count(Expr::cust("*")).into(),
                Op::RowNumber
                | Op::Rank
                | Op::DenseRank
                | Op::Lag(_)
                | Op::Lead(_)
                | Op::Over { .. } => {
                    return Err(Error::Query(QueryError::Build(
                        "a window function here needs sea-query, which quarry does not use for \
                         windows: select it in a query of its own (or a subquery in FROM)"
                            .to_string(),
                    )))
                }
                Op::CountDistinct => Func::count_distinct(pop(&mut stack)?).into(),
                Op::Sum { integer } => cast(Func::sum(pop(&mut stack)?).into(), dialect, integer),
                Op::Avg => cast(Func::avg(pop(&mut stack)?).into(), dialect, false),
                Op::Min => Func::min(pop(&mut stack)?).into(),
                Op::Max => Func::max(pop(&mut stack)?).into(),
                Op::Item => {
                    items.push(pop(&mut stack)?);
                    continue;
                }
                Op::Whole(source, fields) => {
                    items.extend(
                        fields
                            .0
                            .iter()
                            .filter(|f| f.is_persisted())
                            .map(|f| Expr::col((source.0, f.column))),
                    );
                    continue;
                }
                Op::OrderItem(dir, nulls) => {
                    let order = match dir {
                        Dir::Asc => Order::Asc,
                        Dir::Desc => Order::Desc,
                    };
                    let nulls = match nulls {
                        Nulls::Default => None,
                        Nulls::First => Some(NullOrdering::First),
                        Nulls::Last => Some(NullOrdering::Last),
                    };
                    orders.push((pop(&mut stack)?, order, nulls));
                    continue;
                }
                Op::Section(_)
                | Op::From(_)
                | Op::Prefix(_)
                | Op::Dialect(_)
                | Op::Checked(..)
                | Op::Join(..)
                | Op::Tail(..) => continue,
            };
            stack.push(e);
        }
        let expr = stack.pop();
        if !stack.is_empty() {
            return Err(malformed("operands are left over"));
        }
        Ok(Built {
            expr,
            items,
            orders,
        })
    }
}

/// The internal error of a malformed postfix form.
fn malformed(what: &'static str) -> Error {
    Error::Query(QueryError::Internal(what))
}

/// What [`Rpn::to_exprs`] built.
#[derive(Debug)]
pub(crate) struct Built {
    pub(crate) expr: Option<Expr>,
    pub(crate) items: Vec<Expr>,
    pub(crate) orders: Vec<(Expr, Order, Option<NullOrdering>)>,
}

/// Sums and averages cast so every database returns the same type (Postgres and
/// MySQL return DECIMAL/NUMERIC otherwise).
pub(crate) fn cast(call: Expr, dialect: Dialect, integer: bool) -> Expr {
    let (int, float) = dialect.aggregate_casts();
    call.cast_as(if integer { int } else { float })
}

impl Parts {
    /// The sea-query SELECT of these parts; `extra` select expressions come
    /// after the parts' own select list.
    pub(crate) fn to_select_with(
        &self,
        dialect: Dialect,
        extra: Vec<Expr>,
    ) -> Result<SelectStatement, Error> {
        if self.with.is_some() {
            return Err(Error::Query(QueryError::Build(
                "a recursive query (WITH RECURSIVE) cannot be written through sea-query \
                 (counts, aggregates, exists and bulk writes over it): read its rows with \
                 repo.all, or count them in Rust"
                    .to_string(),
            )));
        }
        let mut q = sea_query::Query::select();
        if let Some((table, fields)) = self.root {
            q.exprs(
                fields
                    .iter()
                    .filter(|f| f.is_persisted())
                    .map(|f| Expr::col((table, f.column))),
            );
        }
        q.exprs(self.select.to_exprs(dialect)?.items);
        q.exprs(extra);
        match &self.from_sub {
            Some(sub) => q.from_subquery(sub.to_select(dialect)?, self.from),
            None => q.from(crate::prefix::table_ref(self.from_prefix, self.from)),
        };
        for j in &self.joins {
            let kind = match j.kind {
                JoinKind::Inner => JoinType::InnerJoin,
                JoinKind::Left => JoinType::LeftJoin,
                JoinKind::Right => JoinType::RightJoin,
                JoinKind::Full => JoinType::FullOuterJoin,
            };
            let on =
                j.on.to_exprs(dialect)?
                    .expr
                    // An empty condition joins every pair, as quarry's writer writes it.
                    .unwrap_or_else(|| Expr::cust("1 = 1"));
            let table = crate::prefix::table_ref(j.prefix, j.table);
            match (&j.lateral, j.alias) {
                (Some(sub), _) => q.join_lateral(kind, sub.to_select(dialect)?, j.table, on),
                (None, Some(alias)) => q.join_as(kind, table, alias, on),
                (None, None) => q.join(kind, table, on),
            };
        }
        if let Some(c) = self.cond.to_exprs(dialect)?.expr {
            q.and_where(c);
        }
        let group = self.group_by().to_exprs(dialect)?.items;
        if !group.is_empty() {
            q.add_group_by(group);
        }
        if let Some(h) = self.having().to_exprs(dialect)?.expr {
            q.and_having(h);
        }
        for (op, member) in &self.set_ops {
            let kind = match op {
                SetOp::Union => UnionType::Distinct,
                SetOp::UnionAll => UnionType::All,
                SetOp::Intersect => UnionType::Intersect,
                SetOp::Except => UnionType::Except,
                SetOp::IntersectAll | SetOp::ExceptAll => {
                    return Err(Error::Query(QueryError::Build(format!(
                        "{} cannot be written through sea-query (counts, aggregates and \
                         exists over it): read its rows with repo.all instead",
                        op.keyword()
                    ))))
                }
            };
            q.union(kind, member.to_select(dialect)?);
        }
        for (e, o, nulls) in self.order.to_exprs(dialect)?.orders {
            match nulls {
                Some(n) => q.order_by_expr_with_nulls(e, o, n),
                None => q.order_by_expr(e, o),
            };
        }
        if let Some(l) = self.effective_limit(dialect) {
            q.limit(l);
        }
        if let Some(o) = self.offset {
            q.offset(o);
        }
        if self.distinct {
            q.distinct();
        }
        if let Some((strength, wait)) = self.lock {
            let t = match strength {
                LockStrength::Update => LockType::Update,
                LockStrength::Share => LockType::Share,
            };
            match wait {
                LockWait::Wait => q.lock(t),
                LockWait::NoWait => q.lock_with_behavior(t, LockBehavior::Nowait),
                LockWait::SkipLocked => q.lock_with_behavior(t, LockBehavior::SkipLocked),
            };
        }
        Ok(q)
    }

    /// The sea-query SELECT of these parts.
    pub(crate) fn to_select(&self, dialect: Dialect) -> Result<SelectStatement, Error> {
        self.to_select_with(dialect, Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal<T: std::fmt::Debug>(r: &Result<T, Error>) -> bool {
        matches!(r, Err(Error::Query(QueryError::Internal(_))))
    }

    #[test]
    fn an_argument_left_in_place_is_an_internal_error() {
        let mut rpn = Rpn::op(Op::col("t", "a"));
        rpn.push(Op::Param(0));
        rpn.push(Op::Eq);
        assert!(internal(&rpn.to_exprs(Dialect::Sqlite)));
    }

    #[test]
    fn malformed_forms_are_internal_errors_not_sql() {
        // An operator short of operands, a value that is not there, a
        // prepared query's argument left in place, operands left over.
        for ops in [
            vec![Op::Eq],
            vec![Op::Val],
            vec![Op::col("t", "a"), Op::col("t", "b")],
        ] {
            let mut rpn = Rpn::default();
            for op in ops {
                rpn.push(op);
            }
            assert!(internal(&rpn.to_exprs(Dialect::Postgres)));
            let mut parts = Parts::new("t");
            parts.and_where(rpn);
            for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
                let r = parts.clone().compile(d);
                assert!(internal(&r), "{d:?} {r:?}");
            }
        }
    }
}
