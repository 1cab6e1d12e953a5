#!/usr/bin/env bash
# Mutation testing (mutmut) of services/, integrations/ and arthur_desktop/: each mutant is run against the
# tests that reach it, on SQLite and on a throwaway PostgreSQL server started once. Not part of CI (slow).
#
#   bash scripts/mutation.sh                              every mutant (resumable: results are kept in mutants/)
#   bash scripts/mutation.sh --sample 100 --seed 13       100 mutants per package, the same ones for the same seed
#   options: --packages "services integrations"   --max-children N (mutants run at once; default 2)
#            --resume          run only the chosen mutants that have no result yet (mutants/ keeps the results)
#            --only-unkilled   run only the chosen mutants that no earlier run killed (a mutant of a function
#                              changed since has no result, and runs again): after adding tests, this gives the
#                              same score as running them all again, in a fraction of the time
#
# Prints the score per package: killed / (run - equivalent), where tests/mutation_equivalents.txt lists the
# surviving mutants that change no behaviour, each with its reason. The diff of every other survivor goes to
# mutants/survivors.txt. See README "Mutation testing".
set -euo pipefail
cd "$(dirname "$0")/.."

sample=()
seed=1
packages="services integrations arthur_desktop"
max_children=2
left=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sample) sample=(--sample "$2"); shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --packages) packages=$2; shift 2 ;;
    --max-children) max_children=$2; shift 2 ;;
    --resume) left=unrun; shift ;;
    --only-unkilled) left=unkilled; shift ;;
    *) echo "mutation.sh: unknown option $1 (see the comment at the top of the script)" >&2; exit 2 ;;
  esac
done

scripts/setup.sh test
.venv/bin/python -m pip install --quiet --editable ".[test,mutation]"

# shellcheck disable=SC2086  # the packages are words
.venv/bin/python scripts/mutation_tool.py select "${sample[@]}" --seed "$seed" --packages $packages \
  > mutants-chosen.txt.part
mv mutants-chosen.txt.part mutants/chosen.txt
chosen=$(wc -l < mutants/chosen.txt)

# A full run names no mutant, so mutmut resumes where an earlier run stopped; a sample is always run again.
names=()
if [ -n "$left" ]; then
  unkilled=()
  if [ "$left" = unkilled ]; then unkilled=(--unkilled); fi
  mapfile -t names < <(.venv/bin/python scripts/mutation_tool.py left mutants/chosen.txt "${unkilled[@]}")
  echo "mutation: running the ${#names[@]} chosen mutants left ($left)"
elif [ ${#sample[@]} -gt 0 ] || [ "$packages" != "services integrations arthur_desktop" ]; then
  mapfile -t names < mutants/chosen.txt
fi

# The tests' own subprocesses (the CLI, a second window, an installed wheel) run the mutant under test, but only
# the test process can record which tests reach which function: in a subprocess, mutmut's "stats" mode is off.
hook="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/arthur_mutation_hook.pth"
echo 'import os; os.environ.get("MUTANT_UNDER_TEST") == "stats" and os.environ.update(MUTANT_UNDER_TEST="")' > "$hook"
trap 'rm -f "$hook"' EXIT

started=$(date +%s)
if [ -z "$left" ] || [ ${#names[@]} -gt 0 ]; then
  # PYTHONPATH: the tests' subprocesses import the mutated code too.
  PYTHONPATH="$PWD/mutants" ARTHUR_REQUIRE_POSTGRES=1 QT_QPA_PLATFORM=offscreen \
    scripts/with-postgres.sh .venv/bin/mutmut run --max-children "$max_children" "${names[@]}" 2>&1 | tee mutants/run.log
fi
elapsed=$(( $(date +%s) - started ))

echo
echo "mutation: $chosen mutants (seed $seed, $(date -u +%Y-%m-%d)) in ${elapsed} s, with $max_children at once"
.venv/bin/python scripts/mutation_tool.py score mutants/chosen.txt --survivors mutants/survivors.txt
