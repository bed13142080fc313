#!/usr/bin/python3
"""Reads meson's testlog.json files (and TAP files named *.tap) and prints 'N passed, M failed' as its last line.

A suite that speaks TAP (our Catch2 executables, reporter 'casetap') counts
one per test case ('ok' / 'not ok' lines); any other test counts once. A TAP
suite that failed without a 'not ok' line (a crash, a timeout) adds one
failure, so a dying suite can never look green.

Skips are never counted as passed. A skip is a case reported 'ok ... # SKIP
reason', a whole suite that skipped ('1..0 # SKIP reason', or meson's SKIP
result, exit code 77), or a passing case that skipped a part ('# skipped
part: reason'). They are counted and named on the line before the last one.

CI mode (--ci, or the environment variable ZKBALANCE_CI=1, which .ci/run
sets): CI's machine installs everything scripts/deps.sh lists, so a skip
there means a test that should have run did not. Every skip then counts as a
failure unless it matches a line of the allow-list (tests/skip-allowlist.txt:
'<test name regex> | <case or reason regex> | why it may skip on CI').

Exit status: 0 if nothing failed and something ran, 1 otherwise.
"""
import json
import os
import re
import sys

OK_RE = re.compile(r"^ok \d+")
NOT_OK_RE = re.compile(r"^not ok \d+")
SKIP_RE = re.compile(r"# SKIP\b:?\s*(.*)$", re.IGNORECASE)
PART_RE = re.compile(r"^# skipped part: (.*)$")
PLAN_RE = re.compile(r"^1\.\.(\d+)(.*)$", re.MULTILINE)
ALLOWLIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                         "skip-allowlist.txt")


def load_allowlist(path):
    """[(test regex, case-or-reason regex, why)] from the allow-list file."""
    rules = []
    if not os.path.exists(path):
        return rules
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise SystemExit(f"{path}:{n}: want '<test regex> | <case regex> | why'")
            rules.append((re.compile(parts[0]), re.compile(parts[1]), parts[2]))
    return rules


def entries(path):
    """meson's test entries of a testlog.json; a '.tap' file (tests/fuzz/run's
    output) is one TAP test named after the file."""
    with open(path) as f:
        if path.endswith(".tap"):
            out = f.read()
            ok = PLAN_RE.search(out) and not any(NOT_OK_RE.match(l) for l in out.splitlines())
            yield {"name": os.path.basename(path), "stdout": out, "result": "OK" if ok else "FAIL"}
            return
        for line in f:
            yield json.loads(line)


def count(path, totals, skips):
    """Adds one log's cases to totals [passed, failed]; skips get (test, what)."""
    for t in entries(path):
        name = t.get("name", "?")
        out = t.get("stdout") or ""
        result = t.get("result")
        bad = result not in ("OK", "SKIP", "EXPECTEDFAIL")
        lines = out.splitlines()
        oks = [l for l in lines if OK_RE.match(l)]
        not_oks = [l for l in lines if NOT_OK_RE.match(l)]
        plan = PLAN_RE.search(out)
        if oks or not_oks or plan:
            current = None
            for l in lines:
                if OK_RE.match(l):
                    m = SKIP_RE.search(l)
                    if m:
                        skips.append((name, l))
                        current = None
                    else:
                        totals[0] += 1
                        current = l
                elif NOT_OK_RE.match(l):
                    current = None
                elif PART_RE.match(l):
                    skips.append((name, (current or "") + " " + l))
            totals[1] += len(not_oks)
            if bad and not not_oks:
                totals[1] += 1
            if not oks and not not_oks and plan and plan.group(1) == "0" and not bad:
                skips.append((name, "whole suite: " + plan.group(0)))
        elif result == "SKIP":
            skips.append((name, "whole suite (exit 77): " + out.strip()[-200:]))
        elif bad:
            totals[1] += 1
        else:
            totals[0] += 1


def allowed(rules, test, what):
    for test_re, what_re, why in rules:
        if test_re.search(test) and what_re.search(what):
            return why
    return None


def main(argv):
    ci = os.environ.get("ZKBALANCE_CI") == "1"
    paths = []
    for a in argv:
        if a == "--ci":
            ci = True
        else:
            paths.append(a)
    totals = [0, 0]
    skips = []
    for path in paths or ["build/meson-logs/testlog.json"]:
        count(path, totals, skips)
    rules = load_allowlist(ALLOWLIST) if ci else []
    refused = 0
    for test, what in skips:
        why = allowed(rules, test, what) if ci else None
        if ci and why is None:
            refused += 1
            print(f"skip refused in CI (counted as failed): {test}: {what}")
        elif ci:
            print(f"skip allowed in CI ({why}): {test}: {what}")
        else:
            print(f"skipped: {test}: {what}")
    passed, failed = totals[0], totals[1] + refused
    if skips:
        print(f"{len(skips)} skipped ({refused} refused in CI mode)" if ci else f"{len(skips)} skipped")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
