#!/usr/bin/env bash
# Set up and run pytest-orgo on a fresh machine: finds Python >= 3.12 (the official
# `orgo` SDK imports only there), makes .venv, installs the project with its test
# extra, and runs one of the suites.
#   ./dev.sh examples   the example suite against the bundled fake (the main job)
#   ./dev.sh test       the project's tests
#   ./dev.sh bench      the benchmarks (pytest-benchmark)
#   ./dev.sh unasync    check the generated sync helpers are current (--write: regenerate)
#   ./dev.sh setup      only make the environment (CI's second Python uses it)
set -euo pipefail
cd "$(dirname "$0")"

find_python() {
  if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
  # the official orgo SDK imports only on Python >= 3.12
  for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      echo "$candidate"; return
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare | grep -E '^3\.(1[2-9])' | sort -rV); do
      echo "$(pyenv root)/versions/$version/bin/python3"; return
    done
  fi
  echo "dev.sh: no Python >= 3.12 found; set PYTHON=/path/to/python3.12" >&2
  exit 1
}

# VENV and PYTHON choose another environment (CI also runs the tests on Python 3.11,
# where the official SDK cannot import and its tests skip, saying so).
venv="${VENV:-.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  "$(find_python)" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e '.[test]'

what="${1:-test}"
shift || true
case "$what" in
  examples) exec "$venv/bin/python" -m pytest examples "$@" ;;
  # two xdist workers by default (the suite is xdist-safe, and CI must fit in 15 minutes);
  # ORGO_TEST_WORKERS=0 runs it in one process, a later -n N wins. The tests marked
  # `alone` compare latencies with and without a slow call, so they run afterwards in one
  # process, with no other worker loading the second core (exit 5: none were selected).
  test)     "$venv/bin/python" -m pytest tests -n "${ORGO_TEST_WORKERS:-2}" -m "not alone" "$@"
            status=0
            "$venv/bin/python" -m pytest tests "$@" -n 0 -m alone || status=$?
            [[ $status == 0 || $status == 5 ]] || exit $status ;;
  bench)    exec "$venv/bin/python" -m pytest benchmarks "$@" ;;
  setup)    ;;
  unasync)  if [[ "${1:-}" == "--write" ]]; then exec "$venv/bin/python" scripts/unasync.py
            else exec "$venv/bin/python" scripts/unasync.py --check; fi ;;
  *) echo "usage: ./dev.sh examples|test|bench|unasync|setup [args]" >&2; exit 2 ;;
esac
