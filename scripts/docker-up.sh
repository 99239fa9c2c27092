#!/usr/bin/env bash
# Makes sure a Docker engine answers. Idempotent: when one already answers (DOCKER_HOST, or the
# default socket /var/run/docker.sock) it does nothing. Otherwise, as root, it installs Debian's
# docker.io if dockerd is missing and starts dockerd detached (no systemd here), logging to
# /var/log/fnpipeline/dockerd.log, then waits (bounded) for GET /_ping.
#
# Environment: DOCKER_HOST (use that engine; never start one), FNPIPELINE_DOCKERD_WAIT (seconds to
# wait for the engine, default 30).
set -euo pipefail

log_dir=/var/log/fnpipeline
log_file=$log_dir/dockerd.log
sock=/var/run/docker.sock
pid_file=/var/run/docker.pid
wait_secs=${FNPIPELINE_DOCKERD_WAIT:-30}

say() { echo "docker-up: $*"; }
die() { echo "docker-up: ERROR: $*" >&2; exit 1; }

# ping: 0 when the engine answers.
ping_socket() { [ -S "$1" ] && timeout 5 curl -fsS --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }
ping_engine() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    case "$DOCKER_HOST" in
      unix://*) ping_socket "${DOCKER_HOST#unix://}" ;;
      *) command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1 ;;
    esac
  elif command -v curl >/dev/null 2>&1; then
    ping_socket "$sock"
  else
    command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
  fi
}

wait_for_engine() {
  local deadline=$((SECONDS + $1))
  while [ $SECONDS -lt $deadline ]; do
    ping_engine && return 0
    sleep 0.2
  done
  ping_engine
}

if ping_engine; then
  say "engine answers (${DOCKER_HOST:-unix://$sock}); nothing to do"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  die "DOCKER_HOST=$DOCKER_HOST does not answer. Start that engine, or unset DOCKER_HOST to use (and start) the local one."
fi

if [ "$(id -u)" -ne 0 ]; then
  if [ -S "$sock" ] && [ ! -w "$sock" ]; then
    die "$sock exists but $(id -un) may not use it. Run as root (sudo), or join the socket's group ($(stat -c %G "$sock"))."
  fi
  die "no engine answers on $sock and starting one needs root. Run 'sudo bash scripts/docker-up.sh' (or as root), or start dockerd yourself."
fi

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand (this script knows Debian only)."
  say "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed; check the package mirror."
  apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed."
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
command -v dockerd >/dev/null 2>&1 || die "dockerd is still missing after installing docker.io."

# A dockerd that is still shutting down (or starting) owns the pid file: give it time first.
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
   && [ "$(cat "/proc/$(cat "$pid_file")/comm" 2>/dev/null)" = dockerd ]; then
  old=$(cat "$pid_file")
  say "dockerd (pid $old) is running but not answering yet; waiting up to ${wait_secs}s"
  for _ in $(seq 1 $((wait_secs * 5))); do
    ping_engine && { say "engine answers"; exit 0; }
    kill -0 "$old" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$old" 2>/dev/null && die "dockerd (pid $old) neither answers nor exits; see $log_file. Stop it (kill $old) and run this again."
fi

# Without systemd nothing may have mounted the cgroup hierarchies dockerd needs.
if ! grep -q ' /sys/fs/cgroup' /proc/mounts && command -v cgroupfs-mount >/dev/null 2>&1; then
  say "mounting cgroup hierarchies (cgroupfs-mount)"
  cgroupfs-mount || say "cgroupfs-mount failed; trying dockerd anyway"
fi

# dockerd programs NAT/filter rules for its bridge. Prefer the nft backend, fall back to legacy,
# and as a last resort run without iptables (function containers use --network none anyway).
extra_args=()
if ! iptables -nL >/dev/null 2>&1; then
  if command -v update-alternatives >/dev/null 2>&1 && [ -x /usr/sbin/iptables-legacy ] \
     && /usr/sbin/iptables-legacy -nL >/dev/null 2>&1; then
    say "iptables (nft) does not work here; switching to iptables-legacy"
    update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
    [ -x /usr/sbin/ip6tables-legacy ] && update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null || true
  else
    say "iptables does not work here; starting dockerd with --iptables=false (bridge containers get no NAT)"
    extra_args+=(--iptables=false --ip-masq=false)
  fi
fi

start_dockerd() {
  mkdir -p "$log_dir"
  say "starting dockerd${*:+ $*} (log: $log_file)"
  { echo "=== docker-up.sh $(date -u +%FT%TZ): dockerd $*"; } >>"$log_file"
  setsid dockerd "$@" >>"$log_file" 2>&1 < /dev/null &
  local pid=$!
  local deadline=$((SECONDS + wait_secs))
  while [ $SECONDS -lt $deadline ]; do
    ping_engine && { say "engine answers (dockerd pid $pid)"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  ping_engine
}

if ! start_dockerd "${extra_args[@]}"; then
  if [ ${#extra_args[@]} -eq 0 ] && tail -n 30 "$log_file" | grep -qi iptables; then
    say "dockerd failed on iptables; retrying with --iptables=false"
    start_dockerd --iptables=false --ip-masq=false && exit 0
  fi
  echo "docker-up: ERROR: dockerd did not answer on $sock within ${wait_secs}s. Last lines of $log_file:" >&2
  tail -n 20 "$log_file" >&2
  exit 1
fi
