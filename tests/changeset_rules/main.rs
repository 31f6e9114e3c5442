//! The changeset rules of `shared/reference/ecto-semantics.md` (section
//! "Changeset"), checked through the `quarry` facade: casting for every field
//! type, every validator's message template, rendered message and metadata,
//! change helpers, constraint declarations, and property tests that casting
//! arbitrary JSON never panics and only ever reports typed cast errors.
//!
//! Tables are kept one case per line (`#[rustfmt::skip]`).
//!
//! One test binary, a module per topic: `cast`, `validators`, `changes`
//! (change helpers), `constraints`, `properties`; `schemas` holds the schemas and
//! helpers they share.

mod cast;
mod changes;
mod constraints;
mod properties;
mod schemas;
mod validators;
