#!/usr/bin/python3
"""`zksim serve --reconfig-commit-ms 400 --handoff-ms 300` over TCP (TAP): a
reconfig stays in flight 400 ms, so a second one sent 100 ms later from a
client of another server gets RECONFIGINPROGRESS (-14) once the first
commits; removing the leader leaves no server serving for about 300 ms,
then a new leader serves in a new epoch. Bad values exit 2 (CLI11's usage
error, bounded by its range check).

    reconfig_inflight_cli.py ZKSIM_BINARY
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reconfig_parity import (INPROGRESS, SUPER, connect, four_letter,  # noqa: E402
                             leader_of, line_of, version_of)

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + ("" if ok else f" # {detail}"))


def main():
    zksim = sys.argv[1]
    bad = subprocess.run([zksim, "serve", "--reconfig-commit-ms", "-5"], capture_output=True,
                         text=True, timeout=30)
    check("a negative --reconfig-commit-ms is refused", bad.returncode != 0, bad.stderr)
    p = subprocess.Popen([zksim, "serve", "--servers", "3", "--super", SUPER,
                          "--reconfig-commit-ms", "400", "--handoff-ms", "300"],
                         stdout=subprocess.PIPE, text=True)
    try:
        connect_line = p.stdout.readline()
        ports = {i + 1: int(hp.rsplit(":", 1)[1])
                 for i, hp in enumerate(connect_line.split("connect:", 1)[1].strip().split(","))}
        leader = leader_of(ports)
        a = connect(ports[1], auth=True)
        b = connect(ports[2], auth=True)
        c0 = a.get_config()
        t0 = time.monotonic()
        xa = a.reconfig_send(leaving="1")
        time.sleep(0.1)
        xb = b.reconfig_send(joining=line_of(c0, 1))
        ea, ca = a.reconfig_wait(xa)
        took = time.monotonic() - t0
        eb, _ = b.reconfig_wait(xb)
        check("the first reconfig commits", ea == 0, f"{ea}")
        # libuv timers run on the loop's cached millisecond clock, so a 400 ms
        # timer may fire a few ms early by this process's monotonic clock.
        check("after the commit delay (>= 0.4 s, 20 ms timer slack)", 0.38 <= took < 5, f"{took:.3f} s")
        check("the second gets RECONFIGINPROGRESS", eb == INPROGRESS, f"{eb}")
        a.close()
        b.close()

        s = connect(ports[2], auth=True)
        err, c1 = s.reconfig(joining=line_of(c0, 1))
        check("server 1 added back", err == 0, f"{err}")
        epoch = version_of(c1) >> 32
        xs = s.reconfig_send(leaving=str(leader))
        s.reconfig_wait(xs)
        t1 = time.monotonic()
        new_leader = leader_of({k: v for k, v in ports.items() if k != leader})
        waited = time.monotonic() - t1
        check("a remaining voter leads", new_leader not in (None, leader), f"{new_leader}")
        check("after the hand-off (>= 0.2 s without a leader, 20 ms slack)", waited >= 0.18, f"{waited:.3f} s")
        s2 = connect(ports[new_leader or 2])
        err, zxid = s2.create("/inflight")
        check("writes in a new epoch", err == 0 and zxid >> 32 == epoch + 1, f"{err} {zxid:x}")
        check("the old leader answers srvr as a follower",
              "Mode: follower" in four_letter(ports[leader], "srvr"))
        s2.close()
        s.close()
    finally:
        p.terminate()
        p.wait(timeout=10)
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
