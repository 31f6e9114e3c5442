//! The clock the library uses for `inserted_at` / `updated_at`.

use crate::value::{Value, ValueType};
use chrono::{DateTime, SubsecRound, Utc};

/// The current time at second precision (Ecto's default for timestamps). Read it
/// once per operation, so every row an operation writes carries the same time.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// `now` as the value of a timestamp field of type `ty`; non-datetime types give
/// `None`.
///
/// ```
/// use quarry_core::{timestamp, Value, ValueType};
/// let now = timestamp::now();
/// assert_eq!(timestamp::at(ValueType::DateTimeUtc, now), Some(Value::DateTimeUtc(now)));
/// assert_eq!(timestamp::at(ValueType::I64, now), None);
/// ```
pub fn at(ty: ValueType, now: DateTime<Utc>) -> Option<Value> {
    match ty {
        ValueType::DateTime => Some(Value::DateTime(now.naive_utc())),
        ValueType::DateTimeUtc => Some(Value::DateTimeUtc(now)),
        _ => None,
    }
}
