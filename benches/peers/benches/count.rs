//! Client instructions per call on SQLite for callgrind: quarry, Diesel and
//! raw rusqlite, each on an in-memory database of its own seeded as the
//! peers bench seeds it, each calling its `benches/peers` workload function.
//! Not a criterion bench: `cargo bench` runs it with no arguments and it only
//! prints how to use it. Instruction counts repeat exactly where wall times
//! on a shared machine do not, so this is where quarry ÷ Diesel is read.
//!
//! ```text
//! cd benches/peers && cargo bench --bench count --no-run
//! B=target/release/deps/count-<hash>
//! valgrind --tool=callgrind $B <quarry|diesel|rusqlite> <workload> <size> 200
//! valgrind --tool=callgrind $B <quarry|diesel|rusqlite> <workload> <size> 1200
//! ```
//!
//! Workloads: `trivial` and `medium` (`size` users seeded), `insert` (`size`
//! rows in one INSERT), `assoc` (100 x 10 x 10; `size` is ignored), and
//! `trivial_prepared` / `medium_prepared`: for quarry the same reads as
//! [`Prepared`] queries built once (for the others the plain workloads);
//! `insert_vec`: for rusqlite the insert bound from a `Vec` of rows made
//! first, as the others are handed them (for the others the plain insert).
//! Instructions per call = (I(1200) - I(200)) / 1000. The seeding and the
//! first calls are the same in both runs, so they cancel. The insert
//! workloads start from empty tables; `SEED=N` in the environment seeds `N`
//! users first, as the peers bench's tables hold when its inserts run (how
//! the SQLite adapter's kept statements were found to hold the connection's
//! lookaside memory after a large seeding INSERT).

use diesel::Connection as _;
use quarry::prelude::*;
use quarry::query::{maybe_row, row};
use quarry::AnyRepo;
use quarry_peers_bench::diesel_impl::DieselBench;
use quarry_peers_bench::quarry_impl::{Post, User};
use quarry_peers_bench::{quarry_impl, rusqlite_impl, SQLITE_DDL};

/// One contender, seeded for `workload` at `size`.
enum Contender {
    Quarry(AnyRepo),
    Diesel(Box<diesel::SqliteConnection>),
    Rusqlite(rusqlite::Connection),
}

impl Contender {
    fn open(rt: &tokio::runtime::Runtime, imp: &str, workload: &str, size: usize) -> Self {
        let assoc = workload == "assoc";
        let seeded = if workload.starts_with("insert") {
            std::env::var("SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
        } else {
            size
        };
        match imp {
            "quarry" => {
                let repo = rt
                    .block_on(quarry::adapters::sqlite::connect("sqlite::memory:"))
                    .expect("quarry");
                let repo = AnyRepo::from_driver(repo.into_driver());
                if assoc {
                    rt.block_on(quarry_impl::seed_associations(&repo, &SQLITE_DDL));
                } else {
                    rt.block_on(quarry_impl::seed(&repo, &SQLITE_DDL, seeded));
                }
                Contender::Quarry(repo)
            }
            "diesel" => {
                let mut c = diesel::SqliteConnection::establish(":memory:").expect("diesel");
                if assoc {
                    c.seed_associations(&SQLITE_DDL);
                } else {
                    c.seed(&SQLITE_DDL, seeded);
                }
                Contender::Diesel(Box::new(c))
            }
            _ => {
                let c = rusqlite::Connection::open_in_memory().expect("rusqlite");
                let script = if assoc {
                    rusqlite_impl::associations_script()
                } else {
                    rusqlite_impl::seed_script(seeded)
                };
                rusqlite_impl::seed(&c, &SQLITE_DDL, &script);
                Contender::Rusqlite(c)
            }
        }
    }

    /// `iters` calls; what they loaded, summed.
    fn run(
        &mut self,
        rt: &tokio::runtime::Runtime,
        workload: &str,
        size: usize,
        iters: usize,
    ) -> usize {
        let mut total = 0;
        match self {
            // Awaited in turn inside one `block_on`, as the peers bench
            // times quarry (`in_runtime`); the other two are called directly.
            Contender::Quarry(repo) if workload.ends_with("_prepared") => rt.block_on(async {
                // The same reads as `Prepared` queries, built once.
                let trivial = Prepared::new(|(): ()| User::query());
                let medium = Prepared::new(|(color,): (Param<String>,)| {
                    User::query()
                        .left_join(table::<Post>(), User::id.eq_col(Post::user_id))
                        .filter(User::hair_color.eq(color))
                        .select((row::<User>(), maybe_row::<Post>()))
                });
                for _ in 0..iters {
                    total += if workload == "trivial_prepared" {
                        repo.all(trivial.bind(())).await.map_or(0, |v| v.len())
                    } else {
                        let rows = repo.all(medium.bind(("black".to_string(),))).await;
                        rows.map_or(0, |v| v.len())
                    };
                }
            }),
            Contender::Quarry(repo) => rt.block_on(async {
                for _ in 0..iters {
                    total += match workload {
                        "trivial" => quarry_impl::trivial(repo).await,
                        "medium" => quarry_impl::medium(repo).await,
                        "insert" | "insert_vec" => quarry_impl::insert(repo, size).await,
                        _ => quarry_impl::associations(repo).await,
                    };
                }
            }),
            Contender::Diesel(c) => {
                for _ in 0..iters {
                    total += match workload.trim_end_matches("_prepared") {
                        "trivial" => c.trivial(),
                        "medium" => c.medium(),
                        "insert" | "insert_vec" => c.insert(size),
                        _ => c.associations(),
                    };
                }
            }
            Contender::Rusqlite(c) => {
                for _ in 0..iters {
                    total += match workload.trim_end_matches("_prepared") {
                        "trivial" => rusqlite_impl::trivial(c),
                        "medium" => rusqlite_impl::medium(c),
                        "insert" => rusqlite_impl::insert(c, size),
                        "insert_vec" => rusqlite_impl::insert_from_vec(c, size),
                        _ => rusqlite_impl::associations(c),
                    };
                }
            }
        }
        total
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [imp, workload, size, iters] = args.as_slice() else {
        println!("count harness: see the comment at the top of benches/peers/benches/count.rs");
        return;
    };
    let size: usize = size.parse().expect("size");
    let iters: usize = iters.parse().expect("iters");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut contender = Contender::open(&rt, imp, workload, size);
    let total = contender.run(&rt, workload, size, iters + 20);
    assert!(total > 0, "nothing loaded");
}
