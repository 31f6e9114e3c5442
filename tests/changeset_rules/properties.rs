//! Properties: casting arbitrary JSON never panics and only ever reports typed
//! cast errors; valid params always cast to their values.

use super::*;
use proptest::prelude::*;
use quarry::changeset::{Action, Length, LengthCount, Number, Regex};
use quarry::schema::{Field, ValueType};
use quarry::{Changeset, Schema, Value};
use serde_json::{json, Value as Json};

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
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "67e5504410b1426f9247bb680e5fe0c8",
            "{67e55044-10b1-426f-9247-bb680e5fe0c8}",
            "0.1",
            "-0.0000000000000000000000000001",
            "0.00000000000000000000000000001",
            "79228162514264337593543950335",
            "79228162514264337593543950336",
            "1_000",
            "1e-28",
            "1E28",
            "00:00",
            "23:59:59",
            "23:59:59.999999",
            "24:00:00",
            "12:60",
            "low",
            "in_between",
            "top",
            "High",
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
            let type_name = if field == "level" {
                "enum"
            } else {
                f.def().ty.name()
            };
            prop_assert_eq!(e.meta("type"), Some(&json!(type_name)));
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
        if let Value::Array(_, items) = v {
            // A Vec<T> holds no NULL element.
            prop_assert!(items.iter().all(|i| !i.is_null()), "{} holds {:?}", name, v);
        }
        if let Value::String(s) = v {
            // Blank strings become NULL; anything else is kept exactly as given.
            prop_assert!(!s.trim().is_empty(), "{} holds {:?}", name, v);
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
            .prop_flat_map(|i| both((json!(i), i), (json!(i.to_string()), i)))
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
                // Kept exactly as given, surrounding whitespace included.
                let given = format!(" {s}\n");
                (json!(given.clone()), Value::String(given))
            })
            .boxed(),
        // Not whitespace only (an empty value, so NULL).
        ValueType::Bytes => "[ -~]{0,8}[!-~][ -~]{0,7}"
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
        ValueType::Uuid => (any::<u128>(), any::<bool>())
            .prop_map(|(n, upper)| {
                let u = quarry::schema::Uuid::from_u128(n);
                let text = if upper {
                    u.to_string().to_uppercase()
                } else {
                    u.to_string()
                };
                (json!(text), Value::Uuid(u))
            })
            .boxed(),
        // Integers, strings of any scale (exact), and floats by their
        // shortest form (Ecto's Decimal.from_float).
        ValueType::Decimal => prop_oneof![
            any::<i64>().prop_map(|i| (json!(i), Value::Decimal(i.into()))),
            (any::<i64>(), 0u32..=18).prop_map(|(i, scale)| {
                let d = quarry::schema::Decimal::new(i, scale);
                (json!(d.to_string()), Value::Decimal(d))
            }),
            (-1.0e12f64..1.0e12f64).prop_map(|f| {
                let d: quarry::schema::Decimal = f.to_string().parse().expect("shortest form");
                (json!(f), Value::Decimal(d))
            }),
        ]
        .boxed(),
        // Seconds precision, as Ecto's :time: a fraction is dropped.
        ValueType::Time => (
            0u32..24,
            0u32..60,
            0u32..60,
            prop::option::of(0u32..1_000_000),
        )
            .prop_map(|(h, m, s, micros)| {
                let t = chrono::NaiveTime::from_hms_opt(h, m, s).expect("time");
                let text = match micros {
                    Some(us) => format!("{}.{us:06}", t.format("%H:%M:%S")),
                    None => t.format("%H:%M:%S").to_string(),
                };
                (json!(text), Value::Time(t))
            })
            .boxed(),
        // A list of valid elements (strings kept as given, blank included).
        ValueType::Array(element) => prop::collection::vec(arb_valid_param(*element), 0..5)
            .prop_map(move |items| {
                let (params, values): (Vec<Json>, Vec<Value>) = items.into_iter().unzip();
                (Json::Array(params), Value::Array(*element, values))
            })
            .boxed(),
        ValueType::Json => arb_json()
            .prop_filter("not null or a blank string", |j| match j {
                Json::Null => false,
                Json::String(s) => !s.trim().is_empty(),
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
            let valid = if *name == "level" {
                prop::sample::select(vec![
                    ("low", "low"),
                    ("in_between", "in_between"),
                    ("top", "top"),
                ])
                .prop_map(|(given, stored)| (json!(given), Value::String(stored.to_string())))
                .boxed()
            } else {
                arb_valid_param(ty)
            };
            prop::option::of(valid).prop_map(move |p| (*name, p))
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

    #[test]
    fn strings_are_cast_as_given_and_padded_numbers_are_invalid(
        s in "[ \t\n]{0,3}[!-~\u{e9}][ -~\u{e9}\t\n]{0,12}",
        pad in "[ \t\n]{1,3}",
        i in any::<i64>(),
    ) {
        // A string that is not blank is kept byte for byte, spaces included.
        let cs = Changeset::cast(Loose::default(), json!({ "name": s.clone() }), Loose::name);
        prop_assert_eq!(cs.get_change(Loose::name), Some(Some(s.clone())));
        // Whitespace alone is an empty value: a NULL change.
        let cs = Changeset::cast(Loose::default(), json!({ "name": pad.clone() }), Loose::name);
        prop_assert!(cs.is_valid());
        prop_assert_eq!(cs.get_change(Loose::name), None);
        // An integer with whitespace around it is not an integer (Ecto parses as given).
        for text in [format!("{pad}{i}"), format!("{i}{pad}")] {
            let cs = Changeset::cast(Loose::default(), json!({ "big": text }), Loose::big);
            prop_assert!(!cs.is_valid(), "{:?}", cs.changes());
        }
    }
}
