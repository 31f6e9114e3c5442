//! quarry's query IR, at the bottom of quarry-query: a compact postfix form of
//! expressions ([`Op`]s in an [`Rpn`], with the values they bind in SQL order)
//! and the parts of a SELECT ([`Parts`]). Building one is a few pushes; the list
//! of operations (without values) is a statement's *shape*, the key of the SQL
//! cache. Everything above builds it (the typed [`Query`](crate::Query)
//! builder) or reads it (the SQL writer in `sql`, the cache in `compile`).
//!
//! - [`op`]: the operations, names and join and lock kinds;
//! - [`rpn`]: one postfix expression with its values and subqueries;
//! - [`parts`]: a SELECT's parts, its cache key and walks over its expressions;
//! - [`operand`]: what a comparison binds;
//! - [`substitute`]: a prepared query's arguments put in place;
//! - [`values`]: the values moved out in SQL order;
//! - `pool`: the per-thread pool of the buffers an [`Rpn`] is made of.

pub mod op;
pub mod operand;
pub mod parts;
pub(crate) mod pool;
pub mod rpn;
pub mod substitute;
pub mod values;

pub use op::{Dir, JoinKind, LockStrength, LockWait, Name, Nulls, Op};
pub use operand::Operand;
pub use parts::{JoinPart, Parts};
pub use rpn::Rpn;
pub(crate) use rpn::{Ops, Values};
pub(crate) use substitute::mismatch;
pub use substitute::ArgValue;
pub(crate) use values::ValueSink;
