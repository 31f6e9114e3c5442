//! Upserts: what [`Repo::upsert`](super::Repo::upsert) and
//! [`Repo::upsert_all`](super::Repo::upsert_all) do when a row conflicts with
//! a stored one on a unique key (Ecto's `on_conflict:` and
//! `conflict_target:` options).

use super::{UpdateOp, Updates};
use crate::sql::write::{Assign, Conflict, ConflictTarget};
use crate::write::Upsert;
use quarry_core::{Error, FieldList, FieldRole, Schema};

/// What an upsert does with the stored row it conflicts with, before the
/// conflict target is named ([`ConflictAction::target`] or
/// [`ConflictAction::target_constraint`] make it an [`OnConflict`]). Built
/// by [`OnConflict`]'s constructors.
pub struct ConflictAction<S> {
    kind: Kind<S>,
}

enum Kind<S> {
    Nothing,
    ReplaceAll,
    Replace(Vec<usize>),
    ReplaceAllExcept(Vec<usize>),
    Update(Updates<S>),
}

impl<S> Clone for Kind<S> {
    fn clone(&self) -> Self {
        match self {
            Kind::Nothing => Kind::Nothing,
            Kind::ReplaceAll => Kind::ReplaceAll,
            Kind::Replace(f) => Kind::Replace(f.clone()),
            Kind::ReplaceAllExcept(f) => Kind::ReplaceAllExcept(f.clone()),
            Kind::Update(u) => Kind::Update(u.clone()),
        }
    }
}

#[derive(Clone, Debug)]
enum Target {
    Columns(Vec<usize>),
    Constraint(String),
}

/// The conflict action of an upsert and the unique key it applies to (Ecto's
/// `on_conflict:` with `conflict_target:`).
///
/// The action:
///
/// - [`OnConflict::nothing`]: the stored row is kept as it is;
/// - [`OnConflict::replace_all`]: every column takes the value the insert
///   proposed, except the primary key and `inserted_at` (unlike Ecto's
///   `:replace_all`, which replaces those too);
/// - [`OnConflict::replace`]: only these fields take the proposed value;
/// - [`OnConflict::replace_all_except`]: `replace_all` but these fields;
/// - [`OnConflict::update`]: the assignments of an [`Updates`], on the
///   stored row (`inc` adds to the stored value).
///
/// The target, which every action needs (so a missing one does not
/// compile): the fields of a unique index ([`ConflictAction::target`]), or
/// a constraint's name ([`ConflictAction::target_constraint`], PostgreSQL
/// only). MySQL and MariaDB have no conflict target: their
/// `ON DUPLICATE KEY UPDATE` applies to a conflict on any unique key, and the
/// target only tells quarry where to find the row.
///
/// ```
/// use quarry_query::repo::OnConflict;
/// use quarry_query::Updates;
/// # use quarry_core::doc_support::Product;
/// let keep: OnConflict<Product> = OnConflict::nothing().target(Product::name);
/// let replace = OnConflict::replace((Product::price,)).target(Product::name);
/// let bump = OnConflict::update(Updates::new().inc(Product::price, 1.0))
///     .target_constraint("products_name_key");
/// # let _ = (keep, replace, bump);
/// ```
pub struct OnConflict<S> {
    kind: Kind<S>,
    target: Target,
}

impl<S> Clone for OnConflict<S> {
    fn clone(&self) -> Self {
        OnConflict {
            kind: self.kind.clone(),
            target: self.target.clone(),
        }
    }
}

impl<S> Clone for ConflictAction<S> {
    fn clone(&self) -> Self {
        ConflictAction {
            kind: self.kind.clone(),
        }
    }
}

impl<S: Schema> OnConflict<S> {
    /// Keep the stored row as it is (Ecto's `:nothing`).
    pub fn nothing() -> ConflictAction<S> {
        ConflictAction {
            kind: Kind::Nothing,
        }
    }

    /// Replace every column with the value the insert proposed, except the
    /// primary key and `inserted_at` (Ecto's `:replace_all`, which replaces
    /// those too). `updated_at` takes the insert's time.
    pub fn replace_all() -> ConflictAction<S> {
        ConflictAction {
            kind: Kind::ReplaceAll,
        }
    }

    /// Replace these fields with the values the insert proposed (Ecto's
    /// `{:replace, fields}`).
    pub fn replace(fields: impl FieldList<S>) -> ConflictAction<S> {
        ConflictAction {
            kind: Kind::Replace(fields.indices()),
        }
    }

    /// Replace every column but these (and the primary key and
    /// `inserted_at`) with the values the insert proposed (Ecto's
    /// `{:replace_all_except, fields}`).
    pub fn replace_all_except(fields: impl FieldList<S>) -> ConflictAction<S> {
        ConflictAction {
            kind: Kind::ReplaceAllExcept(fields.indices()),
        }
    }

    /// Apply `updates` to the stored row (Ecto's `on_conflict: [set: ..., inc:
    /// ...]`). Timestamps are not touched, as with `update_all`.
    pub fn update(updates: Updates<S>) -> ConflictAction<S> {
        ConflictAction {
            kind: Kind::Update(updates),
        }
    }
}

impl<S: Schema> ConflictAction<S> {
    /// The conflict is on the unique index over these fields.
    pub fn target(self, fields: impl FieldList<S>) -> OnConflict<S> {
        OnConflict {
            kind: self.kind,
            target: Target::Columns(fields.indices()),
        }
    }

    /// The conflict is on the constraint (or unique index) named `name`
    /// (PostgreSQL's `ON CONFLICT ON CONSTRAINT`; SQLite has no such target,
    /// and an upsert with one is [`Error::Unsupported`] there; on MySQL and
    /// MariaDB any unique key's conflict takes the action).
    pub fn target_constraint(self, name: impl Into<String>) -> OnConflict<S> {
        OnConflict {
            kind: self.kind,
            target: Target::Constraint(name.into()),
        }
    }
}

/// The first field of `S` that is a primary key, or else the first persisted
/// one: what a no-op assignment assigns to itself.
fn keep_column<S: Schema>() -> Option<&'static str> {
    S::FIELDS
        .iter()
        .find(|f| f.primary_key && f.is_persisted())
        .or_else(|| S::FIELDS.iter().find(|f| f.is_persisted()))
        .map(|f| f.column)
}

/// The persisted field `index` of `S`, or an error naming what was asked.
fn persisted<S: Schema>(index: usize, what: &str) -> Result<&'static quarry_core::FieldDef, Error> {
    let def = quarry_core::schema::field_def::<S>(index);
    if def.is_persisted() {
        Ok(def)
    } else {
        Err(Error::InvalidValue {
            field: def.name.to_string(),
            message: format!("a virtual field cannot be {what} of an upsert"),
        })
    }
}

impl<S: Schema> OnConflict<S> {
    /// The conflict target's fields (none for a constraint target).
    pub(crate) fn target_fields(&self) -> &[usize] {
        match &self.target {
            Target::Columns(c) => c,
            Target::Constraint(_) => &[],
        }
    }

    /// The conflict clause for `backend`. `see_row`: the statement must give
    /// the stored row back even when the action is `nothing` (a single-row
    /// upsert, or `upsert_all_returning`), so `nothing` is a no-op update of
    /// the row (`DO UPDATE SET id = t.id`) rather than `DO NOTHING`.
    pub(crate) fn plan(&self, backend: &crate::Backend, see_row: bool) -> Result<Upsert, Error> {
        use crate::dialect::UpsertSyntax;
        let dialect = backend.dialect;
        let syntax = dialect.upsert_syntax();
        let target = match &self.target {
            Target::Columns(fields) => {
                if fields.is_empty() {
                    return Err(Error::Query(
                        "an upsert's conflict target names at least one field".into(),
                    ));
                }
                let cols = fields
                    .iter()
                    .map(|i| persisted::<S>(*i, "the conflict target").map(|d| d.column))
                    .collect::<Result<Vec<_>, _>>()?;
                ConflictTarget::Columns(cols)
            }
            Target::Constraint(name) => {
                if syntax == UpsertSyntax::OnConflict && !dialect.conflict_on_constraint() {
                    return Err(Error::Unsupported {
                        feature: "an upsert's conflict target by constraint name (ON CONFLICT ON CONSTRAINT)",
                        backend: backend.name,
                    });
                }
                ConflictTarget::Constraint(name.clone())
            }
        };
        let mut sets = Vec::new();
        let mut values = Vec::new();
        // MySQL: the row's generated key through LAST_INSERT_ID, so the
        // statement reports the stored row's key even when it updated it.
        if let (UpsertSyntax::OnDuplicateKeyUpdate, Some(function), Some(key)) = (
            syntax,
            dialect.upsert_key_function(),
            S::FIELDS
                .iter()
                .find(|f| f.autogenerate && f.is_persisted()),
        ) {
            sets.push(Assign::Function(function, key.column));
        }
        let replaced = |except: &[usize]| {
            S::FIELDS
                .iter()
                .enumerate()
                .filter(|(i, f)| {
                    f.is_persisted()
                        && !f.primary_key
                        && f.role != FieldRole::InsertedAt
                        && !except.contains(i)
                })
                .map(|(_, f)| Assign::Excluded(f.column))
                .collect::<Vec<_>>()
        };
        match &self.kind {
            Kind::Nothing => {}
            Kind::ReplaceAll => sets.extend(replaced(&[])),
            Kind::ReplaceAllExcept(fields) => {
                for i in fields {
                    persisted::<S>(*i, "left out")?;
                }
                sets.extend(replaced(fields));
            }
            Kind::Replace(fields) => {
                for i in fields {
                    sets.push(Assign::Excluded(persisted::<S>(*i, "replaced")?.column));
                }
            }
            Kind::Update(updates) => {
                for (column, op, value) in updates.assignments() {
                    sets.push(match op {
                        UpdateOp::Set => Assign::Param(column),
                        UpdateOp::Inc => Assign::Inc(column),
                    });
                    values.push(value.clone());
                }
            }
        }
        if sets.is_empty() && (see_row || syntax == UpsertSyntax::OnDuplicateKeyUpdate) {
            let column = keep_column::<S>().ok_or(Error::Query(
                quarry_core::QueryError::Internal("a schema without a persisted field"),
            ))?;
            sets.push(Assign::Keep(column));
        }
        Ok(Upsert {
            conflict: Conflict { target, sets },
            values,
        })
    }
}
