#!/usr/bin/env bash
# Print the path of a uv executable: the one on PATH, else a copy installed once with pip into
# ~/.cache/infowar-sim/uv (override with INFOWAR_UV_HOME). Messages go to stderr.
set -euo pipefail
if command -v uv >/dev/null; then command -v uv; exit 0; fi
home="${INFOWAR_UV_HOME:-$HOME/.cache/infowar-sim/uv}"
if [[ -x "$home/bin/uv" ]]; then echo "$home/bin/uv"; exit 0; fi

py=""
for cand in python3 python; do
  if command -v "$cand" >/dev/null && "$cand" -c 'import venv' >/dev/null 2>&1; then
    py="$cand"; break
  fi
done
[[ -n "$py" ]] || { echo "find_uv: uv not found and no python3 to install it with" >&2; exit 1; }
mkdir -p "$(dirname "$home")"
exec 9>"$home.lock"
command -v flock >/dev/null && flock 9
if [[ ! -x "$home/bin/uv" ]]; then
  echo "installing uv into $home (first run only)" >&2
  rm -rf "$home"
  if ! { "$py" -m venv "$home" && "$home/bin/pip" install -q --disable-pip-version-check uv; } \
      >"$home.log" 2>&1; then
    echo "find_uv: could not install uv with pip; see $home.log" >&2
    exit 1
  fi
fi
echo "$home/bin/uv"
