//! Change helpers, `apply_changes`, `apply_action` and `error_messages`.

use super::*;
use quarry::changeset::Action;
use quarry::{Changeset, Error, Meta};
use serde_json::json;

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
