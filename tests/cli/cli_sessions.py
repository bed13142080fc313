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

The harness is cli_harness.py; the cases, run in this order, are in
cli_parity_cases.py, cli_rebalance_cases.py and cli_terminal_cases.py.
"""
import os
import sys
import traceback

from cli_harness import MODE, RealEnsemble, Skip, Zksim, cases
import cli_parity_cases  # noqa: F401  (registers its cases)
import cli_rebalance_cases  # noqa: F401
import cli_terminal_cases  # noqa: F401


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
