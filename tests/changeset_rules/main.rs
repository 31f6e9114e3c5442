//! The changeset rules of `shared/reference/ecto-semantics.md` (section
//! "Changeset"), checked through the `quarry` facade: casting for every field
//! type, every validator's message template, rendered message and metadata,
//! change helpers, constraint declarations, and property tests that casting
//! arbitrary JSON never panics and only ever reports typed cast errors.
//!
//! Tables are kept one case per line (`#[rustfmt::skip]`).
//!
//! One test binary, a module per topic: `cast`, `validators`, `changes`
//! (change helpers), `constraints`, `properties`; the schemas and helpers they
//! share are below.

mod cast;
mod changes;
mod constraints;
mod properties;
mod validators;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use quarry::changeset::FieldError;
use quarry::schema::{Decimal, Uuid};
use quarry::{Changeset, Meta, Schema};
use serde_json::Value as Json;

/// Every field type, not nullable.
#[derive(quarry::Schema, Clone, Debug, PartialEq)]
#[quarry(table = "sinks")]
struct Sink {
    meta: Meta,
    id: i64,
    small: i16,
    medium: i32,
    big: i64,
    ratio: f32,
    price: f64,
    active: bool,
    name: String,
    blob: Vec<u8>,
    day: NaiveDate,
    seen_at: NaiveDateTime,
    synced_at: DateTime<Utc>,
    doc: serde_json::Value,
    key: Uuid,
    amount: Decimal,
    opens: NaiveTime,
    level: Level,
    tags: Vec<String>,
    scores: Vec<i64>,
    amounts: Vec<Decimal>,
}

/// An enum field, stored as its string form.
#[derive(quarry::Enum, Clone, Copy, Debug, PartialEq)]
enum Level {
    Low,
    InBetween,
    #[quarry(rename = "top")]
    High,
}

/// Every field type, nullable: a default `Loose` holds NULL everywhere (but `id`).
#[derive(quarry::Schema, Clone, Debug, PartialEq)]
#[quarry(table = "loose")]
struct Loose {
    meta: Meta,
    id: i64,
    small: Option<i16>,
    medium: Option<i32>,
    big: Option<i64>,
    ratio: Option<f32>,
    price: Option<f64>,
    active: Option<bool>,
    name: Option<String>,
    blob: Option<Vec<u8>>,
    day: Option<NaiveDate>,
    seen_at: Option<NaiveDateTime>,
    synced_at: Option<DateTime<Utc>>,
    doc: Option<serde_json::Value>,
    key: Option<Uuid>,
    amount: Option<Decimal>,
    opens: Option<NaiveTime>,
    level: Option<Level>,
    tags: Option<Vec<String>>,
    scores: Option<Vec<i64>>,
    amounts: Option<Vec<Decimal>>,
}

/// The field names `Sink` and `Loose` share (all but `id`).
const TYPED_FIELDS: &[&str] = &[
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
    "key",
    "amount",
    "opens",
    "level",
    "tags",
    "scores",
    "amounts",
];

/// A schema for the validators and constraints.
#[derive(quarry::Schema, Clone, Debug, PartialEq)]
#[quarry(table = "accounts")]
struct Account {
    meta: Meta,
    id: i64,
    name: String,
    email: Option<String>,
    #[quarry(column = "nick_name")]
    nickname: Option<String>,
    age: i32,
    score: f64,
    role: String,
    tags: serde_json::Value,
    avatar: Vec<u8>,
    password: Option<String>,
    org_id: Option<i64>,
    #[quarry(virtual)]
    terms: bool,
}

const ACCOUNT_FIELDS: &[&str] = &[
    "name", "email", "nickname", "age", "score", "role", "tags", "avatar", "password", "org_id",
    "terms",
];

/// Casts `params` into a default account, every field permitted.
fn account(params: Json) -> Changeset<Account> {
    account_from(Account::default(), params)
}

/// Casts `params` into `data`, every field permitted.
fn account_from(data: Account, params: Json) -> Changeset<Account> {
    Changeset::cast_names(data, params, ACCOUNT_FIELDS).expect("known fields")
}

fn owned(errors: &[(String, FieldError)]) -> Vec<(String, FieldError)> {
    errors.to_vec()
}

fn on(field: &str, e: FieldError) -> (String, FieldError) {
    (field.to_string(), e)
}

fn cast_error(ty: &str) -> FieldError {
    FieldError::new("is invalid")
        .with("type", ty)
        .with("validation", "cast")
}

fn blank() -> FieldError {
    FieldError::new("can't be blank").with("validation", "required")
}

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .expect("valid datetime")
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&dt(y, mo, d, h, mi, s))
}

fn date(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).expect("valid date")
}

/// Asserts that `cs` has exactly one error: on `field`, with this template,
/// rendered message and metadata (in order).
fn expect_one<S: Schema>(
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
