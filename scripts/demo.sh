#!/usr/bin/env bash
# The main job, for now: start the engine if needed, build the test images, and run one function
# call in a container the way the cold (default-format) path does: input on stdin, output on stdout.
# A later issue replaces this with the FnPipeline CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/docker-up.sh
bash scripts/build-images.sh busybox testfn

input=${1:-hello from FnPipeline}
echo
echo "\$ echo '$input' | docker run --rm -i --network none fnpipeline/testfn:latest"
output=$(printf '%s' "$input" | docker run --rm -i --network none --label fnpipeline.demo=1 fnpipeline/testfn:latest)
echo "$output"
echo
echo "demo: the function echoed its input (exit code 0)"
