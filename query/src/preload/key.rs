//! Key values normalised for grouping: an `i32` owner key and an `i64`
//! foreign key holding the same number are the same key.

use quarry_core::Value;

/// A non-NULL key value, hashable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Other(String),
}

impl Key {
    /// The key of `value`; `None` for NULL.
    pub(crate) fn of(value: &Value) -> Option<Key> {
        if value.is_null() {
            return None;
        }
        if let Some(i) = value.as_i64() {
            return Some(Key::Int(i));
        }
        Some(match value {
            Value::String(s) => Key::Text(s.clone()),
            Value::Bytes(b) => Key::Bytes(b.clone()),
            Value::Bool(b) => Key::Int(i64::from(*b)),
            other => Key::Other(other.to_string()),
        })
    }
}
