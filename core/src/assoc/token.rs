//! [`Association`]: the typed token `#[derive(Schema)]` generates for each
//! association field (`Store::products`), like a column token for a field.

use super::def::{AssocDef, AssocKind};
use super::state::Assoc;
use super::value::{AssocValue, SameKey};
use crate::column::Column;
use crate::error::Error;
use crate::field::FieldValue;
use crate::schema::Schema;
use crate::value::Value;
use std::fmt;

/// The field numbers of two key columns, resolved when first needed.
type Keys = fn() -> (usize, usize);

#[derive(Clone, Copy)]
enum Link {
    BelongsTo(Keys),
    HasMany(Keys),
    HasOne(Keys),
    ManyToMany {
        keys: Keys,
        join_table: &'static str,
        join_owner_column: &'static str,
        join_related_column: &'static str,
    },
    Through(fn() -> Vec<AssocDef>),
}

/// The association `name` of schema `O`, holding a `V` once loaded
/// (`Option<T>` or `Vec<T>`): `Store::products` is an
/// `Association<Store, Vec<Product>>`, `Product::store` an
/// `Association<Product, Option<Store>>`.
///
/// `#[derive(Schema)]` generates one per association field. Preloads, joins and
/// `assoc` queries take these tokens, so an association the schema does not
/// have, or one of another schema, does not compile.
pub struct Association<O, V> {
    name: &'static str,
    link: Link,
    get: fn(&O) -> &Assoc<V>,
    get_mut: fn(&mut O) -> &mut Assoc<V>,
    order: fn() -> Vec<(usize, bool)>,
}

impl<O, V> Clone for Association<O, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O, V> Copy for Association<O, V> {}

fn no_order() -> Vec<(usize, bool)> {
    Vec::new()
}

#[doc(hidden)]
impl<O, V> Association<O, V> {
    /// A belongs_to association (used by the derive): `keys` gives the owner's
    /// foreign key field and the related field it references.
    pub const fn belongs_to(
        name: &'static str,
        keys: Keys,
        get: fn(&O) -> &Assoc<V>,
        get_mut: fn(&mut O) -> &mut Assoc<V>,
    ) -> Self {
        Association {
            name,
            link: Link::BelongsTo(keys),
            get,
            get_mut,
            order: no_order,
        }
    }

    /// A has_many association (used by the derive): `keys` gives the owner's key
    /// field and the related foreign key field; `order` the default order of
    /// the related rows (field number, descending).
    pub const fn has_many(
        name: &'static str,
        keys: Keys,
        get: fn(&O) -> &Assoc<V>,
        get_mut: fn(&mut O) -> &mut Assoc<V>,
        order: fn() -> Vec<(usize, bool)>,
    ) -> Self {
        Association {
            name,
            link: Link::HasMany(keys),
            get,
            get_mut,
            order,
        }
    }

    /// A has_one association (used by the derive).
    pub const fn has_one(
        name: &'static str,
        keys: Keys,
        get: fn(&O) -> &Assoc<V>,
        get_mut: fn(&mut O) -> &mut Assoc<V>,
        order: fn() -> Vec<(usize, bool)>,
    ) -> Self {
        Association {
            name,
            link: Link::HasOne(keys),
            get,
            get_mut,
            order,
        }
    }

    /// A many_to_many association through `join_table` (used by the derive):
    /// `keys` gives the owner's key field and the related key field.
    #[allow(clippy::too_many_arguments)]
    pub const fn many_to_many(
        name: &'static str,
        keys: Keys,
        join_table: &'static str,
        join_owner_column: &'static str,
        join_related_column: &'static str,
        get: fn(&O) -> &Assoc<V>,
        get_mut: fn(&mut O) -> &mut Assoc<V>,
        order: fn() -> Vec<(usize, bool)>,
    ) -> Self {
        Association {
            name,
            link: Link::ManyToMany {
                keys,
                join_table,
                join_owner_column,
                join_related_column,
            },
            get,
            get_mut,
            order,
        }
    }

    /// An association through others (used by the derive): `hops` lists them.
    pub const fn through(
        name: &'static str,
        hops: fn() -> Vec<AssocDef>,
        get: fn(&O) -> &Assoc<V>,
        get_mut: fn(&mut O) -> &mut Assoc<V>,
        order: fn() -> Vec<(usize, bool)>,
    ) -> Self {
        Association {
            name,
            link: Link::Through(hops),
            get,
            get_mut,
            order,
        }
    }

    /// The field numbers of two key columns whose types match (used by the
    /// derive; a mismatch does not compile).
    pub fn key_pair<A: Schema, TA: FieldValue + SameKey<TB>, B: Schema, TB: FieldValue>(
        a: Column<A, TA>,
        b: Column<B, TB>,
    ) -> (usize, usize) {
        (a.index(), b.index())
    }
}

#[doc(hidden)]
impl<O: Schema, V: AssocValue> Association<O, V> {
    /// The hops of a through association (used by the derive): `first` is an
    /// association of `O`, `second` one of the first's schema that reaches
    /// `V`'s schema. Anything else does not compile.
    pub fn through_hops<V1: AssocValue, V2: AssocValue<Item = V::Item>>(
        first: Association<O, V1>,
        second: Association<V1::Item, V2>,
    ) -> Vec<AssocDef> {
        vec![first.def(), second.def()]
    }
}

impl<O: Schema, V: AssocValue> Association<O, V> {
    /// The association's name (its field name).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The association's field in `owner`.
    pub fn get<'a>(&self, owner: &'a O) -> &'a Assoc<V> {
        (self.get)(owner)
    }

    /// The association's field in `owner`, mutably.
    pub fn get_mut<'a>(&self, owner: &'a mut O) -> &'a mut Assoc<V> {
        (self.get_mut)(owner)
    }

    /// The not-loaded state of this association.
    pub fn not_loaded(&self) -> Assoc<V> {
        Assoc::not_loaded(O::NAME, self.name)
    }

    /// The default order of the related rows (`preload_order`): field numbers
    /// of the related schema, and whether descending.
    pub fn preload_order(&self) -> Vec<(usize, bool)> {
        (self.order)()
    }

    /// The run-time description of the association.
    pub fn def(&self) -> AssocDef {
        let kind = match self.link {
            Link::BelongsTo(keys) => {
                let (foreign_key, references) = keys();
                AssocKind::BelongsTo {
                    foreign_key,
                    references,
                }
            }
            Link::HasMany(keys) => {
                let (key, foreign_key) = keys();
                AssocKind::HasMany { key, foreign_key }
            }
            Link::HasOne(keys) => {
                let (key, foreign_key) = keys();
                AssocKind::HasOne { key, foreign_key }
            }
            Link::ManyToMany {
                keys,
                join_table,
                join_owner_column,
                join_related_column,
            } => {
                let (key, related_key) = keys();
                AssocKind::ManyToMany {
                    key,
                    related_key,
                    join_table,
                    join_owner_column,
                    join_related_column,
                }
            }
            Link::Through(hops) => AssocKind::Through { hops: hops() },
        };
        AssocDef {
            name: self.name,
            owner: O::NAME,
            owner_table: O::TABLE,
            owner_fields: O::FIELDS,
            related: <V::Item as Schema>::NAME,
            related_table: <V::Item as Schema>::TABLE,
            related_fields: <V::Item as Schema>::FIELDS,
            many: V::MANY,
            kind,
        }
    }

    /// For a loaded belongs_to association: the owner's foreign key field and
    /// the value it must hold (the parent's key, or NULL for `None`). `None`
    /// when not loaded or not a belongs_to.
    pub fn parent_key(&self, owner: &O) -> Option<(usize, Value)> {
        let Link::BelongsTo(keys) = self.link else {
            return None;
        };
        let parent = self.get(owner).value()?;
        let (foreign_key, references) = keys();
        let ty = O::FIELDS.get(foreign_key)?.ty;
        let value = match parent.items().first() {
            Some(p) => p
                .get_value(references)
                .and_then(|v| v.coerce(ty).ok())
                .unwrap_or(Value::Null(ty)),
            None => Value::Null(ty),
        };
        Some((foreign_key, value))
    }

    /// A new associated row for `owner` with its foreign key set (Ecto's
    /// `build_assoc`): for has_many and has_one. Other kinds are
    /// [`Error::Query`].
    pub fn build(&self, owner: &O) -> Result<V::Item, Error>
    where
        V::Item: Default,
    {
        self.build_with(owner, V::Item::default())
    }

    /// `child` with its foreign key set to `owner`'s key (has_many, has_one).
    pub fn build_with(&self, owner: &O, mut child: V::Item) -> Result<V::Item, Error> {
        let (key, foreign_key) = match self.link {
            Link::HasMany(keys) | Link::HasOne(keys) => keys(),
            _ => {
                return Err(Error::Query(crate::QueryError::AssociationKind {
                    operation: "build_assoc (has_many or has_one only)".to_string(),
                    owner: O::NAME,
                    association: self.name,
                    kind: self.def().kind_name(),
                }))
            }
        };
        let value = owner.get_value(key).ok_or_else(|| Error::UnknownField {
            schema: O::NAME,
            field: format!("#{key}"),
        })?;
        let ty = <V::Item as Schema>::FIELDS
            .get(foreign_key)
            .map(|f| f.ty)
            .unwrap_or(value.value_type());
        let value = value.coerce(ty).map_err(|e| Error::InvalidValue {
            field: self.name.to_string(),
            message: e.to_string(),
        })?;
        child.set_value(foreign_key, value)?;
        Ok(child)
    }
}

impl<O: Schema, V: AssocValue> fmt::Debug for Association<O, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{} ({} {})",
            O::NAME,
            self.name,
            self.def().kind_name(),
            <V::Item as Schema>::NAME
        )
    }
}
