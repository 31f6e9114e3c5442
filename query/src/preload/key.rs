//! Key values normalised for grouping: an `i32` owner key and an `i64`
//! foreign key holding the same number are the same key.

use quarry_core::{Row, Value, ValueType};

/// A non-NULL key value, hashable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Other(String),
}

impl Key {
    /// The key in column `index` of `row`, decoded as `ty`; `None` for NULL.
    /// An `i64` key is read straight off the driver's row, with no [`Value`]
    /// in between.
    pub(crate) fn read(
        row: &(impl Row + ?Sized),
        index: usize,
        ty: ValueType,
    ) -> quarry_core::Result<Option<Key>> {
        if ty == ValueType::I64 {
            return Ok(row.i64_at(index)?.map(Key::Int));
        }
        Ok(Key::of(&row.value(index, ty)?))
    }

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

/// Builds [`KeyHasher`]s: one random seed per map, like std's `RandomState`.
#[derive(Clone)]
pub(crate) struct KeyState {
    seed: u64,
    sip: std::collections::hash_map::RandomState,
}

impl KeyState {
    pub(crate) fn new() -> Self {
        use std::hash::BuildHasher;
        let sip = std::collections::hash_map::RandomState::new();
        KeyState {
            seed: sip.hash_one(0x5eed_u64),
            sip,
        }
    }
}

impl std::hash::BuildHasher for KeyState {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher {
            word: self.seed,
            sip: self.sip.build_hasher(),
            bytes: false,
        }
    }
}

/// Hashes grouping keys: integers (the usual key) with a seeded multiply-mix, a
/// few instructions; text and bytes with std's SipHash. Seeded per map, so
/// colliding keys cannot be chosen in advance.
pub(crate) struct KeyHasher {
    word: u64,
    sip: std::collections::hash_map::DefaultHasher,
    bytes: bool,
}

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes = true;
        self.sip.write(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        let x = (self.word ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.word = x ^ (x >> 29);
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(u64::from_ne_bytes(n.to_ne_bytes()));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.write_u64(u64::from_ne_bytes((n as i64).to_ne_bytes()));
    }
    fn finish(&self) -> u64 {
        if self.bytes {
            self.sip.finish() ^ self.word
        } else {
            self.word
        }
    }
}

/// A map by key with [`KeyState`] hashing.
pub(crate) type KeyMap<V> = std::collections::HashMap<Key, V, KeyState>;
