#!/usr/bin/env bash
# Installs everything (Debian packages, venv, a throwaway PostgreSQL server) and runs the whole suite:
# lint, types, import layers, then pytest on SQLite and PostgreSQL. Exits non-zero on any failure.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
ARTHUR_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
