//! The migration errors.

use crate::migration::Direction;

/// Everything that can go wrong defining or running migrations. Each message is
/// one line naming the migration (and statement) concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// A migration cannot run in the asked direction (for example a `change`
    /// with a command that cannot be reversed). Nothing was run.
    #[error("migration {version} {name} cannot run {direction}: {problem}")]
    Invalid {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
        /// The direction asked.
        direction: Direction,
        /// What is wrong (names the command).
        problem: String,
    },
    /// A command this database cannot run. Nothing of the migration was run.
    #[error("migration {version} {name}: `{command}` is not supported by {backend}: {hint}")]
    Unsupported {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
        /// The command.
        command: String,
        /// The database.
        backend: String,
        /// What to do instead.
        hint: String,
    },
    /// A statement of a migration failed.
    #[error(
        "migration {version} {name} failed ({direction}) at `{statement}`: {source}; {outcome}"
    )]
    Failed {
        /// The migration's version.
        version: i64,
        /// Its name.
        name: String,
        /// The direction it ran in.
        direction: Direction,
        /// The failing statement's SQL.
        statement: String,
        /// The database's error.
        source: Box<quarry_core::Error>,
        /// What was left behind: rolled back, or (without transactional DDL)
        /// which statements stayed applied.
        outcome: String,
        /// How many migrations of this run completed before this one.
        completed: usize,
    },
    /// Two migrations share a version.
    #[error("two migrations have version {version}: {first} and {second}")]
    DuplicateVersion {
        /// The version.
        version: i64,
        /// The first migration's name.
        first: String,
        /// The second migration's name.
        second: String,
    },
    /// An applied version has no migration, and rolling back needs it.
    #[error(
        "cannot roll back version {version}: no migration has that version (** FILE NOT FOUND **)"
    )]
    MissingMigration {
        /// The applied version.
        version: i64,
    },
    /// `--to` names a version that no migration has (nothing was run).
    #[error("no migration has version {version}: nothing was run (`quarry migrations` lists the versions)")]
    UnknownVersion {
        /// The version asked.
        version: i64,
    },
    /// Another runner held the migration lock for too long.
    #[error("timed out after {seconds}s waiting for the migration lock held by another runner")]
    LockTimeout {
        /// How long the runner waited.
        seconds: u64,
    },
    /// A database error outside any migration (connecting, the lock, the
    /// `schema_migrations` table).
    #[error(transparent)]
    Database(Box<quarry_core::Error>),
}

impl From<quarry_core::Error> for MigrateError {
    fn from(e: quarry_core::Error) -> Self {
        MigrateError::Database(Box::new(e))
    }
}

/// Results of this crate.
pub type Result<T, E = MigrateError> = std::result::Result<T, E>;

/// So `?` works in functions returning `quarry::Result` (the catalog example's
/// `main`): a database error comes back as it was, any other migration error as
/// [`quarry_core::Error::Query`] with this error's message.
impl From<MigrateError> for quarry_core::Error {
    fn from(e: MigrateError) -> Self {
        match e {
            MigrateError::Database(inner) => *inner,
            other => quarry_core::Error::Query(other.to_string().into()),
        }
    }
}
