//! Casting: every field type's cast rules, nulls and empty strings, unchanged
//! values, unknown keys, and params from forms, JSON values and serialized structs.

use super::*;
use quarry::schema::{Field, ValueType};
use quarry::{Changeset, Error, Params, Schema, Value};
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, HashMap};

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
        // Parsed as given (Ecto's integer cast refuses surrounding spaces).
        ("big", json!(" 13 "), Invalid("integer")),
        ("big", json!("\t13\n"), Invalid("integer")),
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
        ("small", json!(" 12 "), Invalid("integer")),
        ("small", json!(32768), Invalid("integer")),
        ("small", json!(-32769), Invalid("integer")),
        ("small", json!("32768"), Invalid("integer")),
        ("small", json!("-32769"), Invalid("integer")),
        ("small", json!("1.0"), Invalid("integer")),
        // i32 range
        ("medium", json!(2_147_483_647), Change(Value::I32(i32::MAX))),
        ("medium", json!("-2147483648"), Change(Value::I32(i32::MIN))),
        ("medium", json!(" 42\n"), Invalid("integer")),
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
        ("price", json!(" 2.5 "), Invalid("float")),
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
        ("active", json!(" true "), Invalid("boolean")),
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
        // Kept exactly as given: Ecto does not trim.
        ("name", json!("  Tulip \n"), s("  Tulip \n")),
        ("name", json!("\t a  b \r\n"), s("\t a  b \r\n")),
        ("name", json!(" pass word"), s(" pass word")),
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
        // Whitespace only is an empty value for every type.
        ("blob", json!("  "), Unchanged),
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
        ("day", json!(" 2023-04-17 "), Invalid("date")),
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
        ("seen_at", json!(" 2023-04-17T01:47:01 "), Invalid("naive_datetime")),
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
        ("doc", json!(" text "), j(json!(" text "))),
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
        key: quarry::schema::Uuid::max(),
        amount: "19.99".parse().expect("decimal"),
        opens: chrono::NaiveTime::from_hms_opt(9, 30, 0).expect("time"),
        level: Level::High,
        tags: vec!["a".into(), "".into()],
        scores: vec![i64::MIN, 0],
        amounts: vec!["0.1".parse().expect("decimal")],
        ..Sink::default()
    }
}

#[test]
#[rustfmt::skip]
fn cast_uuid_decimal_time_and_enum() {
    let u = |s: &str| Change(Value::Uuid(s.parse().expect("uuid")));
    let d = |s: &str| Change(Value::Decimal(s.parse().expect("decimal")));
    let t = |h, m, s| Change(Value::Time(chrono::NaiveTime::from_hms_opt(h, m, s).expect("time")));
    let e = |s: &str| Change(Value::String(s.to_string()));
    check_cast_table(Loose::default(), vec![
        ("key", json!("67e55044-10b1-426f-9247-bb680e5fe0c8"), u("67e55044-10b1-426f-9247-bb680e5fe0c8")),
        ("key", json!("67E55044-10B1-426F-9247-BB680E5FE0C8"), u("67e55044-10b1-426f-9247-bb680e5fe0c8")),
        ("key", json!("00000000-0000-0000-0000-000000000000"), u("00000000-0000-0000-0000-000000000000")),
        ("key", json!("67e5504410b1426f9247bb680e5fe0c8"), Invalid("binary_id")),
        ("key", json!("urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8"), Invalid("binary_id")),
        ("key", json!(" 67e55044-10b1-426f-9247-bb680e5fe0c8"), Invalid("binary_id")),
        ("key", json!(7), Invalid("binary_id")),
        ("key", json!(""), Unchanged),
        ("amount", json!("0.1"), d("0.1")),
        ("amount", json!(0.1), d("0.1")),
        ("amount", json!(1e20), d("100000000000000000000")),
        ("amount", json!(-7), d("-7")),
        ("amount", json!(u64::MAX), d("18446744073709551615")),
        ("amount", json!("1.50"), d("1.50")),
        ("amount", json!("-2.5e3"), d("-2500")),
        ("amount", json!("79228162514264337593543950335"), d("79228162514264337593543950335")),
        ("amount", json!("79228162514264337593543950336"), Invalid("decimal")),
        ("amount", json!("0.00000000000000000000000000001"), Invalid("decimal")),
        ("amount", json!("NaN"), Invalid("decimal")),
        ("amount", json!("Infinity"), Invalid("decimal")),
        ("amount", json!("1_000"), Invalid("decimal")),
        ("amount", json!(" 1"), Invalid("decimal")),
        ("amount", json!(1e300), Invalid("decimal")),
        ("amount", json!(true), Invalid("decimal")),
        ("opens", json!("09:30:00"), t(9, 30, 0)),
        ("opens", json!("09:30"), t(9, 30, 0)),
        ("opens", json!("09:30:00.999999"), t(9, 30, 0)),
        ("opens", json!("23:59:59Z"), t(23, 59, 59)),
        ("opens", json!("24:00:00"), Invalid("time")),
        ("opens", json!("9:30 am"), Invalid("time")),
        ("opens", json!(930), Invalid("time")),
        ("level", json!("low"), e("low")),
        ("level", json!("in_between"), e("in_between")),
        ("level", json!("top"), e("top")),
        ("level", json!("high"), Invalid("enum")),
        ("level", json!("Low"), Invalid("enum")),
        ("level", json!(0), Invalid("enum")),
        ("level", json!(" "), Unchanged),
    ]);
}

#[test]
fn cast_null_and_empty_string_on_non_nullable_fields_are_null_changes() {
    for field in TYPED_FIELDS {
        let def = &Sink::FIELDS[Sink::field_index(field).expect("field")];
        for input in [json!(null), json!(""), json!("  ")] {
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
        ("big", json!("13"), Unchanged),
        ("ratio", json!("0.5"), Unchanged),
        ("price", json!("2.50"), Unchanged),
        ("price", json!(2.5), Unchanged),
        ("active", json!("1"), Unchanged),
        ("name", json!("Tulip"), Unchanged),
        ("blob", json!(" x "), Unchanged),
        ("day", json!("2023-04-17"), Unchanged),
        ("seen_at", json!("2023-04-17 01:47:01.999"), Unchanged),
        ("synced_at", json!("2023-04-17T03:47:01+02:00"), Unchanged),
        ("doc", json!({"a": [1, 2]}), Unchanged),
        ("tags", json!(["a", ""]), Unchanged),
        ("scores", json!([i64::MIN, "0"]), Unchanged),
        ("amounts", json!(["0.10"]), Unchanged),
        ("amounts", json!([0.1]), Unchanged),
        ("tags", json!(["", "a"]), Change(Value::Array(ValueType::String, vec!["".into(), "a".into()]))),
        ("scores", json!([]), Change(Value::Array(ValueType::I64, vec![]))),
        ("scores", json!([1, "x"]), Invalid("{:array, :integer}")),
        ("scores", json!([1, null]), Invalid("{:array, :integer}")),
        ("scores", json!("1"), Invalid("{:array, :integer}")),
        ("tags", json!({"0": "a"}), Invalid("{:array, :string}")),
        ("amounts", json!(["NaN"]), Invalid("{:array, :decimal}")),
        // A different value is a change.
        ("big", json!("14"), Change(Value::I64(14))),
        ("active", json!("false"), Change(Value::Bool(false))),
        ("blob", json!("x"), Change(Value::Bytes(b"x".to_vec()))),
        // Surrounding spaces make another string: a change, not the same value.
        ("name", json!(" Tulip"), Change(Value::String(" Tulip".into()))),
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
        assert_eq!(cs.get_change(Account::name), Some(" Bob ".to_string()));
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

/// A schema whose `code` and `qty` opt into trimming (`#[quarry(trim)]`).
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "trimmed")]
struct Trimmed {
    meta: Meta,
    id: i64,
    #[quarry(trim)]
    code: String,
    #[quarry(trim)]
    qty: i64,
    note: String,
}

#[test]
fn trim_is_an_explicit_field_option() {
    let cs = Changeset::cast(
        Trimmed::default(),
        json!({"code": "  AB-12 \n", "qty": " 13 ", "note": "  kept  "}),
        (Trimmed::code, Trimmed::qty, Trimmed::note),
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    assert_eq!(cs.get_change(Trimmed::code), Some("AB-12".to_string()));
    assert_eq!(cs.get_change(Trimmed::qty), Some(13));
    assert_eq!(cs.get_change(Trimmed::note), Some("  kept  ".to_string()));
    // Blank is still an empty value, trimmed or not.
    let cs = Changeset::cast(Trimmed::default(), json!({"code": "   "}), Trimmed::code);
    assert_eq!(cs.get_change(Trimmed::code), None);
}
