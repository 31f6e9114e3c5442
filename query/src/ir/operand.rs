//! What a comparison binds.

use quarry_core::Value;

/// What a comparison binds: a value, or an argument of a prepared query.
#[doc(hidden)]
pub enum Operand {
    /// A value known now.
    Value(Value),
    /// Argument `n` of a prepared query.
    Param(u16),
}
