#!/usr/bin/env bash
# PgBouncer in front of a PostgreSQL server, for the pooler tests
# (tests/pgbouncer.rs and the CI step that runs the conformance suite through
# it). Every database of the server is reachable through it under its own name.
#
#   scripts/pgbouncer.sh start DIR PORT SERVER_PORT [POOL_MODE [POOL_SIZE]]
#       write DIR/pgbouncer.ini (listen on 127.0.0.1:PORT, server
#       127.0.0.1:SERVER_PORT, trust authentication, pool_mode transaction
#       unless POOL_MODE says session or statement, POOL_SIZE (4) server
#       connections per database and user), start it, wait until ready
#   scripts/pgbouncer.sh stop  DIR   stop it (by its pid) if it runs
#
# PgBouncer refuses to run as root: as root it runs as the `postgres` user.
# Exit status 2: pgbouncer is not installed (Debian: apt-get install pgbouncer).
set -euo pipefail

op=${1:?op} dir=${2:?dir}
server=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[ -x "$server" ] || { echo "no pgbouncer" >&2; exit 2; }
pidfile=$dir/pgbouncer.pid

pid_alive() { [ -f "$pidfile" ] && kill -0 "$(head -n 1 "$pidfile")" 2>/dev/null; }

case $op in
start)
    port=${3:?port} server_port=${4:?server port} mode=${5:-transaction} size=${6:-4}
    mkdir -p "$dir"
    user=()
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; user=(-u postgres); fi
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$server_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = $mode
default_pool_size = $size
max_client_conn = 500
max_db_connections = 20
server_reset_query = DISCARD ALL
ignore_startup_parameters = extra_float_digits
pidfile = $pidfile
logfile = $dir/pgbouncer.log
INI
    printf '"postgres" ""\n"root" ""\n' >"$dir/userlist.txt"
    pid_alive || "$server" -d "${user[@]}" "$dir/pgbouncer.ini"
    deadline=$((SECONDS + 30))
    until pg_isready -q -h 127.0.0.1 -p "$port" -d postgres -U postgres; do
        [ $SECONDS -lt $deadline ] || { echo "pgbouncer did not come up; see $dir/pgbouncer.log" >&2; exit 1; }
        sleep 0.1
    done
    ;;
stop)
    if pid_alive; then
        pid=$(head -n 1 "$pidfile")
        kill -INT "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    ;;
*) echo "unknown op $op" >&2; exit 64 ;;
esac
