#!/usr/bin/env bash
# Fill Solara's asset cache from npm packages so the demo page never asks a CDN.
#
#   dir="$(scripts/demo_assets.sh PYTHON)"   # prints the cache directory on stdout
#
# Solara serves its front-end (vuetify app, requirejs, font-awesome, the grid layout) under
# /_solara/cdn/<package>@<version>/..., reading them from SOLARA_ASSETS_PROXY_CACHE_DIR and
# fetching only what is missing from a CDN. In a classroom without internet that fetch
# fails and the page stays blank, so this script unpacks the exact versions the installed
# Solara asks for (read from its own sources) with `npm pack` from the npm registry, once.
# The cache lives outside the clone, keyed by Solara's version, and is reused by every clone.
# Messages go to stderr; stdout carries only the directory.
set -euo pipefail
py="${1:?usage: demo_assets.sh PYTHON}"

solara_dir="$("$py" -c 'import os, solara; print(os.path.dirname(solara.__file__))')"
version="$("$py" -c 'import solara; print(solara.__version__)')"
dir="${INFOWAR_SOLARA_ASSETS:-$HOME/.cache/infowar-sim/solara-assets-$version}"
mkdir -p "$dir"

# The packages the page loads, with the versions this Solara pins in its templates/widgets.
mapfile -t packages < <("$py" - "$solara_dir" <<'PY'
import pathlib, re, sys
root = pathlib.Path(sys.argv[1])
wanted = ["@widgetti/solara-vuetify-app", "requirejs", "font-awesome", "@widgetti/vue-grid-layout"]
files = [root / "server/templates/solara.html.j2", root / "server/settings.py",
         root / "widgets/vue/gridlayout.vue", root / "components/markdown.py"]
text = "\n".join(f.read_text() for f in files if f.exists())
for name in wanted:
    found = sorted(set(re.findall(re.escape(name) + r"@([0-9][0-9A-Za-z.+-]*)/", text)))
    if not found:
        sys.exit(f"demo_assets: no pinned version of {name} found in {root}")
    for v in found:
        print(f"{name}@{v}")
PY
)

# Serialize concurrent set-ups (the test fixture and demo.sh may start together).
if command -v flock >/dev/null; then exec 9>"$dir/.lock"; flock 9; fi

for pkg in "${packages[@]}"; do
  dest="$dir/$pkg"
  [[ -f "$dest/package.json" ]] && continue
  command -v npm >/dev/null || { echo "demo_assets: npm is needed once to fetch $pkg (apt-get install npm)" >&2; exit 1; }
  echo "demo_assets: fetching $pkg from the npm registry (first run only)" >&2
  tmp="$(mktemp -d "$dir/.tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$pkg" >/dev/null 2>"$tmp/npm.log") || {
    echo "demo_assets: npm pack $pkg failed:" >&2; tail -n 5 "$tmp/npm.log" >&2; exit 1; }
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked" --strip-components=1
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest"
  mv "$tmp/unpacked" "$dest"   # atomic: a half-unpacked package is never visible
  rm -rf "$tmp"
  trap - EXIT
done
echo "$dir"
