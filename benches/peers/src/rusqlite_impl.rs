//! Raw rusqlite 0.39, the SQLite floor: one connection to an in-memory
//! database of its own, every statement through `prepare_cached`, rows read
//! with `row.get` into plain structs; associations are three queries (`IN`
//! lists) grouped by hand with hash maps, as the sqlx floor does.
//!
//! Also here, the other SQLite-only parts of the bench: seeding the
//! contenders that have an in-memory database of their own (rusqlite, and
//! sqlx / SeaORM, whose pool quarry no longer shares) with the rows
//! `quarry_impl::seed` writes, and [`SqliteExtra`], which benches rusqlite and
//! quarry's `spawn_blocking=true` mode beside the four others.

use std::collections::HashMap;

use criterion::measurement::WallTime;
use criterion::{black_box, BenchmarkGroup, BenchmarkId};
use quarry::AnyRepo;
use rusqlite::{params_from_iter, Connection};
use tokio::runtime::Runtime;

use crate::{quarry_impl, ASSOC_COMMENTS, ASSOC_POSTS, ASSOC_USERS};

/// A user row.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A post row.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// A comment row.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// A user with its posts, each with its comments.
pub type Loaded = (User, Vec<(Post, Vec<Comment>)>);

const TRIVIAL_SQL: &str = "SELECT id, name, hair_color FROM users";
const MEDIUM_SQL: &str = "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body \
     FROM users LEFT JOIN posts ON users.id = posts.user_id WHERE users.hair_color = ?";

fn user(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        hair_color: r.get(2)?,
    })
}

/// `SELECT ... WHERE col IN (?, ?, ...)`.
fn in_list_sql(select: &str, col: &str, n: usize) -> String {
    let mut sql = format!("{select} WHERE {col} IN (");
    for i in 0..n {
        sql.push_str(if i == 0 { "?" } else { ", ?" });
    }
    sql.push(')');
    sql
}

/// trivial_query.
pub fn trivial(conn: &Connection) -> usize {
    let run = || -> rusqlite::Result<Vec<User>> {
        let mut st = conn.prepare_cached(TRIVIAL_SQL)?;
        let rows = st.query_map([], user)?;
        rows.collect()
    };
    run().map(|v| v.len()).unwrap_or(0)
}

/// medium_complex.
pub fn medium(conn: &Connection) -> usize {
    let run = || -> rusqlite::Result<Vec<(User, Option<Post>)>> {
        let mut st = conn.prepare_cached(MEDIUM_SQL)?;
        let rows = st.query_map(["black"], |r| {
            let post = match r.get::<_, Option<i64>>(3)? {
                Some(id) => Some(Post {
                    id,
                    user_id: r.get(4)?,
                    title: r.get(5)?,
                    body: r.get(6)?,
                }),
                None => None,
            };
            Ok((user(r)?, post))
        })?;
        rows.collect()
    };
    run().map(|v| v.len()).unwrap_or(0)
}

/// insert: one multi-row INSERT of `n` users.
pub fn insert(conn: &Connection, n: usize) -> usize {
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        sql.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
    }
    let values = (0..n).flat_map(|i| {
        [
            rusqlite::types::Value::Text(format!("User {i}")),
            rusqlite::types::Value::Null,
        ]
    });
    conn.prepare_cached(&sql)
        .and_then(|mut st| st.execute(params_from_iter(values)))
        .unwrap_or(0)
}

/// insert, with its rows first collected into a `Vec` of structs (as Diesel
/// and quarry are handed them) and bound from there; `insert` binds each value
/// as it is made. Only the instruction counts (`benches/count.rs`, workload
/// `insert_vec`) use it: it shows how much of the distance to the floor is the
/// input's shape (a hundred strings alive at once, then freed together)
/// rather than the work of binding them.
pub fn insert_from_vec(conn: &Connection, n: usize) -> usize {
    let rows: Vec<(String, Option<String>)> = (0..n).map(|i| (format!("User {i}"), None)).collect();
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        sql.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
    }
    let values = rows
        .iter()
        .flat_map(|(name, color)| [name as &dyn rusqlite::ToSql, color]);
    conn.prepare_cached(&sql)
        .and_then(|mut st| st.execute(params_from_iter(values)))
        .unwrap_or(0)
}

/// loading_associations: users, then their posts, then the posts' comments,
/// grouped by hand. Returns the number of comments reached.
pub fn associations(conn: &Connection) -> usize {
    let run = || -> rusqlite::Result<Vec<Loaded>> {
        let users: Vec<User> = conn
            .prepare_cached(TRIVIAL_SQL)?
            .query_map([], user)?
            .collect::<rusqlite::Result<_>>()?;
        let sql = in_list_sql(
            "SELECT id, user_id, title, body FROM posts",
            "user_id",
            users.len(),
        );
        let posts: Vec<Post> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(users.iter().map(|u| u.id)), |r| {
                Ok(Post {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    title: r.get(2)?,
                    body: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let sql = in_list_sql(
            "SELECT id, post_id, text FROM comments",
            "post_id",
            posts.len(),
        );
        let comments: Vec<Comment> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(posts.iter().map(|p| p.id)), |r| {
                Ok(Comment {
                    id: r.get(0)?,
                    post_id: r.get(1)?,
                    text: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut by_post: HashMap<i64, Vec<Comment>> = HashMap::new();
        for c in comments {
            by_post.entry(c.post_id).or_default().push(c);
        }
        let mut by_user: HashMap<i64, Vec<(Post, Vec<Comment>)>> = HashMap::new();
        for p in posts {
            let cs = by_post.remove(&p.id).unwrap_or_default();
            by_user.entry(p.user_id).or_default().push((p, cs));
        }
        Ok(users
            .into_iter()
            .map(|u| {
                let ps = by_user.remove(&u.id).unwrap_or_default();
                (u, ps)
            })
            .collect())
    };
    run()
        .unwrap_or_default()
        .iter()
        .flat_map(|(_, ps)| ps.iter())
        .map(|(_, cs)| cs.len())
        .sum()
}

const COUNT_TO: &str =
    "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?) ";

/// The rows of `quarry_impl::seed(.., n)` as SQL: `n` users (black and brown
/// alternate), one post each.
pub fn seed_script(n: usize) -> Vec<(String, Option<i64>)> {
    vec![
        (
            format!("{COUNT_TO}INSERT INTO users (name, hair_color) SELECT 'User ' || i, CASE i % 2 WHEN 0 THEN 'black' ELSE 'brown' END FROM s"),
            Some(n as i64),
        ),
        (
            "INSERT INTO posts (user_id, title) SELECT id, 'Post of ' || id FROM users ORDER BY id".to_string(),
            None,
        ),
    ]
}

/// The rows of `quarry_impl::seed_associations` as SQL: 100 users x 10 posts
/// x 10 comments.
pub fn associations_script() -> Vec<(String, Option<i64>)> {
    vec![
        (
            format!("{COUNT_TO}INSERT INTO users (name) SELECT 'User ' || i FROM s"),
            Some(ASSOC_USERS as i64),
        ),
        (
            format!("{COUNT_TO}INSERT INTO posts (user_id, title) SELECT u.id, 'Post ' || s.i FROM users u, s ORDER BY u.id, s.i"),
            Some(ASSOC_POSTS as i64),
        ),
        (
            format!("{COUNT_TO}INSERT INTO comments (post_id, text) SELECT p.id, 'Comment ' || s.i FROM posts p, s ORDER BY p.id, s.i"),
            Some(ASSOC_COMMENTS as i64),
        ),
    ]
}

/// Drops and creates the three tables, then runs `script`, on rusqlite.
pub fn seed(conn: &Connection, ddl: &[&str; 3], script: &[(String, Option<i64>)]) {
    for table in ["comments", "posts", "users"] {
        conn.execute_batch(&format!("DROP TABLE IF EXISTS {table}"))
            .expect("drop table");
    }
    for stmt in ddl {
        conn.execute_batch(stmt).expect("create table");
    }
    for (sql, n) in script {
        conn.execute(sql, params_from_iter(n.iter())).expect("seed");
    }
}

/// The same on the sqlx floor's own SQLite pool (sqlx and SeaORM use it).
pub async fn seed_sqlx(
    pool: &sqlx::SqlitePool,
    ddl: &[&'static str; 3],
    script: &[(String, Option<i64>)],
) {
    for table in ["comments", "posts", "users"] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {table}")))
            .execute(pool)
            .await
            .expect("drop table");
    }
    for stmt in ddl {
        sqlx::raw_sql(*stmt)
            .execute(pool)
            .await
            .expect("create table");
    }
    for (sql, n) in script {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
        if let Some(n) = n {
            q = q.bind(*n);
        }
        q.execute(pool).await.expect("seed");
    }
}

/// The SQLite-only contenders: raw rusqlite (the floor) and quarry with
/// `spawn_blocking=true` (each statement on tokio's blocking pool), each on
/// an in-memory database of its own. Benched right after the four others,
/// their counts checked against quarry's.
pub struct SqliteExtra {
    pub conn: Connection,
    pub blocking: AnyRepo,
}

impl SqliteExtra {
    pub fn open(rt: &Runtime) -> SqliteExtra {
        let conn = Connection::open_in_memory().expect("rusqlite");
        let blocking = rt
            .block_on(quarry::connect("sqlite::memory:?spawn_blocking=true"))
            .expect("quarry blocking");
        SqliteExtra { conn, blocking }
    }

    /// Seeds both like `quarry_impl::seed(.., n)`.
    pub fn seed(&self, rt: &Runtime, ddl: &[&str; 3], n: usize) {
        seed(&self.conn, ddl, &seed_script(n));
        rt.block_on(quarry_impl::seed(&self.blocking, ddl, n));
    }

    /// Seeds both like `quarry_impl::seed_associations`.
    pub fn seed_associations(&self, rt: &Runtime, ddl: &[&str; 3]) {
        seed(&self.conn, ddl, &associations_script());
        rt.block_on(quarry_impl::seed_associations(&self.blocking, ddl));
    }

    /// Empty tables on both.
    pub fn reset(&self, rt: &Runtime, ddl: &[&str; 3]) {
        seed(&self.conn, ddl, &[]);
        rt.block_on(quarry_impl::reset(&self.blocking, ddl));
    }

    fn check(
        workload: &str,
        size: usize,
        expected: usize,
        got: impl IntoIterator<Item = (&'static str, usize)>,
    ) {
        for (imp, n) in got {
            assert_eq!(
                n, expected,
                "{workload}/{imp}/sqlite/{size}: {imp} loaded {n}, quarry {expected}"
            );
        }
    }

    pub fn trivial(
        &self,
        g: &mut BenchmarkGroup<'_, WallTime>,
        rt: &Runtime,
        quarry: &AnyRepo,
        n: usize,
    ) {
        let expected = rt.block_on(quarry_impl::trivial(quarry));
        Self::check(
            "trivial_query",
            n,
            expected,
            [
                ("rusqlite", trivial(&self.conn)),
                (
                    "quarry_blocking",
                    rt.block_on(quarry_impl::trivial(&self.blocking)),
                ),
            ],
        );
        g.bench_with_input(
            BenchmarkId::new("trivial_query/rusqlite/sqlite", n),
            &n,
            |b, _| b.iter(|| black_box(trivial(&self.conn))),
        );
        g.bench_with_input(
            BenchmarkId::new("trivial_query/quarry_blocking/sqlite", n),
            &n,
            |b, _| crate::in_runtime(b, rt, || quarry_impl::trivial(&self.blocking)),
        );
    }

    pub fn medium(
        &self,
        g: &mut BenchmarkGroup<'_, WallTime>,
        rt: &Runtime,
        quarry: &AnyRepo,
        n: usize,
    ) {
        let expected = rt.block_on(quarry_impl::medium(quarry));
        Self::check(
            "medium_complex",
            n,
            expected,
            [
                ("rusqlite", medium(&self.conn)),
                (
                    "quarry_blocking",
                    rt.block_on(quarry_impl::medium(&self.blocking)),
                ),
            ],
        );
        g.bench_with_input(
            BenchmarkId::new("medium_complex/rusqlite/sqlite", n),
            &n,
            |b, _| b.iter(|| black_box(medium(&self.conn))),
        );
        g.bench_with_input(
            BenchmarkId::new("medium_complex/quarry_blocking/sqlite", n),
            &n,
            |b, _| crate::in_runtime(b, rt, || quarry_impl::medium(&self.blocking)),
        );
    }

    pub fn associations(
        &self,
        g: &mut BenchmarkGroup<'_, WallTime>,
        rt: &Runtime,
        quarry: &AnyRepo,
    ) {
        let users = ASSOC_USERS;
        let expected = rt.block_on(quarry_impl::associations(quarry));
        Self::check(
            "loading_associations",
            users,
            expected,
            [
                ("rusqlite", associations(&self.conn)),
                (
                    "quarry_blocking",
                    rt.block_on(quarry_impl::associations(&self.blocking)),
                ),
            ],
        );
        g.bench_with_input(
            BenchmarkId::new("loading_associations/rusqlite/sqlite", users),
            &users,
            |b, _| b.iter(|| black_box(associations(&self.conn))),
        );
        g.bench_with_input(
            BenchmarkId::new("loading_associations/quarry_blocking/sqlite", users),
            &users,
            |b, _| crate::in_runtime(b, rt, || quarry_impl::associations(&self.blocking)),
        );
    }

    pub fn insert(&self, g: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime, n: usize) {
        Self::check(
            "insert",
            n,
            n,
            [
                ("rusqlite", insert(&self.conn, n)),
                ("rusqlite_vec", insert_from_vec(&self.conn, n)),
                (
                    "quarry_blocking",
                    rt.block_on(quarry_impl::insert(&self.blocking, n)),
                ),
            ],
        );
        g.bench_with_input(BenchmarkId::new("insert/rusqlite/sqlite", n), &n, |b, n| {
            b.iter(|| black_box(insert(&self.conn, *n)))
        });
        g.bench_with_input(
            BenchmarkId::new("insert/rusqlite_vec/sqlite", n),
            &n,
            |b, n| b.iter(|| black_box(insert_from_vec(&self.conn, *n))),
        );
        g.bench_with_input(
            BenchmarkId::new("insert/quarry_blocking/sqlite", n),
            &n,
            |b, n| crate::in_runtime(b, rt, || quarry_impl::insert(&self.blocking, *n)),
        );
    }
}
