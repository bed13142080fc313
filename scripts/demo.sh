#!/usr/bin/env bash
# The README's main job: install the dependencies, build, and run the
# rolling-restart experiment (ZOOKEEPER-2748: 3 servers, 1,000 clients,
# restart A, B, C twice; four policies side by side) and print its table.
#
# The end-to-end mode (SDK sessions over TCP to the embedded ensemble) is not
# implemented yet, so this runs the model (`--model`). Extra arguments are
# passed to `zksim run`, e.g. `scripts/demo.sh --seed 7 --plot plots`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
if [ ! -d build-demo ]; then
  meson setup build-demo
fi
ninja -C build-demo
exec build-demo/server-sim/zksim run rolling-restart --model --seed 1 "$@"
