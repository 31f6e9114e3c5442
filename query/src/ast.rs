//! quarry's own compact form of expressions: a postfix list of operations plus
//! the values they bind, in SQL order. Building one is a few pushes; the list of
//! operations (without values) is the expression's *shape*, the key of the SQL
//! cache. sea-query expressions are made from it only when a shape is compiled
//! for the first time.

use crate::dialect::Dialect;
use crate::query::Parts;
use quarry_core::Value;
use sea_query::{BinOper, Expr, ExprTrait, Func, NullOrdering, Order};

/// Sort direction.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    Asc,
    Desc,
}

/// Where NULLs sort.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Nulls {
    Default,
    First,
    Last,
}

/// A name in SQL (table, alias, column, literal): a `&'static str` compared and
/// hashed by address and length, which is exact for static strings (the same
/// address and length is the same text) and much cheaper than by content.
#[derive(Clone, Copy, Debug)]
pub struct Name(pub &'static str);

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0.as_ptr(), other.0.as_ptr()) && self.0.len() == other.0.len()
    }
}
impl Eq for Name {}
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // One word: equal names hash equally; equality itself stays exact.
        state.write_u64((self.0.as_ptr() as u64) ^ ((self.0.len() as u64) << 48));
    }
}

/// One operation. Operands come before their operator.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A column of a table or alias.
    Col(Name, Name),
    /// The next bound value.
    Val,
    /// Argument `n` of a prepared query (see [`crate::prepared`]): bound when
    /// the query runs, so it holds no value here.
    Param(u16),
    /// `x IN (list argument n)` of a prepared query: one operand `x`; on
    /// Postgres one array (`x = ANY($1)`), elsewhere as many placeholders as
    /// the list has items when it runs.
    ParamIn(u16),
    /// Literal SQL (`1 = 1`, `1 = 0`).
    Lit(Name),
    /// Binary comparisons and connectives.
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    And,
    Or,
    Like,
    NotLike,
    /// Unary.
    Not,
    IsNull,
    IsNotNull,
    Lower,
    /// `x BETWEEN a AND b` (three operands).
    Between,
    /// `x IN (n values)` / `NOT IN`: one operand `x`; the `n` values follow in
    /// `values` (they are not operations: a long list stays a short shape).
    InList(u32),
    /// `x IN (n values)` that Postgres binds as one array (`x = ANY($1)`): the
    /// values are non-NULL and of a type arrays bind. Elsewhere an IN list.
    InArray(u32),
    NotInList(u32),
    /// `x IN (subquery)` and friends; the subquery is the next one in `subs`.
    InSub,
    NotInSub,
    Exists,
    NotExists,
    /// Aggregates.
    CountStar,
    CountDistinct,
    Sum {
        integer: bool,
    },
    Avg,
    Min,
    Max,
    /// Ends one item of a list (select list, GROUP BY).
    Item,
    /// Ends one ORDER BY term.
    OrderItem(Dir, Nulls),
    /// Separators of a statement's key.
    Section(u8),
    From(Name),
    /// Every persisted column of a schema's table, identified by its static
    /// field list (address and length).
    Root(usize, usize),
    Join(crate::query::JoinKind, Name, Option<Name>),
    Tail(
        bool,
        bool,
        bool,
        Option<(crate::query::LockStrength, crate::query::LockWait)>,
    ),
}

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
        crate::pool::give_back(
            std::mem::take(&mut self.ops),
            std::mem::take(&mut self.values),
        );
    }
}

impl Op {
    /// True for an argument of a prepared query (a value or a list).
    pub(crate) fn is_param(&self) -> bool {
        matches!(self, Op::Param(_) | Op::ParamIn(_))
    }
    /// A column.
    pub fn col(table: &'static str, column: &'static str) -> Op {
        Op::Col(Name(table), Name(column))
    }
    /// Literal SQL.
    pub fn lit(sql: &'static str) -> Op {
        Op::Lit(Name(sql))
    }
}

impl Rpn {
    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub(crate) fn op(op: Op) -> Self {
        let mut ops = crate::pool::ops();
        ops.push(op);
        Rpn {
            ops,
            values: Values::new(),
            subs: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, op: Op) {
        if self.ops.capacity() == 0 {
            self.ops = crate::pool::ops();
        }
        self.ops.push(op);
    }

    pub(crate) fn push_value(&mut self, v: Value) {
        self.ops.push(Op::Val);
        if self.values.capacity() == 0 {
            self.values = crate::pool::values();
        }
        self.values.push(v);
    }

    /// Pushes a comparison's operand: a value, or a prepared query's argument.
    pub(crate) fn push_operand(&mut self, o: crate::expr::Operand) {
        match o {
            crate::expr::Operand::Value(v) => self.push_value(v),
            crate::expr::Operand::Param(n) => self.push(Op::Param(n)),
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
        if dialect == Dialect::Postgres && self.ops.iter().any(|o| matches!(o, Op::InArray(_))) {
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
        let n = values.len() as u32;
        // One pass: every value of the first one's kind, and that kind one
        // Postgres arrays bind.
        let arrayable = !negate
            && matches!(
                values[0],
                Value::Bool(_)
                    | Value::I16(_)
                    | Value::I32(_)
                    | Value::I64(_)
                    | Value::F32(_)
                    | Value::F64(_)
                    | Value::String(_)
            )
            && {
                let kind = std::mem::discriminant(&values[0]);
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
                quarry_core::Error::Query(format!(
                    "the query uses argument {n} but only {} were given",
                    args.len()
                ))
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
                        ops.push(Op::InList(items.len() as u32));
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

    /// Moves the values out in SQL order (subqueries' values where they stand).
    pub(crate) fn take_values<O: ValueSink>(self, dialect: Dialect, out: &mut O) {
        if self.values.is_empty() && self.subs.is_empty() && !O::PARAMS {
            return;
        }
        let mut this = self;
        let mut values = this.values.drain(..);
        let mut subs = std::mem::take(&mut this.subs).into_iter();
        for op in &this.ops {
            match *op {
                Op::InArray(n) if dialect == Dialect::Postgres => {
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
                Op::InSub | Op::NotInSub | Op::Exists | Op::NotExists => {
                    if let Some(s) = subs.next() {
                        s.take_values(dialect, out);
                    }
                }
                _ => {}
            }
        }
    }

    /// Builds the sea-query expressions: the one expression left on the stack, or
    /// the items of a list.
    pub(crate) fn to_exprs(&self, dialect: Dialect) -> Built {
        let mut stack: Vec<Expr> = Vec::with_capacity(4);
        let mut values = self.values.iter();
        let mut subs = self.subs.iter();
        let mut items = Vec::new();
        let mut orders = Vec::new();
        let pop = |stack: &mut Vec<Expr>| stack.pop().unwrap_or_else(|| Expr::cust("NULL"));
        for op in &self.ops {
            let e = match *op {
                Op::Col(t, c) => Expr::col((t.0, c.0)),
                Op::Val => Expr::val(crate::sql_value::to_sea(
                    values
                        .next()
                        .cloned()
                        .unwrap_or(Value::Null(quarry_core::ValueType::String)),
                )),
                Op::Lit(s) => Expr::cust(s.0),
                // Never compiled: a prepared query substitutes its arguments
                // first, and a query holding one elsewhere is refused.
                Op::Param(_) => Expr::cust("NULL"),
                Op::ParamIn(_) => {
                    pop(&mut stack);
                    Expr::cust("1 = 0")
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
                    let r = pop(&mut stack);
                    let l = pop(&mut stack);
                    match *op {
                        Op::Eq => l.eq(r),
                        Op::Ne => l.ne(r),
                        Op::Gt => l.gt(r),
                        Op::Ge => l.gte(r),
                        Op::Lt => l.lt(r),
                        Op::Le => l.lte(r),
                        Op::And => l.and(r),
                        Op::Or => l.or(r),
                        Op::Like => l.binary(BinOper::Like, r),
                        _ => l.binary(BinOper::NotLike, r),
                    }
                }
                Op::Not => pop(&mut stack).not(),
                Op::IsNull => pop(&mut stack).is_null(),
                Op::IsNotNull => pop(&mut stack).is_not_null(),
                Op::Lower => Func::lower(pop(&mut stack)).into(),
                Op::Between => {
                    let high = pop(&mut stack);
                    let low = pop(&mut stack);
                    pop(&mut stack).between(low, high)
                }
                Op::InArray(n) if dialect == Dialect::Postgres => {
                    let items: Vec<sea_query::Value> = values
                        .by_ref()
                        .take(n as usize)
                        .cloned()
                        .map(crate::sql_value::to_sea)
                        .collect();
                    let x = pop(&mut stack);
                    let any: Expr =
                        sea_query::extension::postgres::PgFunc::any(Expr::val(array_of(items)))
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
                    let x = pop(&mut stack);
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
                        .unwrap_or_else(sea_query::Query::select);
                    match op {
                        Op::InSub => pop(&mut stack).in_subquery(sub),
                        Op::NotInSub => pop(&mut stack).not_in_subquery(sub),
                        Op::Exists => Expr::exists(sub),
                        _ => Expr::exists(sub).not(),
                    }
                }
                Op::CountStar => Func::count(Expr::cust("*")).into(),
                Op::CountDistinct => Func::count_distinct(pop(&mut stack)).into(),
                Op::Sum { integer } => cast(Func::sum(pop(&mut stack)).into(), dialect, integer),
                Op::Avg => cast(Func::avg(pop(&mut stack)).into(), dialect, false),
                Op::Min => Func::min(pop(&mut stack)).into(),
                Op::Max => Func::max(pop(&mut stack)).into(),
                Op::Item => {
                    items.push(pop(&mut stack));
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
                    orders.push((pop(&mut stack), order, nulls));
                    continue;
                }
                Op::Section(_) | Op::From(_) | Op::Root(..) | Op::Join(..) | Op::Tail(..) => {
                    continue
                }
            };
            stack.push(e);
        }
        Built {
            expr: stack.pop(),
            items,
            orders,
        }
    }
}

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
    quarry_core::Error::Query(format!(
        "argument {n} of the prepared query is used both as a value and as a list"
    ))
}

/// What [`Rpn::to_exprs`] built.
pub(crate) struct Built {
    pub(crate) expr: Option<Expr>,
    pub(crate) items: Vec<Expr>,
    pub(crate) orders: Vec<(Expr, Order, Option<NullOrdering>)>,
}

/// Sums and averages cast so every database returns the same type (Postgres and
/// MySQL return DECIMAL/NUMERIC otherwise).
pub(crate) fn cast(call: Expr, dialect: Dialect, integer: bool) -> Expr {
    match dialect {
        Dialect::Postgres => call.cast_as(if integer {
            "BIGINT"
        } else {
            "DOUBLE PRECISION"
        }),
        Dialect::MySql => call.cast_as(if integer { "SIGNED" } else { "DOUBLE" }),
        Dialect::Sqlite => call.cast_as(if integer { "INTEGER" } else { "REAL" }),
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
