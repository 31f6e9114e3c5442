use crate::harness::{Db, R};
use crate::schemas::{user, Label, Sample, User};
use chrono::{NaiveDate, TimeZone, Utc};
use quarry::prelude::*;
use quarry::schema::ValueType;
use quarry::{Error, Value};

fn sample() -> Sample {
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).expect("leap day");
    Sample {
        small: -32768,
        int: 2_147_483_647,
        big: -9_007_199_254_740_993,
        real: 1.5,
        double: 0.1 + 0.2,
        flag: true,
        text: "ünïcödé 👩‍👩‍👧 \u{1F600} 漢字 'quoted' \"double\" \\ back".to_string(),
        bytes: vec![0, 1, 2, 255, 0, 128],
        doc: serde_json::json!({"a": [1, 2.5, null, true], "b": {"c": "d"}}),
        day,
        at: day.and_hms_micro_opt(23, 59, 58, 123_456).expect("time"),
        at_utc: Utc
            .with_ymd_and_hms(2023, 4, 17, 1, 47, 1)
            .single()
            .expect("utc")
            + chrono::Duration::microseconds(654_321),
        maybe_int: Some(7),
        maybe_text: Some(String::new()),
        maybe_at: None,
        ..Default::default()
    }
}

pub async fn every_type_round_trips(db: &Db) -> R {
    let s = sample();
    let stored = db.repo.insert(s.clone()).await?;
    let read: Sample = db.repo.must_get(stored.id).await?;
    let mut expected = s;
    expected.id = stored.id;
    expected.meta = read.meta;
    assert_eq!(read, expected);
    assert_eq!(stored, read, "what insert returns is what is stored");
    Ok(())
}

pub async fn nulls_round_trip(db: &Db) -> R {
    let mut s = sample();
    s.maybe_int = None;
    s.maybe_text = None;
    s.maybe_at = None;
    let stored = db.repo.insert(s).await?;
    let read: Sample = db.repo.must_get(stored.id).await?;
    assert_eq!(
        (read.maybe_int, read.maybe_text.clone(), read.maybe_at),
        (None, None, None)
    );
    let cs = Changeset::new(read)
        .put_change(Sample::maybe_int, Some(1))
        .put_change(Sample::maybe_text, Some("x".into()));
    let updated = db.repo.update(cs).await?;
    let cs = Changeset::new(updated).put_change(Sample::maybe_int, None);
    let cleared = db.repo.update(cs).await?;
    let read: Sample = db.repo.must_get(cleared.id).await?;
    assert_eq!(
        (read.maybe_int, read.maybe_text.as_deref()),
        (None, Some("x"))
    );
    Ok(())
}

pub async fn decode_mismatch_names_the_column(db: &Db) -> R {
    db.repo
        .insert(Label {
            code: "k".into(),
            text: "not a number".into(),
            ..Default::default()
        })
        .await?;
    // Read the labels table as if label_text were an integer column.
    let sql = "SELECT id, label_text AS name, NULL AS email, NULL AS age, label_text AS inserted_at, label_text AS updated_at FROM (SELECT 1 AS id, label_text FROM labels) t";
    let err = db.repo.query_as::<User>(sql, vec![]).await;
    match err {
        Err(Error::Decode { column, .. }) => assert_eq!(column, "inserted_at"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    Ok(())
}

pub async fn raw_sql_binds_values(db: &Db) -> R {
    db.repo.insert(user("Raw")).await?;
    let sql = format!(
        "UPDATE users SET age = {} WHERE name = {}",
        db.placeholder(1),
        db.placeholder(2)
    );
    let n = db
        .repo
        .execute_raw(&sql, vec![Value::I32(33), Value::from("Raw")])
        .await?;
    assert_eq!(n.rows_affected, 1);
    let sql = format!(
        "SELECT name, age FROM users WHERE age > {}",
        db.placeholder(1)
    );
    let rows = db
        .repo
        .query_raw(
            &sql,
            vec![Value::I32(30)],
            &[ValueType::String, ValueType::I32],
        )
        .await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].values,
        vec![Value::String("Raw".into()), Value::I32(33)]
    );
    let bad = db.repo.execute_raw("SELEC nonsense", vec![]).await;
    assert!(matches!(bad, Err(Error::Database(_))), "{bad:?}");
    Ok(())
}

pub async fn hostile_params_stay_data(db: &Db) -> R {
    let evil = "Robert'); DROP TABLE users; --";
    let cs = Changeset::cast(
        User::default(),
        serde_json::json!({"name": evil, "age": "1 OR 1=1"}),
        (User::name, User::age),
    );
    assert_eq!(cs.error_messages()["age"], vec!["is invalid"]);
    let cs = Changeset::cast(
        User::default(),
        serde_json::json!({"name": evil}),
        User::name,
    );
    let u = db.repo.insert(cs).await?;
    assert_eq!(u.name, evil);
    let found = db.repo.get_by(User::name.eq(evil)).await?;
    assert_eq!(found.map(|f| f.id), Some(u.id));
    assert_eq!(
        db.repo.count(User::query()).await?,
        1,
        "the table is still there"
    );
    Ok(())
}

pub async fn statements_are_traced(db: &Db) -> R {
    db.reset_statements();
    db.repo.insert(user("Traced")).await?;
    let _: Vec<User> = db.repo.all(User::query()).await?;
    let seen = db.statements();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[0].starts_with("INSERT INTO"), "{seen:?}");
    assert!(seen[1].starts_with("SELECT"), "{seen:?}");
    assert!(
        !seen.iter().any(|s| s.contains("Traced")),
        "values are bound, never in the SQL"
    );
    Ok(())
}
