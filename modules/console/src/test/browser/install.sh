#!/usr/bin/env bash
# Installs what the console's browser test needs, idempotently; called by ConsoleBrowserITCase (and so by
# './mvnw verify'):
#   - Debian's chromium (apt-get; needs root, as on the project's machines and CI), unless already there
#   - playwright-core from npm at the exact version in package.json, into DEST/node_modules
# playwright never downloads a browser here: the test launches /usr/bin/chromium.
# Usage: install.sh DEST_DIR      Exit codes: 0 ready; 3 cannot install (the message says what to do).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:?usage: install.sh DEST_DIR}"
chromium="${UALWATCH_CHROMIUM:-/usr/bin/chromium}"

if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    echo "browser test: $chromium is missing and cannot be installed from here (needs root and apt-get)." >&2
    echo "Install Debian's chromium package (apt-get install chromium) or set UALWATCH_CHROMIUM to a Chromium binary." >&2
    exit 3
  fi
  echo "browser test: installing Debian's chromium (first run only)…"
  export DEBIAN_FRONTEND=noninteractive
  # other builds on the machine may hold the dpkg lock: wait for it rather than fail
  apt-get -o DPkg::Lock::Timeout=600 update -q || { echo "browser test: apt-get update failed" >&2; exit 3; }
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends chromium fonts-dejavu-core \
    || { echo "browser test: apt-get install chromium failed; see above" >&2; exit 3; }
fi
"$chromium" --version

if ! command -v npm >/dev/null; then
  echo "browser test: npm is missing: install Node.js and npm (apt-get install nodejs npm)" >&2
  exit 3
fi
mkdir -p "$dest"
cp "$here/package.json" "$here/console-e2e.mjs" "$dest/"
want="$(node -p "require('$here/package.json').dependencies['playwright-core']")"
have="$(node -p "try { require('$dest/node_modules/playwright-core/package.json').version } catch (e) { '' }")"
if [ "$want" != "$have" ]; then
  echo "browser test: installing playwright-core $want from npm…"
  (cd "$dest" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --no-package-lock --omit=dev --loglevel=error) \
    || { echo "browser test: npm install playwright-core@$want failed; see above" >&2; exit 3; }
fi
echo "playwright-core $(node -p "require('$dest/node_modules/playwright-core/package.json').version")"
