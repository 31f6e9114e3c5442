//! [`Updates`]: the SET list of [`super::Repo::update_all`].

use crate::expr::Bind;
use quarry_core::{Column, FieldValue, Schema, Value};
use sea_query::{Expr, ExprTrait, UpdateStatement};
use std::marker::PhantomData;

/// Assignments for `update_all`: set a column, or increment a numeric one.
///
/// ```
/// use quarry_query::Updates;
/// # use quarry_core::doc_support::Product;
/// let u = Updates::new().set(Product::name, "Sold out").inc(Product::price, 1.5);
/// assert!(!u.is_empty());
/// ```
pub struct Updates<S> {
    sets: Vec<(&'static str, UpdateOp, Value)>,
    _marker: PhantomData<fn() -> S>,
}

/// What one assignment of [`Updates`] does with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UpdateOp {
    /// `col = v`.
    Set,
    /// `col = col + v`.
    Inc,
}

impl<S> Clone for Updates<S> {
    fn clone(&self) -> Self {
        Updates {
            sets: self.sets.clone(),
            _marker: PhantomData,
        }
    }
}

impl<S> std::fmt::Debug for Updates<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.sets.iter().map(|(c, op, v)| (c, op, v)))
            .finish()
    }
}

impl<S: Schema> Default for Updates<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Schema> Updates<S> {
    /// No assignments yet.
    pub fn new() -> Self {
        Updates {
            sets: Vec::new(),
            _marker: PhantomData,
        }
    }

    /// `SET col = v`.
    pub fn set<T: FieldValue>(mut self, col: Column<S, T>, v: impl Bind<T>) -> Self {
        self.sets.push((col.column(), UpdateOp::Set, v.bind()));
        self
    }

    /// `SET col = col + by`.
    pub fn inc<T: FieldValue + quarry_core::changeset::Numeric>(
        mut self,
        col: Column<S, T>,
        by: impl Bind<T>,
    ) -> Self {
        self.sets.push((col.column(), UpdateOp::Inc, by.bind()));
        self
    }

    /// True with no assignments.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub(crate) fn apply(&self, q: &mut UpdateStatement) {
        for (c, op, v) in &self.sets {
            let v = Expr::val(crate::sql_value::to_sea(v.clone()));
            match op {
                UpdateOp::Set => q.value(*c, v),
                UpdateOp::Inc => q.value(*c, Expr::col(*c).add(v)),
            };
        }
    }

    /// The assignments: column, what is done, the value.
    pub(crate) fn assignments(&self) -> &[(&'static str, UpdateOp, Value)] {
        &self.sets
    }
}
