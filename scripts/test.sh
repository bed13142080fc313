#!/usr/bin/env bash
# The README's test command: installs what is missing, builds zkbalance in a
# fresh build directory with warnings as errors, runs every test suite (unit,
# fuzz-corpus replay, interop with real ZooKeeper and real clients), and
# prints, as its last line, "N passed, M failed" counted per test case.
# Each stage prints its duration ("stage <name>: <s> s"), and the total.
#
#   scripts/test.sh [BUILD_DIR]      default BUILD_DIR: build-test
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build-test}"
START=$SECONDS
STAGE_START=$SECONDS
stage_done() {
  echo "stage $1: $((SECONDS - STAGE_START)) s"
  STAGE_START=$SECONDS
}

bash scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
stage_done deps

rm -rf "$BUILD"
if ! meson setup "$BUILD" -Dwerror=true -Dbench=true >"$BUILD.setup.log" 2>&1; then
  cat "$BUILD.setup.log"; echo "0 passed, 1 failed"; exit 1
fi
if ! ninja -C "$BUILD" -j "$(nproc)"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
stage_done build

meson test -C "$BUILD" --num-processes 2 --print-errorlogs
status=$?
stage_done tests
echo "total: $((SECONDS - START)) s"
python3 scripts/test_summary.py "$BUILD/meson-logs/testlog.json"
summary=$?
if [ $status -ne 0 ] || [ $summary -ne 0 ]; then exit 1; fi
exit 0
