#!/usr/bin/env python3
"""Regenerates the seed corpus of fuzz_frame_records from the capture logs.

Usage: tests/fuzz/codec/make_corpus.py  (from the project root)

Each seed is one mode byte (see fuzz_frame_records.cc) followed by bytes cut
from tests/wire/data/captures/wire_*.log: framed client and server streams of
each connection (mode 0 and 1, CHUNK frames at a time), and one request body
per opcode and one reply body per answered opcode (mode 2 and 3, header
stripped). Existing regression seeds
(names starting with "crash-" or "regress-") are left alone.
"""
import glob
import os
import re
import struct

ROOT = os.path.dirname(os.path.abspath(__file__))
CAPTURES = os.path.join(ROOT, '..', '..', 'wire', 'data', 'captures')
CORPUS = os.path.join(ROOT, '..', 'corpus', 'frame_records')
LINE = re.compile(r'(c\d+) (C->S|S->C) len=(\d+) ([0-9a-f]*)$')
CHUNK = 12  # frames per stream seed


def frames(path):
    """Yields (connection, direction, payload) in file order."""
    for line in open(path):
        m = LINE.search(line.strip())
        if m:
            yield m.group(1), m.group(2), bytes.fromhex(m.group(4))


def main():
    for old in glob.glob(os.path.join(CORPUS, 'seed-*')):
        os.remove(old)
    seeds = {}
    request_ops, reply_ops = set(), set()
    for path in sorted(glob.glob(os.path.join(CAPTURES, 'wire_*.log'))):
        name = os.path.basename(path)[5:-4]
        streams, ops = {}, {}
        for conn, direction, payload in frames(path):
            streams.setdefault((conn, direction), []).append(payload)
            if len(streams[(conn, direction)]) == 1:
                continue  # handshake
            xid = payload[0:4]
            if direction == 'C->S':
                op = payload[4:8]
                ops[(conn, xid)] = op
                key, body = op, payload[8:]
                seen, mode = request_ops, 2
            else:
                op = xid if xid[0] == 0xff else ops.get((conn, xid), b'????')
                key, body = op, payload[16:]
                seen, mode = reply_ops, 3
            if key in seen or not body:
                continue
            seen.add(key)
            kind = 'req' if mode == 2 else 'rep'
            seeds['seed-body-%s-%s-%s' % (kind, key.hex(), name)] = bytes([mode]) + body
        for (conn, direction), payloads in streams.items():
            mode = 0 if direction == 'C->S' else 1
            for i in range(0, len(payloads), CHUNK):
                chunk = payloads[i:i + CHUNK]
                if i > 0:  # keep the handshake slot: lead with an empty frame
                    chunk = [b''] + chunk
                data = b''.join(struct.pack('>i', len(p)) + p for p in chunk)
                seeds['seed-stream-%s-%s-%s-%02d' % (
                    name, conn, 'cs' if mode == 0 else 'sc', i)] = bytes([mode]) + data
    for fname, data in sorted(seeds.items()):
        with open(os.path.join(CORPUS, fname), 'wb') as f:
            f.write(data)
    print('%d seeds written to %s' % (len(seeds), os.path.normpath(CORPUS)))


if __name__ == '__main__':
    main()
