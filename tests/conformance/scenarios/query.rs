//! Query scenarios: composition, joins, selects, aggregates, locks.

use crate::harness::Scenario;

pub fn all() -> Vec<Scenario> {
    Vec::new()
}
