#!/usr/bin/python3
"""zksim against a real ZooKeeper 3.8 configured the same way, as TAP: one
zoo.cfg form (NettyServerCnxnFactory, secureClientPort, PEM key and trust
stores, ssl.clientAuth=want, the x509 and SASL auth providers, an x509 super
user) and one JAAS
Server section, given to a standalone ZooKeeper (Debian's jar and Netty)
and to `zksim serve --config ... --sasl-users ...`. The same probes run on
both and must give the same answers:

  - whoami over TLS (Python's ssl module) with a plain client certificate,
    with one whose subject needs escaping and an emailAddress (the RFC 2253
    x509 id), and without a certificate (compared as sets: ZooKeeper's order
    is a hash set's);
  - a certificate from an untrusted CA refused;
  - zkCli.sh with DIGEST-MD5 (right password: SaslAuthenticated and the
    whoami lines; wrong password: AuthFailed).

Certificates are made with the `openssl` command at test time. Takes about
20 s (ZooKeeper's start). Skips itself without java, the ZooKeeper jar,
Netty, zkCli.sh or the openssl command.

    secure_parity.py ZKSIM_BINARY
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import secure_kazoo as sk  # noqa: E402  (certificates and the raw TLS whoami)
import sasl_zkcli as sz  # noqa: E402  (zkCli.sh with a JAAS Client section)

JARS = ["zookeeper.jar", "netty-handler.jar", "netty-transport.jar", "netty-common.jar",
        "netty-buffer.jar", "netty-codec.jar", "netty-resolver.jar",
        "netty-transport-native-epoll.jar"]
results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def write_cfg(d, name, plain, secure):
    data = os.path.join(d, f"{name}-data")
    os.makedirs(data, exist_ok=True)
    path = os.path.join(d, f"{name}.cfg")
    with open(path, "w") as f:
        f.write(f"tickTime=2000\ndataDir={data}\nclientPort={plain}\nsecureClientPort={secure}\n"
                "admin.enableServer=false\n4lw.commands.whitelist=*\n"
                "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n"
                f"ssl.keyStore.location={os.path.join(d, 'keystore.pem')}\nssl.keyStore.type=PEM\n"
                f"ssl.trustStore.location={os.path.join(d, 'ca.pem')}\nssl.trustStore.type=PEM\n"
                "ssl.clientAuth=want\n"
                # client-2 is the x509 super user (super:<subject> in whoami)
                "X509AuthenticationProvider.superUser=1.2.840.113549.1.9.1=#160b6140622e6578616d"
                "706c65,CN=client-2,OU=tests,O=zk\\\\, Inc.,ST=Some State,C=US\n"
                "authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider\n"
                "authProvider.sasl=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n")
    return path


def ruok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"ruok")
            return s.recv(4) == b"imok"
    except OSError:
        return False


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def probes(d, plain, secure):
    hp = f"127.0.0.1:{secure}"
    out = {}
    out["whoami client-1"] = sorted(sk.whoami(hp, d, "client.pem", "client.key"))
    out["whoami client-2"] = sorted(sk.whoami(hp, d, "client2.pem", "client2.key"))
    out["whoami no cert"] = sorted(sk.whoami(hp, d))
    out["untrusted refused"] = sk.refused(hp, d, "stranger.pem", "stranger.key")
    for name, password in (("right", "bobsecret"), ("wrong", "nope")):
        text = sz.zkcli(f"127.0.0.1:{plain}", sz.client_jaas(d, f"bob-{name}", "bob", password),
                        "whoami")
        out[f"zkCli.sh {name} password"] = [
            l for l in text.splitlines()
            if l.startswith("WatchedEvent state:") or l.startswith("sasl:")
            or l.startswith("ip:") or l == "Auth scheme: User"]
    return out


def main():
    zksim = sys.argv[1]
    java = shutil.which("java")
    missing = [j for j in JARS if not os.path.exists(os.path.join("/usr/share/java", j))]
    if java is None or missing or not os.path.exists(sz.ZKCLI) or not shutil.which("openssl"):
        print(f"1..0 # SKIP needs java, zkCli.sh, openssl and /usr/share/java/{missing}")
        return 0
    with tempfile.TemporaryDirectory() as d:
        sk.make_certs(d)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        sk.sh("openssl", "req", *ec, "-keyout", "client2.key", "-out", "client2.csr", "-subj",
              "/C=US/ST=Some State/O=zk, Inc./OU=tests/CN=client-2/emailAddress=a@b.example",
              cwd=d)
        sk.sh("openssl", "x509", "-req", "-in", "client2.csr", "-CA", "ca.pem", "-CAkey",
              "ca.key", "-CAcreateserial", "-out", "client2.pem", "-days", "2", cwd=d)
        jaas = os.path.join(d, "server.jaas")
        with open(jaas, "w") as f:
            f.write(sz.SERVER_JAAS)
        zk_plain, zk_secure, zs_plain, zs_secure = free_ports(4)
        zk_cfg = write_cfg(d, "zk", zk_plain, zk_secure)
        zs_cfg = write_cfg(d, "zksim", zs_plain, zs_secure)
        cp = ":".join(os.path.join("/usr/share/java", j) for j in JARS)
        log = open(os.path.join(d, "zk.log"), "w")
        real = subprocess.Popen([java, "-Xmx256m", "-XX:+UseSerialGC",
                                 "-XX:TieredStopAtLevel=1",
                                 f"-Djava.security.auth.login.config={jaas}", "-cp", cp,
                                 "org.apache.zookeeper.server.ZooKeeperServerMain", zk_cfg],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sim = subprocess.Popen([zksim, "serve", "--config", zs_cfg, "--sasl-users", jaas],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            first = sim.stdout.readline()
            deadline = time.time() + 60
            # The secure listener is a second factory, started after the plain one.
            while (not ruok(zk_plain) or not listening(zk_secure)) and \
                    time.time() < deadline and real.poll() is None:
                time.sleep(0.2)
            if not ruok(zk_plain):
                log.flush()
                with open(os.path.join(d, "zk.log")) as f:
                    ok(False, "the real ZooKeeper starts within 60 s", f.read()[-500:])
            else:
                ok(first.startswith("connect: "), "zksim starts on the same zoo.cfg form", first)
                want = probes(d, zk_plain, zk_secure)
                got = probes(d, zs_plain, zs_secure)
                for key in want:
                    ok(got[key] == want[key], f"same as ZooKeeper 3.8: {key}",
                       f"zksim {got[key]!r} ZooKeeper {want[key]!r}")
        finally:
            for p in (sim, real):
                p.terminate()
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            log.close()
    print(f"1..{len(results)}")
    for i, (good, name, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good and detail:
            print(f"# {detail}")
    return 0 if all(g for g, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
