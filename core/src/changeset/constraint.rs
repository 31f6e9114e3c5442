//! Constraint declarations: how a database constraint violation becomes a
//! changeset error instead of a failure.

use crate::error::{ConstraintKind, ConstraintViolation};

/// How a declared constraint name is compared with the one the database reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NameMatch {
    /// The names are equal.
    #[default]
    Exact,
    /// The reported name starts with the declared one.
    Prefix,
    /// The reported name ends with the declared one.
    Suffix,
}

/// Options for a constraint declaration: another name, message or matching.
///
/// ```
/// use quarry_core::ConstraintOptions;
/// let opts = ConstraintOptions::new().name("products_sku_key").message("is taken");
/// assert_eq!(opts.name.as_deref(), Some("products_sku_key"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConstraintOptions {
    /// The constraint name (defaults as Ecto's).
    pub name: Option<String>,
    /// The error message.
    pub message: Option<String>,
    /// How the name matches.
    pub matching: NameMatch,
}

impl ConstraintOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the constraint name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// Sets the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
    /// Sets how the name matches.
    pub fn matching(mut self, matching: NameMatch) -> Self {
        self.matching = matching;
        self
    }
}

/// A constraint declared on a changeset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// The kind.
    pub kind: ConstraintKind,
    /// The constraint name.
    pub name: String,
    /// How the name matches.
    pub matching: NameMatch,
    /// The field the error goes on.
    pub field: String,
    /// The columns it covers (used to match SQLite's column-only unique reports).
    pub columns: Vec<String>,
    /// The error message.
    pub message: String,
    /// The `constraint` metadata value: `unique`, `foreign`, `check`.
    pub tag: &'static str,
}

impl Constraint {
    /// True when this declaration covers `violation`.
    pub fn matches(&self, violation: &ConstraintViolation) -> bool {
        if self.kind != violation.kind {
            return false;
        }
        match &violation.name {
            Some(name) => match self.matching {
                NameMatch::Exact => name == &self.name,
                NameMatch::Prefix => name.starts_with(&self.name),
                NameMatch::Suffix => name.ends_with(&self.name),
            },
            None => !violation.columns.is_empty() && violation.columns == self.columns,
        }
    }
}
