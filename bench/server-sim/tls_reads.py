#!/usr/bin/python3
"""zksim's cost of TLS on the server side: one client pipelines N getData
requests over one connection, on the plain port and on the TLS port of the
same `zksim serve --servers 1` (client certificate, clientAuth=want), each
twice, alternating. Prints reads/s and zksim's CPU time per read (utime +
stime from /proc, so N should be large: the clock ticks are 10 ms). The
client is Python, so reads/s is bounded by the client; the CPU figure is
zksim's own. Certificates are made with the `openssl` command.

    bench/server-sim/tls_reads.py ZKSIM_BINARY [N=300000]
"""
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "server-sim", "scripts"))
import secure_kazoo  # noqa: E402  (make_certs)


def frame(b):
    return struct.pack(">i", len(b)) + b


def main():
    zksim = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300000
    with tempfile.TemporaryDirectory() as d:
        secure_kazoo.make_certs(d)
        p = subprocess.Popen([zksim, "serve", "--servers", "1", "--tls-cert",
                              f"{d}/server.pem", "--tls-key", f"{d}/server.key", "--tls-ca",
                              f"{d}/ca.pem", "--tls-client-auth", "want"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        plain = p.stdout.readline().split()[1]
        secure = p.stdout.readline().split()[1]

        def cpu():
            f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
            return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

        def run(hp, tls):
            host, port = hp.rsplit(":", 1)
            s = socket.create_connection((host, int(port)))
            if tls:
                ctx = ssl.create_default_context(cafile=f"{d}/ca.pem")
                ctx.load_cert_chain(f"{d}/client.pem", f"{d}/client.key")
                s = ctx.wrap_socket(s, server_hostname=host)
            s.sendall(frame(struct.pack(">iqiqi16s?", 0, 0, 10000, 0, 16, b"\0" * 16, False)))
            f = s.makefile("rb")
            f.read(struct.unpack(">i", f.read(4))[0])
            path = b"/zookeeper"
            reqs = b"".join(frame(struct.pack(">iii", i + 1, 4, len(path)) + path + b"\0")
                            for i in range(n))
            c0, t0 = cpu(), time.time()
            s.sendall(reqs)
            for _ in range(n):
                f.read(struct.unpack(">i", f.read(4))[0])
            t1, c1 = time.time(), cpu()
            s.close()
            return n / (t1 - t0), (c1 - c0) / n * 1e6

        try:
            for name, hp, tls in (("plain", plain, False), ("tls", secure, True)) * 2:
                rate, us = run(hp, tls)
                print(f"{name}: {rate:,.0f} reads/s, zksim CPU {us:.2f} us/read")
        finally:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
