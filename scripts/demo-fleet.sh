#!/usr/bin/env bash
# The fleet demo (docs/fleet.md, "The fleet demo"), as root on this machine:
#   the fleet of scripts/fleet-up.sh (3 NATS servers, 3 node engines), `fnpipe node` x 3 (one per node engine) and
#   `fnpipe serve --nats` (the front door, no engine of its own); then cold, hot, failing and detached calls with curl,
#   the detached call's result fetched by its id, and `fnpipe fleet status`. Everything it started is stopped at the end
#   (the fleet itself stays up: scripts/fleet-down.sh stops it), and no container is left on any node engine.
# Usage: sudo bash scripts/demo-fleet.sh ["input text"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

input=${1:-hello from the fleet}
out=.build/fnpipe
logs=.build/demo-fleet
nats=nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224
# One fleet name for every run: its stream and buckets are made once and reused (nothing piles up on the cluster).
fleet=demo
label="fnpipeline.demo=fleet"
pids=()

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; }
engine() { echo "unix:///run/fnpipeline-fleet/node$1/docker.sock"; }
containers() { # node number: containers of this demo on that node engine
  DOCKER_HOST=$(engine "$1") docker ps -aq --filter "label=$label" | wc -l
}
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT

say "the fleet: 3 NATS servers with JetStream, 3 node engines (scripts/fleet-up.sh)"
bash scripts/docker-up.sh
bash scripts/build-images.sh busybox testfn node-fdk
bash scripts/fleet-up.sh
command -v curl >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq curl >/dev/null; }

say "building fnpipe (dotnet build src/FnPipeline.Cli -c Release -o $out)"
mkdir -p "$logs"
if ! dotnet build src/FnPipeline.Cli -c Release -o "$out" -nologo -v quiet >"$logs/build.log" 2>&1; then
  cat "$logs/build.log"
  exit 1
fi

functions=$logs/functions.yaml
cat >"$functions" <<YAML
app: demo-fleet
functions:
  - name: echo                      # cold: a container per call, on whichever node has room
    image: fnpipeline/testfn:latest
    timeout: 20s
    labels: { "fnpipeline.demo": "fleet" }
  - name: hot-echo                  # hot: calls go to the node where it is hot
    image: fnpipeline/testfn:latest
    format: http-stream
    labels: { "fnpipeline.demo": "fleet" }
YAML

wait_for() { # file pattern pid what
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.2
  done
  echo "demo-fleet: $4 did not start:" >&2
  cat "${1%.out}.err" >&2
  exit 1
}

say "3 nodes: fnpipe node on each node engine"
for n in 1 2 3; do
  run "DOCKER_HOST=$(engine $n) fnpipe node --nats $nats --fleet $fleet --node-id node$n --functions $functions --async-replicas 3 &"
  DOCKER_HOST=$(engine $n) FNPIPELINE_DOCKER_ENDPOINT= dotnet "$out/fnpipe.dll" node --nats "$nats" --fleet "$fleet" --node-id "node$n" \
    --functions "$functions" --async-replicas 3 --log-level Warning >"$logs/node$n.out" 2>"$logs/node$n.err" &
  pids+=($!)
done
for n in 1 2 3; do
  wait_for "$logs/node$n.out" "joined fleet" "${pids[$((n - 1))]}" "node$n"
  cat "$logs/node$n.out"
done

say "the front door: fnpipe serve --nats (no engine of its own)"
run "fnpipe serve --nats $nats --fleet $fleet --functions $functions --urls http://127.0.0.1:0 &"
dotnet "$out/fnpipe.dll" serve --nats "$nats" --fleet "$fleet" --functions "$functions" --urls http://127.0.0.1:0 \
  --log-level Warning >"$logs/serve.out" 2>"$logs/serve.err" &
pids+=($!)
wait_for "$logs/serve.out" "listening on" "${pids[3]}" "the front door"
url=$(grep -o 'http://[0-9.:]*' "$logs/serve.out" | head -1)
echo "front door listening on $url"

call() { # method path body [header]: prints status, call id, node, timings and body
  local method=$1 path=$2 body=$3 header=${4:-}
  if [ "$method" = GET ]; then
    run "curl $url$path"
    curl -sS -o "$logs/body" -D "$logs/headers" "$url$path"
  else
    run "curl -X $method $url$path -d '$body'${header:+ -H '$header'}"
    curl -sS -o "$logs/body" -D "$logs/headers" -X "$method" ${header:+-H "$header"} --data-binary "$body" "$url$path"
  fi
  head -1 "$logs/headers" | tr -d '\r'
  { grep -i -E '^(fn-call-id|fnp-node|location|server-timing|retry-after):' "$logs/headers" || true; } | tr -d '\r' | sed 's/^/  /'
  printf '  body: %s\n' "$(cat "$logs/body")"
}

say "cold calls: a new container each time, on a node with room"
call POST /invoke/echo "$input"
call POST /invoke/echo "$input"
say "hot calls: the first makes the function hot on one node; the next go to that node"
call POST /invoke/hot-echo "$input"
call POST /invoke/hot-echo "$input"
call POST /invoke/hot-echo "$input"
say "a failing function: 502 with a JSON message, as on one machine"
call POST /invoke/echo $'!exit 3\n'
say "a detached call: 202 with the call id at once; the fleet runs it, its result is fetched by id"
call POST /invoke/echo "!sleep 1500
$input (detached)" "Fn-Invoke-Type: detached"
location=$(grep -i '^location:' "$logs/headers" | tr -d '\r' | awk '{print $2}')
call GET "$location" ""
for _ in $(seq 1 150); do
  status=$(curl -sS -o "$logs/body" -w '%{http_code}' "$url$location")
  [ "$status" = 200 ] && break
  sleep 0.2
done
call GET "$location" ""
say "an unknown call id: 404"
call GET /results/0123456789abcdef ""

say "fnpipe fleet status"
run "fnpipe fleet status --nats $nats --fleet $fleet"
dotnet "$out/fnpipe.dll" fleet status --nats "$nats" --fleet "$fleet" || true

say "stopping the front door and the nodes (SIGTERM: they drain and remove their containers)"
cleanup
left=0
for n in 1 2 3; do
  count=$(containers "$n")
  echo "node engine $n: $count container(s) of this demo left"
  left=$((left + count))
done
[ "$left" -eq 0 ] || { echo "demo-fleet: containers left behind" >&2; exit 1; }
echo "demo-fleet: done (logs: $logs/; the fleet stays up, stop it with: sudo bash scripts/fleet-down.sh)"
