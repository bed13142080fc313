#!/usr/bin/python3
"""zkcli scripted sessions, printed as TAP (one line per case).

    cli_sessions.py ZKCLI ZKSIM SRCDIR zksim   against a zksim ensemble
    cli_sessions.py ZKCLI ZKSIM SRCDIR real    against a real 3-server ZooKeeper 3.8,
                                               compared with zkCli.sh on the same server
    (a fifth argument, the plan_followers program, enables the rebalance
    cases with real plan-following SDK sessions)

Everything runs on loopback with timeouts; every process started here is
stopped here, by pid. Cases needing a missing tool (zkCli.sh, Java, tmux)
are reported as skipped.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

ZKCLI, ZKSIM, SRC, MODE = sys.argv[1:5]
FOLLOWERS = sys.argv[5] if len(sys.argv) > 5 else None  # tests/cli/plan_followers
ZKCLI_SH = "/usr/share/zookeeper/bin/zkCli.sh"
ENSEMBLE = os.path.join(SRC, "..", "interop", "zkensemble.py")
DATA = os.path.join(SRC, "data")
ENV = dict(os.environ, TZ="UTC", HOME=tempfile.mkdtemp(prefix="zkcli-home-"))
ENV.pop("ZK_LOG", None)

cases = []


def case(fn):
    cases.append(fn)
    return fn


def case_for(mode):
    """A case that exists only in one mode ("zksim" or "real"): by design it is
    not run in the other one, so it is not listed there (not a skip)."""
    def register(fn):
        if MODE == mode:
            cases.append(fn)
        return fn
    return register


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
    body = WATCH_BLOCK.sub("", out)
    # zkCli.sh may exit (one-shot) between printing a block's header and its
    # event line; such a cut block says nothing either way.
    body = re.sub(r"\nWATCHER::\n\n?$", "", body)
    return body, sorted(events)


CLOSED_EVENT = "WatchedEvent state:Closed type:None path:null"


def quit_race(script, zev, qev):
    """zkCli.sh's events, with the Closed event of a final `quit` restored
    when zkCli.sh lost it. Its `quit` closes the session (the send thread
    queues the Closed event for the event thread) and then calls
    System.exit at once, so whether the event thread printed the event (or
    only the block's header, which split_events drops) before the JVM ended
    is a race; on a loaded machine it loses now and then. zkcli closes the
    session and prints the event before it exits, every time. Only that one
    event is restored, and only when the script ends with quit: any other
    difference still fails."""
    lines = [l.strip() for l in script.strip().split("\n")]
    if lines and lines[-1] == "quit" and sorted(zev + [CLOSED_EVENT]) == qev:
        return qev
    return zev


def normalise(text):
    text = re.sub(r"(cZxid|mZxid|pZxid|ephemeralOwner) = 0x[0-9a-f]+", r"\1 = 0xN", text)
    text = re.sub(r"(ctime|mtime) = .*", r"\1 = T", text)
    return text


USAGE_LINE = re.compile(r"^\t.*\n", re.M)


def check_usage_lines(zerr, qerr):
    """zkcli lists every usage line of zkCli.sh plus its own."""
    z = set(USAGE_LINE.findall(zerr))
    q = set(USAGE_LINE.findall(qerr))
    missing = [l for l in z - q]
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
        self.dir = tempfile.mkdtemp(prefix="zkcli-ens-")  # zkensemble.py's DIR
        out = subprocess.run([sys.executable, ENSEMBLE, "start", self.dir], capture_output=True, text=True,
                             timeout=120)
        desc = json.loads(out.stdout)
        self.admin_ports = [srv["admin_port"] for srv in desc["servers"]]
        self.connect = desc["connect"]
        self.hosts = self.connect.split(",")
        try:
            subprocess.run([sys.executable, ENSEMBLE, "wait", self.dir, "--timeout", "90"], capture_output=True,
                           timeout=120, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop()  # no JVM left behind
            raise

    def stop(self):
        subprocess.run([sys.executable, ENSEMBLE, "stop", self.dir], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ cases

SCRIPT = """create /cmp
create /cmp/c data
create -e /cmp/e eph
create -s /cmp/s x
create -c /cmpcont
get /cmp
get -s /cmpcont
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
    expect_eq("events", quit_race(script, zev, qev), qev)
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


# Error paths that need nodes: not empty, bad version, node exists, no node,
# no auth (a digest ACL on /osacl), no watcher, bad arguments. Every command
# here fails (or only reads), so each runs the same for both shells.
ONE_SHOT_SETUP = ("create /os x\ncreate /os/child y\ncreate /osacl x\ncreate /osacl/c y\n"
                  "setAcl /osacl digest:u:+Jj7YR3Gg+X3KV0B4Dd/B3tL+s0=:cdrwa\n")
ONE_SHOT_NODES = [
    ("delete", "/os"), ("delete", "-v", "7", "/os/child"), ("set", "-v", "7", "/os/child", "z"),
    ("setAcl", "-v", "7", "/os/child", "world:anyone:cdrwa"), ("create", "/os/child"), ("create", "/os"),
    ("set", "/nonode", "z"), ("create", "/nonode/x"), ("delete", "/nonode"), ("ls", "-R", "/nonode"),
    ("stat", "/nonode"), ("getAllChildrenNumber", "/nonode"), ("deleteall", "/nonode"),
    ("get", "/osacl"), ("set", "/osacl", "z"), ("ls", "/osacl"), ("create", "/osacl/d"),
    ("delete", "/osacl/c"), ("deleteall", "/osacl"), ("setAcl", "/osacl", "world:anyone:r"),
    ("removewatches", "/os", "-d"), ("removewatches", "/os", "-q"), ("addWatch", "-m", "BAD", "/os"),
    ("addWatch", "/os", "extra"), ("setAcl", "/os"), ("create", "-t", "abc", "/os/t"),
    ("create", "-t", "10", "-e", "/os/t"), ("create", "-s", "-c", "/os/t"), ("delete", "-v", "0"),
    ("get", "x"), ("stat",), ("history",), ("redo",), ("redo", "99"), ("config", "-x"), ("addauth",),
]


def compare_one_shot(server, commands):
    for cmd in commands:
        zrc, zout, zerr = zkcli_sh(server, *cmd)
        qrc, qout, qerr = zkcli(server, *cmd)
        zb, _ = split_events(zout)
        qb, _ = split_events(qout)
        expect_eq("stdout of %s" % (cmd,), normalise(zb), normalise(qb))
        zerr, qerr = check_usage_lines(zerr, qerr)
        expect_eq("stderr of %s" % (cmd,), zerr, qerr)
        expect_eq("exit code of %s" % (cmd,), zrc, qrc)


@case
def one_shot_node_errors_same_as_zkcli_sh(ens):
    """one-shot mode: not empty, bad version, node exists, no node, no auth, no watcher and bad arguments print zkCli.sh's message and exit code"""
    server = ens.hosts[2]
    zkcli(server, stdin=ONE_SHOT_SETUP)
    try:
        rc, out, err = zkcli(server, "get", "/osacl")
        expect_eq("setup: /osacl is protected", "Insufficient permission : /osacl\n", err)
        compare_one_shot(server, ONE_SHOT_NODES)
    finally:
        zkcli(server, stdin="addauth digest u:p\ndeleteall /osacl\ndeleteall /os\n")


# removewatches of each kind (zkCli.sh 3.8's RemoveWatchesCommand and
# ZKWatchManager): one *WatchRemoved event per kind of table the removed
# watches were in, "No such watcher" when none of that kind was there (also
# when a 3.8 server accepts -c/-d for a recursive watch), -c before -d.
REMOVE_SCRIPT = """create /cmp
create /cmp/rw x
ls -w /cmp/rw
get -w /cmp/rw
stat -w /cmp/rw
removewatches /cmp/rw -d
removewatches /cmp/rw -d
ls -w /cmp/rw
get -w /cmp/rw
removewatches /cmp/rw
removewatches /cmp/rw -a
ls -w /cmp/rw
removewatches /cmp/rw -d
removewatches /cmp/rw -c
addWatch /cmp/rw
removewatches /cmp/rw -c
removewatches /cmp/rw -d
removewatches /cmp/rw
ls -w /cmp/rw
removewatches /cmp/rw -c -d
get -w /cmp/rw
removewatches /cmp/rw -l
removewatches /cmp/rw -x
removewatches
removewatches rw
removewatches /cmp/nonode
addWatch -m PERSISTENT /cmp/rw
get -w /cmp/rw
removewatches -a /cmp/rw
create -e /cmp/eph
create /cmp/eph/x
ls /cmp watch
stat /cmp/rw watch
set /cmp/rw y 0
set /cmp/rw z 7
delete /cmp/rw 9
setAcl -v 9 /cmp/rw world:anyone:cdrwa
setAcl -R /cmp world:anyone:cdrwa
deleteall /cmp
"""


@case
def removewatches_same_as_zkcli_sh(ens):
    """removewatches -c/-d/-a/-l on data, child, exist and persistent watches, and the deprecated watch/version forms: same events (DataWatchRemoved, ChildWatchRemoved, PersistentWatchRemoved), messages and exit code as zkCli.sh"""
    compare_script(ens.hosts[0], REMOVE_SCRIPT)
    rc, out, err = zkcli(ens.hosts[0], stdin=REMOVE_SCRIPT)
    events = split_events(out)[1]
    for kind in ("DataWatchRemoved", "ChildWatchRemoved", "PersistentWatchRemoved"):
        expect_in("type:%s path:/cmp/rw" % kind, "\n".join(events), "events")
    expect_in("KeeperErrorCode = No such watcher for /cmp/rw", err, "stderr")


# setquota/listquota/delquota as zkCli.sh 3.8: every option, the option
# group's errors, bad values, quotas under /zookeeper/quota, missing nodes,
# parent and child quotas, warnings below the usage the server counts.
QUOTA_SCRIPT = """create /cmp
create /cmp/q x
create /cmp/q/a yy
create /cmp/q/a/b zzz
setquota
setquota -n 5 -b 10 /cmp/q
setquota -n 5
setquota -n 0 /cmp/q
setquota -n abc /cmp/q
setquota -b -1 /cmp/q
setquota -n 5 /zookeeper/quota/x
setquota -n 5 /cmp/nonode
setquota -n 2 /cmp/q
listquota /cmp/q
setquota -b 1 /cmp/q
setquota -N 10 /cmp/q
setquota -B 100 /cmp/q
listquota /cmp/q
setquota -n 3 /cmp/q/a
setquota -n 3 /cmp
get /zookeeper/quota/cmp/q/zookeeper_limits
delquota -b /cmp/q
listquota /cmp/q
delquota -n -b /cmp/q
delquota /cmp/q
listquota /cmp/q
delquota /cmp/q
ls /zookeeper/quota
setquota -n 3 /cmp/q/a
listquota /cmp/q/a
delquota -N /cmp/q/a
listquota /cmp/q/a
delquota /cmp/q/a
ls /zookeeper/quota
listquota
delquota
listquota x
delquota x
deleteall /cmp
"""


@case
def quota_commands_same_as_zkcli_sh(ens):
    """setquota -n|-b|-N|-B, listquota, delquota [-n|-b|-N|-B]: same output, messages and exit codes as zkCli.sh (script and one-shot)"""
    compare_script(ens.hosts[0], QUOTA_SCRIPT)
    server = ens.hosts[0]
    zkcli(server, stdin="create /cmp\ncreate /cmp/q x\nsetquota -n 1 /cmp/q\n")
    try:
        compare_one_shot(server, [("setquota",), ("setquota", "-n", "1", "-b", "2", "/cmp/q"), ("setquota", "-n", "0", "/cmp/q"),
                                  ("setquota", "-n", "2", "/cmp/nonode"), ("setquota", "-n", "2", "/cmp"),
                                  ("listquota", "/cmp/nonode"), ("delquota", "/cmp/nonode"),
                                  ("delquota", "-n", "-N", "/cmp/q"), ("listquota",)])
    finally:
        zkcli(server, stdin="delquota /cmp/q\ndeleteall /cmp\n")


# zkCli's one watcher sits in sets: one event per notification however many
# of its registrations match (get -w twice, get -w + stat -w + ls -w, a
# one-shot + a persistent watch on the same node).
WATCH_ONCE_SCRIPT = """create /cmp
create /cmp/d x
get -w /cmp/d
stat -w /cmp/d
set /cmp/d y
set /cmp/d z
get -w /cmp/d
get -w /cmp/d
ls -w /cmp/d
set /cmp/d w
addWatch -m PERSISTENT /cmp/d
set /cmp/d v
set /cmp/d u
get -w /cmp/d
set /cmp/d t
set /cmp/d s
ls -w /cmp/d
get -w /cmp/d
stat -w /cmp/d
delete /cmp/d
create /cmp/d again
deleteall /cmp
"""


@case
def watch_events_once_same_as_zkcli_sh(ens):
    """a notification matching several registrations of the default watcher prints one event, as zkCli.sh"""
    compare_script(ens.hosts[1], WATCH_ONCE_SCRIPT)


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


@case_for("zksim")
def imbalance_commands(ens):
    """servers / shed / rebalance / updateserverlist with --json against zksim"""
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


def hold_sessions(server, n):
    """n zkcli sessions on `server`, idle until release_sessions."""
    return [subprocess.Popen([ZKCLI, "-server", server], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=ENV) for _ in range(n)]


def release_sessions(holders):
    for h in holders:
        h.stdin.close()
    for h in holders:
        try:
            h.wait(15)
        except subprocess.TimeoutExpired:
            h.kill()
            h.wait()


@case_for("real")
def imbalance_commands_real_zookeeper(ens):
    """servers against real ZooKeeper 3.8 (srvr/cons per server): members, modes, connections; shed and rebalance --shed: a clear error, exit code 1"""
    holders = hold_sessions(ens.hosts[1], 4)
    try:
        time.sleep(2)
        rc, out, err = zkcli(ens.connect, "servers", "--json")
        expect_eq("servers rc", 0, rc)
        rows = json.loads(out.strip().split("\n")[-1])
        expect_eq("ids", [1, 2, 3], [r["id"] for r in rows])
        expect_eq("clients", ens.hosts, [r["client"] for r in rows])
        expect_eq("all up", [True] * 3, [r["up"] for r in rows])
        expect_eq("modes", ["follower", "follower", "leader"], sorted(r["mode"] for r in rows))
        expect_eq("connections on 2", 4, rows[1]["connections"])
        rc, out, err = zkcli(ens.connect, "servers")
        expect_in("2    participant  %-22s up" % ens.hosts[1], out)
        for args, word in ((("shed", "2"), "shed"), (("shed", "2", "--percent", "50"), "sh50")):
            rc, out, err = zkcli(ens.connect, *args)
            expect_eq("%s rc" % (args,), 1, rc)
            expect_in("shed: server 2 (%s) cannot shed connections: no answer to the four-letter word '%s'"
                      % (ens.hosts[1], word), err)
        # Debian's ZooKeeper runs without Jetty: nothing listens on the admin port.
        admin = "127.0.0.1:%d" % ens.admin_ports[1]
        rc, out, err = zkcli(ens.connect, "shed", "2", "--count", "1", "--admin", admin)
        expect_eq("shed --admin rc", 1, rc)
        expect_in("shed: admin endpoint %s: " % admin, err)
        rc, out, err = zkcli(ens.connect, "rebalance", "--shed")
        expect_eq("rebalance --shed rc", 1, rc)
        expect_in("rebalance: shed: without an admin endpoint", err)
        rc, out, err = zkcli(ens.connect, "servers", "--json")
        after = json.loads(out.strip().split("\n")[-1])
        expect_eq("connections on 2 after the failed sheds", 4, after[1]["connections"])
    finally:
        release_sessions(holders)
        zkcli(ens.connect, "deleteall", "/zkbalance")


def four_letter(hostport, word):
    host, port = hostport.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(word.encode())
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return data.decode(errors="replace")
            data += chunk


def restart_with_whitelist(ens, server_id, whitelist):
    """Restarts real server `server_id` with 4lw.commands.whitelist=`whitelist`."""
    cfg = os.path.join(ens.dir, "s%d" % server_id, "zoo.cfg")
    text = re.sub(r"^4lw\.commands\.whitelist=.*$", "4lw.commands.whitelist=" + whitelist, open(cfg).read(),
                  flags=re.M)
    subprocess.run([sys.executable, ENSEMBLE, "stop-server", ens.dir, str(server_id)], capture_output=True,
                   timeout=60, check=True)
    open(cfg, "w").write(text)
    subprocess.run([sys.executable, ENSEMBLE, "start-server", ens.dir, str(server_id)], capture_output=True,
                   timeout=60, check=True)
    subprocess.run([sys.executable, ENSEMBLE, "wait", ens.dir, "--timeout", "60"], capture_output=True,
                   timeout=90, check=True)


@case_for("real")
def servers_without_cons_real_zookeeper(ens):
    """servers against a real member whose whitelist is only ruok: srvr still answers (3.8), cons is refused, so the count is srvr's"""
    restart_with_whitelist(ens, 3, "ruok")
    holders = []
    try:
        expect_in("cons is not executed because it is not in the whitelist.", four_letter(ens.hosts[2], "cons"))
        holders = hold_sessions(ens.hosts[2], 3)
        deadline = time.time() + 30
        rows = []
        while time.time() < deadline:
            rc, out, err = zkcli(ens.hosts[0], "servers", "--json")
            rows = json.loads(out.strip().split("\n")[-1])
            if rows[2]["up"] and rows[2]["connections"] == 3:
                break
            time.sleep(1)
        expect_eq("server 3 up", True, rows[2]["up"])
        expect_in(rows[2]["mode"], ("leader", "follower"), "modes")
        expect_eq("server 3 count from srvr (3 sessions)", 3, rows[2]["connections"])
    finally:
        release_sessions(holders)
        restart_with_whitelist(ens, 3, "*")


class Followers:
    """plan_followers: SDK sessions placed `counts` on ens.hosts, following `plan_path` ("-": none)."""

    def __init__(self, ens, counts, plan_path, seed):
        if not FOLLOWERS:
            raise Skip("plan_followers not given")
        print("# plan_followers seed %d" % seed, flush=True)
        self.p = subprocess.Popen([FOLLOWERS, ens.connect, ",".join(map(str, counts)), plan_path, str(seed)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, env=ENV)
        line = self.p.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise AssertionError("plan_followers did not start: %r %s" % (line, self.p.stderr.read()))

    def report(self):
        self.p.stdin.write("report\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def stop(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            self.p.wait(30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def server_counts(ens):
    rc, out, err = zkcli(ens.connect, "servers", "--json")
    return [r["connections"] for r in json.loads(out.strip().split("\n")[-1])]


def wait_counts(ens, done, seconds=20):
    deadline = time.time() + seconds
    counts = server_counts(ens)
    while not done(counts) and time.time() < deadline:
        time.sleep(0.5)
        counts = server_counts(ens)
    return counts


@case
def rebalance_exact_with_plan_followers(ens):
    """rebalance --exact with 30 real plan-following SDK sessions placed 24/3/3: plan names exactly the minimum movers, servers --json then shows 10/10/10, the sessions moved == minimum"""
    zkcli(ens.connect, "deleteall", "/zkbalance")
    f = Followers(ens, [24, 3, 3], "/zkbalance/plan", seed=int(os.environ.get("ZKCLI_TEST_SEED", "11")))
    try:
        expect_eq("placed", [24, 3, 3], wait_counts(ens, lambda c: c == [24, 3, 3]))
        rc, out, err = zkcli(ens.connect, "rebalance", "--exact", "--json")
        expect_eq("rebalance rc", 0, rc)
        r = json.loads(out.strip().split("\n")[-1])
        expect_eq("published", True, r["published"])
        expect_eq("minimum", 14, r["minimum_movers"])
        expect_eq("expected movers (named)", 14, r["expected_movers"])
        expect_eq("named sessions", 14, len(r["plan"]["sessions"]))
        expect_eq("movers per server", [14, 0, 0], [s["expected_movers"] for s in r["servers"]])
        tolerance = 0.1 * 10
        # The exact plan leaves 10/10/10; wait for the last mover (bounded).
        counts = wait_counts(ens, lambda c: c == [10, 10, 10], seconds=30)
        if not all(abs(n - 10) <= tolerance for n in counts):
            raise AssertionError("not balanced within %s of 10 after the plan: %s" % (tolerance, counts))
        rep = f.report()
        expect_eq("sessions moved", 14, rep["moved"])
        expect_eq("sessions connected", 30, rep["connected"])
        expect_eq("servers --json == the sessions' own view", rep["counts"], counts)
        rc, out, err = zkcli(ens.connect, "rebalance", "--exact", "--json")
        r = json.loads(out.strip().split("\n")[-1])
        expect_eq("balanced afterwards", True, r["balanced"])
        expect_eq("nothing published afterwards", False, r["published"])
    finally:
        f.stop()
        zkcli(ens.connect, "deleteall", "/zkbalance")


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


@case_for("zksim")
def rebalance_shed_with_plan_followers(ens):
    """rebalance --shed with 4 plan-following and 14 non-following SDK sessions on server 1: the plan moves the 4 followers, the admin endpoint sheds the other 8 of the minimum 12"""
    zkcli(ens.connect, "deleteall", "/zkbalance")
    seed = int(os.environ.get("ZKCLI_TEST_SEED", "11"))
    followers = Followers(ens, [4, 0, 0], "/zkbalance/plan", seed=seed)
    others = None
    try:
        others = Followers(ens, [14, 0, 0], "-", seed=seed + 1000)
        expect_eq("placed", [18, 0, 0], wait_counts(ens, lambda c: c == [18, 0, 0]))
        rc, out, err = zkcli(ens.connect, "rebalance", "--shed", "--json", extra=("-admin", ens.admin))
        expect_eq("rebalance rc", 0, rc)
        r = json.loads(out.strip().split("\n")[-1])
        expect_eq("minimum", 12, r["minimum_movers"])
        expect_eq("named movers (the followers)", 4, len(r["plan"]["sessions"]))
        expect_eq("shed the rest", [{"server": 1, "connections_shed": 8}], r["shed"])
        # Where a shed session lands is its own host provider's choice (it
        # follows no plan); server 1 must lose the 12 within a margin.
        wait_counts(ens, lambda c: sum(c) == 18 and c[0] <= 8)
        time.sleep(2)  # settled: the shed window is 1 s
        counts = server_counts(ens)
        expect_eq("every session connected", 18, sum(counts))
        if counts[0] > 8:
            raise AssertionError("server 1 still has %d of 18 after plan and shed: %s" % (counts[0], counts))
        print("# rebalance --shed: counts after %s (targets 6/6/6)" % counts, flush=True)
        expect_eq("followers moved", 4, followers.report()["moved"])
    finally:
        followers.stop()
        if others:
            others.stop()
        zkcli(ens.connect, "deleteall", "/zkbalance")


def wait_pane_re(name, pattern, seconds=10):
    deadline = time.time() + seconds
    pane = ""
    while time.time() < deadline:
        pane = tmux("capture-pane", "-p", "-t", name)
        if re.search(pattern, pane, re.M):
            return pane
        time.sleep(0.2)
    raise AssertionError("/%s/ not on screen:\n%s" % (pattern, pane))


@case
def servers_watch_under_tmux(ens):
    """servers --watch on a terminal: redraws in place with new counts, q stops it (exit 0); in the interactive shell Ctrl-C stops only the watch"""
    if not shutil.which("tmux"):
        raise Skip("tmux not installed")
    name = "zkcli-watch-%d" % os.getpid()
    rcfile = os.path.join(ENV["HOME"], "watch.rc")
    host = ens.hosts[0]
    row = r"^1 +participant +%s +up +\S+ +%d$"
    tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "40",
         "env TERM=xterm sh -c '%s -server %s servers --watch --interval 300; echo rc=$? > %s; sleep 30'"
         % (ZKCLI, ens.connect, rcfile))
    holders = []
    try:
        wait_pane(name, "Every 300 ms: servers (%s; q or Ctrl-C stops)" % ens.connect, seconds=30)
        wait_pane_re(name, row % (re.escape(host), 0))
        holders = hold_sessions(host, 2)
        pane = wait_pane_re(name, row % (re.escape(host), 2))
        expect_eq("one table on the screen (redrawn, not appended)", 1, pane.count("id   role"))
        tmux("send-keys", "-t", name, "q")
        deadline = time.time() + 5
        while time.time() < deadline and not os.path.exists(rcfile):
            time.sleep(0.1)
        expect_eq("exit after q", "rc=0\n", open(rcfile).read())
    finally:
        release_sessions(holders)
        tmux("kill-session", "-t", name)
    tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "40",
         "env TERM=xterm %s -server %s -history %s" % (ZKCLI, host, os.path.join(ENV["HOME"], "hist-watch")))
    try:
        wait_pane(name, "[zk: %s(CONNECTED) 0]" % host, seconds=30)
        tmux("send-keys", "-t", name, "servers --watch --interval 300", "Enter")
        wait_pane(name, "q or Ctrl-C stops")
        tmux("send-keys", "-t", name, "C-c")
        wait_pane(name, "[zk: %s(CONNECTED) 1]" % host)
        tmux("send-keys", "-t", name, "ls /zookeeper", "Enter")
        wait_pane(name, "[config, quota]")
        wait_pane(name, "[zk: %s(CONNECTED) 2]" % host)
    finally:
        tmux("kill-session", "-t", name)


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
