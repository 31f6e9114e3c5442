//! The clock the library uses for `inserted_at` / `updated_at`.

use crate::value::{Value, ValueType};
use chrono::{DateTime, SubsecRound, Utc};

/// "Now" for a timestamp field of type `ty`, at second precision (Ecto's default).
/// Non-datetime types give `None`.
pub fn now_for(ty: ValueType) -> Option<Value> {
    let now: DateTime<Utc> = Utc::now().trunc_subsecs(0);
    match ty {
        ValueType::DateTime => Some(Value::DateTime(now.naive_utc())),
        ValueType::DateTimeUtc => Some(Value::DateTimeUtc(now)),
        _ => None,
    }
}
