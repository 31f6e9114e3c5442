//! [`FieldType`]: a field type of an application's own, in the spirit of
//! `Ecto.Type`, and the built-in types written with it (`Uuid`, `Decimal`,
//! `NaiveTime`).

use crate::cast::CastError;
use crate::field::{FieldValue, ScalarValue};
use crate::value::{Value, ValueError, ValueType};
use chrono::NaiveTime;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A field type: how a Rust type is stored (one of quarry's storage types),
/// cast from params, loaded from and dumped to the database, and compared.
/// The counterpart of Ecto's `Ecto.Type` behaviour (`type`, `cast`, `load`,
/// `dump`, `equal?`).
///
/// Implement it for a type of your own and the type can be a schema field
/// (and `Option` of it), is cast by changesets, bound and decoded by every
/// adapter through its storage type, and compared with typed conditions
/// (`Account::email.eq(Email::parse(..))`). `#[derive(Enum)]` implements it
/// for enums; quarry's `Uuid`, `Decimal` and `NaiveTime` fields are written
/// with it too.
///
/// A value `dump` returns must be of type [`STORAGE`](FieldType::STORAGE);
/// `load` receives one of that type (the adapters convert what the column
/// holds to it) and returns an error for a value the type does not accept,
/// which reading a row reports as [`Error::Decode`](crate::Error::Decode)
/// naming the column. `cast` never sees NULL or a blank string (those cast to
/// NULL before it is called).
///
/// ```
/// use quarry_core::{CastError, FieldType, FieldValue, Value, ValueError, ValueType};
///
/// /// An email address, stored as text, compared without case.
/// #[derive(Clone, Debug, Default, PartialEq)]
/// struct Email(String);
///
/// impl FieldType for Email {
///     const STORAGE: ValueType = ValueType::String;
///     const NAME: &'static str = "email";
///     fn cast(param: &serde_json::Value) -> Result<Self, CastError> {
///         match param.as_str() {
///             Some(s) if s.contains('@') => Ok(Email(s.to_string())),
///             Some(_) => Err(CastError::new("is not an email")),
///             None => Err(CastError::invalid()),
///         }
///     }
///     fn load(value: Value) -> Result<Self, ValueError> {
///         match value {
///             Value::String(s) => Ok(Email(s)),
///             other => Err(ValueError { expected: ValueType::String, found: other.value_type().to_string() }),
///         }
///     }
///     fn dump(&self) -> Value {
///         Value::String(self.0.clone())
///     }
///     fn equal(&self, other: &Self) -> bool {
///         self.0.eq_ignore_ascii_case(&other.0)
///     }
/// }
///
/// assert_eq!(Email::cast_param(&"a@b.c".into(), false), Ok(Value::String("a@b.c".into())));
/// assert_eq!(Email::cast_param(&"".into(), false), Ok(Value::Null(ValueType::String)));
/// assert!(Email::cast_param(&"nope".into(), false).is_err());
/// assert!(Email::equal_values(&"A@B.C".into(), &"a@b.c".into()));
/// ```
pub trait FieldType: Sized + Clone + Default + Send + Sync + 'static {
    /// The storage type: what the database holds and what the adapters bind
    /// and decode (Ecto's `type/0`).
    const STORAGE: ValueType;
    /// The name in a cast error's `type` metadata.
    const NAME: &'static str = Self::STORAGE.name();

    /// Casts a param (never NULL or blank). The default casts it by the
    /// storage type's rules, then loads the value.
    fn cast(param: &serde_json::Value) -> Result<Self, CastError> {
        let value = crate::cast::cast_value(Self::STORAGE, param, false)
            .map_err(|()| CastError::invalid())?;
        if value.is_null() {
            return Err(CastError::invalid());
        }
        Self::load(value).map_err(|_| CastError::invalid())
    }

    /// Converts a value of the storage type read from the database (never NULL).
    fn load(value: Value) -> Result<Self, ValueError>;

    /// Converts to the value bound for the database (of the storage type).
    fn dump(&self) -> Value;

    /// [`dump`](FieldType::dump), consuming `self` (no copy where the value
    /// owns its data).
    fn into_dump(self) -> Value {
        self.dump()
    }

    /// Whether two values are the same: a cast value equal to the struct's is
    /// not a change. The default compares the dumped values.
    fn equal(&self, other: &Self) -> bool {
        self.dump() == other.dump()
    }
}

impl<T: FieldType> FieldValue for T {
    const TYPE: ValueType = T::STORAGE;
    const TYPE_NAME: &'static str = T::NAME;
    fn to_value(&self) -> Value {
        self.dump()
    }
    fn into_value(self) -> Value {
        self.into_dump()
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        if value.is_null() {
            return Err(ValueError {
                expected: T::STORAGE,
                found: "NULL".to_string(),
            });
        }
        T::load(value)
    }
    fn cast_param(param: &serde_json::Value, trim: bool) -> Result<Value, CastError> {
        match crate::cast::present(param, trim) {
            None => Ok(Value::Null(T::STORAGE)),
            Some(param) => T::cast(&param).map(T::into_dump),
        }
    }
    fn equal_values(a: &Value, b: &Value) -> bool {
        match (a.is_null(), b.is_null()) {
            (true, true) => true,
            (false, false) => match (T::load(a.clone()), T::load(b.clone())) {
                (Ok(a), Ok(b)) => a.equal(&b),
                _ => a == b,
            },
            _ => false,
        }
    }
}

impl<T: FieldType> ScalarValue for T {}

fn unexpected(expected: ValueType, found: &Value) -> ValueError {
    ValueError {
        expected,
        found: found.value_type().to_string(),
    }
}

/// `uuid::Uuid`: `uuid` on Postgres, `BINARY(16)` on MySQL/MariaDB, `TEXT`
/// (hyphenated, lower case) on SQLite. Loads from a UUID, its text forms or
/// its 16 bytes; casts from the hyphenated form.
impl FieldType for Uuid {
    const STORAGE: ValueType = ValueType::Uuid;
    fn load(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Uuid(u) => Ok(u),
            Value::String(s) => Uuid::try_parse(&s).map_err(|_| ValueError {
                expected: ValueType::Uuid,
                found: format!("{s:?}, not a UUID"),
            }),
            Value::Bytes(b) => Uuid::from_slice(&b).map_err(|_| ValueError {
                expected: ValueType::Uuid,
                found: format!("{} bytes, not the 16 of a UUID", b.len()),
            }),
            other => Err(unexpected(ValueType::Uuid, &other)),
        }
    }
    fn dump(&self) -> Value {
        Value::Uuid(*self)
    }
}

/// `rust_decimal::Decimal`, exact on every database: `numeric` on Postgres,
/// `DECIMAL(p,s)` on MySQL/MariaDB, `TEXT` on SQLite. Loads from a decimal,
/// its text, an integer, or a float (by its shortest form).
impl FieldType for Decimal {
    const STORAGE: ValueType = ValueType::Decimal;
    fn load(value: Value) -> Result<Self, ValueError> {
        let not_decimal = |found: String| ValueError {
            expected: ValueType::Decimal,
            found,
        };
        match value {
            Value::Decimal(d) => Ok(d),
            Value::String(s) => crate::cast::parse_decimal(&s)
                .map_err(|()| not_decimal(format!("{s:?}, not a decimal"))),
            Value::I16(i) => Ok(Decimal::from(i)),
            Value::I32(i) => Ok(Decimal::from(i)),
            Value::I64(i) => Ok(Decimal::from(i)),
            Value::F32(f) => crate::cast::decimal_of_float(f64::from(f))
                .map_err(|()| not_decimal(format!("the float {f}, out of a decimal's range"))),
            Value::F64(f) => crate::cast::decimal_of_float(f)
                .map_err(|()| not_decimal(format!("the float {f}, out of a decimal's range"))),
            other => Err(unexpected(ValueType::Decimal, &other)),
        }
    }
    fn dump(&self) -> Value {
        Value::Decimal(*self)
    }
}

/// `chrono::NaiveTime`: `time` on Postgres and MySQL/MariaDB, `TEXT`
/// (`HH:MM:SS[.ffffff]`) on SQLite.
impl FieldType for NaiveTime {
    const STORAGE: ValueType = ValueType::Time;
    fn load(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Time(t) => Ok(t),
            Value::String(s) => crate::cast::parse_time(&s).map_err(|()| ValueError {
                expected: ValueType::Time,
                found: format!("{s:?}, not a time of day"),
            }),
            other => Err(unexpected(ValueType::Time, &other)),
        }
    }
    fn dump(&self) -> Value {
        Value::Time(*self)
    }
}

/// Any serde type as a field, stored as a JSON document (`jsonb` on
/// Postgres, `json` on MySQL/MariaDB, `TEXT` on SQLite; migration type
/// `Type::Map`): typed JSON, where a `serde_json::Value` field is untyped.
///
/// Params cast through `T`'s `Deserialize` (a document of another shape is
/// `"is invalid"`, `type: "map"`); a stored document `T` cannot read is
/// [`Error::Decode`](crate::Error::Decode) naming the column. A value whose
/// `Serialize` fails (a map with keys that are not strings) dumps as NULL.
///
/// ```
/// use quarry_core::field_type::Json;
/// use quarry_core::{FieldValue, Value};
///
/// #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Prefs {
///     theme: String,
///     tags: Vec<String>,
/// }
///
/// let param = serde_json::json!({"theme": "dark", "tags": ["a"]});
/// let cast = Json::<Prefs>::cast_param(&param, false).unwrap();
/// assert_eq!(cast, Value::Json(param));
/// let prefs = Json::<Prefs>::from_value(cast).unwrap();
/// assert_eq!(prefs.theme, "dark");
/// assert!(Json::<Prefs>::cast_param(&serde_json::json!({"theme": 7}), false).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> FieldType for Json<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Default + Send + Sync + 'static,
{
    const STORAGE: ValueType = ValueType::Json;
    fn cast(param: &serde_json::Value) -> Result<Self, CastError> {
        T::deserialize(param)
            .map(Json)
            .map_err(|_| CastError::invalid())
    }
    fn load(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Json(j) => serde_json::from_value(j).map(Json).map_err(|e| ValueError {
                expected: ValueType::Json,
                found: format!("JSON that is not a {} ({e})", std::any::type_name::<T>()),
            }),
            other => Err(unexpected(ValueType::Json, &other)),
        }
    }
    fn dump(&self) -> Value {
        serde_json::to_value(&self.0).map_or(Value::Null(ValueType::Json), Value::Json)
    }
}
