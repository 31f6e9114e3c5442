//! Migration scenarios (owned by the migrations work).

use crate::harness::Scenario;

pub fn all() -> Vec<Scenario> {
    Vec::new()
}
