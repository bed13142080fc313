"""zkcli's load commands (servers, shed, rebalance, updateserverlist):
against zksim, against a real ZooKeeper (four-letter words, a whitelist
without cons), and with real plan-following SDK sessions
(tests/cli/plan_followers). Registered with @case in this file's order.
"""
import json
import os
import re
import subprocess
import sys
import time

from cli_harness import (ENSEMBLE, ENV, FOLLOWERS, Skip, ZKCLI, Zksim, case, case_for, expect_eq, expect_in,
                         hold_sessions, release_sessions, zkcli)

sys.path.insert(0, os.path.dirname(ENSEMBLE))
import zkensemble  # noqa: E402  (four_letter: the Python tests' one 4lw client)

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
        rc, out, err = zkcli(ens.connect, "rebalance", "--shed", "--json", extra=("-admin", ens.admin, "-admin-auth", "super:zkbalance-test"))
        r = json.loads(out.strip().split("\n")[-1])
        expect_eq("published", True, r["published"])
        expect_eq("shed", [{"server": 1, "connections_shed": 4}], r["shed"])
        rc, out, err = zkcli(ens.connect, "get", "/zkbalance/plan")
        expect_in('"type":"zkbalance-plan"', out)
        rc, out, err = zkcli(ens.connect, "shed", "2", "--count", "0", "--json", extra=("-admin", ens.admin, "-admin-auth", "super:zkbalance-test"))
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
    return zkensemble.four_letter(int(port), word, timeout=5, host=host)


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
        rc, out, err = zkcli(ens.connect, "rebalance", "--shed", "--json", extra=("-admin", ens.admin, "-admin-auth", "super:zkbalance-test"))
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
