//! Validators. Each adds errors with Ecto's messages and metadata; all but
//! required, acceptance and confirmation look only at fields with a non-null change.

use super::{Changeset, FieldError};
use crate::column::{Column, FieldList};
use crate::field::FieldValue;
use crate::schema::Schema;
use crate::value::{Value, ValueType};
use regex::Regex;
use serde_json::Value as Json;
use std::cmp::Ordering;
use unicode_segmentation::UnicodeSegmentation;

/// How [`Length`] counts a string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LengthCount {
    /// Grapheme clusters (what a person calls characters). The default.
    #[default]
    Graphemes,
    /// Unicode code points.
    Codepoints,
    /// Bytes (messages then say "byte(s)").
    Bytes,
}

/// Options of [`Changeset::validate_length`].
///
/// ```
/// use quarry_core::Length;
/// let l = Length::new().min(3).max(20);
/// assert_eq!((l.min, l.max), (Some(3), Some(20)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Length {
    /// Exact length.
    pub is: Option<usize>,
    /// Minimum length.
    pub min: Option<usize>,
    /// Maximum length.
    pub max: Option<usize>,
    /// How strings are counted.
    pub count: LengthCount,
    /// A message replacing the default.
    pub message: Option<String>,
}

impl Length {
    /// No bounds yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Exactly `n`.
    pub fn is(mut self, n: usize) -> Self {
        self.is = Some(n);
        self
    }
    /// At least `n`.
    pub fn min(mut self, n: usize) -> Self {
        self.min = Some(n);
        self
    }
    /// At most `n`.
    pub fn max(mut self, n: usize) -> Self {
        self.max = Some(n);
        self
    }
    /// Count strings this way.
    pub fn count(mut self, count: LengthCount) -> Self {
        self.count = count;
        self
    }
    /// Use this message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// A number bound for [`Number`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// An integer bound.
    Int(i64),
    /// A float bound.
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
    fn to_json(self) -> Json {
        match self {
            Num::Int(i) => Json::from(i),
            Num::Float(f) => Json::from(f),
        }
    }
}

macro_rules! num_from {
    ($($t:ty => $v:ident),*) => {$(
        impl From<$t> for Num {
            fn from(v: $t) -> Self {
                Num::$v(v.into())
            }
        }
    )*};
}
num_from!(i16 => Int, i32 => Int, i64 => Int, f32 => Float, f64 => Float);

/// Options of [`Changeset::validate_number`]: one or more bounds.
///
/// ```
/// use quarry_core::Number;
/// let n = Number::new().greater_than(0).less_than_or_equal_to(100.5);
/// assert_eq!(n.checks.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Number {
    /// The bounds, checked in order; the first that fails gives the error.
    pub checks: Vec<(&'static str, Num)>,
    /// A message replacing the default.
    pub message: Option<String>,
}

impl Number {
    /// No bounds yet.
    pub fn new() -> Self {
        Self::default()
    }
    fn check(mut self, kind: &'static str, n: impl Into<Num>) -> Self {
        self.checks.push((kind, n.into()));
        self
    }
    /// Strictly less than `n`.
    pub fn less_than(self, n: impl Into<Num>) -> Self {
        self.check("less_than", n)
    }
    /// Strictly greater than `n`.
    pub fn greater_than(self, n: impl Into<Num>) -> Self {
        self.check("greater_than", n)
    }
    /// Less than or equal to `n`.
    pub fn less_than_or_equal_to(self, n: impl Into<Num>) -> Self {
        self.check("less_than_or_equal_to", n)
    }
    /// Greater than or equal to `n`.
    pub fn greater_than_or_equal_to(self, n: impl Into<Num>) -> Self {
        self.check("greater_than_or_equal_to", n)
    }
    /// Equal to `n`.
    pub fn equal_to(self, n: impl Into<Num>) -> Self {
        self.check("equal_to", n)
    }
    /// Not equal to `n`.
    pub fn not_equal_to(self, n: impl Into<Num>) -> Self {
        self.check("not_equal_to", n)
    }
    /// Use this message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// Field types [`Changeset::validate_length`] applies to: strings, bytes,
/// JSON arrays, arrays (`Vec<T>`, counted in elements, as Ecto counts a
/// list).
#[diagnostic::on_unimplemented(
    message = "a `{Self}` field has no length",
    label = "validate_length applies to String, Vec<u8>, serde_json::Value and Vec<T> array fields (or an Option of one)"
)]
pub trait HasLength: FieldValue {}
impl HasLength for String {}
impl HasLength for Option<String> {}
impl HasLength for Vec<u8> {}
impl HasLength for Option<Vec<u8>> {}
impl HasLength for serde_json::Value {}
impl HasLength for Option<serde_json::Value> {}
impl<T: crate::ArrayElement> HasLength for Vec<T> {}
impl<T: crate::ArrayElement> HasLength for Option<Vec<T>> {}

/// Numeric field types, for [`Changeset::validate_number`].
#[diagnostic::on_unimplemented(
    message = "a `{Self}` field is not a number",
    label = "this applies to integer and float fields (or an Option of one)"
)]
pub trait Numeric: FieldValue {}
macro_rules! numeric {
    ($($t:ty),*) => {$( impl Numeric for $t {} impl Numeric for Option<$t> {} )*};
}
numeric!(i16, i32, i64, f32, f64);

/// String field types, for [`Changeset::validate_format`].
#[diagnostic::on_unimplemented(
    message = "a `{Self}` field is not a string",
    label = "this applies to String fields (or Option<String>)"
)]
pub trait Text: FieldValue {}
impl Text for String {}
impl Text for Option<String> {}

/// List field types, for [`Changeset::validate_subset`]: JSON values and
/// arrays (`Vec<T>`, Ecto's `{:array, type}`).
pub trait JsonList: FieldValue {}
impl JsonList for serde_json::Value {}
impl JsonList for Option<serde_json::Value> {}
impl<T: crate::ArrayElement> JsonList for Vec<T> {}
impl<T: crate::ArrayElement> JsonList for Option<Vec<T>> {}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null(_) => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

impl<S: Schema> Changeset<S> {
    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|(f, _)| f == field)
    }

    /// The non-null change of field `index`.
    fn present_change(&self, index: usize) -> Option<&Value> {
        self.changes.get(&index).filter(|v| !v.is_null())
    }

    /// Requires `fields` to be present: the change, or the struct's value, must be
    /// neither NULL nor a blank string. Adds `"can't be blank"`
    /// (`validation: required`) and removes the field from `changes`; fields that
    /// already carry an error are skipped.
    pub fn validate_required(mut self, fields: impl FieldList<S>) -> Self {
        for index in fields.indices() {
            let name = crate::schema::field_def::<S>(index).name;
            if self.has_error(name) {
                continue;
            }
            if is_blank(&self.field_value(index)) {
                self.changes.remove(&index);
                self.errors.push((
                    name.to_string(),
                    FieldError::new("can't be blank").with("validation", "required"),
                ));
            }
        }
        self
    }

    /// Validates the length of a string (grapheme clusters by default), bytes, or
    /// a JSON array. At most one error per field, checked as is, min, max.
    pub fn validate_length<T: HasLength>(mut self, field: Column<S, T>, opts: Length) -> Self {
        let Some(value) = self.present_change(field.index()) else {
            return self;
        };
        let (len, ty) = match value {
            Value::String(s) => match opts.count {
                LengthCount::Graphemes => (s.graphemes(true).count(), "string"),
                LengthCount::Codepoints => (s.chars().count(), "string"),
                LengthCount::Bytes => (s.len(), "binary"),
            },
            Value::Bytes(b) => (b.len(), "binary"),
            Value::Json(Json::Array(a)) => (a.len(), "list"),
            Value::Array(_, a) => (a.len(), "list"),
            Value::Json(Json::String(s)) => (s.graphemes(true).count(), "string"),
            _ => return self,
        };
        let failed = [("is", opts.is), ("min", opts.min), ("max", opts.max)]
            .into_iter()
            .find_map(|(kind, bound)| {
                let n = bound?;
                let bad = match kind {
                    "is" => len != n,
                    "min" => len < n,
                    _ => len > n,
                };
                bad.then_some((kind, n))
            });
        if let Some((kind, count)) = failed {
            let message = opts.message.clone().unwrap_or_else(|| {
                let (verb, unit) = match ty {
                    "list" => ("have", "item(s)"),
                    "binary" => ("be", "byte(s)"),
                    _ => ("be", "character(s)"),
                };
                let rel = match kind {
                    "is" => "",
                    "min" => "at least ",
                    _ => "at most ",
                };
                format!("should {verb} {rel}%{{count}} {unit}")
            });
            self.errors.push((
                field.name().to_string(),
                FieldError::new(message)
                    .with("count", count)
                    .with("validation", "length")
                    .with("kind", kind)
                    .with("type", ty),
            ));
        }
        self
    }

    /// Validates a number against bounds; the first failing bound gives
    /// `"must be greater than %{number}"` and so on (`validation: number`, `kind`,
    /// `number`).
    pub fn validate_number<T: Numeric>(mut self, field: Column<S, T>, opts: Number) -> Self {
        let Some(change) = self.present_change(field.index()) else {
            return self;
        };
        let Some(v) = change.as_f64() else {
            return self;
        };
        let int = change.as_i64();
        for (kind, bound) in &opts.checks {
            // Integers are compared exactly: beyond 2^53 an f64 cannot tell them apart.
            let ord = match (int, bound) {
                (Some(i), Num::Int(b)) => Some(i.cmp(b)),
                _ => v.partial_cmp(&bound.as_f64()),
            };
            let ok = match (*kind, ord) {
                ("not_equal_to", ord) => ord != Some(Ordering::Equal),
                (_, None) => false,
                ("less_than", Some(o)) => o == Ordering::Less,
                ("greater_than", Some(o)) => o == Ordering::Greater,
                ("less_than_or_equal_to", Some(o)) => o != Ordering::Greater,
                ("greater_than_or_equal_to", Some(o)) => o != Ordering::Less,
                (_, Some(o)) => o == Ordering::Equal,
            };
            if !ok {
                let message = opts.message.clone().unwrap_or_else(|| {
                    let words = match *kind {
                        "less_than" => "less than",
                        "greater_than" => "greater than",
                        "less_than_or_equal_to" => "less than or equal to",
                        "greater_than_or_equal_to" => "greater than or equal to",
                        "equal_to" => "equal to",
                        _ => "not equal to",
                    };
                    format!("must be {words} %{{number}}")
                });
                self.errors.push((
                    field.name().to_string(),
                    FieldError::new(message)
                        .with("validation", "number")
                        .with("kind", *kind)
                        .with("number", bound.to_json()),
                ));
                break;
            }
        }
        self
    }

    /// Validates a string change against a regular expression (`"has invalid
    /// format"`, `validation: format`).
    pub fn validate_format<T: Text>(mut self, field: Column<S, T>, pattern: &Regex) -> Self {
        if let Some(Value::String(s)) = self.present_change(field.index()) {
            if !pattern.is_match(s) {
                self.errors.push((
                    field.name().to_string(),
                    FieldError::new("has invalid format").with("validation", "format"),
                ));
            }
        }
        self
    }

    /// Validates that the change is one of `values` (`"is invalid"`,
    /// `validation: inclusion`, `enum`).
    pub fn validate_inclusion<T: FieldValue>(
        self,
        field: Column<S, T>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.membership(field.index(), values, true)
    }

    /// Validates that the change is none of `values` (`"is reserved"`,
    /// `validation: exclusion`, `enum`).
    pub fn validate_exclusion<T: FieldValue>(
        self,
        field: Column<S, T>,
        values: impl IntoIterator<Item = T>,
    ) -> Self {
        self.membership(field.index(), values, false)
    }

    fn membership<T: FieldValue>(
        mut self,
        index: usize,
        values: impl IntoIterator<Item = T>,
        inclusion: bool,
    ) -> Self {
        let Some(change) = self.present_change(index).cloned() else {
            return self;
        };
        let allowed: Vec<Value> = values.into_iter().map(|v| v.to_value()).collect();
        let found = allowed.contains(&change);
        if found != inclusion {
            let (message, validation) = if inclusion {
                ("is invalid", "inclusion")
            } else {
                ("is reserved", "exclusion")
            };
            let list: Vec<Json> = allowed.iter().map(Value::to_json).collect();
            self.errors.push((
                crate::schema::field_def::<S>(index).name.to_string(),
                FieldError::new(message)
                    .with("validation", validation)
                    .with("enum", Json::Array(list)),
            ));
        }
        self
    }

    /// Validates that every element of a JSON array change, or of an array
    /// (`Vec<T>`) change, is in `values` (`"has an invalid entry"`,
    /// `validation: subset`, `enum`). An array's elements compare by their
    /// JSON form: strings, numbers, booleans; UUIDs, decimals and dates as
    /// strings.
    pub fn validate_subset<T: JsonList>(
        mut self,
        field: Column<S, T>,
        values: impl IntoIterator<Item = Json>,
    ) -> Self {
        let allowed: Vec<Json> = values.into_iter().collect();
        let invalid = match self.present_change(field.index()) {
            Some(Value::Json(Json::Array(items))) => items.iter().any(|i| !allowed.contains(i)),
            Some(Value::Array(_, items)) => items.iter().any(|i| !allowed.contains(&i.to_json())),
            _ => return self,
        };
        if invalid {
            self.errors.push((
                field.name().to_string(),
                FieldError::new("has an invalid entry")
                    .with("validation", "subset")
                    .with("enum", Json::Array(allowed)),
            ));
        }
        self
    }

    /// Validates that the param `field` was accepted (cast to `true`), as a terms of
    /// service checkbox: `"must be accepted"` (`validation: acceptance`). Reads the
    /// params, so it only applies to changesets built by cast.
    pub fn validate_acceptance(mut self, field: impl FieldList<S>) -> Self {
        let Some(params) = &self.params else {
            return self;
        };
        for index in field.indices() {
            let name = crate::schema::field_def::<S>(index).name;
            let accepted = params
                .get(name)
                .map(|raw| {
                    crate::cast::cast_value(ValueType::Bool, raw, false) == Ok(Value::Bool(true))
                })
                .unwrap_or(false);
            if !accepted {
                self.errors.push((
                    name.to_string(),
                    FieldError::new("must be accepted").with("validation", "acceptance"),
                ));
            }
        }
        self
    }

    /// Validates that the param `<field>_confirmation` equals the change of `field`:
    /// `"does not match confirmation"` on `<field>_confirmation`
    /// (`validation: confirmation`). With `required`, a missing confirmation is
    /// `"can't be blank"`.
    pub fn validate_confirmation<T: FieldValue>(
        mut self,
        field: Column<S, T>,
        required: bool,
    ) -> Self {
        let Some(change) = self.changes.get(&field.index()).cloned() else {
            return self;
        };
        let key = format!("{}_confirmation", field.name());
        let confirmation = self.params.as_ref().and_then(|p| p.get(&key)).cloned();
        match confirmation {
            None if required => self.errors.push((
                key,
                FieldError::new("can't be blank").with("validation", "required"),
            )),
            None => {}
            Some(raw) => {
                let same = S::cast_field(field.index(), &raw, field.def().trim)
                    .is_ok_and(|cast| S::field_equal(field.index(), &cast, &change));
                if !same {
                    self.errors.push((
                        key,
                        FieldError::new("does not match confirmation")
                            .with("validation", "confirmation"),
                    ));
                }
            }
        }
        self
    }

    /// Runs a custom validator on the non-null change of `field`; each returned
    /// error is added to the field.
    ///
    /// ```
    /// # use quarry_core::{Changeset, FieldError};
    /// # use quarry_core::doc_support::Product;
    /// let cs = Changeset::cast(Product::default(), serde_json::json!({"name": "spam"}), Product::name)
    ///     .validate_change(Product::name, |_, name: &String| {
    ///         if name.contains("spam") { vec![FieldError::new("is spam")] } else { vec![] }
    ///     });
    /// assert_eq!(cs.error_messages()["name"], vec!["is spam"]);
    /// ```
    pub fn validate_change<T: FieldValue>(
        mut self,
        field: Column<S, T>,
        validator: impl FnOnce(&'static str, &T) -> Vec<FieldError>,
    ) -> Self {
        let Some(value) = self.present_change(field.index()).cloned() else {
            return self;
        };
        if let Ok(v) = T::from_value(value) {
            for e in validator(field.name(), &v) {
                self.errors.push((field.name().to_string(), e));
            }
        }
        self
    }
}
