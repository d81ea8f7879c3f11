#!/usr/bin/env bash
# The benchmark, one command: set-up (with the comparison libraries), then archives of 10, 100
# and 1000 generated reports and the camelot/tabula comparison. Arguments go to bench.run
# (e.g. --sizes 10 100). Prints tables; the last run is also in bench/out/last_run.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install -q -c requirements.lock -e ".[dev,bench]"
exec .venv/bin/python -m bench.run --tables "$@"
