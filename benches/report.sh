#!/usr/bin/env bash
# Runs every benchmark that can run here and writes docs/benchmarks.md with the
# ratios to the floors (sea-query, sqlx) measured in the same run.
# Postgres / MariaDB round trips run when QUARRY_BENCH_POSTGRES_URL /
# QUARRY_BENCH_MYSQL_URL (or the QUARRY_TEST_* URLs) are set; use a database of
# their own: the bench drops and creates its tables.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --all-features --bench compile
cargo bench --all-features --bench roundtrip
python3 benches/report.py
