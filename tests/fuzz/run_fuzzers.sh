#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one for
# a given time on a scratch copy of its corpus, so the committed corpus stays
# small. Inputs that crash are left in tests/fuzz/crashes/<target>/ (ignored
# by git); minimise one and add it to tests/fuzz/corpus/<target>/ as a
# regression seed once the bug is fixed.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS_PER_TARGET] [TARGET...]    default 60 s, all targets
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
BUILD=build-fuzz

if [ ! -d "$BUILD" ]; then
  CXX=clang++ meson setup "$BUILD" -Dfuzz=true -Dbench=false -Dbuildtype=debugoptimized
fi
ninja -C "$BUILD"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

status=0
for t in "${targets[@]}"; do
  bin="$BUILD/tests/fuzz/fuzz_$t"
  if [ ! -x "$bin" ]; then echo "no fuzz binary for $t" >&2; status=1; continue; fi
  scratch=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$t/." "$scratch/"
  mkdir -p "tests/fuzz/crashes/$t"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  if ! "$bin" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
       -artifact_prefix="tests/fuzz/crashes/$t/" "$scratch" 2>&1 | tail -n 12; then
    status=1
  fi
  rm -rf "$scratch"
done
exit $status
