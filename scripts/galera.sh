#!/usr/bin/env bash
# A private three-node MariaDB Galera cluster on localhost, for the cluster
# tests (tests/galera.rs): its own data directories and ports, nothing shared
# with the machine's server.
#
#   scripts/galera.sh start DIR PORT1 PORT2 PORT3
#       node 1 (DIR/node1, SQL port PORT1) bootstraps a new cluster, nodes 2
#       and 3 join it (state transfer by rsync); waits until all three are
#       Synced and the cluster has three members
#   scripts/galera.sh stop  DIR   stop every node (by its pid)
#
# Group communication, IST and SST listen on 127.0.0.1 only, on free ports
# picked at the first start (kept in DIR/nodeN/ports). Nodes run without grant
# tables (root, no password). Exit status 2: mariadbd or the Galera provider
# (Debian package galera-4) is not installed.
set -euo pipefail

op=${1:?op} dir=${2:?dir}
server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
provider=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
[ -x "$server" ] || { echo "no mariadbd" >&2; exit 2; }
[ -f "$provider" ] || { echo "no Galera provider at $provider (package galera-4)" >&2; exit 2; }
# As root the nodes run as `mysql`: the rsync daemon of a state transfer,
# started by the node, would otherwise switch to `nobody` and fail to write.
user=$(id -un)
if [ "$user" = root ] && id mysql >/dev/null 2>&1; then user=mysql; fi

free_ports() { # free_ports N: N ports nothing listens on now
    /usr/bin/python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

sql() { # sql PORT QUERY: one value
    mysql --no-defaults -h 127.0.0.1 -P "$1" -u root -N -B -e "$2"
}

wait_until() { # wait_until SECONDS CMD...
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}

synced() { [ "$(sql "$1" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT'")" = Synced ]; }
members() { [ "$(sql "$1" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_SIZE'")" = "$2" ]; }

case $op in
start)
    ports=("${@:3:3}")
    [ ${#ports[@]} = 3 ] || { echo "usage: $0 start DIR PORT1 PORT2 PORT3" >&2; exit 64; }
    mkdir -p "$dir"
    [ "$user" = "$(id -un)" ] || chown "$user" "$dir"
    # Group communication, IST and SST ports of each node.
    for i in 1 2 3; do
        mkdir -p "$dir/node$i"
        [ "$user" = "$(id -un)" ] || chown "$user" "$dir/node$i"
        [ -f "$dir/node$i/ports" ] || free_ports 3 >"$dir/node$i/ports"
    done
    read -r g1 _ _ <"$dir/node1/ports"; read -r g2 _ _ <"$dir/node2/ports"; read -r g3 _ _ <"$dir/node3/ports"
    peers="gcomm://127.0.0.1:$g1,127.0.0.1:$g2,127.0.0.1:$g3"
    started=$SECONDS
    start_node() { # start_node I CLUSTER_ADDRESS
        local i=$1 node=$dir/node$1 port=${ports[$(($1 - 1))]} gport ist sst
        read -r gport ist sst <"$node/ports"
        "$server" --no-defaults --datadir="$node/data" --port="$port" --bind-address=127.0.0.1 \
            --socket="$node/mariadbd.sock" --pid-file="$node/mariadbd.pid" --user="$user" \
            --skip-grant-tables --skip-name-resolve --log-error="$node/server.log" \
            --innodb-buffer-pool-size=32M --innodb-log-file-size=8M \
            --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
            --wsrep-on=ON --wsrep-provider="$provider" --wsrep-cluster-name="quarry-${ports[0]}" \
            --wsrep-cluster-address="$2" --wsrep-node-name="node$i" \
            --wsrep-node-address=127.0.0.1 --wsrep-node-incoming-address="127.0.0.1:$port" \
            --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gport;ist.recv_addr=127.0.0.1:$ist;gcache.size=16M;pc.recovery=false" \
            --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:$sst" \
            >/dev/null 2>&1 &
        wait_until 120 synced "$port" \
            || { echo "node$i did not reach Synced; see $node/server.log" >&2; exit 1; }
    }
    stop_node() { # stop_node I
        local pidfile=$dir/node$1/mariadbd.pid pid
        [ -f "$pidfile" ] || return 0
        pid=$(head -n 1 "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            wait_until 60 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    }
    if [ ! -d "$dir/node1/data" ]; then
        # A new cluster: node 1 bootstraps it once and stops; nodes 2 and 3
        # start from copies of its data directory, so joining needs no full
        # state transfer (SST) — the group's history (IST) is enough.
        mkdir -p "$dir/node1/data"
        mariadb-install-db --no-defaults --datadir="$dir/node1/data" --user="$user" \
            --auth-root-authentication-method=normal --skip-test-db \
            --innodb-log-file-size=8M >"$dir/node1/install.log" 2>&1
        start_node 1 gcomm://
        stop_node 1
        for i in 2 3; do
            rm -rf "$dir/node$i/data"
            cp -a "$dir/node1/data" "$dir/node$i/data"
            sed -i 's/^safe_to_bootstrap: 1/safe_to_bootstrap: 0/' "$dir/node$i/data/grastate.dat"
        done
    fi
    for i in 1 2 3; do
        pidfile=$dir/node$i/mariadbd.pid
        if [ -f "$pidfile" ] && kill -0 "$(head -n 1 "$pidfile")" 2>/dev/null; then continue; fi
        address=$peers
        # The node that stopped last (safe_to_bootstrap) starts the cluster again.
        if [ "$i" = 1 ] && grep -q 'safe_to_bootstrap: 1' "$dir/node1/data/grastate.dat"; then
            address=gcomm://
        fi
        start_node "$i" "$address"
    done
    wait_until 60 members "${ports[0]}" 3 || { echo "the cluster did not reach 3 members" >&2; exit 1; }
    echo "galera: 3 nodes synced in $((SECONDS - started))s" >&2
    ;;
stop)
    # Nodes 3, 2, then 1: the last one stopped may bootstrap the next start.
    for i in 3 2 1; do
        pidfile=$dir/node$i/mariadbd.pid
        [ -f "$pidfile" ] || continue
        pid=$(head -n 1 "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid"
            wait_until 60 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    done
    ;;
*) echo "unknown op $op" >&2; exit 64 ;;
esac
