#!/usr/bin/env bash
# The README's main job: install the dependencies, build, and run the
# rolling-restart experiment (ZOOKEEPER-2748: 3 servers, 1,000 clients,
# restart A, B, C twice) and print its tables:
#   1. end to end: 1,000 SDK sessions in this process over TCP to zksim's
#      embedded 3-server ensemble, the four policies in turn (about a minute);
#   2. the same scenario in the model, all four policies side by side
#      (fixed-order as the Java client, herd-free, + shedding, + load-aware plans).
# Extra arguments go to both runs, e.g. `scripts/demo.sh --seed 7`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
# The same build folder and options as scripts/test.sh, which then builds
# only what is left; the demo itself needs only zksim.
BUILD=build
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" -Dwerror=true -Dbench=true
fi
ninja -C "$BUILD" server-sim/zksim

zksim="$BUILD/server-sim/zksim"
echo "== end to end (embedded zksim ensemble, SDK sessions over TCP) =="
# zksim's servers log every closed connection on stderr; keep only the runner's lines.
"$zksim" run rolling-restart "$@" 2> >(grep -v '^zksim: server' >&2)
echo
echo "== model (all four policies) =="
"$zksim" run rolling-restart --model "$@"
