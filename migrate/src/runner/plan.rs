//! Which migrations a run applies or reverts, and in what order.

use crate::error::{MigrateError, Result};
pub use crate::migration::Direction;
use crate::migration::Migration;
use std::collections::BTreeSet;

/// How far a run goes (Ecto's `--all`, `--step n`, `--to v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every pending migration (up) or every applied one (down).
    All,
    /// The next `n` pending migrations (up) or the last `n` applied (down).
    Step(usize),
    /// Up: pending migrations up to and including this version. Down: applied
    /// migrations down to and including this version.
    To(i64),
}

/// The migrations a run of `direction` to `target` covers, in run order:
/// pending ones oldest first (up), applied ones newest first (down).
pub(crate) fn plan<'m>(
    direction: Direction,
    target: Target,
    migrations: &'m [Box<dyn Migration>],
    applied: &BTreeSet<i64>,
) -> Result<Vec<&'m dyn Migration>> {
    if let Target::To(v) = target {
        // A version no migration has would run everything (up) or revert
        // everything (down): a typo must not do that.
        if !migrations.iter().any(|m| m.version() == v) && !applied.contains(&v) {
            return Err(MigrateError::UnknownVersion { version: v });
        }
    }
    match direction {
        Direction::Up => {
            let pending = migrations
                .iter()
                .map(|m| &**m)
                .filter(|m| !applied.contains(&m.version()));
            Ok(match target {
                Target::All => pending.collect(),
                Target::Step(n) => pending.take(n).collect(),
                Target::To(v) => pending.filter(|m| m.version() <= v).collect(),
            })
        }
        Direction::Down => {
            let newest_first = applied.iter().rev().copied();
            let versions: Vec<i64> = match target {
                Target::All => newest_first.collect(),
                Target::Step(n) => newest_first.take(n).collect(),
                Target::To(v) => newest_first.filter(|a| *a >= v).collect(),
            };
            versions
                .into_iter()
                .map(|v| {
                    migrations
                        .iter()
                        .find(|m| m.version() == v)
                        .map(|m| &**m)
                        .ok_or(MigrateError::MissingMigration { version: v })
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::Commands;

    struct M(i64);
    impl Migration for M {
        fn version(&self) -> i64 {
            self.0
        }
        fn name(&self) -> &str {
            "m"
        }
        fn change(&self, _m: &mut Commands) {}
    }

    fn all() -> Vec<Box<dyn Migration>> {
        vec![
            Box::new(M(1)),
            Box::new(M(2)),
            Box::new(M(3)),
            Box::new(M(4)),
        ]
    }

    fn versions(p: Vec<&dyn Migration>) -> Vec<i64> {
        p.iter().map(|m| m.version()).collect()
    }

    #[test]
    fn up_targets() -> Result<()> {
        let ms = all();
        let applied = BTreeSet::from([1, 3]);
        assert_eq!(
            versions(plan(Direction::Up, Target::All, &ms, &applied)?),
            [2, 4]
        );
        assert_eq!(
            versions(plan(Direction::Up, Target::Step(1), &ms, &applied)?),
            [2]
        );
        assert_eq!(
            versions(plan(Direction::Up, Target::To(3), &ms, &applied)?),
            [2]
        );
        Ok(())
    }

    #[test]
    fn down_targets() -> Result<()> {
        let ms = all();
        let applied = BTreeSet::from([1, 2, 3]);
        assert_eq!(
            versions(plan(Direction::Down, Target::Step(1), &ms, &applied)?),
            [3]
        );
        assert_eq!(
            versions(plan(Direction::Down, Target::To(2), &ms, &applied)?),
            [3, 2]
        );
        assert_eq!(
            versions(plan(Direction::Down, Target::All, &ms, &applied)?),
            [3, 2, 1]
        );
        // A version no migration has is refused, not read as "everything".
        assert!(matches!(
            plan(Direction::Down, Target::To(999), &ms, &applied),
            Err(MigrateError::UnknownVersion { version: 999 })
        ));
        assert!(matches!(
            plan(Direction::Up, Target::To(999), &ms, &applied),
            Err(MigrateError::UnknownVersion { version: 999 })
        ));
        let missing = BTreeSet::from([1, 9]);
        assert!(matches!(
            plan(Direction::Down, Target::Step(1), &ms, &missing),
            Err(MigrateError::MissingMigration { version: 9 })
        ));
        Ok(())
    }
}
