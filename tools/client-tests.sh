#!/usr/bin/env bash
# The browser client's and the dashboard's tests; mvn verify runs this in the hub module's integration-test
# phase, once the jar is built (-DskipTests or -DskipClientTests skips it). In order:
#   npm ci from client/package-lock.json (skipped while client/node_modules was installed from the same lock),
#   the types checked with tsc against client/test/types/example.ts,
#   Debian's chromium made sure of (tools/ensure-chromium.sh),
#   node --test: the client against the jar as a process, and the dashboard end to end in headless Chromium.
# Usage: tools/client-tests.sh [HUB_JAR]   (default: hub/target/hub.jar). Screenshots go to $SCREENSHOT_DIR
# (default client/target/screenshots); SCREENSHOT_DIR=../docs refreshes the README's.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jar=${1:-$root/hub/target/hub.jar}
if [[ ! -f "$jar" ]]; then
  echo "client tests: no hub jar at $jar (build it: mvn -B package -DskipTests)" >&2
  exit 1
fi
TEST_HUB_JAR=$(realpath "$jar")
export TEST_HUB_JAR

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "client tests: $tool not found; they need Node.js 20 or later with npm (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done
if (( $(node -p 'process.versions.node.split(".")[0]') < 20 )); then
  echo "client tests: Node.js $(node --version) is too old; they need 20 or later" >&2
  exit 1
fi

cd "$root/client"
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.package-lock.sha256 2>/dev/null)" != "$lock" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock" > node_modules/.package-lock.sha256
fi

npx --no-install tsc -p test/types
echo "client types: tsc --noEmit passed"

CHROMIUM=$(bash "$root/tools/ensure-chromium.sh")
export CHROMIUM

node --test --test-timeout=90000 test/*.test.js
