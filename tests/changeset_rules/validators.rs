//! Validators: each one's message template, rendered message and metadata,
//! and which fields they skip.

use super::*;
use quarry::changeset::{FieldError, Length, LengthCount, Number, Regex};
use quarry::{Changeset, Meta};
use serde_json::{json, Value as Json};

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
        // Not trimmed: the spaces count.
        ("  abc  ", Length::new().is(7), None),
        ("  abc  ", Length::new().is(3), Some((t_is, "is", 3, "string", "should be 3 character(s)"))),
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
    // Not trimmed: " root " is not "root".
    let cs = account(json!({"role": " root "})).validate_exclusion(Account::role, reserved());
    assert!(cs.is_valid());
    let cs = account(json!({"role": "root"})).validate_exclusion(Account::role, reserved());
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
    for ok in [json!(true), json!("true"), json!("1")] {
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
        json!(" true "),
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
        quarry::changeset::traverse_errors(cs.errors(), FieldError::render),
        cs.error_messages()
    );
}

#[test]
fn validate_length_and_subset_of_arrays() {
    let tags = |input: Json| Changeset::cast(Sink::default(), json!({ "tags": input }), Sink::tags);
    let cs = tags(json!(["a", "b"])).validate_length(Sink::tags, Length::new().min(3));
    expect_one(
        &cs,
        "tags",
        "should have at least %{count} item(s)",
        "should have at least 3 item(s)",
        &length_meta(3, "min", "list"),
    );
    let cs = tags(json!(["a", "", "c"])).validate_length(Sink::tags, Length::new().is(3));
    assert!(cs.is_valid(), "elements are counted, blank ones too");

    let allowed = || [json!("red"), json!("green")];
    assert!(tags(json!(["red", "green", "red"]))
        .validate_subset(Sink::tags, allowed())
        .is_valid());
    assert!(tags(json!([]))
        .validate_subset(Sink::tags, allowed())
        .is_valid());
    let cs = tags(json!(["red", "blue"])).validate_subset(Sink::tags, allowed());
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
    // Elements of other types compare by their JSON form.
    let scores = |input: Json| {
        Changeset::cast(Sink::default(), json!({ "scores": input }), Sink::scores)
            .validate_subset(Sink::scores, [json!(1), json!(2)])
    };
    assert!(scores(json!([1, "2"])).is_valid());
    assert!(!scores(json!([3])).is_valid());
}
