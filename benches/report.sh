#!/usr/bin/env bash
# Runs every benchmark that can run here and writes docs/benchmarks.md with the
# ratios to the floors (sea-query, sqlx) measured in the same run.
# Postgres / MariaDB round trips run when QUARRY_BENCH_POSTGRES_URL /
# QUARRY_BENCH_MYSQL_URL (or the QUARRY_TEST_* URLs) are set; use a database of
# their own: the benches drop and create their tables.
#
# QUARRY_BENCH_PEERS=1 also runs the peers bench (benches/peers: quarry, sqlx,
# SeaORM, Diesel in one run; slow to build). It is a cargo workspace of its own,
# built into QUARRY_PEERS_TARGET_DIR (default benches/peers/target), where
# report.py reads its criterion results.
# QUARRY_BENCH_STREAM_RSS=0 skips the streaming peak-memory bench.
# QUARRY_BENCH_PIN=1 pins the local database servers (mariadbd, postgres) to
# CPUs 1.. and the benches to CPU 0 for the run, then gives the servers every
# CPU back: without it a server connection's round trip depends on where its
# thread lands (benches/peers/README.md, "Pinning").

# To refresh only section 1: cargo bench --bench compile, then
# python3 benches/report.py --compile-only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PIN=()
servers() { pidof mariadbd mysqld 2>/dev/null || true; pgrep -x postgres 2>/dev/null || true; }
if [ "${QUARRY_BENCH_PIN:-0}" != 0 ]; then
    LAST=$(($(nproc --all) - 1))
    for p in $(servers); do taskset -a -p -c "1-$LAST" "$p" >/dev/null; done
    trap 'for p in $(servers); do taskset -a -p -c "0-$LAST" "$p" >/dev/null || true; done' EXIT
    PIN=(taskset -c 0)
fi
"${PIN[@]}" cargo bench --all-features --bench compile
"${PIN[@]}" cargo bench --all-features --bench roundtrip
if [ "${QUARRY_BENCH_STREAM_RSS:-1}" != 0 ]; then
    "${PIN[@]}" cargo bench --all-features --bench stream_rss
fi
if [ "${QUARRY_BENCH_PEERS:-0}" != 0 ]; then
    export QUARRY_PEERS_TARGET_DIR="${QUARRY_PEERS_TARGET_DIR:-$ROOT/benches/peers/target}"
    (cd benches/peers && CARGO_TARGET_DIR="$QUARRY_PEERS_TARGET_DIR" "${PIN[@]}" cargo bench --bench peers)
fi
python3 benches/report.py
