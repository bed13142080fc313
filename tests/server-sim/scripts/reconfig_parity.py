#!/usr/bin/python3
"""Reconfig parity: the same scenarios against a real ZooKeeper 3.8 ensemble
(tests/interop/zkensemble.py) and against zksim, driven with raw wire frames;
compares error codes, /zookeeper/config text modulo ports, version ordering.

    reconfig_parity.py ZKSIM_BINARY ZKENSEMBLE_PY              zksim vs a live ensemble
    reconfig_parity.py ZKSIM_BINARY ZKENSEMBLE_PY --real-only  print the live results as JSON
    reconfig_parity.py ZKSIM_BINARY - --expect FILE            zksim vs recorded results

FILE (tests/server-sim/data/reconfig_parity_real.json) holds the --real-only
output of a ZooKeeper 3.8 run, so CI without Java still compares.
Exit 0: same results; 1: a difference (printed); 77: skipped (no Java or
ZooKeeper jar for a live comparison).
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

SUPER = "super:zkbalance-test"
OK, BADARGS, MARSHALLING, NOAUTH, BADVERSION = 0, -8, -5, -102, -103


class Session:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.xid = 0
        body = struct.pack(">iqiqi", 0, 0, 30000, 0, 16) + b"\0" * 16 + b"\0"
        self._send(body)
        self._recv()

    def _send(self, payload):
        self.sock.sendall(struct.pack(">i", len(payload)) + payload)

    def _read(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed")
            out += chunk
        return out

    def _recv(self):
        (n,) = struct.unpack(">i", self._read(4))
        return self._read(n)

    def _call(self, xid, op, body):
        self._send(struct.pack(">ii", xid, op) + body)
        while True:
            p = self._recv()
            rxid, _zxid, err = struct.unpack(">iqi", p[:16])
            if rxid == xid:
                return err, p[16:]

    def auth(self, user_password):
        b = user_password.encode()
        body = struct.pack(">i", 0) + ustr("digest") + struct.pack(">i", len(b)) + b
        return self._call(-4, 100, body)[0]

    def get_config(self):
        self.xid += 1
        err, body = self._call(self.xid, 4, ustr("/zookeeper/config") + b"\0")
        return data_of(body) if err == 0 else err

    def reconfig(self, joining=None, leaving=None, members=None, version=-1):
        self.xid += 1
        body = ustr(joining) + ustr(leaving) + ustr(members) + struct.pack(">q", version)
        err, body = self._call(self.xid, 16, body)
        return err, (data_of(body) if err == 0 else None)

    def close(self):
        self.sock.close()


def ustr(s):
    if s is None:
        return struct.pack(">i", -1)
    b = s.encode()
    return struct.pack(">i", len(b)) + b


def data_of(body):
    (n,) = struct.unpack(">i", body[:4])
    return body[4:4 + n].decode()


def four_letter(port, word):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(word.encode())
        out = b""
        while True:
            c = s.recv(4096)
            if not c:
                return out.decode()
            out += c


def version_of(text):
    return int(text.rsplit("version=", 1)[1], 16)


def normal(text):
    """Config text modulo ports and version."""
    text = re.sub(r"version=[0-9a-f]+", "version=V", text)
    return re.sub(r":\d+", ":P", text)


def line_of(text, sid):
    for line in text.splitlines():
        if line.startswith(f"server.{sid}="):
            return line
    return None


def scenarios(ports):
    """Runs every scenario; `ports` maps server id -> client port."""
    leader = None
    for sid, port in sorted(ports.items()):
        if "Mode: leader" in four_letter(port, "srvr"):
            leader = sid
    follower = min(s for s in ports if s != leader)
    res = []
    s = Session(ports[leader])
    c0 = s.get_config()
    res.append(("initial config", normal(c0)))
    res.append(("remove without auth", s.reconfig(leaving=str(follower))[0]))
    s.close()
    s = Session(ports[leader])
    res.append(("auth", s.auth(SUPER)))
    res.append(("wrong version", s.reconfig(leaving=str(follower),
                                            version=version_of(c0) + 12345)[0]))
    res.append(("bad spec", s.reconfig(joining="server.9=127.0.0.1:abc:def;1234")[0]))
    res.append(("-remove abc", s.reconfig(leaving="abc")[0]))
    err, c1 = s.reconfig(leaving=str(follower))
    res.append(("remove follower", err))
    res.append(("after remove", normal(c1) if c1 else None))
    err, c2 = s.reconfig(joining=line_of(c0, follower), version=version_of(c1) if c1 else -1)
    res.append(("add back (conditional, right version)", err))
    res.append(("after add", normal(c2) if c2 else None))
    res.append(("same as initial modulo version", c2 is not None and normal(c2) == normal(c0)))
    res.append(("version order v0 < v1 < v2",
                c1 is not None and c2 is not None
                and version_of(c0) < version_of(c1) < version_of(c2)))
    res.append(("getData after", normal(s.get_config())))
    s.close()
    return res


def run_real(zkensemble):
    d = tempfile.mkdtemp(prefix="zkparity-")
    try:
        desc = json.loads(subprocess.run([sys.executable, zkensemble, "start", d, "--servers", "3"],
                                         check=True, capture_output=True, text=True).stdout)
        subprocess.run([sys.executable, zkensemble, "wait", d, "--timeout", "90"], check=True,
                       capture_output=True)
        return scenarios({s["id"]: s["client_port"] for s in desc["servers"]})
    finally:
        subprocess.run([sys.executable, zkensemble, "stop", d], capture_output=True)
        shutil.rmtree(d, ignore_errors=True)


def run_sim(zksim):
    p = subprocess.Popen([zksim, "serve", "--servers", "3", "--super", SUPER],
                         stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        connect = line.split("connect:", 1)[1].strip()
        ports = {i + 1: int(hp.rsplit(":", 1)[1]) for i, hp in enumerate(connect.split(","))}
        return scenarios(ports)
    finally:
        p.terminate()
        p.wait(timeout=10)


def main():
    zksim, zkensemble = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else ""
    if mode == "--expect":
        with open(sys.argv[4]) as f:
            real = [tuple(r) for r in json.load(f)]
        sim = run_sim(zksim)
    elif shutil.which("java") is None or not os.path.exists("/usr/share/java/zookeeper.jar"):
        print("# SKIP: no java or /usr/share/java/zookeeper.jar")
        return 77
    elif mode == "--real-only":
        print(json.dumps(run_real(zkensemble), indent=1))
        return 0
    else:
        sim = run_sim(zksim)
        real = run_real(zkensemble)
    for k, v in sim:
        print(f"zksim {k}: {v!r}")
    diffs = [(k, a, b) for (k, a), (_, b) in zip(sim, real) if a != b]
    if len(sim) != len(real):
        diffs.append(("number of results", len(sim), len(real)))
    for k, a, b in diffs:
        print(f"DIFF {k}: zksim {a!r} real {b!r}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
