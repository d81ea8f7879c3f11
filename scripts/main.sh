#!/usr/bin/env bash
# The main job: set up, start the bundled Neo4j (bolt://127.0.0.1:7687 unless NEO4J_URI says
# otherwise), ingest the bundled corpus and print what was loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
uri=${NEO4J_URI:-bolt://127.0.0.1:7687}
case "$uri" in
  *://127.0.0.1*|*://localhost*) .venv/bin/evalgraph neo4j start ;;
  *) echo "main: using the Neo4j at $uri" ;;
esac
.venv/bin/evalgraph ingest "${@:-corpus/}"
