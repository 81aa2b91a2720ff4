#!/usr/bin/env bash
# Quickstart 1: run the main experiment.  ./run.sh [hydra overrides...], e.g. ./run.sh seed=7 graph.n=50000
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
py="$(bash scripts/ensure_env.sh)"
# The package runs from this clone, not from the (shared) venv.
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
exec "$py" -m sim "$@"
