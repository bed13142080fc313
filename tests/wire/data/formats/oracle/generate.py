#!/usr/bin/env python3
"""Regenerates ../zk38_oracle.txt with the real ZooKeeper 3.8 classes.

Usage (Debian 12, packages zookeeper and openjdk-17-jdk-headless):
    python3 generate.py
The file alternates question lines ("? <cmd> <arg>") and answer lines
("= OK ..." / "= ERR ..."); tests/wire/formats/oracle_test.cc replays it.
Only IP literals and localhost are used as hosts, so Java does no DNS lookups.
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
JARS = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar"]


def spec(rnd, i):
    host = rnd.choice(["127.0.0.1", "10.0.0.%d" % (i % 256), "127.0.%d.1" % (i % 256), "[::1]",
                       "localhost", "[2001:db8::%x]" % i, "10.%d" % i])
    s = "%s:%d:%d" % (host, 2000 + i, 3000 + i)
    role = None
    if rnd.random() < 0.5:
        role = rnd.choice(["participant", "observer", "Observer"])
        s += ":" + role
    if rnd.random() < 0.2:
        s += "|10.1.%d.%d:%d:%d" % (i % 200, i % 100, 4000 + i, 5000 + i)
        if role and rnd.random() < 0.5:
            s += ":" + role
    r = rnd.random()
    if r < 0.4:
        s += ";%d" % (6000 + i)
    elif r < 0.8:
        s += ";%s:%d" % (rnd.choice(["127.0.0.1", "0.0.0.0", "[::1]", "10.9.9.%d" % (i % 256)]), 6000 + i)
    return s


def majority(rnd, t):
    n = rnd.randint(1, 30)
    ids = rnd.sample(range(1, rnd.choice([12, 60, 400])), min(n, 11)) if rnd.random() < 0.3 \
        else rnd.sample(range(1, 400), n)
    lines = ["server.%d=%s" % (i, spec(rnd, i)) for i in ids]
    lines.append("server.%d=127.0.0.5:1:2:participant;9" % (1000 + t))
    lines.append("server.%d=127.0.0.6:1:2:participant;9" % (2000 + t))
    rnd.shuffle(lines)
    if rnd.random() < 0.7:
        lines.insert(rnd.randint(0, len(lines)), "version=%x" % rnd.randint(0, 2 ** 40))
    return "\\n".join(lines)


def hierarchical(rnd):
    n = rnd.randint(2, 25)
    ids = rnd.sample(range(1, rnd.choice([40, 80, 300])), n)
    obs = set(rnd.sample(ids, rnd.randint(0, n // 3)))
    lines = ["server.%d=127.0.0.%d:%d:%d%s;%d" % (i, i % 250 + 1, 2000 + i, 3000 + i,
                                                   ":observer" if i in obs else "", 4000 + i)
             for i in ids]
    parts = [i for i in ids if i not in obs]
    rnd.shuffle(parts)
    gids = rnd.sample(range(1, 60), rnd.randint(1, min(5, len(parts))))
    groups = {g: [] for g in gids}
    for k, p in enumerate(parts):
        groups[gids[k % len(gids)]].append(p)
    weights = {}
    for o in obs:
        if rnd.random() < 0.3:
            groups[rnd.choice(gids)].append(o)
            weights[o] = rnd.randint(0, 3)
    for g in gids:
        if groups[g]:
            rnd.shuffle(groups[g])
            lines.append("group.%d=%s" % (g, ":".join(map(str, groups[g]))))
    for p in parts:
        if rnd.random() < 0.4:
            weights[p] = rnd.randint(0, 5)
    lines += ["weight.%d=%d" % (s, w) for s, w in weights.items()]
    rnd.shuffle(lines)
    if rnd.random() < 0.7:
        lines.append("version=%x" % rnd.randint(0, 2 ** 36))
    return "\\n".join(lines)


def main():
    rnd = random.Random(20260807)
    questions = []
    for t in range(40):
        text = majority(rnd, t)
        questions += ["qv " + text, "dyn " + text, "cc " + text]
    for _ in range(15):
        text = hierarchical(rnd)
        questions += ["qv " + text, "dyn " + text, "cc " + text]
    for t in range(15):
        base = majority(rnd, 100 + t)
        leaving = ",".join(str(x) for x in rnd.sample(range(1, 400), rnd.randint(0, 3)))
        joining = ",".join("server.%d=10.7.7.%d:%d:%d%s;%d" % (
            i, i, 1000 + i, 1100 + i, rnd.choice(["", ":observer"]), 1200 + i)
            for i in rnd.sample(range(1, 80), rnd.randint(0, 6)))
        questions.append("incr %s@%s@%s@%x" % (base, leaving, joining, rnd.randint(1, 2 ** 36)))
    # Orders of `config -c` for a set of id sets.
    for ids in [range(1, 4), range(1, 6), range(1, 10), range(1, 12), range(1, 21), range(1, 101),
                [1, 2, 3, 17, 33, 100, 255], [1, 2, 9, 10, 17]]:
        lines = ["server.%d=127.0.0.1:%d:%d;%d" % (i, 2000 + i, 3000 + i, 4000 + i) for i in ids]
        text = "\\n".join(lines + ["version=100000000"])
        questions += ["cc " + text, "qv " + text]
    with tempfile.TemporaryDirectory() as tmp:
        cp = ":".join("/usr/share/java/" + j for j in JARS)
        subprocess.run(["javac", "-d", tmp, "-cp", cp, os.path.join(HERE, "Oracle.java")], check=True)
        out = subprocess.run(["java", "-cp", cp + ":" + tmp, "Oracle"], input="\n".join(questions) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == len(questions), (len(out), len(questions))
    with open(os.path.join(HERE, "..", "zk38_oracle.txt"), "w") as f:
        for q, a in zip(questions, out):
            f.write("? %s\n= %s\n" % (q, a))
    print("wrote %d questions" % len(questions), file=sys.stderr)


if __name__ == "__main__":
    main()
