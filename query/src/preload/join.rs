//! Join preload: the rows of a joined association's table, read in the same
//! statement as their parents, fill the association; duplicate parent rows
//! collapse into one parent.

use super::key::Key;
use quarry_core::{AssocValue, Association, Result, Row, Schema, Value};
use sea_query::Expr;
use std::collections::HashSet;

/// The primary key of a row, as keys (for deduplication).
pub(crate) type RowId = Vec<Option<Key>>;

/// One association filled from joined columns (type-erased over the
/// associated schema).
pub(crate) trait JoinPreload<S>: Send + Sync {
    /// The related table's persisted columns, qualified by the table.
    fn columns(&self) -> Vec<Expr>;
    /// How many columns [`JoinPreload::columns`] adds.
    fn width(&self) -> usize;
    /// Marks the association loaded and empty in a new parent.
    fn start(&self, parent: &mut S);
    /// Reads the related row at column `at` of `row` (nothing when its key is
    /// NULL, as after a LEFT JOIN without a match) and adds it to `parent`
    /// unless `seen` already holds it.
    fn add(
        &self,
        row: &dyn Row,
        at: usize,
        parent: &mut S,
        seen: &mut HashSet<RowId>,
    ) -> Result<()>;
}

/// The join preload of one association token.
pub(crate) struct Fill<S, V>(pub(crate) Association<S, V>);

impl<S: Schema, V: AssocValue> JoinPreload<S> for Fill<S, V> {
    fn columns(&self) -> Vec<Expr> {
        let r = <V::Item as Schema>::TABLE;
        <V::Item as Schema>::FIELDS
            .iter()
            .filter(|f| f.is_persisted())
            .map(|f| Expr::col((r, f.column)))
            .collect()
    }

    fn width(&self) -> usize {
        <V::Item as Schema>::persisted_count()
    }

    fn start(&self, parent: &mut S) {
        self.0.get_mut(parent).set(V::from_items(Vec::new()));
    }

    fn add(
        &self,
        row: &dyn Row,
        at: usize,
        parent: &mut S,
        seen: &mut HashSet<RowId>,
    ) -> Result<()> {
        let fields = <V::Item as Schema>::FIELDS;
        let mut id: RowId = Vec::new();
        for (offset, f) in fields.iter().filter(|f| f.is_persisted()).enumerate() {
            if f.primary_key {
                let v: Value = row.value(at + offset, f.ty)?;
                if v.is_null() {
                    return Ok(());
                }
                id.push(Key::of(&v));
            }
        }
        if !id.is_empty() && !seen.insert(id) {
            return Ok(());
        }
        let item = <V::Item as Schema>::from_row(row, at)?;
        if let Ok(value) = self.0.get_mut(parent).get_mut() {
            value.push_item(item);
        }
        Ok(())
    }
}
