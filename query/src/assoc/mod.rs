//! Working with associations: [`assoc`] queries, joins on associations
//! (`join_assoc`), and [`AssocRepo`] (preload, inserting with associations,
//! many-to-many links). Declaring associations is `#[derive(Schema)]`'s job;
//! their tokens and state types live in `quarry_core::assoc`.

mod query;
mod repo;
mod write;

pub use query::{assoc, Parents};
pub use repo::AssocRepo;
pub use write::InsertAssoc;
