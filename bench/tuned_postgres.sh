#!/usr/bin/env bash
# A private PostgreSQL with a database host's settings instead of the package defaults, for the Eras-scale benches
# (docs/selection.md "Past one machine": the database's memory and WAL settings are the first lever).
#
#   bench/tuned_postgres.sh start   # port 5499, data in /tmp/monoql-bench-pg (removed by stop)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5499/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \
#       .venv/bin/python bench/wave_prep.py 3500000 markets
#   bench/tuned_postgres.sh stop
#
# Settings: shared_buffers a quarter of RAM (capped at 6 GB), max_wal_size 16 GB and checkpoint_timeout 30 min (a run
# does not checkpoint midway), wal_compression on, autovacuum on. fsync and synchronous_commit stay on: durability is
# not traded for speed. It never touches the machine's shared PostgreSQL.
set -euo pipefail
PORT=${MONOQL_BENCH_PG_PORT:-5499}
DATA=${MONOQL_BENCH_PG_DATA:-/tmp/monoql-bench-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
start)
    ram_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
    buffers_mb=$((ram_mb / 4 > 6144 ? 6144 : ram_mb / 4))
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$DATA"
    [ -f "$DATA/PG_VERSION" ] || as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust >/dev/null
    as_postgres "$BIN/pg_ctl" -D "$DATA" -w -l "$DATA/server.log" -o "-p $PORT -k $DATA \
        -c listen_addresses=127.0.0.1 -c shared_buffers=${buffers_mb}MB -c max_wal_size=16GB \
        -c checkpoint_timeout=30min -c wal_compression=on -c autovacuum=on" start >/dev/null
    psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE monoql_bench" 2>/dev/null || true
    echo "PostgreSQL on 127.0.0.1:$PORT (shared_buffers ${buffers_mb}MB, max_wal_size 16GB), data in $DATA"
    ;;
stop)
    as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null || true
    rm -rf "$DATA"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
