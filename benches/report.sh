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
# To refresh only section 1: cargo bench --bench compile, then
# python3 benches/report.py --compile-only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
cargo bench --all-features --bench compile
cargo bench --all-features --bench roundtrip
if [ "${QUARRY_BENCH_STREAM_RSS:-1}" != 0 ]; then
    cargo bench --all-features --bench stream_rss
fi
if [ "${QUARRY_BENCH_PEERS:-0}" != 0 ]; then
    export QUARRY_PEERS_TARGET_DIR="${QUARRY_PEERS_TARGET_DIR:-$ROOT/benches/peers/target}"
    (cd benches/peers && CARGO_TARGET_DIR="$QUARRY_PEERS_TARGET_DIR" cargo bench --bench peers)
fi
python3 benches/report.py
