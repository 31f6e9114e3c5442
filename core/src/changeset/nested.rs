//! Nested changesets: the child changesets a changeset holds for its
//! associations (`cast_assoc`, `put_assoc`) and embeds (`cast_embed`), kept
//! as plain typed data, and how the Repo writes them.
//!
//! Each association or embed with changes is one entry, holding one
//! [`Changeset`] per child (Ecto keeps them in `changes`). A child's
//! [`Changeset::action`] says what writing it does: `Insert`, `Update`
//! (a matched child, or a replaced one whose foreign key is nilified) or
//! `Delete` (a replaced child under `on_replace: delete`).

use super::Changeset;
use crate::assoc::{AssocKind, AssocValue, Association};
use crate::error::Error;
use crate::error_map::ErrorMap;
use crate::field_error::FieldError;
use crate::schema::Schema;
use crate::value::Value;
use std::any::Any;
use std::fmt;

pub use crate::schema::{TxHandle, WriteFuture};

/// One association's or embed's child changesets, type-erased so a
/// `Changeset<S>` can hold children of any schema. Implemented by quarry for
/// associations and embeds; the Repo calls the write methods.
#[doc(hidden)]
pub trait Nested<S: Schema>: Send + Sync {
    /// The association's or embed's name (its key in params and errors).
    fn name(&self) -> &'static str;
    /// True for has_many / embeds_many.
    fn many(&self) -> bool;
    /// True when the Repo has rows to write for it (an association); false
    /// for an embed, whose children are in the owner's own column.
    fn writes(&self) -> bool {
        true
    }
    /// True when every child is valid.
    fn is_valid(&self) -> bool;
    /// Each child's errors, in order.
    fn error_maps(&self) -> Vec<ErrorMap<FieldError>>;
    /// Puts the children (with their changes applied, replaced ones left
    /// out) into `data`.
    fn apply(&self, data: &mut S);
    /// The entry as `Any`, for the typed accessors.
    fn as_any(&self) -> &dyn Any;
    /// A copy.
    fn clone_box(&self) -> Box<dyn Nested<S>>;
    /// Debug output of the children.
    fn fmt_children(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// Before the owner's row is written: writes a belongs_to parent and
    /// gives the owner's foreign key change.
    fn write_before<'a>(&'a mut self, tx: &'a TxHandle) -> WriteFuture<'a, Option<(usize, Value)>>;
    /// After the owner's row is written (`stored`): writes has_many / has_one
    /// children with their foreign key set, deletes replaced ones, and loads
    /// the association in `stored` with the stored rows.
    fn write_after<'a>(&'a mut self, tx: &'a TxHandle, stored: &'a mut S) -> WriteFuture<'a, ()>;
}

/// The error a nested write returns when a child changeset came back
/// invalid (it is kept in the entry; the Repo answers with the whole parent).
pub(crate) fn child_invalid() -> Error {
    Error::Invalid(Box::new(crate::error::InvalidChangeset::new(
        "",
        Vec::new(),
        (),
    )))
}

/// The children of one association.
pub(crate) struct AssocChanges<S, V: AssocValue> {
    pub(crate) assoc: Association<S, V>,
    pub(crate) children: Vec<Changeset<V::Item>>,
    /// Parallel to `children`: replaced (not part of the association
    /// afterwards).
    pub(crate) replaced: Vec<bool>,
    /// The stored rows, parallel to `children`, once written.
    written: Vec<Option<V::Item>>,
}

impl<S: Schema, V: AssocValue> AssocChanges<S, V> {
    pub(crate) fn new(
        assoc: Association<S, V>,
        children: Vec<Changeset<V::Item>>,
        replaced: Vec<bool>,
    ) -> Self {
        AssocChanges {
            assoc,
            children,
            replaced,
            written: Vec::new(),
        }
    }

    /// Writes child `i` through the transaction; an invalid child is kept.
    async fn write_child(
        &mut self,
        tx: &TxHandle,
        i: usize,
        cs: Changeset<V::Item>,
    ) -> Result<(), Error> {
        match <V::Item as Schema>::write_nested(tx, Box::new(cs)).await {
            Ok(row) => {
                if let Some(slot) = self.written.get_mut(i) {
                    *slot = Some(row);
                }
                Ok(())
            }
            Err(Error::Invalid(inv)) => {
                if let Ok(child) = inv.into_changeset::<Changeset<V::Item>>() {
                    if let Some(slot) = self.children.get_mut(i) {
                        *slot = child;
                    }
                }
                Err(child_invalid())
            }
            Err(e) => Err(e),
        }
    }

    fn is_replaced(&self, i: usize) -> bool {
        self.replaced.get(i).copied().unwrap_or(false)
    }
}

impl<S: Schema, V: AssocValue> Nested<S> for AssocChanges<S, V> {
    fn name(&self) -> &'static str {
        self.assoc.name()
    }
    fn many(&self) -> bool {
        V::MANY
    }
    fn is_valid(&self) -> bool {
        self.children.iter().all(Changeset::is_valid)
    }
    fn error_maps(&self) -> Vec<ErrorMap<FieldError>> {
        self.children
            .iter()
            .map(|c| c.traverse_errors(Clone::clone))
            .collect()
    }
    fn apply(&self, data: &mut S) {
        let items: Vec<V::Item> = self
            .children
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.is_replaced(*i))
            .map(|(_, c)| c.apply_changes())
            .collect();
        self.assoc.get_mut(data).set(V::from_items(items));
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn clone_box(&self) -> Box<dyn Nested<S>> {
        Box::new(AssocChanges {
            assoc: self.assoc,
            children: self.children.clone(),
            replaced: self.replaced.clone(),
            written: self.written.clone(),
        })
    }
    fn fmt_children(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.children.iter()).finish()
    }

    fn write_before<'a>(&'a mut self, tx: &'a TxHandle) -> WriteFuture<'a, Option<(usize, Value)>> {
        Box::pin(async move {
            let AssocKind::BelongsTo {
                foreign_key,
                references,
            } = self.assoc.def().kind
            else {
                return Ok(None);
            };
            self.written = vec![None; self.children.len()];
            let mut key = None;
            for i in 0..self.children.len() {
                if self.is_replaced(i) {
                    continue;
                }
                let Some(cs) = self.children.get(i).cloned() else {
                    continue;
                };
                self.write_child(tx, i, cs).await?;
                let ty = S::FIELDS
                    .get(foreign_key)
                    .map_or(crate::ValueType::I64, |f| f.ty);
                key = self
                    .written
                    .get(i)
                    .and_then(Option::as_ref)
                    .and_then(|row| row.get_value(references))
                    .and_then(|v| v.coerce(ty).ok())
                    .map(|v| (foreign_key, v));
            }
            Ok(key)
        })
    }

    fn write_after<'a>(&'a mut self, tx: &'a TxHandle, stored: &'a mut S) -> WriteFuture<'a, ()> {
        Box::pin(async move {
            let def = self.assoc.def();
            if self.written.len() != self.children.len() {
                self.written = vec![None; self.children.len()];
            }
            match def.kind {
                AssocKind::BelongsTo { .. } => {
                    // The old parent of a replaced belongs_to, after the owner
                    // no longer points at it.
                    for i in 0..self.children.len() {
                        if self.is_replaced(i) {
                            if let Some(cs) = self.children.get(i).cloned() {
                                self.write_child(tx, i, cs).await?;
                            }
                        }
                    }
                }
                AssocKind::HasMany { key, foreign_key }
                | AssocKind::HasOne { key, foreign_key } => {
                    let fk_def = <V::Item as Schema>::FIELDS.get(foreign_key);
                    let parent_key = stored
                        .get_value(key)
                        .and_then(|v| match fk_def {
                            Some(f) => v.coerce(f.ty).ok(),
                            None => Some(v),
                        })
                        .ok_or_else(|| Error::InvalidValue {
                            field: def.name.to_string(),
                            message: "the owner has no key to give its children".to_string(),
                        })?;
                    let fk_name = fk_def.map_or("", |f| f.name);
                    // Replaced children first (a unique foreign key then
                    // admits the new child), then the others in order.
                    let order: Vec<usize> = (0..self.children.len())
                        .filter(|i| self.is_replaced(*i))
                        .chain((0..self.children.len()).filter(|i| !self.is_replaced(*i)))
                        .collect();
                    for i in order {
                        let Some(mut cs) = self.children.get(i).cloned() else {
                            continue;
                        };
                        if !self.is_replaced(i) {
                            cs = cs.put_change_value(
                                crate::column::Field::named(fk_name)?,
                                parent_key.clone(),
                            )?;
                        }
                        self.write_child(tx, i, cs).await?;
                    }
                }
                _ => {
                    return Err(Error::Query(crate::QueryError::AssociationKind {
                        operation: "writing nested changesets".to_string(),
                        owner: def.owner,
                        association: def.name,
                        kind: def.kind_name(),
                    }))
                }
            }
            let rows: Vec<V::Item> = self
                .written
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.is_replaced(*i))
                .filter_map(|(_, r)| r.clone())
                .collect();
            self.assoc.get_mut(stored).set(V::from_items(rows));
            Ok(())
        })
    }
}

/// The nested entries of a changeset.
pub struct NestedSet<S: Schema> {
    pub(crate) entries: Vec<Box<dyn Nested<S>>>,
}

impl<S: Schema> Default for NestedSet<S> {
    fn default() -> Self {
        NestedSet {
            entries: Vec::new(),
        }
    }
}

impl<S: Schema> Clone for NestedSet<S> {
    fn clone(&self) -> Self {
        NestedSet {
            entries: self.entries.iter().map(|e| e.clone_box()).collect(),
        }
    }
}

impl<S: Schema> NestedSet<S> {
    /// True when there are no nested changesets.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, for the Repo.
    #[doc(hidden)]
    pub fn entries_mut(&mut self) -> &mut [Box<dyn Nested<S>>] {
        &mut self.entries
    }

    /// Puts `entry`, replacing an entry of the same name.
    pub(crate) fn put(&mut self, entry: Box<dyn Nested<S>>) {
        self.entries.retain(|e| e.name() != entry.name());
        self.entries.push(entry);
    }

    pub(crate) fn find(&self, name: &str) -> Option<&dyn Nested<S>> {
        self.entries.iter().find(|e| e.name() == name).map(|e| &**e)
    }
}

impl<S: Schema> Changeset<S> {
    /// The child changesets of association `assoc`, if it was cast or put
    /// (`cast_assoc`, `put_assoc` of has_many / has_one): one per child, in
    /// order, replaced children last (their action is `Delete`, or `Update`
    /// with the foreign key nilified).
    ///
    /// ```
    /// use quarry_core::{Action, Changeset};
    /// # use quarry_core::doc_support::{Item, Order};
    /// let params = serde_json::json!({"number": "A-1", "items": [{"sku": "p1"}, {"sku": ""}]});
    /// let cs = Changeset::cast(Order::default(), params, Order::number)
    ///     .cast_assoc(Order::items)
    ///     .unwrap();
    /// let items = cs.assoc_changes(Order::items).unwrap();
    /// assert_eq!(items.len(), 2);
    /// assert_eq!(items[0].action(), Some(Action::Insert));
    /// assert_eq!(items[0].get_change(Item::sku), Some("p1".to_string()));
    /// assert!(!items[1].is_valid());
    /// assert!(!cs.is_valid());
    /// ```
    pub fn assoc_changes<V: AssocValue>(
        &self,
        assoc: Association<S, V>,
    ) -> Option<&[Changeset<V::Item>]> {
        self.nested
            .find(assoc.name())?
            .as_any()
            .downcast_ref::<AssocChanges<S, V>>()
            .map(|a| a.children.as_slice())
    }

    /// True when the changeset holds nested changesets (associations or
    /// embeds cast or put).
    pub fn has_nested(&self) -> bool {
        !self.nested.is_empty()
    }

    /// True when nested changesets have rows of their own to write
    /// (associations; embeds live in the owner's row).
    pub fn has_nested_writes(&self) -> bool {
        self.nested.entries.iter().any(|e| e.writes())
    }

    /// Takes the nested changesets out (the Repo writes them around the
    /// owner's row).
    #[doc(hidden)]
    pub fn take_nested(&mut self) -> NestedSet<S> {
        std::mem::take(&mut self.nested)
    }

    /// Puts nested changesets back (after [`Changeset::take_nested`]).
    #[doc(hidden)]
    pub fn put_nested(&mut self, nested: NestedSet<S>) {
        self.nested = nested;
    }

    /// Every error with the nested changesets' errors nested under their
    /// association's or embed's name (Ecto's `traverse_errors`): a one
    /// child's errors as a map, many children's as a list with one map per
    /// child (`{}` for a child without errors); an association whose
    /// children have no errors does not appear.
    pub(crate) fn error_tree(&self) -> ErrorMap<FieldError> {
        let mut map = crate::field_error::traverse_errors(&self.errors, Clone::clone);
        for entry in &self.nested.entries {
            let children = entry.error_maps();
            if children.iter().all(ErrorMap::is_empty) {
                continue;
            }
            let node = if entry.many() {
                crate::error_map::ErrorNode::Many(children)
            } else {
                match children.into_iter().find(|c| !c.is_empty()) {
                    Some(c) => crate::error_map::ErrorNode::One(c),
                    None => continue,
                }
            };
            map.insert(entry.name(), node);
        }
        map
    }
}
