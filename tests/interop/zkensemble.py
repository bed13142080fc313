#!/usr/bin/python3
"""Start and stop a real Apache ZooKeeper 3.8 ensemble on loopback, for tests.

Each server gets its own directory, free loopback ports, reconfigEnabled=true,
standaloneEnabled=false, a super digest, 4lw.commands.whitelist=*,
maxClientCnxns=0 and a short tickTime. Servers are stopped by pid, never by
name.

    zkensemble.py start DIR [--servers 3] [--tick 500] [--no-reconfig] [--readonly]
                            [--bare-client-port] [--no-super] [--skip-acl]
                            [--jute-maxbuffer N] [--4lw-whitelist LIST]
                            [--tls CERTDIR]
                            [--sasl-users U:P,...] [--sasl-jaas FILE] [--sasl-required]
                                                          prints a JSON description
    zkensemble.py stop DIR                                stops what start started
    zkensemble.py wait DIR [--timeout 60]                 waits until a quorum serves
    zkensemble.py stop-server DIR ID                      stops server ID (by its pid)
    zkensemble.py kill-server DIR ID                      kills server ID (SIGKILL, by its pid)
    zkensemble.py start-server DIR ID                     starts server ID again (new pid)

--readonly starts every server with -Dreadonlymode.enabled=true: a server
cut off from its quorum serves read-only clients (isro answers "ro"). It also
sets localSessionsEnabled=true: ZooKeeper 3.8 refuses new sessions on a
read-only server unless they are local (ReadOnlyRequestProcessor answers the
ConnectRequest with a bare reply header, err -119 ZNOTREADONLY).

--bare-client-port writes the server lines in the reconfiguration guide's
form, the client port without an address:

    server.1=127.0.0.1:QP:EP:participant;CP

ZooKeeper then listens on the wildcard and publishes 0.0.0.0:CP as the
server's client address in /zookeeper/config (clients connect to the quorum
host, 127.0.0.1, on CP). Without it the lines end in ";127.0.0.1:CP".

--no-super starts the servers without a super digest ("super" in the JSON is
then null); --skip-acl writes skipACL=yes (no ACL is checked, reconfig
included); --jute-maxbuffer N starts them with -Djute.maxbuffer=N (the
frame limit, default 0xfffff); --4lw-whitelist LIST writes
4lw.commands.whitelist=LIST instead of *.
--tls CERTDIR (certificates from tests/tls/make_certs.sh) adds a TLS port
per server: secureClientPort on 127.0.0.1 (secureClientPortAddress), with
serverCnxnFactory=NettyServerCnxnFactory (Debian's Netty jars, libnetty-java,
on the class path), PEM key and trust stores (CERTDIR/server-keystore.pem,
CERTDIR/ca.pem), ssl.clientAuth=need and the x509 auth provider, so a client
certificate's subject ("CN=zkclient,O=zkbalance") is the client's x509 id.
The plaintext clientPort stays (4lw, super-user setup). The JSON then also
holds "secure_connect" and each server's "secure_port". /zookeeper/config
publishes the plaintext ports only: TLS clients do not track the ensemble.
--sasl-users bob:pw,alice:pw2 turns on SASL DIGEST-MD5 on every server: it writes
DIR/jaas.conf with a JAAS `Server` section (DigestLoginModule, one user_NAME="PW"
option per user), adds authProvider.1=...SASLAuthenticationProvider to zoo.cfg
and starts java with -Djava.security.auth.login.config=DIR/jaas.conf. Clients
then authenticate with those users (identity sasl:NAME in ACLs); a wrong password
is refused with ZAUTHFAILED and the connection closed. --sasl-jaas FILE does the
same with a JAAS file of your own (its Server section is used). --sasl-required
adds sessionRequireClientSASLAuth=true: a request from a connection that did not
authenticate with SASL is answered with ZSESSIONCLOSEDREQUIRESASLAUTH (-124) and the
session is closed; a failed exchange is answered with that error too.

The JSON (also written to DIR/ensemble.json) holds "connect" (the client
connect string), "servers" (id, client/quorum/election/admin ports, pid) and
"super" (the user:password whose digest is the super digest).
"""
import argparse
import base64
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time

ZK_JAR = "/usr/share/java/zookeeper.jar"
# zookeeper.jar's manifest names netty-handler/-transport/-buffer/-common;
# NettyServerCnxnFactory needs these too.
NETTY_JARS = ["/usr/share/java/netty-codec.jar", "/usr/share/java/netty-resolver.jar",
              "/usr/share/java/netty-transport-native-unix-common.jar"]
SUPER_USER = "super"
SUPER_PASSWORD = "zkbalance-test"


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def super_digest():
    raw = hashlib.sha1(f"{SUPER_USER}:{SUPER_PASSWORD}".encode()).digest()
    return f"{SUPER_USER}:{base64.b64encode(raw).decode()}"


def four_letter(port, word, timeout=2.0, host="127.0.0.1"):
    """The answer to four-letter word `word` from the
    server at host:port, read until it closes; "" when it cannot be reached
    or does not answer within `timeout` seconds per socket operation. The one
    four-letter-word client of the Python tests: import it from here."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(word.encode())
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
            return out.decode(errors="replace")
    except OSError:
        return ""


def server_line(srv, bare_client_port=False):
    client = "" if bare_client_port else "127.0.0.1:"
    return (f"server.{srv['id']}=127.0.0.1:{srv['quorum_port']}:{srv['election_port']}"
            f":participant;{client}{srv['client_port']}")


def write_server_files(base, srv, servers, tick, reconfig=True, readonly=False,
                       bare_client_port=False, skip_acl=False, whitelist="*", tls=None,
                       sasl=False, sasl_required=False):
    d = os.path.join(base, f"s{srv['id']}")
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    with open(os.path.join(d, "data", "myid"), "w") as f:
        f.write(f"{srv['id']}\n")
    with open(os.path.join(d, "zoo.cfg.dynamic"), "w") as f:
        for s in servers:
            f.write(server_line(s, bare_client_port) + "\n")
    with open(os.path.join(d, "zoo.cfg"), "w") as f:
        f.write(f"tickTime={tick}\ninitLimit=20\nsyncLimit=10\n"
                f"dataDir={d}/data\n"
                f"reconfigEnabled={'true' if reconfig else 'false'}\nstandaloneEnabled=false\n"
                f"4lw.commands.whitelist={whitelist}\nmaxClientCnxns=0\n"
                f"admin.serverAddress=127.0.0.1\nadmin.serverPort={srv['admin_port']}\n"
                f"dynamicConfigFile={d}/zoo.cfg.dynamic\n")
        if readonly:
            f.write("localSessionsEnabled=true\nlocalSessionsUpgradingEnabled=true\n")
        if skip_acl:
            f.write("skipACL=yes\n")
        if tls:
            f.write(f"secureClientPort={srv['secure_port']}\nsecureClientPortAddress=127.0.0.1\n"
                    "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n"
                    f"ssl.keyStore.location={tls}/server-keystore.pem\nssl.keyStore.type=PEM\n"
                    f"ssl.trustStore.location={tls}/ca.pem\nssl.trustStore.type=PEM\n"
                    "ssl.clientAuth=need\n"
                    "authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider\n")
        if sasl:
            f.write("authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider\n")
        if sasl_required:
            f.write("sessionRequireClientSASLAuth=true\n")
    with open(os.path.join(d, "log4j.properties"), "w") as f:
        f.write("log4j.rootLogger=INFO, FILE\n"
                "log4j.appender.FILE=org.apache.log4j.FileAppender\n"
                f"log4j.appender.FILE.File={d}/zookeeper.log\n"
                "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout\n"
                "log4j.appender.FILE.layout.ConversionPattern=%d [myid:%X{myid}] %-5p [%t:%C{1}@%L] - %m%n\n")
    return d


def write_sasl_jaas(base, users):
    """DIR/jaas.conf: a Server section with DigestLoginModule users "u:p,u2:p2"."""
    lines = ["Server {", "  org.apache.zookeeper.server.auth.DigestLoginModule required"]
    for pair in users.split(","):
        name, sep, password = pair.partition(":")
        if not sep or not name or not name.isidentifier():
            raise SystemExit(f"--sasl-users: expected NAME:PASSWORD, found '{pair}'")
        lines.append(f'  user_{name}="{password}"')
    lines[-1] += ";"
    lines.append("};")
    path = os.path.join(base, "jaas.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def start_server(base, srv, readonly=False, no_super=False, jute_maxbuffer=None, sasl_jaas=None):
    d = os.path.join(base, f"s{srv['id']}")
    cmd = ["/usr/bin/java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
    if sasl_jaas:
        cmd.append(f"-Djava.security.auth.login.config={sasl_jaas}")
    if not no_super:
        cmd.append(f"-Dzookeeper.DigestAuthenticationProvider.superDigest={super_digest()}")
    if jute_maxbuffer is not None:
        cmd.append(f"-Djute.maxbuffer={jute_maxbuffer}")
    cmd += ["-Dzookeeper.extendedTypesEnabled=true",
           f"-Dreadonlymode.enabled={'true' if readonly else 'false'}",
           f"-Dlog4j.configuration=file:{d}/log4j.properties",
           "-cp", ":".join([ZK_JAR] + NETTY_JARS), "org.apache.zookeeper.server.quorum.QuorumPeerMain",
           os.path.join(d, "zoo.cfg")]
    with open(os.path.join(d, "stdout.log"), "ab") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
    srv["pid"] = p.pid
    return p.pid


def save(base, desc):
    with open(os.path.join(base, "ensemble.json"), "w") as f:
        json.dump(desc, f, indent=1)


def load(base):
    with open(os.path.join(base, "ensemble.json")) as f:
        return json.load(f)


def cmd_start(args):
    base = os.path.abspath(args.dir)
    os.makedirs(base, exist_ok=True)
    tls = os.path.abspath(args.tls) if args.tls else None
    if tls and not os.path.exists(os.path.join(tls, "server-keystore.pem")):
        raise SystemExit(f"--tls {tls}: no server-keystore.pem (run tests/tls/make_certs.sh)")
    per = 5 if tls else 4
    ports = free_ports(per * args.servers)
    servers = []
    for i in range(args.servers):
        servers.append({"id": i + 1, "quorum_port": ports[per * i],
                        "election_port": ports[per * i + 1],
                        "client_port": ports[per * i + 2], "admin_port": ports[per * i + 3]})
        if tls:
            servers[-1]["secure_port"] = ports[per * i + 4]
    sasl_jaas = None
    if args.sasl_required and not (args.sasl_users or args.sasl_jaas):
        raise SystemExit("--sasl-required needs --sasl-users or --sasl-jaas")
    if args.sasl_users:
        sasl_jaas = write_sasl_jaas(base, args.sasl_users)
    elif args.sasl_jaas:
        sasl_jaas = os.path.abspath(args.sasl_jaas)
        if not os.path.isfile(sasl_jaas):
            raise SystemExit(f"--sasl-jaas: no file {sasl_jaas}")
    for s in servers:
        write_server_files(base, s, servers, args.tick, reconfig=not args.no_reconfig,
                           readonly=args.readonly, bare_client_port=args.bare_client_port,
                           skip_acl=args.skip_acl, whitelist=args.four_letter_whitelist,
                           tls=tls, sasl=sasl_jaas is not None, sasl_required=args.sasl_required)
    for s in servers:
        start_server(base, s, readonly=args.readonly, no_super=args.no_super,
                     jute_maxbuffer=args.jute_maxbuffer, sasl_jaas=sasl_jaas)
    desc = {"connect": ",".join(f"127.0.0.1:{s['client_port']}" for s in servers),
            "servers": servers,
            "super": None if args.no_super else f"{SUPER_USER}:{SUPER_PASSWORD}",
            "super_digest": None if args.no_super else super_digest(), "dir": base,
            "readonly": args.readonly, "no_super": args.no_super,
            "jute_maxbuffer": args.jute_maxbuffer, "sasl_jaas": sasl_jaas}
    if tls:
        desc["secure_connect"] = ",".join(f"127.0.0.1:{s['secure_port']}" for s in servers)
        desc["tls"] = tls
    save(base, desc)
    print(json.dumps(desc))
    return 0


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def cmd_wait(args):
    desc = load(args.dir)
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        modes = [four_letter(s["client_port"], "srvr") for s in desc["servers"]]
        if all("Mode: " in m for m in modes):
            print("ready")
            return 0
        time.sleep(0.2)
    print("ensemble not ready after %ss" % args.timeout, file=sys.stderr)
    return 1


def find_server(desc, sid):
    for s in desc["servers"]:
        if s["id"] == sid:
            return s
    raise SystemExit(f"no server {sid} in {desc['dir']}")


def stop_pid(pid):
    if not pid or not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + 10
    while alive(pid) and time.time() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def cmd_stop_server(args):
    desc = load(args.dir)
    srv = find_server(desc, args.id)
    stop_pid(srv.get("pid"))
    srv["pid"] = 0
    save(desc["dir"], desc)
    return 0


def gone(pid):
    """True once pid has exited (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def cmd_kill_server(args):
    """SIGKILL, as a crash: the server closes nothing gracefully."""
    desc = load(args.dir)
    srv = find_server(desc, args.id)
    pid = srv.get("pid")
    if pid and alive(pid):
        os.kill(pid, signal.SIGKILL)
        deadline = time.time() + 10
        while not gone(pid) and time.time() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.02)
    srv["pid"] = 0
    save(desc["dir"], desc)
    return 0


def cmd_start_server(args):
    desc = load(args.dir)
    srv = find_server(desc, args.id)
    if srv.get("pid") and alive(srv["pid"]):
        raise SystemExit(f"server {args.id} is running (pid {srv['pid']})")
    start_server(desc["dir"], srv, readonly=desc.get("readonly", False),
                 no_super=desc.get("no_super", False), jute_maxbuffer=desc.get("jute_maxbuffer"),
                 sasl_jaas=desc.get("sasl_jaas"))
    save(desc["dir"], desc)
    print(srv["pid"])
    return 0


def cmd_stop(args):
    try:
        desc = load(args.dir)
    except OSError:
        return 0
    for s in desc["servers"]:
        pid = s.get("pid")
        if pid and alive(pid):
            os.kill(pid, signal.SIGTERM)
    deadline = time.time() + 10
    for s in desc["servers"]:
        pid = s.get("pid")
        while pid and alive(pid) and time.time() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.05)
        if pid and alive(pid):
            os.kill(pid, signal.SIGKILL)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("start")
    st.add_argument("dir")
    st.add_argument("--servers", type=int, default=3)
    st.add_argument("--tick", type=int, default=500)
    st.add_argument("--no-reconfig", action="store_true",
                    help="reconfigEnabled=false: reconfig requests fail with ZRECONFIGDISABLED")
    st.add_argument("--readonly", action="store_true",
                    help="-Dreadonlymode.enabled=true: a server without quorum serves read-only")
    st.add_argument("--bare-client-port", action="store_true",
                    help="server lines end in ';CP' (the guide's form): ZooKeeper publishes 0.0.0.0:CP")
    st.add_argument("--no-super", action="store_true",
                    help="no super digest: no client is the super user")
    st.add_argument("--skip-acl", action="store_true", help="skipACL=yes: no ACL is checked")
    st.add_argument("--jute-maxbuffer", type=int, default=None,
                    help="-Djute.maxbuffer=N: the largest frame a server accepts")
    st.add_argument("--4lw-whitelist", dest="four_letter_whitelist", default="*",
                    help="4lw.commands.whitelist (default *)")
    st.add_argument("--tls", metavar="CERTDIR",
                    help="a TLS port per server (secureClientPort, Netty, PEM stores, clientAuth=need)")
    sasl = st.add_mutually_exclusive_group()
    sasl.add_argument("--sasl-users", metavar="NAME:PASSWORD,...",
                      help="SASL DIGEST-MD5 on every server, with these users (DIR/jaas.conf)")
    sasl.add_argument("--sasl-jaas", metavar="FILE",
                      help="SASL with this JAAS file (its Server section)")
    st.add_argument("--sasl-required", action="store_true",
                    help="sessionRequireClientSASLAuth=true (with --sasl-users or --sasl-jaas)")
    sp = sub.add_parser("stop")
    sp.add_argument("dir")
    wt = sub.add_parser("wait")
    wt.add_argument("dir")
    wt.add_argument("--timeout", type=float, default=60)
    for name in ("stop-server", "kill-server", "start-server"):
        one = sub.add_parser(name)
        one.add_argument("dir")
        one.add_argument("id", type=int)
    args = ap.parse_args()
    return {"start": cmd_start, "stop": cmd_stop, "wait": cmd_wait, "stop-server": cmd_stop_server,
            "kill-server": cmd_kill_server, "start-server": cmd_start_server}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
