//! [`Parts`]: the parts of a SELECT, independent of its types.

use super::{JoinKind, LockStrength, LockWait, Name, Op, Rpn};
use crate::dialect::Dialect;

/// One JOIN of a query.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct JoinPart {
    pub(crate) kind: JoinKind,
    pub(crate) table: &'static str,
    pub(crate) alias: Option<&'static str>,
    pub(crate) on: Rpn,
}

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
    pub(crate) group_by: Rpn,
    pub(crate) having: Rpn,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    pub(crate) distinct: bool,
    pub(crate) lock: Option<(LockStrength, LockWait)>,
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
            group_by: Rpn::default(),
            having: Rpn::default(),
            limit: None,
            offset: None,
            distinct: false,
            lock: None,
        }
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

    /// LIMIT as sent: MySQL and SQLite need a LIMIT before an OFFSET.
    pub(crate) fn effective_limit(&self, dialect: Dialect) -> Option<u64> {
        match (self.limit, self.offset) {
            (None, Some(_)) => dialect.limit_for_offset(),
            (l, _) => l,
        }
    }

    /// The shape of this query: its cache key.
    pub(crate) fn key(&self, dialect: Dialect, key: &mut Vec<Op>) {
        key.push(Op::From(Name(self.from)));
        if let Some(sub) = &self.from_sub {
            key.push(Op::Section(8));
            sub.key(dialect, key);
            key.push(Op::Section(8));
        }
        if let Some((_, fields)) = self.root {
            key.push(Op::Root(fields.as_ptr() as usize, fields.len()));
        }
        self.select.key(dialect, key);
        for j in &self.joins {
            key.push(Op::Join(j.kind, Name(j.table), j.alias.map(Name)));
            j.on.key(dialect, key);
        }
        key.push(Op::Section(1));
        self.cond.key(dialect, key);
        key.push(Op::Section(2));
        self.group_by.key(dialect, key);
        key.push(Op::Section(3));
        self.having.key(dialect, key);
        key.push(Op::Section(4));
        self.order.key(dialect, key);
        key.push(Op::Tail(
            self.limit.is_some(),
            self.offset.is_some(),
            self.distinct,
            self.lock,
        ));
    }

    /// Every expression of the query (subqueries hold their own).
    pub(crate) fn rpns(&self) -> impl Iterator<Item = &Rpn> {
        [
            &self.select,
            &self.cond,
            &self.group_by,
            &self.having,
            &self.order,
        ]
        .into_iter()
        .chain(self.joins.iter().map(|j| &j.on))
    }

    /// Every expression of the query, to change (subqueries hold their own).
    pub(crate) fn rpns_mut(&mut self) -> impl Iterator<Item = &mut Rpn> {
        [
            &mut self.select,
            &mut self.cond,
            &mut self.group_by,
            &mut self.having,
            &mut self.order,
        ]
        .into_iter()
        .chain(self.joins.iter_mut().map(|j| &mut j.on))
    }

    /// True when an operation of the query (subqueries included) passes `f`.
    pub(crate) fn any_op(&self, f: fn(&Op) -> bool) -> bool {
        self.rpns().any(|r| r.any_op(f)) || self.from_sub.as_deref().is_some_and(|s| s.any_op(f))
    }

    /// True when the query holds an argument of a prepared query.
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
