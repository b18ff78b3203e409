#!/usr/bin/env bash
# Podman beside Docker, for the e2e tests that run labs on Podman's Docker-compatible API
# (tests/e2e/podman.test.ts), on a Debian 12 machine as root with no registry. Idempotent.
# Its own storage (/var/lib/containers) and its own socket, so the two engines never share a
# container. The machine's own containers.conf is left alone: the service reads lab's file
# through CONTAINERS_CONF.
set -euo pipefail
log() { printf '[podman] %s\n' "$*" >&2; }
t0=$(date +%s)
sock=/run/podman/podman.sock
conf=/etc/lab/podman-containers.conf

# 1. Debian 12's Podman 4.3 with netavark and aardvark-dns: the network backend whose DNS
#    answers on the network's gateway (HAProxy reads it from resolv.conf). runc comes with
#    docker.io: crun 1.8 refuses this machine's hybrid cgroups.
need=()
command -v podman >/dev/null || need+=(podman)
[ -x /usr/lib/podman/netavark ] || need+=(netavark)
[ -x /usr/lib/podman/aardvark-dns ] || need+=(aardvark-dns)
command -v runc >/dev/null || need+=(runc)
if [ ${#need[@]} -gt 0 ]; then
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" conmon uidmap >/dev/null
fi

# 2. lab's settings for the service: no systemd here (cgroupfs, events to a file), runc, and
#    rlimits within this machine's: rootful Podman asks for nofile 1048576 and nproc 4194304,
#    which the sandbox refuses ("setrlimit: Operation not permitted").
nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] || [ "$nofile" -gt 20000 ] && nofile=20000
nproc=$(ulimit -Hu); [ "$nproc" = unlimited ] || [ "$nproc" -gt 20000 ] && nproc=20000
mkdir -p "$(dirname "$conf")"
cat >"$conf" <<CONF
# Written by .ci/provision-podman.sh for lab's tests; read through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
CONF

# 3. The API service on its socket.
answers() { DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; }
if ! answers; then
  log "starting podman system service on $sock"
  mkdir -p "$(dirname "$sock")"
  # From /: conmon inherits the service's working directory and fails every container start
  # ("write child: broken pipe", "[conmon:e] Failed to get working directory") once that
  # directory is deleted, e.g. the clone of an earlier CI run on the same machine.
  (cd / && CONTAINERS_CONF=$conf podman system service --time=0 "unix://$sock" >/var/log/podman-service.log 2>&1 &)
  for _ in $(seq 50); do answers && break; sleep 0.2; done
  answers || { tail -n 30 /var/log/podman-service.log >&2; exit 1; }
fi

# 4. The local images, copied from Docker's (no registry): Podman names them localhost/<name>,
#    and finds them by the names lab uses.
images=(lab-local/haproxy:3.0 lab-local/node:20 lab-local/redis:8)
missing=()
for i in "${images[@]}"; do CONTAINERS_CONF=$conf podman image exists "$i" || missing+=("$i"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "copying ${missing[*]} from Docker"
  docker save "${missing[@]}" | CONTAINERS_CONF=$conf podman load -q >/dev/null
fi
log "Podman $(podman version --format '{{.Server.Version}}' 2>/dev/null || podman --version) on $sock, ready in $(( $(date +%s) - t0 )) s"
