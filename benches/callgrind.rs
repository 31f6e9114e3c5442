//! Per-call instruction counts for callgrind: what quarry adds to hand-written
//! sqlx on one round trip. Not a criterion bench: `cargo bench` runs it with no
//! arguments and it only prints how to use it.
//!
//! ```text
//! cargo bench --features postgres,mysql --bench callgrind --no-run
//! B=target/release/deps/callgrind-<hash>
//! $B seed postgres 1                        # (re)creates users/posts with 1 row
//! valgrind --tool=callgrind $B run postgres quarry trivial 200
//! valgrind --tool=callgrind $B run postgres quarry trivial 1200
//! ```
//!
//! Workloads: `trivial`, `medium`, `assoc` (a two-level preload of 100 users
//! x 10 posts x 10 comments; seed it with `$B seed <db> assoc`), and
//! `insert` (`insert_all` of one user; the table grows), `insert100` (of a
//! hundred users in one statement; reseed before each count, as the table
//! grows).
//!
//! `$B ab postgres trivial 2000` instead times quarry and the floor called in
//! turn (medians, means and 90th percentiles; robust on a loaded machine);
//! `QUARRY_AB_PREWRITE` (see [`prewrite`]) first has one side send a large
//! INSERT.
//!
//! `sqlite` works the same way over a file database
//! (`QUARRY_CALLGRIND_SQLITE_URL`, default `sqlite:///tmp/quarry_callgrind.db`);
//! its floor is raw rusqlite (`prepare_cached`, rows read into plain tuples) on
//! a connection of its own, the calls are made through `block_on` as quarry's
//! are.
//!
//! Instructions per call = (I(1200) - I(200)) / 1000; quarry's overhead is that
//! number for `quarry` minus the one for `sqlx` (the floor: its own connection,
//! no pool, no ping). URLs from `QUARRY_CALLGRIND_POSTGRES_URL` /
//! `QUARRY_CALLGRIND_MYSQL_URL` (a database of its own: the tables are dropped).

use quarry::prelude::*;
use quarry::query::{maybe_row, row};
use quarry::AnyRepo;
use sqlx::Connection as _;

#[derive(Schema, Clone, Debug)]
#[quarry(table = "users")]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(Schema, Clone, Debug)]
#[quarry(table = "posts")]
pub struct Post {
    pub meta: Meta,
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// loading_associations' schemas (tables `a_users`, `a_posts`, `a_comments`,
/// made by `seed <db> assoc`): 100 users x 10 posts x 10 comments.
#[derive(Schema, Clone, Debug)]
#[quarry(table = "a_users")]
pub struct AUser {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    #[quarry(has_many(foreign_key = "user_id"))]
    pub posts: quarry::Assoc<Vec<APost>>,
}

/// A post of [`AUser`].
#[derive(Schema, Clone, Debug)]
#[quarry(table = "a_posts")]
pub struct APost {
    pub meta: Meta,
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    #[quarry(has_many(foreign_key = "post_id"))]
    pub comments: quarry::Assoc<Vec<AComment>>,
}

/// A comment of [`APost`].
#[derive(Schema, Clone, Debug)]
#[quarry(table = "a_comments")]
pub struct AComment {
    pub meta: Meta,
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

const TRIVIAL_SQL: &str = "SELECT id, name, hair_color FROM users";
const MEDIUM_SQL: &str = "SELECT users.id, users.name, users.hair_color, posts.id, posts.user_id, posts.title, posts.body \
     FROM users LEFT JOIN posts ON users.id = posts.user_id WHERE users.hair_color = ";

type UserRow = (i64, String, Option<String>);
type UserPostRow = (
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn url(db: &str) -> String {
    let (var, default) = match db {
        "sqlite" => (
            "QUARRY_CALLGRIND_SQLITE_URL",
            "sqlite:///tmp/quarry_callgrind.db",
        ),
        "postgres" => (
            "QUARRY_CALLGRIND_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/wt14_bench",
        ),
        _ => (
            "QUARRY_CALLGRIND_MYSQL_URL",
            "mysql://root@127.0.0.1:3306/wt14_bench",
        ),
    };
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// Users, their posts and the posts' comments for the `assoc` workload.
async fn seed_assoc(db: &str) {
    let repo = quarry::connect(&url(db)).await.expect("connect");
    for t in ["a_comments", "a_posts", "a_users"] {
        repo.execute_raw(&format!("DROP TABLE IF EXISTS {t}"), vec![])
            .await
            .expect("drop");
    }
    let (id, text) = match db {
        "sqlite" => ("INTEGER PRIMARY KEY", "TEXT"),
        "postgres" => ("BIGSERIAL PRIMARY KEY", "TEXT"),
        _ => ("BIGINT AUTO_INCREMENT PRIMARY KEY", "VARCHAR(255)"),
    };
    for d in [
        format!("CREATE TABLE a_users (id {id}, name {text} NOT NULL)"),
        format!("CREATE TABLE a_posts (id {id}, user_id BIGINT NOT NULL, title {text} NOT NULL)"),
        format!("CREATE TABLE a_comments (id {id}, post_id BIGINT NOT NULL, text {text} NOT NULL)"),
    ] {
        repo.execute_raw(&d, vec![]).await.expect("create");
    }
    let users: Vec<AUser> = (0..100)
        .map(|i| AUser {
            name: format!("User {i}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await.expect("users");
    let ids: Vec<i64> = repo
        .all(AUser::query().select(AUser::id))
        .await
        .expect("ids");
    let posts: Vec<APost> = ids
        .iter()
        .flat_map(|u| {
            (0..10).map(move |i| APost {
                user_id: *u,
                title: format!("Post {i}"),
                ..Default::default()
            })
        })
        .collect();
    repo.insert_all(posts).await.expect("posts");
    let ids: Vec<i64> = repo
        .all(APost::query().select(APost::id))
        .await
        .expect("ids");
    let comments: Vec<AComment> = ids
        .iter()
        .flat_map(|p| {
            (0..10).map(move |i| AComment {
                post_id: *p,
                text: format!("Comment {i}"),
                ..Default::default()
            })
        })
        .collect();
    repo.insert_all(comments).await.expect("comments");
}

async fn seed(db: &str, n: usize) {
    let repo = quarry::connect(&url(db)).await.expect("connect");
    for t in ["posts", "users"] {
        repo.execute_raw(&format!("DROP TABLE IF EXISTS {t}"), vec![])
            .await
            .expect("drop");
    }
    let ddl = if db == "sqlite" {
        [
            "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT)",
            "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT)",
        ]
    } else if db == "postgres" {
        [
            "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT)",
            "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT)",
        ]
    } else {
        [
            "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255))",
            "CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(255) NOT NULL, body TEXT)",
        ]
    };
    for d in ddl {
        repo.execute_raw(d, vec![]).await.expect("create");
    }
    let users: Vec<User> = (0..n)
        .map(|i| User {
            name: format!("User {i}"),
            hair_color: Some(if i % 2 == 0 { "black" } else { "brown" }.to_string()),
            ..Default::default()
        })
        .collect();
    repo.insert_all(users).await.expect("users");
    let ids: Vec<i64> = repo.all(User::query().select(User::id)).await.expect("ids");
    let posts: Vec<Post> = ids
        .iter()
        .map(|id| Post {
            user_id: *id,
            title: format!("Post of {id}"),
            ..Default::default()
        })
        .collect();
    repo.insert_all(posts).await.expect("posts");
}

/// The rows an insert workload writes: `insert` one, `insert<n>` n.
fn insert_rows(workload: &str) -> Option<usize> {
    let n = workload.strip_prefix("insert")?;
    if n.is_empty() {
        return Some(1);
    }
    n.parse().ok()
}

async fn quarry_call(repo: &AnyRepo, workload: &str) -> usize {
    if workload == "trivial" {
        return repo.all(User::query()).await.map(|v| v.len()).unwrap_or(0);
    }
    if let Some(n) = insert_rows(workload) {
        let users: Vec<User> = (0..n)
            .map(|i| User {
                name: format!("User {i}"),
                ..Default::default()
            })
            .collect();
        return repo
            .insert_all(users)
            .await
            .map(|(n, _)| n as usize)
            .unwrap_or(0);
    }
    if workload == "assoc" {
        let users = repo
            .all(AUser::query().preload(AUser::posts.preload(APost::comments)))
            .await
            .unwrap_or_default();
        return users
            .iter()
            .flat_map(|u| u.posts.value().into_iter().flatten())
            .map(|p| p.comments.value().map_or(0, |c| c.len()))
            .sum();
    }
    let q = User::query()
        .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
        .filter(User::hair_color.eq("black"))
        .select((row::<User>(), maybe_row::<Post>()));
    repo.all(q).await.map(|v| v.len()).unwrap_or(0)
}

/// The SQLite floor: raw rusqlite on a connection of its own.
fn rusqlite_open(url: &str) -> rusqlite::Connection {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    rusqlite::Connection::open(path).expect("open")
}

/// `SELECT .. WHERE col IN (?, ?, ..)` with `n` placeholders.
fn in_list_sql(select: &str, col: &str, n: usize) -> String {
    let marks = vec!["?"; n].join(", ");
    format!("{select} WHERE {col} IN ({marks})")
}

/// A post or comment row of `assoc`'s floors: id, owner id, text.
type Row3 = (i64, i64, String);

/// The floors' grouping of `assoc`: comments under their posts under their
/// users, by hand; the number of comments reached.
fn grouped(users: Vec<(i64, String)>, posts: Vec<Row3>, comments: Vec<Row3>) -> usize {
    use std::collections::HashMap;
    let mut by_post: HashMap<i64, Vec<Row3>> = HashMap::new();
    for c in comments {
        by_post.entry(c.1).or_default().push(c);
    }
    let mut by_user: HashMap<i64, Vec<(Row3, Vec<Row3>)>> = HashMap::new();
    for p in posts {
        let cs = by_post.remove(&p.0).unwrap_or_default();
        by_user.entry(p.1).or_default().push((p, cs));
    }
    let loaded: Vec<_> = users
        .into_iter()
        .map(|u| (u.clone(), by_user.remove(&u.0).unwrap_or_default()))
        .collect();
    loaded
        .iter()
        .flat_map(|(_, ps)| ps.iter())
        .map(|(_, cs)| cs.len())
        .sum()
}

/// The floor of `assoc`: three statements, rows grouped by hand.
fn rusqlite_assoc(conn: &rusqlite::Connection) -> usize {
    let users: Vec<(i64, String)> = conn
        .prepare_cached("SELECT id, name FROM a_users")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    let sql = in_list_sql(
        "SELECT id, user_id, title FROM a_posts",
        "user_id",
        users.len(),
    );
    let posts: Vec<Row3> = conn
        .prepare_cached(&sql)
        .expect("prepare")
        .query_map(rusqlite::params_from_iter(users.iter().map(|u| u.0)), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    let sql = in_list_sql(
        "SELECT id, post_id, text FROM a_comments",
        "post_id",
        posts.len(),
    );
    let comments: Vec<Row3> = conn
        .prepare_cached(&sql)
        .expect("prepare")
        .query_map(rusqlite::params_from_iter(posts.iter().map(|p| p.0)), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    grouped(users, posts, comments)
}

fn rusqlite_call(conn: &rusqlite::Connection, workload: &str) -> usize {
    if let Some(n) = insert_rows(workload) {
        // As benches/peers: the statement's text for `n` rows, then its values.
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
        return conn
            .prepare_cached(&sql)
            .and_then(|mut st| st.execute(rusqlite::params_from_iter(values)))
            .unwrap_or(0);
    }
    if workload == "assoc" {
        return rusqlite_assoc(conn);
    }
    if workload == "trivial" {
        let mut stmt = conn.prepare_cached(TRIVIAL_SQL).expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok::<UserRow, _>((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query");
        return rows.map(|r| r.expect("row")).collect::<Vec<_>>().len();
    }
    let sql = format!("{MEDIUM_SQL}?");
    let mut stmt = conn.prepare_cached(&sql).expect("prepare");
    let rows = stmt
        .query_map(["black"], |r| {
            Ok::<UserPostRow, _>((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .expect("query");
    rows.map(|r| r.expect("row")).collect::<Vec<_>>().len()
}

/// `SELECT .. WHERE col IN ($1, $2, ..)` (Postgres) or `IN (?, ?, ..)`.
fn in_list_marks(select: &str, col: &str, n: usize, numbered: bool) -> String {
    if !numbered {
        return in_list_sql(select, col, n);
    }
    let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!("{select} WHERE {col} IN ({})", marks.join(", "))
}

/// The sqlx floor of `assoc`: three statements, rows grouped by hand.
macro_rules! sqlx_assoc {
    ($db:ty, $conn:expr, $numbered:expr) => {{
        let users: Vec<(i64, String)> =
            sqlx::query_as::<$db, (i64, String)>("SELECT id, name FROM a_users")
                .fetch_all(&mut *$conn)
                .await
                .unwrap_or_default();
        let sql = in_list_marks(
            "SELECT id, user_id, title FROM a_posts",
            "user_id",
            users.len(),
            $numbered,
        );
        let mut q = sqlx::query_as::<$db, Row3>(sqlx::AssertSqlSafe(sql));
        for u in &users {
            q = q.bind(u.0);
        }
        let posts = q.fetch_all(&mut *$conn).await.unwrap_or_default();
        let sql = in_list_marks(
            "SELECT id, post_id, text FROM a_comments",
            "post_id",
            posts.len(),
            $numbered,
        );
        let mut q = sqlx::query_as::<$db, Row3>(sqlx::AssertSqlSafe(sql));
        for p in &posts {
            q = q.bind(p.0);
        }
        let comments = q.fetch_all(&mut *$conn).await.unwrap_or_default();
        grouped(users, posts, comments)
    }};
}

macro_rules! sqlx_call {
    ($db:ty, $conn:expr, $workload:expr, $mark:expr) => {{
        if $workload == "assoc" {
            sqlx_assoc!($db, $conn, $mark == "$1")
        } else if let Some(n) = insert_rows($workload) {
            // As benches/peers: the statement's text for `n` rows, then its values.
            let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
            for i in 0..n {
                let sep = if i == 0 { "" } else { ", " };
                if $mark == "$1" {
                    sql.push_str(&format!("{sep}(${}, ${})", 2 * i + 1, 2 * i + 2));
                } else {
                    sql.push_str(sep);
                    sql.push_str("(?, ?)");
                }
            }
            let mut q = sqlx::query::<$db>(sqlx::AssertSqlSafe(sql));
            for i in 0..n {
                q = q.bind(format!("User {i}")).bind(Option::<String>::None);
            }
            q.execute(&mut *$conn)
                .await
                .map(|r| r.rows_affected() as usize)
                .unwrap_or(0)
        } else if $workload == "trivial" {
            sqlx::query_as::<$db, UserRow>(TRIVIAL_SQL)
                .fetch_all(&mut *$conn)
                .await
                .map(|v| v.len())
                .unwrap_or(0)
        } else {
            sqlx::query_as::<$db, UserPostRow>(sqlx::AssertSqlSafe(format!(
                "{MEDIUM_SQL}{}",
                $mark
            )))
            .bind("black".to_string())
            .fetch_all(&mut *$conn)
            .await
            .map(|v| v.len())
            .unwrap_or(0)
        }
    }};
}

async fn run(db: &str, imp: &str, workload: &str, iters: usize) -> usize {
    let url = url(db);
    let mut total = 0;
    match (db, imp) {
        (_, "quarry") => {
            let repo = quarry::connect(&url).await.expect("connect");
            for _ in 0..iters + 20 {
                total += quarry_call(&repo, workload).await;
            }
        }
        ("sqlite", _) => {
            let c = rusqlite_open(&url);
            for _ in 0..iters + 20 {
                total += async { rusqlite_call(&c, workload) }.await;
            }
        }
        ("postgres", _) => {
            let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
            for _ in 0..iters + 20 {
                total += sqlx_call!(sqlx::Postgres, &mut c, workload, "$1");
            }
        }
        _ => {
            let mut c = sqlx::MySqlConnection::connect(&url).await.expect("connect");
            for _ in 0..iters + 20 {
                total += sqlx_call!(sqlx::MySql, &mut c, workload, "?");
            }
        }
    }
    total
}

/// `QUARRY_AB_PREWRITE=quarry:N` (or `floor:N`, MySQL only): before `ab`
/// times anything, that side's connection sends one INSERT of N users, which
/// are deleted again, so the two connections differ only in what they sent
/// before. (On MariaDB a connection that has sent a 10,000-row INSERT reads
/// large results ~15% slower from then on, quarry or plain sqlx alike.)
async fn prewrite(spec: &str, repo: &AnyRepo, floor: Option<&mut sqlx::MySqlConnection>) {
    let (side, n) = spec.split_once(':').expect("quarry:N or floor:N");
    let n: usize = n.parse().expect("rows");
    let undo = |wrote: u64| {
        format!(
            "DELETE FROM users WHERE id > (SELECT m FROM (SELECT MAX(id) - {wrote} AS m FROM users) t)"
        )
    };
    match (side, floor) {
        ("quarry", _) => {
            let users: Vec<User> = (0..n)
                .map(|i| User {
                    name: format!("User {i}"),
                    ..Default::default()
                })
                .collect();
            let (wrote, _) = repo.insert_all(users).await.expect("prewrite");
            repo.execute_raw(&undo(wrote), vec![]).await.expect("undo");
        }
        ("floor", Some(c)) => {
            let sql = format!(
                "INSERT INTO users (name, hair_color) VALUES {}",
                vec!["(?, ?)"; n].join(", ")
            );
            let mut q = sqlx::query::<sqlx::MySql>(sqlx::AssertSqlSafe(sql));
            for i in 0..n {
                q = q.bind(format!("User {i}")).bind(Option::<String>::None);
            }
            let wrote = q.execute(&mut *c).await.expect("prewrite").rows_affected();
            sqlx::query::<sqlx::MySql>(sqlx::AssertSqlSafe(undo(wrote)))
                .execute(&mut *c)
                .await
                .expect("undo");
        }
        _ => panic!("QUARRY_AB_PREWRITE: quarry:N, or floor:N on mysql"),
    }
}

/// Quarry and the sqlx floor called in turn, `iters` times each: the medians of
/// their call times (interleaved, so that a loaded machine slows both alike).
async fn ab(db: &str, workload: &str, iters: usize) {
    let url = url(db);
    let repo = quarry::connect(&url).await.expect("connect");
    let mut pg = None;
    let mut my = None;
    let mut lite = None;
    if db == "sqlite" {
        lite = Some(rusqlite_open(&url));
    } else if db == "postgres" {
        pg = Some(sqlx::PgConnection::connect(&url).await.expect("connect"));
    } else {
        my = Some(sqlx::MySqlConnection::connect(&url).await.expect("connect"));
    }
    if let Ok(spec) = std::env::var("QUARRY_AB_PREWRITE") {
        prewrite(&spec, &repo, my.as_mut()).await;
    }
    let (mut q, mut s) = (Vec::new(), Vec::new());
    for i in 0..iters + 50 {
        let t0 = std::time::Instant::now();
        let a = quarry_call(&repo, workload).await;
        let t1 = std::time::Instant::now();
        let b = match (&mut pg, &mut my, &lite) {
            (Some(c), _, _) => sqlx_call!(sqlx::Postgres, c, workload, "$1"),
            (_, Some(c), _) => sqlx_call!(sqlx::MySql, c, workload, "?"),
            (_, _, Some(c)) => rusqlite_call(c, workload),
            _ => 0,
        };
        let t2 = std::time::Instant::now();
        assert_eq!(a, b, "both load the same rows");
        if i >= 50 {
            q.push(t1 - t0);
            s.push(t2 - t1);
        }
    }
    q.sort();
    s.sort();
    let (mq, ms) = (q[q.len() / 2], s[s.len() / 2]);
    let mean = |v: &[std::time::Duration]| {
        v.iter().sum::<std::time::Duration>() / u32::try_from(v.len()).unwrap_or(u32::MAX)
    };
    let (aq, as_) = (mean(&q), mean(&s));
    println!(
        "{db} {workload}: medians quarry {mq:?}, floor {ms:?}, quarry / floor {:.3}; means {aq:?}, {as_:?}, {:.3}; p90 {:?}, {:?}",
        mq.as_secs_f64() / ms.as_secs_f64(),
        aq.as_secs_f64() / as_.as_secs_f64(),
        q[q.len() * 9 / 10],
        s[s.len() * 9 / 10],
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    match args.as_slice() {
        ["seed", db, "assoc"] => rt.block_on(seed_assoc(db)),
        ["seed", db, n] => rt.block_on(seed(db, n.parse().expect("rows"))),
        ["run", db, imp, workload, iters] => {
            let loaded = rt.block_on(run(db, imp, workload, iters.parse().expect("iters")));
            assert!(loaded > 0, "nothing loaded");
        }
        ["ab", db, workload, iters] => rt.block_on(ab(db, workload, iters.parse().expect("iters"))),
        _ => println!("callgrind harness: see the comment at the top of benches/callgrind.rs"),
    }
}
