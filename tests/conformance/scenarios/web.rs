//! Values a web handler sends back: schemas with `#[derive(Serialize,
//! Deserialize)]` and no ceremony for `Meta`, an invalid changeset as Ecto's
//! JSON error body, and a NULL in a non-`Option` field named with its table.

use crate::harness::{Db, Scenario, R};
use quarry::prelude::*;
use quarry::Error;
use serde::{Deserialize, Serialize};

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        web_schema_serializes_and_changeset_errors_are_json,
        web_null_in_a_required_field_names_table_and_hints_option,
    ]
}

/// The suite's `products` table seen by an API: `description` is a `String`
/// although its column is nullable.
#[derive(Schema, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[quarry(table = "products", timestamps)]
#[serde(default)]
pub struct ApiProduct {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub description: String,
    pub price: Option<f64>,
    pub inserted_at: quarry::chrono::NaiveDateTime,
    pub updated_at: quarry::chrono::NaiveDateTime,
}

/// The same table with `description` as the column is: nullable.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "products", timestamps)]
pub struct LooseProduct {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub inserted_at: quarry::chrono::NaiveDateTime,
    pub updated_at: quarry::chrono::NaiveDateTime,
}

fn changeset(p: ApiProduct, attrs: impl Into<Params>) -> Changeset<ApiProduct> {
    let fields = (ApiProduct::name, ApiProduct::description, ApiProduct::price);
    Changeset::cast(p, attrs, fields).validate_required((ApiProduct::name, ApiProduct::description))
}

async fn web_schema_serializes_and_changeset_errors_are_json(db: &Db) -> R {
    let attrs = serde_json::json!({"name": "Tulip", "description": "red", "price": "1.5"});
    let tulip = db
        .repo
        .insert(changeset(ApiProduct::default(), attrs))
        .await?;
    let json = serde_json::to_value(&tulip)?;
    assert_eq!(json["meta"], "loaded", "{json}");
    assert_eq!(json["name"], "Tulip", "{json}");
    assert_eq!(json["price"], 1.5, "{json}");
    assert_eq!(json["id"], tulip.id, "{json}");

    // A request body: no meta, no id; the struct comes back built.
    let body: ApiProduct = serde_json::from_str(r#"{"name": "Rose", "description": "pink"}"#)?;
    assert_eq!(body.meta.state(), State::Built);
    let rose = db.repo.insert(body).await?;
    assert_eq!(
        db.repo.get::<ApiProduct, _>(rose.id).await?,
        Some(rose.clone())
    );
    // What was serialised reads back (its meta is not taken from input).
    let again: ApiProduct = serde_json::from_value(serde_json::to_value(&rose)?)?;
    assert_eq!((again.id, again.meta.state()), (rose.id, State::Built));

    // An invalid changeset: no query, and the error is the 422 body.
    let before = db.statement_count();
    let err = db
        .repo
        .insert(changeset(
            ApiProduct::default(),
            serde_json::json!({"price": "x"}),
        ))
        .await;
    assert_eq!(db.statement_count(), before);
    let Err(Error::Invalid(invalid)) = err else {
        panic!("expected an invalid changeset, got {err:?}");
    };
    assert_eq!(invalid.error_messages()["name"], ["can't be blank"]);
    assert_eq!(
        serde_json::to_value(&*invalid)?,
        serde_json::json!({"errors": {
            "description": ["can't be blank"],
            "name": ["can't be blank"],
            "price": ["is invalid"],
        }})
    );
    Ok(())
}

async fn web_null_in_a_required_field_names_table_and_hints_option(db: &Db) -> R {
    let loose = db
        .repo
        .insert(LooseProduct {
            name: "Bare".into(),
            ..Default::default()
        })
        .await?;
    assert_eq!(loose.description, None);
    let err = db.repo.get::<ApiProduct, _>(loose.id).await;
    match &err {
        Err(e @ Error::Decode { table, column, .. }) => {
            assert_eq!((*table, column.as_str()), ("products", "description"));
            let msg = e.to_string();
            assert!(
                msg.starts_with(
                    "cannot decode column `products.description`: expected string, found NULL"
                ) && msg.contains("make it `Option<_>`"),
                "{msg}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    Ok(())
}
