//! SQL snapshots: the exact SQL (and bound values) every query construct compiles
//! to on Postgres, MySQL/MariaDB and SQLite, pinned with [insta] in
//! `tests/snapshots/sql_snapshots__<construct>.snap` (one file per construct) so
//! a change to emitted SQL is a visible diff.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test sql_snapshots`
//! rewrites the files in place (or, with `cargo-insta` installed,
//! `cargo insta test --review`). By default a mismatch writes a
//! `.snap.new` beside the file and fails; on CI (`CI` set, or `INSTA_UPDATE=no`,
//! which `.ci/run` sets) nothing is written and a changed or missing snapshot
//! fails the test.
//!
//! Repo operations (insert, update, delete, bulk) are captured through a driver
//! that records statements instead of sending them: only the SQL text is checked
//! here; what databases do with it is the conformance suite's job.

use async_trait::async_trait;
use chrono::NaiveDateTime;
use quarry::driver::{
    refuse_options, Backend, Capabilities, Dialect, Driver, ExecResult, RowSink, RunOptions,
    Statement,
};
use quarry::prelude::*;
use quarry::query::OnConflict;
use quarry::query::{count, exists, max, maybe_row, not_exists, row, scalar, sum, Fetch};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "users", timestamps)]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
    pub inserted_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "posts")]
pub struct Post {
    pub meta: Meta,
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
    #[quarry(default = 1)]
    pub version: i32,
}

/// Array fields (issue 15): native arrays on Postgres, JSON elsewhere.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "articles")]
pub struct Article {
    pub meta: Meta,
    pub id: i64,
    pub tags: Vec<String>,
    pub scores: Option<Vec<i64>>,
    pub refs: Vec<quarry::schema::Uuid>,
}

/// A table of another schema / database by default (Ecto's
/// `@schema_prefix`).
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "audits", prefix = "shared")]
pub struct Audit {
    pub meta: Meta,
    pub id: i64,
    pub what: String,
}

struct Recorder {
    backend: Backend,
    seen: Arc<Mutex<Vec<Statement>>>,
}

/// A transaction of the [`Recorder`]: records into the same list.
struct RecorderTx(Recorder);

#[async_trait]
impl Driver for RecorderTx {
    fn backend(&self) -> &Backend {
        self.0.backend()
    }
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> quarry::Result<ExecResult> {
        self.0.run(stmt, options, rows).await
    }
    fn is_transaction(&self) -> bool {
        true
    }
    async fn begin(&self) -> quarry::Result<Box<dyn quarry::driver::TxDriver>> {
        Err(quarry::Error::TransactionDone)
    }
}

#[async_trait]
impl quarry::driver::TxDriver for RecorderTx {
    async fn commit(&self) -> quarry::Result<()> {
        Ok(())
    }
    async fn rollback(&self) -> quarry::Result<()> {
        Ok(())
    }
}

#[async_trait]
impl Driver for Recorder {
    fn backend(&self) -> &Backend {
        &self.backend
    }
    /// Records the statement; reports one row changed (with id 1) and
    /// returns no rows.
    async fn run(
        &self,
        stmt: &Statement,
        options: RunOptions,
        rows: Option<&mut RowSink<'_>>,
    ) -> quarry::Result<ExecResult> {
        refuse_options(&self.backend, options)?;
        self.seen
            .lock()
            .map_err(|_| quarry::Error::TransactionDone)?
            .push(stmt.clone());
        Ok(match rows {
            Some(_) => ExecResult::default(),
            None => ExecResult {
                rows_affected: 1,
                last_insert_id: Some(1),
            },
        })
    }
    async fn begin(&self) -> quarry::Result<Box<dyn quarry::driver::TxDriver>> {
        Ok(Box::new(RecorderTx(Recorder {
            backend: self.backend.clone(),
            seen: self.seen.clone(),
        })))
    }
}

#[async_trait]
impl Repo for Recorder {
    fn driver(&self) -> &dyn Driver {
        self
    }
}

/// A status stored as its string form.
#[derive(quarry::Enum, Clone, Copy, Debug, PartialEq)]
pub enum Plan {
    Free,
    Pro,
}

/// The field types of issue 15: a UUID key, a decimal, a time, an enum.
#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "accounts")]
pub struct Account {
    pub meta: Meta,
    pub id: quarry::uuid::Uuid,
    pub balance: quarry::rust_decimal::Decimal,
    pub opens: Option<chrono::NaiveTime>,
    pub plan: Plan,
}

fn backends() -> Vec<(&'static str, Backend)> {
    let caps = |returning: bool, update_returning: bool, locks: bool, full: bool| Capabilities {
        insert_returning: returning,
        update_returning,
        delete_returning: returning,
        row_locks: locks,
        ilike: false,
        full_join: full,
        ..Capabilities::ALL
    };
    vec![
        (
            "postgres",
            Backend {
                dialect: Dialect::Postgres,
                name: "PostgreSQL",
                version: "16".into(),
                capabilities: caps(true, true, true, true),
                default_prefix: None,
            },
        ),
        (
            "mariadb",
            Backend {
                dialect: Dialect::MySql,
                name: "MariaDB",
                version: "10.11".into(),
                capabilities: Capabilities {
                    lateral_join: false,
                    ..caps(true, false, true, false)
                },
                default_prefix: None,
            },
        ),
        (
            "mysql",
            Backend {
                dialect: Dialect::MySql,
                name: "MySQL",
                version: "8.0".into(),
                capabilities: caps(false, false, true, false),
                default_prefix: None,
            },
        ),
        (
            "sqlite",
            Backend {
                dialect: Dialect::Sqlite,
                name: "SQLite",
                version: "3.46".into(),
                // SQLite has no schemas: prefixed statements are refused.
                capabilities: Capabilities {
                    prefixes: false,
                    lateral_join: false,
                    ..caps(true, true, false, true)
                },
                default_prefix: None,
            },
        ),
    ]
}

/// Values as text, with the timestamps the library fills from the clock shown
/// as `<now>` so the snapshot does not change from run to run.
fn values(vals: &[quarry::driver::sea_query::Value]) -> String {
    let now = chrono::Utc::now().naive_utc();
    let shown: Vec<String> = vals
        .iter()
        .map(|v| match v {
            quarry::driver::sea_query::Value::ChronoDateTime(Some(t))
                if (now - *t).num_hours().abs() < 24 =>
            {
                "<now>".to_string()
            }
            other => format!("{other:?}"),
        })
        .collect();
    format!("[{}]", shown.join(", "))
}

/// Each construct's name and its rendered statements on every backend, in order.
type Snapshots = Vec<(&'static str, String)>;

fn render(out: &mut String, name: &str, backend: &str, stmt: Result<Statement, quarry::Error>) {
    match stmt {
        Ok(s) => {
            let _ = writeln!(
                out,
                "{name} [{backend}]\n  {}\n  {}",
                s.sql,
                values(&s.values)
            );
        }
        Err(e) => {
            let _ = writeln!(out, "{name} [{backend}]\n  error: {e}");
        }
    }
}

fn query<F: Fetch<I>, I>(all: &mut Snapshots, name: &'static str, q: impl Fn() -> F) {
    let mut out = String::new();
    for (label, backend) in backends() {
        render(&mut out, name, label, q().prepare(&backend).map(|(s, _)| s));
    }
    all.push((name, out));
}

async fn repo_op<T>(
    all: &mut Snapshots,
    name: &'static str,
    op: impl AsyncFn(&Recorder) -> quarry::Result<T>,
) {
    let mut out = String::new();
    for (label, backend) in backends() {
        let rec = Recorder {
            backend,
            seen: Arc::new(Mutex::new(Vec::new())),
        };
        let _result = op(&rec).await;
        let seen = rec.seen.lock().map(|s| s.clone()).unwrap_or_default();
        for s in seen {
            render(&mut out, name, label, Ok(s));
        }
    }
    all.push((name, out));
}

fn a_user() -> User {
    let at = chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
        .and_then(|d| d.and_hms_opt(3, 4, 5))
        .unwrap_or_default();
    User {
        id: 7,
        name: "Ann".into(),
        inserted_at: at,
        updated_at: at,
        meta: Meta::new(State::Loaded),
        ..Default::default()
    }
}

/// A new post (not yet inserted) by `user_id`.
fn a_post(user_id: i64, title: &str) -> Post {
    Post {
        user_id,
        title: title.into(),
        ..Default::default()
    }
}

async fn all_snapshots() -> Snapshots {
    let mut out = Snapshots::new();
    let o = &mut out;
    // The six shapes of the compilation benchmark.
    query(o, "trivial", User::query);
    query(o, "filter_order", || {
        User::query()
            .filter(User::name.like("%a%"))
            .filter(User::hair_color.eq("black"))
            .filter(User::id.gt(5))
            .order_by(User::name.desc())
            .limit(10)
            .offset(20)
    });
    query(o, "medium_join", || {
        User::query()
            .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
            .filter(User::hair_color.eq("black"))
            .select((row::<User>(), maybe_row::<Post>()))
    });
    query(o, "preload_in", || {
        Post::query().filter(Post::user_id.in_list([1i64, 2, 3]))
    });
    // Filters.
    query(o, "ne_ge_le", || {
        User::query()
            .filter(User::id.ne(1))
            .filter(User::id.ge(2))
            .filter(User::id.le(9))
    });
    query(o, "between", || {
        User::query().filter(User::id.between(1, 9))
    });
    query(o, "ilike", || User::query().filter(User::name.ilike("AN%")));
    // Array conditions: values bound as one array (Postgres) or JSON array.
    query(o, "array_contains", || {
        Article::query().filter(Article::tags.contains("rust"))
    });
    query(o, "array_contains_all", || {
        Article::query().filter(Article::scores.contains_all(&[1i64, 2]))
    });
    query(o, "array_overlaps", || {
        Article::query().filter(Article::refs.overlaps(&[quarry::schema::Uuid::nil()]))
    });
    query(o, "array_conditions_combined", || {
        Article::query()
            .filter(
                Article::tags
                    .overlaps(&["a", "b"])
                    .or(Article::tags.contains("c").not()),
            )
            .filter(Article::id.gt(1))
    });
    query(o, "not_like", || {
        User::query().filter(User::name.not_like("x%"))
    });
    query(o, "in_empty", || {
        User::query().filter(User::id.in_list(Vec::<i64>::new()))
    });
    query(o, "not_in_empty", || {
        User::query().filter(User::id.not_in(Vec::<i64>::new()))
    });
    query(o, "not_in", || {
        User::query().filter(User::id.not_in([4i64, 5]))
    });
    query(o, "eq_none", || {
        User::query().filter(User::hair_color.eq(None))
    });
    query(o, "ne_none", || {
        User::query().filter(User::hair_color.ne(None))
    });
    query(o, "and_or_not", || {
        User::query().filter(
            User::id
                .eq(1)
                .or(User::name.eq("x"))
                .and(User::hair_color.is_null().not()),
        )
    });
    query(o, "or_filter", || {
        User::query()
            .filter(User::id.eq(1))
            .or_filter(User::id.eq(2))
    });
    query(o, "in_subquery", || {
        User::query().filter(
            User::id.in_subquery(
                Post::query()
                    .filter(Post::title.eq("t"))
                    .select(Post::user_id),
            ),
        )
    });
    query(o, "exists", || {
        User::query().filter(exists(Post::query().select(Post::id)))
    });
    // Correlated subqueries (Ecto's parent_as): the subquery refers to the
    // outer query's table; its values are bound where they stand.
    query(o, "correlated_exists", || {
        User::query().filter(exists(
            Query::<Post>::correlated::<User>()
                .filter(Post::user_id.eq_col(User::id))
                .filter(Post::title.eq("Hello"))
                .select(Post::id),
        ))
    });
    query(o, "correlated_not_exists", || {
        User::query()
            .filter(User::name.ne("Bob"))
            .filter(not_exists(
                Query::<Post>::correlated::<User>()
                    .filter(Post::user_id.eq_col(User::id))
                    .select(Post::id),
            ))
    });
    query(o, "correlated_in_subquery", || {
        User::query().filter(
            User::id.in_subquery(
                Query::<Post>::correlated::<User>()
                    .filter(Post::title.eq_col(User::name))
                    .select(Post::user_id),
            ),
        )
    });
    query(o, "correlated_scalar_compare", || {
        User::query().filter(
            User::id.lt_scalar(
                Query::<Post>::correlated::<User>()
                    .filter(Post::user_id.eq_col(User::id))
                    .select(max(Post::id)),
            ),
        )
    });
    query(o, "correlated_scalar_select", || {
        User::query().order_by(User::id.asc()).select((
            User::name,
            scalar(
                Query::<Post>::correlated::<User>()
                    .filter(Post::user_id.eq_col(User::id))
                    .filter(Post::version.gt(1))
                    .select(count()),
            )
            .unwrap_or(0),
        ))
    });
    // LATERAL joins: Postgres and MySQL 8.0.14+; refused on MariaDB and SQLite.
    query(o, "left_join_lateral", || {
        const LATEST: Alias<Post, 1> = Alias::new();
        User::query()
            .left_join_lateral(
                LATEST,
                Query::<Post>::correlated::<User>()
                    .filter(Post::user_id.eq_col(User::id))
                    .filter(Post::version.ge(2))
                    .order_by(Post::id.desc())
                    .limit(1),
            )
            .filter(User::name.eq("Ann"))
            .select((User::name, LATEST.col(Post::title)))
    });
    query(o, "join_lateral", || {
        const TOP: Alias<Post, 2> = Alias::new();
        User::query().join_lateral(
            TOP,
            Query::<Post>::correlated::<User>()
                .filter(Post::user_id.eq_col(User::id))
                .order_by(Post::version.desc())
                .limit(2),
        )
    });
    query(o, "from_subquery", || {
        Query::from_subquery(User::query().order_by(User::id.desc()).limit(10))
            .filter(User::hair_color.eq("black"))
            .offset(2)
    });
    // Set operations: members in parentheses except on SQLite; a member's own
    // order and limit inside a subquery; order and limit of the whole after it.
    query(o, "union_then_order_limit", || {
        User::query()
            .filter(User::name.eq("Ann"))
            .union(User::query().filter(User::hair_color.eq("black")))
            .order_by(User::name.asc())
            .limit(3)
    });
    query(o, "union_all_of_limited_member", || {
        User::query()
            .filter(User::id.gt(1))
            .union_all(User::query().order_by(User::id.desc()).limit(1))
    });
    query(o, "intersect_except", || {
        User::query()
            .intersect(User::query().filter(User::id.gt(1)))
            .except(User::query().filter(User::name.eq("Bob")))
    });
    // Window functions: OVER inside an aggregate's cast; fragments.
    query(o, "window_functions", || {
        use quarry::query::{lag, over, row_number, sum};
        User::query().select((
            User::name,
            row_number().over(
                over()
                    .partition_by(User::hair_color)
                    .order_by(User::id.desc()),
            ),
            sum(User::id).over(over().order_by(User::id.asc())),
            lag(User::name).over(over().order_by(User::id.asc())),
        ))
    });
    query(o, "recursive", || {
        const FOUND: quarry::query::Alias<User, 1> = quarry::query::Alias::new();
        let base = User::query().filter(User::name.eq("Ann"));
        let step = User::query().join_cte(FOUND, User::id.eq_col(FOUND.col(User::id)));
        Query::recursive(FOUND, base, step)
            .order_by(User::name.asc())
            .limit(10)
    });
    query(o, "fragment", || {
        use quarry::query::fragment;
        User::query()
            .filter(fragment::<bool, _>("lower(?) = ?", (User::name, "ann")).cond())
            .order_by(fragment::<i64, _>("? % ?", (User::id, 7_i64)).asc())
    });
    // Order, limit, distinct, first/last.
    query(o, "nulls_first", || {
        User::query().order_by(User::hair_color.asc().nulls_first())
    });
    query(o, "nulls_last", || {
        User::query().order_by(User::hair_color.desc().nulls_last())
    });
    query(o, "distinct", || {
        User::query().distinct().select(User::hair_color)
    });
    query(o, "first", || User::query().first());
    query(o, "last_ordered", || {
        User::query().order_by(User::name.asc()).last()
    });
    // Selects and aggregates.
    query(o, "select_tuple", || {
        User::query().select((User::id, User::name))
    });
    query(o, "group_having", || {
        Post::query()
            .group_by(Post::user_id)
            .having(count().gt(2))
            .select((Post::user_id, count(), sum(Post::version), max(Post::title)))
    });
    // Joins.
    query(o, "inner_join", || {
        Post::query()
            .join(table::<User>(), Post::user_id.eq_col(User::id))
            .filter(User::name.eq("Ann"))
    });
    query(o, "right_join", || {
        Post::query()
            .right_join(table::<User>(), Post::user_id.eq_col(User::id))
            .select(User::name)
    });
    query(o, "full_join", || {
        Post::query()
            .full_join(table::<User>(), Post::user_id.eq_col(User::id))
            .select(User::name)
    });
    const AUTHOR: Alias<User, 1> = Alias::new();
    const READER: Alias<User, 2> = Alias::new();
    query(o, "alias_join", || {
        Post::query()
            .join(AUTHOR, Post::user_id.eq_col(AUTHOR.col(User::id)))
            .join(READER, READER.col(User::id).ne_col(AUTHOR.col(User::id)))
            .select((Post::title, AUTHOR.col(User::name), READER.col(User::name)))
    });
    // Locks.
    query(o, "for_update", || {
        User::query().filter(User::id.eq(1)).for_update()
    });
    query(o, "for_share_skip_locked", || {
        User::query().for_share().skip_locked()
    });
    query(o, "for_update_nowait", || {
        User::query().for_update().no_wait()
    });
    // Repo operations.
    repo_op(o, "insert", async |r| {
        r.insert(User {
            name: "Ann".into(),
            ..Default::default()
        })
        .await
    })
    .await;
    repo_op(o, "update_changes", async |r| {
        let cs = Changeset::new(a_user())
            .put_change(User::name, "Bea".to_string())
            .put_change(User::hair_color, Some("red".into()));
        r.update(cs).await
    })
    .await;
    repo_op(o, "update_with_lock", async |r| {
        let p = Post {
            id: 3,
            version: 4,
            meta: Meta::new(State::Loaded),
            ..Default::default()
        };
        r.update(
            Changeset::new(p)
                .put_change(Post::title, "t".to_string())
                .optimistic_lock(Post::version),
        )
        .await
    })
    .await;
    repo_op(o, "delete", async |r| r.delete(a_user()).await).await;
    repo_op(o, "get", async |r| r.get::<User, _>(7).await).await;
    repo_op(o, "repo_exists", async |r| {
        r.exists(User::name.eq("Ann")).await
    })
    .await;
    repo_op(o, "aggregate_windowed", async |r| {
        r.aggregate(User::query().limit(5), Aggregate::max(User::id))
            .await
    })
    .await;
    repo_op(o, "insert_all", async |r| {
        r.insert_all(vec![a_post(1, "a"), a_post(2, "b")]).await
    })
    .await;
    repo_op(o, "insert_all_returning", async |r| {
        r.insert_all_returning(vec![a_post(1, "a")]).await
    })
    .await;
    repo_op(o, "update_all", async |r| {
        r.update_all(
            Post::user_id.eq(1),
            Updates::new().set(Post::title, "x").inc(Post::version, 1),
        )
        .await
    })
    .await;
    repo_op(o, "delete_all", async |r| {
        r.delete_all(Post::title.like("old%")).await
    })
    .await;
    repo_op(o, "update_all_join", async |r| {
        r.update_all(
            Post::query()
                .join(table::<User>(), Post::user_id.eq_col(User::id))
                .filter(User::name.eq("Ann"))
                .filter(Post::version.lt(3)),
            Updates::new().set(Post::title, "x").inc(Post::version, 1),
        )
        .await
    })
    .await;
    repo_op(o, "delete_all_join", async |r| {
        r.delete_all(
            Post::query()
                .join(table::<User>(), Post::user_id.eq_col(User::id))
                .filter(User::name.eq("Ann")),
        )
        .await
    })
    .await;
    repo_op(o, "update_all_returning", async |r| {
        r.update_all_returning(Post::user_id.eq(1), Updates::new().inc(Post::version, 1))
            .await
    })
    .await;
    repo_op(o, "delete_all_returning", async |r| {
        r.delete_all_returning(Post::title.like("old%")).await
    })
    .await;
    repo_op(o, "upsert_replace", async |r| {
        r.upsert(
            a_post(1, "a"),
            OnConflict::replace((Post::title, Post::body)).target((Post::user_id, Post::title)),
        )
        .await
    })
    .await;
    repo_op(o, "upsert_replace_all", async |r| {
        r.upsert(
            Changeset::new(a_user()).put_change(User::id, 0),
            OnConflict::replace_all().target(User::name),
        )
        .await
    })
    .await;
    repo_op(o, "upsert_replace_all_except", async |r| {
        r.upsert(
            a_post(1, "a"),
            OnConflict::replace_all_except(Post::version).target(Post::title),
        )
        .await
    })
    .await;
    repo_op(o, "upsert_nothing", async |r| {
        r.upsert(a_post(1, "a"), OnConflict::nothing().target(Post::title))
            .await
    })
    .await;
    repo_op(o, "upsert_update", async |r| {
        r.upsert(
            a_post(1, "a"),
            OnConflict::update(Updates::new().set(Post::body, "b").inc(Post::version, 1))
                .target_constraint("posts_title_key"),
        )
        .await
    })
    .await;
    repo_op(o, "upsert_all_nothing", async |r| {
        r.upsert_all(
            vec![a_post(1, "a"), a_post(2, "b")],
            OnConflict::nothing().target(Post::title),
        )
        .await
    })
    .await;
    repo_op(o, "upsert_all_returning", async |r| {
        r.upsert_all_returning(
            vec![a_post(1, "a"), a_post(2, "b")],
            OnConflict::update(Updates::new().inc(Post::version, 1)).target(Post::title),
        )
        .await
    })
    .await;
    // Prefixes (issue 17): every table of a query, a repo's default for
    // every statement, a schema's own; query > schema > repo default.
    query(o, "prefix_query_joins_and_subquery", || {
        let authors = from::<User>().filter(User::name.eq("Ann")).select(User::id);
        from::<Post>()
            .join(table::<User>(), Post::user_id.eq_col(User::id))
            .filter(Post::user_id.in_subquery(authors))
            .prefix("tenant_a")
    });
    query(o, "prefix_schema_and_query_override", || {
        from::<Audit>()
            .filter(Audit::what.eq("x"))
            .union(from::<Audit>().prefix("tenant_b"))
    });
    // Each statement is recorded; the recorder returns no rows, so a read
    // that needs one fails after its statement (and the next still runs).
    repo_op(o, "prefix_repo_default_reads", async |r| {
        let t = r.with_prefix("tenant_a")?;
        let _ = t.all(from::<Post>().filter(Post::title.eq("a"))).await;
        let _ = t.get::<Post, _>(1).await;
        let _ = t.count(from::<Post>().limit(3)).await;
        let _ = t.exists(Post::title.eq("a")).await;
        // The schema's own prefix wins over the repo's; a query's over both.
        let _ = t.all(from::<Audit>()).await;
        t.all(from::<Audit>().prefix("tenant_b")).await
    })
    .await;
    repo_op(o, "prefix_repo_default_writes", async |r| {
        let t = r.with_prefix("tenant_a")?;
        let mut p = a_post(1, "a");
        p.id = 5;
        p.meta = Meta::new(State::Loaded);
        let _ = t.insert(a_post(1, "a")).await;
        let cs = Changeset::cast(p.clone(), serde_json::json!({"title": "b"}), Post::title);
        let _ = t.update(cs).await;
        let _ = t.insert_all(vec![a_post(1, "c"), a_post(1, "d")]).await;
        let _ = t
            .upsert(a_post(1, "a"), OnConflict::nothing().target(Post::title))
            .await;
        let _ = t
            .update_all(Post::title.eq("b"), Updates::new().inc(Post::version, 1))
            .await;
        let _ = t.delete_all(Post::title.eq("c")).await;
        let _ = t
            .insert(Audit {
                what: "w".into(),
                ..Default::default()
            })
            .await;
        t.delete(p).await
    })
    .await;
    // The field types of issue 15: each compared with a value of its type,
    // bound as that type.
    let key = quarry::uuid::Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8);
    query(o, "uuid_decimal_time_enum_filters", move || {
        Account::query()
            .filter(Account::id.eq(key))
            .filter(
                Account::balance.ge("10.50"
                    .parse::<quarry::rust_decimal::Decimal>()
                    .unwrap_or_default()),
            )
            .filter(Account::opens.lt(chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()))
            .filter(Account::plan.eq(Plan::Pro))
    });
    repo_op(o, "insert_uuid_decimal_enum", async move |r| {
        r.insert(Account {
            id: key,
            balance: quarry::rust_decimal::Decimal::new(1999, 2),
            plan: Plan::Free,
            ..Default::default()
        })
        .await
    })
    .await;
    out
}

#[tokio::test]
async fn sql_matches_snapshots() {
    let actual = all_snapshots().await;
    // The second pass compiles every shape from the SQL cache: it must emit the
    // same SQL and bind the same values in the same order.
    let warm = all_snapshots().await;
    assert_eq!(actual, warm, "cached compilation differs from a fresh one");
    let mut names: Vec<_> = actual.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), actual.len(), "snapshot names are unique");
    let mut settings = insta::Settings::clone_current();
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (name, sql) in &actual {
            insta::assert_snapshot!(*name, sql);
        }
    });
}

#[test]
fn overlaps_is_refused_where_the_server_has_no_json_overlaps() {
    let Some((_, mut backend)) = backends()
        .into_iter()
        .find(|(label, _)| *label == "mariadb")
    else {
        panic!("a mariadb backend");
    };
    backend.capabilities.array_overlaps = false;
    let refused = Article::query()
        .filter(Article::tags.overlaps(&["a"]))
        .prepare(&backend)
        .map(|(s, _)| s);
    assert!(
        matches!(refused, Err(quarry::Error::Unsupported { .. })),
        "{refused:?}"
    );
    // JSON_CONTAINS is in every MySQL and MariaDB quarry runs on.
    let contains = Article::query()
        .filter(Article::tags.contains("a"))
        .prepare(&backend);
    assert!(contains.is_ok());
}
