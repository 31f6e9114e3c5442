//! Query compilation cost (no database): quarry versus hand-written sea-query for
//! the six shapes of `shared/reference/benchmarks.md` §1, on each dialect.
//! Report ratios to the sea-query floor measured in the same run.
//!
//! `cold` builds the quarry query value and compiles it; `warm` compiles the same
//! shape again with new values (what a cache by shape speeds up).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use quarry::driver::sea_query::{
    Alias as SqAlias, Expr, ExprTrait, JoinType, MysqlQueryBuilder, Order, PostgresQueryBuilder,
    Query as SqQuery, QueryStatementBuilder, SqliteQueryBuilder,
};
use quarry::driver::{Dialect, SeaBuilder};
use quarry::prelude::*;
use quarry::query::{maybe_row, row, Fetch};
use quarry::{ListParam, Param, Prepared, Query};

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "users")]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "posts")]
pub struct Post {
    pub meta: Meta,
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

fn backend(dialect: Dialect) -> quarry::driver::Backend {
    quarry::driver::Backend {
        dialect,
        name: dialect.name(),
        version: String::new(),
        capabilities: quarry::driver::Capabilities {
            ilike: false,
            ..quarry::driver::Capabilities::ALL
        },
        default_prefix: None,
    }
}

fn sq_build<Q: QueryStatementBuilder>(
    q: &Q,
    dialect: Dialect,
) -> (String, quarry::driver::sea_query::Values) {
    match dialect.sea_builder() {
        SeaBuilder::Postgres => q.build_any(&PostgresQueryBuilder),
        SeaBuilder::MySql => q.build_any(&MysqlQueryBuilder),
        SeaBuilder::Sqlite => q.build_any(&SqliteQueryBuilder),
    }
}

fn hand_trivial(d: Dialect) -> (String, quarry::driver::sea_query::Values) {
    let mut q = SqQuery::select();
    q.columns([("users", "id"), ("users", "name"), ("users", "hair_color")])
        .from("users");
    sq_build(&q, d)
}

fn hand_filter_order(d: Dialect, n: i64) -> (String, quarry::driver::sea_query::Values) {
    let mut q = SqQuery::select();
    q.columns([("users", "id"), ("users", "name"), ("users", "hair_color")])
        .from("users")
        .and_where(Expr::col(("users", "name")).like("%a%"))
        .and_where(Expr::col(("users", "hair_color")).eq("black"))
        .and_where(Expr::col(("users", "id")).gt(n))
        .order_by(("users", "name"), Order::Desc)
        .limit(10)
        .offset(20);
    sq_build(&q, d)
}

fn hand_medium_join(d: Dialect) -> (String, quarry::driver::sea_query::Values) {
    let mut q = SqQuery::select();
    q.columns([("users", "id"), ("users", "name"), ("users", "hair_color")])
        .columns([
            ("posts", "id"),
            ("posts", "user_id"),
            ("posts", "title"),
            ("posts", "body"),
        ])
        .from("users")
        .join(
            JoinType::LeftJoin,
            "posts",
            Expr::col(("users", "id")).equals(("posts", "user_id")),
        )
        .and_where(Expr::col(("users", "hair_color")).eq("black"));
    sq_build(&q, d)
}

fn hand_preload_in(d: Dialect, ids: &[i64]) -> (String, quarry::driver::sea_query::Values) {
    let mut q = SqQuery::select();
    q.columns([
        ("posts", "id"),
        ("posts", "user_id"),
        ("posts", "title"),
        ("posts", "body"),
    ])
    .from("posts")
    .and_where(Expr::col(("posts", "user_id")).is_in(ids.iter().copied()));
    sq_build(&q, d)
}

fn hand_insert_100(d: Dialect) -> (String, quarry::driver::sea_query::Values) {
    let mut q = SqQuery::insert();
    q.into_table("users").columns(["name", "hair_color"]);
    for i in 0..100 {
        q.values_panic([format!("User {i}").into(), Option::<String>::None.into()]);
    }
    sq_build(&q, d)
}

fn hand_update_changes(d: Dialect) -> (String, quarry::driver::sea_query::Values) {
    let mut q = SqQuery::update();
    q.table("users")
        .value(SqAlias::new("name"), "New")
        .value(SqAlias::new("hair_color"), "red")
        .and_where(Expr::col("id").eq(7));
    sq_build(&q, d)
}

fn quarry_trivial(b: &quarry::driver::Backend) -> quarry::driver::Statement {
    User::query().prepare(b).expect("compiles").0
}

fn quarry_filter_order(b: &quarry::driver::Backend, n: i64) -> quarry::driver::Statement {
    User::query()
        .filter(User::name.like("%a%"))
        .filter(User::hair_color.eq("black"))
        .filter(User::id.gt(n))
        .order_by(User::name.desc())
        .limit(10)
        .offset(20)
        .prepare(b)
        .expect("compiles")
        .0
}

fn quarry_medium_join(b: &quarry::driver::Backend) -> quarry::driver::Statement {
    User::query()
        .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
        .filter(User::hair_color.eq("black"))
        .select((row::<User>(), maybe_row::<Post>()))
        .prepare(b)
        .expect("compiles")
        .0
}

fn quarry_preload_in(b: &quarry::driver::Backend, ids: &[i64]) -> quarry::driver::Statement {
    Post::query()
        .filter(Post::user_id.in_list(ids.iter().copied()))
        .prepare(b)
        .expect("compiles")
        .0
}

fn quarry_insert_100(d: Dialect) -> quarry::driver::Statement {
    let rows: Vec<User> = (0..100)
        .map(|i| User {
            meta: Meta::default(),
            id: 0,
            name: format!("User {i}"),
            hair_color: None,
        })
        .collect();
    quarry::__private::bench_support::insert_all_statement(d, rows).expect("compiles")
}

fn quarry_update_changes(d: Dialect) -> Option<quarry::driver::Statement> {
    let user = User {
        meta: Meta::new(State::Loaded),
        id: 7,
        name: "Old".into(),
        hair_color: None,
    };
    let cs = Changeset::new(user)
        .put_change(User::name, "New".to_string())
        .put_change(User::hair_color, Some("red".to_string()));
    quarry::__private::bench_support::update_statement(d, &cs).expect("compiles")
}

type FilterOrder = Prepared<Query<User>, (Param<String>, Param<String>, Param<i64>)>;

/// The projection as selected: `User` at the head of the scope, `Post`
/// LEFT-joined after it.
type MediumJoinProjection = quarry::query::Scoped<
    (quarry::query::Whole<User>, quarry::query::MaybeWhole<Post>),
    (
        quarry::query::scope::Here,
        (
            quarry::query::scope::There<quarry::query::scope::HereMaybe>,
            (),
        ),
    ),
>;

type MediumJoin = Prepared<quarry::query::Select<MediumJoinProjection>, (Param<String>,)>;

/// The prepared forms of the query shapes (built once, outside the loop): a
/// run binds new arguments to SQL written once per dialect.
struct PreparedShapes {
    trivial: Prepared<Query<User>, ()>,
    filter_order: FilterOrder,
    medium_join: MediumJoin,
    preload_in: Prepared<Query<Post>, (ListParam<i64>,)>,
}

fn prepared_shapes() -> PreparedShapes {
    PreparedShapes {
        trivial: Prepared::new(|(): ()| User::query()),
        filter_order: Prepared::new(
            |(pattern, color, n): (Param<String>, Param<String>, Param<i64>)| {
                User::query()
                    .filter(User::name.like(pattern))
                    .filter(User::hair_color.eq(color))
                    .filter(User::id.gt(n))
                    .order_by(User::name.desc())
                    .limit(10)
                    .offset(20)
            },
        ),
        medium_join: Prepared::new(|(color,): (Param<String>,)| {
            User::query()
                .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
                .filter(User::hair_color.eq(color))
                .select((row::<User>(), maybe_row::<Post>()))
        }),
        preload_in: Prepared::new(|(ids,): (ListParam<i64>,)| {
            Post::query().filter(Post::user_id.in_param(ids))
        }),
    }
}

/// Runs a prepared query's bound arguments to a statement.
fn run<F: Fetch<()>>(bound: F, b: &quarry::driver::Backend) -> quarry::driver::Statement {
    bound.prepare(b).expect("compiles").0
}

/// Compiles with the SQL cache bypassed: the first build of a shape.
fn cold<T>(f: impl FnOnce() -> T) -> T {
    quarry::__private::sql_cache_bypassed(f)
}

fn bench(c: &mut Criterion) {
    let ids: Vec<i64> = (1..=100).collect();
    let prepared = prepared_shapes();
    let mut g = c.benchmark_group("compile");
    g.sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_millis(1200));
    for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
        let b = backend(d);
        let name = d.name();
        g.bench_with_input(BenchmarkId::new("trivial/sea-query", name), &d, |x, d| {
            x.iter(|| black_box(hand_trivial(*d)))
        });
        g.bench_with_input(BenchmarkId::new("trivial/quarry-cold", name), &b, |x, b| {
            x.iter(|| cold(|| black_box(quarry_trivial(b))))
        });
        g.bench_with_input(BenchmarkId::new("trivial/quarry-warm", name), &b, |x, b| {
            x.iter(|| black_box(quarry_trivial(b)))
        });
        g.bench_with_input(
            BenchmarkId::new("trivial/quarry-prepared", name),
            &b,
            |x, b| x.iter(|| black_box(run(prepared.trivial.bind(()), b))),
        );
        g.bench_with_input(
            BenchmarkId::new("filter_order/sea-query", name),
            &d,
            |x, d| x.iter(|| black_box(hand_filter_order(*d, black_box(5)))),
        );
        g.bench_with_input(
            BenchmarkId::new("filter_order/quarry-cold", name),
            &b,
            |x, b| x.iter(|| cold(|| black_box(quarry_filter_order(b, black_box(5))))),
        );
        g.bench_with_input(
            BenchmarkId::new("filter_order/quarry-warm", name),
            &b,
            |x, b| x.iter(|| black_box(quarry_filter_order(b, black_box(5)))),
        );
        g.bench_with_input(
            BenchmarkId::new("filter_order/quarry-prepared", name),
            &b,
            |x, b| {
                x.iter(|| {
                    let args = ("%a%".to_string(), "black".to_string(), black_box(5));
                    black_box(run(prepared.filter_order.bind(args), b))
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("medium_join/sea-query", name),
            &d,
            |x, d| x.iter(|| black_box(hand_medium_join(*d))),
        );
        g.bench_with_input(
            BenchmarkId::new("medium_join/quarry-cold", name),
            &b,
            |x, b| x.iter(|| cold(|| black_box(quarry_medium_join(b)))),
        );
        g.bench_with_input(
            BenchmarkId::new("medium_join/quarry-warm", name),
            &b,
            |x, b| x.iter(|| black_box(quarry_medium_join(b))),
        );
        g.bench_with_input(
            BenchmarkId::new("medium_join/quarry-prepared", name),
            &b,
            |x, b| {
                x.iter(|| {
                    let args = ("black".to_string(),);
                    black_box(run(prepared.medium_join.bind(args), b))
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("preload_in_100/sea-query", name),
            &d,
            |x, d| x.iter(|| black_box(hand_preload_in(*d, &ids))),
        );
        g.bench_with_input(
            BenchmarkId::new("preload_in_100/quarry-cold", name),
            &b,
            |x, b| x.iter(|| cold(|| black_box(quarry_preload_in(b, &ids)))),
        );
        g.bench_with_input(
            BenchmarkId::new("preload_in_100/quarry-warm", name),
            &b,
            |x, b| x.iter(|| black_box(quarry_preload_in(b, &ids))),
        );
        g.bench_with_input(
            BenchmarkId::new("preload_in_100/quarry-prepared", name),
            &b,
            |x, b| x.iter(|| black_box(run(prepared.preload_in.bind((ids.clone(),)), b))),
        );
        g.bench_with_input(
            BenchmarkId::new("insert_100/sea-query", name),
            &d,
            |x, d| x.iter(|| black_box(hand_insert_100(*d))),
        );
        g.bench_with_input(
            BenchmarkId::new("update_changes/sea-query", name),
            &d,
            |x, d| x.iter(|| black_box(hand_update_changes(*d))),
        );
        g.bench_with_input(
            BenchmarkId::new("insert_100/quarry-cold", name),
            &d,
            |x, d| x.iter(|| cold(|| black_box(quarry_insert_100(*d)))),
        );
        g.bench_with_input(
            BenchmarkId::new("insert_100/quarry-warm", name),
            &d,
            |x, d| x.iter(|| black_box(quarry_insert_100(*d))),
        );
        // An UPDATE by key is written directly every time (a few pushes, no
        // sea-query tree, nothing to cache): cold and warm are the same path.
        g.bench_with_input(
            BenchmarkId::new("update_changes/quarry-cold", name),
            &d,
            |x, d| x.iter(|| cold(|| black_box(quarry_update_changes(*d)))),
        );
        g.bench_with_input(
            BenchmarkId::new("update_changes/quarry-warm", name),
            &d,
            |x, d| x.iter(|| black_box(quarry_update_changes(*d))),
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
