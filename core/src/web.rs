//! serde for the parts of a schema struct that are not data, so
//! `#[derive(Serialize, Deserialize)]` on a schema needs no ceremony:
//!
//! - [`Meta`] serialises as its state (`"loaded"`), and deserialises from
//!   anything, or from nothing when the field is missing, as a fresh
//!   [`State::Built`] (a struct read from a request body was never loaded).
//! - [`Assoc`] serialises as its value when loaded and as `null` when not;
//!   it deserialises from `null` or a missing field as not loaded, and from a
//!   value as loaded.
//!
//! ```
//! use quarry_core::{Assoc, Meta, State};
//! assert_eq!(serde_json::to_string(&Meta::new(State::Loaded)).unwrap(), r#""loaded""#);
//! let meta: Meta = serde_json::from_str(r#""loaded""#).unwrap();
//! assert_eq!(meta.state(), State::Built);
//! assert_eq!(serde_json::to_string(&Assoc::<Vec<i32>>::default()).unwrap(), "null");
//! assert_eq!(serde_json::to_string(&Assoc::loaded(vec![1, 2])).unwrap(), "[1,2]");
//! let a: Assoc<Vec<i32>> = serde_json::from_str("[3]").unwrap();
//! assert_eq!(a.value(), Some(&vec![3]));
//! ```

use crate::assoc::Assoc;
use crate::schema::{Meta, State};
use serde::de::{Deserialize, Deserializer, IgnoredAny, Visitor};
use serde::ser::{Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

impl Serialize for State {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for Meta {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.state().serialize(serializer)
    }
}

struct MetaVisitor;

impl<'de> Visitor<'de> for MetaVisitor {
    type Value = Meta;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("anything (a schema's meta is not read from input)")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Meta, E> {
        Ok(Meta::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Meta, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Meta::default())
    }
}

impl<'de> Deserialize<'de> for Meta {
    /// Always a fresh `Meta` (state built), whatever the input holds; a
    /// missing field is fine too.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(MetaVisitor)
    }
}

impl<T: Serialize> Serialize for Assoc<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value() {
            Some(v) => serializer.serialize_some(v),
            None => serializer.serialize_none(),
        }
    }
}

struct AssocVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for AssocVisitor<T> {
    type Value = Assoc<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the associated value, or null when not loaded")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Assoc<T>, E> {
        Ok(Assoc::default())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Assoc<T>, E> {
        Ok(Assoc::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Assoc<T>, D::Error> {
        T::deserialize(d).map(Assoc::loaded)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Assoc<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(AssocVisitor(PhantomData))
    }
}
