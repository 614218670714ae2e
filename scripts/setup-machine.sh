#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine to run MailDock's tests (run as root or with sudo):
# Debian's Docker engine (started if not running), Chromium for the browser tests, the real
# protocol peers the tests use, the npm packages, and the locally built images that stand in
# for registry images on machines without a registry. Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

# postfix only for its smtp-source and smtp-sink (bench/'s SMTP load and sink): installed unconfigured, never started.
packages=(docker.io iproute2 chromium debootstrap docker-registry docker-compose swaks amqp-tools ca-certificates postfix)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  (dockerd >/var/log/maildock-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/maildock-dockerd.log" >&2; exit 1; }
fi
echo "setup: Docker engine $(docker version --format '{{.Server.Version}}')"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

bash scripts/images/build-local-images.sh
