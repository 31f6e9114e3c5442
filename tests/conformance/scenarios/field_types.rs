//! The field types beyond the tutorial's (issue 15): UUIDs (keys quarry
//! generates, foreign keys, preload), exact decimals, times of day, enums
//! stored as strings or integers, and a type of the application's own
//! through `FieldType`. Tables are made with the migration DSL, so its types
//! are exercised on every database too. Table names start with `ft_`.

use crate::harness::{Db, Kind, Scenario, R};
use chrono::NaiveTime;
use quarry::migration::prelude::*;
use quarry::migration::{Migrator, Target};
use quarry::prelude::*;
use quarry::schema::{CastError, Decimal, FieldType, Json, Uuid, ValueError, ValueType};
use quarry::{Error, Value};
use serde_json::json;

pub fn all() -> Vec<Scenario> {
    crate::scenarios![
        types_uuid_decimal_time_enum_round_trip,
        types_nulls_of_the_new_types_round_trip,
        types_extremes_round_trip,
        types_uuid_keys_are_generated_and_preload,
        types_decimals_stay_exact,
        types_typed_comparisons,
        types_cast_rules_and_errors,
        types_unknown_enum_value_is_a_decode_error,
        types_custom_type_round_trips_and_compares,
        types_composite_key_get_update_delete,
        types_read_after_writes_reads_generated_columns_back,
    ]
}

/// A status stored as its string form.
#[derive(quarry::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Draft,
    InReview,
    #[quarry(rename = "live")]
    Published,
}

/// A priority stored as its integer.
#[derive(quarry::Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[quarry(integer)]
pub enum Priority {
    Low = 1,
    High = 10,
}

/// A document stored as JSON, typed.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prefs {
    pub theme: String,
    pub tags: Vec<String>,
    pub limit: Option<u32>,
}

/// An application's own type: an email address, stored as text, compared
/// without regard to case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Email(pub String);

impl FieldType for Email {
    const STORAGE: ValueType = ValueType::String;
    const NAME: &'static str = "email";
    fn cast(param: &serde_json::Value) -> Result<Self, CastError> {
        match param.as_str() {
            Some(s) if s.contains('@') => Ok(Email(s.to_string())),
            Some(_) => Err(CastError::new("is not an email address").with("kind", "email")),
            None => Err(CastError::invalid()),
        }
    }
    fn load(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::String(s) => Ok(Email(s)),
            other => Err(ValueError {
                expected: ValueType::String,
                found: other.value_type().to_string(),
            }),
        }
    }
    fn dump(&self) -> Value {
        Value::String(self.0.clone())
    }
    fn equal(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "ft_owners")]
pub struct Owner {
    pub meta: Meta,
    pub id: Uuid,
    pub name: String,
    #[quarry(has_many(preload_order(note)))]
    pub items: Assoc<Vec<Item>>,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "ft_items")]
pub struct Item {
    pub meta: Meta,
    pub id: Uuid,
    pub owner_id: Option<Uuid>,
    pub ref_id: Option<Uuid>,
    pub big: Decimal,
    pub fine: Decimal,
    pub price: Option<Decimal>,
    pub opens: NaiveTime,
    pub closes: Option<NaiveTime>,
    pub status: Status,
    pub maybe_status: Option<Status>,
    pub priority: Priority,
    pub maybe_priority: Option<Priority>,
    pub email: Option<Email>,
    pub prefs: Json<Prefs>,
    pub maybe_prefs: Option<Json<Prefs>>,
    pub note: String,
    #[quarry(belongs_to)]
    pub owner: Assoc<Option<Owner>>,
}

/// A composite primary key (a UUID and an integer), and a field whose column
/// has another name.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "ft_lines")]
pub struct Line {
    pub meta: Meta,
    #[quarry(primary_key, no_autogenerate)]
    pub order_id: Uuid,
    #[quarry(primary_key, no_autogenerate)]
    pub line: i32,
    #[quarry(column = "quantity")]
    pub qty: Decimal,
}

/// A column the database computes (a stored generated column).
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "ft_counters")]
pub struct Counter {
    pub meta: Meta,
    pub id: i64,
    pub n: i64,
    #[quarry(read_after_writes)]
    pub doubled: Option<i64>,
}

/// The same table without `read_after_writes`.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "ft_counters")]
pub struct PlainCounter {
    pub meta: Meta,
    pub id: i64,
    pub n: i64,
    pub doubled: Option<i64>,
}

struct Tables;

impl Migration for Tables {
    fn version(&self) -> i64 {
        20240101000000
    }
    fn name(&self) -> &str {
        "field_types"
    }
    fn change(&self, m: &mut Commands) {
        m.create_table(
            quarry::migration::table("ft_owners").primary_key("id", Type::Uuid),
            |t| {
                t.add("name", Type::String).null(false);
            },
        );
        m.create_table(
            quarry::migration::table("ft_items").primary_key("id", Type::Uuid),
            |t| {
                t.add("owner_id", references("ft_owners").ty(Type::Uuid));
                t.add("ref_id", Type::Uuid);
                // Every whole number a Decimal holds, and 28 places below one.
                t.add("big", Type::Decimal)
                    .precision(29)
                    .scale(0)
                    .null(false);
                t.add("fine", Type::Decimal)
                    .precision(29)
                    .scale(28)
                    .null(false);
                t.add("price", Type::Decimal).precision(12).scale(2);
                t.add("opens", Type::Time).null(false);
                t.add("closes", Type::Time);
                t.add("status", Type::String).null(false);
                t.add("maybe_status", Type::String);
                t.add("priority", Type::Integer).null(false);
                t.add("maybe_priority", Type::Integer);
                t.add("email", Type::String);
                t.add("prefs", Type::Map).null(false);
                t.add("maybe_prefs", Type::Map);
                t.add("note", Type::String).null(false);
            },
        );
        m.create_table(quarry::migration::table("ft_lines").no_primary_key(), |t| {
            t.add("order_id", Type::Uuid).primary_key();
            t.add("line", Type::Integer).primary_key();
            t.add("quantity", Type::Decimal)
                .precision(10)
                .scale(3)
                .null(false);
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

fn time(h: u32, m: u32, s: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, s).expect("a time")
}

fn item(note: &str) -> Item {
    Item {
        big: dec("12345678901234567890"),
        fine: dec("0.1"),
        price: Some(dec("19.99")),
        opens: time(9, 30, 0),
        closes: Some(time(17, 45, 30)),
        status: Status::InReview,
        maybe_status: Some(Status::Published),
        priority: Priority::High,
        maybe_priority: Some(Priority::Low),
        email: Some(Email("a@example.com".into())),
        prefs: Json(Prefs {
            theme: "dark ünï".into(),
            tags: vec!["a".into(), "b \"q\"".into()],
            limit: Some(u32::MAX),
        }),
        maybe_prefs: Some(Json(Prefs::default())),
        ref_id: Some(Uuid::parse_str("67e55044-10b1-426f-9247-bb680e5fe0c8").expect("uuid")),
        note: note.to_string(),
        ..Default::default()
    }
}

/// What `stored` should equal once read back: `expected` with the key and
/// state it was stored with.
fn as_stored(mut expected: Item, stored: &Item) -> Item {
    expected.id = stored.id;
    expected.meta = stored.meta;
    expected
}

async fn types_uuid_decimal_time_enum_round_trip(db: &Db) -> R {
    setup(db).await?;
    let built = item("round trip");
    let stored = db.repo.insert(built.clone()).await?;
    assert!(!stored.id.is_nil(), "quarry generated the key");
    let read: Item = db.repo.must_get(stored.id).await?;
    assert_eq!(read, as_stored(built, &stored));
    assert_eq!(stored, read, "what insert returns is what is stored");
    // By their text too: the column holds the variant's string form and the
    // integer enum's integer.
    let rows = db
        .repo
        .query_raw(
            "SELECT status, priority FROM ft_items",
            vec![],
            &[ValueType::String, ValueType::I64],
        )
        .await?;
    assert_eq!(
        rows[0].values,
        vec![Value::String("in_review".into()), Value::I64(10)]
    );
    Ok(())
}

async fn types_nulls_of_the_new_types_round_trip(db: &Db) -> R {
    setup(db).await?;
    let built = Item {
        ref_id: None,
        price: None,
        closes: None,
        maybe_status: None,
        maybe_priority: None,
        email: None,
        maybe_prefs: None,
        ..item("nulls")
    };
    let stored = db.repo.insert(built.clone()).await?;
    let read: Item = db.repo.must_get(stored.id).await?;
    assert_eq!(read, as_stored(built, &stored));
    // Set each, then clear each again.
    let set = db
        .repo
        .update(
            Changeset::new(read)
                .put_change(Item::price, Some(dec("1.50")))
                .put_change(Item::closes, Some(time(1, 2, 3)))
                .put_change(Item::maybe_status, Some(Status::Draft))
                .put_change(Item::ref_id, Some(Uuid::max())),
        )
        .await?;
    let read: Item = db.repo.must_get(set.id).await?;
    assert_eq!(
        (read.price, read.closes, read.maybe_status, read.ref_id),
        (
            Some(dec("1.5")),
            Some(time(1, 2, 3)),
            Some(Status::Draft),
            Some(Uuid::max())
        )
    );
    let cleared = db
        .repo
        .update(
            Changeset::new(read)
                .put_change(Item::price, None)
                .put_change(Item::closes, None)
                .put_change(Item::maybe_status, None)
                .put_change(Item::ref_id, None),
        )
        .await?;
    let read: Item = db.repo.must_get(cleared.id).await?;
    assert_eq!(
        (read.price, read.closes, read.maybe_status, read.ref_id),
        (None, None, None, None)
    );
    Ok(())
}

async fn types_extremes_round_trip(db: &Db) -> R {
    setup(db).await?;
    let cases = [
        (
            Decimal::MAX,
            dec("0.0000000000000000000000000001"),
            Uuid::nil(),
            time(0, 0, 0),
        ),
        (
            Decimal::MIN,
            dec("-7.9228162514264337593543950335"),
            Uuid::max(),
            time(23, 59, 59),
        ),
        (
            Decimal::ZERO,
            dec("1.2345678901234567890123456789"),
            Uuid::nil(),
            time(12, 0, 0),
        ),
    ];
    for (i, (big, fine, reference, opens)) in cases.into_iter().enumerate() {
        let built = Item {
            big,
            fine,
            ref_id: Some(reference),
            opens,
            ..item(&format!("extreme {i}"))
        };
        let stored = db.repo.insert(built.clone()).await?;
        let read: Item = db.repo.must_get(stored.id).await?;
        assert_eq!(read, as_stored(built, &stored), "case {i}");
        assert_eq!(
            read.big.to_string(),
            big.to_string(),
            "case {i}: every digit"
        );
        assert_eq!(
            read.fine.normalize().to_string(),
            fine.normalize().to_string(),
            "case {i}: every place"
        );
    }
    Ok(())
}

async fn types_uuid_keys_are_generated_and_preload(db: &Db) -> R {
    setup(db).await?;
    let owner = db
        .repo
        .insert(Owner {
            name: "Ada".into(),
            ..Default::default()
        })
        .await?;
    let other = db
        .repo
        .insert(Owner {
            name: "Bob".into(),
            ..Default::default()
        })
        .await?;
    assert!(!owner.id.is_nil() && owner.id != other.id);
    assert_eq!(owner.id.get_version_num(), 4, "a random (v4) UUID");
    // A key the struct sets is kept.
    let chosen = Uuid::parse_str("00000000-0000-4000-8000-000000000001")?;
    let third = db
        .repo
        .insert(Owner {
            id: chosen,
            name: "Cy".into(),
            ..Default::default()
        })
        .await?;
    assert_eq!(third.id, chosen);
    for (note, owner_id) in [("b", owner.id), ("a", owner.id), ("c", other.id)] {
        db.repo
            .insert(Item {
                owner_id: Some(owner_id),
                ..item(note)
            })
            .await?;
    }
    // get by the key's text, cast as Ecto casts it.
    let found: Option<Owner> = db.repo.get(owner.id.to_string().to_uppercase()).await?;
    assert_eq!(found.as_ref().map(|o| o.id), Some(owner.id));
    let bad = db.repo.get::<Owner, _>("not-a-uuid").await;
    assert!(matches!(bad, Err(Error::InvalidValue { .. })), "{bad:?}");

    let owners: Vec<Owner> = db
        .repo
        .all(Owner::query().order_by(Owner::name.asc()))
        .await?;
    let owners = db.repo.preload(owners, Owner::items).await?;
    let notes: Vec<Vec<&str>> = owners
        .iter()
        .map(|o| Ok(o.items.get()?.iter().map(|i| i.note.as_str()).collect()))
        .collect::<Result<_, Error>>()?;
    assert_eq!(notes, vec![vec!["a", "b"], vec!["c"], vec![]]);

    let items: Vec<Item> = db
        .repo
        .all(Item::query().order_by(Item::note.asc()))
        .await?;
    let items = db.repo.preload(items, Item::owner).await?;
    let names: Vec<Option<String>> = items
        .iter()
        .map(|i| Ok(i.owner.get()?.as_ref().map(|o| o.name.clone())))
        .collect::<Result<_, Error>>()?;
    assert_eq!(
        names,
        vec![Some("Ada".into()), Some("Ada".into()), Some("Bob".into())]
    );
    // The foreign key is enforced by the database (on SQLite too).
    let orphan = db
        .repo
        .insert(Item {
            owner_id: Some(Uuid::max()),
            ..item("orphan")
        })
        .await;
    assert!(
        matches!(
            &orphan,
            Err(Error::Constraint { name, .. }) if name == "ft_items_owner_id_fkey"
        ),
        "{orphan:?}"
    );
    Ok(())
}

async fn types_decimals_stay_exact(db: &Db) -> R {
    setup(db).await?;
    // 0.1 + 0.2 as floats is 0.30000000000000004; as decimals it is 0.3.
    let cs = Changeset::cast(
        item("exact"),
        json!({"fine": 0.1, "big": "100000000000000000000000000", "price": "0.2"}),
        (Item::fine, Item::big, Item::price),
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let stored = db.repo.insert(cs).await?;
    let read: Item = db.repo.must_get(stored.id).await?;
    assert_eq!(read.fine.normalize().to_string(), "0.1");
    assert_eq!(read.big.to_string(), "100000000000000000000000000");
    assert_eq!(read.fine + read.price.ok_or("price")?, dec("0.3"));
    // Stored as written: on SQLite the column holds the exact text.
    if db.kind == Kind::Sqlite {
        let rows = db
            .repo
            .query_raw(
                "SELECT fine, typeof(fine) FROM ft_items",
                vec![],
                &[ValueType::String, ValueType::String],
            )
            .await?;
        assert_eq!(
            rows[0].values,
            vec![Value::String("0.1".into()), Value::String("text".into())]
        );
    }
    // Equal decimals of different scales are no change.
    let cs = Changeset::cast(read, json!({"fine": "0.10000"}), Item::fine);
    assert!(!cs.has_change(Item::fine), "{:?}", cs.changes());
    Ok(())
}

async fn types_typed_comparisons(db: &Db) -> R {
    setup(db).await?;
    let cheap = db
        .repo
        .insert(Item {
            price: Some(dec("9.99")),
            status: Status::Draft,
            opens: time(8, 0, 0),
            priority: Priority::Low,
            ..item("cheap")
        })
        .await?;
    let dear = db
        .repo
        .insert(Item {
            price: Some(dec("100.00")),
            status: Status::Published,
            opens: time(10, 0, 0),
            ref_id: None,
            ..item("dear")
        })
        .await?;
    let notes = |items: Vec<Item>| -> Vec<String> { items.into_iter().map(|i| i.note).collect() };
    let q = Item::query().order_by(Item::note.asc());
    assert_eq!(
        notes(
            db.repo
                .all(q.clone().filter(Item::price.eq(dec("9.990"))))
                .await?
        ),
        ["cheap"],
        "an equal decimal of another scale"
    );
    if db.kind != Kind::Sqlite {
        // SQLite keeps decimals as text: ordered comparisons there compare text
        // (docs/types.md).
        assert_eq!(
            notes(
                db.repo
                    .all(q.clone().filter(Item::price.gt(dec("10"))))
                    .await?
            ),
            ["dear"]
        );
    }
    assert_eq!(
        notes(
            db.repo
                .all(q.clone().filter(Item::status.eq(Status::Published)))
                .await?
        ),
        ["dear"]
    );
    assert_eq!(
        notes(
            db.repo
                .all(
                    q.clone()
                        .filter(Item::status.in_list([Status::Draft, Status::InReview]))
                )
                .await?
        ),
        ["cheap"]
    );
    assert_eq!(
        notes(
            db.repo
                .all(q.clone().filter(Item::priority.eq(Priority::Low)))
                .await?
        ),
        ["cheap"]
    );
    assert_eq!(
        notes(
            db.repo
                .all(q.clone().filter(Item::opens.lt(time(9, 0, 0))))
                .await?
        ),
        ["cheap"]
    );
    assert_eq!(
        notes(db.repo.all(q.clone().filter(Item::id.eq(dear.id))).await?),
        ["dear"]
    );
    assert_eq!(
        notes(
            db.repo
                .all(q.clone().filter(Item::ref_id.is_null()))
                .await?
        ),
        ["dear"]
    );
    assert_eq!(
        notes(
            db.repo
                .all(
                    q.clone()
                        .filter(Item::ref_id.eq(cheap.ref_id.ok_or("ref")?))
                )
                .await?
        ),
        ["cheap"]
    );
    assert_eq!(
        notes(
            db.repo
                .all(
                    q.clone()
                        .filter(Item::email.eq(Email("a@example.com".into())))
                )
                .await?
        ),
        ["cheap", "dear"]
    );
    Ok(())
}

async fn types_cast_rules_and_errors(db: &Db) -> R {
    setup(db).await?;
    let fields = (
        Item::ref_id,
        Item::fine,
        Item::closes,
        Item::status,
        Item::priority,
        Item::email,
        Item::prefs,
    );
    let cs = Changeset::cast(
        Item::default(),
        json!({
            "prefs": {"theme": "light", "tags": ["x"], "limit": null},
            "ref_id": "67E55044-10B1-426F-9247-BB680E5FE0C8",
            "fine": "-1.25",
            "closes": "18:30",
            "status": "live",
            "priority": "high",
            "email": "Me@Example.com",
        }),
        fields,
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let stored = db.repo.insert(cs).await?;
    assert_eq!(
        (
            stored.ref_id.map(|u| u.to_string()),
            stored.fine,
            stored.closes,
            stored.status,
            stored.priority,
        ),
        (
            Some("67e55044-10b1-426f-9247-bb680e5fe0c8".to_string()),
            dec("-1.25"),
            Some(time(18, 30, 0)),
            Status::Published,
            Priority::High
        )
    );
    assert_eq!(
        stored.prefs,
        Json(Prefs {
            theme: "light".into(),
            tags: vec!["x".into()],
            limit: None
        })
    );
    // Blank is NULL; the integer of an integer enum casts as well.
    let cs = Changeset::cast(
        stored.clone(),
        json!({"ref_id": " ", "closes": "", "priority": 1}),
        fields,
    );
    assert!(cs.is_valid(), "{:?}", cs.errors());
    let cleared = db.repo.update(cs).await?;
    assert_eq!(
        (cleared.ref_id, cleared.closes, cleared.priority),
        (None, None, Priority::Low)
    );

    let cs = Changeset::cast(
        Item::default(),
        json!({
            "ref_id": "67e5504410b1426f9247bb680e5fe0c8",
            "fine": "0.1abc",
            "closes": "25:00",
            "status": "Published",
            "priority": 3,
            "email": "nobody",
            "prefs": {"theme": 7},
        }),
        fields,
    );
    assert!(!cs.is_valid());
    let types: Vec<(String, String, serde_json::Value, serde_json::Value)> = cs
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
    let cast = json!("cast");
    assert_eq!(
        types,
        vec![
            (
                "ref_id".into(),
                "is invalid".into(),
                json!("binary_id"),
                cast.clone()
            ),
            (
                "fine".into(),
                "is invalid".into(),
                json!("decimal"),
                cast.clone()
            ),
            (
                "closes".into(),
                "is invalid".into(),
                json!("time"),
                cast.clone()
            ),
            (
                "status".into(),
                "is invalid".into(),
                json!("enum"),
                cast.clone()
            ),
            (
                "priority".into(),
                "is invalid".into(),
                json!("enum"),
                cast.clone()
            ),
            (
                "email".into(),
                "is not an email address".into(),
                json!("email"),
                cast.clone()
            ),
            ("prefs".into(), "is invalid".into(), json!("map"), cast),
        ]
    );
    assert_eq!(cs.errors()[5].1.meta("kind"), Some(&json!("email")));
    let invalid = db.repo.insert(cs).await;
    assert!(matches!(invalid, Err(Error::Invalid(_))), "{invalid:?}");
    Ok(())
}

async fn types_unknown_enum_value_is_a_decode_error(db: &Db) -> R {
    setup(db).await?;
    let stored = db.repo.insert(item("mystery")).await?;
    db.exec("UPDATE ft_items SET status = 'purple'").await?;
    match db.repo.get::<Item, _>(stored.id).await {
        Err(Error::Decode { column, found, .. }) => {
            assert_eq!(column, "status");
            assert!(found.contains("purple"), "{found}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    db.exec("UPDATE ft_items SET status = 'draft', priority = 7")
        .await?;
    match db.repo.get::<Item, _>(stored.id).await {
        Err(Error::Decode { column, found, .. }) => {
            assert_eq!(column, "priority");
            assert!(found.contains('7'), "{found}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // A document of another shape than the typed JSON field's.
    db.exec(r#"UPDATE ft_items SET priority = 1, prefs = '{"theme": 1}'"#)
        .await?;
    match db.repo.get::<Item, _>(stored.id).await {
        Err(Error::Decode { column, .. }) => assert_eq!(column, "prefs"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    Ok(())
}

async fn types_custom_type_round_trips_and_compares(db: &Db) -> R {
    setup(db).await?;
    let stored = db.repo.insert(item("custom")).await?;
    // The type's own equality: the same address in other case is no change.
    let cs = Changeset::cast(
        stored.clone(),
        json!({"email": "A@EXAMPLE.COM"}),
        Item::email,
    );
    assert!(
        cs.is_valid() && !cs.has_change(Item::email),
        "{:?}",
        cs.changes()
    );
    let cs = Changeset::cast(stored, json!({"email": "b@example.com"}), Item::email);
    let updated = db.repo.update(cs).await?;
    let read: Item = db.repo.must_get(updated.id).await?;
    assert_eq!(read.email, Some(Email("b@example.com".into())));
    Ok(())
}

async fn types_composite_key_get_update_delete(db: &Db) -> R {
    setup(db).await?;
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    for (order_id, line, qty) in [(a, 1, "1.5"), (a, 2, "2.25"), (b, 1, "7")] {
        db.repo
            .insert(Line {
                order_id,
                line,
                qty: dec(qty),
                ..Default::default()
            })
            .await?;
    }
    // get by a tuple, each part cast to its field's type as Ecto casts.
    let second: Line = db.repo.must_get((a, 2)).await?;
    assert_eq!(second.qty, dec("2.25"));
    let same: Option<Line> = db.repo.get((a.to_string(), "2")).await?;
    assert_eq!(same.as_ref(), Some(&second));
    assert!(db.repo.get::<Line, _>((b, 2)).await?.is_none());
    let wrong = db.repo.get::<Line, _>(a).await;
    assert!(
        matches!(wrong, Err(Error::InvalidValue { .. })),
        "{wrong:?}"
    );
    // update and delete by every key part: the other rows are untouched.
    db.repo
        .update(Changeset::new(second).put_change(Line::qty, dec("3")))
        .await?;
    let first: Line = db.repo.must_get((a, 1)).await?;
    db.repo.delete(first).await?;
    let mut left: Vec<(String, i32, String)> = db
        .repo
        .all(Line::query())
        .await?
        .into_iter()
        .map(|l| {
            (
                l.order_id.to_string(),
                l.line,
                l.qty.normalize().to_string(),
            )
        })
        .collect();
    left.sort();
    let mut want = vec![
        (a.to_string(), 2, "3".to_string()),
        (b.to_string(), 1, "7".to_string()),
    ];
    want.sort();
    assert_eq!(left, want);
    Ok(())
}

async fn types_read_after_writes_reads_generated_columns_back(db: &Db) -> R {
    let pk = match db.kind {
        Kind::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Kind::Postgres => "BIGSERIAL PRIMARY KEY",
        Kind::MySql => "BIGINT AUTO_INCREMENT PRIMARY KEY",
    };
    db.exec(&format!(
        "CREATE TABLE ft_counters (id {pk}, n BIGINT NOT NULL, doubled BIGINT GENERATED ALWAYS AS (n * 2) STORED)"
    ))
    .await?;
    // An insert reads every column back.
    let c = db
        .repo
        .insert(Counter {
            n: 2,
            ..Default::default()
        })
        .await?;
    assert_eq!(c.doubled, Some(4));
    let c = db
        .repo
        .update(Changeset::new(c).put_change(Counter::n, 5))
        .await?;
    assert_eq!(c.doubled, Some(10), "read back after the update");
    // Without it, the struct keeps what it had.
    let p: PlainCounter = db.repo.must_get(c.id).await?;
    let p = db
        .repo
        .update(Changeset::new(p).put_change(PlainCounter::n, 6))
        .await?;
    assert_eq!(p.doubled, Some(10));
    let stored: PlainCounter = db.repo.must_get(p.id).await?;
    assert_eq!(stored.doubled, Some(12));
    Ok(())
}
