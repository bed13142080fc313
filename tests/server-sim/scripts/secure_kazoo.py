#!/usr/bin/python3
"""zksim's TLS listeners and x509 identities seen by real TLS clients, as TAP:
kazoo (use_ssl, its own ssl module) and Python's ssl module speaking the
ZooKeeper handshake and whoami (OpCode 107) by hand. Certificates are made
at test time with the `openssl` command in a temporary directory (a CA, a
server certificate for 127.0.0.1, a client certificate, and a client
certificate from another CA); nothing is checked in.

Cases: operations and a watch over TLS under ssl.clientAuth=need, the x509
identity in whoami and in an ACL, a client without a certificate, one with
an untrusted certificate and one sending garbage each refused (the
connection closed, the reason logged) while zksim keeps serving; want
(no certificate accepted, a certificate gives x509), none (no certificate
asked: no x509 identity); a session and a DataWatch moving from a killed TLS
server to another; the plain port beside the TLS one; zoo.cfg's
secureClientPort/ssl.* keys; bad TLS options refused naming the problem.
Takes about 10 s. Skips itself without kazoo or the openssl command.

    secure_kazoo.py ZKSIM_BINARY
"""
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

results = []
CLIENT_DN = "CN=client-1,OU=tests,O=zkbalance,C=US"


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def sh(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)


def make_certs(d):
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "rogue"):
        sh("openssl", "req", "-x509", *ec, "-keyout", f"{ca}.key", "-out", f"{ca}.pem",
           "-days", "2", "-subj", f"/CN=zksim test {ca}", cwd=d)
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    certs = [("server", "/CN=localhost", "ca", ["-extfile", "san.ext"]),
             ("client", "/C=US/O=zkbalance/OU=tests/CN=client-1", "ca", []),
             ("stranger", "/CN=stranger", "rogue", [])]
    for name, subj, ca, extra in certs:
        sh("openssl", "req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subj,
           cwd=d)
        sh("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
           f"{ca}.key", "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", *extra, cwd=d)
    # ZooKeeper's PEM key store: key and certificate in one file.
    with open(os.path.join(d, "keystore.pem"), "w") as out:
        for part in ("server.key", "server.pem"):
            with open(os.path.join(d, part)) as f:
                out.write(f.read())


class Zksim:
    def __init__(self, zksim, d, *args):
        self.err_path = os.path.join(d, f"zksim-{time.time_ns()}.err")
        self.err = open(self.err_path, "w")
        self.p = subprocess.Popen([zksim, "serve", *args], stdout=subprocess.PIPE,
                                  stderr=self.err, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("connect: "):
            self.p.wait(timeout=10)
            log = self.log()
            self.stop()
            raise RuntimeError(f"zksim did not start: {line!r} {log!r}")
        self.plain = line.split(" ", 1)[1].strip().split(",")
        line = self.p.stdout.readline()
        if not line.startswith("secure-connect: "):
            self.p.terminate()
            self.stop()
            raise RuntimeError(f"no secure-connect line: {line!r}")
        self.secure = line.split(" ", 1)[1].strip().split(",")

    def log(self):
        self.err.flush()
        with open(self.err_path) as f:
            return f.read()

    def wait_log(self, text, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return True
            time.sleep(0.05)
        return text in self.log()

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait(timeout=10)
        self.err.close()


def tls_socket(hostport, d, cert=None, key=None):
    host, port = hostport.rsplit(":", 1)
    ctx = ssl.create_default_context(cafile=os.path.join(d, "ca.pem"))
    if cert:
        ctx.load_cert_chain(os.path.join(d, cert), os.path.join(d, key))
    raw = socket.create_connection((host, int(port)), timeout=5)
    return ctx.wrap_socket(raw, server_hostname=host)


def recv_frame(s):
    buf = b""
    while len(buf) < 4:
        chunk = s.recv(4 - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    n = struct.unpack(">i", buf)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            raise EOFError("connection closed")
        body += chunk
    return body


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def whoami(hostport, d, cert=None, key=None):
    """The (scheme, id) pairs whoami answers on a fresh TLS session."""
    with tls_socket(hostport, d, cert, key) as s:
        s.sendall(frame(struct.pack(">iqiqi16s?", 0, 0, 10000, 0, 16, b"\0" * 16, False)))
        recv_frame(s)
        s.sendall(frame(struct.pack(">ii", 1, 107)))
        body = recv_frame(s)
        xid, _zxid, err = struct.unpack(">iqi", body[:16])
        if err != 0:
            raise RuntimeError(f"whoami error {err}")
        pos = 16
        (count,) = struct.unpack(">i", body[pos:pos + 4])
        pos += 4
        out = []
        for _ in range(count):
            pair = []
            for _ in range(2):
                (n,) = struct.unpack(">i", body[pos:pos + 4])
                pos += 4
                pair.append(body[pos:pos + n].decode())
                pos += n
            out.append(tuple(pair))
        return out


def refused(hostport, d, cert=None, key=None):
    """True when a TLS client gets no ZooKeeper handshake answer: the
    handshake fails, or (TLS 1.3: the client finishes first) the server's
    alert or close arrives instead of the ConnectResponse."""
    try:
        with tls_socket(hostport, d, cert, key) as s:
            s.sendall(frame(struct.pack(">iqiqi16s?", 0, 0, 10000, 0, 16, b"\0" * 16, False)))
            recv_frame(s)
            return False
    except (ssl.SSLError, EOFError, ConnectionError, OSError):
        return True


def kazoo(KazooClient, hosts, d, cert=True, timeout=5):
    kw = dict(use_ssl=True, ca=os.path.join(d, "ca.pem"), verify_certs=True)
    if cert:
        kw.update(certfile=os.path.join(d, "client.pem"), keyfile=os.path.join(d, "client.key"))
    zk = KazooClient(hosts=hosts, timeout=timeout, **kw)
    return zk


def need_cases(zksim, d, KazooClient, exc, make_acl):
    z = Zksim(zksim, d, "--servers", "2", "--tls-cert", os.path.join(d, "server.pem"),
              "--tls-key", os.path.join(d, "server.key"), "--tls-ca", os.path.join(d, "ca.pem"),
              "--tls-client-auth", "need")
    try:
        ok(len(z.secure) == 2 and z.secure != z.plain, "one TLS listener per server",
           f"{z.plain} {z.secure}")
        zk = kazoo(KazooClient, z.secure[0], d)
        zk.start(timeout=10)
        zk.create("/t", b"one")
        seen = []
        zk.DataWatch("/t", lambda data, stat: seen.append(data))
        zk.set("/t", b"two")
        zk.create("/t/c", b"")
        deadline = time.time() + 5
        while b"two" not in seen and time.time() < deadline:
            time.sleep(0.02)
        ok(zk.get("/t")[0] == b"two" and zk.get_children("/t") == ["c"] and b"two" in seen,
           "need: kazoo with a certificate: create, set, get, children, a data watch",
           repr(seen))

        ids = whoami(z.secure[0], d, "client.pem", "client.key")
        ok(("x509", CLIENT_DN) in ids, "whoami shows the x509 subject in RFC 2253 form", repr(ids))

        acl = make_acl("x509", CLIENT_DN, all=True)
        zk.create("/x", b"secret", acl=[acl])
        got = zk.get("/x")[0]
        acl_seen = zk.get_acls("/x")[0]
        ok(got == b"secret" and acl_seen[0].id.scheme == "x509" and acl_seen[0].id.id == CLIENT_DN,
           "an x509 ACL admits its certificate", repr(acl_seen))
        from kazoo.client import KazooClient as Plain
        plain = Plain(hosts=z.plain[0], timeout=5)
        plain.start(timeout=10)
        try:
            plain.get("/x")
            ok(False, "the x509 ACL refuses a client without that identity (plain port)")
        except exc.NoAuthError:
            ok(True, "the x509 ACL refuses a client without that identity (plain port)")
        ok(plain.get("/t")[0] == b"two", "the plain port serves beside the TLS one")
        plain.stop()
        plain.close()

        ok(refused(z.secure[0], d), "need: a client without a certificate is refused")
        ok(z.wait_log("TLS handshake failed: error:0A0000C7:SSL routines::peer did not return a "
                      "certificate"), "need: the refusal is logged with its reason",
           z.log()[-400:])
        nocert = kazoo(KazooClient, z.secure[0], d, cert=False, timeout=2)
        try:
            nocert.start(timeout=3)
            ok(False, "need: kazoo without a certificate does not connect")
        except Exception as e:  # KazooTimeoutError
            ok(type(e).__name__ == "KazooTimeoutError",
               "need: kazoo without a certificate does not connect", repr(e))
        nocert.stop()
        nocert.close()
        ok(refused(z.secure[1], d, "stranger.pem", "stranger.key"),
           "need: a certificate from an untrusted CA is refused")
        ok(z.wait_log("certificate verify failed (certificate: unable to get local issuer "
                      "certificate)"), "the untrusted certificate's reason is logged",
           z.log()[-400:])

        failures = z.log().count("TLS handshake failed")
        host, port = z.secure[0].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"\x00\x00\x00\x2c" + b"not a TLS record at all" * 4)
            try:
                closed = s.recv(100) is not None  # b"" (closed) or an alert, then close
                while s.recv(100):
                    pass
            except (ConnectionError, socket.timeout):
                closed = True
        ok(closed, "malformed TLS closes that connection")
        deadline = time.time() + 5
        while z.log().count("TLS handshake failed") == failures and time.time() < deadline:
            time.sleep(0.05)
        ok(z.log().count("TLS handshake failed") == failures + 1,
           "malformed TLS: the closed connection's reason is logged", z.log()[-300:])
        ok(zk.get("/t")[0] == b"two", "zksim keeps serving its other TLS clients")
        zk.stop()
        zk.close()
    finally:
        z.stop()


def want_none_cases(zksim, d, KazooClient):
    common = ["--servers", "1", "--tls-cert", os.path.join(d, "server.pem"), "--tls-key",
              os.path.join(d, "server.key"), "--tls-ca", os.path.join(d, "ca.pem")]
    z = Zksim(zksim, d, *common, "--tls-client-auth", "want", "--x509-super-user", CLIENT_DN)
    try:
        zk = kazoo(KazooClient, z.secure[0], d, cert=False)
        zk.start(timeout=10)
        ok(zk.exists("/") is not None, "want: kazoo without a certificate connects")
        zk.stop()
        zk.close()
        anon = whoami(z.secure[0], d)
        ok(not any(s == "x509" for s, _ in anon), "want: no certificate, no x509 identity",
           repr(anon))
        ids = whoami(z.secure[0], d, "client.pem", "client.key")
        ok(("x509", CLIENT_DN) in ids, "want: a certificate gives the x509 identity", repr(ids))
        ok(("super", "") in ids, "--x509-super-user: that subject is also super",
           repr(ids))
        ok(refused(z.secure[0], d, "stranger.pem", "stranger.key"),
           "want: an untrusted certificate is still refused")
    finally:
        z.stop()
    z = Zksim(zksim, d, *common, "--tls-client-auth", "NONE")
    try:
        zk = kazoo(KazooClient, z.secure[0], d, cert=True)
        zk.start(timeout=10)
        ok(zk.exists("/") is not None, "none: kazoo with a certificate connects")
        zk.stop()
        zk.close()
        ids = whoami(z.secure[0], d, "client.pem", "client.key")
        ok(not any(s == "x509" for s, _ in ids),
           "none: no certificate is asked for, no x509 identity", repr(ids))
    finally:
        z.stop()


def move_case(zksim, d, KazooClient):
    """A session moves between TLS servers: server 1 is killed 4 s after the
    start (--at), kazoo reconnects to another TLS listener with the same
    session and a DataWatch still sees changes."""
    z = Zksim(zksim, d, "--servers", "3", "--tls-cert", os.path.join(d, "server.pem"),
              "--tls-key", os.path.join(d, "server.key"), "--tls-ca", os.path.join(d, "ca.pem"),
              "--at", "4000:kill:1")
    try:
        states = []
        zk = kazoo(KazooClient, ",".join(z.secure), d, timeout=10)
        zk.randomize_hosts = False
        zk._connection.retry_sleeper.max_delay = 0.2
        zk.add_listener(lambda s: states.append(s))
        zk.start(timeout=3)
        before = zk._connection._socket.getpeername()[1]
        session = zk.client_id[0]
        zk.create("/moved", b"0")
        seen = []
        zk.DataWatch("/moved", lambda data, stat: seen.append(data))
        deadline = time.time() + 15
        while time.time() < deadline and ("SUSPENDED" not in states or
                                          states[-1] != "CONNECTED"):
            time.sleep(0.05)
        after = zk._connection._socket.getpeername()[1]
        ok(before == int(z.secure[0].rsplit(":", 1)[1]) and after != before and
           zk.client_id[0] == session and states[-1] == "CONNECTED",
           "a session moves from a killed TLS server to another one",
           f"before {before} after {after} states {states} {z.secure}")
        other = kazoo(KazooClient, z.secure[2], d)
        other.start(timeout=10)
        other.set("/moved", b"1")
        deadline = time.time() + 5
        # kazoo drops one-shot watches on a connection loss; its DataWatch
        # recipe sets its watch again on the new server.
        while b"1" not in seen and time.time() < deadline:
            time.sleep(0.02)
        ok(b"1" in seen, "a DataWatch keeps working after the move", repr(seen))
        other.stop()
        other.close()
        zk.stop()
        zk.close()
    finally:
        z.stop()


def config_cases(zksim, d, KazooClient):
    with socket.socket() as s, socket.socket() as t:
        s.bind(("127.0.0.1", 0))
        t.bind(("127.0.0.1", 0))
        secure_port = s.getsockname()[1]
        plain_port = t.getsockname()[1]
    cfg = os.path.join(d, "zoo.cfg")
    with open(cfg, "w") as f:
        f.write(f"tickTime=2000\ndataDir={d}\nclientPort={plain_port}\n"
                f"secureClientPort={secure_port}\n"
                "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n"
                f"ssl.keyStore.location={os.path.join(d, 'keystore.pem')}\n"
                "ssl.keyStore.type=PEM\n"
                f"ssl.trustStore.location={os.path.join(d, 'ca.pem')}\n"
                "ssl.trustStore.type=PEM\nssl.clientAuth=need\n")
    z = Zksim(zksim, d, "--config", cfg)
    try:
        ok(z.secure == [f"127.0.0.1:{secure_port}"],
           "zoo.cfg: secureClientPort is the TLS listener", repr(z.secure))
        zk = kazoo(KazooClient, z.secure[0], d)
        zk.start(timeout=10)
        ok(zk.exists("/") is not None, "zoo.cfg: a PEM key store holding key and certificate")
        zk.stop()
        zk.close()
    finally:
        z.stop()
    with open(cfg, "a") as f:
        f.write("ssl.keyStore.type=JKS\n")
    r = subprocess.run([zksim, "serve", "--config", cfg], capture_output=True, text=True,
                       timeout=20)
    ok(r.returncode == 2 and "ssl.keyStore.type=JKS" in r.stderr,
       "zoo.cfg: a JKS store is refused naming the key", f"{r.returncode} {r.stderr!r}")


def bad_options(zksim, d):
    tls = ["--tls-cert", os.path.join(d, "server.pem"), "--tls-key",
           os.path.join(d, "server.key"), "--tls-ca", os.path.join(d, "ca.pem")]
    r = subprocess.run([zksim, "serve", *tls, "--tls-client-auth", "maybe"], capture_output=True,
                       text=True, timeout=20)
    ok(r.returncode != 0 and "maybe" in r.stderr, "a bad client auth value is refused naming it",
       f"{r.returncode} {r.stderr!r}")
    missing = os.path.join(d, "missing.pem")
    r = subprocess.run([zksim, "serve", "--tls-cert", missing, "--tls-ca",
                        os.path.join(d, "ca.pem")], capture_output=True, text=True, timeout=20)
    ok(r.returncode != 0 and missing in r.stderr, "an unreadable certificate file is named",
       f"{r.returncode} {r.stderr!r}")
    r = subprocess.run([zksim, "serve", "--tls-cert", os.path.join(d, "server.pem"),
                        "--tls-key", os.path.join(d, "client.key"), "--tls-ca",
                        os.path.join(d, "ca.pem")], capture_output=True, text=True, timeout=20)
    ok(r.returncode != 0 and "does not match" in r.stderr,
       "a key that does not match the certificate is refused", f"{r.returncode} {r.stderr!r}")


def main():
    zksim = sys.argv[1]
    try:
        from kazoo.client import KazooClient
        from kazoo.security import make_acl
        import kazoo.exceptions as exc
    except ImportError:
        print("1..0 # SKIP kazoo not installed")
        return 0
    if shutil.which("openssl") is None:
        print("1..0 # SKIP the openssl command is not installed")
        return 0
    with tempfile.TemporaryDirectory() as d:
        make_certs(d)
        bad_options(zksim, d)
        need_cases(zksim, d, KazooClient, exc, make_acl)
        want_none_cases(zksim, d, KazooClient)
        move_case(zksim, d, KazooClient)
        config_cases(zksim, d, KazooClient)
    print(f"1..{len(results)}")
    for i, (good, name, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good and detail:
            print(f"# {detail}")
    return 0 if all(g for g, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
