#!/usr/bin/python3
"""Security checks of zksim over its sockets, as TAP (docs/testing.md,
"Security checks"), with ZooKeeper 3.8 as the reference where it has the
feature:

- the admin endpoint binds 127.0.0.1 unless --admin-address says otherwise;
  its control commands (shed_connections, kill, start, isolate, lag) refuse
  callers without the --admin-auth(-file)/--super credentials (401; 403 when
  none are configured), read-only commands stay open; zkcli shed passes
  -admin-auth;
- four-letter words honour the whitelist (default srvr only, as 3.8) with
  ZooKeeper's exact refusal, compared with a real server's;
- a frame over jute.maxbuffer closes that connection (as a real server
  does) and zksim logs ZooKeeper's "Len error" reason; one at the limit is
  served;
- a client pipelining 100,000 requests without reading cannot grow zksim's
  memory without bound (reading stops), and is served once it reads.

    security_cli.py ZKSIM ZKCLI [ZKENSEMBLE_PY]

Without ZKENSEMBLE_PY, Java or the ZooKeeper jar, the comparisons with a
real server are reported as skipped. Takes about 10 s (plus about 15 s to
start one real ZooKeeper server).
"""
import base64
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reconfig_parity import OPEN_ACL, Session, four_letter, ustr  # noqa: E402

results = []
REFUSED = "{} is not executed because it is not in the whitelist.\n"


def check(name, ok, detail=""):
    results.append((bool(ok), name, "" if ok else str(detail)[:600], None))


def skip(name, reason):
    results.append((True, name, "", reason))


def http(host, port, method, path, auth=None, body=None):
    """(status, JSON body, headers)."""
    req = urllib.request.Request(f"http://{host}:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode())
    if auth is not None:
        req.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), dict(e.headers)


def refused(host, port):
    try:
        socket.create_connection((host, port), timeout=5).close()
        return False
    except ConnectionRefusedError:
        return True


class Zksim:
    def __init__(self, zksim, *args):
        self.err = tempfile.TemporaryFile(mode="w+")
        self.p = subprocess.Popen([zksim, "serve", "--client-port-base", "0", *args],
                                  stdout=subprocess.PIPE, stderr=self.err, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("connect: "):
            raise RuntimeError("zksim did not start: " + line + self.stderr())
        self.ports = [int(hp.rsplit(":", 1)[1]) for hp in line.split(" ", 1)[1].strip().split(",")]
        self.admin = None
        if "--admin-port" in args:
            hp = self.p.stdout.readline().split(" ", 1)[1].strip()
            self.admin = (hp.rsplit(":", 1)[0], int(hp.rsplit(":", 1)[1]))

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=10)


def admin_checks(zksim, zkcli):
    # No credentials configured: reads open, control commands disabled.
    z = Zksim(zksim, "--servers", "3", "--admin-port", "0")
    try:
        host, port = z.admin
        check("admin endpoint binds 127.0.0.1 by default", host == "127.0.0.1", z.admin)
        check("admin endpoint is not reachable on 127.0.0.2 (bound to one address)",
              refused("127.0.0.2", port))
        code, body, _ = http(host, port, "GET", "/commands/srvr?server=1")
        check("read-only command open without credentials", code == 200 and body["error"] is None,
              (code, body))
        code, body, _ = http(host, port, "POST", "/commands/shed_connections?server=1",
                             body={"percentage": 100})
        check("shed_connections without configured credentials: 403 naming --admin-auth",
              code == 403 and "--admin-auth" in body.get("error", ""), (code, body))
        code, body, _ = http(host, port, "GET", "/commands/kill?server=2",
                             auth="digest anyone:pw")
        check("kill without configured credentials: 403, server 2 still serves",
              code == 403 and "Mode: " in four_letter(z.ports[1], "srvr"), (code, body))
    finally:
        z.stop()

    tmp = tempfile.mkdtemp(prefix="zksim-sec-")
    try:
        creds = os.path.join(tmp, "admin.cred")
        with open(creds, "w") as f:
            f.write("op:s3cret\n")
        z = Zksim(zksim, "--servers", "3", "--admin-port", "0", "--admin-address", "127.0.0.2",
                  "--admin-auth-file", creds)
        try:
            host, port = z.admin
            check("--admin-address 127.0.0.2 binds there", host == "127.0.0.2", z.admin)
            check("... and not on 127.0.0.1", refused("127.0.0.1", port))
            basic = "Basic " + base64.b64encode(b"op:s3cret").decode()
            for cmd in ("kill?server=3", "start?server=3", "isolate?server=2&on=false",
                        "lag?server=2&ms=0"):
                code, body, hdrs = http(host, port, "GET", "/commands/" + cmd)
                check(f"{cmd.split('?')[0]} without credentials: 401 with WWW-Authenticate",
                      code == 401 and "Basic" in hdrs.get("WWW-Authenticate", ""), (code, body))
                code, body, _ = http(host, port, "GET", "/commands/" + cmd, auth="digest op:wrong")
                check(f"{cmd.split('?')[0]} with a wrong password: 401", code == 401, (code, body))
            code, body, _ = http(host, port, "GET", "/commands/kill?server=3", auth="digest op:s3cret")
            check("kill with the --admin-auth-file credentials (digest): 200",
                  code == 200 and body["error"] is None and four_letter(z.ports[2], "srvr") == "",
                  (code, body))
            code, body, _ = http(host, port, "GET", "/commands/start?server=3", auth=basic)
            check("start with the credentials as HTTP Basic: 200",
                  code == 200 and body["error"] is None, (code, body))
            code, body, _ = http(host, port, "GET", "/commands/connections?server=1")
            check("connections (read-only) open", code == 200, (code, body))
            code, body, _ = http(host, port, "POST", "/commands/shed_connections?server=1",
                                 auth="digest op:s3cret", body={"count": 0})
            check("shed_connections with the credentials: 200", code == 200 and body["error"] is None,
                  (code, body))
            admin = f"{host}:{port}"
            connect = ",".join(f"127.0.0.1:{p}" for p in z.ports)
            r = subprocess.run([zkcli, "-server", connect, "-admin", admin, "shed", "1", "--count",
                                "0", "--json"], capture_output=True, text=True, timeout=60)
            check("zkcli shed without -admin-auth: refused, naming the header",
                  r.returncode == 1 and "Authorization" in r.stderr, (r.returncode, r.stderr))
            r = subprocess.run([zkcli, "-server", connect, "-admin", admin, "-admin-auth",
                                "op:s3cret", "shed", "1", "--count", "0", "--json"],
                               capture_output=True, text=True, timeout=60)
            check("zkcli -admin-auth op:s3cret shed: done",
                  r.returncode == 0 and '"connections_shed":0' in r.stdout.replace(" ", ""),
                  (r.returncode, r.stdout, r.stderr))
            env = dict(os.environ, ZKCLI_ADMIN_AUTH="op:s3cret")
            r = subprocess.run([zkcli, "-server", connect, "-admin", admin, "shed", "1", "--count",
                                "0", "--json"], capture_output=True, text=True, timeout=60, env=env)
            check("zkcli shed with ZKCLI_ADMIN_AUTH: done", r.returncode == 0, (r.returncode, r.stderr))
        finally:
            z.stop()
        with open(creds, "w") as f:
            f.write("no-colon\n")
        r = subprocess.run([zksim, "serve", "--admin-port", "0", "--admin-auth-file", creds],
                           capture_output=True, text=True, timeout=30)
        check("an --admin-auth-file without user:password: exit 2 naming the file",
              r.returncode == 2 and creds in r.stderr and "user:password" in r.stderr,
              (r.returncode, r.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def whitelist_checks(zksim, real_port):
    z = Zksim(zksim, "--servers", "1")
    try:
        p = z.ports[0]
        check("default whitelist: srvr answers", "Zookeeper version" in four_letter(p, "srvr"))
        for w in ("cons", "ruok", "mntr", "shed"):
            got = four_letter(p, w)
            check(f"default whitelist: {w} refused with ZooKeeper's text", got == REFUSED.format(w),
                  repr(got))
    finally:
        z.stop()
    z = Zksim(zksim, "--servers", "1", "--4lw-whitelist", "ruok")
    try:
        p = z.ports[0]
        sim = {w: four_letter(p, w) for w in ("ruok", "stat", "cons", "srvr")}
        check("--4lw-whitelist ruok: ruok answers imok", sim["ruok"] == "imok", sim)
        check("... srvr still answers (3.8 always adds it)", "Zookeeper version" in sim["srvr"], sim)
        if real_port is None:
            skip("... refusals byte-identical to ZooKeeper 3.8's", "no real ZooKeeper")
        else:
            real = {w: four_letter(real_port, w) for w in ("ruok", "stat", "cons")}
            check("... ruok/stat/cons replies byte-identical to ZooKeeper 3.8's (same whitelist)",
                  all(sim[w] == real[w] for w in real) and real["cons"] == REFUSED.format("cons"),
                  (sim, real))
    finally:
        z.stop()


def frame_probe(port, length):
    """Sends a frame whose length prefix is `length` (body: getData of "/"
    padded) on a fresh session; True when the server closed the connection."""
    s = Session(port)
    try:
        s.sock.settimeout(10)
        s.sock.sendall(struct.pack(">i", length) + struct.pack(">ii", 1, 4) + ustr("/") + b"\0")
        try:
            return s.sock.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
    finally:
        s.close()


def create_of_frame(port, path, frame_len):
    """A create of `path` whose frame payload is exactly frame_len bytes:
    (error code, or None if the connection closed)."""
    s = Session(port)
    try:
        fixed = 8 + len(ustr(path)) + 4 + len(OPEN_ACL) + 4
        data = b"d" * (frame_len - fixed)
        body = ustr(path) + struct.pack(">i", len(data)) + data + OPEN_ACL + struct.pack(">i", 0)
        try:
            return s.call(1, body)[0]
        except (ConnectionError, OSError):
            return None
    finally:
        s.close()


def frame_checks(zksim, real):
    limit = 65536
    z = Zksim(zksim, "--servers", "1", "--jute-maxbuffer", str(limit))
    try:
        p = z.ports[0]
        check("zksim --jute-maxbuffer 65536: a create whose frame is exactly the limit is served",
              create_of_frame(p, "/sec-at-limit", limit) == 0)
        closed = frame_probe(p, limit + 1)
        check("... a frame one byte over closes the connection", closed)
        deadline = time.time() + 10
        while "Len error" not in z.stderr() and time.time() < deadline:
            time.sleep(0.05)
        line = next((l for l in z.stderr().splitlines() if "Len error" in l), "")
        want = (f"with advertised length of {limit + 1} is either a malformed message or too "
                f"large to process (length is greater than jute.maxbuffer={limit})")
        check("... and logs ZooKeeper's Len error reason", want in line, line)
        check("... the server keeps serving others", "Zookeeper version" in four_letter(p, "srvr"))
    finally:
        z.stop()
    if real is None:
        skip("ZooKeeper 3.8 with jute.maxbuffer=65536 does the same", "no real ZooKeeper")
        return
    port, _ = real
    at = create_of_frame(port, "/sec-at-limit", limit)
    closed = frame_probe(port, limit + 1)
    # Debian's ZooKeeper 3.8 logs nothing here (SLF4J without a binding), so
    # only its behaviour is compared; the reason's text is
    # NIOServerCnxn.readLength's.
    check("ZooKeeper 3.8 with jute.maxbuffer=65536: the frame at the limit is served, one over "
          "closes the connection", at == 0 and closed, (at, closed))


def rx_queue(local_port, remote_port):
    """Bytes received and not yet read by the application on the loopback
    socket local_port <- remote_port (/proc/net/tcp rx_queue); -1 if none."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    lp = int(fields[1].rsplit(":", 1)[1], 16)
                    rp = int(fields[2].rsplit(":", 1)[1], 16)
                    if lp == local_port and rp == remote_port:
                        return int(fields[4].split(":")[1], 16)
        except OSError:
            pass
    return -1


def cpu_ticks(pid):
    """utime + stime of `pid` in clock ticks (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def flood_check(zksim):
    n = 100000
    data_size = 4096
    z = Zksim(zksim, "--servers", "1")
    try:
        port = z.ports[0]
        s = Session(port)
        body = ustr("/flood") + struct.pack(">i", data_size) + b"f" * data_size + OPEN_ACL + \
            struct.pack(">i", 0)
        check("flood: node of 4 KiB created", s.call(1, body)[0] == 0)
        rss_before = rss_kib(z.p.pid, "VmRSS")
        req = ustr("/flood") + b"\0"
        frame_size = 4 + 8 + len(req)
        frames = b"".join(struct.pack(">iii", 8 + len(req), 1000 + i, 4) + req for i in range(n))
        sock = s.sock
        sock.setblocking(False)
        sent, stalled = 0, False
        # Phase 1: send without reading until the server stops reading
        # (the socket stays unwritable for 2 s) or everything is sent.
        while sent < len(frames):
            try:
                sent += sock.send(frames[sent:sent + 65536])
            except BlockingIOError:
                _, w, _ = select.select([], [sock], [], 2.0)
                if not w:
                    stalled = True
                    break
        hwm_stalled = rss_kib(z.p.pid, "VmHWM")
        # Loopback buffers may hold all 2.3 MB of requests, so whether zksim
        # stopped reading shows in its socket's receive queue: bytes there,
        # unchanged for a second while zksim is idle (its CPU time grows by
        # less than a tenth of that second: not just busy elsewhere).
        client_port = sock.getsockname()[1]
        q1, c1 = -1, -1
        q2, c2 = rx_queue(port, client_port), cpu_ticks(z.p.pid)
        deadline = time.time() + 20
        while not (q2 > 0 and q1 == q2 and c2 - c1 < 10) and time.time() < deadline:
            time.sleep(1.0)
            q1, c1 = q2, c2
            q2, c2 = rx_queue(port, client_port), cpu_ticks(z.p.pid)
        check(f"flood: zksim stopped reading a client that does not read "
              f"({sent // frame_size} of {n} requests sent{', sender blocked' if stalled else ''}; "
              f"{q2} bytes left unread in its socket, zksim idle)",
              q2 > 0 and q1 == q2 and c2 - c1 < 10, (q1, q2, c1, c2))
        # Phase 2: read every reply (and send the rest).
        buf, replies, bad, expect = b"", 0, 0, 1000
        deadline = time.time() + 120
        while replies < n and time.time() < deadline:
            want_w = [sock] if sent < len(frames) else []
            r, w, _ = select.select([sock], want_w, [], 5.0)
            if w:
                try:
                    sent += sock.send(frames[sent:sent + 65536])
                except BlockingIOError:
                    pass
            if r:
                chunk = sock.recv(1 << 20)
                if not chunk:
                    break
                buf += chunk
                pos = 0
                while len(buf) - pos >= 4:
                    (ln,) = struct.unpack(">i", buf[pos:pos + 4])
                    if len(buf) - pos < 4 + ln:
                        break
                    xid, _, err = struct.unpack(">iqi", buf[pos + 4:pos + 20])
                    if xid != expect or err != 0:
                        bad += 1
                    expect += 1
                    replies += 1
                    pos += 4 + ln
                buf = buf[pos:]
        hwm = rss_kib(z.p.pid, "VmHWM")
        growth_mib = (hwm - rss_before) / 1024
        unbounded_mib = n * (data_size + 100) / (1 << 20)
        check(f"flood: all {n} requests answered in order once the client reads "
              f"({replies} replies, {bad} out of order or failed)", replies == n and bad == 0,
              (replies, bad))
        check(f"flood: zksim's peak RSS grew {growth_mib:.1f} MiB (< 64; unbounded replies "
              f"would be {unbounded_mib:.0f} MiB; {hwm_stalled // 1024} MiB when stalled)",
              0 <= growth_mib < 64, (rss_before, hwm))
        s.close()
    finally:
        z.stop()


def start_real(script, tmp):
    """One real ZooKeeper 3.8 server (quorum mode) with whitelist ruok and
    jute.maxbuffer=65536: (client port, its directory), or None."""
    if script is None or not os.path.exists("/usr/share/java/zookeeper.jar") or \
            shutil.which("java") is None:
        return None
    r = subprocess.run([sys.executable, script, "start", tmp, "--servers", "1",
                        "--4lw-whitelist", "ruok", "--jute-maxbuffer", "65536"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        print("# zkensemble start failed: " + r.stderr[-400:])
        return None
    desc = json.loads(r.stdout)
    w = subprocess.run([sys.executable, script, "wait", tmp, "--timeout", "90"],
                       capture_output=True, text=True, timeout=120)
    if w.returncode != 0:
        print("# zkensemble wait failed: " + w.stderr[-400:])
        return None
    return desc["servers"][0]["client_port"], os.path.join(tmp, "s1")


def main():
    zksim, zkcli = sys.argv[1], sys.argv[2]
    script = sys.argv[3] if len(sys.argv) > 3 else None
    tmp = tempfile.mkdtemp(prefix="zk-sec-real-")
    real = None
    try:
        real = start_real(script, tmp)
        admin_checks(zksim, zkcli)
        whitelist_checks(zksim, real[0] if real else None)
        frame_checks(zksim, real)
        flood_check(zksim)
    except Exception as e:  # a crash is a failed check, with its reason
        check("no exception", False, repr(e))
    finally:
        if script is not None and os.path.exists(os.path.join(tmp, "ensemble.json")):
            subprocess.run([sys.executable, script, "stop", tmp], capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (good, name, detail, why) in enumerate(results, 1):
        suffix = f" # SKIP {why}" if why else ""
        print(f"{'ok' if good else 'not ok'} {i} - {name}{suffix}")
        if detail:
            print(f"# {detail}")
    return 0 if all(g for g, _, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
