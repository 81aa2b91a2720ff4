#!/usr/bin/env bash
# Quickstart 2: run the test suite.  ./test.sh [pytest args...], e.g. ./test.sh -m slow
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
py="$(bash scripts/ensure_env.sh)"

# The browser tests drive Debian's chromium; the demo's offline assets are unpacked once from
# npm packages (scripts/demo_assets.sh). Without them the browser tests skip with a reason.
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v npm >/dev/null || need+=(npm)
if (( ${#need[@]} )); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "installing ${need[*]} for the browser tests (first run only)" >&2
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } >/dev/null 2>&1; then
      echo "warning: could not install ${need[*]}; the browser tests will be skipped" >&2
    fi
  else
    echo "warning: ${need[*]} not found (install as root: apt-get install ${need[*]}); the browser tests will be skipped" >&2
  fi
fi

export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
# One pytest worker per core (pytest-xdist), a test file per worker so module fixtures are
# built once; INFOWAR_TEST_WORKERS=0 runs them all in this process.
workers=(-n "${INFOWAR_TEST_WORKERS:-auto}" --dist loadfile)
rc=0
"$py" -m pytest "${workers[@]}" "$@" || rc=$?
if [[ $rc == 5 ]]; then
  echo "test.sh: pytest collected no tests (check tests/ and any -m/-k filter); failing" >&2
  exit 1
fi
exit "$rc"
