#!/usr/bin/env bash
# The test command: set up, lint, type-check, and run the whole suite against a real Neo4j.
# The tests start their own server on 127.0.0.1:7688 with data in var/neo4j-test
# (EVALGRAPH_TEST_NEO4J_URI points them at another disposable database instead).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy  # the files and settings: pyproject.toml [tool.mypy]
.venv/bin/python -m pytest "$@"
