#!/usr/bin/python3
"""zkcli -client-configuration against a TLS ZooKeeper 3.8 server, as TAP.

    cli_tls.py ZKCLI SRCDIR

Makes certificates (tests/tls/make_certs.sh), starts one ZooKeeper 3.8 server
with a TLS port (tests/interop/zkensemble.py --tls: clientAuth=need, x509),
and runs zkcli with zkCli.sh-style client configuration files: one-shot and
stdin sessions, whoami's x509 identity, an x509 ACL, refusals (untrusted CA,
no client certificate) and a rejected file (JKS store). Everything is
stopped by pid; about 15 s.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

ZKCLI, SRC = sys.argv[1:3]
ENSEMBLE = os.path.join(SRC, "..", "interop", "zkensemble.py")
MAKE_CERTS = os.path.join(SRC, "..", "tls", "make_certs.sh")
ENV = dict(os.environ, TZ="UTC")
ENV.pop("ZK_LOG", None)
IDENTITY = "CN=zkclient,O=zkbalance"


def run(argv, stdin="", timeout=60):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, env=ENV)
    return p.returncode, p.stdout, p.stderr


def write_config(path, certs, keystore="client-keystore.pem", ca="ca.pem", extra=""):
    with open(path, "w") as f:
        f.write("# zkCli.sh -client-configuration\n"
                "zookeeper.client.secure=true\n"
                "zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n")
        if keystore:
            f.write(f"zookeeper.ssl.keyStore.location={certs}/{keystore}\n"
                    "zookeeper.ssl.keyStore.type=PEM\n")
        f.write(f"zookeeper.ssl.trustStore.location={certs}/{ca}\n"
                "zookeeper.ssl.trustStore.type=PEM\n" + extra)
    return path


def main():
    tmp = tempfile.mkdtemp(prefix="zkcli-tls-")
    certs, ens = os.path.join(tmp, "certs"), os.path.join(tmp, "ens")
    results = []
    started = False
    try:
        if not os.path.exists("/usr/share/java/zookeeper.jar") or not shutil.which("openssl"):
            print("1..0 # SKIP ZooKeeper 3.8 or openssl not installed")
            return 0
        subprocess.run([MAKE_CERTS, certs], check=True, capture_output=True, timeout=60)
        rc, out, err = run(["python3", ENSEMBLE, "start", ens, "--servers", "1", "--tls", certs])
        started = True
        if rc != 0:
            print(f"1..0 # SKIP zkensemble start --tls failed: {err.strip()[:200]}")
            return 0
        desc = json.loads(out)
        rc, _, err = run(["python3", ENSEMBLE, "wait", ens, "--timeout", "60"], timeout=90)
        if rc != 0:
            print(f"1..0 # SKIP the TLS server did not start: {err.strip()[:200]}")
            return 0
        server = desc["secure_connect"]
        good = write_config(os.path.join(tmp, "good.cfg"), certs)
        client2 = write_config(os.path.join(tmp, "client2.cfg"), certs,
                               keystore="client2-keystore.pem")
        untrusted = write_config(os.path.join(tmp, "untrusted.cfg"), certs, ca="other-ca.pem")
        nocert = write_config(os.path.join(tmp, "nocert.cfg"), certs, keystore="")
        jks = write_config(os.path.join(tmp, "jks.cfg"), certs,
                           extra="zookeeper.ssl.trustStore.type=JKS\n")

        def zkcli(cfg, *cmd, stdin=""):
            return run([ZKCLI, "-client-configuration", cfg, "-server", server, *cmd], stdin)

        def check(name, cond, detail=""):
            results.append((name, cond, detail))

        # One-shot create and get; an x509 ACL naming the other identity.
        rc, out, err = zkcli(good, "create", "/tls-cli", "over-tls")
        check("one-shot create over TLS", rc == 0 and "Created /tls-cli" in out + err, out + err)
        rc, out, err = zkcli(good, "get", "/tls-cli")
        check("one-shot get over TLS", rc == 0 and out.rstrip().endswith("over-tls"), out + err)
        rc, out, err = zkcli(good, "create", "/tls-acl", "secret", "x509:CN=zkclient2:cdrwa")
        check("create with an x509 ACL", rc == 0 and "Created /tls-acl" in out + err, out + err)
        rc, out, err = zkcli(good, "get", "/tls-acl")
        check("another certificate's identity has no access",
              rc != 0 and "Insufficient permission" in out + err, out + err)
        rc, out, err = zkcli(client2, "get", "/tls-acl")
        check("the identity the ACL names reads it", rc == 0 and out.rstrip().endswith("secret"),
              out + err)
        rc, out, err = zkcli(client2, "getAcl", "/tls-acl")
        check("getAcl shows the x509 id", rc == 0 and "'x509,'CN=zkclient2" in out, out + err)
        rc, out, err = zkcli(good, "whoami")
        check("whoami shows the x509 identity (server's whoAmI, op 107)",
              rc == 0 and f"x509: {IDENTITY}" in out, out + err)
        # Stdin session (zkCli.sh's non-terminal mode) with the same file.
        rc, out, err = zkcli(good, stdin="get /tls-cli\nset /tls-cli again\nget /tls-cli\nquit\n")
        check("stdin session over TLS", "over-tls" in out and "again" in out, out + err)
        # The same file without the client certificate: refused by clientAuth=need.
        rc, out, err = zkcli(nocert, "ls", "/")
        check("no client certificate: AuthFailed, the reason on stderr",
              rc != 0 and "state:AuthFailed" in out and "TLS handshake failed" in err, out + err)
        rc, out, err = zkcli(untrusted, "ls", "/")
        check("untrusted CA: AuthFailed, the reason on stderr",
              rc != 0 and "state:AuthFailed" in out and "TLS certificate untrusted" in err,
              out + err)
        rc, out, err = zkcli(jks, "ls", "/")
        check("a JKS store is refused naming the key",
              rc == 1 and "zookeeper.ssl.trustStore.type" in err and "only PEM" in err, out + err)
        rc, out, err = run([ZKCLI, "-client-configuration", os.path.join(tmp, "missing.cfg"),
                            "-server", server, "ls", "/"])
        check("a missing file is refused naming it", rc == 1 and "missing.cfg" in err, out + err)
    except Exception:  # noqa: BLE001 - reported as a failed case
        results.append(("setup", False, traceback.format_exc()))
    finally:
        if started:
            run(["python3", ENSEMBLE, "stop", ens], timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            for line in detail.splitlines()[-15:]:
                print(f"# {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
