//! [`AssocDef`]: the run-time description of an association, free of its Rust
//! types, from which the query layer builds preload and join SQL.

use crate::schema::FieldDef;

/// How an association links its owner to the associated rows. Field numbers
/// index the owner's or the related schema's `FIELDS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssocKind {
    /// The owner holds the foreign key: `owner.foreign_key = related.references`.
    BelongsTo {
        /// The foreign key field of the owner.
        foreign_key: usize,
        /// The referenced field of the related schema (its primary key).
        references: usize,
    },
    /// The related rows hold the foreign key: `related.foreign_key = owner.key`.
    HasMany {
        /// The owner's referenced field (its primary key).
        key: usize,
        /// The foreign key field of the related schema.
        foreign_key: usize,
    },
    /// Like [`AssocKind::HasMany`], with at most one row.
    HasOne {
        /// The owner's referenced field (its primary key).
        key: usize,
        /// The foreign key field of the related schema.
        foreign_key: usize,
    },
    /// Rows linked through a join table:
    /// `join.owner_column = owner.key AND join.related_column = related.related_key`.
    ManyToMany {
        /// The owner's key field.
        key: usize,
        /// The related schema's key field.
        related_key: usize,
        /// The join table.
        join_table: &'static str,
        /// The join table's column holding the owner's key.
        join_owner_column: &'static str,
        /// The join table's column holding the related key.
        join_related_column: &'static str,
    },
    /// Through other associations: the first hop is an association of the
    /// owner, each next hop an association of the previous hop's schema.
    Through {
        /// The hops, in order (at least two).
        hops: Vec<AssocDef>,
    },
}

/// An association of one schema (the owner) with another (the related schema).
#[derive(Clone, PartialEq, Eq)]
pub struct AssocDef {
    /// The association's name (its field name).
    pub name: &'static str,
    /// The owner's Rust name.
    pub owner: &'static str,
    /// The owner's table.
    pub owner_table: &'static str,
    /// The owner's fields.
    pub owner_fields: &'static [FieldDef],
    /// The related schema's Rust name.
    pub related: &'static str,
    /// The related schema's table.
    pub related_table: &'static str,
    /// The related schema's fields.
    pub related_fields: &'static [FieldDef],
    /// True when the association holds a Vec.
    pub many: bool,
    /// How the rows are linked.
    pub kind: AssocKind,
}

impl AssocDef {
    /// The owner's field whose values are looked up in the related rows: the
    /// foreign key for belongs_to, the referenced key otherwise (a through
    /// association's first hop's).
    pub fn owner_key(&self) -> usize {
        match &self.kind {
            AssocKind::BelongsTo { foreign_key, .. } => *foreign_key,
            AssocKind::HasMany { key, .. }
            | AssocKind::HasOne { key, .. }
            | AssocKind::ManyToMany { key, .. } => *key,
            AssocKind::Through { hops } => hops.first().map(AssocDef::owner_key).unwrap_or(0),
        }
    }

    /// The owner's key field description.
    pub fn owner_key_def(&self) -> Option<&'static FieldDef> {
        self.owner_fields.get(self.owner_key())
    }

    /// A short word for the kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            AssocKind::BelongsTo { .. } => "belongs_to",
            AssocKind::HasMany { .. } => "has_many",
            AssocKind::HasOne { .. } => "has_one",
            AssocKind::ManyToMany { .. } => "many_to_many",
            AssocKind::Through { .. } if self.many => "has_many through",
            AssocKind::Through { .. } => "has_one through",
        }
    }
}

impl std::fmt::Debug for AssocDef {
    /// The names and the link, without the schemas' field lists.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssocDef")
            .field("name", &self.name)
            .field("owner", &self.owner)
            .field("related", &self.related)
            .field("many", &self.many)
            .field("kind", &self.kind)
            .finish()
    }
}
