//! [`Assoc`]: the state of an association field — not loaded, or loaded.

use crate::error::Error;
use std::fmt;

/// Which association a not-loaded field stands for (for messages and Debug).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NotLoaded {
    /// The Rust name of the schema holding the field.
    pub schema: &'static str,
    /// The association's name (the field name).
    pub association: &'static str,
}

impl fmt::Debug for NotLoaded {
    /// Prints like Ecto's `#Ecto.Association.NotLoaded<association :store is not loaded>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.association.is_empty() {
            f.write_str("#NotLoaded<association is not loaded>")
        } else {
            write!(
                f,
                "#NotLoaded<association :{} is not loaded>",
                self.association
            )
        }
    }
}

/// An association field: `Assoc<Option<Parent>>` for belongs_to and has_one,
/// `Assoc<Vec<Child>>` for has_many and many_to_many.
///
/// A struct read from the database (or built with `Default`) holds a
/// not-loaded association; preloading loads it. Reading a not-loaded
/// association is an error ([`Assoc::get`]) or an explicit `None`
/// ([`Assoc::value`]), never a silent empty list. The value is boxed, so two
/// schemas may point at each other (a user has one store, a store belongs to a
/// user).
///
/// ```
/// use quarry_core::{Assoc, Error};
/// let products: Assoc<Vec<i32>> = Assoc::not_loaded("Store", "products");
/// assert!(matches!(products.get(), Err(Error::NotLoaded { association: "products", .. })));
/// assert_eq!(format!("{products:?}"), "#NotLoaded<association :products is not loaded>");
/// let products = Assoc::loaded(vec![1, 2]);
/// assert_eq!(products.get().map(Vec::len).ok(), Some(2));
/// ```
#[derive(Clone)]
pub struct Assoc<T> {
    value: Option<Box<T>>,
    names: NotLoaded,
}

impl<T> Default for Assoc<T> {
    /// Not loaded, without names (the derive names its fields).
    fn default() -> Self {
        Assoc {
            value: None,
            names: NotLoaded::default(),
        }
    }
}

impl<T> From<T> for Assoc<T> {
    /// A loaded association: `user: Some(user).into()`.
    fn from(value: T) -> Self {
        Assoc::loaded(value)
    }
}

impl<T: PartialEq> PartialEq for Assoc<T> {
    /// Equal when both are not loaded, or both loaded with equal values.
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Assoc<T> {
    /// The not-loaded state of association `association` of schema `schema`
    /// (what `#[derive(Schema)]` puts in every association field).
    pub const fn not_loaded(schema: &'static str, association: &'static str) -> Self {
        Assoc {
            value: None,
            names: NotLoaded {
                schema,
                association,
            },
        }
    }

    /// A loaded association holding `value` (`None` / an empty Vec: no rows).
    pub fn loaded(value: T) -> Self {
        Assoc {
            value: Some(Box::new(value)),
            names: NotLoaded::default(),
        }
    }

    /// True once loaded.
    pub fn is_loaded(&self) -> bool {
        self.value.is_some()
    }

    /// The loaded value, or [`Error::NotLoaded`] naming the association.
    pub fn get(&self) -> Result<&T, Error> {
        self.value.as_deref().ok_or_else(|| self.names.error())
    }

    /// The loaded value, mutably, or [`Error::NotLoaded`].
    pub fn get_mut(&mut self) -> Result<&mut T, Error> {
        let names = self.names;
        self.value.as_deref_mut().ok_or_else(|| names.error())
    }

    /// The loaded value, or [`Error::NotLoaded`].
    pub fn into_result(self) -> Result<T, Error> {
        match self.value {
            Some(v) => Ok(*v),
            None => Err(self.names.error()),
        }
    }

    /// The loaded value, or `None` when not loaded.
    pub fn value(&self) -> Option<&T> {
        self.value.as_deref()
    }

    /// Loads `value` (keeping the field's names).
    pub fn set(&mut self, value: T) {
        self.value = Some(Box::new(value));
    }

    /// Takes the loaded value out, leaving the field not loaded; `None` when it
    /// was not loaded.
    pub fn take(&mut self) -> Option<T> {
        self.value.take().map(|b| *b)
    }

    /// Forgets the loaded value (back to not loaded).
    pub fn unload(&mut self) {
        self.value = None;
    }

    /// The names of the association this field holds.
    pub fn names(&self) -> NotLoaded {
        self.names
    }

    /// The same field with the names of association `association` of `schema`.
    pub fn named(mut self, schema: &'static str, association: &'static str) -> Self {
        self.names = NotLoaded {
            schema,
            association,
        };
        self
    }
}

impl NotLoaded {
    /// The error reading this association reports.
    pub fn error(&self) -> Error {
        Error::NotLoaded {
            schema: self.schema,
            association: self.association,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Assoc<T> {
    /// A loaded association prints its value; a not-loaded one prints
    /// `#NotLoaded<association :name is not loaded>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => fmt::Debug::fmt(&**v, f),
            None => fmt::Debug::fmt(&self.names, f),
        }
    }
}
