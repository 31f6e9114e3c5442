//! Associations: fields that hold related rows of another schema, declared in
//! `#[derive(Schema)]` (`belongs_to`, `has_many`, `has_one`, `many_to_many`,
//! and `through` other associations).
//!
//! - [`Assoc`] is the field's state: not loaded (the default) or loaded;
//! - [`Association`] is the typed token the derive generates per field
//!   (`Store::products`), which preloads, joins and `assoc` queries take;
//! - [`AssocDef`] is its run-time description, from which SQL is built.

mod def;
mod state;
mod token;
mod value;

pub use def::{AssocDef, AssocKind};
pub use state::{Assoc, NotLoaded};
pub use token::Association;
pub use value::{AssocValue, Preloadable, SameKey};
