"""zkcli on a terminal: the interactive shell and `servers --watch` under
tmux (send-keys to type, capture-pane to read the screen). Registered with
@case in this file's order.
"""
import os
import re
import shutil
import subprocess
import time

from cli_harness import (ENV, Skip, ZKCLI, case, expect_eq, expect_in, hold_sessions, release_sessions,
                         zkcli)

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
