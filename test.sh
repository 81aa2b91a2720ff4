#!/usr/bin/env bash
# Quickstart 2: run the test suite.  ./test.sh [pytest args...], e.g. ./test.sh -m slow
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
py="$(bash scripts/ensure_env.sh)"

# The browser tests drive Debian's chromium; without it they skip with a reason.
if ! command -v chromium >/dev/null; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing chromium for the browser tests (first run only)" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1; then
      echo "warning: could not install chromium; the browser tests will be skipped" >&2
    fi
  else
    echo "warning: chromium not found (install it as root: apt-get install chromium); the browser tests will be skipped" >&2
  fi
fi

export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
rc=0
"$py" -m pytest "$@" || rc=$?
if [[ $rc == 5 ]]; then
  echo "test.sh: pytest collected no tests (check tests/ and any -m/-k filter); failing" >&2
  exit 1
fi
exit "$rc"
