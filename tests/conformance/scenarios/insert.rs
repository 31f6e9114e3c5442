use crate::harness::{Db, R};
use crate::schemas::{product, user, Label, Product, User};
use quarry::prelude::*;
use quarry::Error;

pub async fn struct_comes_back_loaded_with_id_and_timestamps(db: &Db) -> R {
    let u = db.repo.insert(user("Alex")).await?;
    assert!(u.id > 0);
    assert_eq!(u.meta.state(), State::Loaded);
    assert_eq!(u.name, "Alex");
    assert_eq!(u.inserted_at, u.updated_at);
    let age = chrono::Utc::now().naive_utc() - u.inserted_at;
    assert!(
        age.num_seconds().abs() < 60,
        "timestamps are now: {:?}",
        u.inserted_at
    );
    assert_eq!(
        u.inserted_at.and_utc().timestamp_subsec_nanos(),
        0,
        "second precision"
    );
    let second = db.repo.insert(user("Sam")).await?;
    assert!(second.id > u.id);
    let stored: User = db.repo.must_get(u.id).await?;
    assert_eq!(stored, u);
    Ok(())
}

pub async fn changeset_gets_database_defaults(db: &Db) -> R {
    let cs = Changeset::cast(
        Product::default(),
        serde_json::json!({"name": "Tulip"}),
        Product::name,
    );
    let p = db.repo.insert(cs).await?;
    assert_eq!(
        p.status.as_deref(),
        Some("draft"),
        "the column default comes back"
    );
    assert_eq!(p.stock, 0);
    assert_eq!(p.lock_version, 1);
    assert_eq!(p.price, None);
    Ok(())
}

pub async fn invalid_changeset_sends_no_query(db: &Db) -> R {
    let cs = Changeset::cast(
        Product::default(),
        serde_json::json!({"name": ""}),
        Product::name,
    )
    .validate_required((Product::name, Product::price));
    db.reset_statements();
    let err = db.repo.insert(cs).await.expect_err("invalid");
    assert_eq!(db.statement_count(), 0);
    let cs = err
        .changeset::<Changeset<Product>>()
        .expect("the changeset comes back");
    assert_eq!(cs.action(), Some(Action::Insert));
    assert_eq!(cs.error_messages()["price"], vec!["can't be blank"]);
    assert_eq!(db.repo.count(Product::query()).await?, 0);
    Ok(())
}

pub async fn virtual_fields_are_kept_but_not_written(db: &Db) -> R {
    let mut p = product("Lamp", 10.0);
    p.note = Some("fragile".into());
    let stored = db.repo.insert(p).await?;
    assert_eq!(stored.note.as_deref(), Some("fragile"));
    let read: Product = db.repo.must_get(stored.id).await?;
    assert_eq!(read.note, None, "virtual fields are never persisted");
    Ok(())
}

pub async fn caller_timestamps_are_kept(db: &Db) -> R {
    let at = chrono::NaiveDate::from_ymd_opt(2020, 1, 2)
        .and_then(|d| d.and_hms_opt(3, 4, 5))
        .expect("date");
    let cs = Changeset::new(user("Old")).put_change(User::inserted_at, at);
    let u = db.repo.insert(cs).await?;
    assert_eq!(u.inserted_at, at);
    assert_ne!(u.updated_at, at, "updated_at is still filled");
    Ok(())
}

pub async fn explicit_key_and_renamed_column(db: &Db) -> R {
    let l = db
        .repo
        .insert(Label {
            code: "red".into(),
            text: "Red".into(),
            ..Default::default()
        })
        .await?;
    assert_eq!(l.code, "red");
    let got: Option<Label> = db.repo.get("red").await?;
    assert_eq!(got.map(|l| l.text), Some("Red".to_string()));
    assert!(db.statements().iter().any(|s| s.contains("label_text")));
    let by_text = db.repo.get_by(Label::text.eq("Red")).await?;
    assert!(by_text.is_some());
    let updated = db
        .repo
        .update(Changeset::new(l).put_change(Label::text, "Crimson".to_string()))
        .await?;
    assert_eq!(updated.text, "Crimson");
    let err = db
        .repo
        .insert(Label {
            code: "red".into(),
            text: "Again".into(),
            ..Default::default()
        })
        .await;
    assert!(matches!(err, Err(Error::Constraint { .. })), "{err:?}");
    Ok(())
}

pub async fn cast_strings_are_stored_as_given(db: &Db) -> R {
    // Ecto does not trim: a password or a code with spaces around it is cast,
    // validated and stored exactly as given; only blank values become NULL.
    let cs = Changeset::cast(
        Product::default(),
        serde_json::json!({"name": "  Spark Armour\t", "description": " x ", "status": "   "}),
        (Product::name, Product::description, Product::status),
    )
    .validate_required(Product::name)
    .validate_length(Product::name, Length::new().is(15));
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let p = db.repo.insert(cs).await?;
    let stored: Product = db.repo.must_get(p.id).await?;
    assert_eq!(stored.name, "  Spark Armour\t");
    assert_eq!(stored.description.as_deref(), Some(" x "));
    assert_eq!(
        stored.status.as_deref(),
        Some("draft"),
        "a blank value is NULL: not sent, the default applies"
    );
    let found = db
        .repo
        .get_by(Product::query().filter(Product::name.eq("  Spark Armour\t")))
        .await?;
    assert_eq!(found.map(|f| f.id), Some(p.id));
    Ok(())
}
