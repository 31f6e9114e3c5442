//! One changeset error: a message template and its metadata.

use crate::error_map::ErrorMap;
use serde_json::Value as Json;
use std::fmt;

/// A changeset error: the message template (with `%{key}` placeholders, as Ecto
/// keeps it for translation) and its metadata.
///
/// ```
/// use quarry_core::FieldError;
/// let e = FieldError::new("should be at least %{count} character(s)")
///     .with("count", 3)
///     .with("validation", "length");
/// assert_eq!(e.render(), "should be at least 3 character(s)");
/// assert_eq!(e.meta("validation"), Some(&serde_json::json!("length")));
/// ```
#[derive(Clone, PartialEq, serde::Serialize)]
pub struct FieldError {
    /// The message template.
    pub message: String,
    /// The metadata, in the order it was added.
    pub metadata: Vec<(String, Json)>,
}

impl FieldError {
    /// An error with no metadata.
    pub fn new(message: impl Into<String>) -> Self {
        FieldError {
            message: message.into(),
            metadata: Vec::new(),
        }
    }

    /// Adds one metadata entry.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Json>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    /// The metadata value under `key`.
    pub fn meta(&self, key: &str) -> Option<&Json> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The message with `%{key}` replaced by the metadata values.
    pub fn render(&self) -> String {
        let mut out = self.message.clone();
        for (key, value) in &self.metadata {
            let placeholder = format!("%{{{key}}}");
            if out.contains(&placeholder) {
                let text = match value {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out = out.replace(&placeholder, &text);
            }
        }
        out
    }
}

impl fmt::Debug for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{:?}, [", self.message)?;
        for (i, (k, v)) in self.metadata.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k}: {v}")?;
        }
        f.write_str("]}")
    }
}

/// Groups a flat list of errors by field and maps each through `f` (Ecto's
/// `traverse_errors` for a changeset without nested changesets).
pub fn traverse_errors<T>(
    errors: &[(String, FieldError)],
    mut f: impl FnMut(&FieldError) -> T,
) -> ErrorMap<T> {
    let mut out = ErrorMap::new();
    for (field, e) in errors {
        out.push(field.clone(), f(e));
    }
    out
}
