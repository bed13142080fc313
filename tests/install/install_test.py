#!/usr/bin/env python3
"""The SDK as a user gets it: `meson install` into a temporary prefix, then
examples/follow_ensemble.cc built out of tree with nothing but
`pkg-config --cflags --libs zkclient`, and run against the installed zksim.

  install_test.py BUILD_DIR PREFIX LIBDIR VERSION

Prints TAP, one line per case."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD, PREFIX, LIBDIR, VERSION = sys.argv[1:5]
results = []


def case(name, ok, detail=""):
    results.append((name, ok, detail))


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main():
    tmp = tempfile.mkdtemp(prefix="zkb-install-")
    zksim = None
    try:
        root = tmp + PREFIX  # DESTDIR + prefix
        libdir = os.path.join(root, LIBDIR)
        r = run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir", tmp])
        if r.returncode != 0:
            case("meson install into a temporary prefix", False, r.stdout + r.stderr)
            return
        expected = [
            "include/zk/version.h", "include/zk/client/client.h", "include/zk/client/blocking_client.h",
            "include/zk/hostprovider/host_provider.h", "include/zk/wire/status.h",
            f"{LIBDIR}/libzkclient.so.{VERSION}", f"{LIBDIR}/libzkclient.a",
            f"{LIBDIR}/libzkwire.so.{VERSION}", f"{LIBDIR}/libzkhostprovider.so.{VERSION}",
            f"{LIBDIR}/pkgconfig/zkclient.pc", f"{LIBDIR}/pkgconfig/zkwire.pc",
            f"{LIBDIR}/pkgconfig/zkhostprovider.pc",
            "bin/zkcli", "bin/zksim",
            "share/man/man1/zkcli.1", "share/man/man1/zksim.1",
            "share/doc/zkbalance/examples/follow_ensemble.cc",
        ]
        missing = [p for p in expected if not os.path.exists(os.path.join(root, p))]
        case("meson install puts headers, libraries, .pc files, programs, man pages and the example in place",
             not missing, "missing: " + ", ".join(missing))

        ver = run([os.path.join(root, "bin/zkcli"), "--version"])
        case("installed zkcli --version prints the project's version",
             ver.returncode == 0 and VERSION in ver.stdout, ver.stdout + ver.stderr)
        man = open(os.path.join(root, "share/man/man1/zksim.1")).read() if not missing else ""
        case("zksim's man page names its subcommands",
             "serve" in man and "run" in man and VERSION in man, man[:400])

        # Only pkg-config, pointed at the temporary prefix.
        env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(libdir, "pkgconfig"))
        flags = run(["pkg-config", "--define-variable=prefix=" + root, "--cflags", "--libs", "zkclient"],
                    env=env)
        if flags.returncode != 0:
            case("pkg-config --cflags --libs zkclient", False, flags.stderr)
            return
        exe = os.path.join(tmp, "follow_ensemble")
        src = os.path.join(root, "share/doc/zkbalance/examples/follow_ensemble.cc")
        cc = run(["c++", "-std=c++20", src, "-o", exe] + flags.stdout.split())
        case("the installed example builds out of tree with pkg-config --cflags --libs zkclient alone",
             cc.returncode == 0, "flags: " + flags.stdout + cc.stderr[-3000:])
        if cc.returncode != 0:
            return
        ldd = run(["ldd", exe], env=dict(os.environ, LD_LIBRARY_PATH=libdir))
        case("the example links the installed shared libzkclient",
             re.search(re.escape(libdir) + r"/libzkclient\.so\.0", ldd.stdout) is not None, ldd.stdout)

        zksim = subprocess.Popen([os.path.join(root, "bin/zksim"), "serve", "--servers", "3",
                                  "--client-port-base", "0"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        first = zksim.stdout.readline().strip()
        if not first.startswith("connect: "):
            case("installed zksim serve prints its connect string", False, first)
            return
        connect = first[len("connect: "):]
        out = run([exe, connect, "3"], env=dict(os.environ, LD_LIBRARY_PATH=libdir), timeout=60)
        lines = out.stdout.splitlines()
        ok = (out.returncode == 0 and "session: Connected" in lines and "closed" in lines
              and any(re.fullmatch(r"create /follow-\d+: ok", l) for l in lines)
              and any(l.startswith("session 0x") for l in lines))
        case("the out-of-tree example connects to the installed zksim, creates its ephemeral node and closes",
             ok, f"exit {out.returncode}\n{out.stdout}\n{out.stderr}")
    finally:
        if zksim is not None:
            zksim.terminate()
            try:
                zksim.wait(10)
            except subprocess.TimeoutExpired:
                zksim.kill()
                zksim.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash of the test itself is a failed case, with its reason
        case("install test ran to its end", False, repr(e))
    print(f"1..{len(results)}")
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and detail:
            for l in detail.splitlines()[-40:]:
                print("# " + l)
    sys.exit(0 if results and all(ok for _, ok, _ in results) else 1)
