#!/usr/bin/python3
"""The --hook of `zksim run --ensemble` for a real ZooKeeper 3.8 ensemble
started by tests/interop/zkensemble.py (docs/experiments.md, "Against a real
ensemble").

    zk_hook.py kill|start <host:port> <k>
    zk_hook.py shed <host:port> <k> <form>=<value> [window_ms=<w>]

The ensemble's directory is $ZK_ENSEMBLE_DIR; the server is the one whose
client port is <port>. kill stops it by its pid (zkensemble.py stop-server);
start starts it again and waits (at most 60 s) until it answers `srvr` with
a mode. ZooKeeper 3.8 has no connection shedding: shed fails (exit 2).
"""
import json
import os
import subprocess
import sys
import time

ZKENSEMBLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "interop",
                          "zkensemble.py")
sys.path.insert(0, os.path.dirname(ZKENSEMBLE))
from zkensemble import four_letter  # noqa: E402


def main(argv):
    if len(argv) < 4 or argv[1] not in ("kill", "start", "shed"):
        print("usage: zk_hook.py kill|start|shed <host:port> <k> ...", file=sys.stderr)
        return 2
    action, server = argv[1], argv[2]
    base = os.environ.get("ZK_ENSEMBLE_DIR", "")
    if not base:
        print("zk_hook.py: ZK_ENSEMBLE_DIR is not set", file=sys.stderr)
        return 2
    if action == "shed":
        print("zk_hook.py: ZooKeeper 3.8 cannot shed connections", file=sys.stderr)
        return 2
    port = int(server.rsplit(":", 1)[1])
    with open(os.path.join(base, "ensemble.json")) as f:
        desc = json.load(f)
    ids = [s["id"] for s in desc["servers"] if s["client_port"] == port]
    if not ids:
        print(f"zk_hook.py: no server with client port {port} in {base}", file=sys.stderr)
        return 2
    cmd = "stop-server" if action == "kill" else "start-server"
    rc = subprocess.run([sys.executable, ZKENSEMBLE, cmd, base, str(ids[0])],
                        stdout=subprocess.DEVNULL).returncode
    if rc != 0 or action == "kill":
        return rc
    deadline = time.time() + 60
    while time.time() < deadline:
        if "Mode: " in four_letter(port, "srvr"):
            return 0
        time.sleep(0.2)
    print(f"zk_hook.py: server {ids[0]} not serving after 60 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
