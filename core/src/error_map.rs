//! [`ErrorMap`]: a changeset's errors grouped by key, with the errors of
//! nested changesets (associations and embeds) nested the way Ecto's
//! `traverse_errors` nests them: `{"name": [..], "products": [{"name": [..]}, {}]}`.

use std::collections::BTreeMap;
use std::fmt;

/// What one key of an [`ErrorMap`] holds.
#[derive(Clone, PartialEq)]
pub enum ErrorNode<T> {
    /// The errors of a field (or of any key, like `params` or an association
    /// that could not be cast at all: `"is invalid"`).
    Messages(Vec<T>),
    /// The errors of a nested changeset of a one-cardinality association or
    /// embed (`has_one`, `belongs_to`, `embeds_one`).
    One(ErrorMap<T>),
    /// The errors of each nested changeset of a many-cardinality association
    /// or embed, in order (a child without errors is an empty map).
    Many(Vec<ErrorMap<T>>),
}

/// Errors by key, with nested changesets' errors nested (what
/// [`Changeset::error_messages`](crate::Changeset::error_messages) and
/// [`Changeset::traverse_errors`](crate::Changeset::traverse_errors) give).
///
/// Keys are sorted. Indexing by a key gives that key's own messages (an empty
/// slice when it has none, never a panic); [`ErrorMap::one`] and
/// [`ErrorMap::many`] give nested errors. It serialises to Ecto's JSON shape.
///
/// ```
/// use quarry_core::error_map::{ErrorMap, ErrorNode};
/// let mut child = ErrorMap::new();
/// child.push("name", "can't be blank".to_string());
/// let mut map = ErrorMap::new();
/// map.push("price", "is invalid".to_string());
/// map.insert("products", ErrorNode::Many(vec![child, ErrorMap::new()]));
/// assert_eq!(map["price"], ["is invalid"]);
/// assert_eq!(map.many("products").map(|c| c[0]["name"].to_vec()), Some(vec!["can't be blank".to_string()]));
/// assert_eq!(
///     serde_json::to_string(&map).unwrap(),
///     r#"{"price":["is invalid"],"products":[{"name":["can't be blank"]},{}]}"#
/// );
/// ```
#[derive(Clone, PartialEq)]
pub struct ErrorMap<T> {
    entries: BTreeMap<String, ErrorNode<T>>,
}

impl<T> Default for ErrorMap<T> {
    fn default() -> Self {
        ErrorMap {
            entries: BTreeMap::new(),
        }
    }
}

impl<T> ErrorMap<T> {
    /// An empty map.
    pub fn new() -> Self {
        ErrorMap::default()
    }

    /// True when there are no errors at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many keys hold errors.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when `key` holds errors (its own or nested ones).
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// What `key` holds.
    pub fn get(&self, key: &str) -> Option<&ErrorNode<T>> {
        self.entries.get(key)
    }

    /// The keys and what each holds, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ErrorNode<T>)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The own messages of `key` (empty when it has none or holds nested errors).
    pub fn messages(&self, key: &str) -> &[T] {
        match self.entries.get(key) {
            Some(ErrorNode::Messages(m)) => m,
            _ => &[],
        }
    }

    /// The nested errors of a one-cardinality association or embed `key`.
    pub fn one(&self, key: &str) -> Option<&ErrorMap<T>> {
        match self.entries.get(key) {
            Some(ErrorNode::One(m)) => Some(m),
            _ => None,
        }
    }

    /// The nested errors of each child of a many-cardinality association or
    /// embed `key`.
    pub fn many(&self, key: &str) -> Option<&[ErrorMap<T>]> {
        match self.entries.get(key) {
            Some(ErrorNode::Many(m)) => Some(m),
            _ => None,
        }
    }

    /// Adds a message to `key` (replacing nested errors there, if any).
    pub fn push(&mut self, key: impl Into<String>, message: T) {
        let node = self
            .entries
            .entry(key.into())
            .or_insert_with(|| ErrorNode::Messages(Vec::new()));
        match node {
            ErrorNode::Messages(m) => m.push(message),
            other => *other = ErrorNode::Messages(vec![message]),
        }
    }

    /// Puts `node` under `key`, replacing what was there (Ecto lets nested
    /// errors win over the key's own).
    pub fn insert(&mut self, key: impl Into<String>, node: ErrorNode<T>) {
        self.entries.insert(key.into(), node);
    }

    /// The same shape with every error mapped through `f`.
    pub fn map<U>(&self, f: &mut impl FnMut(&T) -> U) -> ErrorMap<U> {
        ErrorMap {
            entries: self
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), v.map(f)))
                .collect(),
        }
    }

    /// The own messages of every key, without the nested ones (the flat view
    /// of older quarry versions).
    pub fn flat(&self) -> BTreeMap<String, Vec<T>>
    where
        T: Clone,
    {
        self.entries
            .iter()
            .filter_map(|(k, v)| match v {
                ErrorNode::Messages(m) => Some((k.clone(), m.clone())),
                _ => None,
            })
            .collect()
    }
}

impl<T> ErrorNode<T> {
    /// The same node with every error mapped through `f`.
    pub fn map<U>(&self, f: &mut impl FnMut(&T) -> U) -> ErrorNode<U> {
        match self {
            ErrorNode::Messages(m) => ErrorNode::Messages(m.iter().map(&mut *f).collect()),
            ErrorNode::One(m) => ErrorNode::One(m.map(f)),
            ErrorNode::Many(ms) => ErrorNode::Many(ms.iter().map(|m| m.map(f)).collect()),
        }
    }
}

impl<T> std::ops::Index<&str> for ErrorMap<T> {
    type Output = [T];
    /// The own messages of a key; an empty slice when there are none.
    fn index(&self, key: &str) -> &[T] {
        self.messages(key)
    }
}

impl<T: fmt::Debug> fmt::Debug for ErrorMap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter()).finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for ErrorNode<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorNode::Messages(m) => fmt::Debug::fmt(m, f),
            ErrorNode::One(m) => fmt::Debug::fmt(m, f),
            ErrorNode::Many(m) => fmt::Debug::fmt(m, f),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for ErrorMap<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter())
    }
}

impl<T: serde::Serialize> serde::Serialize for ErrorNode<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ErrorNode::Messages(m) => m.serialize(serializer),
            ErrorNode::One(m) => m.serialize(serializer),
            ErrorNode::Many(m) => m.serialize(serializer),
        }
    }
}

impl<T: Clone> From<&ErrorMap<T>> for BTreeMap<String, Vec<T>> {
    fn from(map: &ErrorMap<T>) -> Self {
        map.flat()
    }
}
