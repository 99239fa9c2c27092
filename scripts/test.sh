#!/usr/bin/env bash
# THE test command (README.md, .ci/run). Starts what the tests need (engine, test images, local
# registry, the fleet's NATS cluster and node engines), runs every test project of FnPipeline.sln,
# checks that no test container was left on the engine or a fleet node engine, and ends with one
# plain line "N passed, N failed" counted from the TRX files.
# Exits non-zero on any failure, and when no test ran.
#
# Extra arguments go to `dotnet test`, e.g.: bash scripts/test.sh --filter Category=Docker
# Environment: FNPIPELINE_TEST_RESULTS (TRX folder, default .build/test-results),
#              FNPIPELINE_TEST_RUN_ID (labels this run's containers; default: generated).
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
results=${FNPIPELINE_TEST_RESULTS:-$root/.build/test-results}
export FNPIPELINE_TEST_RUN_ID=${FNPIPELINE_TEST_RUN_ID:-$(date +%Y%m%d%H%M%S)-$$}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

setup_failed() {
  echo "test: $1 failed, so no test ran (see its message above)"
  echo "0 passed, 1 failed"
  exit 1
}

start=$SECONDS
bash scripts/docker-up.sh || setup_failed scripts/docker-up.sh
bash scripts/build-images.sh || setup_failed scripts/build-images.sh
bash scripts/registry-up.sh || setup_failed scripts/registry-up.sh
bash scripts/engine-tools.sh || setup_failed scripts/engine-tools.sh
# The fleet tests' NATS cluster and node engines (docs/fleet.md): 10 to 25 s the first time (mostly loading the images
# into the 3 node engines), ~1 s when already up; ~390 MB resident while it runs. Left running after the tests.
bash scripts/fleet-up.sh || setup_failed scripts/fleet-up.sh
echo "test: set-up took $((SECONDS - start))s; test run id $FNPIPELINE_TEST_RUN_ID"

rm -rf "$results"
mkdir -p "$results"
dotnet test FnPipeline.sln -c Release \
  --logger "trx;LogFilePrefix=fnpipeline" --logger "console;verbosity=normal" \
  --results-directory "$results" --blame-hang-timeout 10m "$@"
test_rc=$?

# Counts from every TRX file: <Counters total=".." passed=".." failed=".." .../>.
counter() { grep -o '<Counters [^>]*>' "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]\+' || echo 0; }
passed=0 failed=0 skipped=0 files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  p=$(counter "$trx" passed)
  f=$(( $(counter "$trx" failed) + $(counter "$trx" error) + $(counter "$trx" timeout) + $(counter "$trx" aborted) ))
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + $(counter "$trx" notExecuted)))
  # A run-level failure (e.g. a fixture's clean-up check) fails the run without failing a test.
  if [ "$f" -eq 0 ] && grep -q '<ResultSummary outcome="\(Failed\|Error\|Aborted\)"' "$trx"; then
    echo "test: $(basename "$trx") reports a failure outside the tests (fixture set-up or clean-up); see above"
    failed=$((failed + 1))
  fi
done

if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test: dotnet test exited with $test_rc but no test failed (build error, crash or hang?); see above"
  failed=$((failed + 1))
fi

# Every container a test creates carries fnpipeline.test.run=<this run> (<this run>-cli for FnPipeline.Cli.Tests and
# <this run>-fleet for FnPipeline.Fleet.Tests, which run in parallel with the integration tests): none may remain.
# The fleet's node engines (scripts/fleet-up.sh) are checked the same way.
for engine in "" unix:///run/fnpipeline-fleet/node1/docker.sock unix:///run/fnpipeline-fleet/node2/docker.sock \
              unix:///run/fnpipeline-fleet/node3/docker.sock; do
  host=(); [ -z "$engine" ] || host=(-H "$engine")
  leaked=$( (timeout 30 docker "${host[@]}" ps -aq --filter "label=fnpipeline.test.run=$FNPIPELINE_TEST_RUN_ID";
             timeout 30 docker "${host[@]}" ps -aq --filter "label=fnpipeline.test.run=$FNPIPELINE_TEST_RUN_ID-cli";
             timeout 30 docker "${host[@]}" ps -aq --filter "label=fnpipeline.test.run=$FNPIPELINE_TEST_RUN_ID-fleet") 2>/dev/null || true)
  if [ -n "$leaked" ]; then
    echo "test: tests left $(echo "$leaked" | wc -l) container(s) on the engine ${engine:-(main)}: $(echo $leaked); removing them"
    echo "$leaked" | xargs -r docker "${host[@]}" rm -f >/dev/null 2>&1 || true
    failed=$((failed + 1))
  fi
done

# The failed tests again, by name with the first lines of their message, so that the end of the
# log (often all a CI page shows) says what failed.
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  awk '
    function unescape(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s);
                           gsub(/&apos;/, "\047", s); gsub(/&#xD;/, "", s); gsub(/&#xA;/, " ", s);
                           gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / {
      failed = ($0 ~ / outcome="Failed"/); lines = 0
      if (failed && match($0, / testName="[^"]*"/))
        print "test: FAILED " unescape(substr($0, RSTART + 11, RLENGTH - 12))
    }
    failed && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
    failed && inmsg {
      done = sub(/<\/Message>.*/, "")
      if (lines < 6 && $0 != "") { print "test:     " unescape($0); lines++ }
      if (done) { inmsg = 0; failed = 0 }
    }' "$trx"
done

echo "test: $files result file(s) in $results; total time $((SECONDS - start))s"
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "test: no test ran"
  failed=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
