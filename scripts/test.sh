#!/usr/bin/env bash
# The README's test command: installs what is missing, builds zkbalance with
# warnings as errors, runs every test suite (unit,
# fuzz-corpus replay, interop with real ZooKeeper and real clients), then
# three more stages, and prints, as its last line, "N passed, M failed"
# counted per test case (skips are named on the lines before; see
# scripts/test_summary.py and docs/testing.md "Skips"):
#   sanitizers  a clang ASan+UBSan tree (leak checker on, halt_on_error) with
#               -Dfuzz=true: every library's unit tests, the zksim integration
#               suites (zksim sanitized too) and the fuzz corpus replay;
#   fuzz        each libFuzzer target of that tree for FUZZ_SECONDS (20) s,
#               two at a time (tests/fuzz/run), one case per target;
#   tsan        a clang ThreadSanitizer tree: the BlockingClient and
#               multi-thread cases of the client suite against zksim.
# Each stage prints its duration ("stage <name>: <s> s"), and the total.
#
#   scripts/test.sh [BUILD_DIR]      default BUILD_DIR: build
# The main tree is BUILD_DIR, shared with scripts/demo.sh (same options): a
# tree that exists is reused and brought up to date (so the quick start's
# second command builds only what the first did not), a missing one is set
# up. The sanitizer trees ($BUILD-asan, $BUILD-tsan) are always made afresh.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build}"
START=$SECONDS
STAGE_START=$SECONDS
stage_done() {
  echo "stage $1: $((SECONDS - STAGE_START)) s"
  STAGE_START=$SECONDS
}

bash scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
stage_done deps

if [ -f "$BUILD/build.ninja" ]; then
  setup=(meson setup --reconfigure "$BUILD" -Dwerror=true -Dbench=true)
else
  rm -rf "$BUILD"
  setup=(meson setup "$BUILD" -Dwerror=true -Dbench=true)
fi
if ! "${setup[@]}" >"$BUILD.setup.log" 2>&1; then
  cat "$BUILD.setup.log"; echo "0 passed, 1 failed"; exit 1
fi
if ! ninja -C "$BUILD" -j "$(nproc)"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
stage_done build

meson test -C "$BUILD" --num-processes 2 --print-errorlogs
status=$?
stage_done tests

logs=("$BUILD/meson-logs/testlog.json")
# A stage that could not build counts as a failed case in the summary.
BUILD_FAILURES=()
build_failed() { echo "$1 build failed"; BUILD_FAILURES+=("$1"); status=1; }

# Sanitizers: one clang ASan+UBSan tree, only the targets it runs. Any report
# fails its test (halt_on_error); the leak checker runs at every exit, so a
# session or loop that is not torn down completely fails too. -Dfuzz=true
# builds the libFuzzer targets in the same tree for the fuzz stage.
ASAN="$BUILD-asan"
ASAN_TARGETS=(tests/wire/test_wire tests/hostprovider/test_hostprovider tests/client/test_client_unit
  tests/cli/test_cli tests/server-sim/test_zksim server-sim/zksim tests/client/test_client_interop
  tests/client/test_client_reconfig tests/client/test_client_tracking tests/client/test_client_process
  tests/client/test_client_tls_unit tests/client/test_client_tls tests/client/test_client_security)
ASAN_TESTS=(wire hostprovider client-unit cli-unit server-sim server-sim-reconfig-parity-recorded
  server-sim-serve-config server-sim-joiner server-sim-reconfig-inflight server-sim-admin-http
  client-zksim client-reconfig-zksim client-tracking-zksim client-process
  client-tls-unit client-tls-zksim client-security-zksim)
FUZZ_NAMES=()
for d in tests/fuzz/corpus/*/; do FUZZ_NAMES+=("$(basename "$d")"); done
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:print_summary=1
rm -rf "$ASAN"
if CC=clang CXX=clang++ meson setup "$ASAN" -Db_sanitize=address,undefined -Db_lundef=false \
     -Dwerror=true -Dbench=false -Dfuzz=true >"$ASAN.setup.log" 2>&1 &&
   ninja -C "$ASAN" -j "$(nproc)" "${ASAN_TARGETS[@]}" "${FUZZ_NAMES[@]/#/tests/fuzz/fuzz_replay_}" \
     "${FUZZ_NAMES[@]/#/tests/fuzz/fuzz_}"; then
  meson test -C "$ASAN" --no-rebuild --num-processes 2 --print-errorlogs \
    "${ASAN_TESTS[@]}" "${FUZZ_NAMES[@]/#/fuzz-replay-}"
  [ $? -eq 0 ] || status=1
  logs+=("$ASAN/meson-logs/testlog.json")
else
  cat "$ASAN.setup.log"; build_failed sanitizer
fi
stage_done sanitizers

# Short fuzzing on top of the corpus replay: FUZZ_SECONDS per target, two at
# a time (about 13 targets x 20 s / 2 = 130 s).
if [ -d "$ASAN" ]; then
  FUZZ_BUILD="$ASAN" tests/fuzz/run "${FUZZ_SECONDS:-20}" | tee "$ASAN/fuzz.tap"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  logs+=("$ASAN/fuzz.tap")
fi
stage_done fuzz

# ThreadSanitizer: the client's threaded cases (BlockingClient from several
# threads, its lifetimes while the loop thread is blocked, reattaching
# through it) against zksim, itself built with TSan.
TSAN="$BUILD-tsan"
TSAN_FILTER='[blocking],[blocking-lifetimes],[reattach]'
rm -rf "$TSAN"
if CC=clang CXX=clang++ meson setup "$TSAN" -Db_sanitize=thread -Db_lundef=false \
     -Dwerror=true -Dbench=false >"$TSAN.setup.log" 2>&1 &&
   ninja -C "$TSAN" -j "$(nproc)" tests/client/test_client_interop server-sim/zksim; then
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    meson test -C "$TSAN" --no-rebuild --print-errorlogs client-zksim --test-args "$TSAN_FILTER"
  [ $? -eq 0 ] || status=1
  logs+=("$TSAN/meson-logs/testlog.json")
else
  cat "$TSAN.setup.log"; build_failed tsan
fi
stage_done tsan

echo "total: $((SECONDS - START)) s"
if [ ${#BUILD_FAILURES[@]} -gt 0 ]; then
  { echo "1..${#BUILD_FAILURES[@]}"; i=0
    for f in "${BUILD_FAILURES[@]}"; do i=$((i + 1)); echo "not ok $i - $f tree did not build"; done
  } >"$BUILD.build-failures.tap"
  logs+=("$BUILD.build-failures.tap")
fi
python3 scripts/test_summary.py "${logs[@]}"
summary=$?
if [ $status -ne 0 ] || [ $summary -ne 0 ]; then exit 1; fi
exit 0
