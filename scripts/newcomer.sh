#!/usr/bin/env bash
# A newcomer's first hour, as CI runs it: follows the README's "Your first
# quarry project" literally in a temporary directory. The README's blocks are
# taken from the file itself (each marked `<!-- newcomer:NAME -->`), so a
# README that stops working fails CI:
#
#   1. the `sh` blocks: clone quarry (here: this checkout), `cargo install
#      --locked --path quarry/cli`, `cargo new catalog`, then `quarry db create`,
#      `gen schema`, `migrate`, `migrations` on SQLite, and `cargo run`;
#   2. the `Cargo.toml` block in place of `cargo new`'s empty [dependencies];
#   3. the `src/main.rs` block, the smallest complete program;
#   4. the `postgres` block against $NEWCOMER_POSTGRES_URL's server (default
#      postgres://postgres@127.0.0.1:5432), in a database of its own, dropped
#      at the end. NEWCOMER_SKIP_POSTGRES=1 skips it.
#
# What differs from a newcomer's machine, and only to keep CI fast: the clone
# is of this checkout, builds share target/newcomer (kept between runs), the
# command line's release build is not optimised (CARGO_PROFILE_RELEASE_*: the
# same commands, a build a fresh CI machine finishes in minutes), and the
# application starts from quarry's Cargo.lock (the versions CI has).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
readme="$repo/README.md"
work=$(mktemp -d)
pg_db="catalog_newcomer_$$"
pg_base="${NEWCOMER_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
cleanup() {
    if [ -n "${pg_created:-}" ]; then
        quarry db drop --database-url "$pg_base/$pg_db" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# block NAME [N]: the N-th (default 1st) fenced block after a
# `<!-- newcomer:NAME -->` marker.
block() {
    awk -v marker="<!-- newcomer:$1 -->" -v want="${2:-1}" '
        $0 == marker { seen++; armed = (seen == want); next }
        armed && /^```/ { if (inside) exit; inside = 1; next }
        armed && inside { print }
    ' "$readme"
}

# run_block NAME N: runs a sh block line by line, echoing each, in this shell
# (so `cd` and `export` carry on). Comments after `#` are the README's
# expected output.
run_block() {
    local text
    text=$(block "$1" "${2:-1}")
    [ -n "$text" ] || { echo "newcomer: README has no block $1 #${2:-1}" >&2; exit 1; }
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        line=${line//https:\/\/example.invalid\/quarry/$repo}
        line=${line//catalog_dev/$pg_db}
        echo "+ $line"
        eval "$line"
    done <<<"$text"
}

step() { printf '\n==> newcomer: %s\n' "$*"; }

export CARGO_TARGET_DIR="$repo/target/newcomer"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_PROFILE_RELEASE_LTO=false
export CARGO_INSTALL_ROOT="$work/cargo-home"
export PATH="$CARGO_INSTALL_ROOT/bin:$PATH"
unset DATABASE_URL
cd "$work"

step "install the command line, start a project"
# The clone line names the repository's address: here, this checkout.
run_block sh 1
[ "$(basename "$PWD")" = catalog ] || { echo "newcomer: the first block must end in catalog/" >&2; exit 1; }

step "Cargo.toml"
sed -i '/^\[dependencies\]$/d' Cargo.toml
block Cargo.toml >>Cargo.toml
cat Cargo.toml
cp "$repo/Cargo.lock" Cargo.lock

step "database, schema, migration (SQLite)"
run_block sh 2
grep -q 'default-run = "catalog"' Cargo.toml
[ -f catalog.db ]

step "the smallest complete program"
block src/main.rs >src/main.rs
out=$(run_block sh 3)
echo "$out"
grep -q 'inserted Tulip (id 1); 1 cheap product(s)' <<<"$out"
grep -q '"errors":{"name":\["can'"'"'t be blank"\]' <<<"$out"

if [ "${NEWCOMER_SKIP_POSTGRES:-}" != 1 ]; then
    step "the same on PostgreSQL, with the application's feature"
    pg_created=1
    out=$(run_block postgres 1 2>&1)
    echo "$out"
    grep -q 'inserted Tulip (id 1); 1 cheap product(s)' <<<"$out"
fi

step "done"
echo "newcomer: 1 passed, 0 failed"
