#!/usr/bin/python3
"""zksim joiners through the admin endpoint, end to end over TCP (TAP):
`/commands/start?server=4` for an id not in the config starts a non-voting
follower that serves clients; `reconfig -add` of its server_line makes it a
participant without dropping its client; a removed server keeps serving; a
server that a reconfig adds and zksim did not host listens on its client
port after the commit; bad joiner requests answer 400.

    joiner_cli.py ZKSIM_BINARY
"""
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reconfig_parity import (SUPER, connect, four_letter, free_port,  # noqa: E402
                             line_of, mode_of, serves)

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {name}" + ("" if ok else f" # {detail}"))


def admin(port, query):
    try:
        # Control commands need credentials: the super user's (--super).
        req = urllib.request.Request(f"http://127.0.0.1:{port}/commands/start?{query}",
                                     headers={"Authorization": "digest " + SUPER})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def main():
    zksim = sys.argv[1]
    p = subprocess.Popen([zksim, "serve", "--servers", "3", "--super", SUPER, "--admin-port", "0"],
                         stdout=subprocess.PIPE, text=True)
    try:
        connect_line = p.stdout.readline()
        admin_line = p.stdout.readline()
        ports = {i + 1: int(hp.rsplit(":", 1)[1])
                 for i, hp in enumerate(connect_line.split("connect:", 1)[1].strip().split(","))}
        admin_port = int(admin_line.strip().rsplit(":", 1)[1])

        status, out = admin(admin_port, "server=4")
        check("admin start of a new id starts a joiner", status == 200 and out.get("joiner"),
              repr(out))
        jport = out.get("client_port", 0)
        line = out.get("server_line", "")
        check("server_line names its client port",
              re.fullmatch(rf"server\.4=127\.0\.0\.1:\d+:\d+:participant;127\.0\.0\.1:{jport}",
                           line) is not None, line)
        joined = connect(jport)
        check("the joiner serves clients", isinstance(joined.get_config(), str))
        check("the joiner is a follower", mode_of(jport, "follower") == "follower")
        check("the joiner is not in the config", "server.4=" not in joined.get_config())

        s = connect(ports[1], auth=True)
        err, text = s.reconfig(joining=line)
        check("reconfig -add of the joiner", err == 0 and line_of(text, 4) == line, f"{err} {text}")
        check("the joiner kept its client", isinstance(joined.get_config(), str))
        err, text = s.reconfig(leaving="4")
        check("reconfig -remove of it", err == 0 and line_of(text, 4) is None, f"{err}")
        check("the removed server still serves", isinstance(joined.get_config(), str)
              and serves(jport))

        # A member zksim does not host yet is started at the commit.
        p5 = free_port()
        err, text = s.reconfig(joining=f"server.5=127.0.0.1:2885:3885:observer;127.0.0.1:{p5}")
        check("reconfig -add of an unhosted observer", err == 0, f"{err}")
        check("it listens on its client port and serves", serves(p5))
        check("it is an observer", "Mode: observer" in four_letter(p5, "srvr"))
        s.close()
        joined.close()

        status, out = admin(admin_port, "server=4")
        check("admin start of a hosted id is the ordinary start (no joiner)",
              status == 200 and "joiner" not in out, repr(out))
        status, out = admin(admin_port, "server=6&client_port=abc")
        check("admin start with a bad port: 400", status == 400, repr(out))
        status, out = admin(admin_port, "server=6&type=leader")
        check("admin start with a bad type: 400", status == 400, repr(out))
        status, out = admin(admin_port, f"server=6&client_port={ports[1]}")
        check("admin start on a port in use: 400", status == 400, repr(out))
    finally:
        p.terminate()
        p.wait(timeout=10)
    print(f"1..{len(results)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
