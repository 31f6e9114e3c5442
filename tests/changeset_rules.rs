//! The changeset rules of `shared/reference/ecto-semantics.md` (section
//! "Changeset"), checked through the `quarry` facade: casting for every field
//! type, every validator's message template, rendered message and metadata,
//! change helpers, constraint declarations, and property tests that casting
//! arbitrary JSON never panics and only ever reports typed cast errors.
//!
//! Tables are kept one case per line (`#[rustfmt::skip]`).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use proptest::prelude::*;
use quarry::{
    Action, Changeset, ConstraintKind, ConstraintOptions, ConstraintViolation, Error, Field,
    FieldError, Length, LengthCount, Meta, NameMatch, Number, Params, Regex, Schema, Value,
    ValueType,
};
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------
// Schemas and helpers
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// 1. Casting
// ---------------------------------------------------------------------------

/// What casting one value is expected to do.
#[derive(Debug)]
enum Expect {
    /// The field gets this change.
    Change(Value),
    /// The field gets no change and no error.
    Unchanged,
    /// `"is invalid"` with this Ecto `type` and `validation: cast`; no change.
    Invalid(&'static str),
}
use Expect::{Change, Invalid, Unchanged};

/// Casts each row's value alone into `data` and checks the outcome.
fn check_cast_table<S: Schema + std::fmt::Debug>(data: S, rows: Vec<(&str, Json, Expect)>) {
    for (field, input, expect) in rows {
        let params = json!({ field: input.clone() });
        let cs = Changeset::cast_names(data.clone(), params, &[field]).expect("known field");
        let f = Field::<S>::named(field).expect("known field");
        let ctx = format!("casting {input} into {}.{field}", S::NAME);
        match expect {
            Change(v) => {
                assert!(cs.is_valid(), "{ctx}: unexpected errors {:?}", cs.errors());
                let got = cs
                    .get_change_value(f)
                    .unwrap_or_else(|| panic!("{ctx}: no change"));
                assert_eq!(got, &v, "{ctx}");
                // NULL equals any NULL; make sure the type matches too.
                assert_eq!(got.value_type(), v.value_type(), "{ctx}: value type");
                assert_eq!(got.to_string(), v.to_string(), "{ctx}: display");
                assert_eq!(cs.changes().len(), 1, "{ctx}");
            }
            Unchanged => {
                assert!(cs.is_valid(), "{ctx}: unexpected errors {:?}", cs.errors());
                assert!(
                    cs.changes().is_empty(),
                    "{ctx}: unexpected changes {:?}",
                    cs.changes()
                );
            }
            Invalid(ty) => {
                assert!(!cs.is_valid(), "{ctx}: expected an error");
                assert_eq!(owned(cs.errors()), vec![on(field, cast_error(ty))], "{ctx}");
                assert_eq!(cs.errors()[0].1.render(), "is invalid", "{ctx}");
                assert!(
                    cs.changes().is_empty(),
                    "{ctx}: a failed cast must not be a change"
                );
            }
        }
    }
}

#[test]
#[rustfmt::skip]
fn cast_integer_rules() {
    check_cast_table(Loose::default(), vec![
        ("big", json!(13), Change(Value::I64(13))),
        ("big", json!(-13), Change(Value::I64(-13))),
        ("big", json!("13"), Change(Value::I64(13))),
        ("big", json!("-7"), Change(Value::I64(-7))),
        ("big", json!(" 13 "), Change(Value::I64(13))),
        ("big", json!("\t13\n"), Change(Value::I64(13))),
        ("big", json!(i64::MAX), Change(Value::I64(i64::MAX))),
        ("big", json!(i64::MIN.to_string()), Change(Value::I64(i64::MIN))),
        ("big", json!("13.5"), Invalid("integer")),
        ("big", json!("1a"), Invalid("integer")),
        ("big", json!("1 3"), Invalid("integer")),
        ("big", json!("0x10"), Invalid("integer")),
        ("big", json!(13.5), Invalid("integer")),
        ("big", json!(13.0), Invalid("integer")),
        ("big", json!(true), Invalid("integer")),
        ("big", json!([13]), Invalid("integer")),
        ("big", json!({"value": 13}), Invalid("integer")),
        ("big", json!(u64::MAX), Invalid("integer")),
        ("big", json!("9223372036854775808"), Invalid("integer")),
        ("big", json!(null), Unchanged),
        ("big", json!(""), Unchanged),
        ("big", json!("   "), Unchanged),
        // i16 range
        ("small", json!(32767), Change(Value::I16(i16::MAX))),
        ("small", json!(-32768), Change(Value::I16(i16::MIN))),
        ("small", json!("-32768"), Change(Value::I16(i16::MIN))),
        ("small", json!(" 12 "), Change(Value::I16(12))),
        ("small", json!(32768), Invalid("integer")),
        ("small", json!(-32769), Invalid("integer")),
        ("small", json!("32768"), Invalid("integer")),
        ("small", json!("-32769"), Invalid("integer")),
        ("small", json!("1.0"), Invalid("integer")),
        // i32 range
        ("medium", json!(2_147_483_647), Change(Value::I32(i32::MAX))),
        ("medium", json!("-2147483648"), Change(Value::I32(i32::MIN))),
        ("medium", json!(" 42\n"), Change(Value::I32(42))),
        ("medium", json!(2_147_483_648i64), Invalid("integer")),
        ("medium", json!("-2147483649"), Invalid("integer")),
        ("medium", json!(false), Invalid("integer")),
    ]);
}

#[test]
#[rustfmt::skip]
fn cast_float_rules() {
    check_cast_table(Loose::default(), vec![
        ("price", json!(2.5), Change(Value::F64(2.5))),
        ("price", json!(2), Change(Value::F64(2.0))),
        ("price", json!(-3), Change(Value::F64(-3.0))),
        ("price", json!("2.5"), Change(Value::F64(2.5))),
        ("price", json!("100"), Change(Value::F64(100.0))),
        ("price", json!(" 2.5 "), Change(Value::F64(2.5))),
        ("price", json!("-0.125"), Change(Value::F64(-0.125))),
        ("price", json!("1e3"), Change(Value::F64(1000.0))),
        ("price", json!("2.5x"), Invalid("float")),
        ("price", json!("abc"), Invalid("float")),
        ("price", json!("1,5"), Invalid("float")),
        ("price", json!("NaN"), Invalid("float")),
        ("price", json!("inf"), Invalid("float")),
        ("price", json!("-Infinity"), Invalid("float")),
        ("price", json!("1e400"), Invalid("float")),
        ("price", json!(true), Invalid("float")),
        ("price", json!([2.5]), Invalid("float")),
        ("price", json!({"amount": 2.5}), Invalid("float")),
        ("price", json!(null), Unchanged),
        ("price", json!(""), Unchanged),
        // f32
        ("ratio", json!(1.5), Change(Value::F32(1.5))),
        ("ratio", json!(3), Change(Value::F32(3.0))),
        ("ratio", json!("0.25"), Change(Value::F32(0.25))),
        ("ratio", json!("x"), Invalid("float")),
        // Beyond f32's range: not a number the field can hold.
        ("ratio", json!(1e300), Invalid("float")),
        ("ratio", json!("-1e300"), Invalid("float")),
    ]);
}

#[test]
#[rustfmt::skip]
fn cast_boolean_rules() {
    check_cast_table(Loose::default(), vec![
        ("active", json!(true), Change(Value::Bool(true))),
        ("active", json!(false), Change(Value::Bool(false))),
        ("active", json!("true"), Change(Value::Bool(true))),
        ("active", json!("false"), Change(Value::Bool(false))),
        ("active", json!("1"), Change(Value::Bool(true))),
        ("active", json!("0"), Change(Value::Bool(false))),
        ("active", json!(" true "), Change(Value::Bool(true))),
        ("active", json!("yes"), Invalid("boolean")),
        ("active", json!("on"), Invalid("boolean")),
        ("active", json!("2"), Invalid("boolean")),
        ("active", json!("TRUE"), Invalid("boolean")),
        ("active", json!(1), Invalid("boolean")),
        ("active", json!(0), Invalid("boolean")),
        ("active", json!([true]), Invalid("boolean")),
        ("active", json!(null), Unchanged),
        ("active", json!(""), Unchanged),
    ]);
}

#[test]
#[rustfmt::skip]
fn cast_string_rules() {
    let s = |v: &str| Change(Value::String(v.to_string()));
    check_cast_table(Loose::default(), vec![
        ("name", json!("Tulip"), s("Tulip")),
        ("name", json!("  Tulip \n"), s("Tulip")),
        ("name", json!("\t a  b \r\n"), s("a  b")),
        ("name", json!("\u{e9}\u{1F468}\u{200D}\u{1F469}"), s("\u{e9}\u{1F468}\u{200D}\u{1F469}")),
        ("name", json!(""), Unchanged),
        ("name", json!("   \n\t"), Unchanged),
        ("name", json!(null), Unchanged),
        ("name", json!(1), Invalid("string")),
        ("name", json!(1.5), Invalid("string")),
        ("name", json!(true), Invalid("string")),
        ("name", json!(["a"]), Invalid("string")),
        ("name", json!({"a": "b"}), Invalid("string")),
    ]);
}

#[test]
#[rustfmt::skip]
fn cast_binary_rules() {
    let b = |v: &[u8]| Change(Value::Bytes(v.to_vec()));
    check_cast_table(Loose::default(), vec![
        ("blob", json!("abc"), b(b"abc")),
        // Binary is not trimmed.
        ("blob", json!(" a "), b(b" a ")),
        ("blob", json!("a\n"), b(b"a\n")),
        ("blob", json!(""), Unchanged),
        ("blob", json!(null), Unchanged),
        ("blob", json!(1), Invalid("binary")),
        ("blob", json!([1, 2]), Invalid("binary")),
        ("blob", json!(false), Invalid("binary")),
    ]);
}

#[test]
#[rustfmt::skip]
fn cast_date_and_datetime_rules() {
    let naive = |h, mi, s| Change(Value::DateTime(dt(2023, 4, 17, h, mi, s)));
    let at_utc = |h, mi, s| Change(Value::DateTimeUtc(utc(2023, 4, 17, h, mi, s)));
    check_cast_table(Loose::default(), vec![
        ("day", json!("2023-04-17"), Change(Value::Date(date(2023, 4, 17)))),
        ("day", json!(" 2023-04-17 "), Change(Value::Date(date(2023, 4, 17)))),
        ("day", json!("2024-02-29"), Change(Value::Date(date(2024, 2, 29)))),
        ("day", json!("2023-02-29"), Invalid("date")),
        ("day", json!("2023-02-30"), Invalid("date")),
        ("day", json!("2023-13-01"), Invalid("date")),
        ("day", json!("17/04/2023"), Invalid("date")),
        ("day", json!("today"), Invalid("date")),
        ("day", json!(20230417), Invalid("date")),
        ("day", json!(""), Unchanged),
        // naive datetime
        ("seen_at", json!("2023-04-17T01:47:01"), naive(1, 47, 1)),
        ("seen_at", json!("2023-04-17 01:47:01"), naive(1, 47, 1)),
        ("seen_at", json!(" 2023-04-17T01:47:01 "), naive(1, 47, 1)),
        // Second precision: the fraction is dropped.
        ("seen_at", json!("2023-04-17T01:47:01.987654"), naive(1, 47, 1)),
        // An offset is ignored for a naive datetime.
        ("seen_at", json!("2023-04-17T01:47:01Z"), naive(1, 47, 1)),
        ("seen_at", json!("2023-04-17T03:47:01+02:00"), naive(3, 47, 1)),
        ("seen_at", json!("2023-04-17"), Invalid("naive_datetime")),
        ("seen_at", json!("2023-04-17T25:00:00"), Invalid("naive_datetime")),
        ("seen_at", json!("2023-02-30T01:00:00"), Invalid("naive_datetime")),
        ("seen_at", json!("yesterday"), Invalid("naive_datetime")),
        ("seen_at", json!(1_681_696_021), Invalid("naive_datetime")),
        ("seen_at", json!(null), Unchanged),
        // utc datetime: converted to UTC, second precision
        ("synced_at", json!("2023-04-17T01:47:01Z"), at_utc(1, 47, 1)),
        ("synced_at", json!("2023-04-17T03:47:01+02:00"), at_utc(1, 47, 1)),
        ("synced_at", json!("2023-04-17 03:47:01+02:00"), at_utc(1, 47, 1)),
        ("synced_at", json!("2023-04-16T22:47:01-03:00"), at_utc(1, 47, 1)),
        ("synced_at", json!("2023-04-17T01:47:01.5Z"), at_utc(1, 47, 1)),
        // No offset: read as UTC.
        ("synced_at", json!("2023-04-17T01:47:01"), at_utc(1, 47, 1)),
        ("synced_at", json!("2023-04-17"), Invalid("utc_datetime")),
        ("synced_at", json!("noon"), Invalid("utc_datetime")),
        ("synced_at", json!(0), Invalid("utc_datetime")),
        ("synced_at", json!(true), Invalid("utc_datetime")),
        ("synced_at", json!(""), Unchanged),
    ]);
}

#[test]
#[rustfmt::skip]
fn cast_json_rules() {
    let j = |v: Json| Change(Value::Json(v));
    check_cast_table(Loose::default(), vec![
        ("doc", json!({"a": [1, 2]}), j(json!({"a": [1, 2]}))),
        ("doc", json!([1, "x", null]), j(json!([1, "x", null]))),
        ("doc", json!(1.5), j(json!(1.5))),
        ("doc", json!(7), j(json!(7))),
        ("doc", json!(false), j(json!(false))),
        ("doc", json!("text"), j(json!("text"))),
        ("doc", json!(" text "), j(json!("text"))),
        ("doc", json!({}), j(json!({}))),
        ("doc", json!(""), Unchanged),
        ("doc", json!(null), Unchanged),
    ]);
}

/// A `Sink` whose every field holds a non-default value.
fn full_sink() -> Sink {
    Sink {
        small: 1,
        medium: 2,
        big: 13,
        ratio: 0.5,
        price: 2.5,
        active: true,
        name: "Tulip".into(),
        blob: b" x ".to_vec(),
        day: date(2023, 4, 17),
        seen_at: dt(2023, 4, 17, 1, 47, 1),
        synced_at: utc(2023, 4, 17, 1, 47, 1),
        doc: json!({"a": [1, 2]}),
        ..Sink::default()
    }
}

#[test]
fn cast_null_and_empty_string_on_non_nullable_fields_are_null_changes() {
    for field in TYPED_FIELDS {
        let def = &Sink::FIELDS[Sink::field_index(field).expect("field")];
        for input in [json!(null), json!(""), json!("  ")] {
            if *field == "blob" && input == json!("  ") {
                continue; // binary is not trimmed: "  " is two bytes
            }
            let rows = vec![(*field, input, Change(Value::Null(def.ty)))];
            check_cast_table(full_sink(), rows);
        }
    }
    let cs = Changeset::cast(full_sink(), json!({"big": ""}), Sink::big);
    assert_eq!(cs.get_change(Sink::big), None, "NULL is not an i64");
    assert_eq!(
        cs.apply_changes().big,
        0,
        "a NULL change applies the type default"
    );
}

#[test]
#[rustfmt::skip]
fn cast_leaves_values_equal_to_the_data_out_of_changes() {
    check_cast_table(full_sink(), vec![
        ("small", json!("1"), Unchanged),
        ("medium", json!(2), Unchanged),
        ("big", json!(" 13 "), Unchanged),
        ("ratio", json!("0.5"), Unchanged),
        ("price", json!("2.50"), Unchanged),
        ("price", json!(2.5), Unchanged),
        ("active", json!("1"), Unchanged),
        ("name", json!("  Tulip  "), Unchanged),
        ("blob", json!(" x "), Unchanged),
        ("day", json!("2023-04-17"), Unchanged),
        ("seen_at", json!("2023-04-17 01:47:01.999"), Unchanged),
        ("synced_at", json!("2023-04-17T03:47:01+02:00"), Unchanged),
        ("doc", json!({"a": [1, 2]}), Unchanged),
        // A different value is a change.
        ("big", json!("14"), Change(Value::I64(14))),
        ("active", json!("false"), Change(Value::Bool(false))),
        ("blob", json!("x"), Change(Value::Bytes(b"x".to_vec()))),
    ]);
    // All at once: no changes, valid.
    let params = json!({"small": 1, "big": "13", "name": "Tulip", "active": true, "doc": {"a": [1, 2]}});
    let cs = Changeset::cast_names(full_sink(), params, TYPED_FIELDS).expect("fields");
    assert!(cs.is_valid());
    assert!(cs.changes().is_empty());
    assert_eq!(cs.apply_changes(), full_sink());
}

#[test]
fn cast_ignores_unknown_and_unpermitted_keys_and_absent_keys_change_nothing() {
    let cs = Changeset::cast(
        Account::default(),
        json!({"name": "Mcatty tulip", "inStock": true, "age": "not permitted", "bogus": [1, {"x": 2}]}),
        (Account::name, Account::score),
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    assert_eq!(
        cs.changes(),
        vec![("name", &Value::String("Mcatty tulip".into()))]
    );
    assert!(!cs.has_change(Account::score), "absent key: no change");
    assert!(
        !cs.has_change(Account::age),
        "not permitted: ignored even though invalid"
    );
    assert_eq!(cs.get_change(Account::score), None);
}

#[test]
fn cast_keeps_valid_changes_beside_invalid_ones() {
    let cs = Changeset::cast(
        Account::default(),
        json!({"name": "Bob", "age": "ten", "score": "1.5"}),
        (Account::name, Account::age, Account::score),
    );
    assert!(!cs.is_valid());
    assert_eq!(owned(cs.errors()), vec![on("age", cast_error("integer"))]);
    assert_eq!(cs.get_change(Account::name), Some("Bob".to_string()));
    assert_eq!(cs.get_change(Account::score), Some(1.5));
    assert_eq!(cs.get_change(Account::age), None);
}

#[test]
fn cast_from_form_params_string_maps() {
    let check = |cs: Changeset<Account>| {
        assert!(cs.is_valid(), "{:?}", cs.errors());
        assert_eq!(cs.get_change(Account::name), Some("Bob".to_string()));
        assert_eq!(cs.get_change(Account::age), Some(13));
        assert_eq!(cs.get_change(Account::score), Some(2.5));
        assert_eq!(cs.get_change(Account::terms), Some(true));
        assert!(
            !cs.has_change(Account::email),
            "an empty form value is NULL, equal to the data"
        );
    };
    let fields = (
        Account::name,
        Account::age,
        Account::score,
        Account::terms,
        Account::email,
    );
    let pairs = [
        ("name", " Bob "),
        ("age", "13"),
        ("score", "2.5"),
        ("terms", "1"),
        ("email", ""),
    ];
    let strings = || pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    check(Changeset::cast(Account::default(), pairs, fields));
    let hash: HashMap<String, String> = strings().collect();
    check(Changeset::cast(Account::default(), hash, fields));
    let tree: BTreeMap<String, String> = strings().collect();
    check(Changeset::cast(Account::default(), tree, fields));
    let vec: Vec<(String, String)> = strings().collect();
    check(Changeset::cast(Account::default(), vec, fields));

    let bad = Changeset::cast(Account::default(), [("age", "13.5")], Account::age);
    assert_eq!(owned(bad.errors()), vec![on("age", cast_error("integer"))]);
}

#[test]
fn cast_from_json_values_objects_and_references() {
    let fields = (Account::name, Account::age, Account::score);
    let params = json!({"name": "Bob", "age": 13, "score": 2});
    let by_val = Changeset::cast(Account::default(), params.clone(), fields);
    assert_eq!(by_val.get_change(Account::score), Some(2.0));
    let by_ref = Changeset::cast(Account::default(), &params, fields);
    assert_eq!(by_ref.changes(), by_val.changes());
    let map = params.as_object().cloned().expect("object");
    let by_map = Changeset::cast(Account::default(), map, fields);
    assert_eq!(by_map.changes(), by_val.changes());
}

#[derive(serde::Serialize)]
struct ProductForm {
    name: &'static str,
    score: f64,
    age: Option<i32>,
    #[serde(rename = "inStock")]
    in_stock: bool,
}

#[test]
fn cast_from_serialized_structs() {
    let form = ProductForm {
        name: "Mcatty tulip",
        score: 100.0,
        age: None,
        in_stock: true,
    };
    let params = Params::serialize(&form).expect("serialisable");
    assert_eq!(params.get("name"), Some(&json!("Mcatty tulip")));
    assert_eq!(params.get("age"), Some(&json!(null)));
    let fields = (Account::name, Account::score, Account::age);
    let cs = Changeset::cast(Account::default(), params, fields);
    assert!(cs.is_valid(), "{:?}", cs.errors());
    assert_eq!(
        cs.get_change(Account::name),
        Some("Mcatty tulip".to_string())
    );
    assert_eq!(cs.get_change(Account::score), Some(100.0));
    // NULL into a non-nullable field whose data is 0: a NULL change.
    let age = cs.get_change_value(Account::age.field());
    assert!(age.is_some_and(Value::is_null), "{age:?}");

    // A map with keys JSON cannot hold is an error, not a panic.
    let odd: HashMap<Vec<i32>, i32> = HashMap::from([(vec![1], 1)]);
    assert!(
        matches!(Params::serialize(&odd), Err(Error::InvalidValue { field, .. }) if field == "params")
    );

    // A serialisable value that is not an object is invalid params.
    let list = Params::serialize(&vec![1, 2]).expect("serialisable");
    let cs = Changeset::cast(Account::default(), list, Account::name);
    assert_eq!(owned(cs.errors()), vec![on("params", cast_error("map"))]);
}

#[test]
fn cast_non_object_params_is_an_error_on_params() {
    let non_objects = [
        json!([1, 2]),
        json!("name=Bob"),
        json!(3),
        json!(true),
        json!(null),
    ];
    for params in non_objects {
        let cs = Changeset::cast(
            Account::default(),
            params.clone(),
            (Account::name, Account::age),
        );
        assert!(!cs.is_valid(), "{params}");
        assert_eq!(
            owned(cs.errors()),
            vec![on("params", cast_error("map"))],
            "{params}"
        );
        assert!(cs.changes().is_empty(), "{params}");
        assert_eq!(cs.error_messages()["params"], vec!["is invalid"]);
    }
}

#[test]
fn cast_names_rejects_unknown_fields() {
    let err = Changeset::cast_names(Account::default(), json!({"nope": 1}), &["name", "nope"])
        .expect_err("unknown field");
    assert!(
        matches!(&err, Error::UnknownField { schema: "Account", field } if field == "nope"),
        "{err:?}"
    );
    let ok = Changeset::cast_names(Account::default(), json!({"name": "Bob"}), &["name"])
        .expect("known field");
    assert_eq!(ok.get_change(Account::name), Some("Bob".to_string()));
}

// ---------------------------------------------------------------------------
// 2. Validators
// ---------------------------------------------------------------------------

#[test]
fn validate_required_blank_strings_and_nulls() {
    let required = || (Account::name, Account::email, Account::score);
    // Missing from params and blank in the data.
    let cs = account(json!({})).validate_required(required());
    assert_eq!(
        owned(cs.errors()),
        vec![on("name", blank()), on("email", blank())]
    );
    assert_eq!(cs.errors()[0].1.render(), "can't be blank");

    // Data present, no change: not missing.
    let data = Account {
        name: "Bob".into(),
        email: Some("bob@example.com".into()),
        ..Account::default()
    };
    let cs = account_from(data.clone(), json!({})).validate_required(required());
    assert!(cs.is_valid(), "{:?}", cs.errors());

    // Changed to blank / null: missing, and the change is removed.
    for input in [json!(""), json!("   "), json!(null)] {
        let cs = account_from(data.clone(), json!({"name": input, "email": input}));
        assert!(
            cs.has_change(Account::name),
            "cast of {input} is a NULL change"
        );
        let cs = cs.validate_required(required());
        assert_eq!(
            owned(cs.errors()),
            vec![on("name", blank()), on("email", blank())],
            "{input}"
        );
        assert!(
            !cs.has_change(Account::name),
            "{input}: the change is removed"
        );
        assert!(
            !cs.has_change(Account::email),
            "{input}: the change is removed"
        );
    }

    // A blank string put directly (not trimmed by cast) is blank too.
    let cs = Changeset::new(data.clone())
        .put_change(Account::name, " \t ".to_string())
        .validate_required(Account::name);
    assert_eq!(owned(cs.errors()), vec![on("name", blank())]);
    assert!(!cs.has_change(Account::name));
    assert_eq!(cs.get_field(Account::name), Some("Bob".to_string()));

    // Zero and false are present values.
    let cs = account(json!({"age": 0, "terms": false, "score": "0"})).validate_required((
        Account::age,
        Account::terms,
        Account::score,
    ));
    assert!(cs.is_valid(), "{:?}", cs.errors());
}

#[test]
fn validate_required_skips_fields_that_already_have_an_error() {
    let cs =
        account(json!({"age": "ten", "name": ""})).validate_required((Account::age, Account::name));
    assert_eq!(
        owned(cs.errors()),
        vec![on("age", cast_error("integer")), on("name", blank())]
    );
    // Required again does not add a second error either.
    let cs = cs.validate_required(Account::name);
    assert_eq!(cs.errors().len(), 2);
}

/// Length metadata, in Ecto's order.
fn length_meta(count: usize, kind: &str, ty: &str) -> Vec<(&'static str, Json)> {
    vec![
        ("count", json!(count)),
        ("validation", json!("length")),
        ("kind", json!(kind)),
        ("type", json!(ty)),
    ]
}

#[test]
fn validate_length_strings_count_graphemes() {
    let t_is = "should be %{count} character(s)";
    let t_min = "should be at least %{count} character(s)";
    let t_max = "should be at most %{count} character(s)";
    let b_is = "should be %{count} byte(s)";
    let b_max = "should be at most %{count} byte(s)";
    let composed = "\u{e9}";
    let decomposed = "e\u{301}";
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}";
    let flag = "\u{1F1EB}\u{1F1F7}";
    assert_eq!(
        (composed.len(), decomposed.len(), family.len()),
        (2, 3, 25),
        "bytes"
    );
    use LengthCount::{Bytes, Codepoints};
    type Expected<'a> = Option<(&'a str, &'a str, usize, &'a str, &'a str)>;
    #[rustfmt::skip]
    let cases: Vec<(&str, Length, Expected)> = vec![
        ("abc", Length::new().is(3), None),
        ("abc", Length::new().min(3).max(3), None),
        ("  abc  ", Length::new().is(3), None),
        ("ab", Length::new().is(3), Some((t_is, "is", 3, "string", "should be 3 character(s)"))),
        ("abcd", Length::new().is(3), Some((t_is, "is", 3, "string", "should be 3 character(s)"))),
        ("ab", Length::new().min(3), Some((t_min, "min", 3, "string", "should be at least 3 character(s)"))),
        ("abcde", Length::new().max(4), Some((t_max, "max", 4, "string", "should be at most 4 character(s)"))),
        // One error only, checked in the order is, min, max.
        ("ab", Length::new().is(5).min(3).max(4), Some((t_is, "is", 5, "string", "should be 5 character(s)"))),
        ("abcdefgh", Length::new().is(5).min(3).max(4), Some((t_is, "is", 5, "string", "should be 5 character(s)"))),
        ("a", Length::new().min(3).max(4), Some((t_min, "min", 3, "string", "should be at least 3 character(s)"))),
        ("a", Length::new().min(3).max(0), Some((t_min, "min", 3, "string", "should be at least 3 character(s)"))),
        ("abcdefgh", Length::new().min(3).max(4), Some((t_max, "max", 4, "string", "should be at most 4 character(s)"))),
        // Grapheme clusters by default.
        (composed, Length::new().is(1), None),
        (decomposed, Length::new().is(1), None),
        (family, Length::new().is(1), None),
        (flag, Length::new().is(1), None),
        ("e\u{301}e\u{301}", Length::new().max(1), Some((t_max, "max", 1, "string", "should be at most 1 character(s)"))),
        // Code points.
        (composed, Length::new().is(1).count(Codepoints), None),
        (decomposed, Length::new().is(1).count(Codepoints), Some((t_is, "is", 1, "string", "should be 1 character(s)"))),
        (family, Length::new().is(7).count(Codepoints), None),
        (family, Length::new().max(6).count(Codepoints), Some((t_max, "max", 6, "string", "should be at most 6 character(s)"))),
        // Bytes: "byte(s)", type binary.
        (composed, Length::new().is(2).count(Bytes), None),
        (composed, Length::new().max(1).count(Bytes), Some((b_max, "max", 1, "binary", "should be at most 1 byte(s)"))),
        (decomposed, Length::new().is(2).count(Bytes), Some((b_is, "is", 2, "binary", "should be 2 byte(s)"))),
        (family, Length::new().is(25).count(Bytes), None),
    ];
    for (input, opts, expected) in cases {
        let cs = account(json!({ "name": input })).validate_length(Account::name, opts.clone());
        match expected {
            None => assert!(cs.is_valid(), "{input:?} {opts:?}: {:?}", cs.errors()),
            Some((template, kind, count, ty, rendered)) => {
                let meta = length_meta(count, kind, ty);
                expect_one(&cs, "name", template, rendered, &meta);
            }
        }
    }
}

#[test]
fn validate_length_lists_and_binaries() {
    let list = |input: Json, opts: Length| {
        account(json!({ "tags": input })).validate_length(Account::tags, opts)
    };
    let cs = list(json!([1, 2]), Length::new().min(3));
    let (template, rendered) = (
        "should have at least %{count} item(s)",
        "should have at least 3 item(s)",
    );
    expect_one(
        &cs,
        "tags",
        template,
        rendered,
        &length_meta(3, "min", "list"),
    );
    let cs = list(json!([1, 2, 3, 4]), Length::new().max(3));
    let (template, rendered) = (
        "should have at most %{count} item(s)",
        "should have at most 3 item(s)",
    );
    expect_one(
        &cs,
        "tags",
        template,
        rendered,
        &length_meta(3, "max", "list"),
    );
    let cs = list(json!(["a"]), Length::new().is(2).min(3));
    let (template, rendered) = ("should have %{count} item(s)", "should have 2 item(s)");
    expect_one(
        &cs,
        "tags",
        template,
        rendered,
        &length_meta(2, "is", "list"),
    );
    assert!(list(json!([]), Length::new().is(0)).is_valid());
    assert!(list(json!(["a", "b"]), Length::new().min(1).max(2)).is_valid());
    // Items are counted, not their characters.
    assert!(list(json!(["a long string"]), Length::new().max(1)).is_valid());

    let bin = |input: &str, opts: Length| {
        account(json!({ "avatar": input })).validate_length(Account::avatar, opts)
    };
    let cs = bin("abcd", Length::new().max(3));
    let (template, rendered) = (
        "should be at most %{count} byte(s)",
        "should be at most 3 byte(s)",
    );
    expect_one(
        &cs,
        "avatar",
        template,
        rendered,
        &length_meta(3, "max", "binary"),
    );
    let cs = bin("ab", Length::new().min(3));
    let (template, rendered) = (
        "should be at least %{count} byte(s)",
        "should be at least 3 byte(s)",
    );
    expect_one(
        &cs,
        "avatar",
        template,
        rendered,
        &length_meta(3, "min", "binary"),
    );
    let cs = bin("ab", Length::new().is(3));
    let (template, rendered) = ("should be %{count} byte(s)", "should be 3 byte(s)");
    expect_one(
        &cs,
        "avatar",
        template,
        rendered,
        &length_meta(3, "is", "binary"),
    );
    // A binary counts bytes ("é" is two) and keeps its whitespace.
    assert!(bin("\u{e9}", Length::new().is(2)).is_valid());
    assert!(bin(" a ", Length::new().is(3)).is_valid());
}

#[test]
fn validate_length_custom_message_keeps_metadata() {
    let opts = Length::new().min(3).message("too short (%{count})");
    let cs = account(json!({"name": "ab"})).validate_length(Account::name, opts);
    let meta = length_meta(3, "min", "string");
    expect_one(&cs, "name", "too short (%{count})", "too short (3)", &meta);
}

/// The message template of a number bound.
fn number_template(kind: &str) -> &'static str {
    match kind {
        "less_than" => "must be less than %{number}",
        "greater_than" => "must be greater than %{number}",
        "less_than_or_equal_to" => "must be less than or equal to %{number}",
        "greater_than_or_equal_to" => "must be greater than or equal to %{number}",
        "equal_to" => "must be equal to %{number}",
        "not_equal_to" => "must be not equal to %{number}",
        other => panic!("no such kind {other}"),
    }
}

/// A value, the bounds, and the expected failure: kind, `number`, rendered message.
type NumberCase<T> = (T, Number, Option<(&'static str, Json, &'static str)>);

fn number_meta(kind: &str, number: Json) -> Vec<(&'static str, Json)> {
    vec![
        ("validation", json!("number")),
        ("kind", json!(kind)),
        ("number", number),
    ]
}

#[test]
fn validate_number_all_kinds_on_integers() {
    let data = Account {
        age: -999,
        ..Account::default()
    };
    let n = Number::new;
    #[rustfmt::skip]
    let cases: Vec<NumberCase<i32>> = vec![
        (1, n().greater_than(0), None),
        (0, n().greater_than(0), Some(("greater_than", json!(0), "must be greater than 0"))),
        (9, n().less_than(10), None),
        (10, n().less_than(10), Some(("less_than", json!(10), "must be less than 10"))),
        (10, n().less_than_or_equal_to(10), None),
        (11, n().less_than_or_equal_to(10), Some(("less_than_or_equal_to", json!(10), "must be less than or equal to 10"))),
        (5, n().greater_than_or_equal_to(5), None),
        (4, n().greater_than_or_equal_to(5), Some(("greater_than_or_equal_to", json!(5), "must be greater than or equal to 5"))),
        (5, n().equal_to(5), None),
        (4, n().equal_to(5), Some(("equal_to", json!(5), "must be equal to 5"))),
        (4, n().not_equal_to(5), None),
        (5, n().not_equal_to(5), Some(("not_equal_to", json!(5), "must be not equal to 5"))),
        (-3, n().greater_than(-5), None),
        (-5, n().greater_than(-5), Some(("greater_than", json!(-5), "must be greater than -5"))),
        // A float bound on an integer field renders as the float.
        (0, n().greater_than(0.5), Some(("greater_than", json!(0.5), "must be greater than 0.5"))),
        (1, n().greater_than(0.5), None),
        // Only the first failing bound is reported.
        (20, n().greater_than(0).less_than(10), Some(("less_than", json!(10), "must be less than 10"))),
        (-1, n().greater_than(0).less_than(10), Some(("greater_than", json!(0), "must be greater than 0"))),
        (-10, n().greater_than(0).less_than(-5), Some(("greater_than", json!(0), "must be greater than 0"))),
    ];
    for (age, opts, expected) in cases {
        let cs = account_from(data.clone(), json!({ "age": age }))
            .validate_number(Account::age, opts.clone());
        match expected {
            None => assert!(cs.is_valid(), "{age} {opts:?}: {:?}", cs.errors()),
            Some((kind, number, rendered)) => {
                let meta = number_meta(kind, number);
                expect_one(&cs, "age", number_template(kind), rendered, &meta);
            }
        }
    }
    // Custom message, same metadata.
    let opts = n().greater_than(17).message("too young (%{number})");
    let cs = account(json!({"age": 3})).validate_number(Account::age, opts);
    let meta = number_meta("greater_than", json!(17));
    expect_one(&cs, "age", "too young (%{number})", "too young (17)", &meta);
}

#[test]
fn validate_number_all_kinds_on_floats() {
    let data = Account {
        score: -999.5,
        ..Account::default()
    };
    let n = Number::new;
    #[rustfmt::skip]
    let cases: Vec<NumberCase<f64>> = vec![
        // A float bound renders as a float, an integer bound as an integer.
        (0.0, n().greater_than(0.0), Some(("greater_than", json!(0.0), "must be greater than 0.0"))),
        (0.0, n().greater_than(0), Some(("greater_than", json!(0), "must be greater than 0"))),
        (0.5, n().greater_than(0), None),
        (0.5, n().greater_than(1), Some(("greater_than", json!(1), "must be greater than 1"))),
        (2.5, n().less_than(2.25), Some(("less_than", json!(2.25), "must be less than 2.25"))),
        (2.0, n().less_than(2.25), None),
        (100.5, n().less_than_or_equal_to(100.5), None),
        (100.75, n().less_than_or_equal_to(100.5), Some(("less_than_or_equal_to", json!(100.5), "must be less than or equal to 100.5"))),
        (1.5, n().greater_than_or_equal_to(1.5), None),
        (1.0, n().greater_than_or_equal_to(1.5), Some(("greater_than_or_equal_to", json!(1.5), "must be greater than or equal to 1.5"))),
        (1.5, n().equal_to(1.5), None),
        (1.5, n().equal_to(2.0), Some(("equal_to", json!(2.0), "must be equal to 2.0"))),
        (2.0, n().equal_to(2), None),
        (2.5, n().not_equal_to(2.0), None),
        (2.0, n().not_equal_to(2.0), Some(("not_equal_to", json!(2.0), "must be not equal to 2.0"))),
    ];
    for (score, opts, expected) in cases {
        let cs = account_from(data.clone(), json!({ "score": score }))
            .validate_number(Account::score, opts.clone());
        match expected {
            None => assert!(cs.is_valid(), "{score} {opts:?}: {:?}", cs.errors()),
            Some((kind, number, rendered)) => {
                let meta = number_meta(kind, number);
                expect_one(&cs, "score", number_template(kind), rendered, &meta);
            }
        }
    }
}

#[test]
fn validate_number_compares_large_integers_exactly() {
    #[derive(quarry::Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "counters")]
    struct Counter {
        meta: Meta,
        id: i64,
        hits: i64,
    }
    // 2^53 + 1 and 2^53 are one f64 but two integers.
    let big = 9_007_199_254_740_993i64;
    let cast = || Changeset::cast(Counter::default(), json!({ "hits": big }), Counter::hits);
    let cs = cast().validate_number(Counter::hits, Number::new().equal_to(big - 1));
    let rendered = format!("must be equal to {}", big - 1);
    let meta = number_meta("equal_to", json!(big - 1));
    expect_one(&cs, "hits", "must be equal to %{number}", &rendered, &meta);
    let opts = Number::new()
        .greater_than(big - 1)
        .less_than_or_equal_to(big)
        .not_equal_to(big - 1);
    assert!(cast().validate_number(Counter::hits, opts).is_valid());
}

#[test]
fn validate_format() {
    let email = Regex::new(r"^[^@\s]+@[^@\s]+$").expect("regex");
    let cs = account(json!({"email": "bob@example.com"})).validate_format(Account::email, &email);
    assert!(cs.is_valid());
    for bad in ["bob", "a@b@c", "x bob@example.com"] {
        let cs = account(json!({ "email": bad })).validate_format(Account::email, &email);
        let meta = [("validation", json!("format"))];
        expect_one(
            &cs,
            "email",
            "has invalid format",
            "has invalid format",
            &meta,
        );
    }
    // An unanchored pattern matches anywhere, as Ecto's `=~`.
    let at = Regex::new("@").expect("regex");
    let cs = account(json!({"email": "x bob@example.com"})).validate_format(Account::email, &at);
    assert!(cs.is_valid());
}

#[test]
fn validate_inclusion_exclusion_and_subset() {
    let roles = || ["user".to_string(), "admin".to_string()];
    let cs = account(json!({"role": "admin"})).validate_inclusion(Account::role, roles());
    assert!(cs.is_valid());
    let cs = account(json!({"role": "root"})).validate_inclusion(Account::role, roles());
    let meta = [
        ("validation", json!("inclusion")),
        ("enum", json!(["user", "admin"])),
    ];
    expect_one(&cs, "role", "is invalid", "is invalid", &meta);
    let cs = account(json!({"age": "4"})).validate_inclusion(Account::age, [1, 2, 3]);
    let meta = [
        ("validation", json!("inclusion")),
        ("enum", json!([1, 2, 3])),
    ];
    expect_one(&cs, "age", "is invalid", "is invalid", &meta);
    let cs = account(json!({"age": "2"})).validate_inclusion(Account::age, [1, 2, 3]);
    assert!(cs.is_valid());

    let reserved = || ["root".to_string(), "admin".to_string()];
    let cs = account(json!({"role": "user"})).validate_exclusion(Account::role, reserved());
    assert!(cs.is_valid());
    let cs = account(json!({"role": " root "})).validate_exclusion(Account::role, reserved());
    let meta = [
        ("validation", json!("exclusion")),
        ("enum", json!(["root", "admin"])),
    ];
    expect_one(&cs, "role", "is reserved", "is reserved", &meta);

    let allowed = || [json!("red"), json!("green")];
    let subset =
        |tags: Json| account(json!({ "tags": tags })).validate_subset(Account::tags, allowed());
    assert!(subset(json!(["red", "green", "red"])).is_valid());
    assert!(subset(json!([])).is_valid());
    let cs = subset(json!(["red", "blue"]));
    let meta = [
        ("validation", json!("subset")),
        ("enum", json!(["red", "green"])),
    ];
    expect_one(
        &cs,
        "tags",
        "has an invalid entry",
        "has an invalid entry",
        &meta,
    );
}

#[test]
fn validate_acceptance() {
    let accepted = || FieldError::new("must be accepted").with("validation", "acceptance");
    for ok in [json!(true), json!("true"), json!("1"), json!(" true ")] {
        let cs = account(json!({ "terms": ok })).validate_acceptance(Account::terms);
        assert!(cs.is_valid(), "{ok}: {:?}", cs.errors());
    }
    let not_accepted = [
        json!(false),
        json!("false"),
        json!("0"),
        json!(""),
        json!(null),
        json!("yes"),
        json!(1),
    ];
    for bad in not_accepted {
        // Not permitted in cast, so the only error is acceptance's.
        let cs = Changeset::cast(Account::default(), json!({ "terms": bad }), Account::name)
            .validate_acceptance(Account::terms);
        assert_eq!(owned(cs.errors()), vec![on("terms", accepted())], "{bad}");
        assert_eq!(cs.errors()[0].1.render(), "must be accepted");
    }
    // Missing from the params: not accepted.
    let cs = account(json!({"name": "Bob"})).validate_acceptance(Account::terms);
    let meta = [("validation", json!("acceptance"))];
    expect_one(&cs, "terms", "must be accepted", "must be accepted", &meta);
    // Acceptance reads the params even when the field was not permitted in cast.
    let cs = Changeset::cast(Account::default(), json!({"terms": "true"}), Account::name)
        .validate_acceptance(Account::terms);
    assert!(cs.is_valid());
    // A changeset built without params has nothing to accept.
    let cs = Changeset::new(Account::default()).validate_acceptance(Account::terms);
    assert!(cs.is_valid());
}

#[test]
fn validate_confirmation() {
    let mismatch =
        || FieldError::new("does not match confirmation").with("validation", "confirmation");
    let confirm = |params: Json, required: bool| {
        account(params).validate_confirmation(Account::password, required)
    };
    let cs = confirm(
        json!({"password": "secret", "password_confirmation": "secret"}),
        true,
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let cs = confirm(
        json!({"password": "secret", "password_confirmation": "Secret"}),
        false,
    );
    let (template, meta) = (
        "does not match confirmation",
        [("validation", json!("confirmation"))],
    );
    expect_one(&cs, "password_confirmation", template, template, &meta);
    // A blank confirmation does not match.
    let cs = confirm(
        json!({"password": "secret", "password_confirmation": ""}),
        true,
    );
    assert_eq!(
        owned(cs.errors()),
        vec![on("password_confirmation", mismatch())]
    );
    // A missing confirmation is fine unless required.
    assert!(confirm(json!({"password": "secret"}), false).is_valid());
    let cs = confirm(json!({"password": "secret"}), true);
    let meta = [("validation", json!("required"))];
    expect_one(
        &cs,
        "password_confirmation",
        "can't be blank",
        "can't be blank",
        &meta,
    );
    // No change of the field: nothing to confirm.
    let data = Account {
        password: Some("secret".into()),
        ..Account::default()
    };
    let params = json!({"password": "secret", "password_confirmation": "other"});
    let cs = account_from(data, params).validate_confirmation(Account::password, true);
    assert!(cs.is_valid(), "{:?}", cs.errors());
    assert!(confirm(json!({}), true).is_valid());
    // A typed field's confirmation is compared after casting.
    let cs = account(json!({"age": 30, "age_confirmation": "30"}))
        .validate_confirmation(Account::age, true);
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let cs = account(json!({"age": 30, "age_confirmation": "31"}))
        .validate_confirmation(Account::age, true);
    assert_eq!(owned(cs.errors()), vec![on("age_confirmation", mismatch())]);
}

#[test]
fn validate_change_custom_validator() {
    let no_spam = |field: &'static str, name: &String| {
        assert_eq!(field, "name");
        if name.contains("spam") {
            vec![
                FieldError::new("is spam").with("validation", "spam"),
                FieldError::new("contains %{word}").with("word", "spam"),
            ]
        } else {
            vec![]
        }
    };
    let cs = account(json!({"name": "spam and eggs"})).validate_change(Account::name, no_spam);
    assert_eq!(
        owned(cs.errors()),
        vec![
            on(
                "name",
                FieldError::new("is spam").with("validation", "spam")
            ),
            on(
                "name",
                FieldError::new("contains %{word}").with("word", "spam")
            ),
        ]
    );
    assert_eq!(
        cs.error_messages()["name"],
        vec!["is spam", "contains spam"]
    );
    let cs = account(json!({"name": "eggs"})).validate_change(Account::name, no_spam);
    assert!(cs.is_valid());
    // Not called without a non-null change.
    let never = |_: &'static str, _: &String| -> Vec<FieldError> {
        panic!("validator called without a change")
    };
    assert!(account(json!({}))
        .validate_change(Account::name, never)
        .is_valid());
    assert!(account(json!({"name": "  "}))
        .validate_change(Account::name, never)
        .is_valid());
    let data = Account {
        name: "spam".into(),
        ..Account::default()
    };
    let cs = account_from(data, json!({"name": "spam"})).validate_change(Account::name, never);
    assert!(cs.is_valid());
}

#[test]
fn validators_skip_fields_without_a_non_null_change() {
    // Data that would fail every validator.
    let bad = Account {
        name: "x".into(),
        email: Some("not an email".into()),
        age: -5,
        score: -1.0,
        role: "root".into(),
        tags: json!(["nope", "nope", "nope"]),
        avatar: b"way too long".to_vec(),
        ..Account::default()
    };
    let run = |cs: Changeset<Account>| {
        cs.validate_length(Account::name, Length::new().min(3))
            .validate_length(Account::tags, Length::new().max(1))
            .validate_length(Account::avatar, Length::new().max(2))
            .validate_length(Account::email, Length::new().is(1))
            .validate_number(Account::age, Number::new().greater_than(0))
            .validate_number(Account::score, Number::new().greater_than(0))
            .validate_format(Account::email, &Regex::new("@").expect("regex"))
            .validate_inclusion(Account::role, ["user".to_string()])
            .validate_exclusion(Account::role, ["root".to_string()])
            .validate_subset(Account::tags, [json!("ok")])
            .validate_change(Account::name, |_, _| vec![FieldError::new("called")])
    };
    // No params at all.
    assert!(run(Changeset::new(bad.clone())).is_valid());
    // Params equal to the data: no change.
    let same = json!({
        "name": "x", "email": "not an email", "age": -5, "score": -1, "role": "root",
        "tags": ["nope", "nope", "nope"], "avatar": "way too long",
    });
    let cs = account_from(bad.clone(), same);
    assert!(cs.changes().is_empty(), "{:?}", cs.changes());
    assert!(run(cs).is_valid());
    // NULL changes.
    let nulls = json!({
        "name": null, "email": "", "age": null, "score": " ", "role": "", "tags": null,
        "avatar": "",
    });
    let cs = account_from(bad.clone(), nulls);
    assert_eq!(cs.changes().len(), 7, "{:?}", cs.changes());
    assert!(run(cs).is_valid());
    // Unrelated changes only.
    assert!(run(account_from(bad, json!({"org_id": 7}))).is_valid());
}

#[test]
fn errors_keep_templates_for_translation_and_render_messages() {
    let cs = account(json!({"name": "ab", "age": "x", "score": -1}))
        .validate_required((Account::name, Account::role))
        .validate_length(Account::name, Length::new().min(3))
        .validate_number(Account::score, Number::new().greater_than_or_equal_to(0));
    let templates = cs.traverse_errors(|e| e.message.clone());
    assert_eq!(
        templates["name"],
        vec!["should be at least %{count} character(s)"]
    );
    assert_eq!(
        templates["score"],
        vec!["must be greater than or equal to %{number}"]
    );
    let translated = cs.traverse_errors(|e| match e.meta("validation").and_then(Json::as_str) {
        Some("length") => {
            let count = e.meta("count").expect("count");
            format!("doit contenir au moins {count} caractère(s)")
        }
        _ => e.render(),
    });
    assert_eq!(
        translated["name"],
        vec!["doit contenir au moins 3 caractère(s)"]
    );
    assert_eq!(
        serde_json::to_value(cs.error_messages()).expect("json"),
        json!({
            "age": ["is invalid"],
            "name": ["should be at least 3 character(s)"],
            "role": ["can't be blank"],
            "score": ["must be greater than or equal to 0"],
        })
    );
    assert_eq!(
        quarry::traverse_errors(cs.errors(), FieldError::render),
        cs.error_messages()
    );
}

// ---------------------------------------------------------------------------
// 3. Change helpers, apply_changes, apply_action, error_messages
// ---------------------------------------------------------------------------

#[test]
fn put_get_change_and_get_field() {
    let data = Account {
        name: "Bob".into(),
        age: 30,
        email: Some("bob@example.com".into()),
        ..Account::default()
    };
    let cs = account_from(data.clone(), json!({"name": "Alice"}));
    assert_eq!(cs.get_change(Account::name), Some("Alice".to_string()));
    assert_eq!(cs.get_field(Account::name), Some("Alice".to_string()));
    assert_eq!(cs.get_change(Account::age), None);
    assert_eq!(cs.get_field(Account::age), Some(30));
    let bob = Some("bob@example.com".to_string());
    assert_eq!(cs.get_field(Account::email), Some(bob.clone()));
    assert_eq!(cs.get_change(Account::email), None);

    // put_change of the data's value removes the change.
    let cs = cs.put_change(Account::name, "Bob".to_string());
    assert!(!cs.has_change(Account::name));
    assert_eq!(cs.get_change(Account::name), None);
    assert_eq!(cs.get_field(Account::name), Some("Bob".to_string()));
    assert!(cs.changes().is_empty());

    // A different value is a change; a later put replaces it.
    let cs = cs.put_change(Account::age, 31).put_change(Account::age, 32);
    assert_eq!(cs.get_change(Account::age), Some(32));
    assert_eq!(cs.get_field(Account::age), Some(32));
    let cs = cs.put_change(Account::age, 30);
    assert!(!cs.has_change(Account::age));

    // Optional fields: None is a change away from Some.
    let cs = cs.put_change(Account::email, None);
    assert_eq!(cs.get_change(Account::email), Some(None));
    assert_eq!(cs.get_field(Account::email), Some(None));
    let cs = cs.put_change(Account::email, bob);
    assert!(!cs.has_change(Account::email));
    assert!(cs.is_valid());
}

#[test]
fn apply_changes_and_apply_action() {
    let data = Account {
        name: "Bob".into(),
        age: 30,
        ..Account::default()
    };
    let cs = account_from(
        data.clone(),
        json!({"name": "Alice", "score": "2.5", "tags": ["a"]}),
    );
    let applied = cs.apply_changes();
    let expected = Account {
        name: "Alice".into(),
        score: 2.5,
        tags: json!(["a"]),
        ..data.clone()
    };
    assert_eq!(applied, expected);
    assert_eq!(cs.data(), &data, "apply_changes leaves the changeset alone");
    assert_eq!(cs.apply_action(Action::Update).expect("valid"), expected);

    // Invalid: the changeset comes back inside Error::Invalid, its action set.
    let cs = account_from(data.clone(), json!({"name": "Alice", "age": "old"}))
        .validate_required(Account::email);
    assert!(!cs.is_valid());
    assert_eq!(cs.action(), None);
    let err = cs.apply_action(Action::Insert).expect_err("invalid");
    let inner = err
        .changeset::<Changeset<Account>>()
        .expect("the changeset");
    assert_eq!(inner.action(), Some(Action::Insert));
    assert_eq!(inner.get_change(Account::name), Some("Alice".to_string()));
    assert_eq!(inner.data(), &data);
    assert_eq!(
        owned(inner.errors()),
        vec![on("age", cast_error("integer")), on("email", blank())]
    );
    match &err {
        Error::Invalid(inv) => {
            assert_eq!(inv.table, "accounts");
            assert_eq!(inv.errors, owned(inner.errors()));
        }
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
    assert!(
        err.changeset::<Changeset<Sink>>().is_none(),
        "typed downcast"
    );

    let err = account(json!({}))
        .validate_required(Account::name)
        .apply_action(Action::Validate)
        .expect_err("invalid");
    let action = err
        .changeset::<Changeset<Account>>()
        .and_then(Changeset::action);
    assert_eq!(action, Some(Action::Validate));
}

#[test]
fn error_messages_serialise_like_ecto_json_errors() {
    #[derive(quarry::Schema, Clone, Debug, PartialEq)]
    #[quarry(table = "products")]
    struct Product {
        meta: Meta,
        id: i64,
        name: String,
        price: Option<f64>,
    }
    let fields = (Product::name, Product::price);
    let cs = Changeset::cast(Product::default(), json!({"name": "Mcatty tulip"}), fields)
        .validate_required(fields);
    assert_eq!(
        serde_json::to_string(&cs.error_messages()).expect("json"),
        r#"{"price":["can't be blank"]}"#
    );
    let valid = Changeset::cast(
        Product::default(),
        json!({"name": "Tulip", "price": 1}),
        fields,
    )
    .validate_required(fields);
    assert_eq!(
        serde_json::to_string(&valid.error_messages()).expect("json"),
        "{}"
    );
}

// ---------------------------------------------------------------------------
// 4. Constraints
// ---------------------------------------------------------------------------

fn violation(kind: ConstraintKind, name: Option<&str>, columns: &[&str]) -> ConstraintViolation {
    ConstraintViolation {
        kind,
        name: name.map(str::to_string),
        columns: columns.iter().map(|c| c.to_string()).collect(),
    }
}

#[test]
fn constraint_declarations_default_names_messages_and_tags() {
    let opts = ConstraintOptions::new()
        .name("accounts_role_key")
        .message("is taken");
    let cs = Changeset::new(Account::default())
        .unique_constraint(Account::email)
        .unique_constraint((Account::org_id, Account::name))
        .unique_constraint(Account::nickname)
        .foreign_key_constraint(Account::org_id)
        .check_constraint(Account::age, "age_must_be_positive")
        .unique_constraint_with(Account::role, opts);
    let got: Vec<_> = cs
        .constraints()
        .iter()
        .map(|c| {
            (
                c.kind,
                c.name.as_str(),
                c.field.as_str(),
                c.message.as_str(),
                c.tag,
            )
        })
        .collect();
    use ConstraintKind::{Check, ForeignKey, Unique};
    #[rustfmt::skip]
    let expected = vec![
        (Unique, "accounts_email_index", "email", "has already been taken", "unique"),
        (Unique, "accounts_org_id_name_index", "org_id", "has already been taken", "unique"),
        // Names are built from column names.
        (Unique, "accounts_nick_name_index", "nickname", "has already been taken", "unique"),
        (ForeignKey, "accounts_org_id_fkey", "org_id", "does not exist", "foreign"),
        (Check, "age_must_be_positive", "age", "is invalid", "check"),
        (Unique, "accounts_role_key", "role", "is taken", "unique"),
    ];
    assert_eq!(got, expected);
    assert!(cs
        .constraints()
        .iter()
        .all(|c| c.matching == NameMatch::Exact));
    assert_eq!(cs.constraints()[1].columns, vec!["org_id", "name"]);
    assert!(cs.is_valid(), "declaring constraints adds no error");
}

#[test]
fn constraint_error_maps_declared_violations_to_changeset_errors() {
    let declared = || {
        let prefix = ConstraintOptions::new()
            .name("accounts_name")
            .matching(NameMatch::Prefix)
            .message("is taken");
        account(json!({"name": "Bob", "email": "bob@example.com", "org_id": 9}))
            .unique_constraint(Account::email)
            .foreign_key_constraint(Account::org_id)
            .check_constraint(Account::age, "age_must_be_positive")
            .unique_constraint_with(Account::name, prefix)
    };
    use ConstraintKind::{Check, ForeignKey, Unique};
    #[rustfmt::skip]
    let cases = vec![
        (violation(Unique, Some("accounts_email_index"), &[]), "email", "has already been taken", "unique", "accounts_email_index"),
        // SQLite reports the columns, not the name.
        (violation(Unique, None, &["email"]), "email", "has already been taken", "unique", "accounts_email_index"),
        (violation(ForeignKey, Some("accounts_org_id_fkey"), &[]), "org_id", "does not exist", "foreign", "accounts_org_id_fkey"),
        (violation(Check, Some("age_must_be_positive"), &[]), "age", "is invalid", "check", "age_must_be_positive"),
        (violation(Unique, Some("accounts_name_lower_idx"), &[]), "name", "is taken", "unique", "accounts_name"),
    ];
    for (v, field, message, tag, name) in cases {
        let err = declared().constraint_error(&v);
        let cs = err
            .changeset::<Changeset<Account>>()
            .unwrap_or_else(|| panic!("{v:?}: got {err:?}"));
        let expected = FieldError::new(message)
            .with("constraint", tag)
            .with("constraint_name", name);
        assert_eq!(owned(cs.errors()), vec![on(field, expected)], "{v:?}");
        assert_eq!(cs.errors()[0].1.render(), message);
        assert_eq!(
            cs.get_change(Account::name),
            Some("Bob".to_string()),
            "changes kept"
        );
    }
}

#[test]
fn constraint_error_without_declaration_is_a_typed_error() {
    use ConstraintKind::{Check, ForeignKey, Unique};
    let cs = || account(json!({"email": "bob@example.com"})).unique_constraint(Account::email);
    // Undeclared name.
    let err = cs().constraint_error(&violation(Unique, Some("accounts_name_index"), &[]));
    assert!(
        matches!(&err, Error::Constraint { table, name, kind: Unique }
            if table == "accounts" && name == "accounts_name_index"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("accounts_name_index") && text.contains("not declared"),
        "{text}"
    );
    // A declared name but another kind.
    let err = cs().constraint_error(&violation(ForeignKey, Some("accounts_email_index"), &[]));
    assert!(
        matches!(
            &err,
            Error::Constraint {
                kind: ForeignKey,
                ..
            }
        ),
        "{err:?}"
    );
    // Columns only (SQLite): named by Ecto's default.
    let err = cs().constraint_error(&violation(Unique, None, &["org_id", "name"]));
    assert!(
        matches!(&err, Error::Constraint { name, .. } if name == "accounts_org_id_name_index"),
        "{err:?}"
    );
    // Nothing declared at all.
    let err = account(json!({})).constraint_error(&violation(Check, Some("c"), &[]));
    assert!(
        matches!(&err, Error::Constraint { name, kind: Check, .. } if name == "c"),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// 5. Properties
// ---------------------------------------------------------------------------

/// Strings that look like values of the field types, and any others.
fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "13",
            " 13 ",
            "-13",
            "13.5",
            "1a",
            "1e3",
            "1e400",
            "-1e300",
            "NaN",
            "inf",
            "true",
            "false",
            "1",
            "0",
            "yes",
            "32768",
            "-2147483649",
            "9223372036854775808",
            "2023-04-17",
            "2023-02-30",
            "2023-04-17T01:47:01",
            "2023-04-17 01:47:01.5",
            "2023-04-17T03:47:01+02:00",
            "2023-04-17T01:47:01Z",
            "+275760-09-13T00:00:00Z",
            "9999-12-31T23:59:60Z",
            "e\u{301}",
            "\u{1F468}\u{200D}\u{1F469}",
        ])
        .prop_map(str::to_string),
        any::<String>(),
        "[-+0-9.eE :TZ]{0,24}",
    ]
}

/// Arbitrary JSON: nested objects and arrays of strings, numbers, bools, nulls.
fn arb_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<u64>().prop_map(Json::from),
        any::<f64>().prop_map(Json::from), // non-finite becomes null
        prop::sample::select(vec![0.5, 1e300, -1e300, 3.4e38, 3.5e38, f64::MIN_POSITIVE])
            .prop_map(Json::from),
        arb_string().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map(arb_key(), inner, 0..6)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Mostly the schemas' field names, sometimes other keys.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(TYPED_FIELDS.to_vec()).prop_map(str::to_string),
        1 => prop::sample::select(vec!["id", "meta", "inStock", "name_confirmation", ""])
            .prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

/// Params: any JSON, or (mostly) an object keyed by field names.
fn arb_params() -> impl Strategy<Value = Json> {
    prop_oneof![
        1 => arb_json(),
        3 => prop::collection::btree_map(arb_key(), arb_json(), 0..14)
            .prop_map(|m| Json::Object(m.into_iter().collect())),
    ]
}

/// Casts `params` into a default `S` (every typed field permitted) and checks
/// that the result is valid or carries only typed cast errors.
fn check_cast_invariants<S: Schema + Default + std::fmt::Debug>(
    params: &Json,
) -> Result<(), TestCaseError> {
    let cs = Changeset::cast_names(S::default(), params.clone(), TYPED_FIELDS)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(cs.is_valid(), cs.errors().is_empty());
    for (field, e) in cs.errors() {
        prop_assert_eq!(&e.message, "is invalid");
        prop_assert_eq!(e.metadata.len(), 2);
        prop_assert_eq!(e.meta("validation"), Some(&json!("cast")));
        if field == "params" {
            prop_assert!(!params.is_object());
            prop_assert_eq!(e.meta("type"), Some(&json!("map")));
        } else {
            let f = Field::<S>::named(field).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(e.meta("type"), Some(&json!(f.def().ty.name())));
            prop_assert!(params.get(field).is_some(), "error on absent key {}", field);
            prop_assert!(!cs.has_change(f), "{} has an error and a change", field);
        }
    }
    for (name, v) in cs.changes() {
        prop_assert!(TYPED_FIELDS.contains(&name), "{} was not permitted", name);
        prop_assert!(params.get(name).is_some(), "change of absent key {}", name);
        let ty = Field::<S>::named(name).expect("field").def().ty;
        prop_assert!(
            v.is_null() || v.value_type() == ty,
            "{} holds {:?}",
            name,
            v
        );
        if let Some(f) = v.as_f64() {
            prop_assert!(f.is_finite(), "{} holds {:?}", name, v);
        }
        if let Value::String(s) = v {
            prop_assert!(!s.is_empty() && s.trim() == s, "{} holds {:?}", name, v);
        }
    }
    // Everything downstream of a cast must not panic either.
    let _ = cs.apply_changes();
    let _ = format!("{cs:?}");
    let _ = serde_json::to_string(&cs.error_messages()).expect("json");
    Ok(())
}

/// A valid param for a field type, and the value it must cast to.
fn arb_valid_param(ty: ValueType) -> BoxedStrategy<(Json, Value)> {
    fn both<T: Clone + std::fmt::Debug + 'static>(
        a: (Json, T),
        b: (Json, T),
    ) -> impl Strategy<Value = (Json, T)> {
        prop_oneof![Just(a), Just(b)]
    }
    match ty {
        ValueType::I16 => any::<i16>()
            .prop_flat_map(|i| both((json!(i), i), (json!(format!(" {i} ")), i)))
            .prop_map(|(j, i)| (j, Value::I16(i)))
            .boxed(),
        ValueType::I32 => any::<i32>()
            .prop_flat_map(|i| both((json!(i), i), (json!(i.to_string()), i)))
            .prop_map(|(j, i)| (j, Value::I32(i)))
            .boxed(),
        ValueType::I64 => any::<i64>()
            .prop_flat_map(|i| both((json!(i), i), (json!(i.to_string()), i)))
            .prop_map(|(j, i)| (j, Value::I64(i)))
            .boxed(),
        // f32 values written exactly as f64, so parsing never rounds twice.
        ValueType::F32 => (-1.0e6f32..1.0e6f32)
            .prop_flat_map(|f| {
                let wide = f64::from(f);
                both((json!(wide), f), (json!(wide.to_string()), f))
            })
            .prop_map(|(j, f)| (j, Value::F32(f)))
            .boxed(),
        ValueType::F64 => (-1.0e12f64..1.0e12f64)
            .prop_flat_map(|f| both((json!(f), f), (json!(f.to_string()), f)))
            .prop_map(|(j, f)| (j, Value::F64(f)))
            .boxed(),
        ValueType::Bool => prop::sample::select(vec![
            (json!(true), true),
            (json!(false), false),
            (json!("true"), true),
            (json!("false"), false),
            (json!("1"), true),
            (json!("0"), false),
        ])
        .prop_map(|(j, b)| (j, Value::Bool(b)))
        .boxed(),
        ValueType::String => "[a-zA-Z0-9\u{e9} ]{0,12}[a-z][a-zA-Z0-9\u{e9} ]{0,12}"
            .prop_map(|s| {
                (
                    json!(format!(" {s}\n")),
                    Value::String(s.trim().to_string()),
                )
            })
            .boxed(),
        ValueType::Bytes => "[ -~]{1,16}"
            .prop_map(|s| (json!(s.clone()), Value::Bytes(s.into_bytes())))
            .boxed(),
        ValueType::Date => (1i32..9999, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| {
                let v = date(y, m, d);
                (json!(v.format("%Y-%m-%d").to_string()), Value::Date(v))
            })
            .boxed(),
        ValueType::DateTime => (1i32..9999, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60)
            .prop_map(|(y, mo, d, h, mi, s)| {
                let v = dt(y, mo, d, h, mi, s);
                let text = v.format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
                (json!(text), Value::DateTime(v))
            })
            .boxed(),
        ValueType::DateTimeUtc => (1i32..9999, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60)
            .prop_map(|(y, mo, d, h, mi, s)| {
                let v = utc(y, mo, d, h, mi, s);
                (json!(v.to_rfc3339()), Value::DateTimeUtc(v))
            })
            .boxed(),
        ValueType::Json => arb_json()
            .prop_filter("not null or an untrimmed string", |j| match j {
                Json::Null => false,
                Json::String(s) => !s.is_empty() && s.trim() == s,
                _ => true,
            })
            .prop_map(|j| (j.clone(), Value::Json(j)))
            .boxed(),
    }
}

/// For each typed field of `Loose`, maybe a valid param.
fn arb_valid_params() -> impl Strategy<Value = Vec<(&'static str, Option<(Json, Value)>)>> {
    TYPED_FIELDS
        .iter()
        .map(|name| {
            let ty = Field::<Loose>::named(name).expect("field").def().ty;
            prop::option::of(arb_valid_param(ty)).prop_map(move |p| (*name, p))
        })
        .collect::<Vec<_>>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn casting_arbitrary_json_never_panics_and_gives_only_cast_errors(params in arb_params()) {
        check_cast_invariants::<Sink>(&params)?;
        check_cast_invariants::<Loose>(&params)?;
        // Validators on whatever was cast must not panic either.
        let cs = Changeset::cast_names(Account::default(), params.clone(), ACCOUNT_FIELDS)
            .expect("fields")
            .validate_required((Account::name, Account::age, Account::tags))
            .validate_length(Account::name, Length::new().min(1).max(3))
            .validate_length(Account::tags, Length::new().is(2))
            .validate_length(Account::avatar, Length::new().max(4).count(LengthCount::Bytes))
            .validate_number(Account::age, Number::new().greater_than(0).less_than(1.5))
            .validate_number(Account::score, Number::new().not_equal_to(0))
            .validate_format(Account::email, &Regex::new("@").expect("regex"))
            .validate_inclusion(Account::role, ["a".to_string()])
            .validate_exclusion(Account::role, ["b".to_string()])
            .validate_subset(Account::tags, [json!(1)])
            .validate_acceptance(Account::terms)
            .validate_confirmation(Account::password, true)
            .validate_confirmation(Account::age, false);
        let _ = serde_json::to_string(&cs.error_messages()).expect("json");
        let _ = cs.apply_action(Action::Insert);
    }

    #[test]
    fn casting_valid_params_is_valid_and_idempotent(fields in arb_valid_params()) {
        let mut params = serde_json::Map::new();
        for (name, p) in &fields {
            if let Some((json, _)) = p {
                params.insert(name.to_string(), json.clone());
            }
        }
        let cs = Changeset::cast_names(Loose::default(), Json::Object(params), TYPED_FIELDS)
            .expect("fields");
        prop_assert!(cs.is_valid(), "{:?}", cs.errors());
        for (name, p) in &fields {
            let f = Field::<Loose>::named(name).expect("field");
            match p {
                Some((json, expected)) => {
                    prop_assert_eq!(cs.get_change_value(f), Some(expected), "{} from {}", name, json);
                }
                None => prop_assert!(!cs.has_change(f), "{}", name),
            }
        }
        // Casting the same params into the applied struct gives no changes.
        let applied = cs.apply_changes();
        let params = cs.params().expect("params").clone();
        let again = Changeset::cast_names(applied.clone(), params, TYPED_FIELDS).expect("fields");
        prop_assert!(again.changes().is_empty(), "{:?}", again.changes());
        prop_assert_eq!(again.apply_changes(), applied);
    }
}
