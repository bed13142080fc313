#!/usr/bin/python3
"""zksim's admin endpoint as TAP: watches/watches_by_path/watch_summary/dump/
zabstate shaped as ZooKeeper 3.8's AdminServer answers (sessions as decimal
keys and numbers), read-only state over HTTP, and shed_connections'
Authorization header: control commands need the admin or super credentials
("digest user:password" or HTTP Basic; 401 otherwise), and that identity
needs ALL on "/" (ZooKeeper 3.9's rule; 403 without it).

    admin_http.py ZKSIM_BINARY
"""
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reconfig_parity import Session, ustr  # noqa: E402

results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def acl(entries):
    return struct.pack(">i", len(entries)) + b"".join(
        struct.pack(">i", perms) + ustr(scheme) + ustr(ident) for perms, scheme, ident in entries)


def http(base, method, path, body=None, auth=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    if auth is not None:
        req.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def digest(user_password):
    user = user_password.split(":")[0]
    return user + ":" + base64.b64encode(hashlib.sha1(user_password.encode()).digest()).decode()


def main():
    zksim = sys.argv[1]
    p = subprocess.Popen([zksim, "serve", "--servers", "3", "--admin-port", "0", "--read-only",
                          "--super", "admin:secret"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True)
    try:
        ports = [int(hp.rsplit(":", 1)[1]) for hp in
                 p.stdout.readline().split(" ", 1)[1].strip().split(",")]
        base = "http://" + p.stdout.readline().split(" ", 1)[1].strip()
        s = Session(ports[2])  # server 3, the leader
        sid = s.session_id
        err, _ = s.call(1, ustr("/e") + struct.pack(">i", 0) + acl([(31, "world", "anyone")]) +
                     struct.pack(">i", 1))
        ok(err == 0, "ephemeral created", err)
        s.call(4, ustr("/e") + b"\1")          # getData with a watch
        s.call(3, ustr("/zookeeper") + b"\1")  # exists with a watch

        _, w = http(base, "GET", "/commands/watches?server=3")
        ok(w.get("session_id_to_watched_paths") == {str(sid): ["/e", "/zookeeper"]},
           "watches: {\"<sid>\": [paths]}", w)
        _, w = http(base, "GET", "/commands/wchp?server=3")
        ok(w.get("command") == "watches_by_path" and
           w.get("path_to_session_ids") == {"/e": [sid], "/zookeeper": [sid]},
           "watches_by_path (alias wchp): {path: [sid]}", w)
        _, w = http(base, "GET", "/commands/watch_summary?server=3")
        ok((w.get("num_connections"), w.get("num_paths"), w.get("num_total_watches")) == (1, 2, 2),
           "watch_summary counts", w)
        _, d = http(base, "GET", "/commands/dump?server=3")
        buckets = d.get("expiry_time_to_session_ids", {})
        ok(d.get("session_id_to_ephemeral_paths") == {str(sid): ["/e"]} and
           [sid] in buckets.values() and all(int(k) % 2000 == 0 for k in buckets),
           "dump: tick-rounded expiry buckets and ephemerals", d)
        _, z = http(base, "GET", "/commands/zabstate?server=3")
        ok(z.get("is_leader") is True and z.get("myid") == 3 and z.get("voting") is True and
           z.get("zabstate") == "broadcast" and z.get("last_zxid", "").startswith("0x") and
           int(z["last_zxid"], 16) == (z.get("zab_epoch", 0) << 32 | z.get("zab_counter", 0)),
           "zabstate of the leader", z)
        _, z = http(base, "GET", "/commands/zabstate?server=1")
        ok(z.get("is_leader") is False and z.get("client_address") == f"127.0.0.1:{ports[0]}",
           "zabstate of a follower", z)

        _, m = http(base, "GET", "/commands/monitor?server=3")
        ok(len(m) > 500 and m.get("server_state") == "leader" and
           isinstance(m.get("avg_latency"), float) and m.get("learners") == 2 and
           "avg_1_learner_handler_qp_size" in m, "monitor: every mntr key, numbers as numbers",
           {k: m.get(k) for k in ("server_state", "avg_latency", "learners")})

        # Read-only over HTTP: isolate server 1.
        http(base, "GET", "/commands/isolate?server=1&on=true", auth="digest admin:secret")
        _, r = http(base, "GET", "/commands/is_read_only?server=1")
        ok(r.get("read_only") is True, "is_read_only of an isolated server (--read-only)", r)
        _, z = http(base, "GET", "/commands/zabstate?server=1")
        ok(z.get("voting") is False and z.get("zabstate") == "", "zabstate of a read-only server", z)
        _, r = http(base, "GET", "/commands/srvr?server=1")
        ok(r.get("read_only") is True and
           r.get("server_stats", {}).get("server_state") == "read-only", "srvr says read-only", r)
        http(base, "GET", "/commands/isolate?server=1&on=false", auth="digest admin:secret")
        _, r = http(base, "GET", "/commands/isro?server=1")
        ok(r.get("read_only") is False, "read-write again after heal", r)

        # shed_connections: the admin/super credentials, then ALL on "/".
        code, _ = http(base, "POST", "/commands/shed?server=2", {"percentage": 0},
                       "digest eve:pw")
        ok(code == 401, "credentials that are not the admin's: 401", code)
        basic = "Basic " + base64.b64encode(b"admin:secret").decode()
        code, _ = http(base, "POST", "/commands/shed?server=2", {"percentage": 0}, basic)
        ok(code == 200, "the super user's credentials as HTTP Basic may shed", code)
        err, _ = s.call(7, ustr("/") + acl([(31, "digest", digest("bob:pw")),
                                          (1, "world", "anyone")]) + struct.pack(">i", -1))
        ok(err == 0, "setACL / to digest bob ALL + world READ", err)
        for auth, want, name in [("digest bob:pw", 401, "bob (ALL on /, not admin): 401"),
                                 ("digest eve:pw", 401, "eve: 401"),
                                 ("digest admin:secret", 200, "the super user may shed"),
                                 ("ip", 401, "the ip identity is no credential: 401"),
                                 (None, 401, "no header: 401"),
                                 ("digest", 401, "digest without credentials: 401"),
                                 ("kerberos x", 401, "an unknown scheme: 401")]:
            code, body = http(base, "POST", "/commands/shed_connections?server=2",
                              {"percentage": 0}, auth)
            ok(code == want, f"shed_connections: {name}", (code, body))
    finally:
        p.terminate()
        p.wait(timeout=10)
    print(f"1..{len(results)}")
    for i, (good, name, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good:
            print(f"# {detail}")
    return 0 if all(g for g, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
