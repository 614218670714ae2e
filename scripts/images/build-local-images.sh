#!/usr/bin/env bash
# Build the container images MailDock's tests and CI use on a machine with no registry.
#
# Usage: sudo scripts/images/build-local-images.sh [--force] [--only base,node,rabbitmq,catcher]
#
#   maildock/debian-base:local  debootstrap --variant=minbase bookworm, mirror from the apt sources
#   maildock/node:local         base + this host's node binary + ca-certificates, user node 1000:1000
#   maildock/rabbitmq:local     base + Debian rabbitmq-server + management plugin, behaves like
#                               rabbitmq:3-management (RABBITMQ_DEFAULT_USER/PASS/VHOST, 5672/15672);
#                               only the plugins it runs are kept and its boot module loads their
#                               modules in one batch (rabbitmq/maildock_boot.erl): it boots faster
#   maildock/catcher:local      resources/stack/catcher (Mailpit-compatible SMTP catcher) on node
#
# Needs: root (debootstrap, chroot), a running Docker engine, debootstrap, network access to the
# Debian mirror, and `npm ci` done in the repo (the catcher is bundled with esbuild).
# It never installs or starts Docker.
#
# Timing (2 cores): cold about 1 min on an idle machine, 3-4 min under heavy load (debootstrap and
# apt dominate); a warm re-run with nothing to do about 1 s.
#
# Idempotent: an image that exists is skipped unless --force, except when what it was built from
# changed (host node version for node, recipe label for rabbitmq, source hash for catcher).
#
# Environment:
#   MAILDOCK_IMAGE_CACHE   cache dir for the base rootfs tarball (/var/cache/maildock-images)
#   MAILDOCK_DEBIAN_MIRROR Debian mirror (default: first bookworm URI in the apt sources)
#   MAILDOCK_DEBIAN_SECURITY_MIRROR  likewise for bookworm-security
#   MAILDOCK_IMAGE_PREFIX  image name prefix (default: maildock)
set -Eeuo pipefail

readonly SUITE=bookworm
readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly IMAGES_DIR="$REPO_ROOT/scripts/images"
readonly CACHE_DIR="${MAILDOCK_IMAGE_CACHE:-/var/cache/maildock-images}"
readonly PREFIX="${MAILDOCK_IMAGE_PREFIX:-maildock}"
readonly BASE_IMAGE="$PREFIX/debian-base:local"
readonly NODE_IMAGE="$PREFIX/node:local"
readonly RABBITMQ_IMAGE="$PREFIX/rabbitmq:local"
readonly CATCHER_IMAGE="$PREFIX/catcher:local"
readonly BASE_TARBALL="$CACHE_DIR/debian-$SUITE-minbase.tar"
# Bumped when the rabbitmq image's recipe changes, so an existing image is rebuilt.
readonly RABBITMQ_RECIPE=3-preloaded-modules
# Where the rabbitmq image keeps its boot module (maildock_boot.beam), on the server's code path.
readonly RABBITMQ_BOOT_DIR=/usr/lib/rabbitmq/maildock
readonly DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

FORCE=0
ONLY=base,node,rabbitmq,catcher
WORK_DIR=''
SCRIPT_START=$SECONDS

log() { printf '[build-local-images %s] %s\n' "$(date +%T)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

usage() {
  sed -n '2,/^set -/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

parse_args() {
  while (($#)); do
    case "$1" in
      --force) FORCE=1 ;;
      --only)
        [[ $# -ge 2 ]] || die '--only needs a list, e.g. --only node,rabbitmq'
        ONLY="$2"
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown argument: $1 (see --help)" ;;
    esac
    shift
  done
}

wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# An existing image is kept unless --force; callers add their own "built from the same input" check.
should_skip() { ((FORCE == 0)) && image_exists "$1"; }

image_env() { docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null; }

image_label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null; }

preflight() {
  [[ $EUID -eq 0 ]] || die "must run as root (debootstrap and chroot need it): sudo $0"
  command -v docker >/dev/null || die 'docker CLI not found (install docker.io; this script does not)'
  docker info >/dev/null 2>&1 || die 'Docker engine not reachable (start dockerd first)'
  command -v debootstrap >/dev/null || die 'debootstrap not found (apt-get install debootstrap)'
  mkdir -p "$CACHE_DIR"
}

# First URI in the host's apt sources (sources.list or deb822 *.sources) that serves `suite`.
host_apt_uri() {
  local suite="$1" file uri
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$file" ]] || continue
    uri="$(awk -v s="$suite" '$1 == "deb" {
        for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { if ($(i + 1) == s) { print $i; exit } break } }' \
      "$file")"
    [[ -n "$uri" ]] && echo "$uri" && return
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] || continue
    uri="$(awk -v s="$suite" '
        function check() { if (!found && uri != "" && (" " suites " ") ~ (" " s " ")) { found = 1; print uri; exit } }
        /^[[:space:]]*$/ { check(); uri = ""; suites = "" }
        /^URIs:/ { uri = $2 }
        /^Suites:/ { $1 = ""; suites = $0 }
        END { check() }' "$file")"
    [[ -n "$uri" ]] && echo "$uri" && return
  done
  return 0
}

detect_mirror() {
  local uri="${MAILDOCK_DEBIAN_MIRROR:-$(host_apt_uri "$SUITE")}"
  echo "${uri:-http://deb.debian.org/debian}"
}

detect_security_mirror() {
  local uri="${MAILDOCK_DEBIAN_SECURITY_MIRROR:-$(host_apt_uri "$SUITE-security")}"
  echo "${uri:-http://deb.debian.org/debian-security}"
}

new_rootfs() {
  local name="$1" dir
  dir="$WORK_DIR/$name"
  mkdir -p "$dir"
  tar -C "$dir" --numeric-owner -xpf "$BASE_TARBALL"
  echo "$dir"
}

# proc is the only mount a chroot gets; cleanup unmounts it before anything is deleted.
chroot_run() {
  local rootfs="$1"
  shift
  mountpoint -q "$rootfs/proc" || mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" /usr/bin/env -i PATH="$DEFAULT_PATH" HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

unmount_all_under() {
  local dir="$1" mnt
  [[ -d "$dir" ]] || return 0
  # Deepest first.
  for mnt in $(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$mnt" || log "warning: could not unmount $mnt"
  done
}

cleanup() {
  if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
    unmount_all_under "$WORK_DIR"
    rm -rf --one-file-system "$WORK_DIR"
  fi
}

# Runs apt-get in the chroot with services kept from starting; leaves no package lists behind.
apt_in() {
  local rootfs="$1"
  shift
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  chroot_run "$rootfs" apt-get update -qq
  chroot_run "$rootfs" apt-get "$@" >"$WORK_DIR/apt.log" 2>&1 ||
    {
      tail -n 30 "$WORK_DIR/apt.log" >&2
      die "apt-get $* failed"
    }
  chroot_run "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs/usr/sbin/policy-rc.d"
}

apt_install_in() {
  local rootfs="$1"
  shift
  apt_in "$rootfs" install -y -qq --no-install-recommends "$@"
}

apt_upgrade_in() { apt_in "$1" -y -qq upgrade; }

finish_rootfs() {
  local rootfs="$1"
  umount "$rootfs/proc" 2>/dev/null || true
  : >"$rootfs/etc/resolv.conf"
  rm -rf "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old
}

remove_if_replaced() {
  local image="$1" previous="$2"
  if [[ -n "$previous" && "$(docker image inspect -f '{{.Id}}' "$image")" != "$previous" ]]; then
    docker image rm "$previous" >/dev/null 2>&1 || log "kept the previous $image ($previous): containers or images still use it"
  fi
}

import_rootfs() {
  local rootfs="$1" image="$2"
  shift 2
  local changes=() change
  for change in "$@"; do changes+=(--change "$change"); done
  local previous
  previous="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  log "importing $image"
  tar -C "$rootfs" --numeric-owner -c . | docker import "${changes[@]}" - "$image" >/dev/null
  remove_if_replaced "$image" "$previous"
  log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

build_base_tarball() {
  if [[ -f "$BASE_TARBALL" ]] && ! (wanted base && ((FORCE))); then
    log "base rootfs cached: $BASE_TARBALL"
    return
  fi
  local mirror rootfs start=$SECONDS
  mirror="$(detect_mirror)"
  rootfs="$WORK_DIR/debootstrap"
  log "debootstrap --variant=minbase $SUITE from $mirror (about 25-60 s)"
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$WORK_DIR/debootstrap.log" 2>&1 ||
    {
      tail -n 30 "$WORK_DIR/debootstrap.log" >&2
      die 'debootstrap failed'
    }
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
    "$mirror" "$SUITE" "$mirror" "$SUITE" "$(detect_security_mirror)" "$SUITE" \
    >"$rootfs/etc/apt/sources.list"
  log "applying $SUITE-updates and $SUITE-security"
  apt_upgrade_in "$rootfs"
  # Like the official debian image: no package lists, no cached .debs.
  rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  finish_rootfs "$rootfs"
  tar -C "$rootfs" --numeric-owner -cf "$BASE_TARBALL.tmp" .
  mv "$BASE_TARBALL.tmp" "$BASE_TARBALL"
  rm -rf --one-file-system "$rootfs"
  log "base rootfs cached in $((SECONDS - start)) s: $BASE_TARBALL"
}

build_base_image() {
  if should_skip "$BASE_IMAGE"; then
    log "skip $BASE_IMAGE (exists)"
    return
  fi
  local previous
  previous="$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || true)"
  log "importing $BASE_IMAGE"
  docker import --change "ENV PATH=$DEFAULT_PATH" --change 'CMD ["bash"]' - "$BASE_IMAGE" \
    <"$BASE_TARBALL" >/dev/null
  remove_if_replaced "$BASE_IMAGE" "$previous"
  log "built $BASE_IMAGE"
}

# Copies every shared library node needs that the rootfs does not already have.
copy_missing_libs() {
  local rootfs="$1" binary="$2" lib
  for lib in $(ldd "$binary" | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }'); do
    if [[ ! -e "$rootfs$lib" ]]; then
      log "  adding $lib from host"
      mkdir -p "$rootfs$(dirname "$lib")"
      cp -L "$lib" "$rootfs$lib"
    fi
  done
}

build_node_image() {
  local host_node version rootfs start=$SECONDS
  host_node="$(command -v node)" || die 'node not found on this host'
  host_node="$(readlink -f "$host_node")"
  version="$("$host_node" --version)"
  if should_skip "$NODE_IMAGE" && image_env "$NODE_IMAGE" | grep -qx "NODE_VERSION=$version"; then
    log "skip $NODE_IMAGE (exists, node $version)"
    return
  fi
  log "building $NODE_IMAGE with host node $version"
  rootfs="$(new_rootfs node)"
  apt_install_in "$rootfs" ca-certificates
  install -m 755 "$host_node" "$rootfs/usr/local/bin/node"
  copy_missing_libs "$rootfs" "$host_node"
  chroot_run "$rootfs" groupadd --gid 1000 node
  chroot_run "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  finish_rootfs "$rootfs"
  import_rootfs "$rootfs" "$NODE_IMAGE" \
    "ENV PATH=$DEFAULT_PATH" "ENV NODE_VERSION=$version" 'CMD ["node"]'
  rm -rf --one-file-system "$rootfs"
  docker run --rm --user 1000:1000 --label maildock.test=1 "$NODE_IMAGE" \
    node -e 'require("https"); if (process.getuid() !== 1000) process.exit(1)' ||
    die "$NODE_IMAGE cannot run node as 1000:1000"
  log "$NODE_IMAGE took $((SECONDS - start)) s"
}

# The applications rabbit and the enabled plugins need, from their .app files (name-version).
rabbitmq_plugin_closure() {
  local plugins="$1" app dir deps
  local -a queue
  local -A seen=()
  read -r -a queue <<<"rabbit $(tr -d '[].\n' <"$2" | tr ',' ' ')"
  while ((${#queue[@]})); do
    app="${queue[0]}"
    queue=("${queue[@]:1}")
    [[ -z "${seen[$app]:-}" ]] || continue
    seen[$app]=1
    dir="$(compgen -G "$plugins/$app-*" | head -n 1)" || continue
    basename "$dir"
    deps="$(tr -d ' \n' <"$dir/ebin/$app.app" |
      grep -oE '\{(included_)?applications,\[[^]]*\]' | sed 's/.*\[//; s/\]//; s/,/ /g')" || true
    read -r -a deps <<<"$deps"
    queue+=("${deps[@]}")
  done
}

# Keeps only the plugins rabbit and the enabled ones need (26 of 71): at boot RabbitMQ parses the
# configuration schema of every plugin in the folder and puts each on the code path, which every
# module load then searches. Alone on 2 busy cores the broker was ready in 9.4-10.2 s (7.4-8.0 s of
# CPU) with all 71, 6.8-7.2 s (5.4-5.7 s CPU) with these, same run, 3 boots each.
trim_rabbitmq_plugins() {
  local rootfs="$1" plugins keep dir
  plugins="$(compgen -G "$rootfs/usr/lib/rabbitmq/lib/rabbitmq_server-*/plugins")" ||
    die 'rabbitmq plugins folder not found'
  keep=" $(rabbitmq_plugin_closure "$plugins" "$rootfs/etc/rabbitmq/enabled_plugins" | tr '\n' ' ') "
  [[ "$keep" == *" rabbitmq_management-"* ]] || die "plugin closure misses rabbitmq_management: $keep"
  for dir in "$plugins"/*/; do
    dir="${dir%/}"
    [[ "$keep" == *" $(basename "$dir") "* ]] || rm -rf "$dir"
  done
  log "kept $(wc -w <<<"$keep") plugins: $keep"
}

build_rabbitmq_image() {
  local rootfs start=$SECONDS
  if should_skip "$RABBITMQ_IMAGE" &&
    [[ "$(image_label "$RABBITMQ_IMAGE" maildock.recipe)" == "$RABBITMQ_RECIPE" ]]; then
    log "skip $RABBITMQ_IMAGE (exists, recipe $RABBITMQ_RECIPE)"
    return
  fi
  log "building $RABBITMQ_IMAGE (apt-get install rabbitmq-server in a chroot)"
  rootfs="$(new_rootfs rabbitmq)"
  apt_install_in "$rootfs" rabbitmq-server
  chroot_run "$rootfs" rabbitmq-plugins --offline enable rabbitmq_management >/dev/null
  trim_rabbitmq_plugins "$rootfs"
  mkdir -p "$rootfs/etc/rabbitmq/conf.d"
  install -m 644 "$IMAGES_DIR/rabbitmq/10-defaults.conf" "$rootfs/etc/rabbitmq/conf.d/10-defaults.conf"
  install -m 755 "$IMAGES_DIR/rabbitmq/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
  install -D -m 644 "$IMAGES_DIR/rabbitmq/maildock_boot.erl" "$rootfs/tmp/maildock_boot.erl"
  mkdir -p "$rootfs$RABBITMQ_BOOT_DIR"
  chroot_run "$rootfs" erlc -o "$RABBITMQ_BOOT_DIR" /tmp/maildock_boot.erl
  rm -f "$rootfs/tmp/maildock_boot.erl"
  # The entrypoint rewrites 20-default-user.conf from env; a leftover Erlang cookie must not ship.
  rm -f "$rootfs/var/lib/rabbitmq/.erlang.cookie"
  rm -rf "$rootfs"/var/lib/rabbitmq/mnesia "$rootfs"/var/log/rabbitmq/*
  finish_rootfs "$rootfs"
  import_rootfs "$rootfs" "$RABBITMQ_IMAGE" \
    "ENV PATH=$DEFAULT_PATH" 'ENV LANG=C.UTF-8' 'ENV LC_ALL=C.UTF-8' \
    'ENV RABBITMQ_DATA_DIR=/var/lib/rabbitmq' 'ENV HOME=/var/lib/rabbitmq' \
    "ENV RABBITMQ_BOOT_MODULE=maildock_boot" "ENV RABBITMQ_SERVER_CODE_PATH=$RABBITMQ_BOOT_DIR" \
    'VOLUME /var/lib/rabbitmq' 'EXPOSE 4369 5671 5672 15671 15672 25672' \
    'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["rabbitmq-server"]' \
    "LABEL maildock.recipe=$RABBITMQ_RECIPE"
  rm -rf --one-file-system "$rootfs"
  verify_rabbitmq_image
  log "$RABBITMQ_IMAGE took $((SECONDS - start)) s"
}

# Bundles first (esbuild, about a second), then rebuilds only if the bundle, the Dockerfile or
# the node base changed since the image was built.
build_catcher_image() {
  local context="$REPO_ROOT/resources/stack/catcher" hash start=$SECONDS
  [[ -d "$REPO_ROOT/node_modules/esbuild" ]] || die "esbuild missing: run 'npm ci' in $REPO_ROOT first"
  image_exists "$NODE_IMAGE" || die "$NODE_IMAGE missing: build it first (--only node)"
  log "bundling the catcher"
  (cd "$REPO_ROOT" && node resources/stack/catcher/build.mjs) >/dev/null
  hash="$(cat "$context/Dockerfile" "$context/.dockerignore" "$context/dist/index.js" \
    "$context/dist/package.json" <(docker image inspect -f '{{.Id}}' "$NODE_IMAGE") |
    sha256sum | cut -c1-16)"
  if should_skip "$CATCHER_IMAGE" && [[ "$(image_label "$CATCHER_IMAGE" maildock.source-hash)" == "$hash" ]]; then
    log "skip $CATCHER_IMAGE (exists, sources unchanged)"
    return
  fi
  local previous
  previous="$(docker image inspect -f '{{.Id}}' "$CATCHER_IMAGE" 2>/dev/null || true)"
  log "docker build $CATCHER_IMAGE on $NODE_IMAGE"
  DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$NODE_IMAGE" \
    --label "maildock.source-hash=$hash" -t "$CATCHER_IMAGE" "$context" >"$WORK_DIR/catcher.log" 2>&1 ||
    {
      tail -n 30 "$WORK_DIR/catcher.log" >&2
      die "docker build $CATCHER_IMAGE failed"
    }
  remove_if_replaced "$CATCHER_IMAGE" "$previous"
  log "built $CATCHER_IMAGE in $((SECONDS - start)) s"
}

# Boots the broker once with a custom default user, the way the stack and tests use it.
verify_rabbitmq_image() {
  local name="maildock-images-verify-$$" start=$SECONDS
  log "verifying $RABBITMQ_IMAGE boots through its boot module and honours RABBITMQ_DEFAULT_USER"
  docker run -d --rm --name "$name" --label maildock.test=1 \
    -e RABBITMQ_DEFAULT_USER=verify -e RABBITMQ_DEFAULT_PASS=verify "$RABBITMQ_IMAGE" >/dev/null
  until docker exec "$name" rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1; do
    if ((SECONDS - start > 120)); then
      docker logs --tail 40 "$name" >&2 || true
      docker rm -f -v "$name" >/dev/null 2>&1 || true
      die "$RABBITMQ_IMAGE did not become ready in 120 s"
    fi
    sleep 1
  done
  if ! docker exec "$name" rabbitmqctl -q list_users | grep -q '^verify'; then
    docker rm -f -v "$name" >/dev/null
    die "$RABBITMQ_IMAGE did not create RABBITMQ_DEFAULT_USER"
  fi
  if [[ "$(docker exec "$name" rabbitmqctl -q eval 'erlang:module_loaded(maildock_boot).')" != true ]]; then
    docker rm -f -v "$name" >/dev/null
    die "$RABBITMQ_IMAGE did not boot through maildock_boot"
  fi
  docker rm -f -v "$name" >/dev/null
  log "$RABBITMQ_IMAGE ready in $((SECONDS - start)) s"
}

main() {
  parse_args "$@"
  preflight
  exec 9>"$CACHE_DIR/.lock"
  flock 9 || die "cannot lock $CACHE_DIR/.lock"
  WORK_DIR="$(mktemp -d "$CACHE_DIR/work.XXXXXX")"
  trap cleanup EXIT
  trap 'log "ERROR: line $LINENO: \"$BASH_COMMAND\" failed"' ERR
  trap 'die "interrupted"' INT TERM

  if wanted base || wanted node || wanted rabbitmq; then build_base_tarball; fi
  if wanted base; then build_base_image; fi
  if wanted node; then build_node_image; fi
  if wanted rabbitmq; then build_rabbitmq_image; fi
  if wanted catcher; then build_catcher_image; fi
  log "done in $((SECONDS - SCRIPT_START)) s"
}

main "$@"
