#!/usr/bin/python3
"""`zksim run --ensemble` against a real ZooKeeper 3.8 ensemble (TAP).

Starts 3 servers with tests/interop/zkensemble.py, then runs a small scenario
(60 clients: restart a follower, then a load-aware plan) with the hook
zk_hook.py, which stops and starts the server by its pid. Checks: without
--hook the run is refused (exit 2) naming the restart step; with it, no
session is lost, the restarted server comes back empty (herd-free failover,
no migration), every client is counted, and the plan leaves max/mean within
the binomial bound. Skips without Java or the ZooKeeper jar. Bounded: every
zksim run has a timeout and the ensemble is stopped by pid at the end.

    ensemble_run.py ZKSIM
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ZKENSEMBLE = os.path.join(HERE, "..", "..", "interop", "zkensemble.py")
HOOK = os.path.join(HERE, "zk_hook.py")
CLIENTS = 60
SEED = 3

n = 0


def ok(cond, what):
    global n
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {what}", flush=True)
    return cond


def mode(port):
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2.0) as s:
            s.sendall(b"srvr")
            out = s.makefile("rb").read().decode(errors="replace")
    except OSError:
        return ""
    for line in out.splitlines():
        if line.startswith("Mode: "):
            return line[6:].strip()
    return ""


def main():
    zksim = sys.argv[1]
    if not (os.path.exists("/usr/bin/java") and os.path.exists("/usr/share/java/zookeeper.jar")):
        print("1..0 # SKIP no Java or /usr/share/java/zookeeper.jar")
        return 0
    print("1..7", flush=True)
    base = tempfile.mkdtemp(prefix="zksim-run-ensemble-")
    try:
        desc = json.loads(subprocess.run(
            [sys.executable, ZKENSEMBLE, "start", base, "--servers", "3", "--tick", "500"],
            check=True, capture_output=True, text=True).stdout)
        subprocess.run([sys.executable, ZKENSEMBLE, "wait", base, "--timeout", "60"], check=True,
                       stdout=subprocess.DEVNULL)
        ports = [s["client_port"] for s in desc["servers"]]
        follower = next((i for i, p in enumerate(ports) if mode(p) == "follower"), 0)
        names = [f"zk{i + 1}:2181" for i in range(3)]
        scenario = {
            "type": "zkbalance-scenario", "name": "real-ensemble-restart",
            "clients": CLIENTS, "seed": SEED, "servers": names,
            "timeline": [
                {"op": "restart", "server": names[follower], "label": "restart a follower"},
                {"op": "plan", "label": "load-aware plan"}],
            "policies": [{"policy": "herd-free", "failover": "herd-free", "migration": "none"}]}
        path = os.path.join(base, "scenario.json")
        with open(path, "w") as f:
            json.dump(scenario, f)
        connect = desc["connect"]
        env = dict(os.environ, ZK_ENSEMBLE_DIR=base)
        print(f"# seed {SEED}, {CLIENTS} clients, restart zk{follower + 1} ({connect})", flush=True)

        refused = subprocess.run([zksim, "run", path, "--ensemble", connect, "--no-progress"],
                                 capture_output=True, text=True, timeout=60)
        ok(refused.returncode == 2, f"without --hook: exit 2 (got {refused.returncode})")
        ok("step 1 (\"restart a follower\")" in refused.stderr and "--hook" in refused.stderr,
           "without --hook: the message names the step and --hook: "
           + refused.stderr.strip().splitlines()[-1] if refused.stderr.strip() else "(no stderr)")

        run = subprocess.run([zksim, "run", path, "--ensemble", connect, "--hook", HOOK,
                              "--json", "-", "--no-progress"],
                             capture_output=True, text=True, timeout=240, env=env)
        for line in run.stderr.strip().splitlines()[-5:]:
            print(f"# {line}")
        if not ok(run.returncode == 0, f"with --hook: exit 0 (got {run.returncode})"):
            for _ in range(4):
                ok(False, "skipped: the run failed")
            return 1
        res = json.loads(run.stdout)
        steps = res["policies"][0]["steps"]
        for s in steps:
            print(f"# {s['step']}: counts {s['counts']} movers {s['movers']} "
                  f"max/mean {s['max_over_mean']:.3f} settle {s.get('settle_ms')} ms "
                  f"lost {s['sessions_lost']}")
        ok(all(s["sessions_lost"] == 0 for s in steps), "no session lost")
        ok(steps[0]["counts"][follower] == 0 and sum(steps[0]["counts"]) == CLIENTS,
           "the restarted server comes back empty; every client counted")
        ok(steps[0]["movers"] >= steps[0]["min_movers"] > 0, "the restarted server's clients moved")
        # 60 clients over 3 servers after a plan: each server Bin-like around
        # 20 (sd ~ 3.3); 1.5 is more than 3 sd above the mean share.
        ok(steps[1]["max_over_mean"] <= 1.5, f"after the plan max/mean {steps[1]['max_over_mean']:.3f} <= 1.5")
        return 0
    finally:
        subprocess.run([sys.executable, ZKENSEMBLE, "stop", base], stdout=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
