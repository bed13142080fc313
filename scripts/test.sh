#!/usr/bin/env bash
# The README's test command: installs what is missing, builds zkbalance in a
# fresh build directory with warnings as errors, runs every test suite (unit,
# fuzz-corpus replay, interop with real ZooKeeper and real clients), and
# prints, as its last line, "N passed, M failed" counted per test case.
#
#   scripts/test.sh [BUILD_DIR]      default BUILD_DIR: build-test
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build-test}"

bash scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$BUILD"
if ! meson setup "$BUILD" -Dwerror=true -Dbench=true >"$BUILD.setup.log" 2>&1; then
  cat "$BUILD.setup.log"; echo "0 passed, 1 failed"; exit 1
fi
if ! ninja -C "$BUILD" -j "$(nproc)"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

meson test -C "$BUILD" --num-processes 2 --print-errorlogs
status=$?
python3 scripts/test_summary.py "$BUILD/meson-logs/testlog.json"
summary=$?
if [ $status -ne 0 ] || [ $summary -ne 0 ]; then exit 1; fi
exit 0
