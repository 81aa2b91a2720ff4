#!/usr/bin/env bash
# Serve the classroom demo page (works with no internet).
#   ./demo.sh                 serve on http://127.0.0.1:8765 (this computer only)
#   ./demo.sh --public        serve on all interfaces, so students on the same network can join
#   ./demo.sh --port 9000     another port (also: PORT=9000 ./demo.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

host=127.0.0.1
port="${PORT:-8765}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --public) host=0.0.0.0 ;;
    --port) port="${2:?--port needs a number}"; shift ;;
    --port=*) port="${1#--port=}" ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option '$1'; allowed: --public, --port N" >&2; exit 2 ;;
  esac
  shift
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "demo.sh: --port: '$port' is not a number" >&2; exit 2; }
# A TCP port is 1..65535 (the number is compared as text first: 10#... would overflow bash).
if (( ${#port} > 5 )) || (( 10#$port < 1 || 10#$port > 65535 )); then
  echo "demo.sh: --port: $port is out of range; allowed: 1 to 65535" >&2
  exit 2
fi

py="$(bash scripts/ensure_env.sh)"
# Solara's front-end assets come from a local cache filled once from npm packages.
export SOLARA_ASSETS_PROXY=true
export SOLARA_ASSETS_PROXY_CACHE_DIR="$(bash scripts/demo_assets.sh "$py")"
# Never reach for the internet: a missing asset fails at once (and shows in the log)
# instead of hanging a classroom page on an unreachable CDN.
export SOLARA_ASSETS_CDN="http://127.0.0.1:9/"
export SOLARA_TELEMETRY_MIXPANEL_ENABLE=false
# Solara warns on every page load over plain http from another host name; harmless here.
export PYTHONWARNINGS="${PYTHONWARNINGS:+$PYTHONWARNINGS,}ignore:Cookies with samesite:UserWarning"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"

if [[ "$host" == 0.0.0.0 ]]; then
  echo "demo: serving on all interfaces, port $port (students open http://<this computer's address>:$port)" >&2
else
  echo "demo: open http://127.0.0.1:$port in a browser (Ctrl+C stops)" >&2
fi
exec "$py" -m solara run sim/app.py --host "$host" --port "$port" --production --no-open \
  --log-level warning
