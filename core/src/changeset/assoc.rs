//! Changing associations through a changeset: Ecto's `put_assoc` for
//! belongs_to (replace or clear the parent), and the foreign keys a struct's
//! loaded parents give it.

use super::{Changeset, Constraint, FieldError, NameMatch};
use crate::assoc::{AssocKind, AssocValue, Association};
use crate::error::ConstraintKind;
use crate::schema::{Schema, State};

impl<S: Schema> Changeset<S> {
    /// Puts the foreign key of every loaded belongs_to parent of the data into
    /// the changes (what a struct passed to `insert` does).
    pub fn put_parent_keys(mut self) -> Self {
        for (index, value) in self.data.parent_keys() {
            self.set_change(index, value);
        }
        self
    }

    /// Replaces (`Some(parent)`) or clears (`None`) a belongs_to parent: the
    /// foreign key becomes a change (the parent's key, or NULL) and the
    /// association is loaded with `parent`, so the struct the Repo returns holds
    /// it (Ecto's `put_assoc`).
    ///
    /// A parent that was never saved adds the error "is not saved" to the
    /// association; an association that is not a belongs_to adds "cannot be
    /// changed with put_assoc (only belongs_to)".
    pub fn put_assoc<V: AssocValue>(mut self, assoc: Association<S, V>, parent: V) -> Self {
        let def = assoc.def();
        if !matches!(def.kind, AssocKind::BelongsTo { .. }) {
            self.errors.push((
                assoc.name().to_string(),
                FieldError::new("cannot be changed with put_assoc (only belongs_to)")
                    .with("validation", "assoc"),
            ));
            return self;
        }
        if parent
            .items()
            .iter()
            .any(|p| p.meta().state() == State::Built)
        {
            self.errors.push((
                assoc.name().to_string(),
                FieldError::new("is not saved").with("validation", "assoc"),
            ));
            return self;
        }
        assoc.get_mut(&mut self.data).set(parent);
        if let Some((index, value)) = assoc.parent_key(&self.data) {
            self.set_change(index, value);
        }
        self
    }

    /// Declares the foreign key of a belongs_to association (Ecto's
    /// `assoc_constraint`): a write whose parent does not exist becomes the
    /// error "does not exist" on the association (`store`), not a failure.
    /// The constraint's default name is `<table>_<foreign key column>_fkey`.
    /// On an association that is not a belongs_to it adds the error "has no
    /// foreign key here (assoc_constraint needs belongs_to)".
    pub fn assoc_constraint<V: AssocValue>(mut self, assoc: Association<S, V>) -> Self {
        let def = assoc.def();
        let AssocKind::BelongsTo { foreign_key, .. } = def.kind else {
            self.errors.push((
                assoc.name().to_string(),
                FieldError::new("has no foreign key here (assoc_constraint needs belongs_to)")
                    .with("validation", "assoc"),
            ));
            return self;
        };
        let column = S::FIELDS.get(foreign_key).map(|f| f.column).unwrap_or("");
        self.constraints.push(Constraint {
            kind: ConstraintKind::ForeignKey,
            name: format!("{}_{column}_fkey", S::TABLE),
            matching: NameMatch::Exact,
            field: assoc.name().to_string(),
            columns: vec![column.to_string()],
            message: "does not exist".to_string(),
            tag: "assoc",
        });
        self
    }
}
