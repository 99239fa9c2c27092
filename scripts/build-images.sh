#!/usr/bin/env bash
# Builds the test images offline: each root filesystem is assembled here and loaded with
# `docker import` (no registry pulls). Every image is tagged :<hash of its inputs> and :latest and
# is rebuilt only when that hash changes. Intermediate files live in .build/images (git-ignored).
#
#   fnpipeline/busybox   Debian's static busybox with its applets;            CMD ["/bin/sh"]
#   fnpipeline/testfn    the NativeAOT test function (tests/FnPipeline.TestFunction); ENTRYPOINT ["/testfn"]
#   fnpipeline/node-fdk  node + @fnproject/fdk + tests/functions/node-fdk;    ENTRYPOINT ["/node", "/function/func.js"]
#
# Usage: scripts/build-images.sh [busybox|testfn|node-fdk ...]   (default: all)
# Needs a running engine (scripts/docker-up.sh); installs busybox-static / nodejs / npm with apt as root if missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$root/.build/images
script_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-64)
mkdir -p "$work"

say() { echo "build-images: $*"; }
die() { echo "build-images: ERROR: $*" >&2; exit 1; }

# One builder at a time per work tree (others may run tests in the same tree).
exec 9>"$work/.lock"
flock -w 900 9 || die "another build-images.sh holds $work/.lock"

timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers; run 'bash scripts/docker-up.sh' first."

apt_install() {
  [ "$(id -u)" -eq 0 ] || die "$* missing; install it (as root: apt-get install -y $*)"
  say "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

hash_of() { sha256sum | cut -c1-16; }

# Copies each shared library that ldd lists for $1 (and the loader) into rootfs $2, at the same path.
copy_libs() {
  local binary=$1 rootfs=$2 lib
  for lib in $(ldd "$binary" | grep -oE '/[^ ]+' ); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

# import_rootfs NAME HASH ROOTFS CHANGE... : tar the rootfs into the engine as NAME:HASH.
import_rootfs() {
  local name=$1 hash=$2 rootfs=$3; shift 3
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -c . \
    | docker import "${changes[@]}" --message "built by scripts/build-images.sh" - "$name:$hash" >/dev/null
}

# Drops tags of older builds of an image (only fnpipeline/* test images, only their hash tags).
prune_old_tags() {
  local name=$1 keep=$2 tag
  for tag in $(docker images "$name" --format '{{.Tag}}'); do
    [ "$tag" = "$keep" ] || [ "$tag" = latest ] || [ "$tag" = "<none>" ] || docker rmi "$name:$tag" >/dev/null 2>&1 || true
  done
}

# ensure NAME HASH BUILDER: build NAME:HASH with BUILDER unless it exists, then point :latest at it.
ensure() {
  local name=$1 hash=$2 builder=$3 start=$SECONDS
  if docker image inspect "$name:$hash" >/dev/null 2>&1; then
    docker tag "$name:$hash" "$name:latest"
    say "$name:$hash up to date (also :latest)"
    return
  fi
  say "building $name:$hash ..."
  "$builder" "$name" "$hash"
  docker tag "$name:$hash" "$name:latest"
  prune_old_tags "$name" "$hash"
  local size
  size=$(docker image inspect "$name:$hash" --format '{{.Size}}')
  say "built $name:$hash and :latest in $((SECONDS - start))s ($((size / 1024)) KiB)"
}

# ---------------------------------------------------------------------------------------------
# fnpipeline/busybox

busybox_bin=/bin/busybox
busybox_is_static() { [ -x "$busybox_bin" ] && ! ldd "$busybox_bin" >/dev/null 2>&1; }

busybox_prereq() {
  busybox_is_static || apt_install busybox-static
  busybox_is_static || die "$busybox_bin is not a static busybox even after installing busybox-static"
}

busybox_hash() {
  { echo "$script_hash"; sha256sum "$busybox_bin"; } | hash_of
}

build_busybox() {
  local name=$1 hash=$2 rootfs=$work/busybox/rootfs applet
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,root} "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp "$busybox_bin" "$rootfs/bin/busybox"
  for applet in $("$busybox_bin" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  import_rootfs "$name" "$hash" "$rootfs" \
    'ENV PATH=/bin' 'CMD ["/bin/sh"]'
}

# ---------------------------------------------------------------------------------------------
# fnpipeline/testfn

testfn_project=$root/tests/FnPipeline.TestFunction

testfn_prereq() {
  command -v dotnet >/dev/null 2>&1 || die "dotnet not found on PATH"
  command -v gcc >/dev/null 2>&1 || command -v clang >/dev/null 2>&1 || apt_install gcc libc6-dev zlib1g-dev
}

testfn_hash() {
  {
    echo "$script_hash"
    dotnet --version
    ldd --version | head -n 1
    (cd "$root" && sha256sum Directory.Build.props Directory.Packages.props global.json)
    (cd "$testfn_project" && find . \( -name bin -o -name obj \) -prune -o -type f \( -name '*.cs' -o -name '*.csproj' \) -print \
      | LC_ALL=C sort | xargs sha256sum)
  } | hash_of
}

build_testfn() {
  local name=$1 hash=$2 rootfs=$work/testfn/rootfs publish=$work/testfn/publish
  rm -rf "$rootfs" "$publish"
  # Own artifacts path: never touches the bin/obj folders that IDE or solution builds use.
  dotnet publish "$testfn_project" -c Release -r linux-x64 --nologo -v quiet \
    --artifacts-path "$work/testfn/artifacts" -o "$publish" >"$work/testfn-publish.log" 2>&1 \
    || { tail -n 30 "$work/testfn-publish.log" >&2; die "dotnet publish of the test function failed (log: $work/testfn-publish.log)"; }
  mkdir -p "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp "$publish/testfn" "$rootfs/testfn"
  copy_libs "$publish/testfn" "$rootfs"
  import_rootfs "$name" "$hash" "$rootfs" 'ENTRYPOINT ["/testfn"]'
}

# ---------------------------------------------------------------------------------------------
# fnpipeline/node-fdk

node_function=$root/tests/functions/node-fdk

node_prereq() {
  command -v node >/dev/null 2>&1 || apt_install nodejs
  command -v npm >/dev/null 2>&1 || apt_install npm
}

node_hash() {
  {
    echo "$script_hash"
    echo "node $(node --version)"
    ldd "$(command -v node)"  | sed 's/ (0x[0-9a-f]*)//'
    (cd "$node_function" && sha256sum package.json func.js)
  } | hash_of
}

build_node_fdk() {
  local name=$1 hash=$2 rootfs=$work/node-fdk/rootfs app=$work/node-fdk/app node_bin
  node_bin=$(readlink -f "$(command -v node)")
  # The installed packages stay in .build between builds; npm's own cache makes reinstalls offline.
  mkdir -p "$app"
  if ! cmp -s "$node_function/package.json" "$app/package.json" || [ ! -d "$app/node_modules/@fnproject/fdk" ]; then
    rm -rf "$app/node_modules"
    cp "$node_function/package.json" "$app/package.json"
    (cd "$app" && npm install --omit=dev --no-package-lock --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null) \
      || die "npm install of @fnproject/fdk failed"
  fi
  rm -rf "$rootfs"
  mkdir -p "$rootfs/tmp" "$rootfs/function"
  chmod 1777 "$rootfs/tmp"
  cp "$node_bin" "$rootfs/node"
  copy_libs "$node_bin" "$rootfs"
  cp "$node_function/func.js" "$node_function/package.json" "$rootfs/function/"
  cp -r "$app/node_modules" "$rootfs/function/node_modules"
  import_rootfs "$name" "$hash" "$rootfs" \
    'WORKDIR /function' 'ENTRYPOINT ["/node", "/function/func.js"]'
}

# ---------------------------------------------------------------------------------------------

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(busybox testfn node-fdk)
for target in "${targets[@]}"; do
  case "$target" in
    busybox) busybox_prereq; hash=$(busybox_hash); ensure fnpipeline/busybox "$hash" build_busybox ;;
    testfn) testfn_prereq; hash=$(testfn_hash); ensure fnpipeline/testfn "$hash" build_testfn ;;
    node-fdk) node_prereq; hash=$(node_hash); ensure fnpipeline/node-fdk "$hash" build_node_fdk ;;
    *) die "unknown image '$target' (known: busybox testfn node-fdk)" ;;
  esac
done
