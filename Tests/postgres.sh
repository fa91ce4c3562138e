#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a free loopback port, in a folder of its own.
#   Tests/postgres.sh start FOLDER   creates and starts it; prints its URL (superuser hearth, trust)
#   Tests/postgres.sh stop FOLDER    stops it and removes the folder
#   Tests/postgres.sh down FOLDER    stops the server, keeping the cluster
#   Tests/postgres.sh up FOLDER      starts it again, on its port
# As root, initdb and the server run as the postgres user (initdb refuses root). The role
# `secret` (password `right`) signs in with a password: the tests of a wrong one use it.
# Without fsync (durability is not under test) unless HEARTH_PG_DURABLE=1 (the benchmarks).
set -euo pipefail
command=$1
folder=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$bin" ] || bin=$(dirname "$(command -v initdb)")
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $command in
start)
    mkdir -p "$folder"
    [ "$(id -u)" -eq 0 ] && chown postgres "$folder"
    as_owner "$bin/initdb" -D "$folder/data" -U hearth -A trust --no-sync >"$folder/initdb.log" 2>&1 \
        || { cat "$folder/initdb.log" >&2; exit 1; }
    cat >"$folder/data/pg_hba.conf" <<'HBA'
local all all trust
host all secret 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
HBA
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" >"$folder/port"
    [ "${HEARTH_PG_DURABLE:-}" = 1 ] && touch "$folder/durable"
    "$0" up "$folder"
    psql -q -X "postgres://hearth@127.0.0.1:$port/postgres" -c "CREATE ROLE secret LOGIN PASSWORD 'right' CREATEDB" >/dev/null
    echo "postgres://hearth@127.0.0.1:$port/postgres"
    ;;
up)
    port=$(cat "$folder/port")
    options="-p $port -k $folder -c listen_addresses=127.0.0.1"
    [ -f "$folder/durable" ] || options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 -o "$options" start >/dev/null || { cat "$folder/server.log" >&2; exit 1; }
    ;;
down)
    as_owner "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null
    ;;
stop)
    [ -d "$folder/data" ] && as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$folder"
    ;;
*)
    echo "usage: $0 start|stop|down|up FOLDER" >&2
    exit 2
    ;;
esac
