//! The four round-trip workloads of `shared/reference/benchmarks.md` §2 for
//! quarry, hand-written sqlx (the floor), SeaORM and Diesel, and on SQLite raw
//! rusqlite (SQLite's floor) and quarry's `spawn_blocking=true` mode. The bench
//! (`benches/peers.rs`) wires them to criterion; each module here is one
//! implementation, written the way its documentation recommends.
//!
//! Every function returns a count computed from what it loaded (rows, or
//! comments reached through the grouped structure for `loading_associations`)
//! so the bench can check once, before measuring, that all four agree.

pub mod diesel_impl;
pub mod quarry_impl;
pub mod rusqlite_impl;
pub mod seaorm_impl;
pub mod sqlx_impl;
pub mod tokio_postgres_impl;

/// `trivial_query` and `medium_complex` sizes (users).
pub const QUERY_SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];
/// `insert` sizes (rows in one multi-row INSERT).
pub const INSERT_SIZES: [usize; 5] = [1, 10, 25, 50, 100];
/// `loading_associations`: users, posts per user, comments per post.
pub const ASSOC_USERS: usize = 100;
/// Posts per user in `loading_associations`.
pub const ASSOC_POSTS: usize = 10;
/// Comments per post in `loading_associations`.
pub const ASSOC_COMMENTS: usize = 10;

/// The tables, as benches/roundtrip.rs creates them, per database.
pub const SQLITE_DDL: [&str; 3] = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, hair_color TEXT)",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT)",
    "CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, post_id BIGINT NOT NULL, text TEXT NOT NULL)",
];
/// Postgres tables.
pub const POSTGRES_DDL: [&str; 3] = [
    "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT)",
    "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL, title TEXT NOT NULL, body TEXT)",
    "CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL, text TEXT NOT NULL)",
];
/// MySQL / MariaDB tables.
pub const MYSQL_DDL: [&str; 3] = [
    "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, hair_color VARCHAR(255))",
    "CREATE TABLE posts (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, title VARCHAR(255) NOT NULL, body TEXT)",
    "CREATE TABLE comments (id BIGINT AUTO_INCREMENT PRIMARY KEY, post_id BIGINT NOT NULL, text TEXT NOT NULL)",
];

/// Hair colour of the i-th seeded user: black and brown alternate.
pub fn hair_color(i: usize) -> &'static str {
    if i.is_multiple_of(2) {
        "black"
    } else {
        "brown"
    }
}

/// Times an async contender the way an async application calls it: every
/// iteration of a sample awaited in turn inside one `block_on` (a program
/// runs its queries inside a runtime it entered once), instead of entering
/// the runtime for each call, which adds the runtime's own entry and exit to
/// every iteration (a cost Diesel and rusqlite, called directly, never
/// pay).
pub fn in_runtime<F, Fut>(b: &mut criterion::Bencher<'_>, rt: &tokio::runtime::Runtime, mut call: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future,
{
    b.iter_custom(|iters| {
        rt.block_on(async {
            let start = std::time::Instant::now();
            for _ in 0..iters {
                criterion::black_box(call().await);
            }
            start.elapsed()
        })
    })
}
