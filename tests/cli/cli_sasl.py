#!/usr/bin/python3
"""zkcli -client-configuration with SASL (DIGEST-MD5), as TAP.

    cli_sasl.py ZKCLI ZKSIM SRCDIR

The file a zkCli.sh user already has: `zookeeper.sasl.client=true`, the JAAS
file named by `java.security.auth.login.config` and its section by
`zookeeper.sasl.clientconfig`. Against zksim (`--sasl-users` with a JAAS
Server section) and against one real ZooKeeper 3.8 server
(`zkensemble.py --sasl-users`): whoami shows `sasl: bob`, a `sasl:bob` ACL
admits bob and refuses another user, a wrong password ends in AuthFailed with
a non-zero exit code. Everything is stopped by pid; about 15 s.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

ZKCLI, ZKSIM, SRC = sys.argv[1:4]
ENSEMBLE = os.path.join(SRC, "..", "interop", "zkensemble.py")
ENV = dict(os.environ, TZ="UTC")
ENV.pop("ZK_LOG", None)
results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


def run(argv, stdin="", timeout=60):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, env=ENV)
    return p.returncode, p.stdout, p.stderr


def client_files(d, tag, user, password):
    """A JAAS Client-style section (named ZkCli) and the client configuration naming it."""
    jaas = os.path.join(d, f"{tag}-jaas.conf")
    with open(jaas, "w") as f:
        f.write("ZkCli {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                f'  username="{user}"\n  password="{password}";\n}};\n')
    cfg = os.path.join(d, f"{tag}.cfg")
    with open(cfg, "w") as f:
        f.write("# zkCli.sh -client-configuration\nzookeeper.sasl.client=true\n"
                "zookeeper.sasl.clientconfig=ZkCli\n"
                f"java.security.auth.login.config={jaas}\n")
    return cfg


def cases(where, connect, d):
    bob = client_files(d, f"{where}-bob", "bob", "bobsecret")
    alice = client_files(d, f"{where}-alice", "alice", "alicesecret")
    wrong = client_files(d, f"{where}-wrong", "bob", "not-the-password")
    node = f"/sasl-{where}-{os.getpid()}"
    rc, out, err = run([ZKCLI, "-server", connect, "-client-configuration", bob, "whoami"])
    ok(rc == 0 and "sasl: bob" in out, f"{where}: whoami over SASL shows sasl: bob",
       f"rc={rc}\n{out}\n{err}")
    rc, out, err = run([ZKCLI, "-server", connect, "-client-configuration", bob,
                        "create", node, "secret", "sasl:bob:cdrwa"])
    ok(rc == 0, f"{where}: bob creates a node only sasl:bob may read", f"rc={rc}\n{out}\n{err}")
    rc, out, err = run([ZKCLI, "-server", connect, "-client-configuration", bob, "get", node])
    ok(rc == 0 and out.strip().endswith("secret"), f"{where}: bob reads it", f"rc={rc}\n{out}\n{err}")
    rc, out, err = run([ZKCLI, "-server", connect, "-client-configuration", alice, "get", node])
    ok(rc != 0 and "Insufficient permission" in err + out,
       f"{where}: alice (authenticated, not bob) is refused (zkCli.sh's NoAuth text)",
       f"rc={rc}\n{out}\n{err}")
    rc, out, err = run([ZKCLI, "-server", connect, "-client-configuration", wrong, "get", node])
    ok(rc != 0 and "AuthFailed" in err + out, f"{where}: a wrong password ends in AuthFailed",
       f"rc={rc}\n{out}\n{err}")


def main():
    d = tempfile.mkdtemp(prefix="zkcli-sasl-")
    zksim = None
    ens = os.path.join(d, "ens")
    started = False
    try:
        server_jaas = os.path.join(d, "server-jaas.conf")
        with open(server_jaas, "w") as f:
            f.write("Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                    '  user_bob="bobsecret"\n  user_alice="alicesecret";\n};\n')
        zksim = subprocess.Popen([ZKSIM, "serve", "--servers", "1", "--client-port-base", "0",
                                  "--sasl-users", server_jaas],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        first = zksim.stdout.readline().strip()
        ok(first.startswith("connect: "), "zksim with --sasl-users starts", first)
        if first.startswith("connect: "):
            cases("zksim", first[len("connect: "):], d)
        if os.path.exists("/usr/share/java/zookeeper.jar"):
            rc, out, err = run(["python3", ENSEMBLE, "start", ens, "--servers", "1",
                                "--sasl-users", "bob:bobsecret,alice:alicesecret"])
            started = True
            desc = json.loads(out) if rc == 0 else None
            ok(desc is not None, "ZooKeeper 3.8 with SASL starts", err[-400:])
            if desc is not None:
                rc, out, err = run(["python3", ENSEMBLE, "wait", ens, "--timeout", "90"], timeout=120)
                ok(rc == 0, "ZooKeeper 3.8 with SASL serves", err[-400:])
                if rc == 0:
                    cases("zookeeper", desc["connect"], d)
        else:
            print("# ZooKeeper 3.8 is not installed: its cases are not listed")
    except Exception:
        ok(False, "cli_sasl.py ran to its end", traceback.format_exc())
    finally:
        if zksim is not None:
            zksim.terminate()
            try:
                zksim.wait(10)
            except subprocess.TimeoutExpired:
                zksim.kill()
        if started:
            subprocess.run(["python3", ENSEMBLE, "stop", ens], capture_output=True, timeout=60)
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{len(results)}")
    for i, (good, name, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good:
            for line in detail.splitlines()[-30:]:
                print("# " + line)
    return 0 if results and all(g for g, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
