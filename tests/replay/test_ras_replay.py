#!/usr/bin/env python3
"""H.225.0 RAS of third-party equipment replayed through the gateway.

The captures are ../shared/captures-ext (MEETGATE_CAPTURES_EXT overrides the
folder; see its MANIFEST.md): they are read from there, never copied into the
project, and a missing folder or file skips its cases.

  ndpi-h323-partC      an OpenH323 endpoint <-> a GnuGk gatekeeper:
                       GRQ GCF RRQ RCF ARQ ACF IRQ IRQ DRQ DRQ, then a Setup
                       from the endpoint without TCP handshake
  ndpi-h323-partC-syn  the same with a synthetic handshake before the Setup
                       (only with the endpoint inside: with the gatekeeper
                       inside the call does not cross the gateway)
  ndpi-h323-partD      a Tandberg endpoint -> a Cisco VCS:
                       RRQ RCF RRQ RCF RRQ (naming H.460.18, which the VCS
                       does not confirm); the RCFs name 3 alternate gatekeepers

The endpoint and the gatekeeper are found in the capture itself: the
endpoint is the sender of its first GRQ or RRQ, the gatekeeper the receiver
(the captures' addresses are data to replay, never traffic).

Each capture is replayed as one file (it plays both sides, see
doc/replay.md) with the endpoint as the inside host, then with the gatekeeper
as the inside host behind `forward udp 1719`.  Per case:

  (a) no inside address leaves on the outside: not its 4 octets anywhere in a
      packet (headers or payload), not its dotted text (ASCII or UTF-16, as in
      an h323-ID); once with the default `alg untranslatable drop`, once with
      `alg untranslatable pass` (where a gateway that only guards RAS lets it
      out untranslated, so the check can fail);
  (b) every RAS message (UDP port 1718/1719) crosses: as many leave each side
      as arrived on the other, each decodes as RAS in tshark, and none is
      malformed (or has an error-level expert mark) unless the same message
      already was in the capture (partC's GRQ is);
  (c) a second run gives byte-identical outputs;
  (d) the addresses tshark decodes in RAS sent out are outside peers' or
      public ones meetgate holds (a binding in report.json, a forward), and
      none delivered inside is public.

Prints "ok - ..." / "FAIL - ..." / "skip - ..." and
"ras_replay: N passed, N failed, N skipped" (skips count as neither).
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaptool  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = os.environ.get("MEETGATE_CAPTURES_EXT", os.path.join(ROOT, "..", "shared", "captures-ext"))


def default_meetgate():
    for b in ("asan", "rel"):
        p = os.path.join(ROOT, "build", b, "meetgate")
        if os.path.exists(p):
            return p
    return os.path.join(ROOT, "build", "rel", "meetgate")


MEETGATE = os.environ.get("MEETGATE", default_meetgate())
TSHARK = shutil.which(os.environ.get("TSHARK", "tshark"))
RAS_PORTS = (1718, 1719)
PUBLIC = "198.18.0.1"
RAS_NAMES = ("GRQ GCF GRJ RRQ RCF RRJ URQ UCF URJ ARQ ACF ARJ BRQ BCF BRJ DRQ DCF DRJ LRQ LCF LRJ IRQ IRR "
             "nonStandard UMR RIP RAI RAC IACK INAK SCI SCR").split()

# name, capture, which host is inside ("endpoint" or "gatekeeper"; the
# gatekeeper is reached through a forward of UDP 1719)
CASES = [
    ("partC endpoint inside", "ndpi-h323-partC.pcap", "endpoint"),
    ("partC gatekeeper inside", "ndpi-h323-partC.pcap", "gatekeeper"),
    ("partC-syn endpoint inside", "ndpi-h323-partC-syn.pcap", "endpoint"),
    ("partD endpoint inside", "ndpi-h323-partD.pcap", "endpoint"),
    ("partD gatekeeper inside", "ndpi-h323-partD.pcap", "gatekeeper"),
]
OUTPUTS = ("inside.pcap", "outside.pcap", "report.json", "log.txt")

results = {"pass": 0, "fail": 0, "skip": 0}
TMP = tempfile.mkdtemp(prefix="meetgate-ras-replay-")


def check(name, cond, detail=""):
    if cond:
        results["pass"] += 1
        print(f"ok - {name}")
    else:
        results["fail"] += 1
        print(f"FAIL - {name}: {detail}")


def skip(name, why):
    results["skip"] += 1
    print(f"skip - {name}: {why}")


# ---------------------------------------------------------------- reading captures
def pcapng_records(data):
    """(ts, l3) of the IPv4 packets of a pcapng file (Ethernet, raw IP):
    enough for the captures here, and it works without the Wireshark tools."""
    off, endian, links, res = 0, "<", [], []
    while off + 12 <= len(data):
        btype = struct.unpack(endian + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(endian + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            links.append(struct.unpack(endian + "H", body[:2])[0])
        elif btype == 6:
            iface, hi, lo, caplen = struct.unpack(endian + "IIII", body[:16])
            frame = body[20:20 + caplen]
            ts = ((hi << 32) | lo) / 1e6  # the default resolution; the order is all that matters here
            link = links[iface] if iface < len(links) else 1
            if link == 1 and len(frame) >= 14:
                et = struct.unpack(">H", frame[12:14])[0]
                l3 = frame[18:] if et == 0x8100 else frame[14:]
                if et == 0x8100:
                    et = struct.unpack(">H", frame[16:18])[0]
                if et == 0x0800:
                    res.append((ts, l3))
            elif link in (101, 228, 12, 14):
                res.append((ts, frame))
        off += blen
    return res


def records(path):
    with open(path, "rb") as f:
        head = f.read(4)
    if head == b"\x0a\x0d\x0d\x0a":
        with open(path, "rb") as f:
            return pcapng_records(f.read())
    return list(pcaptool.records(path))


def ip_packets(path):
    """Every IPv4 packet as (number, parsed, raw datagram)."""
    out = []
    for i, (_, l3) in enumerate(records(path), 1):
        p = pcaptool.ip4(l3)
        if p is not None:
            out.append((i, p, bytes(l3[:struct.unpack(">H", l3[2:4])[0]])))
    return out


def is_ras(p):
    return p["proto"] == 17 and (p["sport"] in RAS_PORTS or p["dport"] in RAS_PORTS)


# ---------------------------------------------------------------- checks
def leak_patterns(host):
    dotted = host.encode()
    return {"octets": bytes(int(x) for x in host.split(".")), "text": dotted,
            "utf-16": dotted.decode().encode("utf-16-be"), "utf-16le": dotted.decode().encode("utf-16-le")}


def leaks(pcap, host):
    """Where host appears in the packets of pcap: ["#n kind@offset", ...]
    (offsets count from the start of the IP header)."""
    found = []
    for n, _, raw in ip_packets(pcap):
        for kind, pat in leak_patterns(host).items():
            i = raw.find(pat)
            while i >= 0:
                found.append(f"#{n} {kind}@{i}")
                i = raw.find(pat, i + 1)
    return found


def tshark_ras(pcap):
    """The RAS messages tshark finds, by frame number:
    {n: (message, seqnum, problem text or "")}; frames that are UDP 1718/1719
    but no RAS to tshark get message None."""
    r = subprocess.run([TSHARK, "-n", "-r", pcap, "-Y", "udp.port == 1719 || udp.port == 1718",
                        "-T", "fields", "-E", "separator=|", "-E", "aggregator=;",
                        "-e", "frame.number", "-e", "h225.RasMessage", "-e", "h225.requestSeqNum",
                        "-e", "_ws.malformed", "-e", "_ws.expert.severity", "-e", "_ws.expert.message"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"tshark -r {pcap}: {r.stderr.strip()[-300:]}")
    out = {}
    for line in r.stdout.splitlines():
        c = (line.split("|") + [""] * 6)[:6]
        sev = [int(x) for x in c[4].split(";") if x.isdigit()]
        bad = bool(c[3]) or any(s >= 0x00800000 for s in sev)  # PI_ERROR and above
        msg = c[1].split(";")[0] if c[1] else None
        if msg is not None and msg.isdigit() and int(msg) < len(RAS_NAMES):
            msg = RAS_NAMES[int(msg)]
        out[int(c[0])] = (msg, c[2].split(";")[0], c[5] if bad else "")
    return out


def ras_keys(frames, msgs):
    """Keys (message, seqnum, k-th occurrence) of the RAS frames, in order."""
    seen, keys = {}, []
    for n in frames:
        m, seq, _ = msgs.get(n, (None, "", ""))
        k = (m, seq)
        seen[k] = seen.get(k, 0) + 1
        keys.append((m, seq, seen[k]))
    return keys


def replay(tag, config, capture):
    out = os.path.join(TMP, tag)
    cmd = [MEETGATE, "replay", "--config", config, "--inside", capture, "--out", out, "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if r.returncode not in (0, 3):  # 3: every packet dropped, outputs written
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return out


def drops_line(out):
    try:
        with open(os.path.join(out, "report.json")) as f:
            rep = json.load(f)
        d = rep.get("drops", {})
        ev = rep.get("stats", {}).get("events", {})
        return f"drops {d or 'none'}, events {ev or 'none'}"
    except (OSError, ValueError) as ex:
        return f"report.json unreadable: {ex}"


def tshark_addresses(pcap):
    """[(frame, ip, port)] of every IPv4 TransportAddress tshark decodes in
    the RAS messages of pcap."""
    r = subprocess.run([TSHARK, "-n", "-r", pcap, "-Y", "h225.RasMessage", "-T", "fields", "-E", "separator=|",
                        "-E", "aggregator=,", "-e", "frame.number", "-e", "h225.ipV4", "-e", "h225.ipV4_port"],
                       capture_output=True, text=True, timeout=120)
    out = []
    for line in r.stdout.splitlines():
        c = (line.split("|") + ["", ""])[:3]
        for ip, port in zip([x for x in c[1].split(",") if x], [x for x in c[2].split(",") if x]):
            out.append((int(c[0]), ip, int(port)))
    return out


def public_endpoints(out, extra):
    """(ip, port) on the public side that meetgate stands for: its bindings
    (report.json) and the ports of the case's forwards."""
    with open(os.path.join(out, "report.json")) as f:
        rep = json.load(f)
    s = set()
    for b in rep.get("bindings", []):
        ip, port = b["public"].rsplit(":", 1)
        s.add((ip, int(port)))
    for m in re.finditer(r"forward (?:tcp|udp) (\d+) to", extra):
        s.add((PUBLIC, int(m.group(1))))
    return s


def ras_drops(out):
    with open(os.path.join(out, "report.json")) as f:
        d = json.load(f).get("drops", {})
    return sum(v for k, v in d.items() if k.startswith("ras-"))


def ras_parties(cap):
    """(endpoint, gatekeeper) dotted: the sender and the receiver of the
    capture's first GRQ or RRQ (RasMessage alternatives 0 and 3: the first
    octet is the CHOICE index shifted left by 2, extension bit clear)."""
    for _, p, raw in ip_packets(cap):
        if is_ras(p):
            ihl = (raw[0] & 15) * 4
            pay = raw[ihl + 8:]
            if pay and pay[0] >> 2 in (0, 3):
                return ".".join(map(str, p["src"])), ".".join(map(str, p["dst"]))
    return None, None


def run_case(name, capname, role):
    cap = os.path.join(EXT, capname)
    if not os.path.exists(cap):
        skip(name, f"{cap} absent: not run")
        return
    ep, gk = ras_parties(cap)
    if ep is None:
        check(name, False, f"no GRQ or RRQ in {capname}")
        return
    host = ep if role == "endpoint" else gk
    extra = "" if role == "endpoint" else f"forward udp 1719 to {gk}:1719\n"
    tag = re.sub(r"[^a-z0-9]+", "-", name.lower())
    conf = os.path.join(TMP, tag + ".conf")
    with open(conf, "w") as f:
        f.write(f"inside {host}/32\npublic {PUBLIC}\n{extra}")
    passconf = os.path.join(TMP, tag + "-pass.conf")
    with open(passconf, "w") as f:
        f.write(f"inside {host}/32\npublic {PUBLIC}\n{extra}alg untranslatable pass\n")
    a = replay(tag + "-a", conf, cap)
    b = replay(tag + "-b", conf, cap)
    p = replay(tag + "-pass", passconf, cap)

    # (a) no inside address on the outside
    hb = bytes(int(x) for x in host.split("."))
    inp = ip_packets(cap)
    ras_from_in = [n for n, q, _ in inp if is_ras(q) and q["src"] == hb]
    ras_from_out = [n for n, q, _ in inp if is_ras(q) and q["src"] != hb]
    for mode, out in (("", a), (" (alg untranslatable pass)", p)):
        o = os.path.join(out, "outside.pcap")
        pk = ip_packets(o)
        nras = sum(1 for _, q, _ in pk if is_ras(q))
        lk = leaks(o, host)
        check(f"{name}{mode}: no {host} on the outside, in {len(pk)} packets ({nras} RAS)", not lk,
              f"{len(lk)} occurrences: {' '.join(lk[:12])}; {drops_line(out)}")

    # (b) every RAS message crosses, decodes, and is not newly malformed
    def ras_out(out, side):
        return [n for n, q, _ in ip_packets(os.path.join(out, side + ".pcap")) if is_ras(q)]

    want = {"outside": ras_from_in, "inside": ras_from_out}
    outs = {side: ras_out(a, side) for side in want}
    orig = tshark_ras(cap) if TSHARK else None
    missing, why = [], ""
    if orig is not None:
        for side in want:
            got = set(ras_keys(outs[side], tshark_ras(os.path.join(a, side + ".pcap"))))
            missing += [(k, n) for k, n in zip(ras_keys(want[side], orig), want[side]) if k not in got]
        # A message already malformed in the capture may be refused rather
        # than sent on half understood (fail visible), if the refusal is counted.
        refused = ras_drops(a)
        if missing and all(orig[n][2] for _, n in missing) and refused >= len(missing):
            why = (": " + ", ".join(f"capture #{n} (RAS {k[0]} seq {k[1]}, malformed there)" for k, n in missing)
                   + f" refused and counted ({refused} ras-* drops)")
    crossed = len(outs["outside"]) == len(ras_from_in) and len(outs["inside"]) == len(ras_from_out)
    check(f"{name}: every RAS message crosses (out {len(outs['outside'])}/{len(ras_from_in)}, "
          f"in {len(outs['inside'])}/{len(ras_from_out)}){why}",
          crossed or bool(why),
          f"missing {[f'#{n} {k[0]} seq {k[1]}' for k, n in missing] if orig is not None else '?'}; {drops_line(a)}")
    if orig is None:
        skip(f"{name}: RAS decodes in tshark", "tshark not installed (tools/deps.sh installs it)")
    else:
        problems, compared = [], 0
        for run, out in (("", a), ("pass ", p)):
            for side in want:
                sent = ras_out(out, side)
                got_msgs = tshark_ras(os.path.join(out, side + ".pcap"))
                before = dict(zip(ras_keys(want[side], orig), want[side]))
                for key, n in zip(ras_keys(sent, got_msgs), sent):
                    m, seq, text = got_msgs.get(n, (None, "", ""))
                    compared += 1
                    if m is None:
                        problems.append(f"{run}{side}#{n} not decoded as RAS")
                        continue
                    if not text:
                        continue
                    src = before.get(key)
                    if src is None or not orig[src][2]:
                        problems.append(f"{run}{side}#{n} (RAS {m} seq {seq}, capture #{src}) "
                                        f"newly malformed: {text}")
        check(f"{name}: the {compared} RAS messages sent (default and 'pass' runs) decode in tshark, "
              "none newly malformed", not problems, "; ".join(problems[:8]))

    # (d) the addresses in RAS are what the NAT predicts: on the outside
    # each public one is a binding meetgate reports or a forward's port;
    # nothing delivered inside names a public address.
    if orig is None:
        skip(f"{name}: RAS addresses as the NAT predicts", "tshark not installed (tools/deps.sh installs it)")
    else:
        pub = public_endpoints(a, extra)
        bad, n_out = [], 0
        for n, ip, port in tshark_addresses(os.path.join(a, "outside.pcap")):
            n_out += 1
            if ip == host or (ip == PUBLIC and (ip, port) not in pub):
                bad.append(f"outside#{n} {ip}:{port}")
        for n, ip, port in tshark_addresses(os.path.join(a, "inside.pcap")):
            if ip == PUBLIC:
                bad.append(f"inside#{n} {ip}:{port}")
        check(f"{name}: the {n_out} addresses in RAS sent out are outside peers' or public ones meetgate "
              "holds, none public delivered inside", not bad,
              f"unexplained {bad[:8]}, public ones held {sorted(pub)}")

    # (c) determinism
    diff = [f for f in OUTPUTS if not same_file(os.path.join(a, f), os.path.join(b, f))]
    check(f"{name}: a second run is byte-identical", not diff, f"{', '.join(diff)} differ")


def same_file(x, y):
    try:
        with open(x, "rb") as f, open(y, "rb") as g:
            return f.read() == g.read()
    except OSError:
        return False


def main():
    if not os.path.exists(MEETGATE):
        print(f"ras_replay: {MEETGATE} not built")
        print("ras_replay: 0 passed, 1 failed")
        return 1
    if TSHARK is None:
        print("# tshark not installed (tools/deps.sh installs it): the decode checks are skipped")
    if not os.path.isdir(EXT):
        print(f"# {EXT} absent: every case is skipped")
    try:
        for case in CASES:
            try:
                run_case(*case)
            except Exception as ex:  # one case crashing fails it, the rest still run
                check(case[0], False, f"{type(ex).__name__}: {ex}")
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(TMP, ignore_errors=True)
        else:
            print(f"# outputs kept in {TMP}")
    print(f"ras_replay: {results['pass']} passed, {results['fail']} failed, {results['skip']} skipped")
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
