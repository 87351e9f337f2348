#!/usr/bin/env bash
# Set up (as scripts/setup.sh, plus matplotlib for the plot) and run the benchmark.
# Arguments go to bench/run.py, e.g. --memory-letters 10000 for the long run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,bench]"
exec .venv/bin/python bench/run.py "$@"
