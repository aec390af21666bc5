#!/usr/bin/env python3
"""Seeds for fuzz_stream: the call-signalling payloads of the bundled real
calls, in order, as fuzz_stream scripts (control byte, length byte, bytes).
Payloads longer than 255 bytes become several steps, i.e. split segments.
Usage: python3 fuzz/mkseeds_stream.py  (writes fuzz/corpus/stream/)"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "replay"))
import pcaptool  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fuzz", "corpus", "stream")
os.makedirs(OUT, exist_ok=True)
for name in sorted(os.listdir(os.path.join(ROOT, "tests", "fixtures"))):
    if not name.endswith("-inside.pcap"):
        continue
    script = bytearray()
    for p in pcaptool.packets(os.path.join(ROOT, "tests", "fixtures", name)):
        if p["proto"] != 6 or not p["payload"] or 1720 not in (p["sport"], p["dport"]):
            continue
        d = 0 if p["dport"] == 1720 else 1
        pay = p["payload"]
        for i in range(0, len(pay), 255):
            chunk = pay[i:i + 255]
            script += bytes([d, len(chunk)]) + chunk
    if script:
        with open(os.path.join(OUT, name.replace("-inside.pcap", "")), "wb") as f:
            f.write(script)
