#!/usr/bin/python3
"""zksim's SASL DIGEST-MD5 server against the real Java client, as TAP:
zkCli.sh (ZooKeeper 3.8) with CLIENT_JVMFLAGS
-Djava.security.auth.login.config=<JAAS Client section>
-Dzookeeper.sasl.client=true, zksim reading the users from a JAAS Server
section (DigestLoginModule user_<name>="...") as ZooKeeper does.

Cases: the right password gives SaslAuthenticated and whoami `sasl: bob`;
an ACL on sasl:bob admits bob and refuses an unauthenticated client; the
super user (--sasl-super-user) passes any ACL; a wrong password and an
unknown user each give AuthFailed with the reason in zksim's log;
--enforce-auth-schemes sasl (sessionRequireClientSASLAuth) refusing a client
without SASL and serving bob; the user=password file form; a bad JAAS file refused naming its line. Each
zkCli.sh run takes about 1 s; about 15 s in all. Skips itself without
zkCli.sh or java.

    sasl_zkcli.py ZKSIM_BINARY
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"
results = []


def ok(cond, name, detail=""):
    results.append((bool(cond), name, detail))


SERVER_JAAS = """/* zksim reads the Server section, as ZooKeeper */
Server {
  org.apache.zookeeper.server.auth.DigestLoginModule required
  user_admin="adminsecret"   // the super user below
  user_bob="bobsecret";
};
"""


def client_jaas(d, name, user, password):
    path = os.path.join(d, f"{name}.jaas")
    with open(path, "w") as f:
        f.write("Client {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n"
                f'  username="{user}"\n  password="{password}";\n}};\n')
    return path


def zkcli(hostport, jaas, *command):
    env = dict(os.environ)
    if jaas:
        env["CLIENT_JVMFLAGS"] = (f"-Djava.security.auth.login.config={jaas} "
                                  "-Dzookeeper.sasl.client=true")
    else:
        env["CLIENT_JVMFLAGS"] = "-Dzookeeper.sasl.client=false"
    r = subprocess.run([ZKCLI, "-server", hostport, *command], env=env, capture_output=True,
                       text=True, timeout=60)
    return r.stdout + r.stderr


class Zksim:
    def __init__(self, zksim, d, *args):
        self.err_path = os.path.join(d, f"zksim-{time.time_ns()}.err")
        self.err = open(self.err_path, "w")
        self.p = subprocess.Popen([zksim, "serve", "--servers", "1", *args],
                                  stdout=subprocess.PIPE, stderr=self.err, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("connect: "):
            self.p.wait(timeout=10)
            self.err.close()
            with open(self.err_path) as f:
                raise RuntimeError(f"zksim did not start: {line!r} {f.read()!r}")
        self.hostport = line.split(" ", 1)[1].strip()

    def log(self):
        self.err.flush()
        with open(self.err_path) as f:
            return f.read()

    def wait_log(self, text, timeout=5):
        deadline = time.time() + timeout
        while text not in self.log() and time.time() < deadline:
            time.sleep(0.05)
        return text in self.log()

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait(timeout=10)
        self.err.close()


def jaas_cases(zksim, d):
    server_jaas = os.path.join(d, "server.jaas")
    with open(server_jaas, "w") as f:
        f.write(SERVER_JAAS)
    bob = client_jaas(d, "bob", "bob", "bobsecret")
    z = Zksim(zksim, d, "--sasl-users", server_jaas, "--sasl-super-user", "admin")
    try:
        out = zkcli(z.hostport, bob, "whoami")
        ok("state:SaslAuthenticated" in out and "sasl: bob" in out,
           "right password: SaslAuthenticated, whoami shows sasl: bob", out[-600:])
        out = zkcli(z.hostport, bob, "create", "/s", "mine", "sasl:bob:cdrwa")
        ok("Created /s" in out, "bob creates a node with the ACL sasl:bob:cdrwa", out[-600:])
        out = zkcli(z.hostport, bob, "get", "/s")
        ok("\nmine\n" in out, "the sasl:bob ACL admits bob", out[-600:])
        out = zkcli(z.hostport, None, "get", "/s")
        ok("Insufficient permission : /s" in out,
           "the sasl:bob ACL refuses a client without SASL", out[-600:])
        admin = client_jaas(d, "admin", "admin", "adminsecret")
        out = zkcli(z.hostport, admin, "get", "/s")
        ok("\nmine\n" in out, "the SASL super user passes the ACL", out[-600:])

        wrong = client_jaas(d, "wrong", "bob", "not-bobs")
        out = zkcli(z.hostport, wrong, "whoami")
        ok("state:AuthFailed" in out and "sasl: bob" not in out,
           "wrong password: AuthFailed", out[-600:])
        ok(z.wait_log("SASL authentication failed: DIGEST-MD5: wrong password for user bob"),
           "wrong password: zksim logs why it closed the connection", z.log()[-400:])
        eve = client_jaas(d, "eve", "eve", "x")
        out = zkcli(z.hostport, eve, "whoami")
        ok("state:AuthFailed" in out, "unknown user: AuthFailed", out[-600:])
        ok(z.wait_log("DIGEST-MD5: unknown user eve"), "unknown user: logged", z.log()[-400:])
    finally:
        z.stop()


def user_lines_case(zksim, d):
    users = os.path.join(d, "users.txt")
    with open(users, "w") as f:
        f.write("# user=password\ncarol=carolsecret\n")
    z = Zksim(zksim, d, "--sasl-users", users)
    try:
        out = zkcli(z.hostport, client_jaas(d, "carol", "carol", "carolsecret"), "whoami")
        ok("sasl: carol" in out, "--sasl-users with user=password lines", out[-600:])
    finally:
        z.stop()


def enforced_case(zksim, d):
    server_jaas = os.path.join(d, "server.jaas")
    z = Zksim(zksim, d, "--sasl-users", server_jaas, "--enforce-auth-schemes", "sasl")
    try:
        out = zkcli(z.hostport, None, "get", "/")
        ok("Session closed because client failed to authenticate for /" in out,
           "sasl enforced: a client without SASL gets SESSIONCLOSEDREQUIRESASLAUTH", out[-600:])
        ok(z.wait_log("client authentication scheme(s) [ip] match none of the enforced [sasl]"),
           "sasl enforced: the refusal is logged", z.log()[-400:])
        out = zkcli(z.hostport, client_jaas(d, "bob2", "bob", "bobsecret"), "ls", "/")
        ok("[zookeeper]" in out, "sasl enforced: bob authenticated is served", out[-600:])
    finally:
        z.stop()


def bad_files(zksim, d):
    bad = os.path.join(d, "bad.jaas")
    with open(bad, "w") as f:
        f.write('Server {\n  org.apache.zookeeper.server.auth.DigestLoginModule required\n'
                '  user_bob="unterminated;\n};\n')
    r = subprocess.run([zksim, "serve", "--sasl-users", bad], capture_output=True, text=True,
                       timeout=20)
    ok(r.returncode == 2 and f"{bad}: line 3: unterminated string" in r.stderr,
       "a bad JAAS file is refused naming the file and line", f"{r.returncode} {r.stderr!r}")
    other = os.path.join(d, "other.jaas")
    with open(other, "w") as f:
        f.write(SERVER_JAAS.replace("Server {", "QuorumServer {"))
    r = subprocess.run([zksim, "serve", "--sasl-users", other], capture_output=True, text=True,
                       timeout=20)
    ok(r.returncode == 2 and "no JAAS section named Server" in r.stderr,
       "a JAAS file without the Server section is refused", f"{r.returncode} {r.stderr!r}")


def main():
    zksim = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        bad_files(zksim, d)
        if not os.path.exists(ZKCLI) or shutil.which("java") is None:
            print(f"# zkCli.sh or java not installed: the zkCli.sh cases are skipped")
        else:
            jaas_cases(zksim, d)
            enforced_case(zksim, d)
            user_lines_case(zksim, d)
    print(f"1..{len(results)}")
    for i, (good, name, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good and detail:
            print(f"# {detail}")
    return 0 if all(g for g, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
