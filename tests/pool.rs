//! The Postgres and MySQL/MariaDB pools on the wire: what a statement sends,
//! counted by a loopback proxy that reads the client's protocol messages; which
//! prepared statements the server keeps; how connection failures are told
//! apart. Runs where `QUARRY_TEST_POSTGRES_URL` / `QUARRY_TEST_MYSQL_URL` are
//! set (skips with a message elsewhere).

#![cfg(any(feature = "postgres", feature = "mysql"))]

use quarry::error::ConnectionErrorKind;
use quarry::schema::ValueType;
use quarry::{Error, PoolOptions, Repo, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Clone, Copy, PartialEq)]
enum Proto {
    Postgres,
    MySql,
}

/// Client messages seen by the proxy, by type (Postgres: the message's type
/// byte; MySQL: the command byte of a packet that starts a command).
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<HashMap<u8, usize>>>);

impl Seen {
    fn take(&self) -> HashMap<u8, usize> {
        std::mem::take(&mut *self.0.lock().expect("counts"))
    }
}

/// Reads whole client messages out of `buf` as bytes arrive.
struct Parser {
    proto: Proto,
    buf: Vec<u8>,
    started: bool,
}

impl Parser {
    fn feed(&mut self, bytes: &[u8], seen: &Seen) {
        self.buf.extend_from_slice(bytes);
        loop {
            let len = match self.proto {
                // The startup message has no type byte; then type + u32 length.
                Proto::Postgres if !self.started => {
                    if self.buf.len() < 4 {
                        return;
                    }
                    u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]])
                        as usize
                }
                Proto::Postgres => {
                    if self.buf.len() < 5 {
                        return;
                    }
                    1 + u32::from_be_bytes([self.buf[1], self.buf[2], self.buf[3], self.buf[4]])
                        as usize
                }
                // u24 length, sequence id, payload.
                Proto::MySql => {
                    if self.buf.len() < 4 {
                        return;
                    }
                    4 + (self.buf[0] as usize
                        | (self.buf[1] as usize) << 8
                        | (self.buf[2] as usize) << 16)
                }
            };
            if self.buf.len() < len {
                return;
            }
            let msg: Vec<u8> = self.buf.drain(..len).collect();
            let kind = match self.proto {
                Proto::Postgres if !self.started => {
                    self.started = true;
                    None
                }
                Proto::Postgres => Some(msg[0]),
                // Commands start at sequence id 0 (handshake packets do not).
                Proto::MySql if msg[3] == 0 && msg.len() > 4 => Some(msg[4]),
                Proto::MySql => None,
            };
            if let Some(k) = kind {
                *seen.0.lock().expect("counts").entry(k).or_default() += 1;
            }
        }
    }
}

/// A loopback proxy to `upstream` that counts what clients send.
async fn proxy(proto: Proto, upstream: String) -> (u16, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Seen::default();
    let counts = seen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else {
                continue;
            };
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut sr, &mut cw).await;
            });
            let counts = counts.clone();
            tokio::spawn(async move {
                let mut parser = Parser {
                    proto,
                    buf: Vec::new(),
                    started: false,
                };
                let mut chunk = [0u8; 8192];
                while let Ok(n) = cr.read(&mut chunk).await {
                    if n == 0 || sw.write_all(&chunk[..n]).await.is_err() {
                        break;
                    }
                    parser.feed(&chunk[..n], &counts);
                }
            });
        }
    });
    (port, seen)
}

/// The URL through the proxy on `port` (host and port replaced), with `extra`
/// URL parameters.
fn via(url: &str, port: u16, extra: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("scheme");
    let (auth, rest) = rest.rsplit_once('@').map_or(("", rest), |(a, r)| (a, r));
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let sep = if path.contains('?') { '&' } else { '?' };
    let at = if auth.is_empty() { "" } else { "@" };
    format!("{scheme}://{auth}{at}127.0.0.1:{port}{path}{sep}{extra}")
}

fn upstream(url: &str) -> String {
    let rest = url.split_once("://").expect("scheme").1;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().expect("host").to_string()
}

fn env_url(kind: &str) -> Option<String> {
    let url = std::env::var(format!("QUARRY_TEST_{kind}_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("skipped: QUARRY_TEST_{kind}_URL is not set");
    }
    url
}

fn one_connection() -> PoolOptions {
    PoolOptions {
        max_connections: 1,
        ..PoolOptions::default()
    }
}

async fn add_one(repo: &impl Repo, sql: &str, n: i32) -> i32 {
    let rows = repo
        .query_raw(sql, vec![Value::I32(n)], &[ValueType::I32])
        .await
        .expect("query");
    match rows[0].values[0] {
        Value::I32(v) => v,
        ref other => panic!("unexpected {other:?}"),
    }
}

async fn pg_prepared(repo: &impl Repo, sql: &str) -> i64 {
    let rows = repo
        .query_raw(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1",
            vec![Value::String(sql.into())],
            &[ValueType::I64],
        )
        .await
        .expect("pg_prepared_statements");
    match rows[0].values[0] {
        Value::I64(v) => v,
        ref other => panic!("unexpected {other:?}"),
    }
}

const PG_SQL: &str = "SELECT $1::int4 + 1";
const MY_SQL: &str = "SELECT CAST(? AS SIGNED) + 1";

/// Postgres: after its first run, a repeated statement is one Bind/Execute/Sync
/// (one round trip, no Parse: the named statement is reused; no ping before or
/// after), and the server holds it once in `pg_prepared_statements`.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_repeats_a_prepared_statement_in_one_round_trip() {
    let Some(url) = env_url("POSTGRES") else {
        return;
    };
    let (port, seen) = proxy(Proto::Postgres, upstream(&url)).await;
    let repo = quarry::connect_with(&via(&url, port, "sslmode=disable"), one_connection())
        .await
        .expect("connect");
    assert_eq!(add_one(&repo, PG_SQL, 1).await, 2);
    seen.take();
    for n in 0..10 {
        assert_eq!(add_one(&repo, PG_SQL, n).await, n + 1);
    }
    let sent = seen.take();
    assert_eq!(sent.get(&b'P'), None, "no Parse once prepared: {sent:?}");
    assert_eq!(
        sent.get(&b'S'),
        Some(&10),
        "one Sync (round trip) each: {sent:?}"
    );
    assert_eq!(sent.get(&b'B'), Some(&10), "{sent:?}");
    assert_eq!(sent.get(&b'Q'), None, "no simple query: {sent:?}");
    assert_eq!(pg_prepared(&repo, PG_SQL).await, 1, "prepared once, kept");
}

/// Postgres without named prepared statements (for PgBouncer's transaction
/// mode): every run parses an unnamed statement; the server keeps none.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_without_named_prepared_statements_keeps_none() {
    let Some(url) = env_url("POSTGRES") else {
        return;
    };
    let (port, seen) = proxy(Proto::Postgres, upstream(&url)).await;
    let options = PoolOptions {
        named_prepared_statements: false,
        ..one_connection()
    };
    let repo = quarry::connect_with(&via(&url, port, "sslmode=disable"), options)
        .await
        .expect("connect");
    seen.take();
    for n in 0..5 {
        assert_eq!(add_one(&repo, PG_SQL, n).await, n + 1);
    }
    assert_eq!(seen.take().get(&b'P'), Some(&5), "parsed each time");
    assert_eq!(pg_prepared(&repo, PG_SQL).await, 0);
    let rows = repo
        .query_raw(
            "SELECT count(*) FROM pg_prepared_statements",
            vec![],
            &[ValueType::I64],
        )
        .await
        .expect("count");
    assert_eq!(
        rows[0].values[0],
        Value::I64(0),
        "no named statement at all"
    );

    // The same through the URL parameter.
    let repo = quarry::connect_with(
        &format!(
            "{url}{}prepared_statements=false",
            if url.contains('?') { '&' } else { '?' }
        ),
        one_connection(),
    )
    .await
    .expect("connect");
    add_one(&repo, PG_SQL, 1).await;
    add_one(&repo, PG_SQL, 2).await;
    assert_eq!(pg_prepared(&repo, PG_SQL).await, 0);

    // And with no statement cache: nothing kept either (sqlx alone would still
    // name each statement and leave it on the server).
    let options = PoolOptions {
        statement_cache: Some(0),
        ..one_connection()
    };
    let repo = quarry::connect_with(&url, options).await.expect("connect");
    add_one(&repo, PG_SQL, 1).await;
    add_one(&repo, PG_SQL, 2).await;
    let rows = repo
        .query_raw(
            "SELECT count(*) FROM pg_prepared_statements",
            vec![],
            &[ValueType::I64],
        )
        .await
        .expect("count");
    assert_eq!(
        rows[0].values[0],
        Value::I64(0),
        "no statement left on the server"
    );
}

/// A connection idle longer than `health_check_after_idle` is pinged (one bare
/// Sync) before use; one in steady use, or with the check off, is not.
#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_pings_only_after_idle() {
    let Some(url) = env_url("POSTGRES") else {
        return;
    };
    for (check, pings) in [(Some(Duration::from_millis(50)), 1), (None, 0)] {
        let (port, seen) = proxy(Proto::Postgres, upstream(&url)).await;
        let options = PoolOptions {
            health_check_after_idle: check,
            ..one_connection()
        };
        let repo = quarry::connect_with(&via(&url, port, "sslmode=disable"), options)
            .await
            .expect("connect");
        add_one(&repo, PG_SQL, 1).await;
        seen.take();
        add_one(&repo, PG_SQL, 1).await;
        assert_eq!(
            seen.take().get(&b'S'),
            Some(&1),
            "busy: no ping ({check:?})"
        );
        tokio::time::sleep(Duration::from_millis(120)).await;
        add_one(&repo, PG_SQL, 1).await;
        let sent = seen.take();
        assert_eq!(
            sent.get(&b'S'),
            Some(&(1 + pings)),
            "after idle ({check:?}): {sent:?}"
        );
    }
}

/// MySQL/MariaDB: a repeated statement is one COM_STMT_EXECUTE (prepared once,
/// no COM_PING); without named prepared statements it is prepared and closed
/// each time.
#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_repeats_a_prepared_statement_without_ping() {
    const PREPARE: u8 = 0x16;
    const EXECUTE: u8 = 0x17;
    const CLOSE: u8 = 0x19;
    const PING: u8 = 0x0e;
    let Some(url) = env_url("MYSQL") else { return };
    for named in [true, false] {
        let (port, seen) = proxy(Proto::MySql, upstream(&url)).await;
        let options = PoolOptions {
            named_prepared_statements: named,
            ..one_connection()
        };
        let repo = quarry::connect_with(&via(&url, port, "ssl-mode=disabled"), options)
            .await
            .expect("connect");
        assert_eq!(add_one(&repo, MY_SQL, 1).await, 2);
        seen.take();
        for n in 0..10 {
            assert_eq!(add_one(&repo, MY_SQL, n).await, n + 1);
        }
        let sent = seen.take();
        assert_eq!(sent.get(&EXECUTE), Some(&10), "{sent:?}");
        assert_eq!(sent.get(&PING), None, "no ping: {sent:?}");
        if named {
            assert_eq!(sent.get(&PREPARE), None, "prepared once: {sent:?}");
            assert_eq!(sent.len(), 1, "nothing else: {sent:?}");
        } else {
            assert_eq!(sent.get(&PREPARE), Some(&10), "{sent:?}");
            assert_eq!(sent.get(&CLOSE), Some(&10), "{sent:?}");
        }
    }
}

fn connect_error(url: &str) -> quarry::error::ConnectionError {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let options = PoolOptions {
        acquire_timeout: Duration::from_secs(10),
        ..PoolOptions::default()
    };
    match rt.block_on(quarry::connect_with(url, options)) {
        Err(Error::Connection(e)) => {
            assert!(
                std::error::Error::source(&e).is_some()
                    || e.kind == ConnectionErrorKind::InvalidUrl,
                "keeps the driver's error: {e:?}"
            );
            assert!(
                !e.to_string().contains(" at line "),
                "no server source line: {e}"
            );
            e
        }
        other => panic!("{url}: expected a connection error, got {other:?}"),
    }
}

fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// Refused, a missing database, a refused user, an unreadable URL: each its
/// own kind. `user` is a user the server does not know.
fn failures_are_told_apart(url: &str, user: &str) {
    let (scheme, rest) = url.split_once("://").expect("scheme");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let sep = if url.contains('?') { '&' } else { '?' };
    let port = closed_port();
    for (url, kind) in [
        (
            format!("{scheme}://root@127.0.0.1:{port}/test"),
            ConnectionErrorKind::Refused,
        ),
        (
            with_database(url, "quarry_no_such_database"),
            ConnectionErrorKind::DatabaseNotFound,
        ),
        (
            format!("{scheme}://{user}@{host}"),
            ConnectionErrorKind::Auth,
        ),
        (
            format!("{scheme}://root@127.0.0.1:notaport/test"),
            ConnectionErrorKind::InvalidUrl,
        ),
        (
            format!("{url}{sep}prepared_statements=maybe"),
            ConnectionErrorKind::InvalidUrl,
        ),
    ] {
        let e = connect_error(&url);
        assert_eq!(e.kind, kind, "{url}");
        // Each says what to do.
        let hint = match kind {
            ConnectionErrorKind::DatabaseNotFound => Some("create it with `quarry db create`"),
            ConnectionErrorKind::Refused => Some("is the server running"),
            ConnectionErrorKind::Auth => Some("check the user and password"),
            _ => None,
        };
        if let Some(hint) = hint {
            assert!(e.to_string().contains(hint), "{url}: {e}");
        }
    }
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_connection_failures_are_told_apart() {
    if let Some(url) = env_url("POSTGRES") {
        failures_are_told_apart(&url, "quarry_no_such_role");
    }
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_connection_failures_are_told_apart() {
    if let Some(url) = env_url("MYSQL") {
        failures_are_told_apart(&url, "quarry_no_such_user:wrong");
    }
}

/// A connection the server kills: the statement on it fails as `Lost` (the
/// driver's error kept as source), and the very next statement works on a
/// fresh connection.
async fn killed_connection_is_replaced(url: &str, kill: &str) {
    let repo = quarry::connect_with(url, one_connection())
        .await
        .expect("connect");
    let err = repo.execute_raw(kill, vec![]).await.expect_err("killed");
    assert_eq!(
        err.connection_kind(),
        Some(ConnectionErrorKind::Lost),
        "{err:?}"
    );
    assert!(err.driver_error().is_some(), "keeps sqlx's error");
    let rows = repo
        .query_raw("SELECT 1", vec![], &[ValueType::I32])
        .await
        .expect("the next statement works");
    assert_eq!(rows.len(), 1);
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_killed_connection_is_replaced() {
    let Some(url) = env_url("POSTGRES") else {
        return;
    };
    killed_connection_is_replaced(&url, "SELECT pg_terminate_backend(pg_backend_pid())").await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_killed_connection_is_replaced() {
    let Some(url) = env_url("MYSQL") else { return };
    killed_connection_is_replaced(&url, "KILL CONNECTION_ID()").await;
}

/// The size of the future one statement runs as (boxed and moved into its
/// box on every call): what is rarely needed, opening a connection, pinging
/// one, waiting for a free one, sits behind a box of its own, not in every
/// statement's future.
async fn statement_future_size(repo: &quarry::AnyRepo) -> usize {
    use quarry::driver::{RunOptions, Statement};
    let stmt = Statement::raw("SELECT 1", []);
    let run = repo.driver().run(&stmt, RunOptions::default(), None);
    let size = std::mem::size_of_val(&*run);
    drop(run);
    size
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_statement_future_is_small() {
    let Some(url) = env_url("POSTGRES") else {
        return;
    };
    let repo = quarry::connect(&url).await.expect("connect");
    let size = statement_future_size(&repo).await;
    eprintln!("postgres statement future: {size} bytes");
    assert!(
        size <= 2048,
        "a Postgres statement's future is {size} bytes"
    );
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_statement_future_is_small() {
    let Some(url) = env_url("MYSQL") else { return };
    let repo = quarry::connect(&url).await.expect("connect");
    let size = statement_future_size(&repo).await;
    eprintln!("mysql statement future: {size} bytes");
    assert!(size <= 2048, "a MySQL statement's future is {size} bytes");
}
