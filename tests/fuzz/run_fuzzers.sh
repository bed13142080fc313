#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one for
# a given time on a scratch copy of its corpus, so the committed corpus stays
# small. Inputs that crash are left in tests/fuzz/crashes/<target>/ (ignored
# by git); minimise one and add it to tests/fuzz/corpus/<target>/ as a
# regression seed once the bug is fixed.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]    default 60 s, all targets
#
# FUZZ_BUILD=DIR picks the build directory (default build-fuzz; set up with
# clang and -Dfuzz=true when missing). Only the fuzz targets are built.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
BUILD="${FUZZ_BUILD:-build-fuzz}"

if [ ! -d "$BUILD" ]; then
  CC=clang CXX=clang++ meson setup "$BUILD" -Dfuzz=true -Dbench=false -Dbuildtype=debugoptimized
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
ninja -C "$BUILD" "${targets[@]/#/tests/fuzz/fuzz_}"

status=0
for t in "${targets[@]}"; do
  bin="$BUILD/tests/fuzz/fuzz_$t"
  if [ ! -x "$bin" ]; then echo "no fuzz binary for $t" >&2; status=1; continue; fi
  scratch=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$t/." "$scratch/"
  mkdir -p "tests/fuzz/crashes/$t"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  log="$scratch.log"
  if ! "$bin" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
       -artifact_prefix="tests/fuzz/crashes/$t/" "$scratch" >"$log" 2>&1; then
    status=1
    tail -n 40 "$log"
  fi
  # Coverage at start (seed corpus) and at the end, executions, new units.
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|new_units_added)' "$log" || true
  rm -f "$log"
  rm -rf "$scratch"
done
exit $status
