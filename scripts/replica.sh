#!/usr/bin/env bash
# A private PostgreSQL primary with streaming replicas, for the read-replica
# tests (tests/replica.rs): nothing shared with the machine's servers.
#
#   scripts/replica.sh start DIR PRIMARY_PORT REPLICA_PORT...
#       start a private primary in DIR/primary (scripts/private-db.sh: initdb
#       allows replication connections from 127.0.0.1 with trust), then for
#       each port a replica in DIR/replica-PORT made by `pg_basebackup -R`
#       (standby.signal and primary_conninfo written for it), and wait until
#       every replica streams from the primary
#   scripts/replica.sh stop  DIR      stop the primary and every replica (by pid)
#
# One replica is stopped and started again with scripts/private-db.sh
# (stop|start postgres DIR/replica-PORT PORT). Exit status 2: the PostgreSQL
# server programs are not installed.
set -euo pipefail

op=${1:?op} dir=${2:?dir}
here=$(cd "$(dirname "$0")" && pwd)
db=$here/private-db.sh

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$bin" ] && [ -x "$bin/pg_basebackup" ] || { echo "no PostgreSQL server programs" >&2; exit 2; }
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi

psql_at() { # psql_at PORT SQL: one value
    "${as[@]}" "$bin/psql" -X -A -t -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2"
}

case $op in
start)
    primary_port=${3:?primary port}; shift 3
    "$db" start postgres "$dir/primary" "$primary_port"
    for port in "$@"; do
        rdir=$dir/replica-$port
        if [ ! -d "$rdir/data" ]; then
            mkdir -p "$rdir"
            [ ${#as[@]} = 0 ] || chown postgres "$rdir"
            "${as[@]}" "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
                -D "$rdir/data" -R -X stream -c fast --no-sync >"$rdir/basebackup.log" 2>&1 \
                || { echo "pg_basebackup failed; see $rdir/basebackup.log" >&2; exit 1; }
        fi
        "$db" start postgres "$rdir" "$port"
    done
    # Every replica streams (the primary lists it as a WAL receiver).
    deadline=$((SECONDS + 60))
    until [ "$(psql_at "$primary_port" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null || echo 0)" -ge $# ]; do
        [ $SECONDS -lt $deadline ] || { echo "replicas did not start streaming" >&2; exit 1; }
        sleep 0.1
    done
    ;;
stop)
    for d in "$dir"/replica-* "$dir/primary"; do
        [ -d "$d/data" ] || continue
        "$db" stop postgres "$d" 0
    done
    ;;
*) echo "unknown op $op" >&2; exit 64 ;;
esac
