//! The schemas and helpers every topic shares.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use quarry::{Changeset, FieldError, Meta, Schema};
use serde_json::Value as Json;

/// Every field type, not nullable.
#[derive(quarry::Schema, Clone, Debug, PartialEq)]
#[quarry(table = "sinks")]
pub struct Sink {
    pub meta: Meta,
    pub id: i64,
    pub small: i16,
    pub medium: i32,
    pub big: i64,
    pub ratio: f32,
    pub price: f64,
    pub active: bool,
    pub name: String,
    pub blob: Vec<u8>,
    pub day: NaiveDate,
    pub seen_at: NaiveDateTime,
    pub synced_at: DateTime<Utc>,
    pub doc: serde_json::Value,
}

/// Every field type, nullable: a default `Loose` holds NULL everywhere (but `id`).
#[derive(quarry::Schema, Clone, Debug, PartialEq)]
#[quarry(table = "loose")]
pub struct Loose {
    pub meta: Meta,
    pub id: i64,
    pub small: Option<i16>,
    pub medium: Option<i32>,
    pub big: Option<i64>,
    pub ratio: Option<f32>,
    pub price: Option<f64>,
    pub active: Option<bool>,
    pub name: Option<String>,
    pub blob: Option<Vec<u8>>,
    pub day: Option<NaiveDate>,
    pub seen_at: Option<NaiveDateTime>,
    pub synced_at: Option<DateTime<Utc>>,
    pub doc: Option<serde_json::Value>,
}

/// The field names `Sink` and `Loose` share (all but `id`).
pub const TYPED_FIELDS: &[&str] = &[
    "small",
    "medium",
    "big",
    "ratio",
    "price",
    "active",
    "name",
    "blob",
    "day",
    "seen_at",
    "synced_at",
    "doc",
];

/// A schema for the validators and constraints.
#[derive(quarry::Schema, Clone, Debug, PartialEq)]
#[quarry(table = "accounts")]
pub struct Account {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    #[quarry(column = "nick_name")]
    pub nickname: Option<String>,
    pub age: i32,
    pub score: f64,
    pub role: String,
    pub tags: serde_json::Value,
    pub avatar: Vec<u8>,
    pub password: Option<String>,
    pub org_id: Option<i64>,
    #[quarry(virtual)]
    pub terms: bool,
}

pub const ACCOUNT_FIELDS: &[&str] = &[
    "name", "email", "nickname", "age", "score", "role", "tags", "avatar", "password", "org_id",
    "terms",
];

/// Casts `params` into a default account, every field permitted.
pub fn account(params: Json) -> Changeset<Account> {
    account_from(Account::default(), params)
}

/// Casts `params` into `data`, every field permitted.
pub fn account_from(data: Account, params: Json) -> Changeset<Account> {
    Changeset::cast_names(data, params, ACCOUNT_FIELDS).expect("known fields")
}

pub fn owned(errors: &[(String, FieldError)]) -> Vec<(String, FieldError)> {
    errors.to_vec()
}

pub fn on(field: &str, e: FieldError) -> (String, FieldError) {
    (field.to_string(), e)
}

pub fn cast_error(ty: &str) -> FieldError {
    FieldError::new("is invalid")
        .with("type", ty)
        .with("validation", "cast")
}

pub fn blank() -> FieldError {
    FieldError::new("can't be blank").with("validation", "required")
}

pub fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .expect("valid datetime")
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&dt(y, mo, d, h, mi, s))
}

pub fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).expect("valid date")
}

/// Asserts that `cs` has exactly one error: on `field`, with this template,
/// rendered message and metadata (in order).
pub fn expect_one<S: Schema>(
    cs: &Changeset<S>,
    field: &str,
    template: &str,
    rendered: &str,
    meta: &[(&str, Json)],
) {
    let mut expected = FieldError::new(template);
    for (k, v) in meta {
        expected = expected.with(*k, v.clone());
    }
    assert_eq!(
        owned(cs.errors()),
        vec![on(field, expected)],
        "errors of {cs:?}"
    );
    assert_eq!(cs.errors()[0].1.render(), rendered);
    assert_eq!(cs.error_messages()[field], vec![rendered.to_string()]);
}
