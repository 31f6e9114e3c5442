//! quarry beside its peers on the round-trip workloads of
//! `shared/reference/benchmarks.md` §2: hand-written sqlx (`query_as` +
//! `FromRow`, the floor), SeaORM 2.0 and Diesel 2.3, all in one run so that
//! every ratio is a same-run ratio. Ids follow `benches/roundtrip.rs`:
//! `<workload>/<impl>/<db>` with the size as parameter, impl one of `sqlx`,
//! `quarry`, `seaorm`, `diesel`, and on SQLite `rusqlite` (SQLite's floor)
//! and `quarry_blocking` (quarry with `spawn_blocking=true`) (group `peers`).
//!
//! SQLite in memory always, each contender on an in-memory database of its
//! own seeded with the same rows (sqlx and SeaORM share one pool); Postgres and MariaDB when
//! `QUARRY_BENCH_POSTGRES_URL` / `QUARRY_BENCH_MYSQL_URL` (or the
//! `QUARRY_TEST_*` URLs) are set. The bench drops and creates `users`, `posts`
//! and `comments` there: give it a database of its own.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use diesel::Connection;
use quarry::AnyRepo;
use quarry_peers_bench::diesel_impl::DieselBench;
use quarry_peers_bench::rusqlite_impl::{self, SqliteExtra};
use quarry_peers_bench::tokio_postgres_impl::TokioPostgres;
use quarry_peers_bench::{
    quarry_impl, seaorm_impl, sqlx_impl, ASSOC_COMMENTS, ASSOC_POSTS, ASSOC_USERS, INSERT_SIZES,
    MYSQL_DDL, POSTGRES_DDL, QUERY_SIZES, SQLITE_DDL,
};
use sea_orm::DatabaseConnection;
use tokio::runtime::Runtime;

/// What the sqlx floor runs on: on SQLite an in-memory pool of its own (SeaORM
/// uses it too); for Postgres and MariaDB a connection of its own (no pool, no
/// ping).
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(std::cell::RefCell<sqlx::PgConnection>),
    MySql(std::cell::RefCell<sqlx::MySqlConnection>),
}

/// Diesel's own synchronous connection.
enum DieselConn {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
    MySql(diesel::MysqlConnection),
}

/// Runs `$body` with `$p` bound to the target's sqlx pool, whatever the database.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres(c) => {
                let $p = &mut *c.borrow_mut();
                $body
            }
            Pool::MySql(c) => {
                let $p = &mut *c.borrow_mut();
                $body
            }
        }
    };
}

/// Runs `$body` with `$c` bound to the target's Diesel connection.
macro_rules! on_diesel {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DieselConn::Sqlite($c) => $body,
            DieselConn::Postgres($c) => $body,
            DieselConn::MySql($c) => $body,
        }
    };
}

/// One database under test.
struct Target {
    name: &'static str,
    /// Placeholders are `$1, $2, ...` (Postgres) rather than `?`.
    numbered: bool,
    ddl: [&'static str; 3],
    repo: AnyRepo,
    /// What seeds the tables: on Postgres and MariaDB a quarry repo of its
    /// own, so that the measured connections have never sent the seeding's
    /// large statements (a MariaDB connection that has sent a 10,000-row
    /// INSERT reads large results ~15% slower from then on, quarry or plain
    /// sqlx alike: `benches/peers/README.md`); on SQLite quarry's repo, whose
    /// in-memory database it seeds.
    seeder: AnyRepo,
    pool: Pool,
    seaorm: DatabaseConnection,
    diesel: DieselConn,
    /// Diesel has a database of its own (SQLite in memory) to seed.
    diesel_seeds: bool,
    /// Raw tokio-postgres, a second floor (Postgres only).
    tokio_postgres: Option<TokioPostgres>,
    /// SQLite: rusqlite and quarry's blocking mode, and the sqlx pool's own
    /// database to seed.
    sqlite: Option<SqliteExtra>,
}

fn env_url(kind: &str) -> Option<String> {
    std::env::var(format!("QUARRY_BENCH_{kind}_URL"))
        .or_else(|_| std::env::var(format!("QUARRY_TEST_{kind}_URL")))
        .ok()
        .filter(|u| !u.is_empty())
}

/// SeaORM's own sqlx pool, without the ping before each statement.
async fn sqlx_pool<DB: sqlx::Database>(url: &str) -> Result<sqlx::Pool<DB>, sqlx::Error> {
    sqlx::pool::PoolOptions::<DB>::new()
        .test_before_acquire(false)
        .connect(url)
        .await
}

fn targets(rt: &Runtime) -> Vec<Target> {
    let mut out = Vec::new();
    let sqlite = AnyRepo::from_driver(
        rt.block_on(quarry::adapters::sqlite::connect("sqlite::memory:"))
            .expect("sqlite")
            .into_driver(),
    );
    // sqlx and SeaORM: one in-memory connection of their own.
    let pool = rt
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
        ddl: SQLITE_DDL,
        seaorm: DatabaseConnection::from(pool.clone()),
        pool: Pool::Sqlite(pool),
        seeder: sqlite.clone(),
        repo: sqlite,
        diesel: DieselConn::Sqlite(
            diesel::SqliteConnection::establish(":memory:").expect("diesel sqlite"),
        ),
        diesel_seeds: true,
        tokio_postgres: None,
        sqlite: Some(SqliteExtra::open(rt)),
    });
    if let Some(url) = env_url("POSTGRES") {
        let repo = rt
            .block_on(quarry::adapters::postgres::connect(&url))
            .expect("postgres");
        let seeder = rt
            .block_on(quarry::adapters::postgres::connect(&url))
            .expect("postgres seeder");
        let seaorm = rt
            .block_on(sqlx_pool::<sqlx::Postgres>(&url))
            .expect("seaorm postgres");
        let floor = rt
            .block_on(<sqlx::PgConnection as sqlx::Connection>::connect(&url))
            .expect("sqlx postgres");
        out.push(Target {
            name: "postgres",
            numbered: true,
            ddl: POSTGRES_DDL,
            seaorm: DatabaseConnection::from(seaorm),
            pool: Pool::Postgres(floor.into()),
            repo: AnyRepo::from_driver(repo.into_driver()),
            seeder: AnyRepo::from_driver(seeder.into_driver()),
            diesel: DieselConn::Postgres(
                diesel::PgConnection::establish(&url).expect("diesel postgres"),
            ),
            diesel_seeds: false,
            tokio_postgres: Some(
                rt.block_on(TokioPostgres::connect(&url))
                    .expect("tokio-postgres"),
            ),
            sqlite: None,
        });
    }
    if let Some(url) = env_url("MYSQL") {
        let repo = rt
            .block_on(quarry::adapters::mysql::connect(&url))
            .expect("mysql");
        let seeder = rt
            .block_on(quarry::adapters::mysql::connect(&url))
            .expect("mysql seeder");
        let seaorm = rt
            .block_on(sqlx_pool::<sqlx::MySql>(&url))
            .expect("seaorm mariadb");
        let floor = rt
            .block_on(<sqlx::MySqlConnection as sqlx::Connection>::connect(&url))
            .expect("sqlx mariadb");
        out.push(Target {
            name: "mariadb",
            numbered: false,
            ddl: MYSQL_DDL,
            seaorm: DatabaseConnection::from(seaorm),
            pool: Pool::MySql(floor.into()),
            repo: AnyRepo::from_driver(repo.into_driver()),
            seeder: AnyRepo::from_driver(seeder.into_driver()),
            diesel: DieselConn::MySql(
                diesel::MysqlConnection::establish(&url).expect("diesel mysql"),
            ),
            diesel_seeds: false,
            tokio_postgres: None,
            sqlite: None,
        });
    }
    out
}

/// What each implementation returned for one workload, checked to agree
/// before anything is measured.
fn check(workload: &str, db: &str, size: usize, got: [(&str, usize); 4]) {
    let expected = got[0].1;
    for (imp, n) in got {
        assert_eq!(
            n, expected,
            "{workload}/{imp}/{db}/{size}: {imp} loaded {n}, sqlx {expected}"
        );
    }
    assert!(expected > 0, "{workload}/{db}/{size}: nothing loaded");
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut targets = targets(&rt);
    let mut g = c.benchmark_group("peers");
    g.sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(200))
        .measurement_time(std::time::Duration::from_millis(1000))
        .nresamples(10_000);
    for t in &mut targets {
        let (db, numbered) = (t.name, t.numbered);
        for n in QUERY_SIZES {
            rt.block_on(quarry_impl::seed(&t.seeder, &t.ddl, n));
            if t.diesel_seeds {
                on_diesel!(&mut t.diesel, |c| c.seed(&t.ddl, n));
            }
            if let (Some(x), Pool::Sqlite(p)) = (&t.sqlite, &t.pool) {
                let script = rusqlite_impl::seed_script(n);
                rt.block_on(rusqlite_impl::seed_sqlx(p, &t.ddl, &script));
                x.seed(&rt, &t.ddl, n);
            }
            check(
                "trivial_query",
                db,
                n,
                [
                    (
                        "sqlx",
                        on_pool!(&t.pool, |p| rt.block_on(sqlx_impl::trivial(p))),
                    ),
                    ("quarry", rt.block_on(quarry_impl::trivial(&t.repo))),
                    ("seaorm", rt.block_on(seaorm_impl::trivial(&t.seaorm))),
                    ("diesel", on_diesel!(&mut t.diesel, |c| c.trivial())),
                ],
            );
            g.bench_with_input(
                BenchmarkId::new(format!("trivial_query/sqlx/{db}"), n),
                &n,
                |b, _| {
                    quarry_peers_bench::in_runtime(b, &rt, || async {
                        on_pool!(&t.pool, |p| sqlx_impl::trivial(p).await)
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("trivial_query/quarry/{db}"), n),
                &n,
                |b, _| quarry_peers_bench::in_runtime(b, &rt, || quarry_impl::trivial(&t.repo)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("trivial_query/seaorm/{db}"), n),
                &n,
                |b, _| quarry_peers_bench::in_runtime(b, &rt, || seaorm_impl::trivial(&t.seaorm)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("trivial_query/diesel/{db}"), n),
                &n,
                |b, _| b.iter(|| on_diesel!(&mut t.diesel, |c| black_box(c.trivial()))),
            );
            if let Some(tp) = &t.tokio_postgres {
                assert!(
                    rt.block_on(tp.trivial()) > 0,
                    "tokio-postgres loaded nothing"
                );
                g.bench_with_input(
                    BenchmarkId::new(format!("trivial_query/tokio_postgres/{db}"), n),
                    &n,
                    |b, _| quarry_peers_bench::in_runtime(b, &rt, || tp.trivial()),
                );
            }
            if let Some(x) = &t.sqlite {
                x.trivial(&mut g, &rt, &t.repo, n);
            }

            check(
                "medium_complex",
                db,
                n,
                [
                    (
                        "sqlx",
                        on_pool!(&t.pool, |p| rt.block_on(sqlx_impl::medium(p, numbered))),
                    ),
                    ("quarry", rt.block_on(quarry_impl::medium(&t.repo))),
                    ("seaorm", rt.block_on(seaorm_impl::medium(&t.seaorm))),
                    ("diesel", on_diesel!(&mut t.diesel, |c| c.medium())),
                ],
            );
            g.bench_with_input(
                BenchmarkId::new(format!("medium_complex/sqlx/{db}"), n),
                &n,
                |b, _| {
                    quarry_peers_bench::in_runtime(b, &rt, || async {
                        on_pool!(&t.pool, |p| sqlx_impl::medium(p, numbered).await)
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("medium_complex/quarry/{db}"), n),
                &n,
                |b, _| quarry_peers_bench::in_runtime(b, &rt, || quarry_impl::medium(&t.repo)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("medium_complex/seaorm/{db}"), n),
                &n,
                |b, _| quarry_peers_bench::in_runtime(b, &rt, || seaorm_impl::medium(&t.seaorm)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("medium_complex/diesel/{db}"), n),
                &n,
                |b, _| b.iter(|| on_diesel!(&mut t.diesel, |c| black_box(c.medium()))),
            );
            if let Some(tp) = &t.tokio_postgres {
                assert!(
                    rt.block_on(tp.medium()) > 0,
                    "tokio-postgres loaded nothing"
                );
                g.bench_with_input(
                    BenchmarkId::new(format!("medium_complex/tokio_postgres/{db}"), n),
                    &n,
                    |b, _| quarry_peers_bench::in_runtime(b, &rt, || tp.medium()),
                );
            }
            if let Some(x) = &t.sqlite {
                x.medium(&mut g, &rt, &t.repo, n);
            }
        }

        rt.block_on(quarry_impl::seed_associations(&t.seeder, &t.ddl));
        if t.diesel_seeds {
            on_diesel!(&mut t.diesel, |c| c.seed_associations(&t.ddl));
        }
        if let (Some(x), Pool::Sqlite(p)) = (&t.sqlite, &t.pool) {
            let script = rusqlite_impl::associations_script();
            rt.block_on(rusqlite_impl::seed_sqlx(p, &t.ddl, &script));
            x.seed_associations(&rt, &t.ddl);
        }
        let users = ASSOC_USERS;
        let comments = ASSOC_USERS * ASSOC_POSTS * ASSOC_COMMENTS;
        check(
            "loading_associations",
            db,
            users,
            [
                (
                    "sqlx",
                    on_pool!(&t.pool, |p| rt
                        .block_on(sqlx_impl::associations(p, numbered))),
                ),
                ("quarry", rt.block_on(quarry_impl::associations(&t.repo))),
                ("seaorm", rt.block_on(seaorm_impl::associations(&t.seaorm))),
                ("diesel", on_diesel!(&mut t.diesel, |c| c.associations())),
            ],
        );
        assert_eq!(
            rt.block_on(quarry_impl::associations(&t.repo)),
            comments,
            "loading_associations/{db}: every comment reached"
        );
        g.bench_with_input(
            BenchmarkId::new(format!("loading_associations/sqlx/{db}"), users),
            &users,
            |b, _| {
                quarry_peers_bench::in_runtime(b, &rt, || async {
                    on_pool!(&t.pool, |p| sqlx_impl::associations(p, numbered).await)
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new(format!("loading_associations/quarry/{db}"), users),
            &users,
            |b, _| quarry_peers_bench::in_runtime(b, &rt, || quarry_impl::associations(&t.repo)),
        );
        g.bench_with_input(
            BenchmarkId::new(format!("loading_associations/seaorm/{db}"), users),
            &users,
            |b, _| quarry_peers_bench::in_runtime(b, &rt, || seaorm_impl::associations(&t.seaorm)),
        );
        g.bench_with_input(
            BenchmarkId::new(format!("loading_associations/diesel/{db}"), users),
            &users,
            |b, _| b.iter(|| on_diesel!(&mut t.diesel, |c| black_box(c.associations()))),
        );
        if let Some(x) = &t.sqlite {
            x.associations(&mut g, &rt, &t.repo);
        }

        rt.block_on(quarry_impl::reset(&t.seeder, &t.ddl));
        if t.diesel_seeds {
            on_diesel!(&mut t.diesel, |c| c.reset(&t.ddl));
        }
        if let (Some(x), Pool::Sqlite(p)) = (&t.sqlite, &t.pool) {
            rt.block_on(rusqlite_impl::seed_sqlx(p, &t.ddl, &[]));
            x.reset(&rt, &t.ddl);
        }
        for n in INSERT_SIZES {
            check(
                "insert",
                db,
                n,
                [
                    (
                        "sqlx",
                        on_pool!(&t.pool, |p| rt.block_on(sqlx_impl::insert(p, numbered, n))),
                    ),
                    ("quarry", rt.block_on(quarry_impl::insert(&t.repo, n))),
                    ("seaorm", rt.block_on(seaorm_impl::insert(&t.seaorm, n))),
                    ("diesel", on_diesel!(&mut t.diesel, |c| c.insert(n))),
                ],
            );
            g.bench_with_input(
                BenchmarkId::new(format!("insert/sqlx/{db}"), n),
                &n,
                |b, n| {
                    quarry_peers_bench::in_runtime(b, &rt, || async {
                        on_pool!(&t.pool, |p| sqlx_impl::insert(p, numbered, *n).await)
                    })
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("insert/quarry/{db}"), n),
                &n,
                |b, n| quarry_peers_bench::in_runtime(b, &rt, || quarry_impl::insert(&t.repo, *n)),
            );
            g.bench_with_input(
                BenchmarkId::new(format!("insert/seaorm/{db}"), n),
                &n,
                |b, n| {
                    quarry_peers_bench::in_runtime(b, &rt, || seaorm_impl::insert(&t.seaorm, *n))
                },
            );
            g.bench_with_input(
                BenchmarkId::new(format!("insert/diesel/{db}"), n),
                &n,
                |b, n| b.iter(|| on_diesel!(&mut t.diesel, |c| black_box(c.insert(*n)))),
            );
            if let Some(x) = &t.sqlite {
                x.insert(&mut g, &rt, n);
            }
        }
        rt.block_on(quarry_impl::reset(&t.seeder, &t.ddl));
        if t.diesel_seeds {
            on_diesel!(&mut t.diesel, |c| c.reset(&t.ddl));
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
