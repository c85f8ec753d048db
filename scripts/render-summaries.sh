#!/usr/bin/env bash
# Renders every job summary page of `npm run demo` (.demo/*.html) to a PNG beside it, with Debian's headless
# chromium, so a person (or a reviewer of a pull request) can judge the summaries as GitHub shows them.
#
#   npm run demo && scripts/render-summaries.sh          # .demo/01-run1.png, …
#   scripts/render-summaries.sh path/to/page.html …      # only these pages
#   RENDER_HEIGHT=900 scripts/render-summaries.sh …       # a shorter picture (the default is 1100×1400)
#   scripts/render-summaries.sh --samples                 # .demo/samples/*.png: the report parts no scene shows
#
# --samples writes pages built by src/report/ from a sample failed run (harness/render-summary.ts): the job
# summary of a model deployment that failed with findings, the same run as a PR comment, and a summary over
# GitHub's 1 MiB limit as the action cuts it. No stand-in is needed for them.
#
# Chromium and the colour emoji font (the summaries use ✅ ❌ ⏭️) come from apt when missing; the browser is
# never downloaded by a tool. Each page gets a fresh profile and no network: the pages are self-contained.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WIDTH=1100
HEIGHT="${RENDER_HEIGHT:-1400}"

find_chromium() {
  command -v chromium || command -v chromium-browser || true
}

has_emoji_font() {
  fc-list 2>/dev/null | grep -qi 'Noto Color Emoji'
}

if [[ -z "$(find_chromium)" ]] || ! has_emoji_font; then
  echo "Installing chromium and fonts-noto-color-emoji with apt-get…" >&2
  SUDO=""
  [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium fonts-noto-color-emoji
fi
CHROMIUM="$(find_chromium)"
[[ -n "$CHROMIUM" ]] || { echo "chromium is not on PATH after installing it" >&2; exit 1; }

if [[ "${1:-}" == "--samples" ]]; then
  mapfile -t pages < <(cd "$ROOT" && npx tsx harness/render-summary.ts "$ROOT/.demo/samples")
elif [[ $# -gt 0 ]]; then
  pages=("$@")
else
  shopt -s nullglob
  pages=("$ROOT"/.demo/*.html)
  shopt -u nullglob
fi
if [[ ${#pages[@]} -eq 0 ]]; then
  echo "No pages to render: run 'npm run demo' first (it writes .demo/*.html)." >&2
  exit 1
fi

rendered=0
for page in "${pages[@]}"; do
  page="$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"
  png="${page%.html}.png"
  profile="$(mktemp -d)"
  rm -f "$png"
  # chromium prints DBus and GPU noise on stderr even when it works; it is kept only when rendering fails.
  if ! "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --screenshot="$png" --window-size="$WIDTH,$HEIGHT" \
    "file://$page" >"$profile.log" 2>&1 || [[ ! -s "$png" ]]; then
    cat "$profile.log" >&2
    rm -rf "$profile" "$profile.log"
    echo "Could not render $page" >&2
    exit 1
  fi
  rm -rf "$profile" "$profile.log"
  echo "${png#"$ROOT"/}"
  rendered=$((rendered + 1))
done
echo "Rendered $rendered page(s) with $("$CHROMIUM" --version 2>/dev/null | head -1)." >&2
