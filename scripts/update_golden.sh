#!/usr/bin/env bash
# Rewrite the golden regression files (tests/golden/*.json) after an intended change to
# what a seeded run produces, then show what moved. Commit the new files with the change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
UPDATE_GOLDEN=1 ./test.sh tests/test_golden.py -q "$@"
git --no-pager diff --stat -- tests/golden/ || true
