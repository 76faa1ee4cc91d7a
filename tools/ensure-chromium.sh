#!/usr/bin/env bash
# Makes sure Debian's chromium exists before the browser tests run (tools/client-tests.sh calls this).
# Looked for at $CHROMIUM, then /usr/bin/chromium. Missing, and root with apt: installs Debian's chromium.
# Otherwise: says how to get it and fails. Prints the binary's path on success.
set -euo pipefail

find_browser() {
  if [[ -n "${CHROMIUM:-}" && -x "${CHROMIUM}" ]]; then echo "${CHROMIUM}"; return 0; fi
  if [[ -x /usr/bin/chromium ]]; then echo /usr/bin/chromium; return 0; fi
  return 1
}

if found=$(find_browser); then
  echo "$found"
  exit 0
fi

if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found; installing Debian's chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null
  fi
  if found=$(find_browser); then
    echo "$found"
    exit 0
  fi
fi

cat >&2 <<'MSG'
The browser tests need Debian's chromium at /usr/bin/chromium (or a Chromium binary at $CHROMIUM).
Get one, then run the tests again:
  Debian/Ubuntu:  sudo apt-get install chromium
MSG
exit 1
