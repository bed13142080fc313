#!/usr/bin/python3
"""`zksim serve --config`: a bad file exits 2 naming the line; a reconfig
writes zoo.cfg.dynamic.<hex> and points the static file at it; the first
config's version is the one in the dynamic file's name.

    serve_config_cli.py ZKSIM_BINARY
"""
import os
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reconfig_parity import SUPER, Session, version_of  # noqa: E402


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def main():
    zksim = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.cfg")
        with open(bad, "w") as f:
            f.write("tickTime=2000\ndataDir=/tmp/x\nserver.1=127.0.0.1:1:2;3\n"
                    "server.2=127.0.0.1:2781:participant;2792\n")
        r = subprocess.run([zksim, "serve", "--config", bad], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 2 or f"{bad}: line 4:" not in r.stderr:
            failures.append(f"bad config: exit {r.returncode}, stderr {r.stderr!r}")

        ports = free_ports(3)
        dyn = os.path.join(d, "zoo.cfg.dynamic.100000000")
        with open(dyn, "w") as f:
            for i, p in enumerate(ports, 1):
                f.write(f"server.{i}=127.0.0.1:{2880 + i}:{3880 + i}:participant;127.0.0.1:{p}\n")
        cfg = os.path.join(d, "zoo.cfg")
        with open(cfg, "w") as f:
            f.write(f"tickTime=2000\ndataDir={d}\nreconfigEnabled=true\ndynamicConfigFile={dyn}\n")
        p = subprocess.Popen([zksim, "serve", "--config", cfg, "--super", SUPER],
                             stdout=subprocess.PIPE, text=True)
        try:
            line = p.stdout.readline()
            if str(ports[2]) not in line:
                failures.append(f"connect string {line!r} lacks port {ports[2]}")
            s = Session(ports[2])
            s.auth(SUPER)
            err, text = s.reconfig(leaving="1")
            s.close()
            if err != 0:
                failures.append(f"reconfig: {err}")
            else:
                name = os.path.join(d, f"zoo.cfg.dynamic.{version_of(text):x}")
                want = "\n".join(sorted(l for l in text.splitlines()
                                        if not l.startswith("version=")))
                got = open(name).read() if os.path.exists(name) else None
                if got != want:
                    failures.append(f"{name}: {got!r}, want {want!r}")
                static = open(cfg).read()
                if f"dynamicConfigFile={os.path.realpath(name)}\n" not in static:
                    failures.append(f"static file: {static!r}")
        finally:
            p.terminate()
            p.wait(timeout=10)

        # The first config's version comes from the dynamic file's name, and
        # later versions (zxids of a later epoch) stay greater.
        ports = free_ports(3)
        dyn = os.path.join(d, "v.cfg.dynamic.300000002")
        with open(dyn, "w") as f:
            for i, p in enumerate(ports, 1):
                f.write(f"server.{i}=127.0.0.1:{2880 + i}:{3880 + i}:participant;127.0.0.1:{p}\n")
        cfg = os.path.join(d, "v.cfg")
        with open(cfg, "w") as f:
            f.write(f"tickTime=2000\ndataDir={d}\nreconfigEnabled=true\ndynamicConfigFile={dyn}\n")
        p = subprocess.Popen([zksim, "serve", "--config", cfg, "--super", SUPER],
                             stdout=subprocess.PIPE, text=True)
        try:
            p.stdout.readline()
            s = Session(ports[0])
            first = version_of(s.get_config())
            if first != 0x300000002:
                failures.append(f"initial version {first:x}, want 300000002 (file name)")
            s.auth(SUPER)
            err, text = s.reconfig(leaving="3")
            s.close()
            if err != 0 or version_of(text) <= first:
                failures.append(f"reconfig after a file version: err {err}, "
                                f"version {version_of(text):x} not above {first:x}")
        finally:
            p.terminate()
            p.wait(timeout=10)
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
