#!/usr/bin/env bash
# Installs what StreamBSS needs on a fresh Debian machine, and nothing twice:
#   runtime: npm dependencies, nats-server (Debian package), the built dashboard
#   test:    the same plus Debian chromium for the browser tests
set -euo pipefail
mode="${1:-runtime}"
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "need root to run: $*  (run it yourself, then retry)"; exit 1
  fi
}

apt_updated=0
need_pkg() { # need_pkg <command> <debian package>
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$apt_updated" = 0 ]; then
      say "updating Debian package lists"
      as_root apt-get update -qq
      apt_updated=1
    fi
    say "installing $2 (Debian package)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}

if [ -z "${NATS_URL:-}" ] || [ "$mode" = test ]; then need_pkg nats-server nats-server; fi
if [ "$mode" = test ]; then
  need_pkg chromium chromium
  # CJK glyphs for the zh-CN screenshots the browser tests save
  if [ ! -d /usr/share/fonts/opentype/noto ] && ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    [ "$apt_updated" = 0 ] && as_root apt-get update -qq && apt_updated=1
    say "installing fonts-noto-cjk (Debian package)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
  fi
fi

# npm dependencies: install when missing or when the lock file changed since the last install.
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  # chdb lists prebuilt engines for every platform as optional dependencies; where a registry
  # does not serve some of them, npm ci refuses the lock file, while npm install skips them.
  npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || {
    say "npm ci refused the lock file (optional platform packages unavailable); using npm install"
    npm install --no-audit --no-fund --loglevel=error
  }
fi

# The dashboard is served pre-built: build it when missing, older than its sources, or a
# development build (test runs before 2026-11-27 left one behind: Lit's dev mode).
if [ -d dashboard/src ]; then
  if [ ! -f dashboard/dist/index.html ] || [ -n "$(find dashboard/src dashboard/index.html dashboard/vite.config.ts -newer dashboard/dist/index.html 2>/dev/null | head -1)" ] ||
    grep -qs "Lit is in dev mode" dashboard/dist/assets/*.js; then
    say "building the dashboard"
    NODE_ENV=production npx vite build --config dashboard/vite.config.ts --logLevel error
  fi
fi
