#!/usr/bin/python3
"""zksim serve's scripted faults seen by a real client (kazoo), as TAP:
a --timeline/--at kill and start of the server kazoo is connected to
(kazoo is suspended, then reconnects with the same session), read-only mode
(readonlymode.enabled) while that server is isolated, and bad entries
refused with exit 2 naming the entry. Skips itself without kazoo.

    timeline_kazoo.py ZKSIM_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def start_zksim(zksim, *args):
    p = subprocess.Popen([zksim, "serve", "--servers", "3", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if not line.startswith("connect: "):
        p.kill()
        raise RuntimeError(f"zksim did not start: {line!r}")
    hosts = line.split(" ", 1)[1].strip().split(",")
    lines = []
    t = threading.Thread(target=lambda: [lines.append(l.rstrip("\n")) for l in p.stdout],
                         daemon=True)
    t.start()
    return p, hosts, lines


def wait_for(pred, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def kill_and_start(zksim, KazooClient):
    with tempfile.TemporaryDirectory() as d:
        tl = os.path.join(d, "timeline.json")
        with open(tl, "w") as f:
            json.dump([{"at_ms": 3000, "action": "start", "server": 1}], f)
        p, hosts, log = start_zksim(zksim, "--timeline", tl, "--at", "1500:kill:1")
        try:
            states = []
            zk = KazooClient(hosts=hosts[0], timeout=10)
            zk.add_listener(lambda s: states.append((time.time(), s)))
            zk.start(timeout=10)
            t0 = time.time()
            sid = zk.client_id[0]
            zk.create("/tl", b"x", ephemeral=True)
            lost = wait_for(lambda: any(s == "SUSPENDED" for _, s in states), 5)
            lost_at = next((t for t, s in states if s == "SUSPENDED"), None)
            ok(lost, "kazoo sees the scripted kill (SUSPENDED)", f"states {states}")
            ok(lost_at is not None and 1.0 <= lost_at - t0 <= 3.0,
               "the kill comes about 1500 ms after start",
               f"{lost_at - t0 if lost_at else None:.3}s")
            back = wait_for(lambda: states and states[-1][1] == "CONNECTED", 8)
            ok(back and zk.client_id[0] == sid and zk.exists("/tl") is not None,
               "after the scripted start: same session, its ephemeral kept")
            ok(any("timeline t=" in l and "kill server 1" in l for l in log),
               "a log line for the kill", f"{log}")
            ok(any("start server 1" in l for l in log), "a log line for the start", f"{log}")
            zk.stop()
            zk.close()
        finally:
            p.terminate()
            p.wait(timeout=10)


def read_only(zksim, KazooClient, exc):
    p, hosts, log = start_zksim(zksim, "--read-only", "--at", "1000:isolate:1",
                                "--at", "4000:heal:1")
    try:
        states = []
        zk = KazooClient(hosts=hosts[0], timeout=10, read_only=True)
        zk.add_listener(lambda s: states.append(s))
        zk.start(timeout=10)
        zk.create("/ro", b"v")
        # The listener says CONNECTED either way; client_state tells RO apart.
        ok(wait_for(lambda: zk.client_state == "CONNECTED_RO", 2.5), "kazoo connects "
           "read-only to the isolated server (CONNECTED_RO)", f"{states} {zk.client_state}")
        try:
            got = zk.get("/ro")[0]
        except Exception as e:  # noqa: BLE001
            got = repr(e)
        ok(got == b"v", "reads are served in read-only mode", f"{got!r}")
        try:
            zk.create("/ro2", b"")
            err = None
        except exc.NotReadOnlyCallError:
            err = "NotReadOnlyCallError"
        except Exception as e:  # noqa: BLE001
            err = repr(e)
        ok(err == "NotReadOnlyCallError", "writes answer ZNOTREADONLY (-119)", f"{err}")
        ok(wait_for(lambda: zk.client_state == "CONNECTED", 8),
           "back to read-write after heal", f"{states} {zk.client_state}")
        zk.create("/ro3", b"")
        ok(zk.exists("/ro3") is not None, "writes work again")
        zk.stop()
        zk.close()
    finally:
        p.terminate()
        p.wait(timeout=10)


def bad_entries(zksim):
    with tempfile.TemporaryDirectory() as d:
        tl = os.path.join(d, "bad.json")
        with open(tl, "w") as f:
            json.dump([{"at_ms": 10, "action": "kill", "server": 1},
                       {"at_ms": 20, "action": "explode", "server": 1}], f)
        r = subprocess.run([zksim, "serve", "--timeline", tl], capture_output=True, text=True,
                           timeout=20)
        ok(r.returncode == 2 and "timeline entry 2 (at_ms 20): unknown action" in r.stderr,
           "a bad timeline entry is refused naming it", f"{r.returncode} {r.stderr!r}")
        r = subprocess.run([zksim, "serve", "--servers", "3", "--at", "10:kill:7"],
                           capture_output=True, text=True, timeout=20)
        ok(r.returncode == 2 and "no server 7" in r.stderr, "a step naming no server is refused",
           f"{r.returncode} {r.stderr!r}")


def main():
    zksim = sys.argv[1]
    bad_entries(zksim)
    try:
        from kazoo.client import KazooClient
        import kazoo.exceptions as exc
    except ImportError:
        print("1..0 # SKIP kazoo not installed")
        return 0
    kill_and_start(zksim, KazooClient)
    read_only(zksim, KazooClient, exc)
    print(f"1..{len(results)}")
    for i, (good, name, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good and detail:
            print(f"# {detail}")
    return 0 if all(g for g, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
