//! The [`Migration`] trait.

use crate::commands::Commands;
use std::fmt;

/// One migration: a version (a UTC timestamp `YYYYMMDDhhmmss`, as
/// `quarry gen migration` writes it), a name, and either `change` (reversed
/// automatically on rollback) or `up` and `down`.
///
/// ```
/// use quarry_migrate::prelude::*;
///
/// pub struct CreateStore;
///
/// impl Migration for CreateStore {
///     fn version(&self) -> i64 { 20230417014701 }
///     fn name(&self) -> &str { "create_store" }
///     fn change(&self, m: &mut Commands) {
///         m.create_table("stores", |t| {
///             t.add("name", Type::String);
///             t.timestamps();
///         });
///     }
/// }
/// ```
pub trait Migration: Send + Sync {
    /// The version: unique, and the order migrations run in.
    fn version(&self) -> i64;

    /// The name (`create_store`), shown by status and progress.
    fn name(&self) -> &str;

    /// Reversible commands: `up` runs them, `down` runs their reverse.
    /// Implement this, or `up` and `down`.
    fn change(&self, m: &mut Commands) {
        m.problem("defines no `change` (implement `change`, or `up` and `down`)");
    }

    /// Migrates forward; runs `change` unless implemented.
    fn up(&self, m: &mut Commands) {
        self.change(m);
    }

    /// Rolls back; runs the reverse of `change` unless implemented. A command
    /// of `change` that cannot be reversed makes rollback an error naming it.
    fn down(&self, m: &mut Commands) {
        m.reverse_of(|m| self.change(m));
    }
}

impl<M: Migration + ?Sized> Migration for Box<M> {
    fn version(&self) -> i64 {
        (**self).version()
    }
    fn name(&self) -> &str {
        (**self).name()
    }
    fn change(&self, m: &mut Commands) {
        (**self).change(m)
    }
    fn up(&self, m: &mut Commands) {
        (**self).up(m)
    }
    fn down(&self, m: &mut Commands) {
        (**self).down(m)
    }
}

/// Up (migrate) or down (rollback).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Apply pending migrations.
    Up,
    /// Revert applied migrations.
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "up",
            Direction::Down => "down",
        })
    }
}
