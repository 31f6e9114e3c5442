#!/usr/bin/env python3
"""Writes docs/benchmarks.md from criterion's estimates (target/criterion).

Every figure is a ratio to the floor measured in the same run: hand-written
sea-query for compilation, hand-written sqlx for round trips. Run through
benches/report.sh, which runs the benches first.

Optional inputs, used when present:
- the peers bench (benches/peers, group `peers`): its criterion results under
  $QUARRY_PEERS_TARGET_DIR/criterion (default benches/peers/target/criterion).
  The round-trip table gains "quarry / SeaORM" and "quarry / Diesel", both
  ratios of two figures of the peers run, and a table of that run is added,
  with on SQLite a second one: raw rusqlite (SQLite's floor) and quarry's
  spawn_blocking mode beside quarry's default.
- Without compile results (the compile bench not run), section 1 is kept from
  the existing docs/benchmarks.md.
- The `###` subsections of section 3 that this script does not write (the
  callgrind instruction counts, written by hand) are kept from the existing
  docs/benchmarks.md, after the tables it writes. Prose written about one run
  (above the tables' subsection) is not: it describes the run it replaced.

`--only-db=NAME` (e.g. `--only-db=sqlite`, after running the benches with
only that database) rewrites the rows of that database in sections 2 and 3
and keeps the other databases' rows from the existing docs/benchmarks.md.
- benches/stream_rss.rs: <target dir>/stream_rss.json (or $QUARRY_STREAM_RSS_JSON),
  the "Peak memory while streaming" section.
"""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
CRIT = os.path.join(TARGET, "criterion")
PEERS_TARGET = os.environ.get("QUARRY_PEERS_TARGET_DIR") or os.path.join(ROOT, "benches", "peers", "target")
PEERS_CRIT = os.path.join(PEERS_TARGET, "criterion")
STREAM_RSS = os.environ.get("QUARRY_STREAM_RSS_JSON") or os.path.join(TARGET, "stream_rss.json")
PEERS = ["sqlx", "quarry", "seaorm", "diesel"]
ONLY_DB = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only-db=")), None)
DOC = os.path.join(ROOT, "docs", "benchmarks.md")


def kept_rows(heading):
    """With --only-db: the table rows of the other databases under `heading`
    in the existing docs/benchmarks.md."""
    if not ONLY_DB:
        return []
    try:
        doc = open(DOC).read()
    except OSError:
        return []
    start = doc.find(heading)
    if start < 0:
        return []
    rows = []
    for line in doc[start:].split("\n")[1:]:
        if line.startswith("## "):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) > 3 and cells[2].isdigit() and cells[1] != ONLY_DB:
            rows.append(line)
    return rows


def kept_subsections():
    """The `###` subsections of section 3 of the existing docs/benchmarks.md
    that main() does not write (hand-written ones), in their order."""
    try:
        doc = open(DOC).read()
    except OSError:
        return ""
    start, end = doc.find("## 3. Peers"), doc.find("## 4. ")
    if start < 0:
        return ""
    section = doc[start:end if end > start else len(doc)]
    parts = section.split("\n### ")[1:]
    kept = [p for p in parts if not p.startswith("SQLite beside raw rusqlite")]
    return "".join("\n### " + p.rstrip("\n") + "\n" for p in kept)


def merged(rows, heading):
    """This run's rows and the kept ones, in (workload, database, size) order."""
    def key(line):
        c = [x.strip() for x in line.strip("|").split("|")]
        return (c[0], c[1], int(c[2]))
    return sorted(rows + kept_rows(heading), key=key)


def load(crit=CRIT):
    out = {}
    for path in glob.glob(os.path.join(crit, "*", "*", "*", "new", "benchmark.json")):
        bench = json.load(open(path))
        est = json.load(open(os.path.join(os.path.dirname(path), "estimates.json")))
        key = (bench["group_id"], bench["function_id"], bench.get("value_str") or "")
        out[key] = est["mean"]["point_estimate"]  # nanoseconds
    return out


def fmt_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def compile_table(est):
    rows = []
    shapes = ["trivial", "filter_order", "medium_join", "preload_in_100", "insert_100", "update_changes"]
    for dialect in ["PostgreSQL", "MySQL", "SQLite"]:
        for shape in shapes:
            floor = est.get(("compile", f"{shape}/sea-query", dialect))
            cold = est.get(("compile", f"{shape}/quarry-cold", dialect))
            warm = est.get(("compile", f"{shape}/quarry-warm", dialect))
            prepared = est.get(("compile", f"{shape}/quarry-prepared", dialect))
            if floor is None:
                continue
            c = f"{cold / floor:.2f}x" if cold else "not measured"
            w = f"{floor / warm:.2f}x faster" if warm else "not measured"
            p = f"{floor / prepared:.1f}x faster" if prepared else "n/a"
            rows.append(f"| {shape} | {dialect} | {fmt_time(floor)} | {c} | {w} | {p} |")
    head = ["| shape | dialect | sea-query | quarry cold / sea-query (target <= 1.15x) | quarry warm (cache by shape) vs sea-query | quarry prepared vs sea-query (target >= 5x faster) |",
            "|---|---|---:|---:|---:|---:|"]
    return "\n".join(head + rows)


def compile_section(est, alone=False):
    when = (f"Measured on {run_date(CRIT)}, in a run of the compile bench alone "
            "(`cargo bench --bench compile`, then `benches/report.py --compile-only`); "
            "sections 2 to 4 come from the full run named at the top."
            if alone else f"Measured on {run_date(CRIT)}.")
    return f"""## 1. Query compilation (no database)

{when} `cold` compiles a shape with the SQL cache
bypassed (its first build). `warm` builds the same query value again with new
values and compiles it: a cache hit by shape, which skips writing the SQL but
still builds, hashes and compares the query value. `prepared` runs a
`Prepared` query (built once with typed `Param` arguments, its SQL written once
per dialect) with new arguments: what the benchmark's "warm" asks for (the
same shape again with new values, reusing what was compiled before), and the
path the >= 5x target is met on. All three include everything the call does
for the caller, as the sea-query floor includes building its statement; the
prepared arguments include their own strings, and `preload_in_100` its list of
100 ids (a `ListParam<i64>`: one array on Postgres, the SQL of each length
written once elsewhere). `insert_100` and
`update_changes` are the statements `Repo::insert_all` / `Repo::update` send
(built through `quarry::bench_support`, changesets and rows included: 100
`User` values with formatted names, or a loaded `User` with a two-change
changeset, built inside the measured loop as the sea-query floor builds its
values). Their SQL text is cached by shape (table, columns, row count; set
columns, key and lock), so warm skips the writing, but most of their cost is
building those values, which keeps them short of 5x; there is no prepared form
of a write.

{compile_table(est)}
"""


def size_key(k):
    return (k[0], k[1], int(k[2] or 0))


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def roundtrip_table(est, peers):
    """quarry / sqlx of the main run; with peers results, quarry / SeaORM and
    quarry / Diesel of the peers run (each ratio within one run)."""
    rows = []
    keys = sorted({(f.split("/")[0], f.split("/")[2], v) for (g, f, v) in est if g == "roundtrip"
                   and ONLY_DB in (None, f.split("/")[2])}, key=size_key)
    worst = []
    for workload, db, size in keys:
        floor = est.get(("roundtrip", f"{workload}/sqlx/{db}", size))
        ours = est.get(("roundtrip", f"{workload}/quarry/{db}", size))
        if floor is None or ours is None:
            continue
        r = ours / floor
        worst.append((r, workload, db, size))
        mark = "" if r <= 1.10 else " (over target)"
        row = f"| {workload} | {db} | {size} | {fmt_time(floor)} | {fmt_time(ours)} | {r:.2f}x{mark} |"
        if peers:
            q = peers.get(("peers", f"{workload}/quarry/{db}", size))
            sea = peers.get(("peers", f"{workload}/seaorm/{db}", size))
            die = peers.get(("peers", f"{workload}/diesel/{db}", size))
            row += f" {ratio(q, sea)} | {ratio(q, die)} |"
        rows.append(row)
    head = ["| workload | database | size | sqlx | quarry | quarry / sqlx (target <= 1.10x) |",
            "|---|---|---:|---:|---:|---:|"]
    if peers:
        head = [head[0] + " quarry / SeaORM (peers run) | quarry / Diesel (peers run) |", head[1] + "---:|---:|"]
    rows = merged(rows, "## 2. Round trips")
    if ONLY_DB:
        # The worst ratios over every row shown, kept ones included.
        worst = []
        for line in rows:
            c = [x.strip() for x in line.strip("|").split("|")]
            worst.append((float(c[5].split("x")[0]), c[0], c[1], c[2]))
    worst.sort(reverse=True)
    return "\n".join(head + rows), worst[:3]


def peers_table(peers):
    """Every figure of the peers run: absolute times and ratios of quarry to each."""
    keys = sorted({(f.split("/")[0], f.split("/")[2], v) for (g, f, v) in peers if g == "peers"
                   and ONLY_DB in (None, f.split("/")[2])}, key=size_key)
    rows = []
    for workload, db, size in keys:
        t = {p: peers.get(("peers", f"{workload}/{p}/{db}", size)) for p in PEERS}
        q = t["quarry"]
        if q is None:
            continue
        cells = " | ".join(fmt_time(t[p]) if t[p] is not None else "-" for p in PEERS)
        rows.append(f"| {workload} | {db} | {size} | {cells} | {ratio(q, t['sqlx'])} | {ratio(q, t['seaorm'])} | {ratio(q, t['diesel'])} |")
    head = ["| workload | database | size | sqlx | quarry | SeaORM | Diesel | quarry / sqlx | quarry / SeaORM | quarry / Diesel |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    return "\n".join(head + merged(rows, "## 3. Peers"))


def sqlite_floor_table(peers):
    """The SQLite rows of the peers run beside raw rusqlite (SQLite's floor)
    and quarry's spawn_blocking mode; None when they were not measured."""
    keys = sorted({(f.split("/")[0], v) for (g, f, v) in peers
                   if g == "peers" and f.split("/")[1] == "rusqlite"}, key=lambda k: (k[0], int(k[1] or 0)))
    rows = []
    for workload, size in keys:
        t = {p: peers.get(("peers", f"{workload}/{p}/sqlite", size))
             for p in ["quarry", "diesel", "rusqlite", "rusqlite_vec", "quarry_blocking"]}
        if t["quarry"] is None:
            continue
        mark = lambda r, limit: "" if r is None or r <= limit else " (over target)"
        q_die = t["quarry"] / t["diesel"] if t["diesel"] else None
        q_rus = t["quarry"] / t["rusqlite"] if t["rusqlite"] else None
        cells = " | ".join(fmt_time(t[p]) if t[p] is not None else "-" for p in t)
        rows.append(f"| {workload} | {size} | {cells} | {ratio(t['quarry'], t['diesel'])}{mark(q_die, 1.0)} "
                    f"| {ratio(t['quarry'], t['rusqlite'])}{mark(q_rus, 1.3)} "
                    f"| {ratio(t['quarry'], t['rusqlite_vec'])} "
                    f"| {ratio(t['quarry_blocking'], t['quarry'])} |")
    if not rows:
        return None
    head = ["| workload | size | quarry | Diesel | rusqlite | rusqlite, rows from a Vec | quarry spawn_blocking "
            "| quarry / Diesel (target <= 1.00x) | quarry / rusqlite (target <= 1.30x) "
            "| quarry / rusqlite from a Vec | spawn_blocking / quarry |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    return "\n".join(head + rows)


def peers_versions():
    """SeaORM, Diesel, sqlx and rusqlite versions from the peers crate's Cargo.lock."""
    found = {}
    try:
        name = None
        for line in open(os.path.join(ROOT, "benches", "peers", "Cargo.lock")):
            if line.startswith("name = "):
                name = line.split('"')[1]
            elif line.startswith("version = ") and name in ("sea-orm", "diesel", "sqlx", "rusqlite"):
                found[name] = line.split('"')[1]
    except OSError:
        pass
    return ", ".join(f"{k} {v}" for k, v in sorted(found.items())) or "versions unknown"


def run_date(crit):
    """Date of the newest criterion estimate under `crit` (when that run was)."""
    times = [os.path.getmtime(p) for p in glob.glob(os.path.join(crit, "*", "*", "*", "new", "estimates.json"))]
    return datetime.date.fromtimestamp(max(times)).isoformat() if times else "unknown date"


def stream_section():
    try:
        data = json.load(open(STREAM_RSS))
    except (OSError, ValueError):
        return None
    res = sorted(data.get("results", []), key=lambda r: r["n"])
    if not res:
        return None
    mib = lambda kb: f"{kb / 1024:.1f} MiB"
    rows = []
    for r in res:
        delta = max(0, r["stream_peak_kb"] - r["rss_before_kb"])
        rows.append(f"| {r['n']:,} | {mib(r['rss_before_kb'])} | {mib(r['stream_peak_kb'])} | {mib(delta)} "
                    f"| {mib(r['insert_peak_kb'])} | {r['stream_s']:.2f} s |")
    head = ["| rows | RSS before streaming | peak RSS while streaming | delta | peak while inserting | stream time |",
            "|---:|---:|---:|---:|---:|---:|"]
    verdict = ""
    if len(res) >= 2:
        small, big = res[0], res[-1]
        d_small = max(0, small["stream_peak_kb"] - small["rss_before_kb"])
        d_big = max(0, big["stream_peak_kb"] - big["rss_before_kb"])
        grow = max(0, d_big - d_small)
        flat = grow <= max(8 * 1024, 0.5 * max(d_small, 0))
        verdict = (f"\n\nFrom {small['n']:,} to {big['n']:,} rows the streaming delta grows by {mib(grow)}: "
                   + ("flat (target met)." if flat else "NOT flat (target missed): memory grows with the row count."))
    if any(not r.get("peak_reset", True) for r in res):
        verdict += "\n\nThe peak could not be reset after inserting: it includes the inserts."
    return "\n".join(head + rows) + verdict


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {cpu or platform.processor()}, {platform.system()} {platform.release()}, {rustc}"


def refresh_compile_section():
    """Replaces section 1 of docs/benchmarks.md with the compile bench's
    current results, keeping the other sections (from their own run)."""
    est = load()
    if not any(k[0] == "compile" for k in est):
        sys.exit(f"no compile results under {CRIT}: run cargo bench --bench compile")
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    doc = open(path).read()
    start = doc.index("## 1. Query compilation")
    end = doc.index("## 2. Round trips")
    open(path, "w").write(doc[:start] + compile_section(est, alone=True) + "\n" + doc[end:])
    print(f"refreshed section 1 of {path}")


def main():
    if "--compile-only" in sys.argv:
        return refresh_compile_section()
    est = load()
    if not est:
        sys.exit(f"no criterion results under {CRIT}: run benches/report.sh")
    peers = {k: v for k, v in load(PEERS_CRIT).items() if k[0] == "peers"}
    rt, worst = roundtrip_table(est, peers)
    floor = sqlite_floor_table(peers)
    floor_doc = f"""
### SQLite beside raw rusqlite, and the spawn_blocking mode

The SQLite rows of the same run beside raw rusqlite 0.39 (`prepare_cached`,
rows read into plain structs: SQLite's floor) and quarry connected with
`?spawn_blocking=true` (each statement on tokio's blocking pool instead of
the calling task). The async contenders (quarry, sqlx, SeaORM, tokio-postgres)
are timed as an async application calls them: each sample's iterations
awaited in turn inside one `block_on` (`in_runtime` in benches/peers);
Diesel and rusqlite are called directly. (Until 2026-12-01 every async call
was timed through a `block_on` of its own, which adds the runtime's entry and
exit, a few hundred nanoseconds, to each call: at one row that was most of
quarry's gap to Diesel on SQLite.)

{floor}
""" if floor else ""
    if peers:
        peers_doc = f"""## 3. Peers (SeaORM, Diesel): one run of benches/peers

quarry, hand-written sqlx, SeaORM and Diesel on the same workloads in one run
of the peers bench on {run_date(PEERS_CRIT)} ({peers_versions()}). On Postgres and MariaDB each
has a connection of its own: quarry its pool, the sqlx floor a bare connection
(no pool, no ping), SeaORM a sqlx pool without the ping before each statement,
Diesel its synchronous connection. On SQLite each has an in-memory database of
its own with the same rows (sqlx and SeaORM one pool). How each peer's code is written:
`benches/peers/README.md`. The "(peers run)" columns of section 2 come from
this table.

{peers_table(peers)}
{floor_doc}{kept_subsections()}"""
    else:
        peers_doc = """## 3. Peers (SeaORM, Diesel)

Not run: `QUARRY_BENCH_PEERS=1 benches/report.sh` runs benches/peers.
"""
    stream = stream_section()
    stream_doc = f"""## 4. Peak memory while streaming

`benches/stream_rss.rs`: N users in a file-backed SQLite database, inserted
with `insert_all` in chunks, then read through `Repo::stream_each` on a fresh
connection; one process per N. The peak while streaming is the larger of VmHWM
(reset once the inserts are done) and the largest VmRSS a thread sampled every
2 ms; the delta is that peak minus the RSS just before streaming.

{stream}
""" if stream else """## 4. Peak memory while streaming

Not measured in this run (`cargo bench --bench stream_rss`).
"""
    worst_lines = "\n".join(f"- {w} on {d}, size {s}: {r:.2f}x" for r, w, d, s in worst) or "- none measured"
    if any(k[0] == "compile" for k in est):
        section1 = compile_section(est)
    else:
        # The compile bench did not run: keep section 1 from its own run.
        old = open(DOC).read()
        section1 = old[old.index("## 1. Query compilation"):old.index("## 2. Round trips")].rstrip("\n") + "\n"
    partial = (f"\nThe {ONLY_DB} rows of sections 2 and 3 come from this run (`report.py --only-db={ONLY_DB}`); "
               "the other databases' rows, and section 1, from earlier runs.\n" if ONLY_DB else "")
    doc = f"""# Benchmarks

Made by `benches/report.sh` on {datetime.date.today().isoformat()}. Machine: {machine()}.
Every figure is a ratio measured in the same run on the same machine (these
machines are shared and noisy; criterion quick settings, 2-core box). Workloads
and targets: `shared/reference/benchmarks.md`.
{partial}
{section1}
## 2. Round trips (quarry beside hand-written sqlx)

SQLite in memory (sqlx on an in-memory database of its own, seeded with the
same rows); Postgres and MariaDB on this machine's local servers when their
URLs were set, sqlx on a connection of its own (no pool, no ping).
`loading_associations` is quarry's two-level preload beside sqlx's
three queries grouped by hand.

{rt}

Worst three ratios in this run:
{worst_lines}

{peers_doc}
{stream_doc}"""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    open(path, "w").write(doc)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
