"""zkcli compared with zkCli.sh: the same scripts, one-shot commands and
watch events on the same server give the same output (normalised for
zxids and times), plus auth, chroot and reconfig sessions. Registered with
@case in this file's order (cli_sessions.py runs them).
"""
import os
import time

from cli_harness import (DATA, case, check_usage_lines, expect_eq, expect_in, normalise, quit_race,
                         split_events, zkcli, zkcli_sh)

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
    # Removing the leader drops connections: retry, bounded.
    for _ in range(5):
        rc, out, err = zkcli(ens.hosts[0], stdin="addauth digest super:zkbalance-test\nreconfig -s -add %s\n"
                             % server3)
        body = split_events(out)[0]
        if "Committed new configuration:" in body:
            break
        time.sleep(2)
    expect_in("cZxid = 0x0\n", body)
    expect_in(server3 + "\n", body)
