#!/usr/bin/python3
"""zkcli scripted sessions, printed as TAP (one line per case).

    cli_sessions.py ZKCLI ZKSIM SRCDIR zksim   against a zksim ensemble
    cli_sessions.py ZKCLI ZKSIM SRCDIR real    against a real 3-server ZooKeeper 3.8,
                                               compared with zkCli.sh on the same server

Everything runs on loopback with timeouts; every process started here is
stopped here, by pid. Cases needing a missing tool (zkCli.sh, Java, tmux)
are reported as skipped.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

ZKCLI, ZKSIM, SRC, MODE = sys.argv[1:5]
ZKCLI_SH = "/usr/share/zookeeper/bin/zkCli.sh"
ENSEMBLE = os.path.join(SRC, "..", "interop", "zkensemble.py")
DATA = os.path.join(SRC, "data")
ENV = dict(os.environ, TZ="UTC", HOME=tempfile.mkdtemp(prefix="zkcli-home-"))
ENV.pop("ZK_LOG", None)

cases = []


def case(fn):
    cases.append(fn)
    return fn


class Skip(Exception):
    pass


def run(argv, stdin="", timeout=60):
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, env=ENV)
    err = "\n".join(l for l in p.stderr.split("\n") if not l.startswith("SLF4J")) 
    return p.returncode, p.stdout, err


def zkcli(server, *cmd, stdin="", extra=()):
    return run([ZKCLI, "-server", server, *extra, *cmd], stdin)


def zkcli_sh(server, *cmd, stdin=""):
    if not os.access(ZKCLI_SH, os.X_OK):
        raise Skip("zkCli.sh not installed")
    return run([ZKCLI_SH, "-server", server, *cmd], stdin)


WATCH_BLOCK = re.compile(r"\nWATCHER::\n\n(WatchedEvent [^\n]*)\n")


def split_events(out):
    """(output without WATCHER blocks, sorted event lines): blocks are asynchronous."""
    events = WATCH_BLOCK.findall(out)
    return WATCH_BLOCK.sub("", out), sorted(events)


def normalise(text):
    text = re.sub(r"(cZxid|mZxid|pZxid|ephemeralOwner) = 0x[0-9a-f]+", r"\1 = 0xN", text)
    text = re.sub(r"(ctime|mtime) = .*", r"\1 = T", text)
    return text


USAGE_LINE = re.compile(r"^\t.*\n", re.M)
QUOTA_USAGE = ("\tdelquota ", "\tlistquota ", "\tsetquota ")


def check_usage_lines(zerr, qerr):
    """zkcli lists zkCli.sh's usage lines (but the quota commands) plus its own."""
    z = set(USAGE_LINE.findall(zerr))
    q = set(USAGE_LINE.findall(qerr))
    missing = [l for l in z - q if not l.startswith(QUOTA_USAGE)]
    if missing:
        raise AssertionError("usage lines missing: %s" % missing)
    return USAGE_LINE.sub("", zerr), USAGE_LINE.sub("", qerr)


def expect_eq(what, a, b):
    if a != b:
        raise AssertionError("%s differs:\n--- zkCli.sh\n%s\n--- zkcli\n%s" % (what, a, b))


def expect_in(needle, hay, what="output"):
    if needle not in hay:
        raise AssertionError("%r not in %s:\n%s" % (needle, what, hay))


# ------------------------------------------------------------------ servers

class Zksim:
    def __init__(self, servers=3):
        self.p = subprocess.Popen([ZKSIM, "serve", "--servers", str(servers), "--client-port-base", "0",
                                   "--admin-port", "0", "--super", "super:zkbalance-test", "--tick", "500"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.connect = self.p.stdout.readline().split(": ", 1)[1].strip()
        self.admin = self.p.stdout.readline().split(": ", 1)[1].strip()
        self.hosts = self.connect.split(",")

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


class RealEnsemble:
    def __init__(self):
        if not os.path.exists("/usr/share/java/zookeeper.jar") or not shutil.which("java"):
            raise Skip("ZooKeeper not installed")
        self.dir = tempfile.mkdtemp(prefix="zkcli-ens-")
        out = subprocess.run([sys.executable, ENSEMBLE, "start", self.dir], capture_output=True, text=True,
                             timeout=120)
        desc = json.loads(out.stdout)
        self.connect = desc["connect"]
        self.hosts = self.connect.split(",")
        subprocess.run([sys.executable, ENSEMBLE, "wait", self.dir, "--timeout", "90"], capture_output=True,
                       timeout=120, check=True)

    def stop(self):
        subprocess.run([sys.executable, ENSEMBLE, "stop", self.dir], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ cases

SCRIPT = """create /cmp
create /cmp/c data
create -e /cmp/e eph
create -s /cmp/s x
create -c /cmpcont
get /cmp/c
get -s /cmp/c
ls /cmp
ls -s /cmp
ls -R /cmp
stat /cmp/c
set -s /cmp/c newdata
set -v 99 /cmp/c x
delete /cmp
delete -v 5 /cmp/c
getAcl /cmp
getAcl -s /cmp/c
setAcl /cmp/c world:anyone:cdr
getAcl /cmp/c
setAcl /cmp/c ip:1.2.3.4
getEphemerals /cmp
getAllChildrenNumber /cmp
getAllChildrenNumber /nonode
get /nonode
stat /nonode
sync /cmp
sync cmp
get cmp
create /cmp/c again
create -x /cmp/q
create -c -e /cmp/q
create
delete
set /cmp
ls
printwatches
printwatches off
printwatches
printwatches on
history
redo 1
whoami
config -c
config
addWatch -m FOO /cmp
removewatches /nonode
ls -w /cmp
removewatches /cmp -c
get -w /cmp/c
set /cmp/c changed
bogus
deleteall /nonode
deleteall /cmp
deleteall /cmpcont
close
ls /
connect {server}
ls /cmp
quit
"""


def compare_script(server, script):
    """Runs `script` through zkCli.sh and zkcli on the same server (cleaning
    between), and compares stdout, stderr, events and exit codes."""
    zrc, zout, zerr = zkcli_sh(server, stdin=script)
    zkcli(server, "deleteall", "/cmp")
    zkcli(server, "deleteall", "/cmpcont")
    qrc, qout, qerr = zkcli(server, stdin=script)
    zkcli(server, "deleteall", "/cmp")
    zbody, zev = split_events(zout)
    qbody, qev = split_events(qout)
    expect_eq("stdout", normalise(zbody), normalise(qbody))
    zerr, qerr = check_usage_lines(zerr, qerr)
    expect_eq("stderr", zerr, qerr)
    expect_eq("events", zev, qev)
    expect_eq("exit code", zrc, qrc)


@case
def stdin_script_same_as_zkcli_sh(ens):
    """stdin script of every compatible command: same stdout, stderr, events and exit code as zkCli.sh"""
    compare_script(ens.hosts[0], SCRIPT.format(server=ens.hosts[0]))


ONE_SHOT = [
    ("get", "/nonode"), ("ls",), ("bogus",), ("create", "-x", "/q"), ("ls", "/"), ("stat", "/zookeeper"),
    ("set", "-v", "99", "/zookeeper", "x"), ("delete", "/zookeeper"), ("create", "/zookeeper"),
    ("get", "-s", "/zookeeper/config"), ("config", "-c"), ("reconfig",), ("reconfig", "-v", "zz", "-remove", "1"),
    ("reconfig", "-remove", "3"), ("reconfig", "-v", "0", "-remove", "3"), ("reconfig", "-remove", "abc"),
    ("reconfig", "-members", "server.1=x:1:2;3", "-add", "4=y:1:2;3"),
    ("reconfig", "-file", "/nonexistent/nonexistent"), ("getAcl", "/nonode"), ("sync", "x"),
    ("setAcl", "/zookeeper", "bad"), ("removewatches", "/nonode"), ("whoami",),
]


@case
def one_shot_errors_same_as_zkcli_sh(ens):
    """one-shot mode: each error path (bad arguments, no node, bad version, no auth, reconfig) prints zkCli.sh's message and exit code"""
    server = ens.hosts[1]
    for cmd in ONE_SHOT:
        zrc, zout, zerr = zkcli_sh(server, *cmd)
        qrc, qout, qerr = zkcli(server, *cmd)
        zb, _ = split_events(zout)
        qb, _ = split_events(qout)
        expect_eq("stdout of %s" % (cmd,), normalise(zb), normalise(qb))
        zerr, qerr = check_usage_lines(zerr, qerr)
        expect_eq("stderr of %s" % (cmd,), zerr, qerr)
        expect_eq("exit code of %s" % (cmd,), zrc, qrc)


@case
def no_auth_and_auth(ens):
    """no auth: digest ACL gives 'Insufficient permission' (exit 1); addauth then succeeds; same as zkCli.sh"""
    server = ens.hosts[0]
    script = ("create /secret x digest:u:+Jj7YR3Gg+X3KV0B4Dd/B3tL+s0=:cdrwa\nget /secret\n"
              "addauth digest u:p\nget /secret\nwhoami\ndelete /secret\n")
    zrc, zout, zerr = zkcli_sh(server, stdin=script)
    qrc, qout, qerr = zkcli(server, stdin=script)
    expect_eq("stdout", split_events(zout)[0], split_events(qout)[0])
    expect_eq("stderr", zerr, qerr)
    expect_in("Insufficient permission : /secret", qerr)
    rc, out, err = zkcli(server, "addauth", "digest", "u:p")
    expect_eq("exit code", 0, rc)


@case
def chroot_connect_string(ens):
    """-server host:port,host:port/chroot: paths are relative to the chroot"""
    zkcli(ens.connect, "create", "/chr")
    rc, out, err = zkcli(ens.connect + "/chr", "create", "/x", "y")
    expect_eq("rc", 0, rc)
    expect_in("Created /x", err)
    rc, out, err = zkcli(ens.connect, "get", "/chr/x")
    expect_in("\ny\n", out)
    zkcli(ens.connect, "deleteall", "/chr")


@case
def reconfig_messages_match_capture(ens):
    """reconfig error messages are the ones in the captured zkCli session (tests/cli/data)"""
    captured = open(os.path.join(DATA, "cli_reconfig_errors.txt")).read()
    for cmd, msg in [(("reconfig", "-v", "0", "-remove", "3"), None),
                     (("reconfig", "-v", "zz", "-remove", "3"), "-v must be followed by a long (configuration version)"),
                     (("reconfig", "-remove", "abc"), None),
                     (("reconfig", "-file", "/nonexistent"), None),
                     (("reconfig", "-members", "a", "-add", "b"), None)]:
        rc, out, err = zkcli(ens.hosts[0], *cmd, extra=())
        line = err.strip().split("\n")[-1]
        if line not in captured and not line.startswith("Insufficient permission"):
            raise AssertionError("%s printed %r, not in the capture" % (cmd, line))
        if msg:
            expect_eq("message", msg, line)


@case
def reconfig_with_super(ens):
    """reconfig as super: remove and add back a server, 'Committed new configuration:' and the config text"""
    script = "addauth digest super:zkbalance-test\nconfig\n"
    rc, out, err = zkcli(ens.hosts[0], stdin=script)
    lines = [l for l in split_events(out)[0].split("\n") if l.startswith("server.3=")]
    server3 = lines[0]
    rc, out, err = zkcli(ens.hosts[0], stdin="addauth digest super:zkbalance-test\nreconfig -remove 3\n")
    if "Committed new configuration:" not in out and "ConnectionLoss" not in err:
        raise AssertionError(out + err)
    # Removing the leader drops connections (PROTOCOL.md §7.5): retry, bounded.
    for _ in range(5):
        rc, out, err = zkcli(ens.hosts[0], stdin="addauth digest super:zkbalance-test\nreconfig -s -add %s\n"
                             % server3)
        body = split_events(out)[0]
        if "Committed new configuration:" in body:
            break
        time.sleep(2)
    expect_in("cZxid = 0x0\n", body)
    expect_in(server3 + "\n", body)


@case
def imbalance_commands(ens):
    """servers / shed / rebalance / updateserverlist with --json against zksim"""
    if not isinstance(ens, Zksim):
        raise Skip("zksim only (stock ZooKeeper has no shed)")
    holders = [subprocess.Popen([ZKCLI, "-server", ens.hosts[0]], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=ENV) for _ in range(6)]
    try:
        time.sleep(1.5)
        rc, out, err = zkcli(ens.connect, "servers", "--json")
        rows = json.loads(out.strip().split("\n")[-1])
        expect_eq("servers", [1, 2, 3], [r["id"] for r in rows])
        expect_eq("connections on 1", 6, rows[0]["connections"])
        expect_eq("all up", [True] * 3, [r["up"] for r in rows])
        rc, out, err = zkcli(ens.connect, "servers")
        expect_in("id   role         client", out)
        rc, out, err = zkcli(ens.connect, "rebalance", "--dry-run", "--json")
        r = json.loads(out.strip().split("\n")[-1])
        expect_eq("before", [6, 0, 0], [s["before"] for s in r["servers"]])
        expect_eq("targets", [2, 2, 2], [s["target"] for s in r["servers"]])
        expect_eq("minimum", 4, r["minimum_movers"])
        expect_eq("published", False, r["published"])
        rc, out, err = zkcli(ens.connect, "rebalance", "--shed", "--json", extra=("-admin", ens.admin))
        r = json.loads(out.strip().split("\n")[-1])
        expect_eq("published", True, r["published"])
        expect_eq("shed", [{"server": 1, "connections_shed": 4}], r["shed"])
        rc, out, err = zkcli(ens.connect, "get", "/zkbalance/plan")
        expect_in('"type":"zkbalance-plan"', out)
        rc, out, err = zkcli(ens.connect, "shed", "2", "--count", "0", "--json", extra=("-admin", ens.admin))
        expect_eq("shed json", {"client": ens.hosts[1], "connections_shed": 0, "server": 2},
                  json.loads(out.strip().split("\n")[-1]))
        rc, out, err = zkcli(ens.connect, "shed", "1", "--percent", "100")
        expect_in("server 1 (%s): Shed " % ens.hosts[0], out)
        rc, out, err = zkcli(ens.connect, "shed", "1", "--count", "3")
        expect_eq("shed without admin rc", 1, rc)
        expect_in("only --percent 100, 50 or 25", err)
        rc, out, err = zkcli(ens.connect, "shed", "9")
        expect_in("shed: no server 9 in the current config", err)
        rc, out, err = zkcli(ens.hosts[0], "updateserverlist", "--json", ens.hosts[2])
        j = json.loads(out.strip().split("\n")[-1])
        expect_eq("moved to", ens.hosts[2], j["to"])
        expect_eq("moved", True, j["moved"])
    finally:
        for h in holders:
            h.stdin.close()
        for h in holders:
            try:
                h.wait(15)
            except subprocess.TimeoutExpired:
                h.kill()
                h.wait()


def tmux(*args, timeout=10):
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=timeout, env=ENV).stdout


def wait_pane(name, needle, seconds=10):
    deadline = time.time() + seconds
    pane = ""
    while time.time() < deadline:
        pane = tmux("capture-pane", "-p", "-t", name)
        if needle in pane:
            return pane
        time.sleep(0.2)
    raise AssertionError("%r not on screen:\n%s" % (needle, pane))


@case
def interactive_under_tmux(ens):
    """interactive: prompt with state, completion of commands and paths, a watch event printed without breaking the typed line, history file"""
    if not shutil.which("tmux"):
        raise Skip("tmux not installed")
    name = "zkcli-test-%d" % os.getpid()
    hist = os.path.join(ENV["HOME"], "hist")
    server = ens.hosts[0]
    zkcli(server, "create", "/inter", "x")
    tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "40",
         "env TERM=xterm %s -server %s -history %s" % (ZKCLI, server, hist))
    try:
        wait_pane(name, "[zk: %s(CONNECTED) 0]" % server)
        tmux("send-keys", "-t", name, "getA", "Tab")
        wait_pane(name, "getA")
        tmux("send-keys", "-t", name, "BSpace", "BSpace", "BSpace", "BSpace", "ge", "Tab", "Tab")
        tmux("send-keys", "-t", name, "C-u", "get -w /int", "Tab")
        wait_pane(name, "get -w /inter")
        tmux("send-keys", "-t", name, "Enter")
        wait_pane(name, "[zk: %s(CONNECTED) 1]" % server)
        tmux("send-keys", "-t", name, "ls /zoo")
        wait_pane(name, "ls /zoo")
        zkcli(server, "set", "/inter", "changed")
        pane = wait_pane(name, "WatchedEvent state:SyncConnected type:NodeDataChanged path:/inter")
        last = [l for l in pane.split("\n") if l.strip()][-1]
        expect_eq("line after the event", "[zk: %s(CONNECTED) 1] ls /zoo" % server, last.rstrip())
        tmux("send-keys", "-t", name, "Tab")
        wait_pane(name, "ls /zookeeper")
        tmux("send-keys", "-t", name, "Enter")
        wait_pane(name, "[config, quota]")
        tmux("send-keys", "-t", name, "quit", "Enter")
        deadline = time.time() + 10
        while time.time() < deadline and not os.path.exists(hist):
            time.sleep(0.2)
        time.sleep(0.5)
        expect_in("get\\040-w\\040/inter", open(hist).read(), "history file")
    finally:
        tmux("kill-session", "-t", name)
        zkcli(server, "delete", "/inter")


def main():
    try:
        ens = Zksim() if MODE == "zksim" else RealEnsemble()
    except Skip as e:
        print("1..1\nok 1 - all # SKIP %s" % e)
        return 0
    print("1..%d" % len(cases), flush=True)
    failed = 0
    try:
        only = os.environ.get("ZKCLI_TEST_ONLY")
        for i, fn in enumerate(cases, 1):
            if only and only not in fn.__name__:
                print("ok %d - %s # SKIP not selected" % (i, fn.__name__), flush=True)
                continue
            title = "%s: %s" % (MODE, fn.__doc__.strip().split("\n")[0])
            try:
                fn(ens)
                print("ok %d - %s" % (i, title), flush=True)
            except Skip as e:
                print("ok %d - %s # SKIP %s" % (i, title, e), flush=True)
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, title), flush=True)
                for line in traceback.format_exc().split("\n"):
                    print("# " + line, flush=True)
    finally:
        ens.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
