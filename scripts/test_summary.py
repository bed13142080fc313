#!/usr/bin/python3
"""Reads meson's testlog.json files and prints 'N passed, M failed[, K skipped]'.

A suite that speaks TAP (our Catch2 executables, reporter 'casetap') counts
one per test case ('ok' / 'not ok' lines); any other test counts once. A TAP
suite that failed without a 'not ok' line (a crash, a timeout) adds one
failure, so a dying suite can never look green.
Exit status: 0 if nothing failed and something ran, 1 otherwise.
"""
import json
import re
import sys

OK_RE = re.compile(r"^ok \d+")
NOT_OK_RE = re.compile(r"^not ok \d+")
SKIP_RE = re.compile(r"# SKIP", re.IGNORECASE)
PLAN_RE = re.compile(r"^1\.\.\d+", re.MULTILINE)


def count(path, totals):
    """Adds one testlog.json's cases to totals [passed, failed, skipped]."""
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            result = t.get("result")
            bad = result not in ("OK", "SKIP", "EXPECTEDFAIL")
            lines = out.splitlines()
            oks = [l for l in lines if OK_RE.match(l)]
            not_oks = [l for l in lines if NOT_OK_RE.match(l)]
            if oks or not_oks or PLAN_RE.search(out):
                for l in oks:
                    if SKIP_RE.search(l):
                        totals[2] += 1
                    else:
                        totals[0] += 1
                totals[1] += len(not_oks)
                if bad and not not_oks:
                    totals[1] += 1
            elif result == "SKIP":
                totals[2] += 1
            elif bad:
                totals[1] += 1
            else:
                totals[0] += 1


def main(paths):
    totals = [0, 0, 0]
    for path in paths:
        count(path, totals)
    passed, failed, skipped = totals
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["build/meson-logs/testlog.json"]))
