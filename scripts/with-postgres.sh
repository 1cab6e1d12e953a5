#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server on 127.0.0.1 (a free port, a temporary folder),
# with ARTHUR_TEST_POSTGRES_URL pointing at it; the server is stopped and removed afterwards, even on failure.
# With ARTHUR_PG_KEEP_DIR=DIR the server's files live in DIR and are kept for the next run (benchmark databases
# generated once); the server is still stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=${ARTHUR_PG_KEEP_DIR:-}
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  pg_root=$(cd "$keep" && pwd)
else
  pg_root=$(mktemp -d /tmp/arthur-pg.XXXXXX)
fi
pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "with-postgres: no PostgreSQL server installed (run scripts/setup.sh test)" >&2
  exit 1
fi
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
  if [ -n "$keep" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -m fast stop >/dev/null 2>&1 || true
  else
    as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_root"
  fi
}
trap stop_postgres EXIT
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pg_root"; fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if [ ! -f "$pg_root/data/PG_VERSION" ]; then
  as_postgres "$pg_bin/initdb" -D "$pg_root/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
fi
as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_root -c fsync=off -c full_page_writes=off" start >/dev/null
export ARTHUR_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port" >&2
"$@"
