"""The harness of the zkcli scripted sessions (cli_sessions.py): the
command line, the case registry (@case), running zkcli and zkCli.sh, the
comparison helpers, and the two ensembles a run can use (zksim, or a real
3-server ZooKeeper 3.8 through tests/interop/zkensemble.py).

Imported by cli_sessions.py and by the case modules (cli_parity_cases.py,
cli_rebalance_cases.py, cli_terminal_cases.py); it reads sys.argv as
cli_sessions.py documents.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

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
            case(fn)
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


# ------------------------------------------------------------------ servers

class Zksim:
    def __init__(self, servers=3):
        self.p = subprocess.Popen([ZKSIM, "serve", "--servers", str(servers), "--client-port-base", "0",
                                   "--admin-port", "0", "--super", "super:zkbalance-test", "--tick", "500",
                                   "--4lw-whitelist", "*"],
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
