#!/usr/bin/env python3
"""ILS registration through the gateway: a generated capture of a
NetMeeting-style LDAP session (inside host 198.18.1.10 to an outside ILS
198.19.0.20:389: handshake, BindRequest, an AddRequest split over three
segments, a ModifyRequest, a SearchRequest, the directory's answers and
ACKs as an original capture has them, i.e. against the unedited stream, and
FIN) is replayed with NAT to a public address whose sipaddress string is
one digit shorter (198.19.0.1 -> "16782278") or longer (198.19.0.200 ->
"3355448262").  Checked with tshark and pcaptool on both output files: the
outside side carries the public sipaddress and never the inside one, tshark
sees no lost, retransmitted or out-of-order segment and no malformed LDAP,
every ACK lands on a segment boundary the other side sent, and the data
each side sees is one contiguous stream.  Each wire is put together from
what the gateway sent and what the other end sent it (the directory's ACKs
as it would have sent them after the edits).  Controls: the directory's
ACKs as captured must miss the translated boundaries, and the capture must
carry the inside sipaddress (so the checks can fail).
Prints "ok - ..." / "FAIL - ..." per check and "ils_replay: N passed, N failed".
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcaptool  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEETGATE = os.environ.get("MEETGATE", os.path.join(ROOT, "build", "rel", "meetgate"))
HOST, ILS = "198.18.1.10", "198.19.0.20"
HOST_SIP = "167842502"
MSS = struct.pack(">BBH", 2, 4, 1460)
results = {"pass": 0, "fail": 0}


def check(name, cond, detail=""):
    results["pass" if cond else "fail"] += 1
    print(f"ok - {name}" if cond else f"FAIL - {name}: {detail}")


def sip_of(addr):
    return str(struct.unpack("<I", bytes(int(x) for x in addr.split(".")))[0])


# ---- LDAP (BER, shortest lengths; long form from 128) ----
def tlv(tag, v):
    n = len(v)
    ln = bytes([n]) if n < 128 else (b"\x81" + bytes([n]) if n < 256 else b"\x82" + struct.pack(">H", n))
    return bytes([tag]) + ln + v


def s(x):
    return tlv(0x04, x.encode())


def attr(name, val):
    return tlv(0x30, s(name) + tlv(0x31, s(val)))


def msg(mid, op, body):
    return tlv(0x30, b"\x02\x01" + bytes([mid]) + tlv(op, body))


DN = "c=-, o=Microsoft, cn=alice@example.org, objectClass=RTPerson"


def add_request(sip):
    attrs = b"".join(attr(n, v) for n, v in (
        ("cn", "alice@example.org"), ("givenname", "Alice"), ("surname", "Example"),
        ("rfc822mailbox", "alice@example.org"), ("location", "Lab"), ("comment", "x" * 40),
        ("sipaddress", sip), ("sappid", "ms-netmeeting"), ("sflags", "1"),
        ("ilsa32833566", "1"), ("ilsa32964638", "1"), ("ilsa26214430", "0")))
    return msg(2, 0x68, s(DN) + tlv(0x30, attrs))


def modify_request(sip):
    mods = tlv(0x30, b"\x0a\x01\x02" + attr("sport", "1503"))
    mods += tlv(0x30, b"\x0a\x01\x02" + attr("sipaddress", sip))
    mods += tlv(0x30, b"\x0a\x01\x02" + attr("sappguid", "008aff194794cf118796444553540000"))
    return msg(3, 0x66, s(DN) + tlv(0x30, mods))


def search_request():
    body = s("objectClass=RTPerson") + bytes.fromhex("0a01020a0100020100020100010100")
    body += tlv(0xa3, s("sappid") + s("ms-netmeeting")) + tlv(0x30, s("cn") + s("sipaddress"))
    return msg(4, 0x63, body)


def result(mid, op):
    return msg(mid, op, b"\x0a\x01\x00" + s("") + s(""))


def capture(path):
    """The session as a capture between the two hosts shows it."""
    pkts, t = [], [100.0]
    seq = {"a": 1000, "s": 5000}

    def emit(frm, flags, pay=b"", opts=b""):
        t[0] += 0.01
        a, b = (HOST, ILS) if frm == "a" else (ILS, HOST)
        pa, pb = (40001, 389) if frm == "a" else (389, 40001)
        other = "s" if frm == "a" else "a"
        ack = seq[other] if flags & 0x10 else 0
        pkts.append((t[0], pcaptool.tcp4(a, pa, b, pb, seq[frm], ack, flags, pay, opts, ipid=len(pkts) + 1)))
        seq[frm] += len(pay) + (1 if flags & 0x03 else 0)

    emit("a", 0x02, opts=MSS)
    emit("s", 0x12, opts=MSS)
    emit("a", 0x10)
    emit("a", 0x18, msg(1, 0x60, b"\x02\x01\x02" + s("") + b"\x80\x00"))  # BindRequest, LDAPv2
    emit("s", 0x18, result(1, 0x61))
    emit("a", 0x10)
    add = add_request(HOST_SIP)
    i = add.find(HOST_SIP.encode())
    for a, b in ((0, 40), (40, i + 4), (i + 4, len(add))):  # the value split too
        emit("a", 0x18 if b == len(add) else 0x10, add[a:b])
        if a == 0:
            emit("s", 0x10)  # an ACK of the first piece only
    emit("s", 0x18, result(2, 0x69))
    emit("a", 0x18, modify_request(HOST_SIP))
    emit("s", 0x18, result(3, 0x67))
    emit("a", 0x18, search_request())
    entry = msg(4, 0x64, s("c=-, o=Microsoft, cn=bob@example.org, objectClass=RTPerson")
                + tlv(0x30, attr("cn", "bob@example.org") + attr("sipaddress", sip_of("198.19.0.77"))))
    emit("s", 0x10, entry)
    emit("s", 0x18, result(4, 0x65))
    emit("a", 0x10)
    emit("a", 0x18, msg(5, 0x42, b""))  # UnbindRequest
    emit("a", 0x11)
    emit("s", 0x11)
    emit("a", 0x10)
    pcaptool.write_raw(path, pkts)


def tshark(pcap, *args):
    r = subprocess.run(["tshark", "-n", "-r", pcap, "-o", "tcp.relative_sequence_numbers:FALSE",
                        "-d", "tcp.port==389,ldap", *args], capture_output=True, text=True, timeout=120)
    return r.stdout


def tcp_of(l3):
    """(src, sport, dst, dport, seq, ack, flags, payload) of an IPv4/TCP packet."""
    p = pcaptool.ip4(l3)
    sq, ak = struct.unpack(">II", p["l4"][4:12])
    return pcaptool.dotted(p["src"]), p["sport"], pcaptool.dotted(p["dst"]), p["dport"], sq, ak, p["flags"], \
        p["payload"]


def atoms(b, at=0, end=None):
    """A BER encoding as [(start, end, kind)]: tags, length fields and
    primitive contents, in order."""
    end = len(b) if end is None else end
    out = []
    while at < end:
        tag, l0 = b[at], b[at + 1]
        n = 1 + (l0 & 0x7F if l0 & 0x80 else 0)
        ln = l0 if n == 1 else int.from_bytes(b[at + 2:at + 1 + n], "big")
        out += [(at, at + 1, "t"), (at + 1, at + 1 + n, "l")]
        c = at + 1 + n
        out += atoms(b, c, c + ln) if tag & 0x20 else [(c, c + ln, "v")]
        at = c + ln
    return out


def stream_map(orig, trans):
    """fwd(): a position of the original stream to the translated one, as
    core/seqadj.h maps segment edges (inside a replaced piece: its start).
    Both streams are LDAP messages of the same structure."""
    a, b = atoms(orig), atoms(trans)
    assert len(a) == len(b)

    def fwd(x):
        for (s0, e0, _), (s1, e1, _) in zip(a, b):
            if s0 <= x < e0:
                return s1 + (x - s0 if e0 - s0 == e1 - s1 else 0)
        return len(trans) + (x - len(orig))
    return fwd


def view(parts):
    """One wire's packets, by time: [(ts, l3)]."""
    return sorted(parts, key=lambda x: x[0])


def wires(cap, ins, outs):
    """The inside wire (the host's packets as captured, what the gateway
    sent in) and the outside wire (what the gateway sent out, the
    directory's packets as it would have sent them after the edits: ACKs
    mapped with fwd, addressed to the public side, and not before the
    bytes they acknowledge reached it: the gateway holds the start of an
    incomplete message that the capture's directory acknowledged at once), and the outside wire
    with the directory's ACKs left as captured (a control)."""
    host_pkts = [(t, l3) for t, l3 in pcaptool.records(cap) if tcp_of(l3)[0] == HOST]
    ils_pkts = [(t, l3) for t, l3 in pcaptool.records(cap) if tcp_of(l3)[0] == ILS]
    sent = list(pcaptool.records(outs))
    pub, pport = tcp_of(sent[0][1])[0], tcp_of(sent[0][1])[1]
    isn_o = tcp_of(host_pkts[0][1])[4] + 1
    isn_t = tcp_of(sent[0][1])[4] + 1
    fwd = stream_map(stream(cap, HOST), b"".join(tcp_of(l3)[7] for _, l3 in sent))
    # when the translated bytes left: an ACK of bytes the gateway still held
    # when the capture's directory acknowledged them comes after they left
    sent_at = []
    for t, l3 in sent:
        _, _, _, _, sq, _, fl, pay = tcp_of(l3)
        if pay or fl & 3:
            sent_at.append((sq + len(pay) + (1 if fl & 3 else 0), t))
    mapped, raw = [], []
    for t, l3 in ils_pkts:
        src, sp, _, _, sq, ak, fl, pay = tcp_of(l3)
        tak = isn_t + fwd((ak - isn_o) & 0xFFFFFFFF) if fl & 0x10 else 0
        reached = [ts for e, ts in sent_at if (e - tak) & 0x80000000 == 0]  # sent up to tak
        if fl & 0x10 and reached and min(reached) > t:
            t = min(reached) + 0.0001
        mapped.append((t, pcaptool.tcp4(src, sp, pub, pport, sq, tak, fl, pay, MSS if fl & 2 else b"")))
        raw.append((t, pcaptool.tcp4(src, sp, pub, pport, sq, ak, fl, pay, MSS if fl & 2 else b"")))
    return view(host_pkts + list(pcaptool.records(ins))), view(sent + mapped), view(sent + raw)


def segments(pkts):
    """[(src, seq, ack, len, flags)]."""
    return [(s, sq, ak, len(pay), fl) for s, _, _, _, sq, ak, fl, pay in (tcp_of(l3) for _, l3 in pkts)]


def consistent(segs):
    """Every ACK on a segment boundary the other side sent, and each side's
    data one contiguous stream.  Returns a problem or ''."""
    ends, nxt = {}, {}
    for src, sq, ak, ln, fl in segs:
        e = sq + ln + (1 if fl & 0x03 else 0)
        if not fl & 0x02 and (ln or fl & 0x01) and sq != nxt.get(src):
            return f"{src} sends {sq}, expected {nxt.get(src)}"
        nxt[src] = e
        ends.setdefault(src, set()).add(e)
        for other, es in ends.items():
            if other != src and fl & 0x10 and ak not in es:
                return f"{src} acknowledges {ak}, not a boundary of {other}"
    return ""


def stream(pcap, src):
    data = b""
    for p in pcaptool.packets(pcap):
        if p["proto"] == 6 and pcaptool.dotted(p["src"]) == src:
            data += p["payload"]
    return data


def run_case(tmp, public):
    conf = os.path.join(tmp, f"{public}.conf")
    with open(conf, "w") as f:
        f.write(f"inside 198.18.1.0/24\npublic {public}\n")
    cap = os.path.join(tmp, "ils.pcap")
    out = os.path.join(tmp, f"out-{public}")
    r = subprocess.run([MEETGATE, "replay", "--config", conf, "--inside", cap, "--out", out, "--quiet"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"replay failed ({r.returncode}): {r.stderr.strip()}")
    with open(os.path.join(out, "report.json")) as f:
        rep = json.load(f)
    return os.path.join(out, "inside.pcap"), os.path.join(out, "outside.pcap"), rep


def main():
    if not os.access(MEETGATE, os.X_OK) or shutil.which("tshark") is None:
        print(f"FAIL - {MEETGATE} not built or tshark missing")
        print("ils_replay: 0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="meetgate-ils-")
    try:
        cap = os.path.join(tmp, "ils.pcap")
        capture(cap)
        for public in ("198.19.0.1", "198.19.0.200"):
            pub_sip = sip_of(public)
            tag = f"public {public} (sipaddress {pub_sip})"
            ins, outs, rep = run_case(tmp, public)
            check(f"{tag}: 2 rewrites (the Add and the Modify), nothing dropped",
                  rep["stats"]["alg_rewrites"] == 2 and rep["verdicts"]["dropped"] == 0,
                  f"alg_rewrites {rep['stats']['alg_rewrites']}, dropped {rep['verdicts']['dropped']}")
            sent = stream(outs, public)
            check(f"{tag}: the inside sipaddress never leaves", HOST_SIP.encode() not in sent)
            vals = tshark(outs, "-Y", "ldap", "-T", "fields", "-e", "ldap.AttributeValue").split()
            vals = [bytes.fromhex(v).decode() for v in ",".join(vals).split(",") if v]
            check(f"{tag}: tshark reads the public sipaddress in the Add and the Modify",
                  vals.count(pub_sip) == 2 and HOST_SIP not in vals, vals)
            for side, path in (("inside", ins), ("outside", outs)):
                bad = tshark(path, "-Y", "tcp.analysis.retransmission or tcp.analysis.out_of_order or "
                             "tcp.analysis.lost_segment or _ws.malformed")
                check(f"{tag}: {side}.pcap: tshark sees no lost, retransmitted, out-of-order or malformed "
                      "segment", bad.strip() == "", bad.strip()[:300])
            inside_wire, outside_wire, unmapped = wires(cap, ins, outs)
            for side, pkts in (("inside", inside_wire), ("outside", outside_wire)):
                path = os.path.join(tmp, f"{side}-wire.pcap")
                pcaptool.write_raw(path, pkts)
                bad = tshark(path, "-Y", "tcp.analysis.ack_lost_segment or tcp.analysis.lost_segment or "
                             "tcp.analysis.retransmission or tcp.analysis.out_of_order or _ws.malformed")
                check(f"{tag}: {side} wire: tshark sees no lost, retransmitted, out-of-order or malformed "
                      "segment", bad.strip() == "", bad.strip()[:300])
                problem = consistent(segments(pkts))
                check(f"{tag}: {side} wire: {len(pkts)} packets, every ACK on a boundary, streams contiguous",
                      problem == "", problem)
            problem = consistent(segments(unmapped))
            check(f"{tag}: control: the directory's ACKs as captured miss the translated boundaries",
                  problem != "", "no problem found")
            check(f"{tag}: the directory's answers reach the host unchanged",
                  stream(ins, ILS) == stream(cap, ILS))
        check("control: the capture itself carries the inside sipaddress",
              HOST_SIP.encode() in stream(cap, HOST))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ils_replay: {results['pass']} passed, {results['fail']} failed")
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
