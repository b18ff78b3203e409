#!/usr/bin/env bash
# Provision a real Docker engine, Compose v2, HAProxy and the local images lab's tests use,
# on a fresh Debian 12 machine with no container registry. Idempotent: each step is skipped
# when its result is already there. Steps follow ../shared/notes/docker-on-these-machines.md.
set -euo pipefail
log() { printf '[provision] %s\n' "$*" >&2; }
t0=$(date +%s)

# 1. Packages: the engine (docker.io), HAProxy for `haproxy -c` checks, debootstrap for images.
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v haproxy >/dev/null || need+=(haproxy)
command -v debootstrap >/dev/null || need+=(debootstrap)
# e2e: the ssh:// fleet test runs its own sshd on a free 127.0.0.1 port (brings openssh-client too)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
# The demo app's sessions in Redis (the stateless lesson): its tests start their own redis-server.
command -v redis-server >/dev/null || need+=(redis-server)
# The swarm e2e test's harness (tests/swarm/harness.sh): network namespaces and veths (ip),
# and nsenter/unshare to start one dockerd per namespace. Both are in Debian's base system;
# a slimmed image may lack them.
command -v ip >/dev/null || need+=(iproute2)
command -v nsenter >/dev/null || need+=(util-linux)
# lab top's e2e test drives it in a pseudo-terminal.
command -v tmux >/dev/null || need+=(tmux)
# The HTML report's browser test opens it in Debian's headless Chromium (no download, no npm
# package); a Japanese font so ja titles render in its screenshot instead of boxes.
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/opentype/ipafont-gothic ] || need+=(fonts-ipafont-gothic)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  # policy-rc.d exit 101: packages must not start their services (no sshd on port 22, no
  # dockerd through an init script); this script starts what the tests need itself.
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

# 2. Engine: systemd is not running here, so start dockerd ourselves.
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  (dockerd >/var/log/dockerd.log 2>&1 &)
  for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { tail -n 30 /var/log/dockerd.log >&2; exit 1; }
fi

mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)

# 3. Compose v2: bookworm ships only v1; take the single Go binary from trixie's package.
plugin=/usr/libexec/docker/cli-plugins/docker-compose
if ! docker compose version >/dev/null 2>&1; then
  log "installing Compose v2 from trixie's docker-compose package"
  d=/tmp/lab-trixie
  mkdir -p $d/lists $d/cache/archives/partial
  echo "deb $mirror trixie main" > $d/sources.list
  o="-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache"
  apt-get $o update -qq
  (cd $d && apt-get $o download docker-compose >/dev/null)
  dpkg -x $d/docker-compose_*.deb $d/x
  install -D $d/x/usr/libexec/docker/cli-plugins/docker-compose $plugin
fi

# 4. Local base images, built from Debian's packages (no registry). Each rootfs is cached
#    as a tarball under LAB_IMAGE_CACHE so a second run on the same machine takes seconds.
cache=${LAB_IMAGE_CACHE:-/var/cache/lab-images}
mkdir -p "$cache"
build_image() { # tag include cmd
  local tag=$1 include=$2 cmd=$3 tar="$cache/$(echo "$1" | tr '/:' '__').tar"
  docker image inspect "$tag" >/dev/null 2>&1 && return 0
  if [ ! -s "$tar" ]; then
    log "debootstrap $tag (--include=$include)"
    local root; root=$(mktemp -d /tmp/lab-rootfs.XXXX)
    debootstrap --variant=minbase --include="$include" trixie "$root" "$mirror" >/dev/null
    mkdir -p "$root/usr/local/etc/haproxy"
    rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
    tar -C "$root" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$root"
  fi
  log "docker import $tag"
  docker import -c "CMD $cmd" "$tar" "$tag" >/dev/null
}
build_image lab-local/haproxy:3.0 haproxy '["haproxy","-W","-db","-f","/usr/local/etc/haproxy/haproxy.cfg"]' &
build_image lab-local/node:20 nodejs '["node"]' &
# Lab 06's session store (its lab file names redis:7-alpine; trixie ships Redis 8.0, which
# speaks the same INCR/EXPIRE/GET the demo app uses): reachable from the lab network, nothing
# written to disk, no password (the lab network is the lab's own).
build_image lab-local/redis:8 redis-server '["redis-server","--bind","0.0.0.0","--protected-mode","no","--save","","--appendonly","no"]' &
wait

docker compose version >&2
# Read all of it: `| head -1` would close the pipe early and, under pipefail, fail the step.
haproxy_version=$(docker run --rm --network none lab-local/haproxy:3.0 haproxy -v)
echo "${haproxy_version%%$'\n'*}" >&2
log "ready in $(( $(date +%s) - t0 )) s"
