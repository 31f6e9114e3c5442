//! Hand-written sqlx 0.9, the floor: `query_as` + `FromRow` on a connection of
//! its own for Postgres and MariaDB (no pool, no ping: what a tuned application
//! does), on the pool quarry uses for in-memory SQLite; the same functions as `benches/roundtrip.rs`. Associations are three
//! queries (users, posts `IN` user ids, comments `IN` post ids) grouped by hand.

use std::collections::HashMap;

use sqlx::{Database, Decode, FromRow, Row, Type};

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

/// The sqlx side's comment row.
#[derive(Debug)]
pub struct CommentRow {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// A user and maybe a post, decoded from one joined row.
pub struct UserPostRow(pub UserRow, pub Option<PostRow>);

/// A user with its posts, each with its comments.
pub type Loaded = (UserRow, Vec<(PostRow, Vec<CommentRow>)>);

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

/// trivial_query.
pub async fn trivial<'a, DB: Database>(on: impl sqlx::Acquire<'a, Database = DB>) -> usize
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

/// medium_complex.
pub async fn medium<'a, DB: Database>(
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

/// insert: one multi-row INSERT of `n` users.
pub async fn insert<'a, DB: Database>(
    on: impl sqlx::Acquire<'a, Database = DB>,
    numbered: bool,
    n: usize,
) -> usize
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
    q.execute(&mut *conn).await.map(|_| n).unwrap_or(0)
}

/// loading_associations: users, then their posts, then the posts' comments,
/// grouped by hand. Returns the number of comments reached.
pub async fn associations<'a, DB: Database>(
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
    let mut by_post: HashMap<i64, Vec<CommentRow>> = HashMap::new();
    for c in comments {
        by_post.entry(c.post_id).or_default().push(c);
    }
    let mut by_user: HashMap<i64, Vec<(PostRow, Vec<CommentRow>)>> = HashMap::new();
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
    grouped
        .iter()
        .flat_map(|(_, ps)| ps.iter())
        .map(|(_, cs)| cs.len())
        .sum()
}
