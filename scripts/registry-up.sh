#!/usr/bin/env bash
# Starts a real local registry for pull and auth tests, and pushes the busybox test image to it.
# Idempotent: a registry that already answers with our credentials is kept; the image is pushed
# again only when fnpipeline/busybox:latest changed.
#
# Facts tests rely on (also in docs/testing.md):
#   address   127.0.0.1:5000   (plain HTTP; the engine trusts 127.0.0.0/8 registries as insecure)
#   auth      htpasswd (bcrypt), user fnuser, password fnpass   (test-only credentials)
#   image     127.0.0.1:5000/fnpipeline/busybox:latest  (a copy of fnpipeline/busybox:latest)
#             The registry tag is removed from the engine after the push, so a pull is a real pull.
#   state     /var/lib/fnpipeline-registry (config.yml, htpasswd, data/), log /var/log/fnpipeline/registry.log
#
# Needs a running engine and fnpipeline/busybox:latest (scripts/docker-up.sh, scripts/build-images.sh).
set -euo pipefail

addr=127.0.0.1:5000
user=fnuser
password=fnpass
image=fnpipeline/busybox:latest
remote=$addr/fnpipeline/busybox:latest
state=/var/lib/fnpipeline-registry
conf=$state/config.yml
htpasswd_file=$state/htpasswd
log_dir=/var/log/fnpipeline
log_file=$log_dir/registry.log
pid_file=$state/registry.pid

say() { echo "registry-up: $*"; }
die() { echo "registry-up: ERROR: $*" >&2; exit 1; }

# HTTP status of GET /v2/ (000 when nothing answers); extra arguments go to curl.
v2_status() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "http://$addr/v2/" || true; }
registry_ours() { [ "$(v2_status)" = 401 ] && [ "$(v2_status -u "$user:$password")" = 200 ]; }

timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers; run 'bash scripts/docker-up.sh' first."
docker image inspect "$image" >/dev/null 2>&1 || die "$image is missing; run 'bash scripts/build-images.sh busybox' first."

if ! registry_ours; then
  [ "$(id -u)" -eq 0 ] || die "the registry on $addr is not running and starting it needs root (sudo bash scripts/registry-up.sh)."
  missing=()
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} by hand."
    say "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  fi
fi

mkdir -p "$state/data" "$log_dir"
exec 9>"$state/.lock"
flock -w 120 9 || die "another registry-up.sh holds $state/.lock"

if ! registry_ours; then
  status=$(v2_status)
  [ "$status" = 000 ] || die "something else answers on $addr (GET /v2/ gave HTTP $status); stop it or free the port."

  if [ ! -s "$htpasswd_file" ] || ! htpasswd -vb "$htpasswd_file" "$user" "$password" >/dev/null 2>&1; then
    htpasswd -Bbn "$user" "$password" >"$htpasswd_file"
  fi
  cat >"$conf" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: fnpipeline-registry
storage:
  filesystem:
    rootdirectory: $state/data
  delete:
    enabled: true
http:
  addr: $addr
  secret: fnpipeline-test-registry
auth:
  htpasswd:
    realm: fnpipeline-test
    path: $htpasswd_file
EOF

  say "starting docker-registry on $addr (log: $log_file)"
  echo "=== registry-up.sh $(date -u +%FT%TZ)" >>"$log_file"
  setsid docker-registry serve "$conf" >>"$log_file" 2>&1 </dev/null 9>&- &
  echo $! >"$pid_file"
  for _ in $(seq 1 75); do
    registry_ours && break
    kill -0 "$(cat "$pid_file")" 2>/dev/null || break
    sleep 0.2
  done
  registry_ours || { tail -n 20 "$log_file" >&2; die "the registry did not answer on $addr; see $log_file"; }
else
  say "registry on $addr already answers with the test credentials"
fi

# Push only when the local image changed since the last push (or the registry lost it).
image_id=$(docker image inspect --format '{{.Id}}' "$image")
marker=$state/pushed-busybox
manifest_status=$(curl -s -o /dev/null -m 5 -w '%{http_code}' -u "$user:$password" \
  -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  "http://$addr/v2/fnpipeline/busybox/manifests/latest" || true)
if [ "$manifest_status" = 200 ] && [ "$(cat "$marker" 2>/dev/null)" = "$image_id" ]; then
  say "$remote is up to date"
else
  say "pushing $image as $remote"
  docker_config=$(mktemp -d)   # keeps the login out of the user's ~/.docker/config.json
  trap 'rm -rf "$docker_config"' EXIT
  echo "$password" | DOCKER_CONFIG=$docker_config docker login "$addr" -u "$user" --password-stdin >/dev/null 2>&1 \
    || die "docker login $addr as $user failed"
  docker tag "$image" "$remote"
  DOCKER_CONFIG=$docker_config docker push -q "$remote" >/dev/null || { docker rmi "$remote" >/dev/null 2>&1; die "docker push $remote failed"; }
  DOCKER_CONFIG=$docker_config docker logout "$addr" >/dev/null
  docker rmi "$remote" >/dev/null
  echo "$image_id" >"$marker"
fi

cat <<EOF
registry-up: ready
  address:  $addr (plain HTTP, insecure by default for 127.0.0.0/8)
  user:     $user
  password: $password
  image:    $remote (not present on the engine: pulling it is a real pull)
  log:      $log_file
EOF
