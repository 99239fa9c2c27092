#!/usr/bin/env bash
# Starts, on this machine, what the fleet tests, bench and demo need (docs/fleet.md#running-a-fleet-on-one-machine):
#
#   NATS      a 3-server cluster with JetStream (Debian's nats-server), loopback only:
#               server  client                 cluster (routes)  monitoring
#               n1      nats://127.0.0.1:4222  127.0.0.1:6222    http://127.0.0.1:8222
#               n2      nats://127.0.0.1:4223  127.0.0.1:6223    http://127.0.0.1:8223
#               n3      nats://127.0.0.1:4224  127.0.0.1:6224    http://127.0.0.1:8224
#             cluster name fnpipeline-fleet, max_payload 8 MB, JetStream store $state/nats/nN
#   engines   3 extra dockerd instances, one per node, each with its own containerd (dockerd starts it):
#               unix:///run/fnpipeline-fleet/nodeN/docker.sock   (N = 1..3)
#             own --data-root ($state/nodeN/docker), --exec-root, --pidfile, config file and cgroup parent;
#             --bridge=none --iptables=false: no network but `none` (FnPipeline's default for function containers)
#   images    the test images (fnpipeline/busybox, testfn, node-fdk :latest) copied from the main engine into each
#             node engine with `docker save | docker load` (only those whose id differs)
#
# Idempotent: a part that already answers (and is ours) is kept; only what is missing is started or loaded.
# Stop everything with scripts/fleet-down.sh. Logs: /var/log/fnpipeline/fleet-*.log.
# Needs root to start anything (installs nats-server with apt-get when missing), a running main engine
# (scripts/docker-up.sh) and the test images on it (scripts/build-images.sh).
#
# Environment: FNPIPELINE_FLEET_DIR (state folder, default /var/lib/fnpipeline-fleet), DOCKER_HOST (the main
# engine the images come from), FNPIPELINE_FLEET_WAIT (seconds to wait for each part, default 60).
set -euo pipefail

state=${FNPIPELINE_FLEET_DIR:-/var/lib/fnpipeline-fleet}
run=/run/fnpipeline-fleet
log_dir=/var/log/fnpipeline
wait_secs=${FNPIPELINE_FLEET_WAIT:-60}
cluster_name=fnpipeline-fleet
servers=(1 2 3)
nodes=(1 2 3)
images=(fnpipeline/busybox:latest fnpipeline/testfn:latest fnpipeline/node-fdk:latest)

say() { echo "fleet-up: $*"; }
die() { echo "fleet-up: ERROR: $*" >&2; exit 1; }

client_port() { echo $((4221 + $1)); }
route_port() { echo $((6221 + $1)); }
monitor_port() { echo $((8221 + $1)); }
node_sock() { echo "$run/node$1/docker.sock"; }
node_host() { echo "unix://$(node_sock "$1")"; }

# http GET on a NATS monitoring endpoint; prints the body, fails when nothing answers.
monitor() { curl -fsS -m 5 "http://127.0.0.1:$(monitor_port "$1")/$2" 2>/dev/null; }
# 0 when the server answering on n$1's ports is ours (its name and cluster), whatever its state.
nats_ours() {
  local varz
  varz=$(monitor "$1" varz) || return 1
  grep -q "\"server_name\": *\"n$1\"" <<<"$varz" && grep -q "\"name\": *\"$cluster_name\"" <<<"$varz"
}
# 0 when server n$1 has routes to both others and its JetStream is current (GET /healthz is 200 only then).
nats_ready() {
  local routez
  routez=$(monitor "$1" routez) || return 1
  grep -q '"num_routes": *2' <<<"$routez" && monitor "$1" healthz >/dev/null
}

# The node engines are asked with curl on their socket: the docker CLI costs ~0.3 s a start, and this runs before every test run.
engine_get() { [ -S "$(node_sock "$1")" ] && curl -fsS -m 10 --unix-socket "$(node_sock "$1")" "http://localhost$2" 2>/dev/null; }
engine_ping() { engine_get "$1" /_ping >/dev/null; }
# 0 when the engine on node$1's socket is ours (its data root).
engine_ours() { engine_get "$1" /info | grep -q "\"DockerRootDir\": *\"$state/node$1/docker\""; }
# The id of image $2 on node $1 (empty when missing).
engine_image_id() { engine_get "$1" "/images/$2/json" | grep -o '"Id": *"sha256:[0-9a-f]*"' | head -n 1 | grep -o 'sha256:[0-9a-f]*' || true; }

# ---------------------------------------------------------------------------------------------
# Preconditions

timeout 10 docker info >/dev/null 2>&1 || die "the main engine does not answer; run 'bash scripts/docker-up.sh' first."
missing_images=()
for image in "${images[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || missing_images+=("$image")
done
[ ${#missing_images[@]} -eq 0 ] || die "${missing_images[*]} missing on the main engine; run 'bash scripts/build-images.sh' first."

all_up=1
for n in "${servers[@]}"; do nats_ours "$n" && nats_ready "$n" || all_up=0; done
for n in "${nodes[@]}"; do engine_ping "$n" && engine_ours "$n" || all_up=0; done

if [ "$all_up" -eq 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "parts of the fleet are not running and starting them needs root (sudo bash scripts/fleet-up.sh)."
  if ! command -v nats-server >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install nats-server (2.9 or later) by hand."
    say "installing nats-server with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed; check the package mirror."
    apt-get install -y -qq --no-install-recommends nats-server >/dev/null || die "apt-get install nats-server failed."
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd not found; run 'bash scripts/docker-up.sh' first (it installs docker.io)."
fi

mkdir -p "$state" "$run" "$log_dir"
exec 9>"$state/.lock"
flock -w 300 9 || die "another fleet-up.sh or fleet-down.sh holds $state/.lock"

# ---------------------------------------------------------------------------------------------
# NATS cluster

write_nats_config() {
  local n=$1 conf=$state/nats/n$1.conf routes="" r
  for r in "${servers[@]}"; do routes+="    nats-route://127.0.0.1:$(route_port "$r")"$'\n'; done
  mkdir -p "$state/nats/n$n"
  cat >"$conf" <<EOF
# Written by scripts/fleet-up.sh: server n$n of the fleet's test cluster (loopback only).
server_name: n$n
listen: 127.0.0.1:$(client_port "$n")
http: 127.0.0.1:$(monitor_port "$n")
pid_file: "$run/nats-n$n.pid"
# Calls carry their input and output inline (docs/fleet.md): 8 MB, the largest payload NATS advises.
max_payload: 8MB
jetstream {
  store_dir: "$state/nats/n$n"
  max_memory_store: 256MB
  max_file_store: 2GB
}
cluster {
  name: $cluster_name
  listen: 127.0.0.1:$(route_port "$n")
  routes: [
$routes  ]
}
EOF
}

start_nats() {
  local n=$1 status
  if nats_ours "$n"; then return 0; fi
  status=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$(monitor_port "$n")/varz" || true)
  [ "$status" = 000 ] || die "something else answers on 127.0.0.1:$(monitor_port "$n") (HTTP $status); free the port."
  if (exec 3<>"/dev/tcp/127.0.0.1/$(client_port "$n")") 2>/dev/null; then
    die "something else listens on 127.0.0.1:$(client_port "$n"); free the port."
  fi
  write_nats_config "$n"
  say "starting nats-server n$n on nats://127.0.0.1:$(client_port "$n") (log: $log_dir/fleet-nats-n$n.log)"
  echo "=== fleet-up.sh $(date -u +%FT%TZ)" >>"$log_dir/fleet-nats-n$n.log"
  setsid nats-server -c "$state/nats/n$n.conf" >>"$log_dir/fleet-nats-n$n.log" 2>&1 </dev/null 9>&- &
  nats_pid[$n]=$!
}

nats_start=$SECONDS
declare -A nats_pid
for n in "${servers[@]}"; do start_nats "$n"; done
deadline=$((SECONDS + wait_secs))
for n in "${servers[@]}"; do
  until nats_ready "$n"; do
    if [ $SECONDS -ge $deadline ] || { [ -n "${nats_pid[$n]:-}" ] && ! kill -0 "${nats_pid[$n]}" 2>/dev/null; }; then
      tail -n 20 "$log_dir/fleet-nats-n$n.log" >&2
      die "nats-server n$n did not join the cluster with JetStream (exited, or not within ${wait_secs}s) (GET /routez, /healthz on port $(monitor_port "$n")); see $log_dir/fleet-nats-n$n.log"
    fi
    sleep 0.2
  done
done
say "NATS cluster $cluster_name ready: 3 servers, full routes, JetStream current ($((SECONDS - nats_start))s)"

# ---------------------------------------------------------------------------------------------
# Node engines

start_engine() {
  local n=$1 dir=$run/node$1 log=$log_dir/fleet-dockerd-node$1.log pid
  if engine_ping "$n"; then
    engine_ours "$n" || die "an engine answers on $(node_sock "$n") but its data root is not $state/node$n/docker; stop it."
    return 0
  fi
  pid=$(cat "$dir/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    say "dockerd node$n (pid $pid) is running but does not answer yet; waiting for it"
    return 0
  fi
  mkdir -p "$dir" "$state/node$n/docker"
  # Its own config file: /etc/docker/daemon.json belongs to the main engine (hosts, bridge...).
  echo "{\"deprecated-key-path\": \"$state/node$n/key.json\"}" >"$state/node$n/daemon.json"
  say "starting dockerd node$n on $(node_host "$n") (log: $log)"
  echo "=== fleet-up.sh $(date -u +%FT%TZ)" >>"$log"
  # No --containerd: dockerd starts a containerd of its own under the exec root. Sharing the main engine's works (with
  # a --containerd-namespace per node) and saves ~37 MB a node, but ties every node to the main dockerd's life
  # (docs/fleet.md#costs). --shutdown-timeout 2: fleet-down.sh need not wait 10 s for function containers to stop.
  # deprecated-key-path (a config-file key of dockerd 20.10): the engine ID comes from this key, and the default
  # /etc/docker/key.json would give all four engines the main engine's ID.
  env -u DOCKER_HOST setsid dockerd \
    --config-file "$state/node$n/daemon.json" \
    --data-root "$state/node$n/docker" \
    --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" \
    --host "$(node_host "$n")" \
    --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --cgroup-parent "/fnpipeline-fleet-node$n" \
    --shutdown-timeout 2 \
    --label "fnpipeline.fleet.node=node$n" \
    >>"$log" 2>&1 </dev/null 9>&- &
  started_pid[$n]=$!
}

# A dockerd started with --bridge=none deletes the link named docker0 as it starts (it takes it for a bridge of its
# own left from an earlier run), which is the main engine's default bridge: containers on it then fail to start
# ("could not find bridge docker0"). Its address is noted here and the bridge put back once the nodes are up; the main
# engine finds the link by name, so a bridge of the same name and address serves it again.
main_bridge=$( { ip -4 -o addr show dev docker0 2>/dev/null || true; } | awk '{print $4; exit}')
if [ -z "$main_bridge" ]; then
  # Already gone (an earlier start removed it): the main engine's bridge network still says what it was.
  gateway_subnet=$(timeout 20 docker network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}} {{.Subnet}}{{end}}' 2>/dev/null || true)
  if [ -n "$gateway_subnet" ] && [ "${gateway_subnet#* }" != "$gateway_subnet" ]; then
    main_bridge="${gateway_subnet%% *}/${gateway_subnet##*/}"
  fi
fi
restore_main_bridge() {
  [ -n "$main_bridge" ] || return 0
  ip link show docker0 >/dev/null 2>&1 && return 0
  ip link add docker0 type bridge && ip addr add "$main_bridge" dev docker0 && ip link set docker0 up \
    || die "the node engines removed the main engine's bridge docker0 and it could not be put back ($main_bridge); restart the main dockerd"
  say "put back the main engine's bridge docker0 ($main_bridge), which a node engine's start removed"
}

engine_start=$SECONDS
declare -A started_pid
for n in "${nodes[@]}"; do start_engine "$n"; done
deadline=$((SECONDS + wait_secs))
for n in "${nodes[@]}"; do
  until engine_ping "$n"; do
    if [ $SECONDS -ge $deadline ] || { [ -n "${started_pid[$n]:-}" ] && ! kill -0 "${started_pid[$n]}" 2>/dev/null; }; then
      tail -n 20 "$log_dir/fleet-dockerd-node$n.log" >&2
      die "dockerd node$n did not answer on $(node_sock "$n") (exited, or not within ${wait_secs}s); see $log_dir/fleet-dockerd-node$n.log"
    fi
    sleep 0.2
  done
done
say "3 node engines answer ($((SECONDS - engine_start))s)"
restore_main_bridge

# ---------------------------------------------------------------------------------------------
# Images: one `docker save` of what some node lacks (or has in another version), loaded where needed.

image_start=$SECONDS
declare -A wanted_id
stale=()
for image in "${images[@]}"; do
  wanted_id[$image]=$(docker image inspect --format '{{.Id}}' "$image")
  for n in "${nodes[@]}"; do
    have=$(engine_image_id "$n" "$image")
    if [ "$have" != "${wanted_id[$image]}" ]; then stale+=("$image"); break; fi
  done
done
if [ ${#stale[@]} -gt 0 ]; then
  archive=$state/images.tar
  say "saving ${stale[*]} from the main engine"
  docker save -o "$archive" "${stale[@]}" || die "docker save ${stale[*]} failed"
  for n in "${nodes[@]}"; do
    docker -H "$(node_host "$n")" load -q -i "$archive" >/dev/null || die "docker load into node$n failed"
  done
  rm -f "$archive"
  # The versions these replaced are left untagged on the node engines (theirs alone): drop them.
  for n in "${nodes[@]}"; do
    docker -H "$(node_host "$n")" image prune -f >/dev/null 2>&1 || say "could not prune old images on node$n"
  done
  for n in "${nodes[@]}"; do
    for image in "${stale[@]}"; do
      have=$(engine_image_id "$n" "$image")
      [ "$have" = "${wanted_id[$image]}" ] || die "node$n has $image as '${have:-nothing}' after the load, not ${wanted_id[$image]}"
    done
  done
  say "loaded ${#stale[@]} image(s) into 3 node engines ($((SECONDS - image_start))s)"
else
  say "the node engines have the test images"
fi

# ---------------------------------------------------------------------------------------------
# What runs, and what it costs in memory now (docs/fleet.md#costs).

# "rss X MB pss Y MB": resident, and proportional (shared pages split between the processes that map them).
mem_mb() {
  awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { if (r) printf "rss %.1f MB pss %.1f MB", r / 1024, p / 1024; else printf "rss ?" }' \
    "/proc/$1/smaps_rollup" 2>/dev/null || echo "rss ?"
}
containerd_pid() { cat "$run/node$1/exec/containerd/containerd.pid" 2>/dev/null || true; }

echo "fleet-up: ready"
echo "  NATS cluster $cluster_name (JetStream, max_payload 8 MB; store $state/nats):"
for n in "${servers[@]}"; do
  pid=$(cat "$run/nats-n$n.pid" 2>/dev/null || echo "?")
  echo "    n$n  nats://127.0.0.1:$(client_port "$n")  monitoring http://127.0.0.1:$(monitor_port "$n")  pid $pid  $(mem_mb "$pid")"
done
echo "  node engines (--bridge=none: function containers use network none):"
for n in "${nodes[@]}"; do
  pid=$(cat "$run/node$n/dockerd.pid" 2>/dev/null || echo "?")
  cpid=$(containerd_pid "$n")
  echo "    node$n  $(node_host "$n")  dockerd pid $pid $(mem_mb "$pid"), containerd pid ${cpid:-?} $(mem_mb "${cpid:-0}")"
done
echo "  images:   ${images[*]}"
echo "  NATS URLs: nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224"
echo "  stop:     bash scripts/fleet-down.sh"
