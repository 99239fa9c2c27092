#!/usr/bin/env bash
# Installs what the engine-discovery tests need beside the main engine (idempotent; Debian, as root):
#   openssl   the TLS engine test makes its CA, server and client certificates with it
#   podman    the Podman test runs `podman system service` on a socket of its own
#   catatonit podman's init (FnPipeline starts containers with --init by default); only recommended by podman
# The tests fail with this script's name when a tool is missing (they never skip).
set -euo pipefail

say() { echo "engine-tools: $*"; }
die() { echo "engine-tools: ERROR: $*" >&2; exit 1; }

missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v podman >/dev/null 2>&1 || missing+=(podman)
[ -x /usr/libexec/podman/catatonit ] || missing+=(catatonit)
if [ ${#missing[@]} -eq 0 ]; then
  say "openssl, podman and catatonit are installed; nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "${missing[*]} missing; install as root: apt-get install -y ${missing[*]}"
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install ${missing[*]} by hand"
say "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed; check the package mirror"
apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
say "installed: $(podman --version 2>/dev/null || true)"
