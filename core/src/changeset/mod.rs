//! Changesets: cast and validate outside data before it touches the database.
//!
//! A changeset is plain data: the struct it changes (`data`), the `changes`, the
//! `errors`, the declared constraints and whether it is `valid`. Build one with
//! [`Changeset::cast`], pipe it through validators, and hand it to the Repo.
//!
//! ```
//! use quarry_core::{Changeset, Schema};
//! # use quarry_core::doc_support::Product;
//! let cs = Changeset::cast(
//!     Product::default(),
//!     serde_json::json!({"name": "Mcatty tulip", "price": "100", "inStock": true}),
//!     (Product::name, Product::price),
//! )
//! .validate_required((Product::name, Product::price));
//! assert!(cs.is_valid());
//! assert_eq!(cs.get_change(Product::price), Some(100.0));
//! ```

mod assoc;
mod cast_assoc;
mod constraint;
mod embed;
mod nested;
mod relation;

mod params;
mod validate;

pub use crate::field_error::{traverse_errors, FieldError};
pub use cast_assoc::{CastAssoc, DefaultChangeset};
pub use constraint::{Constraint, ConstraintOptions, NameMatch};
pub use embed::{EmbedValue, EmbedsMany, EmbedsOne};
pub use nested::{Nested, NestedSet, TxHandle, WriteFuture};
pub use params::Params;
pub use relation::OnReplace;
pub use validate::{HasLength, JsonList, Length, LengthCount, Num, Number, Numeric, Text};

use crate::column::{Column, Field, FieldList};
use crate::error::{ConstraintViolation, Error, InvalidChangeset};
use crate::error_map::ErrorMap;
use crate::field::FieldValue;
use crate::schema::Schema;
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt;

/// What a changeset is (or was) used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Inserting.
    Insert,
    /// Updating.
    Update,
    /// Deleting.
    Delete,
    /// Validating only (for example re-rendering a form).
    Validate,
}

/// An optimistic lock: the field, and the value the row must still hold.
#[derive(Clone, Debug, PartialEq)]
pub struct OptimisticLock {
    /// The lock field's index.
    pub field: usize,
    /// The value the stored row must have for the write to apply.
    pub expected: Value,
}

/// Tracked, validated changes to a schema struct `S`.
#[derive(Clone)]
pub struct Changeset<S: Schema> {
    data: S,
    changes: BTreeMap<usize, Value>,
    params: Option<Params>,
    errors: Vec<(String, FieldError)>,
    action: Option<Action>,
    constraints: Vec<Constraint>,
    lock: Option<OptimisticLock>,
    stale_error_field: Option<&'static str>,
    nested: nested::NestedSet<S>,
}

impl<S: Schema> Changeset<S> {
    /// A changeset over `data` with no changes (Ecto's `change/1`).
    pub fn new(data: S) -> Self {
        Changeset {
            data,
            changes: BTreeMap::new(),
            params: None,
            errors: Vec::new(),
            action: None,
            constraints: Vec::new(),
            lock: None,
            stale_error_field: None,
            nested: nested::NestedSet::default(),
        }
    }

    /// The struct of a changeset that holds nothing else: no change, error,
    /// params, action, constraint, lock or nested changeset (what
    /// `Changeset::from(data)` is for a struct without loaded parents); else
    /// the changeset, unchanged. A write that consumes its changesets reads
    /// such a row straight from the struct.
    ///
    /// ```
    /// use quarry_core::Changeset;
    /// # use quarry_core::doc_support::Product;
    /// let plain = Changeset::from(Product::default());
    /// assert!(plain.try_into_data().is_ok());
    /// let changed = Changeset::from(Product::default()).put_change(Product::price, 2.5);
    /// assert!(changed.try_into_data().is_err());
    /// ```
    // The changeset is handed back by value: boxing it would cost every
    // changed row an allocation.
    #[allow(clippy::result_large_err)]
    #[inline(always)]
    pub fn try_into_data(self) -> Result<S, Self> {
        let unchanged = self.changes.is_empty()
            && self.params.is_none()
            && self.errors.is_empty()
            && self.action.is_none()
            && self.constraints.is_empty()
            && self.lock.is_none()
            && self.stale_error_field.is_none()
            && self.nested.is_empty();
        if unchanged {
            Ok(self.data)
        } else {
            Err(self)
        }
    }

    /// Casts `params` into a new changeset over `data`, keeping only `permitted`
    /// fields (Ecto's `cast/3`). See [`Changeset::cast_params`] for the rules.
    pub fn cast(data: S, params: impl Into<Params>, permitted: impl FieldList<S>) -> Self {
        Changeset::new(data).cast_params(params, permitted)
    }

    /// Like [`Changeset::cast`] with field names chosen at run time: a name that is
    /// not a field of `S` is [`Error::UnknownField`].
    pub fn cast_names(
        data: S,
        params: impl Into<Params>,
        permitted: &[&str],
    ) -> Result<Self, Error> {
        let fields = permitted
            .iter()
            .map(|n| Field::<S>::named(n))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Changeset::cast(data, params, fields))
    }

    /// Casts `params` into this changeset.
    ///
    /// Only `permitted` fields are read; other keys are ignored. Absent keys change
    /// nothing. Strings are kept exactly as given (a `#[quarry(trim)]` field trims them
    /// first); an empty or whitespace-only string is NULL. A value that cannot
    /// be cast adds `"is invalid"` (metadata `type`, `validation: cast`). A value
    /// equal to the struct's current one is left out of `changes`.
    pub fn cast_params(mut self, params: impl Into<Params>, permitted: impl FieldList<S>) -> Self {
        let params = params.into();
        if params.is_malformed() {
            self.errors.push((
                "params".to_string(),
                FieldError::new("is invalid")
                    .with("type", "map")
                    .with("validation", "cast"),
            ));
        }
        for index in permitted.indices() {
            let def = crate::schema::field_def::<S>(index);
            let Some(raw) = params.get(def.name) else {
                continue;
            };
            match S::cast_field(index, raw, def.trim) {
                Ok(value) => self.set_change(index, value),
                Err(error) => {
                    self.changes.remove(&index);
                    self.errors.push((def.name.to_string(), error));
                }
            }
        }
        self.params = Some(match self.params.take() {
            None => params,
            Some(mut old) => {
                let mut map = old.as_map().clone();
                map.extend(params.as_map().clone());
                old = Params::from(map);
                old
            }
        });
        self
    }

    fn set_change(&mut self, index: usize, value: Value) {
        let same = match self.data.get_value(index) {
            Some(current) => S::field_equal(index, &current, &value),
            None => false,
        };
        if same {
            self.changes.remove(&index);
        } else {
            self.changes.insert(index, value);
        }
    }

    /// The struct being changed.
    pub fn data(&self) -> &S {
        &self.data
    }

    /// The params the changeset was cast from, if any.
    pub fn params(&self) -> Option<&Params> {
        self.params.as_ref()
    }

    /// The changes, by field name, in field order.
    pub fn changes(&self) -> Vec<(&'static str, &Value)> {
        self.changes
            .iter()
            .map(|(i, v)| (crate::schema::field_def::<S>(*i).name, v))
            .collect()
    }

    /// The changes keyed by field index (what the Repo writes).
    pub fn changes_by_index(&self) -> &BTreeMap<usize, Value> {
        &self.changes
    }

    /// True if `field` has a change.
    pub fn has_change(&self, field: impl FieldList<S>) -> bool {
        field.indices().iter().any(|i| self.changes.contains_key(i))
    }

    /// The change of `field` as its Rust type; `None` when there is no change (or
    /// the change is NULL and `T` is not an `Option`).
    pub fn get_change<T: FieldValue>(&self, field: Column<S, T>) -> Option<T> {
        self.changes
            .get(&field.index())
            .and_then(|v| T::from_value(v.clone()).ok())
    }

    /// The raw change of a field.
    pub fn get_change_value(&self, field: Field<S>) -> Option<&Value> {
        self.changes.get(&field.index())
    }

    /// The change of `field` if there is one, else the struct's value (Ecto's
    /// `get_field`). `None` only when the change is NULL for a non-optional field.
    pub fn get_field<T: FieldValue>(&self, field: Column<S, T>) -> Option<T> {
        T::from_value(self.field_value(field.index())).ok()
    }

    /// The change or the data's value of field `index`, as a [`Value`].
    pub fn field_value(&self, index: usize) -> Value {
        match self.changes.get(&index) {
            Some(v) => v.clone(),
            None => self
                .data
                .get_value(index)
                .unwrap_or(Value::Null(crate::schema::field_def::<S>(index).ty)),
        }
    }

    /// Moves the change, or else the data's value, of field `index` out (the
    /// data's field is left at its type default): for a write that consumes
    /// the changeset, so its strings are not copied.
    pub fn take_field_value(&mut self, index: usize) -> Value {
        match self.changes.remove(&index) {
            Some(v) => v,
            None => self
                .data
                .take_value(index)
                .unwrap_or_else(|| Value::Null(crate::schema::field_type::<S>(index))),
        }
    }

    /// Puts a change; a value equal to the struct's current value removes the change.
    pub fn put_change<T: FieldValue>(mut self, field: Column<S, T>, value: T) -> Self {
        self.set_change(field.index(), value.to_value());
        self
    }

    /// Puts a change given as a [`Value`]; its type must be the field's.
    pub fn put_change_value(mut self, field: Field<S>, value: Value) -> Result<Self, Error> {
        let def = field.def();
        if !value.is_null() && value.value_type() != def.ty {
            return Err(Error::InvalidValue {
                field: def.name.to_string(),
                message: format!("expected {}, got {}", def.ty, value.value_type()),
            });
        }
        self.set_change(field.index(), value);
        Ok(self)
    }

    /// Removes the change of `field`.
    pub fn delete_change(mut self, field: impl FieldList<S>) -> Self {
        for i in field.indices() {
            self.changes.remove(&i);
        }
        self
    }

    /// The errors, in the order they were added.
    pub fn errors(&self) -> &[(String, FieldError)] {
        &self.errors
    }

    /// The errors of one field.
    pub fn errors_on(&self, field: &str) -> Vec<&FieldError> {
        self.errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, e)| e)
            .collect()
    }

    /// Adds an error to `field` (any key: a field name or a virtual key like
    /// `password_confirmation`).
    pub fn add_error(mut self, field: impl Into<String>, error: FieldError) -> Self {
        self.errors.push((field.into(), error));
        self
    }

    /// True when there are no errors, the nested changesets' included
    /// (Ecto's `valid?`: a parent with an invalid child is invalid).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty() && self.nested.entries.iter().all(|e| e.is_valid())
    }

    /// The action the changeset was last used for.
    pub fn action(&self) -> Option<Action> {
        self.action
    }

    /// Sets the action.
    pub fn set_action(&mut self, action: Action) {
        self.action = Some(action);
    }

    /// The declared constraints.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The struct with the changes applied, valid or not (Ecto's `apply_changes`).
    /// A NULL change of a non-optional field leaves the field at its type default.
    pub fn apply_changes(&self) -> S {
        let mut data = self.data.clone();
        for (i, v) in &self.changes {
            // Changes were type-checked when they were put, so this cannot fail.
            let _ = data.set_value(*i, v.clone());
        }
        for entry in &self.nested.entries {
            entry.apply(&mut data);
        }
        data
    }

    /// Applies the changes if valid; otherwise returns [`Error::Invalid`] holding
    /// this changeset with `action` set (Ecto's `apply_action`).
    pub fn apply_action(mut self, action: Action) -> Result<S, Error> {
        self.action = Some(action);
        if self.is_valid() {
            Ok(self.apply_changes())
        } else {
            Err(self.into_error())
        }
    }

    /// Wraps this changeset in [`Error::Invalid`].
    pub fn into_error(self) -> Error {
        let tree = self.error_tree();
        Error::Invalid(Box::new(
            InvalidChangeset::new(S::TABLE, self.errors.clone(), self).with_tree(tree),
        ))
    }

    /// Errors grouped by field with the messages rendered, ready to serialise as a
    /// JSON body (`{"price": ["can't be blank"]}`). Nested changesets' errors
    /// nest under their association or embed the way Ecto renders them:
    /// `{"products": [{"name": ["can't be blank"]}, {}]}`.
    pub fn error_messages(&self) -> ErrorMap<String> {
        self.traverse_errors(FieldError::render)
    }

    /// Errors grouped by field, each mapped through `f` (Ecto's
    /// `traverse_errors`), nested changesets' errors nested (see
    /// [`Changeset::error_messages`]).
    pub fn traverse_errors<T>(&self, mut f: impl FnMut(&FieldError) -> T) -> ErrorMap<T> {
        if self.nested.is_empty() {
            return traverse_errors(&self.errors, f);
        }
        self.error_tree().map(&mut f)
    }

    /// Declares an optimistic lock on `field`: the write applies only while the
    /// stored row still holds the current value, and the field is incremented.
    pub fn optimistic_lock<T: FieldValue>(mut self, field: Column<S, T>) -> Self {
        let current = self
            .data
            .get_value(field.index())
            .unwrap_or(Value::Null(T::TYPE));
        let next = match &current {
            Value::I16(v) => Value::I16(v.saturating_add(1)),
            Value::I32(v) => Value::I32(v.saturating_add(1)),
            Value::I64(v) => Value::I64(v.saturating_add(1)),
            Value::Null(_) => Value::I64(1),
            other => other.clone(),
        };
        self.lock = Some(OptimisticLock {
            field: field.index(),
            expected: current,
        });
        self.changes.insert(field.index(), next);
        self
    }

    /// The optimistic lock, if declared.
    pub fn lock(&self) -> Option<&OptimisticLock> {
        self.lock.as_ref()
    }

    /// On a stale update/delete, add `"is stale"` (metadata `stale: true`) to
    /// `field` and return [`Error::Invalid`] instead of [`Error::Stale`].
    pub fn stale_error_field(mut self, field: impl FieldList<S>) -> Self {
        self.stale_error_field = field
            .indices()
            .first()
            .map(|i| crate::schema::field_def::<S>(*i).name);
        self
    }

    /// The error for a write that matched no row.
    pub fn stale_error(mut self, action: &'static str) -> Error {
        match self.stale_error_field {
            Some(field) => {
                self.errors.push((
                    field.to_string(),
                    FieldError::new("is stale").with("stale", true),
                ));
                self.into_error()
            }
            None => Error::Stale {
                table: S::TABLE,
                action,
            },
        }
    }

    /// Maps a constraint violation to a declared constraint: the changeset with
    /// the constraint's error, as [`Error::Invalid`]; otherwise
    /// [`Error::Constraint`] naming the constraint.
    pub fn constraint_error(mut self, violation: &ConstraintViolation) -> Error {
        if let Some(c) = self
            .constraints
            .iter()
            .find(|c| c.matches(violation))
            .cloned()
        {
            self.errors.push((
                c.field.clone(),
                FieldError::new(c.message.clone())
                    .with("constraint", c.tag)
                    .with("constraint_name", c.name.clone()),
            ));
            return self.into_error();
        }
        Error::Constraint {
            table: S::TABLE.to_string(),
            name: violation
                .name
                .clone()
                .unwrap_or_else(|| default_name::<S>(violation)),
            kind: violation.kind,
        }
    }

    /// Declares a constraint on `fields`; `suffix` names it by default
    /// (`<table>_<cols>_<suffix>`, none for check constraints, whose name is given).
    fn declare(
        mut self,
        fields: impl FieldList<S>,
        opts: ConstraintOptions,
        kind: crate::ConstraintKind,
        suffix: Option<&str>,
        message: &str,
        tag: &'static str,
    ) -> Self {
        let idx = fields.indices();
        let columns: Vec<String> = idx
            .iter()
            .map(|i| crate::schema::field_def::<S>(*i).column.to_string())
            .collect();
        let field = idx
            .first()
            .map(|i| crate::schema::field_def::<S>(*i).name)
            .unwrap_or("base");
        let name = opts.name.unwrap_or_else(|| match suffix {
            Some(suffix) => format!("{}_{}_{suffix}", S::TABLE, columns.join("_")),
            None => String::new(),
        });
        self.constraints.push(Constraint {
            kind,
            name,
            matching: opts.matching,
            field: field.to_string(),
            columns,
            message: opts.message.unwrap_or_else(|| message.to_string()),
            tag,
        });
        self
    }

    /// Declares a unique constraint over `fields` (default name
    /// `<table>_<col1>_<col2>_index`, message `"has already been taken"`).
    pub fn unique_constraint(self, fields: impl FieldList<S>) -> Self {
        self.unique_constraint_with(fields, ConstraintOptions::default())
    }

    /// [`Changeset::unique_constraint`] with options.
    pub fn unique_constraint_with(
        self,
        fields: impl FieldList<S>,
        opts: ConstraintOptions,
    ) -> Self {
        let kind = crate::ConstraintKind::Unique;
        self.declare(
            fields,
            opts,
            kind,
            Some("index"),
            "has already been taken",
            "unique",
        )
    }

    /// Declares a foreign key constraint on `field` (default name
    /// `<table>_<column>_fkey`, message `"does not exist"`).
    pub fn foreign_key_constraint(self, field: impl FieldList<S>) -> Self {
        self.foreign_key_constraint_with(field, ConstraintOptions::default())
    }

    /// [`Changeset::foreign_key_constraint`] with options.
    pub fn foreign_key_constraint_with(
        self,
        field: impl FieldList<S>,
        opts: ConstraintOptions,
    ) -> Self {
        let kind = crate::ConstraintKind::ForeignKey;
        self.declare(field, opts, kind, Some("fkey"), "does not exist", "foreign")
    }

    /// Declares a check constraint named `name`, reported on `field` (message
    /// `"is invalid"`).
    pub fn check_constraint(self, field: impl FieldList<S>, name: impl Into<String>) -> Self {
        self.check_constraint_with(field, ConstraintOptions::default().name(name))
    }

    /// [`Changeset::check_constraint`] with options (the name is required).
    pub fn check_constraint_with(self, field: impl FieldList<S>, opts: ConstraintOptions) -> Self {
        let kind = crate::ConstraintKind::Check;
        self.declare(field, opts, kind, None, "is invalid", "check")
    }
}

/// The name a violation reported without one is known by: Ecto's default names.
fn default_name<S: Schema>(v: &ConstraintViolation) -> String {
    match v.kind {
        crate::ConstraintKind::Unique => format!("{}_{}_index", S::TABLE, v.columns.join("_")),
        crate::ConstraintKind::ForeignKey if !v.columns.is_empty() => {
            format!("{}_{}_fkey", S::TABLE, v.columns.join("_"))
        }
        crate::ConstraintKind::NotNull if !v.columns.is_empty() => {
            format!("{}_{}_not_null", S::TABLE, v.columns.join("_"))
        }
        _ => "(unnamed)".to_string(),
    }
}

impl<S: Schema> From<S> for Changeset<S> {
    /// A struct passed where a changeset is expected: every persisted field that
    /// differs from the type's built state becomes a change on insert.
    /// Loaded belongs_to parents set their foreign keys (see
    /// [`Schema::parent_keys`]).
    #[inline(always)]
    fn from(data: S) -> Self {
        Changeset::new(data).put_parent_keys()
    }
}

impl<S: Schema> fmt::Debug for Changeset<S> {
    /// Prints like Ecto's `#Ecto.Changeset<...>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Changeset<action: ")?;
        match self.action {
            Some(a) => write!(f, "{a:?}")?,
            None => f.write_str("nil")?,
        }
        f.write_str(", changes: %{")?;
        for (i, (name, v)) in self.changes().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}: {v}")?;
        }
        f.write_str("}, errors: [")?;
        for (i, (name, e)) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}: {e:?}")?;
        }
        f.write_str("]")?;
        if !self.nested.is_empty() {
            f.write_str(", nested: %{")?;
            for (i, entry) in self.nested.entries.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}: ", entry.name())?;
                entry.fmt_children(f)?;
            }
            f.write_str("}")?;
        }
        write!(f, ", data: #{}<>, valid?: {}>", S::NAME, self.is_valid())
    }
}

#[cfg(test)]
mod nested_tests;
