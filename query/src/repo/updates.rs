//! [`Updates`]: the SET list of [`super::Repo::update_all`].

use crate::expr::Bind;
use quarry_core::{Column, FieldValue, Schema};
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
    sets: Vec<(&'static str, Expr)>,
    _marker: PhantomData<fn() -> S>,
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
        self.sets
            .push((col.column(), Expr::val(crate::sql_value::to_sea(v.bind()))));
        self
    }

    /// `SET col = col + by`.
    pub fn inc<T: FieldValue + quarry_core::changeset::Numeric>(
        mut self,
        col: Column<S, T>,
        by: impl Bind<T>,
    ) -> Self {
        let e = Expr::col(col.column()).add(Expr::val(crate::sql_value::to_sea(by.bind())));
        self.sets.push((col.column(), e));
        self
    }

    /// True with no assignments.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub(crate) fn apply(&self, q: &mut UpdateStatement) {
        for (c, e) in &self.sets {
            q.value(*c, e.clone());
        }
    }
}
