#!/usr/bin/env bash
# Installs everything (Debian packages, venv, a throwaway PostgreSQL server) and runs the whole suite:
# lint, types, import layers, then pytest on SQLite and PostgreSQL. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

pg_root=$(mktemp -d /tmp/arthur-pg.XXXXXX)
pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_postgres() {
  as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_root"
}
trap stop_postgres EXIT
[ "$(id -u)" -eq 0 ] && chown postgres: "$pg_root"
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres "$pg_bin/initdb" -D "$pg_root/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_root -c fsync=off -c full_page_writes=off" start >/dev/null
export ARTHUR_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
export ARTHUR_REQUIRE_POSTGRES=1
echo "test: PostgreSQL on 127.0.0.1:$port"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "$@"
