#!/usr/bin/env bash
# A 3-node Docker Swarm on this one machine, for lab's swarm e2e test (and by hand).
# Adapted from the proven reference ../shared/notes/swarm-on-one-machine/recipe.sh.
#
#   harness.sh up              3 dockerds, each in its own network namespace, joined as a
#                              3-manager swarm, node labels zone=a/b/c; prints the manager's host
#   harness.sh images [--manager] IMG...   docker save IMG... from the default engine (read
#                              only), docker load into every node in parallel (--manager: n1 only)
#   harness.sh crash I         crash node I as a power cut would: its link down first (the others
#                              get no RST, only silence), then every process of it SIGKILLed; its
#                              data stays, so `revive` brings the same node back
#   harness.sh revive I        link up, start node I's dockerd again: it rejoins the swarm itself
#   harness.sh down            kill every process of the nodes by PID, delete the namespaces
#   harness.sh host            the manager's DOCKER_HOST (unix:///run/<prefix>-n1.sock); node
#                              nI's engine is unix:///run/<prefix>-nI.sock (its hostname is nI)
# env: LAB_SWARM_PREFIX (labsw), LAB_SWARM_BASE (/tmp/<prefix>), LAB_SWARM_NET (10.231.0)
#
# Layout: netns <p>-sw holds bridge br0 (the "switch"); veth <p>-h gives this machine
# <net>.1/24 on it (the test's client side); node I lives in netns <p>-nI with eth0 =
# <net>.(10+I)/24 and NO default route, so nothing a node runs can reach any other address.
#
# Rules this keeps (the project's charter): the machine's default engine is never touched
# (only `docker save` reads from it); no `swarm init` on it, no restart, no --bridge none
# (that would delete docker0); addresses only inside namespaces made here; only PIDs started
# here are killed; `up` tears everything down again when any step fails.
set -euo pipefail

P=${LAB_SWARM_PREFIX:-labsw}
N=3
NET=${LAB_SWARM_NET:-10.231.0}
POOL=10.232.0.0/16       # the swarm's overlay subnets. Swarm's default is 10.0.0.0/8, which
                         # would shadow any 10.x network of the machine: always set it.
LOCALPOOL=10.234.0.0/16  # the nodes' local bridges (docker_gwbridge, ...)
BASE=${LAB_SWARM_BASE:-/tmp/$P}
ZONES=(- a b c)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
log()  { echo "[swarm-harness] $*" >&2; }
sock() { echo "unix:///run/$P-n$1.sock"; }
# A partitioned or dying manager's CLI can hang for minutes: every call has a timeout.
dk()   { local i=$1; shift; timeout 60 docker -H "$(sock "$i")" "$@"; }

net_up() {
  # Another network on $NET.0/24 (an engine's bridge, say) would take the nodes' traffic.
  local clash
  clash=$(ip -4 route show match "$NET.1" | grep -v '^default' || true)
  if [ -n "$clash" ]; then log "$NET.0/24 is already routed on this machine: $clash"; return 1; fi
  ip netns add "$P-sw"
  ip -n "$P-sw" link set lo up
  ip -n "$P-sw" link add br0 type bridge
  ip -n "$P-sw" link set br0 up
  # The switch lives in its own namespace: the host's iptables, br_netfilter and FORWARD=DROP
  # policy never see node-to-node traffic. (Never name a veth "h": `ip link set h` means help.)
  ip link add "$P-h" type veth peer name uplink netns "$P-sw"
  ip -n "$P-sw" link set uplink master br0 up
  ip addr add "$NET.1/24" dev "$P-h"
  ip link set "$P-h" up
  for i in $(seq 1 $N); do
    ip netns add "$P-n$i"
    ip -n "$P-n$i" link set lo up
    ip -n "$P-sw" link add "p$i" type veth peer name eth0 netns "$P-n$i"
    ip -n "$P-sw" link set "p$i" master br0 up
    ip -n "$P-n$i" addr add "$NET.$((10 + i))/24" dev eth0
    ip -n "$P-n$i" link set eth0 up
  done
}

node_start() {
  local i=$1 D=$BASE/n$1 X=/run/$P-n$1
  mkdir -p "$D/data" "$X"
  echo '{}' >"$D/daemon.json" # never read the host's /etc/docker/daemon.json
  # nsenter --net + unshare, not `ip netns exec`: that remounts /sys and hides the cgroup
  # mounts dockerd needs. Private tmpfs over /run/containerd (else every node would share the
  # host's containerd socket) and /etc/docker (else all nodes share one key.json, one engine ID).
  # DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1: the swarm agent uses the loaded image and does not
  # try a registry first (there is none).
  setsid nsenter --net="/run/netns/$P-n$i" -- \
    unshare --mount --uts --propagation private -- \
    env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 sh -c '
      set -e
      hostname "n$1"
      mount -t tmpfs -o size=16m tmpfs /run/containerd
      mount -t tmpfs -o size=16m tmpfs /etc/docker
      mkdir -p "$2/cg"; mount --rbind /sys/fs/cgroup "$2/cg"
      mount -t sysfs sysfs /sys; mount --move "$2/cg" /sys/fs/cgroup
      exec dockerd --config-file "$3/daemon.json" --data-root "$3/data" --exec-root "$2" \
        --pidfile "$2.pid" -H "unix://$2.sock" --bip "10.233.$1.1/24" \
        --default-address-pool "base=$4,size=24" --cgroup-parent "/$5-n$1" --log-level warn
    ' sh "$i" "$X" "$D" "$LOCALPOOL" "$P" >"$D/dockerd.log" 2>&1 </dev/null &
}

wait_sock() {
  local k
  for k in $(seq 1 300); do dk "$1" version >/dev/null 2>&1 && return 0; sleep 0.1; done
  log "n$1's dockerd did not start:"; tail -n 20 "$BASE/n$1/dockerd.log" >&2; return 1
}

# Every process of node I: members of its network namespace (dockerd, containerd, shims,
# docker-proxy) and of its containers' cgroups. All of them descend from what node_start ran.
node_pids() {
  { ip netns pids "$P-n$1" 2>/dev/null || true
    cat /sys/fs/cgroup/pids/"$P-n$1"/*/cgroup.procs 2>/dev/null || true; } | sort -un
}

node_kill() {
  local i=$1 k pids
  for k in $(seq 1 50); do
    pids=$(node_pids "$i"); [ -z "$pids" ] && break
    # shellcheck disable=SC2086 # one PID per word
    kill -9 $pids 2>/dev/null || true; sleep 0.1
  done
  [ -z "$(node_pids "$i")" ] || log "WARN: n$i still has processes: $(node_pids "$i" | tr '\n' ' ')"
  find /sys/fs/cgroup/*/"$P-n$i" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  rm -rf "/run/$P-n$i" "/run/$P-n$i.sock" "/run/$P-n$i.pid"
}

cmd_down() {
  local t0 i; t0=$(now_ms)
  for i in $(seq 1 $N); do node_kill "$i" & done
  wait
  log "nodes killed in $(( $(now_ms) - t0 )) ms"
  for i in $(seq 1 $N); do ip netns del "$P-n$i" 2>/dev/null || true; done
  ip netns del "$P-sw" 2>/dev/null || true
  ip link del "$P-h" 2>/dev/null || true
  # The nodes' mounts lived in their own mount namespaces, gone with their processes.
  log "namespaces deleted in $(( $(now_ms) - t0 )) ms"
  if grep -qs "$BASE/" /proc/[0-9]*/mountinfo; then log "WARN: mounts under $BASE still exist"; fi
  # Our tmpfs (its source is named after the prefix): unmounting frees it at once.
  if grep -qs "^$P-data $BASE tmpfs" /proc/mounts; then umount "$BASE" || log "WARN: could not unmount $BASE"; fi
  rm -rf "$BASE"
  log "down in $(( $(now_ms) - t0 )) ms"
}

node_index() {
  case "${1:-}" in [1-9]) [ "$1" -le $N ] && return 0 ;; esac
  log "no node '${1:-}': give 1..$N"; return 2
}

cmd_crash() {
  local t0; t0=$(now_ms); node_index "$1"
  [ -e "/run/netns/$P-n$1" ] || { log "no swarm named $P is up"; return 1; }
  ip -n "$P-sw" link set "p$1" down
  node_kill "$1"
  log "n$1 crashed (link down, processes killed) in $(( $(now_ms) - t0 )) ms"
}

cmd_revive() {
  local t0; t0=$(now_ms); node_index "$1"
  [ -z "$(node_pids "$1")" ] || { log "n$1 is running: crash it first"; return 1; }
  ip -n "$P-sw" link set "p$1" up
  node_start "$1"
  wait_sock "$1"
  log "n$1 revived (its dockerd answers; it rejoins the swarm by itself) in $(( $(now_ms) - t0 )) ms"
}

cmd_up() {
  local t0 i mt id; t0=$(now_ms)
  if [ -e "/run/netns/$P-sw" ]; then log "a swarm named $P is up already (harness.sh down removes it)"; return 1; fi
  trap 'log "bring-up failed: tearing down"; cmd_down' ERR
  mkdir -p "$BASE"
  # The nodes' data roots in memory (~0.4 GB per node with lab's images): loading images and
  # removing them at teardown take seconds instead of the tens a busy disk needs.
  mount -t tmpfs -o size=4g,mode=0700 "$P-data" "$BASE"
  net_up
  for i in $(seq 1 $N); do node_start "$i"; done
  for i in $(seq 1 $N); do wait_sock "$i"; done
  dk 1 swarm init --advertise-addr "$NET.11" --listen-addr "$NET.11:2377" --data-path-addr "$NET.11" \
    --default-addr-pool "$POOL" --default-addr-pool-mask-length 24 >/dev/null
  mt=$(dk 1 swarm join-token -q manager)
  for i in $(seq 2 $N); do
    dk "$i" swarm join --token "$mt" --advertise-addr "$NET.$((10 + i))" --listen-addr "$NET.$((10 + i)):2377" \
      --data-path-addr "$NET.$((10 + i))" "$NET.11:2377" >/dev/null
  done
  for i in $(seq 1 $N); do
    id=$(dk "$i" info --format '{{.Swarm.NodeID}}')
    dk 1 node update --label-add "zone=${ZONES[$i]}" "$id" >/dev/null
  done
  # Heartbeat 1 s (default 5 s): a dead node is marked down in ~3 s instead of ~15 s.
  dk 1 swarm update --dispatcher-heartbeat 1s >/dev/null
  trap - ERR
  log "3 nodes up, zones a/b/c, in $(( $(now_ms) - t0 )) ms"
  sock 1
}

cmd_images() {
  local t0 i nodes; t0=$(now_ms)
  nodes=$(seq 1 $N)
  # --manager: only node 1, as on a classroom swarm where lab copies to the others (--node-host).
  if [ "${1:-}" = --manager ]; then nodes=1; shift; fi
  [ $# -gt 0 ] || { log "usage: harness.sh images [--manager] IMAGE..."; return 2; }
  docker -H unix:///var/run/docker.sock save "$@" -o "$BASE/images.tar"
  local pids=()
  for i in $nodes; do dk "$i" load -q -i "$BASE/images.tar" >/dev/null & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
  rm -f "$BASE/images.tar"
  log "$# image(s) loaded on node(s) $(echo $nodes) in $(( $(now_ms) - t0 )) ms"
}

case "${1:-}" in
  up) cmd_up ;;
  images) shift; cmd_images "$@" ;;
  crash) cmd_crash "${2:-}" ;;
  revive) cmd_revive "${2:-}" ;;
  down) cmd_down ;;
  host) sock 1 ;;
  *) sed -n '2,24p' "$0" >&2; exit 2 ;;
esac
