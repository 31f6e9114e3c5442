//! What a run reports: progress events while it runs, a [`Report`] at the end,
//! and the [`Status`] listing.

use super::plan::Direction;
use std::fmt;
use std::time::Duration;

/// Progress of a run, reported as it happens (to the callback given with
/// [`crate::Migrator::on_event`], and as `tracing` events with target
/// `quarry::migrate`). Each displays as one line, as `mix ecto.migrate` prints.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// Another runner holds the lock; this one waits.
    WaitingForLock,
    /// A migration starts.
    Started {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
        /// Up or down.
        direction: Direction,
    },
    /// One of its commands runs.
    Command {
        /// The command, as `create table stores`.
        description: String,
    },
    /// A migration finished.
    Finished {
        /// Its version.
        version: i64,
        /// Up or down.
        direction: Direction,
        /// How long it took.
        duration: Duration,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::WaitingForLock => {
                f.write_str("waiting for the migration lock held by another runner...")
            }
            Event::Started {
                version,
                name,
                direction,
            } => {
                let way = match direction {
                    Direction::Up => "forward",
                    Direction::Down => "backward",
                };
                write!(f, "== Running {version} {name} {way}")
            }
            Event::Command { description } => f.write_str(description),
            Event::Finished {
                version,
                direction,
                duration,
            } => {
                let done = match direction {
                    Direction::Up => "Migrated",
                    Direction::Down => "Rolled back",
                };
                write!(f, "== {done} {version} in {:.1}s", duration.as_secs_f64())
            }
        }
    }
}

/// One migration a run applied or reverted.
#[derive(Clone, Debug, PartialEq)]
pub struct Ran {
    /// Its version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// Its commands, described (`create table stores`).
    pub commands: Vec<String>,
    /// How many SQL statements it sent.
    pub statements: usize,
    /// How long it took.
    pub duration: Duration,
}

/// The outcome of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Up or down.
    pub direction: Direction,
    /// The migrations run, in order.
    pub migrations: Vec<Ran>,
}

impl Report {
    /// True when nothing was pending (up) or applied (down).
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }
    /// The versions run, in order.
    pub fn versions(&self) -> Vec<i64> {
        self.migrations.iter().map(|m| m.version).collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.migrations.is_empty() {
            return f.write_str(match self.direction {
                Direction::Up => "Migrations already up",
                Direction::Down => "Migrations already down",
            });
        }
        let verb = match self.direction {
            Direction::Up => "Migrated",
            Direction::Down => "Rolled back",
        };
        let total: Duration = self.migrations.iter().map(|m| m.duration).sum();
        write!(
            f,
            "{verb} {} migration(s) in {:.1}s: {}",
            self.migrations.len(),
            total.as_secs_f64(),
            self.migrations
                .iter()
                .map(|m| format!("{} {}", m.version, m.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// The name status shows for an applied version that has no migration.
pub const FILE_NOT_FOUND: &str = "** FILE NOT FOUND **";

/// One line of the status listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    /// Applied (`up`) or not (`down`).
    pub up: bool,
    /// The version.
    pub version: i64,
    /// The migration's name, or `** FILE NOT FOUND **`.
    pub name: String,
}

/// Every migration with its state, and applied versions without a migration
/// (Ecto's `mix ecto.migrations`), ordered by version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The lines, ordered by version.
    pub entries: Vec<StatusEntry>,
}

impl Status {
    /// The entry for `version`.
    pub fn get(&self, version: i64) -> Option<&StatusEntry> {
        self.entries.iter().find(|e| e.version == version)
    }
    /// The applied versions.
    pub fn applied(&self) -> Vec<i64> {
        self.entries
            .iter()
            .filter(|e| e.up)
            .map(|e| e.version)
            .collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  Status    Migration ID    Migration Name")?;
        write!(f, "--------------------------------------------------")?;
        for e in &self.entries {
            let state = if e.up { "up" } else { "down" };
            write!(f, "\n  {state:<10}{:<16}{}", e.version, e.name)?;
        }
        Ok(())
    }
}
