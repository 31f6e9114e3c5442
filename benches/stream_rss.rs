//! Peak memory while streaming (`shared/reference/benchmarks.md` §2: "streaming
//! 1M rows must keep peak memory flat"). For each N (100k, 1M) a child process
//! (this binary re-run with `--child N`) inserts N users into a file-backed
//! SQLite database in a temp dir with `insert_all` in chunks, reconnects, reads
//! its RSS, resets its peak (`echo 5 > /proc/self/clear_refs`) and streams every
//! row through `Repo::stream_each`, then reads its peak RSS (VmHWM, and the
//! largest VmRSS a thread sampled every 2 ms meanwhile). One process
//! per N so the peaks do not mix. The parent prints a table and writes
//! `<target dir>/stream_rss.json`, which `benches/report.py` turns into the
//! "Peak memory while streaming" section of docs/benchmarks.md.
//!
//! `cargo bench --bench stream_rss` runs it; without `--bench` (a plain
//! `cargo test --benches`) it does nothing. `QUARRY_STREAM_RSS_SIZES=1000,5000`
//! overrides the sizes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use quarry::prelude::*;

#[derive(Schema, Clone, Debug)]
#[quarry(table = "users")]
pub struct User {
    pub meta: Meta,
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

const DDL: &str =
    "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, hair_color TEXT)";
/// Rows per `insert_all` (2 binds a row, well under SQLite's 32766).
const CHUNK: usize = 10_000;
const DEFAULT_SIZES: [u64; 2] = [100_000, 1_000_000];

/// One child's figures (kB as /proc reports them).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Sample {
    n: u64,
    streamed: u64,
    /// Peak RSS while inserting (before the reset).
    insert_peak_kb: u64,
    /// RSS after inserting and reconnecting, just before streaming.
    rss_before_kb: u64,
    /// Peak RSS from the reset to the end of streaming: the larger of VmHWM and
    /// the sampled peak.
    stream_peak_kb: u64,
    /// VmHWM after streaming (kernel's peak, reset before streaming).
    stream_hwm_kb: u64,
    /// Largest VmRSS seen by a thread polling every 2 ms while streaming (VmHWM
    /// can miss memory a non-main malloc arena gave back with madvise).
    stream_sampled_kb: u64,
    /// RSS after streaming.
    rss_after_kb: u64,
    /// Whether the peak could be reset (else `stream_peak_kb` includes the insert).
    peak_reset: bool,
    insert_s: f64,
    stream_s: f64,
}

/// `VmRSS` and `VmHWM` of this process, in kB.
fn rss_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Polls VmRSS every 2 ms until dropped; `peak()` is the largest value seen.
struct Sampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start() -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(rss_kb().0));
        let (s, p) = (stop.clone(), peak.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                p.fetch_max(rss_kb().0, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        Sampler {
            stop,
            peak,
            handle: Some(handle),
        }
    }

    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.peak.fetch_max(rss_kb().0, Ordering::Relaxed);
        self.peak.load(Ordering::Relaxed)
    }
}

/// Resets VmHWM to the current RSS (Linux >= 4.0).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

async fn child(n: u64, dir: &Path) -> quarry::Result<Sample> {
    let url = format!("sqlite://{}", dir.join("stream.db").display());
    let mut sample = Sample {
        n,
        ..Default::default()
    };
    let started = Instant::now();
    {
        let repo = quarry::connect(&url).await?;
        repo.execute_raw(DDL, vec![]).await?;
        let mut done = 0u64;
        while done < n {
            let rows = (n - done).min(CHUNK as u64);
            let users: Vec<User> = (done..done + rows)
                .map(|i| User {
                    name: format!("User {i}"),
                    hair_color: Some(if i % 2 == 0 { "black" } else { "brown" }.to_string()),
                    ..Default::default()
                })
                .collect();
            repo.insert_all(users).await?;
            done += rows;
        }
    }
    sample.insert_s = started.elapsed().as_secs_f64();
    sample.insert_peak_kb = rss_kb().1;

    // A fresh pool, so nothing the inserts cached is counted against streaming.
    let repo = quarry::connect(&url).await?;
    sample.rss_before_kb = rss_kb().0;
    sample.peak_reset = reset_peak();
    let sampler = Sampler::start();
    let started = Instant::now();
    let mut bytes = 0usize;
    sample.streamed = repo
        .stream_each(quarry::from::<User>(), |u: User| {
            bytes += u.name.len() + u.hair_color.map_or(0, |h| h.len());
            Ok(())
        })
        .await?;
    sample.stream_s = started.elapsed().as_secs_f64();
    sample.stream_sampled_kb = sampler.finish();
    let (rss, hwm) = rss_kb();
    sample.stream_hwm_kb = hwm;
    sample.stream_peak_kb = hwm.max(sample.stream_sampled_kb);
    sample.rss_after_kb = rss;
    assert!(bytes > 0 || n == 0);
    Ok(sample)
}

fn run_child(n: u64) {
    let dir = std::env::temp_dir().join(format!("quarry-stream-rss-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = rt.block_on(child(n, &dir));
    let _ = std::fs::remove_dir_all(&dir);
    let sample = result.expect("stream_rss child");
    assert_eq!(sample.streamed, n, "every row streamed");
    println!("{}", serde_json::to_string(&sample).expect("json"));
}

/// The cargo target dir: this binary is `<target>/<profile>/deps/stream_rss-*`.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let n = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("--child N");
        run_child(n);
        return;
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("stream_rss: run with `cargo bench --bench stream_rss`");
        return;
    }
    let sizes: Vec<u64> = std::env::var("QUARRY_STREAM_RSS_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| DEFAULT_SIZES.to_vec());
    let exe = std::env::current_exe().expect("current exe");
    let mut samples = Vec::new();
    for n in sizes {
        let out = Command::new(&exe)
            .args(["--child", &n.to_string()])
            .output()
            .expect("spawn child");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            panic!("stream_rss child for N = {n} failed: {}", out.status);
        }
        let sample = stdout
            .lines()
            .find_map(|l| serde_json::from_str::<Sample>(l).ok())
            .expect("child's JSON line");
        samples.push(sample);
    }

    println!("\nPeak memory while streaming (SQLite file, Repo::stream_each, one process per N)\n");
    println!(
        "| rows | RSS before streaming | peak RSS while streaming | delta | peak while inserting | insert | stream |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for s in &samples {
        println!(
            "| {} | {} | {} | {} | {} | {:.1} s | {:.2} s |",
            s.n,
            mib(s.rss_before_kb),
            mib(s.stream_peak_kb),
            mib(s.stream_peak_kb.saturating_sub(s.rss_before_kb)),
            mib(s.insert_peak_kb),
            s.insert_s,
            s.stream_s
        );
    }
    if samples.iter().any(|s| !s.peak_reset) {
        println!("\n(peak could not be reset: the streaming peak includes the inserts)");
    }
    let json = serde_json::json!({
        "bench": "stream_rss",
        "backend": "sqlite-file",
        "results": samples,
    });
    println!("\nstream_rss: {json}");
    let path = target_dir().join("stream_rss.json");
    match std::fs::write(&path, format!("{json}\n")) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
}
