#!/usr/bin/env bash
# Runs the concurrency tests N times (default 50) on SQLite and a throwaway PostgreSQL, and counts clean runs.
# Not part of CI (minutes); for hunting flakes: bash scripts/concurrency-runs.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
if [ -z "${ARTHUR_TEST_POSTGRES_URL:-}" ]; then
  exec scripts/with-postgres.sh "$0" "$runs"
fi
selection="same_moment or concurrent or two_desktops_ending or in_memory_database_serves"
selection+=" or agree_on_one_desktop_id or two_deliveries_of_one_chat_at_once or older_database_while"
selection+=" or upgrades_of_one_postgresql_database_at_once"
files=(tests/integration/test_day_totals_writers.py tests/integration/test_integrations_absolutely_class_airlines.py
  tests/integration/test_end_chat.py tests/integration/test_process_claims.py
  tests/integration/test_folder_delivery_bookkeeping.py tests/integration/test_database.py
  tests/integration/test_migrations_processes.py)
clean=0
for run in $(seq 1 "$runs"); do
  log=$(mktemp)
  if ARTHUR_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -p no:cacheprovider \
      "${files[@]}" -k "$selection" >"$log" 2>&1; then
    clean=$((clean + 1))
  else
    echo "run $run failed; its output: $log"
  fi
  echo "run $run: $(tail -n 1 "$log")"
done
echo "concurrency tests: $clean of $runs runs clean"
[ "$clean" -eq "$runs" ]
