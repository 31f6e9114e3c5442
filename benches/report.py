#!/usr/bin/env python3
"""Writes docs/benchmarks.md from criterion's estimates (target/criterion).

Every figure is a ratio to the floor measured in the same run: hand-written
sea-query for compilation, hand-written sqlx for round trips. Run through
benches/report.sh, which runs the benches first.
"""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRIT = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "criterion")


def load():
    out = {}
    for path in glob.glob(os.path.join(CRIT, "*", "*", "*", "new", "benchmark.json")):
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
            if floor is None:
                continue
            c = f"{cold / floor:.2f}x" if cold else "not measured"
            w = f"{floor / warm:.2f}x faster" if warm else "not measured"
            rows.append(f"| {shape} | {dialect} | {fmt_time(floor)} | {c} | {w} |")
    head = ["| shape | dialect | sea-query | quarry cold / sea-query (target <= 1.15x) | quarry warm vs sea-query (target >= 5x faster) |",
            "|---|---|---:|---:|---:|"]
    return "\n".join(head + rows)


def roundtrip_table(est):
    rows = []
    keys = sorted({(f.split("/")[0], f.split("/")[2], v) for (g, f, v) in est if g == "roundtrip"},
                  key=lambda k: (k[0], k[1], int(k[2] or 0)))
    worst = []
    for workload, db, size in keys:
        floor = est.get(("roundtrip", f"{workload}/sqlx/{db}", size))
        ours = est.get(("roundtrip", f"{workload}/quarry/{db}", size))
        if floor is None or ours is None:
            continue
        ratio = ours / floor
        worst.append((ratio, workload, db, size))
        mark = "" if ratio <= 1.10 else " (over target)"
        rows.append(f"| {workload} | {db} | {size} | {fmt_time(floor)} | {fmt_time(ours)} | {ratio:.2f}x{mark} |")
    head = ["| workload | database | size | sqlx | quarry | quarry / sqlx (target <= 1.10x) |",
            "|---|---|---:|---:|---:|---:|"]
    worst.sort(reverse=True)
    return "\n".join(head + rows), worst[:3]


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


def main():
    est = load()
    if not est:
        sys.exit("no criterion results under target/criterion: run benches/report.sh")
    rt, worst = roundtrip_table(est)
    worst_lines = "\n".join(f"- {w} on {d}, size {s}: {r:.2f}x" for r, w, d, s in worst) or "- none measured"
    doc = f"""# Benchmarks

Made by `benches/report.sh` on {datetime.date.today().isoformat()}. Machine: {machine()}.
Every figure is a ratio measured in the same run on the same machine (these
machines are shared and noisy; criterion quick settings, 2-core box). Workloads
and targets: `shared/reference/benchmarks.md`.

## 1. Query compilation (no database)

`cold` compiles a shape with the SQL cache bypassed (its first build); `warm`
compiles the same shape again with new values (a cache hit).
`insert_100` and `update_changes` are built inside `Repo::insert_all` /
`Repo::update` and have no cached path yet: only their sea-query floor is shown.

{compile_table(est)}

## 2. Round trips (quarry beside hand-written sqlx, same pool)

SQLite in memory; Postgres and MariaDB on this machine's local servers when their
URLs were set. `loading_associations` needs quarry's preload (issue 4) and is
not measured yet; the peers (SeaORM, Diesel) crate is not written yet.

{rt}

Worst three ratios in this run:
{worst_lines}
"""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    open(path, "w").write(doc)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
