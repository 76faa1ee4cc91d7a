#!/usr/bin/env bash
# Makes sure a nats-server binary exists before the tests run (mvn verify runs this through hub/pom.xml).
# Looked for as the tests look for it: $NATS_SERVER, then PATH, then /usr/sbin and /usr/bin.
# Missing, and root with apt: installs Debian's nats-server. Otherwise: says how to get it and fails.
# With --print-path, prints only the binary's path (the benchmarks start it from there).
set -euo pipefail

print_path=false
[[ "${1:-}" == "--print-path" ]] && print_path=true

report() {
  if $print_path; then echo "$1"; else echo "nats-server: $1 ($("$1" --version 2>/dev/null || echo 'version unknown'))"; fi
}

find_server() {
  if [[ -n "${NATS_SERVER:-}" && -x "${NATS_SERVER}" ]]; then echo "${NATS_SERVER}"; return 0; fi
  if command -v nats-server >/dev/null 2>&1; then command -v nats-server; return 0; fi
  for candidate in /usr/sbin/nats-server /usr/bin/nats-server; do
    if [[ -x "$candidate" ]]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if found=$(find_server); then
  report "$found"
  exit 0
fi

if [[ -n "${NATS_SERVER:-}" ]]; then
  echo "NATS_SERVER=${NATS_SERVER} is not an executable file" >&2
fi

if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "nats-server not found; installing Debian's nats-server with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q nats-server >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q nats-server >/dev/null
  fi
  if found=$(find_server); then
    report "$found"
    exit 0
  fi
fi

cat >&2 <<'MSG'
The tests need a nats-server binary and none was found ($NATS_SERVER, PATH, /usr/sbin, /usr/bin).
Get one, then run the tests again:
  Debian/Ubuntu:  sudo apt-get install nats-server
  macOS:          brew install nats-server
  any system:     a release binary from the nats-server project, then export NATS_SERVER=/path/to/nats-server
MSG
exit 1
