//! The conformance suite: every scenario is written once and runs against every
//! enabled backend (SQLite always with the default feature; Postgres and
//! MySQL/MariaDB with their features). See `harness.rs` for how servers are found.

mod harness;
mod schemas;
mod scenarios;

fn main() {
    harness::main(scenarios::all());
}
