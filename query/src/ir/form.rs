//! The recursive heart of the IR: [`Rpn`], one postfix expression (or list
//! of expressions) with the values it binds and the subqueries it holds, and
//! [`Parts`], the parts of a SELECT made of such expressions. Each holds the
//! other (a subquery is a `Parts` inside an `Rpn`), so they live together.

use super::{JoinKind, LockStrength, LockWait, Name, Op, Operand, Ops, SetOp, Values};
use crate::dialect::Dialect;
use quarry_core::Value;

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
    /// An expression with no operations, values or subqueries.
    pub(crate) const EMPTY: Rpn = Rpn {
        ops: Vec::new(),
        values: Vec::new(),
        subs: Vec::new(),
    };

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    #[inline]
    pub(crate) fn op(op: Op) -> Self {
        let mut ops = super::pool::ops();
        ops.push(op);
        Rpn {
            ops,
            values: Values::new(),
            subs: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, op: Op) {
        if self.ops.capacity() == 0 {
            self.ops = super::pool::ops();
        }
        self.ops.push(op);
    }

    #[inline]
    pub(crate) fn push_value(&mut self, v: Value) {
        self.ops.push(Op::Val);
        if self.values.capacity() == 0 {
            self.values = super::pool::values();
        }
        self.values.push(v);
    }

    /// Pushes a comparison's operand: a value, or a prepared query's argument.
    #[inline]
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
    #[inline]
    pub(crate) fn key(&self, dialect: Dialect, key: &mut super::Key) {
        if self.ops.is_empty() && self.subs.is_empty() {
            return;
        }
        self.key_ops(dialect, key);
    }

    fn key_ops(&self, dialect: Dialect, key: &mut super::Key) {
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

/// One JOIN of a query.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct JoinPart {
    pub(crate) kind: JoinKind,
    pub(crate) table: &'static str,
    pub(crate) alias: Option<&'static str>,
    pub(crate) on: Rpn,
    /// A LATERAL subquery joined instead of the table (aliased as `table`).
    pub(crate) lateral: Option<Box<Parts>>,
    /// The joined schema's own prefix (`Schema::PREFIX`).
    pub(crate) schema_prefix: Option<&'static str>,
    /// The prefix the table is written with, once resolved (see
    /// `Parts::resolve_prefixes`).
    pub(crate) prefix: Option<super::Prefix>,
    /// A recursive query's rows so far (a CTE's name): never prefixed.
    pub(crate) cte: bool,
}

impl JoinPart {
    /// This join's part of its query's key (see [`Parts::key`]).
    #[inline(never)]
    fn key(&self, dialect: Dialect, key: &mut super::Key) {
        if let Some(p) = self.prefix {
            key.push(Op::Prefix(p.0));
        }
        key.push(Op::Join(self.kind, Name(self.table), self.alias.map(Name)));
        if let Some(sub) = &self.lateral {
            key.push(Op::Section(10));
            sub.key(dialect, key);
            key.push(Op::Section(10));
        }
        self.on.key(dialect, key);
    }

    /// A join of `table` (no prefix of its own).
    pub(crate) fn new(
        kind: JoinKind,
        table: &'static str,
        alias: Option<&'static str>,
        on: Rpn,
    ) -> Self {
        JoinPart {
            kind,
            table,
            alias,
            on,
            schema_prefix: None,
            prefix: None,
            cte: false,
            lateral: None,
        }
    }
}

/// A query's GROUP BY and HAVING, kept out of line: most queries have
/// neither, and a query's parts are built, moved and dropped on every call.
#[derive(Clone, Debug, Default)]
pub(crate) struct Grouping {
    /// The GROUP BY list (items end with `Op::Item`).
    pub(crate) group_by: Rpn,
    /// The HAVING condition.
    pub(crate) having: Rpn,
}

/// What [`Parts::group_by`] and [`Parts::having`] show of a query without
/// grouping.
static NO_RPN: Rpn = Rpn::EMPTY;

/// The parts of a query, independent of its types, in quarry's compact form.
#[derive(Clone, Debug)]
pub struct Parts {
    pub(crate) from: &'static str,
    /// The select list (items end with `Op::Item`).
    pub(crate) select: Rpn,
    /// Whole rows of the root schema, selected before `select`: its table and
    /// static field list.
    pub(crate) root: Option<(&'static str, &'static [quarry_core::FieldDef])>,
    /// A subquery read instead of the table (aliased as the table).
    pub(crate) from_sub: Option<Box<Parts>>,
    pub(crate) joins: Vec<JoinPart>,
    pub(crate) cond: Rpn,
    pub(crate) order: Rpn,
    /// GROUP BY and HAVING, when the query has either.
    pub(crate) grouping: Option<Box<Grouping>>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    pub(crate) distinct: bool,
    pub(crate) lock: Option<(LockStrength, LockWait)>,
    /// Queries combined with this one (`UNION`, ...), in order, after its
    /// HAVING. Neither this query nor a member has an order, limit, offset or
    /// lock of its own (the typed builder wraps those in a subquery first).
    pub(crate) set_ops: Vec<(SetOp, Parts)>,
    /// A recursive common table expression this query reads instead of its
    /// table: `WITH RECURSIVE "name" AS (body) SELECT .. FROM "name" AS "from"`.
    pub(crate) with: Option<Box<(Name, Parts)>>,
    /// The prefix the query asked for (`Query::prefix`): for every table it
    /// names, and its subqueries' unless they ask for their own.
    pub(crate) prefix: Option<super::prefix::Asked>,
    /// The root schema's own prefix (`Schema::PREFIX`).
    pub(crate) schema_prefix: Option<&'static str>,
    /// The prefix the root table is written with, once resolved.
    pub(crate) from_prefix: Option<super::Prefix>,
}

impl Parts {
    pub(crate) fn new(from: &'static str) -> Self {
        Parts {
            from,
            select: Rpn::default(),
            root: None,
            from_sub: None,
            joins: Vec::new(),
            cond: Rpn::default(),
            order: Rpn::default(),
            grouping: None,
            limit: None,
            offset: None,
            distinct: false,
            lock: None,
            set_ops: Vec::new(),
            with: None,
            prefix: None,
            schema_prefix: None,
            from_prefix: None,
        }
    }

    /// The GROUP BY list (empty when there is none).
    #[inline]
    pub(crate) fn group_by(&self) -> &Rpn {
        self.grouping.as_deref().map_or(&NO_RPN, |g| &g.group_by)
    }

    /// The HAVING condition (empty when there is none).
    #[inline]
    pub(crate) fn having(&self) -> &Rpn {
        self.grouping.as_deref().map_or(&NO_RPN, |g| &g.having)
    }

    /// GROUP BY and HAVING, to change (made on first use).
    pub(crate) fn grouping_mut(&mut self) -> &mut Grouping {
        self.grouping.get_or_insert_with(Box::default)
    }

    pub(crate) fn and_where(&mut self, c: Rpn) {
        if self.cond.is_empty() {
            self.cond = c;
        } else {
            self.cond.append(c);
            self.cond.push(Op::And);
        }
    }

    pub(crate) fn or_where(&mut self, c: Rpn) {
        if self.cond.is_empty() {
            self.cond = c;
        } else {
            self.cond.append(c);
            self.cond.push(Op::Or);
        }
    }

    /// True when the query orders, limits, offsets or locks its rows: a set
    /// operation takes such a query as a subquery.
    pub(crate) fn shapes_rows(&self) -> bool {
        !self.order.is_empty()
            || self.limit.is_some()
            || self.offset.is_some()
            || self.lock.is_some()
    }

    /// LIMIT as sent: MySQL and SQLite need a LIMIT before an OFFSET.
    pub(crate) fn effective_limit(&self, dialect: Dialect) -> Option<u64> {
        match (self.limit, self.offset) {
            (None, Some(_)) => dialect.limit_for_offset(),
            (l, _) => l,
        }
    }

    /// The shape of this query: its cache key.
    pub(crate) fn key(&self, dialect: Dialect, key: &mut super::Key) {
        // The common parts inline, the rare ones (a CTE, a prefix, a
        // subquery in FROM, grouping, set operations) in functions of their
        // own: a plain query's key then runs through a few dense lines of
        // code, not between the rare parts' (the code a 1-row read executes
        // is about as large as the instruction cache).
        if self.with.is_some() || self.from_prefix.is_some() || self.from_sub.is_some() {
            self.key_from_rare(dialect, key);
        } else {
            key.push(Op::From(Name(self.from)));
        }
        self.select.key(dialect, key);
        for j in &self.joins {
            j.key(dialect, key);
        }
        // A section's marker only where it holds something: markers are
        // distinct, each query's key ends with its `Tail`, and a nested query's
        // key sits between markers of its own, so the key stays unambiguous.
        if !self.cond.is_empty() || !self.cond.subs.is_empty() {
            key.push(Op::Section(1));
            self.cond.key(dialect, key);
        }
        if self.grouping.is_some() || !self.set_ops.is_empty() {
            self.key_grouping_and_sets(dialect, key);
        }
        if !self.order.is_empty() || !self.order.subs.is_empty() {
            key.push(Op::Section(4));
            self.order.key(dialect, key);
        }
        key.push(Op::Tail(
            self.limit.is_some(),
            self.offset.is_some(),
            self.distinct,
            self.lock,
            self.root.map(|(_, fields)| super::Fields(fields)),
        ));
    }

    /// The key's start when the query has a CTE, a prefix or a subquery in
    /// FROM (see [`Parts::key`]).
    #[inline(never)]
    fn key_from_rare(&self, dialect: Dialect, key: &mut super::Key) {
        if let Some(with) = &self.with {
            key.push(Op::Section(30));
            key.push(Op::From(with.0));
            with.1.key(dialect, key);
            key.push(Op::Section(30));
        }
        if let Some(p) = self.from_prefix {
            key.push(Op::Prefix(p.0));
        }
        key.push(Op::From(Name(self.from)));
        if let Some(sub) = &self.from_sub {
            key.push(Op::Section(8));
            sub.key(dialect, key);
            key.push(Op::Section(8));
        }
    }

    /// The key's GROUP BY, HAVING and set operations (see [`Parts::key`]).
    #[inline(never)]
    fn key_grouping_and_sets(&self, dialect: Dialect, key: &mut super::Key) {
        for (section, rpn) in [(2, self.group_by()), (3, self.having())] {
            if !rpn.is_empty() || !rpn.subs.is_empty() {
                key.push(Op::Section(section));
                rpn.key(dialect, key);
            }
        }
        for (op, member) in &self.set_ops {
            key.push(Op::Section(20 + *op as u8));
            member.key(dialect, key);
        }
    }

    /// Every expression of the query (subqueries hold their own).
    pub(crate) fn rpns(&self) -> impl Iterator<Item = &Rpn> {
        [
            &self.select,
            &self.cond,
            self.group_by(),
            self.having(),
            &self.order,
        ]
        .into_iter()
        .chain(self.joins.iter().map(|j| &j.on))
    }

    /// Every expression of the query, to change (subqueries hold their own).
    pub(crate) fn rpns_mut(&mut self) -> impl Iterator<Item = &mut Rpn> {
        [&mut self.select, &mut self.cond, &mut self.order]
            .into_iter()
            .chain(
                self.grouping
                    .iter_mut()
                    .flat_map(|g| [&mut g.group_by, &mut g.having]),
            )
            .chain(self.joins.iter_mut().map(|j| &mut j.on))
    }

    /// True when an operation of the query (subqueries included) passes `f`.
    pub(crate) fn any_op(&self, f: fn(&Op) -> bool) -> bool {
        self.rpns().any(|r| r.any_op(f))
            || self.from_sub.as_deref().is_some_and(|s| s.any_op(f))
            || self.set_ops.iter().any(|(_, m)| m.any_op(f))
            || self.with.as_deref().is_some_and(|(_, body)| body.any_op(f))
            || self
                .joins
                .iter()
                .any(|j| j.lateral.as_deref().is_some_and(|s| s.any_op(f)))
    }

    /// True when no part nests another query (no subquery, CTE, set
    /// operation or derived table): its values are then only those its own
    /// parts hold.
    pub(crate) fn is_flat(&self) -> bool {
        !self.nests()
    }

    /// True when a part nests another query (a subquery, CTE, set operation,
    /// derived table or lateral join). Reads the parts' fields directly: it
    /// runs on every compile.
    pub(crate) fn nests(&self) -> bool {
        self.with.is_some()
            || self.from_sub.is_some()
            || !self.set_ops.is_empty()
            || !self.select.subs.is_empty()
            || !self.cond.subs.is_empty()
            || self
                .grouping
                .as_deref()
                .is_some_and(|g| !g.group_by.subs.is_empty() || !g.having.subs.is_empty())
            || !self.order.subs.is_empty()
            || self
                .joins
                .iter()
                .any(|j| j.lateral.is_some() || !j.on.subs.is_empty())
    }

    /// True when the query holds an argument of a prepared query.
    #[cfg(test)]
    pub(crate) fn has_params(&self) -> bool {
        self.any_op(Op::is_param)
    }

    /// True when the query tests a list argument of a prepared query.
    pub(crate) fn has_list_params(&self) -> bool {
        self.any_op(|o| matches!(o, Op::ParamIn(_)))
    }

    /// Selects the whole rows of the schema `(table, fields)` when nothing else
    /// is selected.
    pub(crate) fn root_unless_selected(
        &mut self,
        table: &'static str,
        fields: &'static [quarry_core::FieldDef],
    ) {
        if self.select.is_empty() {
            self.root = Some((table, fields));
        }
    }

    /// True when the query has a limit, an offset or DISTINCT.
    pub(crate) fn is_windowed(&self) -> bool {
        self.limit.is_some() || self.offset.is_some() || self.distinct
    }
}
