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
if [ "${NEO4J_URI:-bolt://127.0.0.1:7687}" = "bolt://127.0.0.1:7687" ] && [ "${EVALGRAPH_NEO4J_HTTP_PORT:-7474}" != 0 ]; then
  home=${EVALGRAPH_NEO4J_HOME:-var/neo4j}
  if [ -n "${NEO4J_PASSWORD:-}" ]; then password="(the one in NEO4J_PASSWORD)"; else password=$(cat "$home/password"); fi
  echo "Look at the graph: http://127.0.0.1:${EVALGRAPH_NEO4J_HTTP_PORT:-7474}/browser/ (connect to bolt://127.0.0.1:7687, user neo4j, password $password)"
fi
