//! Round trips against a real database, quarry beside hand-written sqlx
//! (`query_as` + `FromRow`; on an in-memory SQLite pool of its own, on a
//! connection of its own for Postgres and MariaDB): the workloads of Diesel's
//! benchmark suite (see `shared/reference/benchmarks.md` §2). SQLite in memory
//! always; Postgres and MariaDB when `QUARRY_BENCH_POSTGRES_URL` /
//! `QUARRY_BENCH_MYSQL_URL` (or the `QUARRY_TEST_*` URLs) are set and the
//! features are on. Report ratios to the sqlx floor measured in the same run.
//! On SQLite the sqlx floor has an in-memory database of its own (quarry's
//! adapter is rusqlite), seeded with the same rows by [`SQLITE_FLOOR_SEED`].
//!
//! `loading_associations`: 100 users x 10 posts x 10 comments, loaded as
//! (user, [(post, [comment])]): quarry with a two-level preload, sqlx with three
//! queries grouped by hand (what Diesel's `belonging_to` + `grouped_by` do).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use quarry::prelude::*;
use quarry::query::{maybe_row, row};
use quarry::AnyRepo;
use sqlx::{Database, Decode, FromRow, Row, Type};
use tokio::runtime::Runtime;

#[derive(Schema, Clone, Debug)]
#[quarry(table = "users")]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
    #[quarry(has_many)]
    pub posts: quarry::Assoc<Vec<Post>>,
}

#[derive(Schema, Clone, Debug)]
#[quarry(table = "posts")]
pub struct Post {
    pub meta: Meta,
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
    #[quarry(has_many)]
    pub comments: quarry::Assoc<Vec<Comment>>,
}

#[derive(Schema, Clone, Debug)]
#[quarry(table = "comments")]
pub struct Comment {
    pub meta: Meta,
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// The sqlx side's comment row.
#[derive(Debug)]
pub struct CommentRow {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

impl<'r, R: Row> FromRow<'r, R> for CommentRow
where
    usize: sqlx::ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(CommentRow {
            id: row.try_get(0)?,
            post_id: row.try_get(1)?,
            text: row.try_get(2)?,
        })
    }
}

impl<'r, R: Row> FromRow<'r, R> for PostRow
where
    usize: sqlx::ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(PostRow {
            id: row.try_get(0)?,
            user_id: row.try_get(1)?,
            title: row.try_get(2)?,
            body: row.try_get(3)?,
        })
    }
}

/// `SELECT ... WHERE col IN (ids)` with the dialect's placeholders.
fn in_list_sql(select: &str, col: &str, n: usize, numbered: bool) -> String {
    let marks: Vec<String> = (1..=n)
        .map(|i| {
            if numbered {
                format!("${i}")
            } else {
                "?".to_string()
            }
        })
        .collect();
    format!("{select} WHERE {col} IN ({})", marks.join(", "))
}

/// A user with its posts, each with its comments.
type Loaded = (UserRow, Vec<(PostRow, Vec<CommentRow>)>);

/// Users, then their posts, then the posts' comments, grouped by hand.
async fn sqlx_associations<'a, DB: Database>(
    on: impl sqlx::Acquire<'a, Database = DB>,
    numbered: bool,
) -> usize
where
    for<'r> UserRow: FromRow<'r, DB::Row>,
    for<'r> PostRow: FromRow<'r, DB::Row>,
    for<'r> CommentRow: FromRow<'r, DB::Row>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + Type<DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let Ok(mut conn) = on.acquire().await else {
        return 0;
    };
    let users = sqlx::query_as::<DB, UserRow>(TRIVIAL_SQL)
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
    let sql = in_list_sql(
        "SELECT id, user_id, title, body FROM posts",
        "user_id",
        users.len(),
        numbered,
    );
    let mut q = sqlx::query_as::<DB, PostRow>(sqlx::AssertSqlSafe(sql));
    for u in &users {
        q = q.bind(u.id);
    }
    let posts = q.fetch_all(&mut *conn).await.unwrap_or_default();
    let sql = in_list_sql(
        "SELECT id, post_id, text FROM comments",
        "post_id",
        posts.len(),
        numbered,
    );
    let mut q = sqlx::query_as::<DB, CommentRow>(sqlx::AssertSqlSafe(sql));
    for p in &posts {
        q = q.bind(p.id);
    }
    let comments = q.fetch_all(&mut *conn).await.unwrap_or_default();
    let mut by_post: std::collections::HashMap<i64, Vec<CommentRow>> =
        std::collections::HashMap::new();
    for c in comments {
        by_post.entry(c.post_id).or_default().push(c);
    }
    let mut by_user: std::collections::HashMap<i64, Vec<(PostRow, Vec<CommentRow>)>> =
        std::collections::HashMap::new();
    for p in posts {
        let cs = by_post.remove(&p.id).unwrap_or_default();
        by_user.entry(p.user_id).or_default().push((p, cs));
    }
    let grouped: Vec<Loaded> = users
        .into_iter()
        .map(|u| {
            let ps = by_user.remove(&u.id).unwrap_or_default();
            (u, ps)
        })
        .collect();
    grouped.len()
}

async fn quarry_associations(repo: &AnyRepo) -> usize {
    use quarry::prelude::*;
    repo.all(User::query().preload(User::posts.preload(Post::comments)))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

async fn seed_associations(t: &Target) {
    reset(t).await;
    seed_sqlite_floor(t, &[(2, 100), (3, 10), (4, 10)]).await;
    let users: Vec<User> = (0..100)
        .map(|i| User {
            name: format!("User {i}"),
            ..Default::default()
        })
        .collect();
    t.repo.insert_all(users).await.expect("users");
    let ids: Vec<i64> = t
        .repo
        .all(User::query().select(User::id))
        .await
        .expect("ids");
    let posts: Vec<Post> = ids
        .iter()
        .flat_map(|u| {
            (0..10).map(move |i| Post {
                user_id: *u,
                title: format!("Post {i}"),
                ..Default::default()
            })
        })
        .collect();
    t.repo.insert_all(posts).await.expect("posts");
    let post_ids: Vec<i64> = t
        .repo
        .all(Post::query().select(Post::id))
        .await
        .expect("post ids");
    let comments: Vec<Comment> = post_ids
        .iter()
        .flat_map(|p| {
            (0..10).map(move |i| Comment {
                post_id: *p,
                text: format!("Comment {i}"),
                ..Default::default()
            })
        })
        .collect();
    t.repo.insert_all(comments).await.expect("comments");
}

/// The sqlx side's user row.
#[derive(Debug)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// The sqlx side's post row.
#[derive(Debug)]
pub struct PostRow {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

impl<'r, R: Row> FromRow<'r, R> for UserRow
where
    usize: sqlx::ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(UserRow {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            hair_color: row.try_get(2)?,
        })
    }
}

/// A user and maybe a post, decoded from one joined row.
pub struct UserPostRow(pub UserRow, pub Option<PostRow>);

impl<'r, R: Row> FromRow<'r, R> for UserPostRow
where
    usize: sqlx::ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<String>: Decode<'r, R::Database> + Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let user = UserRow {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            hair_color: row.try_get(2)?,
        };
        let post_id: Option<i64> = row.try_get(3)?;
        let post = match post_id {
            Some(id) => Some(PostRow {
                id,
                user_id: row.try_get::<Option<i64>, _>(4)?.unwrap_or_default(),
                title: row.try_get::<Option<String>, _>(5)?.unwrap_or_default(),
                body: row.try_get(6)?,
            }),
            None => None,
        };
        Ok(UserPostRow(user, post))
    }
}

const TRIVIAL_SQL: &str = "SELECT id, name, hair_color FROM users";
const MEDIUM_SQL: &str = "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body \
     FROM users LEFT JOIN posts ON users.id = posts.user_id WHERE users.hair_color = ";

async fn sqlx_trivial<'a, DB: Database>(
    on: impl sqlx::Acquire<'a, Database = DB>,
    _numbered: bool,
) -> usize
where
    for<'r> UserRow: FromRow<'r, DB::Row>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let Ok(mut conn) = on.acquire().await else {
        return 0;
    };
    sqlx::query_as::<DB, UserRow>(TRIVIAL_SQL)
        .fetch_all(&mut *conn)
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

async fn sqlx_medium<'a, DB: Database>(
    on: impl sqlx::Acquire<'a, Database = DB>,
    numbered: bool,
) -> usize
where
    for<'r> UserPostRow: FromRow<'r, DB::Row>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> String: sqlx::Encode<'q, DB> + Type<DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let Ok(mut conn) = on.acquire().await else {
        return 0;
    };
    let sql = format!("{MEDIUM_SQL}{}", if numbered { "$1" } else { "?" });
    sqlx::query_as::<DB, UserPostRow>(sqlx::AssertSqlSafe(sql))
        .bind("black".to_string())
        .fetch_all(&mut *conn)
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

async fn sqlx_insert<'a, DB: Database>(
    on: impl sqlx::Acquire<'a, Database = DB>,
    numbered: bool,
    n: usize,
) -> u64
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> String: sqlx::Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: sqlx::Encode<'q, DB> + Type<DB>,
    for<'q> <DB as Database>::Arguments: sqlx::IntoArguments<DB>,
{
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        if numbered {
            sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
        } else {
            sql.push_str("(?, ?)");
        }
    }
    let mut q = sqlx::query::<DB>(sqlx::AssertSqlSafe(sql));
    for i in 0..n {
        q = q.bind(format!("User {i}")).bind(Option::<String>::None);
    }
    let Ok(mut conn) = on.acquire().await else {
        return 0;
    };
    q.execute(&mut *conn).await.map(|_| n as u64).unwrap_or(0)
}

async fn quarry_trivial(repo: &AnyRepo) -> usize {
    repo.all(User::query()).await.map(|v| v.len()).unwrap_or(0)
}

async fn quarry_medium(repo: &AnyRepo) -> usize {
    let q = User::query()
        .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
        .filter(User::hair_color.eq("black"))
        .select((row::<User>(), maybe_row::<Post>()));
    repo.all(q).await.map(|v| v.len()).unwrap_or(0)
}

async fn quarry_insert(repo: &AnyRepo, n: usize) -> u64 {
    let users: Vec<User> = (0..n)
        .map(|i| User {
            name: format!("User {i}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await.map(|(c, _)| c).unwrap_or(0)
}

/// Runs `$body` with `$p` bound to the target's sqlx pool, whatever the database.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            #[cfg(feature = "postgres")]
            Pool::Postgres(c) => {
                let $p = &mut *c.borrow_mut();
                $body
            }
            #[cfg(feature = "mysql")]
            Pool::MySql(c) => {
                let $p = &mut *c.borrow_mut();
                $body
            }
        }
    };
}

/// What the sqlx floor runs on: for SQLite an in-memory pool of its own
/// (seeded with the same rows), for Postgres and MariaDB a connection of its
/// own, used the way a tuned application uses sqlx (no pool, no ping).
enum Pool {
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(std::cell::RefCell<sqlx::PgConnection>),
    #[cfg(feature = "mysql")]
    MySql(std::cell::RefCell<sqlx::MySqlConnection>),
}

struct Target {
    name: &'static str,
    /// Placeholders are `$1, $2, ...` (Postgres) rather than `?`.
    numbered: bool,
    repo: AnyRepo,
    pool: Pool,
    ddl: [&'static str; 3],
}

const SQLITE_DDL: [&str; 3] = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, hair_color TEXT)",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT)",
    "CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id BIGINT NOT NULL, text TEXT NOT NULL)",
];

fn env_url(kind: &str) -> Option<String> {
    std::env::var(format!("QUARRY_BENCH_{kind}_URL"))
        .or_else(|_| std::env::var(format!("QUARRY_TEST_{kind}_URL")))
        .ok()
        .filter(|u| !u.is_empty())
}

fn targets(rt: &Runtime) -> Vec<Target> {
    let mut out = Vec::new();
    let sqlite = rt
        .block_on(quarry::adapters::sqlite::connect("sqlite::memory:"))
        .expect("sqlite");
    // One in-memory connection for the sqlx floor, as quarry has one.
    let floor = rt
        .block_on(
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect("sqlite::memory:"),
        )
        .expect("sqlx sqlite");
    out.push(Target {
        name: "sqlite",
        numbered: false,
        pool: Pool::Sqlite(floor),
        repo: AnyRepo::from_driver(sqlite.into_driver()),
        ddl: SQLITE_DDL,
    });
    #[cfg(feature = "postgres")]
    if let Some(url) = env_url("POSTGRES") {
        let repo = rt
            .block_on(quarry::adapters::postgres::connect(&url))
            .expect("postgres");
        out.push(Target {
            name: "postgres",
            numbered: true,
            pool: Pool::Postgres(std::cell::RefCell::new(
                rt.block_on(<sqlx::PgConnection as sqlx::Connection>::connect(&url))
                    .expect("sqlx postgres"),
            )),
            repo: AnyRepo::from_driver(repo.into_driver()),
            ddl: [
                "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT)",
                "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT)",
                "CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL, text TEXT NOT NULL)",
            ],
        });
    }
    #[cfg(feature = "mysql")]
    if let Some(url) = env_url("MYSQL") {
        let repo = rt
            .block_on(quarry::adapters::mysql::connect(&url))
            .expect("mysql");
        out.push(Target {
            name: "mariadb",
            numbered: false,
            pool: Pool::MySql(std::cell::RefCell::new(
                rt.block_on(<sqlx::MySqlConnection as sqlx::Connection>::connect(&url))
                    .expect("sqlx mysql"),
            )),
            repo: AnyRepo::from_driver(repo.into_driver()),
            ddl: [
                "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255))",
                "CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(255) NOT NULL, body TEXT)",
                "CREATE TABLE comments (id BIGINT AUTO_INCREMENT PRIMARY KEY, post_id BIGINT NOT NULL, text TEXT NOT NULL)",
            ],
        });
    }
    let _ = env_url;
    out
}

/// The rows `seed` and `seed_associations` write through quarry, as SQL for
/// the sqlx floor's own SQLite database: (statement, bound size) pairs, the
/// size being the users (`seed`) or the per-parent fan-out (associations).
const SQLITE_FLOOR_SEED: [&str; 5] = [
    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?) \
     INSERT INTO users (name, hair_color) SELECT 'User ' || i, CASE i % 2 WHEN 0 THEN 'black' ELSE 'brown' END FROM s",
    "INSERT INTO posts (user_id, title) SELECT id, 'Post of ' || id FROM users ORDER BY id",
    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?) \
     INSERT INTO users (name) SELECT 'User ' || i FROM s",
    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?) \
     INSERT INTO posts (user_id, title) SELECT u.id, 'Post ' || s.i FROM users u, s ORDER BY u.id, s.i",
    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?) \
     INSERT INTO comments (post_id, text) SELECT p.id, 'Comment ' || s.i FROM posts p, s ORDER BY p.id, s.i",
];

/// Resets the sqlx floor's SQLite database and runs `steps` of
/// [`SQLITE_FLOOR_SEED`] (index, bound size).
async fn seed_sqlite_floor(t: &Target, steps: &[(usize, i64)]) {
    #[allow(irrefutable_let_patterns)]
    let Pool::Sqlite(pool) = &t.pool
    else {
        return;
    };
    for table in ["comments", "posts", "users"] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {table}")))
            .execute(pool)
            .await
            .expect("drop");
    }
    for ddl in t.ddl {
        sqlx::raw_sql(ddl)
            .execute(pool)
            .await
            .expect("create table");
    }
    for (i, n) in steps {
        let sql = SQLITE_FLOOR_SEED[*i];
        let q = sqlx::query(sql);
        let q = if sql.contains('?') { q.bind(*n) } else { q };
        q.execute(pool).await.expect("seed the sqlx floor");
    }
}

async fn reset(t: &Target) {
    seed_sqlite_floor(t, &[]).await;
    for table in ["comments", "posts", "users"] {
        let _ = t
            .repo
            .execute_raw(&format!("DROP TABLE IF EXISTS {table}"), vec![])
            .await;
    }
    for ddl in t.ddl {
        t.repo.execute_raw(ddl, vec![]).await.expect("create table");
    }
}

async fn seed(t: &Target, n: usize) {
    reset(t).await;
    seed_sqlite_floor(t, &[(0, n as i64), (1, 0)]).await;
    let users: Vec<User> = (0..n)
        .map(|i| User {
            name: format!("User {i}"),
            hair_color: Some(if i % 2 == 0 { "black" } else { "brown" }.to_string()),
            ..Default::default()
        })
        .collect();
    let (_, _) = t.repo.insert_all(users).await.expect("seed users");
    let ids: Vec<i64> = t
        .repo
        .all(User::query().select(User::id))
        .await
        .expect("ids");
    let posts: Vec<Post> = ids
        .iter()
        .map(|id| Post {
            user_id: *id,
            title: format!("Post of {id}"),
            ..Default::default()
        })
        .collect();
    t.repo.insert_all(posts).await.expect("seed posts");
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let targets = targets(&rt);
    let mut g = c.benchmark_group("roundtrip");
    g.sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_millis(1500));
    for t in &targets {
        for n in [1usize, 10, 100, 1_000, 10_000] {
            rt.block_on(seed(t, n));
            g.bench_with_input(
                BenchmarkId::new(format!("trivial_query/sqlx/{}", t.name), n),
                &n,
                |b, _| {
                    b.iter(|| {
                        on_pool!(&t.pool, |p| black_box(
                            rt.block_on(sqlx_trivial(p, t.numbered))
                        ))
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("trivial_query/quarry/{}", t.name), n),
                &n,
                |b, _| b.iter(|| black_box(rt.block_on(quarry_trivial(&t.repo)))),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("medium_complex/sqlx/{}", t.name), n),
                &n,
                |b, _| {
                    b.iter(|| {
                        on_pool!(&t.pool, |p| black_box(
                            rt.block_on(sqlx_medium(p, t.numbered))
                        ))
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("medium_complex/quarry/{}", t.name), n),
                &n,
                |b, _| b.iter(|| black_box(rt.block_on(quarry_medium(&t.repo)))),
            );
        }
        rt.block_on(seed_associations(t));
        g.bench_with_input(
            BenchmarkId::new(format!("loading_associations/sqlx/{}", t.name), 100),
            &100,
            |b, _| {
                b.iter(|| {
                    on_pool!(&t.pool, |p| black_box(
                        rt.block_on(sqlx_associations(p, t.numbered))
                    ))
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new(format!("loading_associations/quarry/{}", t.name), 100),
            &100,
            |b, _| b.iter(|| black_box(rt.block_on(quarry_associations(&t.repo)))),
        );
        rt.block_on(reset(t));
        for n in [1usize, 10, 25, 50, 100] {
            g.bench_with_input(
                BenchmarkId::new(format!("insert/sqlx/{}", t.name), n),
                &n,
                |b, n| {
                    b.iter(|| {
                        on_pool!(&t.pool, |p| black_box(
                            rt.block_on(sqlx_insert(p, t.numbered, *n))
                        ))
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("insert/quarry/{}", t.name), n),
                &n,
                |b, n| b.iter(|| black_box(rt.block_on(quarry_insert(&t.repo, *n)))),
            );
        }
        rt.block_on(reset(t));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
