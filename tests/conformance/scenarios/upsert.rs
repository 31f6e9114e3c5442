//! Upserts: insert, or on a conflict with a stored row do what `OnConflict`
//! says, and get the stored row back on every database.

use crate::harness::{Db, Kind, R};
use crate::schemas::{product, store, user, Label, Product, User};
use async_trait::async_trait;
use quarry::driver::{Backend, Driver, ExecResult, RowSink, RunOptions, Statement, TxDriver};
use quarry::prelude::*;
use quarry::query::OnConflict;
use quarry::Error;

fn at(day: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2020, 1, day)
        .and_then(|d| d.and_hms_opt(3, 4, 5))
        .expect("date")
}

fn with_email(name: &str, email: &str, age: Option<i32>) -> User {
    User {
        email: Some(email.into()),
        age,
        ..user(name)
    }
}

pub async fn second_insert_returns_the_stored_row_with_replaced_fields(db: &Db) -> R {
    let first = db
        .repo
        .insert(with_email("Ann", "ann@example.com", Some(30)))
        .await?;
    let again = db
        .repo
        .upsert(
            with_email("Annie", "ann@example.com", Some(31)),
            OnConflict::replace((User::name, User::age)).target(User::email),
        )
        .await?;
    assert_eq!(again.id, first.id, "the stored row, not a new one");
    assert_eq!((again.name.as_str(), again.age), ("Annie", Some(31)));
    assert_eq!(again.meta.state(), State::Loaded);
    let stored: User = db.repo.must_get(first.id).await?;
    assert_eq!(stored, again, "what comes back is what is stored");
    assert_eq!(db.repo.count(User::query()).await?, 1);
    // No conflict: an ordinary insert, its row returned.
    let other = db
        .repo
        .upsert(
            with_email("Bo", "bo@example.com", None),
            OnConflict::replace(User::name).target(User::email),
        )
        .await?;
    assert!(other.id > first.id);
    assert_eq!(other.name, "Bo");
    assert_eq!(db.repo.count(User::query()).await?, 2);
    Ok(())
}

pub async fn replace_all_keeps_the_key_and_inserted_at(db: &Db) -> R {
    let first = db
        .repo
        .insert(
            Changeset::new(with_email("Ann", "a@x.org", Some(30)))
                .put_change(User::inserted_at, at(1))
                .put_change(User::updated_at, at(1)),
        )
        .await?;
    let again = db
        .repo
        .upsert(
            Changeset::new(with_email("Annie", "a@x.org", None))
                .put_change(User::inserted_at, at(5))
                .put_change(User::updated_at, at(5)),
            OnConflict::replace_all().target(User::email),
        )
        .await?;
    assert_eq!(again.id, first.id);
    assert_eq!(again.name, "Annie");
    assert_eq!(again.age, None, "replace_all writes the proposed NULL too");
    assert_eq!(
        again.inserted_at,
        at(1),
        "inserted_at is when it was inserted"
    );
    assert_eq!(again.updated_at, at(5));
    let except = db
        .repo
        .upsert(
            with_email("Ann again", "a@x.org", Some(44)),
            OnConflict::replace_all_except(User::name).target(User::email),
        )
        .await?;
    assert_eq!((except.name.as_str(), except.age), ("Annie", Some(44)));
    assert_eq!(db.repo.must_get::<User, _>(first.id).await?, except);
    Ok(())
}

pub async fn nothing_returns_the_stored_row_as_it_was(db: &Db) -> R {
    let first = db
        .repo
        .insert(with_email("Ann", "a@x.org", Some(30)))
        .await?;
    let kept = db
        .repo
        .upsert(
            with_email("Other", "a@x.org", Some(99)),
            OnConflict::nothing().target(User::email),
        )
        .await?;
    assert_eq!(kept, first, "the stored row, untouched");
    let fresh = db
        .repo
        .upsert(
            with_email("New", "n@x.org", None),
            OnConflict::nothing().target(User::email),
        )
        .await?;
    assert_eq!(fresh.name, "New");
    assert_ne!(fresh.id, first.id);
    Ok(())
}

pub async fn update_applies_to_the_stored_row(db: &Db) -> R {
    let owner = db.repo.insert(user("Owner")).await?;
    let shop = db.repo.insert(store("Shop", Some(owner.id))).await?;
    let mut p = product("Tulip", 2.0);
    p.store_id = Some(shop.id);
    p.stock = 3;
    let first = db.repo.insert(p.clone()).await?;
    let bump = || {
        OnConflict::update(
            Updates::new()
                .inc(Product::stock, 5)
                .set(Product::description, "restocked"),
        )
        .target((Product::name, Product::store_id))
    };
    let again = db.repo.upsert(p.clone(), bump()).await?;
    assert_eq!(again.id, first.id);
    assert_eq!(again.stock, 8, "the stored stock plus 5");
    assert_eq!(again.description.as_deref(), Some("restocked"));
    assert_eq!(again.price, Some(2.0));
    let third = db.repo.upsert(p, bump()).await?;
    assert_eq!(third.stock, 13);
    assert_eq!(db.repo.count(Product::query()).await?, 1);
    Ok(())
}

pub async fn constraint_target(db: &Db) -> R {
    let label = |text: &str| Label {
        code: "red".into(),
        text: text.into(),
        ..Default::default()
    };
    db.repo.insert(label("Red")).await?;
    // Postgres names the primary key's constraint `labels_pkey`.
    let on = || OnConflict::replace(Label::text).target_constraint("labels_pkey");
    let result = db.repo.upsert(label("Crimson"), on()).await;
    match db.kind {
        Kind::Sqlite => {
            assert!(
                matches!(result, Err(Error::Unsupported { .. })),
                "SQLite has no ON CONFLICT ON CONSTRAINT: {result:?}"
            );
            assert_eq!(db.repo.must_get::<Label, _>("red").await?.text, "Red");
        }
        Kind::Postgres | Kind::MySql => {
            let stored = result?;
            assert_eq!(
                (stored.code.as_str(), stored.text.as_str()),
                ("red", "Crimson")
            );
            assert_eq!(db.repo.must_get::<Label, _>("red").await?.text, "Crimson");
        }
    }
    // A key that is not database-generated, targeted by its field.
    let by_field = db
        .repo
        .upsert(
            label("Scarlet"),
            OnConflict::replace(Label::text).target(Label::code),
        )
        .await?;
    assert_eq!(by_field.text, "Scarlet");
    Ok(())
}

pub async fn upsert_errors_are_typed(db: &Db) -> R {
    // An invalid changeset sends nothing.
    let cs = Changeset::cast(User::default(), serde_json::json!({"name": ""}), User::name)
        .validate_required(User::name);
    db.reset_statements();
    let err = db
        .repo
        .upsert(cs, OnConflict::replace_all().target(User::email))
        .await
        .expect_err("invalid");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    assert_eq!(db.statement_count(), 0);
    // A virtual field is no conflict target.
    let err = db
        .repo
        .upsert(
            product("A", 1.0),
            OnConflict::nothing().target(Product::note),
        )
        .await
        .expect_err("virtual target");
    assert!(matches!(err, Error::InvalidValue { .. }), "{err:?}");
    assert_eq!(db.statement_count(), 0);
    // A violation of another constraint maps to the changeset's error.
    let mut p = product("B", 1.0);
    p.stock = -1;
    let cs = Changeset::new(p).check_constraint(Product::stock, "stock_not_negative");
    let err = db
        .repo
        .upsert(cs, OnConflict::replace_all().target(Product::id))
        .await
        .expect_err("check");
    let cs = err
        .changeset::<Changeset<Product>>()
        .expect("the changeset comes back");
    assert_eq!(cs.error_messages()["stock"], vec!["is invalid"]);
    Ok(())
}

pub async fn upsert_all_counts_and_returns_the_stored_rows(db: &Db) -> R {
    let ann = db
        .repo
        .insert(with_email("Ann", "a@x.org", Some(1)))
        .await?;
    let bo = db.repo.insert(with_email("Bo", "b@x.org", Some(2))).await?;
    let rows = vec![
        with_email("Ann 2", "a@x.org", Some(10)),
        with_email("Cy", "c@x.org", Some(3)),
        with_email("Bo 2", "b@x.org", Some(20)),
    ];
    let on = || OnConflict::replace((User::name, User::age)).target(User::email);
    let count = db.repo.upsert_all(rows.clone(), on()).await?;
    match db.kind {
        // MySQL counts an updated row twice.
        Kind::MySql => assert_eq!(count, 5),
        _ => assert_eq!(count, 3),
    }
    let all = db
        .repo
        .all(User::query().order_by(User::email.asc()))
        .await?;
    let got: Vec<(&str, Option<i32>)> = all.iter().map(|u| (u.name.as_str(), u.age)).collect();
    assert_eq!(
        got,
        [("Ann 2", Some(10)), ("Bo 2", Some(20)), ("Cy", Some(3))]
    );
    assert_eq!((all[0].id, all[1].id), (ann.id, bo.id));

    let again = vec![
        with_email("Ann 3", "a@x.org", None),
        with_email("Di", "d@x.org", Some(4)),
    ];
    let returned = db.repo.upsert_all_returning(again, on()).await;
    if db.repo.driver().backend().capabilities.insert_returning {
        let (n, stored) = returned?;
        assert_eq!(n, 2);
        let got: Vec<(i64, &str)> = stored.iter().map(|u| (u.id, u.name.as_str())).collect();
        assert_eq!(got[0], (ann.id, "Ann 3"));
        assert_eq!(got[1].1, "Di");
        assert!(stored.iter().all(|u| u.meta.state() == State::Loaded));
    } else {
        assert!(
            matches!(returned, Err(Error::Unsupported { .. })),
            "{returned:?}"
        );
    }
    Ok(())
}

pub async fn upsert_all_nothing_skips_the_conflicting_rows(db: &Db) -> R {
    let ann = db
        .repo
        .insert(with_email("Ann", "a@x.org", Some(1)))
        .await?;
    let rows = vec![
        with_email("Not Ann", "a@x.org", Some(9)),
        with_email("Cy", "c@x.org", Some(3)),
    ];
    let on = || OnConflict::nothing().target(User::email);
    let count = db.repo.upsert_all(rows.clone(), on()).await?;
    match db.kind {
        // quarry's MySQL connections count the rows found (CLIENT_FOUND_ROWS):
        // the row left as it was counts 1.
        Kind::MySql => assert_eq!(count, 2),
        _ => assert_eq!(count, 1, "only Cy is inserted"),
    }
    assert_eq!(db.repo.must_get::<User, _>(ann.id).await?, ann);
    assert_eq!(db.repo.count(User::query()).await?, 2);
    if db.repo.driver().backend().capabilities.insert_returning {
        let (n, stored) = db.repo.upsert_all_returning(rows, on()).await?;
        assert_eq!(n, 2, "every row given comes back, as stored");
        assert_eq!(stored[0], ann);
        assert_eq!(stored[1].name, "Cy");
    }
    Ok(())
}

pub async fn upsert_all_over_several_statements(db: &Db) -> R {
    let max = db.repo.driver().backend().capabilities.max_params;
    // Rows of 4 columns (name, email and the timestamps): more than one
    // statement's worth, the last row a duplicate of the first.
    let n = max / 4 + 10;
    let mut rows: Vec<User> = (0..n)
        .map(|i| with_email(&format!("U{i}"), &format!("u{i}@x.org"), None))
        .collect();
    if let Some(last) = rows.last_mut() {
        last.email = Some("u0@x.org".into());
        last.name = "Dup".into();
    }
    let on = OnConflict::update(Updates::new().set(User::age, Some(1))).target(User::email);
    // The duplicate in the last statement conflicts with a row of the first:
    // it updates it.
    db.repo.upsert_all(rows, on).await?;
    assert_eq!(db.repo.count(User::query()).await?, i64::try_from(n - 1)?);
    assert_eq!(
        db.repo
            .count(User::query().filter(User::age.eq(Some(1))))
            .await?,
        1
    );
    Ok(())
}

/// A driver that hides the database's RETURNING, so the read-back path
/// (MySQL's) runs on every database.
struct NoReturning<'a> {
    inner: &'a dyn Driver,
    backend: Backend,
}

struct NoReturningTx {
    inner: Box<dyn TxDriver>,
    backend: Backend,
}

fn without_returning(backend: &Backend) -> Backend {
    let mut b = backend.clone();
    b.capabilities.insert_returning = false;
    b
}

#[async_trait]
impl Driver for NoReturning<'_> {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> quarry::Result<ExecResult> {
        self.inner.run(stmt, options, rows).await
    }
    async fn begin(&self) -> quarry::Result<Box<dyn TxDriver>> {
        Ok(Box::new(NoReturningTx {
            inner: self.inner.begin().await?,
            backend: self.backend.clone(),
        }))
    }
}

#[async_trait]
impl Driver for NoReturningTx {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> quarry::Result<ExecResult> {
        self.inner.run(stmt, options, rows).await
    }
    fn is_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> quarry::Result<Box<dyn TxDriver>> {
        self.inner.begin().await
    }
}

#[async_trait]
impl TxDriver for NoReturningTx {
    async fn commit(&self) -> quarry::Result<()> {
        self.inner.commit().await
    }
    async fn rollback(&self) -> quarry::Result<()> {
        self.inner.rollback().await
    }
}

#[async_trait]
impl Repo for NoReturning<'_> {
    fn driver(&self) -> &dyn Driver {
        self
    }
}

pub async fn without_returning_the_row_is_read_back(db: &Db) -> R {
    let repo = NoReturning {
        inner: db.repo.driver(),
        backend: without_returning(db.repo.driver().backend()),
    };
    // (Plain inserts through the real repo: without RETURNING, Postgres
    // reports no generated key for them to be read back by.)
    let first = db
        .repo
        .insert(with_email("Ann", "a@x.org", Some(1)))
        .await?;
    db.reset_statements();
    let again = repo
        .upsert(
            with_email("Annie", "a@x.org", Some(2)),
            OnConflict::replace(User::name).target(User::email),
        )
        .await?;
    assert_eq!(
        (again.id, again.name.as_str(), again.age),
        (first.id, "Annie", Some(1))
    );
    if db.kind == Kind::MySql {
        let sql = db.statements().join("\n");
        assert!(sql.contains("LAST_INSERT_ID(`users`.`id`)"), "{sql}");
    }
    let kept = repo
        .upsert(
            with_email("Other", "a@x.org", None),
            OnConflict::nothing().target(User::email),
        )
        .await?;
    assert_eq!(kept, again);
    let fresh = repo
        .upsert(
            with_email("Cy", "c@x.org", None),
            OnConflict::nothing().target(User::email),
        )
        .await?;
    assert_eq!(fresh.name, "Cy");
    assert_ne!(fresh.id, first.id);
    // A key that is not generated: read back by the primary key written.
    let label = |text: &str| Label {
        code: "red".into(),
        text: text.into(),
        ..Default::default()
    };
    db.repo.insert(label("Red")).await?;
    let l = repo
        .upsert(
            label("Crimson"),
            OnConflict::replace(Label::text).target(Label::code),
        )
        .await?;
    assert_eq!(l.text, "Crimson");
    Ok(())
}
