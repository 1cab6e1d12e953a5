#!/usr/bin/env bash
# A PostgreSQL server for benchmarks/desktops.py whose data is kept between runs (generating 1M chats takes
# minutes), allowing the connections of hundreds of desktops (scripts/with-postgres.sh keeps the default 100).
#   benchmarks/desktops_server.sh start [FOLDER]   # prints the URL of its database arthur_desktops
#   benchmarks/desktops_server.sh stop [FOLDER]
# FOLDER defaults to $ARTHUR_BENCH_DATA/desktops, else /tmp/arthur-bench/desktops. Port: $ARTHUR_BENCH_PORT or 55433;
# chats generated into a new database: $ARTHUR_BENCH_CHATS or 1000000 (500 agents).
set -euo pipefail
action=${1:-}
folder=$(realpath -m "${2:-${ARTHUR_BENCH_DATA:-/tmp/arthur-bench}/desktops}")
port=${ARTHUR_BENCH_PORT:-55433}
chats=${ARTHUR_BENCH_CHATS:-1000000}
cd "$(dirname "$0")/.."
pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "desktops_server: no PostgreSQL server installed (run scripts/setup.sh test)" >&2
  exit 1
fi
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    mkdir -p "$folder"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$folder"; fi
    if [ ! -f "$folder/data/PG_VERSION" ]; then
      as_postgres "$pg_bin/initdb" -D "$folder/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # fsync off as in scripts/with-postgres.sh: a throwaway copy of the data, and the figures of the benchmark
    # are the reads of many desktops, not the disk's flushes.
    if ! as_postgres "$pg_bin/pg_ctl" -D "$folder/data" status >/dev/null; then
      as_postgres "$pg_bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -o "-c listen_addresses=127.0.0.1 \
        -p $port -k $folder -c max_connections=1000 -c shared_buffers=512MB -c fsync=off" start >/dev/null
    fi
    url="postgresql+psycopg://postgres@127.0.0.1:$port/arthur_desktops"
    if ! as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -Atc \
      "SELECT 1 FROM pg_database WHERE datname = 'arthur_desktops'" | grep -q 1; then
      as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE arthur_desktops"
      echo "desktops_server: generating $chats chats (minutes for a million) …" >&2
      .venv/bin/arthur-desktop db --database-url "$url" upgrade >&2  # as the owner: a desktop never alters it
      .venv/bin/arthur-desktop generate --database-url "$url" --agents 500 --chats "$chats" >&2
      as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d arthur_desktops -qc "VACUUM (FREEZE, ANALYZE)"
    fi
    echo "$url"
    ;;
  stop)
    as_postgres "$pg_bin/pg_ctl" -D "$folder/data" -m fast stop >/dev/null
    ;;
  *)
    echo "usage: benchmarks/desktops_server.sh start|stop [FOLDER]" >&2
    exit 2
    ;;
esac
