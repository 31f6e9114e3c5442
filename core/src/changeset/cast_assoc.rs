//! Ecto's `cast_assoc`: nested params of a has_many, has_one or belongs_to
//! association become child changesets, written by the Repo with the owner.

use super::nested::AssocChanges;
use super::relation::{cast_children, invalid_error, Casted, Relation};
use super::{Changeset, FieldError, OnReplace, Params};
use crate::assoc::{AssocKind, AssocValue, Association};
use crate::error::{Error, QueryError};
use crate::schema::{Schema, State};
use crate::value::Value;

/// The changeset function of a schema that `cast_assoc` and `cast_embed`
/// call on each child by default (Ecto's `changeset/2` convention): the
/// child's data (a loaded child, or `Default::default()` for a new one) and
/// its params.
///
/// ```
/// use quarry_core::{Changeset, DefaultChangeset, Params};
/// # use quarry_core::doc_support::Item;
/// // doc_support's Item implements it as:
/// //     Changeset::cast(self, params, (Item::sku, Item::qty)).validate_required(Item::sku)
/// let cs = Item::default().changeset(Params::from(serde_json::json!({"sku": ""})));
/// assert_eq!(cs.error_messages()["sku"], ["can't be blank"]);
/// ```
pub trait DefaultChangeset: Schema + Default {
    /// Casts and validates `params` into a changeset over `self`.
    fn changeset(self, params: Params) -> Changeset<Self>;
}

/// The options of [`Changeset::cast_assoc_opts`] and
/// [`Changeset::cast_embed_opts`]: the child changeset function, `required`,
/// `on_replace` and the messages.
pub struct CastAssoc<C: Schema> {
    pub(crate) with: fn(C, Params) -> Changeset<C>,
    pub(crate) required: bool,
    pub(crate) on_replace: OnReplace,
    pub(crate) required_message: Option<String>,
    pub(crate) invalid_message: Option<String>,
}

impl<C: Schema> Clone for CastAssoc<C> {
    fn clone(&self) -> Self {
        CastAssoc {
            with: self.with,
            required: self.required,
            on_replace: self.on_replace,
            required_message: self.required_message.clone(),
            invalid_message: self.invalid_message.clone(),
        }
    }
}

impl<C: DefaultChangeset> Default for CastAssoc<C> {
    fn default() -> Self {
        CastAssoc::with(C::changeset)
    }
}

impl<C: DefaultChangeset> CastAssoc<C> {
    /// Options with the child's [`DefaultChangeset::changeset`], not
    /// required, `on_replace: raise`.
    pub fn new() -> Self {
        CastAssoc::default()
    }
}

impl<C: Schema> CastAssoc<C> {
    /// Options with the child changeset function `with` (Ecto's `with:`).
    pub fn with(with: fn(C, Params) -> Changeset<C>) -> Self {
        CastAssoc {
            with,
            required: false,
            on_replace: OnReplace::Raise,
            required_message: None,
            invalid_message: None,
        }
    }

    /// The association must have at least one child afterwards (or, for one,
    /// a child): otherwise `"can't be blank"` (`validation: required`).
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// What happens to current children the params leave out.
    pub fn on_replace(mut self, on_replace: OnReplace) -> Self {
        self.on_replace = on_replace;
        self
    }

    /// The message instead of `"can't be blank"`.
    pub fn required_message(mut self, message: impl Into<String>) -> Self {
        self.required_message = Some(message.into());
        self
    }

    /// The message instead of `"is invalid"`.
    pub fn invalid_message(mut self, message: impl Into<String>) -> Self {
        self.invalid_message = Some(message.into());
        self
    }
}

impl<S: Schema> Changeset<S> {
    /// Casts the nested params of `assoc` (has_many, has_one or belongs_to)
    /// into child changesets with the child's [`DefaultChangeset`] (Ecto's
    /// `cast_assoc`); see [`Changeset::cast_assoc_opts`] for the rules.
    pub fn cast_assoc<V: AssocValue>(self, assoc: Association<S, V>) -> Result<Self, Error>
    where
        V::Item: DefaultChangeset,
    {
        self.cast_assoc_opts(assoc, CastAssoc::new())
    }

    /// [`Changeset::cast_assoc`] with the child changeset function `with`.
    pub fn cast_assoc_with<V: AssocValue>(
        self,
        assoc: Association<S, V>,
        with: fn(V::Item, Params) -> Changeset<V::Item>,
    ) -> Result<Self, Error>
    where
        V::Item: Default,
    {
        self.cast_assoc_opts(assoc, CastAssoc::with(with))
    }

    /// Casts the nested params of `assoc` with `opts` (Ecto's `cast_assoc`).
    ///
    /// The params under the association's name (from [`Changeset::cast`]):
    /// for has_many a list of maps, or a map of index => map (sorted by
    /// index, as forms send them); for has_one / belongs_to a map, or null to
    /// remove the child. Each map becomes a child changeset through the
    /// changeset function: a map with the primary key of a current child
    /// updates it (action `Update`); a map without a key inserts a new child
    /// (action `Insert`, data `Default::default()`); a map whose key names no
    /// current child gets the error `"does not match a loaded child"` on the
    /// key (Ecto would insert a row with that key). Current children the
    /// params leave out are handled by [`OnReplace`]. Params of another shape
    /// give the association `"is invalid"` (`validation: assoc`, `type`).
    /// An absent key changes nothing (only `required` is checked).
    ///
    /// The changeset is invalid when a child is; `error_messages` nests the
    /// children's errors. The Repo writes the children with the owner, in one
    /// transaction.
    ///
    /// Errors: the association is not loaded on a loaded owner
    /// ([`Error::NotLoaded`]: current children must be known); a replacement
    /// under `on_replace: raise` ([`QueryError::OnReplaceRaise`]); a
    /// many_to_many or through association, or `on_replace: update` on
    /// has_many ([`QueryError::AssociationKind`]).
    pub fn cast_assoc_opts<V: AssocValue>(
        mut self,
        assoc: Association<S, V>,
        opts: CastAssoc<V::Item>,
    ) -> Result<Self, Error>
    where
        V::Item: Default,
    {
        let def = assoc.def();
        let (nilify_field, belongs_to_fk) = match def.kind {
            AssocKind::BelongsTo { foreign_key, .. } => (None, Some(foreign_key)),
            AssocKind::HasMany { foreign_key, .. } | AssocKind::HasOne { foreign_key, .. } => {
                (Some(foreign_key), None)
            }
            _ => {
                return Err(Error::Query(QueryError::AssociationKind {
                    operation: "cast_assoc".to_string(),
                    owner: S::NAME,
                    association: assoc.name(),
                    kind: def.kind_name(),
                }))
            }
        };
        let name = assoc.name();
        let raw = self.params.as_ref().and_then(|p| p.get(name)).cloned();
        let field = assoc.get(&self.data);
        let loaded_owner = self.data.meta().state() != State::Built;
        let current: Option<Vec<V::Item>> = match field.value() {
            Some(v) => Some(v.clone().into_items()),
            None if !loaded_owner => Some(Vec::new()),
            None => None,
        };
        let Some(raw) = raw else {
            let empty = current.as_ref().is_some_and(Vec::is_empty);
            if opts.required && empty && self.errors_on(name).is_empty() {
                self.errors.push((name.to_string(), required_error(&opts)));
            }
            return Ok(self);
        };
        let Some(current) = current else {
            return Err(field.names().error());
        };
        let rel = Relation {
            owner: S::NAME,
            name,
            many: V::MANY,
            nilify_field,
            embed: false,
            on_replace: opts.on_replace,
        };
        match cast_children(&rel, &raw, current, opts.with)? {
            Casted::Invalid => {
                self.errors.push((
                    name.to_string(),
                    invalid_error(V::MANY, opts.invalid_message.as_deref()),
                ));
            }
            Casted::Children(children, replaced) => {
                let kept = replaced.iter().filter(|r| !**r).count();
                if let Some(fk) = belongs_to_fk {
                    if kept == 0 {
                        // The parent is removed: the owner points at nothing.
                        let ty = S::FIELDS.get(fk).map_or(crate::ValueType::I64, |f| f.ty);
                        self.set_change(fk, Value::Null(ty));
                    }
                }
                self.nested
                    .put(Box::new(AssocChanges::new(assoc, children, replaced)));
                if opts.required && kept == 0 {
                    self.errors.push((name.to_string(), required_error(&opts)));
                }
            }
        }
        Ok(self)
    }
}

pub(crate) fn required_error<C: Schema>(opts: &CastAssoc<C>) -> FieldError {
    FieldError::new(
        opts.required_message
            .clone()
            .unwrap_or_else(|| "can't be blank".to_string()),
    )
    .with("validation", "required")
}
