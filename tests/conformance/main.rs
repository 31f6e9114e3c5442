//! The conformance suite: every scenario is written once and runs against every
//! enabled backend (SQLite always with the default feature; Postgres and
//! MySQL/MariaDB with their features). See `harness.rs` for how servers are found.

mod containers;
mod harness;
mod scenarios;
mod schemas;

fn main() {
    harness::main(scenarios::all());
}
