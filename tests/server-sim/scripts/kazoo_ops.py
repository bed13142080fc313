#!/usr/bin/python3
"""kazoo against zksim: operations, watches, transactions, a session that
survives a shed (4lw `shed` from a second connection), reconfig."""
import socket, sys, time
from kazoo.client import KazooClient

cs = sys.argv[1]
zk = KazooClient(hosts=cs, timeout=10)
zk.start(timeout=10)
events = []
zk.ensure_path("/k")
zk.exists("/k/w", watch=lambda e: events.append(e.type))
zk.create("/k/w", b"v", ephemeral=True)
t = zk.transaction(); t.create("/k/t1", b""); t.check("/k", 0); t.set_data("/k", b"x")
print("txn", t.commit()[0])
t = zk.transaction(); t.create("/k/t2", b""); t.check("/k", 99)
print("txnfail", [type(x).__name__ for x in t.commit()])
time.sleep(0.2)
print("events", events)
sid = zk.client_id[0]
host, port = zk._connection._socket.getpeername()[:2]
s = socket.create_connection((host, port)); s.sendall(b"shed")
print("shed " + s.recv(100).decode().strip(), flush=True); s.close()
deadline = time.time() + 10
while time.time() < deadline:
    try:
        zk.get("/k"); break
    except Exception:
        time.sleep(0.1)
print("same_session", zk.client_id[0] == sid, zk.exists("/k/w") is not None)
print("children", sorted(zk.get_children("/k")))
print("version", zk.server_version())
zk.stop(); zk.close()
