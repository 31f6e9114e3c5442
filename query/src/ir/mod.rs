//! quarry's query IR, at the bottom of quarry-query: a compact postfix form of
//! expressions ([`Op`]s in an [`Rpn`], with the values they bind in SQL order)
//! and the parts of a SELECT ([`Parts`]). Building one is a few pushes; the list
//! of operations (without values) is a statement's *shape*, the key of the SQL
//! cache. Everything above builds it (the typed [`Query`](crate::Query)
//! builder) or reads it (the SQL writer in `sql`, the cache in `compile`).
//!
//! - [`op`]: the operations, names and join and lock kinds;
//! - [`form`]: one postfix expression with its values and subqueries, and a
//!   SELECT's parts made of them (each holds the other), their cache key and
//!   walks over their expressions;
//! - `key`: a shape as the SQL cache's key (its operations as words);
//! - [`operand`]: what a comparison binds;
//! - [`substitute`]: a prepared query's arguments put in place;
//! - [`values`]: the values moved out in SQL order;
//! - [`prefix`]: a checked prefix (schema / database) of a table, and
//!   `resolve`: every table's prefix worked out;
//! - `pool`: the per-thread pool of the buffers an [`Rpn`] is made of.

pub mod form;
mod key;
pub mod op;
pub mod operand;
pub(crate) mod pool;
pub mod prefix;
mod resolve;
pub mod substitute;
pub mod values;

pub use form::{JoinPart, Parts, Rpn};
pub(crate) use key::Key;
pub use op::{Dir, Fields, JoinKind, LockStrength, LockWait, Name, Nulls, Op, SetOp};
pub(crate) use op::{Ops, Values};
pub use operand::Operand;
pub use prefix::Prefix;
pub(crate) use substitute::mismatch;
pub use substitute::ArgValue;
pub(crate) use values::ValueSink;
