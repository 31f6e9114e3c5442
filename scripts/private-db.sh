#!/usr/bin/env bash
# A private database server for tests that must stop and restart one
# (tests/restart.rs): its own data directory and port, nothing shared with the
# machine's servers.
#
#   scripts/private-db.sh start   postgres|mariadb DIR PORT   create DIR if new, start, wait until ready
#   scripts/private-db.sh crash   postgres|mariadb DIR PORT   kill it without a clean shutdown
#   scripts/private-db.sh stop    postgres|mariadb DIR PORT   stop it (by its pid) if it runs
#
# PostgreSQL comes from /usr/lib/postgresql/*/bin (initdb, pg_ctl); it refuses
# to run as root, so as root it runs as the `postgres` user (runuser). MariaDB is
# mariadbd with its own datadir, socket and pid file, without grant tables.
# Exit status 2: the server's programs are not installed.
set -euo pipefail

op=${1:?op} kind=${2:?kind} dir=${3:?dir} port=${4:?port}

wait_until() { # wait_until SECONDS CMD...: true once CMD succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n 1 "$1")" 2>/dev/null; }

case $kind in
postgres)
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || { echo "no PostgreSQL server programs" >&2; exit 2; }
    as=()
    if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
    pgctl() { "${as[@]}" "$bin/pg_ctl" -D "$dir/data" "$@"; }
    case $op in
    start)
        if [ ! -d "$dir/data" ]; then
            mkdir -p "$dir"
            [ ${#as[@]} = 0 ] || chown postgres "$dir"
            "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1
        fi
        pgctl -w -t 60 -l "$dir/server.log" \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null
        ;;
    crash) pgctl -m immediate -w stop >/dev/null 2>&1 || true ;;
    stop)
        if [ -f "$dir/data/postmaster.pid" ]; then pgctl -m fast -w stop >/dev/null 2>&1 || true; fi
        ;;
    esac
    ;;
mariadb)
    command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "no mariadbd" >&2; exit 2; }
    server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
    user=$(id -un)
    pidfile=$dir/mariadbd.pid
    case $op in
    start)
        if [ ! -d "$dir/data" ]; then
            mkdir -p "$dir/data"
            mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
                --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
        fi
        "$server" --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
            --socket="$dir/mariadbd.sock" --pid-file="$pidfile" --user="$user" \
            --skip-grant-tables --skip-name-resolve --log-error="$dir/server.log" \
            --innodb-buffer-pool-size=32M >/dev/null 2>&1 &
        wait_until 60 mysqladmin --no-defaults -h 127.0.0.1 -P "$port" -u root ping \
            || { echo "mariadbd did not come up; see $dir/server.log" >&2; exit 1; }
        ;;
    crash | stop)
        if pid_alive "$pidfile"; then
            pid=$(head -n 1 "$pidfile")
            if [ "$op" = crash ]; then kill -KILL "$pid"; else kill -TERM "$pid"; fi
            wait_until 60 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
            rm -f "$pidfile"
        fi
        ;;
    esac
    ;;
*) echo "unknown kind $kind" >&2; exit 64 ;;
esac
