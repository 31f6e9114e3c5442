//! `Vec<T>` fields (issue 15): native arrays on Postgres, JSON arrays on
//! MySQL/MariaDB and SQLite, made by the migration DSL's `Type::array`;
//! round trips (empty, NULL, hostile strings, extremes), casts from list
//! params, and the typed conditions `contains` / `contains_all` / `overlaps`.
//! Table names start with `arr_`.

use crate::harness::{Db, Kind, Scenario, R};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use quarry::migration::prelude::*;
use quarry::migration::{Migrator, Target};
use quarry::prelude::*;
use quarry::schema::{Decimal, Uuid, ValueType};
use quarry::{Error, Value};
use serde_json::json;

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        arrays_round_trip_every_element_type,
        arrays_null_and_empty_are_different,
        arrays_hostile_strings_and_extremes_round_trip,
        arrays_cast_from_list_params,
        arrays_update_through_changesets,
        arrays_contains_contains_all_overlaps,
        arrays_conditions_on_other_element_types,
        arrays_a_null_element_is_a_decode_error,
    ]
}

/// A status stored as its string form: arrays of enums are arrays of strings.
#[derive(quarry::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mood {
    Calm,
    Loud,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "arr_posts")]
pub struct Post {
    pub meta: Meta,
    pub id: i64,
    pub title: String,
    pub tags: Vec<String>,
    pub labels: Option<Vec<String>>,
    pub smalls: Vec<i16>,
    pub counts: Vec<i32>,
    pub scores: Option<Vec<i64>>,
    pub ratios: Vec<f64>,
    pub flags: Vec<bool>,
    pub refs: Vec<Uuid>,
    pub prices: Vec<Decimal>,
    pub days: Vec<NaiveDate>,
    pub times: Vec<NaiveTime>,
    pub moments: Vec<NaiveDateTime>,
    pub stamps: Vec<DateTime<Utc>>,
    pub moods: Vec<Mood>,
}

struct Tables;

impl Migration for Tables {
    fn version(&self) -> i64 {
        20240301000000
    }
    fn name(&self) -> &str {
        "arrays"
    }
    fn change(&self, m: &mut Commands) {
        m.create_table(quarry::migration::table("arr_posts"), |t| {
            t.add("title", Type::String).null(false);
            t.add("tags", Type::array(Type::String)).null(false);
            t.add("labels", Type::array(Type::Text));
            t.add("smalls", Type::array(Type::SmallInt)).null(false);
            t.add("counts", Type::array(Type::Integer)).null(false);
            t.add("scores", Type::array(Type::BigInt));
            t.add("ratios", Type::array(Type::Float)).null(false);
            t.add("flags", Type::array(Type::Boolean)).null(false);
            t.add("refs", Type::array(Type::Uuid)).null(false);
            t.add("prices", Type::array(Type::Decimal)).null(false);
            t.add("days", Type::array(Type::Date)).null(false);
            t.add("times", Type::array(Type::Time)).null(false);
            t.add("moments", Type::array(Type::NaiveDateTimeUsec))
                .null(false);
            t.add("stamps", Type::array(Type::UtcDateTimeUsec))
                .null(false);
            t.add("moods", Type::array(Type::String)).null(false);
        });
    }
}

async fn setup(db: &Db) -> R {
    Migrator::new(&db.repo, vec![Box::new(Tables)])?
        .migrate(Target::All)
        .await?;
    Ok(())
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("a decimal literal")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).expect("a uuid")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn post(title: &str) -> Post {
    let moment = day(2024, 2, 29)
        .and_hms_micro_opt(23, 59, 58, 123_456)
        .expect("a moment");
    Post {
        title: title.to_string(),
        tags: strings(&["rust", "sql"]),
        labels: Some(strings(&["x"])),
        smalls: vec![1, -2],
        counts: vec![10, 20, 30],
        scores: Some(vec![7]),
        ratios: vec![0.5, -1.25],
        flags: vec![true, false, true],
        refs: vec![uuid("67e55044-10b1-426f-9247-bb680e5fe0c8")],
        prices: vec![dec("19.99"), dec("0.1")],
        days: vec![day(2024, 1, 31), day(1999, 12, 31)],
        times: vec![NaiveTime::from_hms_opt(9, 30, 0).expect("a time")],
        moments: vec![moment],
        stamps: vec![moment.and_utc()],
        moods: vec![Mood::Loud, Mood::Calm],
        ..Default::default()
    }
}

fn with_id(mut expected: Post, stored: &Post) -> Post {
    expected.id = stored.id;
    expected.meta = stored.meta;
    expected
}

async fn arrays_round_trip_every_element_type(db: &Db) -> R {
    setup(db).await?;
    let built = post("every type");
    let stored = db.repo.insert(built.clone()).await?;
    let read: Post = db.repo.must_get(stored.id).await?;
    assert_eq!(read, with_id(built, &stored));
    assert_eq!(stored, read, "what insert returns is what is stored");
    // What the column holds: a native array on Postgres, JSON text elsewhere.
    let sql = match db.kind {
        Kind::Postgres => "SELECT array_to_string(tags, '|') FROM arr_posts",
        Kind::MySql => "SELECT CAST(tags AS CHAR) FROM arr_posts",
        Kind::Sqlite => "SELECT tags FROM arr_posts",
    };
    let rows = db.repo.query_raw(sql, vec![], &[ValueType::String]).await?;
    let text = rows[0].values[0].as_str().unwrap_or_default().to_string();
    match db.kind {
        Kind::Postgres => assert_eq!(text, "rust|sql"),
        _ => assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text)?,
            json!(["rust", "sql"])
        ),
    }
    Ok(())
}

async fn arrays_null_and_empty_are_different(db: &Db) -> R {
    setup(db).await?;
    let empty = Post {
        tags: vec![],
        labels: Some(vec![]),
        smalls: vec![],
        counts: vec![],
        scores: Some(vec![]),
        ratios: vec![],
        flags: vec![],
        refs: vec![],
        prices: vec![],
        days: vec![],
        times: vec![],
        moments: vec![],
        stamps: vec![],
        moods: vec![],
        ..post("empty")
    };
    let null = Post {
        labels: None,
        scores: None,
        ..post("null")
    };
    let e = db.repo.insert(empty.clone()).await?;
    let n = db.repo.insert(null.clone()).await?;
    let read_e: Post = db.repo.must_get(e.id).await?;
    let read_n: Post = db.repo.must_get(n.id).await?;
    assert_eq!(read_e, with_id(empty, &e));
    assert_eq!(read_n, with_id(null, &n));
    let titles = |posts: Vec<Post>| -> Vec<String> { posts.into_iter().map(|p| p.title).collect() };
    assert_eq!(
        titles(
            db.repo
                .all(Post::query().filter(Post::labels.is_null()))
                .await?
        ),
        ["null"]
    );
    assert_eq!(
        titles(
            db.repo
                .all(Post::query().filter(Post::labels.is_not_null()))
                .await?
        ),
        ["empty"]
    );
    // An empty array is not NULL when it is written over one, and back.
    let filled = db
        .repo
        .update(Changeset::new(read_n).put_change(Post::labels, Some(vec![])))
        .await?;
    let read: Post = db.repo.must_get(filled.id).await?;
    assert_eq!(read.labels, Some(vec![]));
    let cleared = db
        .repo
        .update(Changeset::new(read).put_change(Post::labels, None))
        .await?;
    let read: Post = db.repo.must_get(cleared.id).await?;
    assert_eq!(read.labels, None);
    Ok(())
}

async fn arrays_hostile_strings_and_extremes_round_trip(db: &Db) -> R {
    setup(db).await?;
    let hostile = strings(&[
        "a,b",
        "\"quoted\"",
        "{braces}",
        "back\\slash",
        "'single'",
        "NULL",
        "",
        " ",
        "é ünï 🎉 日本",
        "line\nbreak\ttab",
        "[\"json\"]",
        "); DROP TABLE arr_posts; --",
    ]);
    let moment = NaiveDate::MIN
        .max(day(1, 1, 1))
        .and_hms_micro_opt(0, 0, 0, 1)
        .expect("a moment");
    let built = Post {
        tags: hostile.clone(),
        labels: Some(vec!["x".repeat(10_000)]),
        smalls: vec![i16::MIN, 0, i16::MAX],
        counts: vec![i32::MIN, i32::MAX],
        scores: Some(vec![i64::MIN, -1, 0, i64::MAX]),
        ratios: vec![f64::MAX, f64::MIN_POSITIVE, -0.0, 1e-300, 0.1],
        refs: vec![Uuid::nil(), Uuid::max()],
        prices: vec![
            Decimal::MAX,
            Decimal::MIN,
            dec("0.0000000000000000000000000001"),
        ],
        days: vec![day(1, 1, 1), day(9999, 12, 31)],
        times: vec![
            NaiveTime::from_hms_opt(0, 0, 0).expect("a time"),
            NaiveTime::from_hms_opt(23, 59, 59).expect("a time"),
        ],
        moments: vec![moment],
        stamps: vec![day(9999, 12, 31)
            .and_hms_micro_opt(23, 59, 59, 999_999)
            .expect("a moment")
            .and_utc()],
        ..post("extremes")
    };
    let stored = db.repo.insert(built.clone()).await?;
    let read: Post = db.repo.must_get(stored.id).await?;
    assert_eq!(read, with_id(built, &stored));
    assert_eq!(read.tags, hostile, "every string as written");
    assert_eq!(
        read.prices
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
        [
            Decimal::MAX.to_string(),
            Decimal::MIN.to_string(),
            "0.0000000000000000000000000001".to_string()
        ],
        "every digit"
    );
    // And found by an element holding the hostile characters.
    let found = db
        .repo
        .all(Post::query().filter(Post::tags.contains("); DROP TABLE arr_posts; --")))
        .await?;
    assert_eq!(found.len(), 1);
    let found = db
        .repo
        .all(Post::query().filter(Post::tags.contains_all(&["a,b", "\"quoted\"", ""])))
        .await?;
    assert_eq!(found.len(), 1);
    Ok(())
}

async fn arrays_cast_from_list_params(db: &Db) -> R {
    setup(db).await?;
    let fields = (
        Post::title,
        Post::tags,
        Post::labels,
        Post::scores,
        Post::refs,
        Post::moods,
    );
    let cs = Changeset::cast(
        post("cast"),
        json!({
            "title": "cast",
            "tags": ["a", "", " b "],
            "labels": [],
            "scores": [1, "2", -3],
            "refs": ["67E55044-10B1-426F-9247-BB680E5FE0C8"],
            "moods": ["calm"],
        }),
        fields,
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let stored = db.repo.insert(cs).await?;
    let read: Post = db.repo.must_get(stored.id).await?;
    assert_eq!(
        read.tags,
        strings(&["a", "", " b "]),
        "strings kept as given"
    );
    assert_eq!(read.labels, Some(vec![]), "an empty list is an empty array");
    assert_eq!(read.scores, Some(vec![1, 2, -3]));
    assert_eq!(
        read.refs,
        vec![uuid("67e55044-10b1-426f-9247-bb680e5fe0c8")]
    );
    assert_eq!(read.moods, vec![Mood::Calm]);
    // Blank or null: NULL, for the nullable field.
    let cs = Changeset::cast(read.clone(), json!({"labels": null, "scores": ""}), fields);
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let cleared = db.repo.update(cs).await?;
    assert_eq!((cleared.labels, cleared.scores), (None, None));

    // A list with an element that does not cast, and what is no list.
    let cs = Changeset::cast(
        post("bad"),
        json!({
            "tags": "a,b",
            "labels": ["ok", 1],
            "scores": [1, 2.5],
            "refs": ["not-a-uuid"],
            "moods": ["Calm"],
        }),
        fields,
    );
    assert!(!cs.is_valid());
    let errors: Vec<(String, String, serde_json::Value, serde_json::Value)> = cs
        .errors()
        .iter()
        .map(|(f, e)| {
            (
                f.clone(),
                e.message.clone(),
                e.meta("type").cloned().unwrap_or_default(),
                e.meta("validation").cloned().unwrap_or_default(),
            )
        })
        .collect();
    let row = |f: &str, ty: &str| {
        (
            f.to_string(),
            "is invalid".to_string(),
            json!(ty),
            json!("cast"),
        )
    };
    assert_eq!(
        errors,
        vec![
            row("tags", "{:array, :string}"),
            row("labels", "{:array, :string}"),
            row("scores", "{:array, :integer}"),
            row("refs", "{:array, :binary_id}"),
            row("moods", "{:array, :string}"),
        ]
    );
    let before = db.statement_count();
    let err = db.repo.insert(cs).await.expect_err("invalid");
    assert!(err.changeset::<Changeset<Post>>().is_some());
    assert_eq!(
        db.statement_count(),
        before,
        "no statement for an invalid changeset"
    );
    // A NULL element: a Vec<T> holds none.
    let cs = Changeset::cast(post("nil"), json!({"tags": ["a", null]}), fields);
    assert!(!cs.is_valid());
    Ok(())
}

async fn arrays_update_through_changesets(db: &Db) -> R {
    setup(db).await?;
    let stored = db.repo.insert(post("update")).await?;
    // The same list is no change.
    let same = Changeset::cast(stored.clone(), json!({"tags": ["rust", "sql"]}), Post::tags);
    assert!(same.changes().is_empty(), "{:?}", same.changes());
    // Another order is a change.
    let cs = Changeset::cast(
        stored.clone(),
        json!({"tags": ["sql", "rust", "new"]}),
        Post::tags,
    );
    assert!(!cs.changes().is_empty());
    let updated = db.repo.update(cs).await?;
    let read: Post = db.repo.must_get(updated.id).await?;
    assert_eq!(read.tags, strings(&["sql", "rust", "new"]));
    // Decimals compare numerically, element by element: 19.990 is 19.99.
    let cs = Changeset::cast(
        read.clone(),
        json!({"prices": ["19.990", 0.1]}),
        Post::prices,
    );
    assert!(cs.changes().is_empty(), "{:?}", cs.changes());
    // update_all with an array value.
    let n = db
        .repo
        .update_all(
            Post::query().filter(Post::id.eq(read.id)),
            Updates::new().set(Post::scores, Some(vec![1i64, 2, 3])),
        )
        .await?;
    assert_eq!(n, 1);
    let read: Post = db.repo.must_get(read.id).await?;
    assert_eq!(read.scores, Some(vec![1, 2, 3]));
    Ok(())
}

async fn arrays_contains_contains_all_overlaps(db: &Db) -> R {
    setup(db).await?;
    for (title, tags, scores) in [
        ("a", vec!["rust", "sql"], Some(vec![1i64, 2])),
        ("b", vec!["rust"], Some(vec![3])),
        ("c", vec!["go", "sql"], Some(vec![])),
        ("d", vec![], None),
    ] {
        db.repo
            .insert(Post {
                tags: strings(&tags),
                scores,
                ..post(title)
            })
            .await?;
    }
    let titles = |posts: Vec<Post>| -> Vec<String> { posts.into_iter().map(|p| p.title).collect() };
    let q = Post::query().order_by(Post::title.asc());
    macro_rules! run {
        ($cond:expr) => {
            db.repo.all(q.clone().filter($cond))
        };
    }
    assert_eq!(titles(run!(Post::tags.contains("rust")).await?), ["a", "b"]);
    assert_eq!(
        titles(run!(Post::tags.contains("Rust")).await?),
        Vec::<String>::new(),
        "case matters"
    );
    assert_eq!(
        titles(run!(Post::tags.contains("ru")).await?),
        Vec::<String>::new(),
        "whole elements"
    );
    assert_eq!(
        titles(run!(Post::tags.contains_all(&["rust", "sql"])).await?),
        ["a"]
    );
    assert_eq!(
        titles(run!(Post::tags.contains_all(&["sql"])).await?),
        ["a", "c"]
    );
    assert_eq!(
        titles(run!(Post::tags.contains_all::<&str>(&[])).await?),
        ["a", "b", "c", "d"],
        "every array holds no values"
    );
    assert_eq!(
        titles(run!(Post::tags.overlaps(&["go", "rust"])).await?),
        ["a", "b", "c"]
    );
    assert_eq!(
        titles(run!(Post::tags.overlaps(&["zig"])).await?),
        Vec::<String>::new()
    );
    assert_eq!(
        titles(run!(Post::tags.overlaps::<&str>(&[])).await?),
        Vec::<String>::new()
    );
    // On an Option<Vec<i64>> column: NULL holds nothing, not even no values.
    assert_eq!(titles(run!(Post::scores.contains(2i64)).await?), ["a"]);
    assert_eq!(
        titles(run!(Post::scores.contains_all(&[1i64, 2])).await?),
        ["a"]
    );
    assert_eq!(
        titles(run!(Post::scores.contains_all::<i64>(&[])).await?),
        ["a", "b", "c"],
        "a NULL array is not matched"
    );
    assert_eq!(
        titles(run!(Post::scores.overlaps(&[2i64, 3])).await?),
        ["a", "b"]
    );
    // Combined with other conditions, negated.
    assert_eq!(
        titles(
            run!(Post::tags
                .contains("sql")
                .and(Post::tags.contains("rust").not()))
            .await?
        ),
        ["c"]
    );
    // The values are bound, never written into the SQL.
    db.reset_statements();
    let _ = run!(Post::tags.overlaps(&["needle-in-sql"])).await?;
    assert!(db.statements().iter().all(|s| !s.contains("needle-in-sql")));
    Ok(())
}

async fn arrays_conditions_on_other_element_types(db: &Db) -> R {
    setup(db).await?;
    let one = uuid("00000000-0000-4000-8000-000000000001");
    let two = uuid("00000000-0000-4000-8000-000000000002");
    db.repo
        .insert(Post {
            refs: vec![one, two],
            prices: vec![dec("1.50"), dec("2")],
            days: vec![day(2024, 1, 1)],
            flags: vec![true],
            smalls: vec![5],
            counts: vec![-7],
            ratios: vec![0.25],
            moods: vec![Mood::Loud],
            ..post("x")
        })
        .await?;
    db.repo
        .insert(Post {
            refs: vec![two],
            flags: vec![false],
            moods: vec![],
            ..post("y")
        })
        .await?;
    let titles = |posts: Vec<Post>| -> Vec<String> { posts.into_iter().map(|p| p.title).collect() };
    let q = Post::query().order_by(Post::title.asc());
    macro_rules! run {
        ($cond:expr) => {
            db.repo.all(q.clone().filter($cond))
        };
    }
    assert_eq!(titles(run!(Post::refs.contains(one)).await?), ["x"]);
    assert_eq!(
        titles(run!(Post::refs.contains_all(&[two])).await?),
        ["x", "y"]
    );
    assert_eq!(
        titles(run!(Post::prices.contains(dec("1.5"))).await?),
        ["x"],
        "1.5 is 1.50"
    );
    assert_eq!(
        titles(run!(Post::days.contains(day(2024, 1, 1))).await?),
        ["x"]
    );
    assert_eq!(titles(run!(Post::flags.contains(false)).await?), ["y"]);
    assert_eq!(titles(run!(Post::smalls.contains(5i16)).await?), ["x"]);
    assert_eq!(titles(run!(Post::counts.overlaps(&[-7, 8])).await?), ["x"]);
    assert_eq!(titles(run!(Post::ratios.contains(0.25)).await?), ["x"]);
    assert_eq!(titles(run!(Post::moods.contains(Mood::Loud)).await?), ["x"]);
    Ok(())
}

async fn arrays_a_null_element_is_a_decode_error(db: &Db) -> R {
    setup(db).await?;
    let stored = db.repo.insert(post("nulls inside")).await?;
    let sql = match db.kind {
        Kind::Postgres => "UPDATE arr_posts SET tags = ARRAY['a', NULL]",
        _ => "UPDATE arr_posts SET tags = '[\"a\", null]'",
    };
    db.exec(sql).await?;
    match db.repo.get::<Post, _>(stored.id).await {
        Err(Error::Decode { column, .. }) => assert_eq!(column, "tags"),
        other => panic!("expected a decode error naming the column, got {other:?}"),
    }
    // Neither is JSON of another shape read as an array.
    if db.kind != Kind::Postgres {
        db.exec("UPDATE arr_posts SET tags = '{\"a\": 1}'").await?;
        assert!(matches!(
            db.repo.get::<Post, _>(stored.id).await,
            Err(Error::Decode { .. })
        ));
    }
    let _ = Value::Null(ValueType::String);
    Ok(())
}
