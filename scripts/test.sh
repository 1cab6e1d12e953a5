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
# The tests too, in two runs: tests/ and tests/ui each have a conftest module. pytest-qt's QtBot has no annotations.
mypy_tests() { MYPYPATH="tests:$1" .venv/bin/mypy --strict --explicit-package-bases --untyped-calls-exclude=pytestqt "${@:2}"; }
mypy_tests tests/integration tests/*.py tests/unit tests/integration
mypy_tests tests/ui tests/ui $(ls tests/*.py | grep -v conftest)
.venv/bin/lint-imports
ARTHUR_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
