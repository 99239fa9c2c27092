#!/usr/bin/env bash
# The main job in one command (as root on a fresh Debian machine with the .NET SDK):
#   engine up, sample images built, fnpipe built, a function invoked cold and hot through fnpipe,
#   the gateway started and called, with the timings printed.
# Usage: sudo bash scripts/demo.sh ["input text"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

input=${1:-hello from FnPipeline}
out=.build/fnpipe
gateway_pid=

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; }
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

say "engine and sample images"
bash scripts/docker-up.sh
bash scripts/build-images.sh busybox testfn node-fdk
command -v curl >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq curl >/dev/null; }

say "building fnpipe (dotnet build src/FnPipeline.Cli -c Release -o $out)"
mkdir -p .build
if ! dotnet build src/FnPipeline.Cli -c Release -o "$out" -nologo -v quiet >.build/fnpipe-build.log 2>&1; then
  cat .build/fnpipe-build.log
  exit 1
fi
fnpipe() { dotnet "$out/fnpipe.dll" "$@"; }

say "fnpipe doctor: is this machine ready?"
run "fnpipe doctor fnpipeline/testfn:latest fnpipeline/node-fdk:latest"
fnpipe doctor fnpipeline/testfn:latest fnpipeline/node-fdk:latest

say "a cold call (default format): one container, input on stdin, output on stdout, report on stderr"
run "echo '$input' | fnpipe invoke fnpipeline/testfn:latest"
printf '%s\n' "$input" | fnpipe invoke fnpipeline/testfn:latest

say "a hot call (http-stream): a container serving HTTP over a unix socket (Node FDK)"
run "echo '$input' | fnpipe invoke fnpipeline/node-fdk:latest --format http-stream"
hot_ok=1
if ! printf '%s\n' "$input" | fnpipe invoke fnpipeline/node-fdk:latest --format http-stream 2>.build/demo-hot.err; then
  hot_ok=0
fi
cat .build/demo-hot.err >&2
if grep -q "no hot pool" .build/demo-hot.err; then
  echo "(this build's executor has no hot pool yet: the hot parts of the demo are skipped)"
elif [ "$hot_ok" -eq 0 ]; then
  echo "demo: the hot call failed (above)" >&2
  exit 1
fi

say "the gateway: fnpipe serve over a functions file"
functions=.build/demo-functions.yaml
cat >"$functions" <<'YAML'
app: demo
functions:
  - name: echo                      # cold: a container per call
    image: fnpipeline/testfn:latest
    memory: 64
    timeout: 10s
  - name: hot-echo                  # hot: containers kept between calls
    image: fnpipeline/testfn:latest
    format: http-stream
  - name: node                      # hot, on the real Node FDK
    image: fnpipeline/node-fdk:latest
    format: http-stream
YAML
run "fnpipe serve --functions $functions --urls http://127.0.0.1:0 &"
# Started directly (not through the fnpipe function), so that $! is the gateway itself and SIGTERM reaches it.
dotnet "$out/fnpipe.dll" serve --functions "$functions" --urls http://127.0.0.1:0 --log-level Warning \
  >.build/demo-gateway.out 2>.build/demo-gateway.err &
gateway_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[0-9.:]*' .build/demo-gateway.out 2>/dev/null | head -1 || true)
  [ -n "$url" ] && break
  kill -0 "$gateway_pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$url" ]; then
  echo "demo: the gateway did not start:" >&2
  cat .build/demo-gateway.err >&2
  exit 1
fi
echo "gateway listening on $url"

call() { # method path body: prints status, call id, timings and body
  local method=$1 path=$2 body=$3
  run "curl -X $method $url$path -d '$body'"
  curl -sS -o .build/demo-body -D .build/demo-headers -X "$method" --data-binary "$body" "$url$path" || return 1
  head -1 .build/demo-headers | tr -d '\r'
  { grep -i -E '^(fn-call-id|server-timing|retry-after|x-[a-z-]+):' .build/demo-headers || true; } | tr -d '\r' | sed 's/^/  /'
  printf '  body: %s\n' "$(cat .build/demo-body)"
}

say "gateway: cold calls (POST /invoke/echo), timings in Server-Timing (ms)"
call POST /invoke/echo "$input"
call POST /invoke/echo "$input"
say "gateway: a failing function is a 502 with a JSON message"
call POST /invoke/echo $'!exit 3\n'
say "gateway: an unknown function is a 404"
call POST /invoke/nope "$input"
if [ "$hot_ok" -eq 1 ]; then
  say "gateway: hot calls: the first starts a container, the next ones reuse it"
  call POST /invoke/hot-echo "$input"
  call POST /invoke/hot-echo "$input"
  call POST /invoke/hot-echo "$input"
  say "gateway: an HTTP trigger (/t/{name}/...): headers travel as Fn-Http-H-*, the status comes from Fn-Http-Status"
  call POST /t/hot-echo/orders/42 $'!status 201\nFn-Http-H-X-Order: 42'
  call POST /t/node/hello "$input"
fi
say "gateway: GET /health and GET /metrics"
run "curl $url/health"
curl -sS "$url/health"
echo
run "curl $url/metrics | grep -E '^fnpipeline_(calls_total|gateway_requests_total)'"
curl -sS "$url/metrics" | grep -E '^fnpipeline_(calls_total|gateway_requests_total)' || true

say "stopping the gateway: in-flight calls drain, every container is removed"
kill -TERM "$gateway_pid"
wait "$gateway_pid" || true
gateway_pid=
echo "demo: done (gateway log: .build/demo-gateway.err)"
