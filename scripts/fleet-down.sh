#!/usr/bin/env bash
# Stops what scripts/fleet-up.sh started, and only that: the 3 nats-server processes and the 3 node dockerd instances
# (each with its containerd and the containers on it), found by the pid files under /run/fnpipeline-fleet and checked
# against their command line before any signal. Then removes the fleet's state: the JetStream stores, the node engines'
# data roots (images loaded into them included), exec roots and cgroup parents. The main engine, its containers and
# images are never touched. Idempotent: with nothing running it only removes leftovers.
#
# Environment: FNPIPELINE_FLEET_DIR (state folder, default /var/lib/fnpipeline-fleet), FNPIPELINE_FLEET_WAIT (seconds
# each process gets after SIGTERM before SIGKILL, default 30).
set -euo pipefail

state=${FNPIPELINE_FLEET_DIR:-/var/lib/fnpipeline-fleet}
run=/run/fnpipeline-fleet
wait_secs=${FNPIPELINE_FLEET_WAIT:-30}

say() { echo "fleet-down: $*"; }
die() { echo "fleet-down: ERROR: $*" >&2; exit 1; }

[ -d "$state" ] || [ -d "$run" ] || { say "no fleet state ($state, $run); nothing to do"; exit 0; }
[ "$(id -u)" -eq 0 ] || die "stopping the fleet needs root (sudo bash scripts/fleet-down.sh)."

mkdir -p "$state"
exec 9>"$state/.lock"
flock -w 300 9 || die "another fleet-up.sh or fleet-down.sh holds $state/.lock"

# pid_of FILE COMM NEEDLE: the pid in FILE when that process lives, is COMM and has NEEDLE in its command line.
pid_of() {
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$3" || return 1
  echo "$pid"
}

# stop NAME PID...: SIGTERM, wait (bounded), then SIGKILL what is left.
stop() {
  local name=$1 pid; shift
  [ $# -gt 0 ] || return 0
  say "stopping $name (pid $*)"
  kill -TERM "$@" 2>/dev/null || true
  local deadline=$((SECONDS + wait_secs))
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name pid $pid still runs after ${wait_secs}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

nats=()
for n in 1 2 3; do
  pid=$(pid_of "$run/nats-n$n.pid" nats-server "$state/nats/n$n.conf") && nats+=("$pid")
done
stop "nats-server" "${nats[@]}"

# dockerd stops its containers and then its own containerd on SIGTERM.
engines=() containerds=()
for n in 1 2 3; do
  pid=$(pid_of "$run/node$n/dockerd.pid" dockerd "$run/node$n/docker.sock") && engines+=("$pid")
done
stop "node dockerd" "${engines[@]}"
# A containerd left by a dockerd that was killed (or did not stop in time), and the shims of its containers.
for n in 1 2 3; do
  pid=$(pid_of "$run/node$n/exec/containerd/containerd.pid" containerd "$run/node$n/exec/containerd") && containerds+=("$pid")
done
stop "node containerd" "${containerds[@]}"
# Containers whose engine was killed live on: their processes sit in the node engines' cgroup parents (fleet-up.sh
# gives each node its own), so what is in those is exactly what the node engines ran.
node_cgroups() {
  local n=$1 cg
  for cg in /sys/fs/cgroup/*/fnpipeline-fleet-node$n /sys/fs/cgroup/fnpipeline-fleet-node$n; do
    [ -d "$cg" ] && echo "$cg"
  done
  return 0
}
orphans=()
for n in 1 2 3; do
  for cg in $(node_cgroups "$n"); do
    for pid in $(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null); do orphans+=("$pid"); done
  done
done
if [ ${#orphans[@]} -gt 0 ]; then
  mapfile -t orphans < <(printf '%s\n' "${orphans[@]}" | sort -u)
  say "killing ${#orphans[@]} container process(es) the node engines left (pid ${orphans[*]})"
  kill -KILL "${orphans[@]}" 2>/dev/null || true
fi
shims=()
# (pgrep -x cannot match the name: the kernel keeps 15 characters of it, "containerd-shim".)
for n in 1 2 3; do
  for pid in $(pgrep -f -- "-address $run/node$n/exec/containerd/containerd.sock" 2>/dev/null || true); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = containerd-shim ] && shims+=("$pid")
  done
done
stop "containerd shims of the node engines" "${shims[@]}"

# Mounts the engines left (overlay layers, netns, shm) would make the removal fail: deepest first.
for dir in "$run" "$state"; do
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
    umount -l "$mount" 2>/dev/null || say "could not unmount $mount"
  done
done

rm -rf "$run" "$state/nats" "$state"/node[123] "$state/images.tar"
rm -f "$state/.lock"
rmdir "$state" 2>/dev/null || say "kept $state (it holds files fleet-up.sh did not make)"
for n in 1 2 3; do
  for cg in $(node_cgroups "$n"); do
    # Killed processes leave their cgroup a moment later: a few tries, deepest directories first.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [ -d "$cg" ] || break
      sleep 0.2
    done
    [ -d "$cg" ] && say "could not remove the cgroup $cg"
  done
done
say "stopped ${#nats[@]} nats-server, ${#engines[@]} dockerd; removed $run and the fleet state under $state"
