//! Constraint declarations: default names, messages and tags, and how a
//! database violation becomes a changeset error or a typed error.

use super::*;
use quarry::changeset::{ConstraintOptions, FieldError, NameMatch};
use quarry::error::{ConstraintKind, ConstraintViolation};
use quarry::{Changeset, Error};
use serde_json::json;

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
