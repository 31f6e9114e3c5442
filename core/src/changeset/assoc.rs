//! Changing associations through a changeset: Ecto's `put_assoc` (replace
//! or clear a belongs_to parent; replace the children of a has_many /
//! has_one), and the foreign keys a struct's loaded parents give it.

use super::nested::AssocChanges;
use super::relation::{invalid_error, replaced as replaced_child, Relation};
use super::{Action, Changeset, Constraint, FieldError, NameMatch, OnReplace};
use crate::assoc::{AssocKind, AssocValue, Association};
use crate::error::{ConstraintKind, Error, QueryError};
use crate::schema::{Schema, State};

impl<S: Schema> Changeset<S> {
    /// Puts the foreign key of every loaded belongs_to parent of the data into
    /// the changes (what a struct passed to `insert` does).
    pub fn put_parent_keys(mut self) -> Self {
        let keys = self.data.parent_keys();
        if keys.is_empty() {
            return self;
        }
        for (index, value) in keys {
            self.set_change(index, value);
        }
        self
    }

    /// Replaces (`Some(parent)`) or clears (`None`) a belongs_to parent, or
    /// replaces the children of a has_many / has_one association (Ecto's
    /// `put_assoc`), with `on_replace: raise`; see
    /// [`Changeset::put_assoc_with`].
    pub fn put_assoc<V: AssocValue>(
        self,
        assoc: Association<S, V>,
        value: V,
    ) -> Result<Self, Error> {
        self.put_assoc_with(assoc, value, OnReplace::Raise)
    }

    /// Ecto's `put_assoc` with an [`OnReplace`].
    ///
    /// belongs_to: the foreign key becomes a change (the parent's key, or
    /// NULL for `None`) and the association is loaded with `value`, so the
    /// struct the Repo returns holds it. A parent that was never saved adds
    /// the error "is not saved" to the association (`on_replace` does not
    /// apply: the old parent row is left alone).
    ///
    /// has_many / has_one: `value` becomes the association's children, as
    /// nested changesets the Repo writes with the owner: a struct with the
    /// key of a current child updates it (the fields that differ), a built
    /// struct is inserted, a loaded struct of another owner is moved here
    /// (its foreign key updated); current children left out follow
    /// `on_replace` (`Raise`: [`QueryError::OnReplaceRaise`]; `MarkAsInvalid`:
    /// `"is invalid"`; `Nilify`; `Delete`). The association must be loaded
    /// on a loaded owner ([`Error::NotLoaded`]).
    pub fn put_assoc_with<V: AssocValue>(
        mut self,
        assoc: Association<S, V>,
        value: V,
        on_replace: OnReplace,
    ) -> Result<Self, Error> {
        let def = assoc.def();
        let fk = match def.kind {
            AssocKind::BelongsTo { .. } => return Ok(self.put_parent(assoc, value)),
            AssocKind::HasMany { foreign_key, .. } | AssocKind::HasOne { foreign_key, .. } => {
                foreign_key
            }
            _ => {
                return Err(Error::Query(QueryError::AssociationKind {
                    operation: "put_assoc".to_string(),
                    owner: S::NAME,
                    association: assoc.name(),
                    kind: def.kind_name(),
                }))
            }
        };
        let field = assoc.get(&self.data);
        let current: Vec<V::Item> = match field.value() {
            Some(v) => v.clone().into_items(),
            None if self.data.meta().state() == State::Built => Vec::new(),
            None => return Err(field.names().error()),
        };
        let rel = Relation {
            owner: S::NAME,
            name: assoc.name(),
            many: V::MANY,
            nilify_field: Some(fk),
            embed: false,
            on_replace,
        };
        let mut current: Vec<Option<V::Item>> = current.into_iter().map(Some).collect();
        let pk = <V::Item as Schema>::primary_key();
        let mut children = Vec::new();
        for item in value.into_items() {
            let key: Vec<_> = pk.iter().filter_map(|&i| item.get_value(i)).collect();
            let found = current.iter().position(|c| {
                c.as_ref().is_some_and(|c| {
                    item.meta().state() != State::Built
                        && pk
                            .iter()
                            .zip(&key)
                            .all(|(&i, k)| c.get_value(i).as_ref() == Some(k))
                })
            });
            let cs = match found.and_then(|i| current.get_mut(i).and_then(Option::take)) {
                Some(old) => {
                    let mut cs = Changeset::new(old);
                    for (i, f) in <V::Item as Schema>::FIELDS.iter().enumerate() {
                        if f.is_persisted() && !f.primary_key {
                            if let Some(v) = item.get_value(i) {
                                cs.set_change(i, v);
                            }
                        }
                    }
                    cs.set_action(Action::Update);
                    cs
                }
                None => {
                    let built = item.meta().state() == State::Built;
                    let mut cs = Changeset::new(item);
                    cs.set_action(if built {
                        Action::Insert
                    } else {
                        Action::Update
                    });
                    cs
                }
            };
            children.push(cs);
        }
        let mut replaced = vec![false; children.len()];
        let left: Vec<V::Item> = current.into_iter().flatten().collect();
        if !left.is_empty() && on_replace == OnReplace::MarkAsInvalid {
            self.errors
                .push((assoc.name().to_string(), invalid_error(V::MANY, None)));
            return Ok(self);
        }
        for child in left {
            if let Some(cs) = replaced_child(&rel, child)? {
                children.push(cs);
                replaced.push(true);
            }
        }
        self.nested
            .put(Box::new(AssocChanges::new(assoc, children, replaced)));
        Ok(self)
    }

    fn put_parent<V: AssocValue>(mut self, assoc: Association<S, V>, parent: V) -> Self {
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
