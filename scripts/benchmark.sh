#!/usr/bin/env bash
# Installs everything, starts a throwaway PostgreSQL server and runs the scale benchmark on SQLite and
# PostgreSQL (generating the 1M-chat databases the first time). Arguments go to benchmarks/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/with-postgres.sh .venv/bin/python benchmarks/bench.py "$@"
