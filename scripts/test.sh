#!/usr/bin/env bash
# The README's test command: installs what is missing, builds zkbalance in a
# fresh build directory with warnings as errors, runs every test suite (unit,
# fuzz-corpus replay, interop with real ZooKeeper and real clients), and
# prints, as its last line, "N passed, M failed" counted per test case. A
# second stage builds the client's suites with ASan+UBSan (clang) and runs
# them; their cases are counted too.
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

# Sanitizers: a clang ASan+UBSan tree with only the targets this stage runs
# (the client's unit tests, its operation suite against zksim, itself built
# with the sanitizers, and the process test). Any report fails the test.
ASAN="$BUILD-asan"
rm -rf "$ASAN"
asan_status=1
if CXX=clang++ meson setup "$ASAN" -Db_sanitize=address,undefined -Db_lundef=false \
     -Dwerror=true -Dbench=false >"$ASAN.setup.log" 2>&1 &&
   ninja -C "$ASAN" -j "$(nproc)" tests/client/test_client_unit tests/client/test_client_interop \
     tests/client/test_client_process server-sim/zksim; then
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    meson test -C "$ASAN" --no-rebuild --num-processes 2 --print-errorlogs \
    client-unit client-zksim client-process
  asan_status=$?
else
  cat "$ASAN.setup.log"; echo "sanitizer build failed"
fi
stage_done sanitizers
echo "total: $((SECONDS - START)) s"
if [ -f "$ASAN/meson-logs/testlog.json" ]; then
  python3 scripts/test_summary.py "$BUILD/meson-logs/testlog.json" "$ASAN/meson-logs/testlog.json"
else
  python3 scripts/test_summary.py "$BUILD/meson-logs/testlog.json"
fi
summary=$?
[ $asan_status -eq 0 ] || status=1
if [ $status -ne 0 ] || [ $summary -ne 0 ]; then exit 1; fi
exit 0
