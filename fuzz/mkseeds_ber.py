#!/usr/bin/env python3
"""Seeds for fuzz_ber: LDAP messages as NetMeeting sends them to an ILS
directory (RESEARCH 2.2) in every length form: AddRequest and ModifyRequest
carrying sipaddress, a SearchRequest, a SearchResultEntry, an UnbindRequest,
and an indefinite length.
Usage: python3 fuzz/mkseeds_ber.py  (writes fuzz/corpus/ber/ and, as segment
scripts, fuzz/corpus/ils/)"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "ber")
FORM = [0]  # 0: shortest; 1..4: long form with that many octets


def tlv(tag, v):
    n = len(v)
    f = FORM[0]
    if f == 0:
        ln = bytes([n]) if n < 128 else b"\x82" + struct.pack(">H", n)
    else:
        f = max(f, (n.bit_length() + 7) // 8)
        ln = bytes([0x80 | f]) + n.to_bytes(f, "big")
    return bytes([tag]) + ln + v


def s(x):
    return tlv(0x04, x.encode() if isinstance(x, str) else x)


def attr(name, *vals):
    return tlv(0x30, s(name) + tlv(0x31, b"".join(s(v) for v in vals)))


def msg(op, body, mid=7):
    return tlv(0x30, b"\x02\x01" + bytes([mid]) + tlv(op, body))


DN = "c=-, o=Microsoft, cn=alice@example.org, objectClass=RTPerson"


def add(sip):
    attrs = (attr("cn", "alice@example.org") + attr("sipAddress", sip) + attr("sappid", "ms-netmeeting")
             + attr("sflags", "1") + attr("comment", "x" * 120))
    return msg(0x68, s(DN) + tlv(0x30, attrs))


def modify(sip):
    mods = tlv(0x30, b"\x0a\x01\x02" + attr("sport", "1503"))
    mods += tlv(0x30, b"\x0a\x01\x02" + attr("sipaddress", sip, "1"))
    return msg(0x66, s(DN) + tlv(0x30, mods))


def search():
    body = s("objectClass=RTPerson") + bytes.fromhex("0a01020a0100020100020100010100")
    body += tlv(0xa3, s("sappid") + s("ms-netmeeting")) + tlv(0x30, s("cn") + s("sipaddress"))
    return msg(0x63, body)


def entry():
    return msg(0x64, s(DN) + tlv(0x30, attr("sipaddress", "167842502") + attr("cn", "bob")))


os.makedirs(OUT, exist_ok=True)
for form in (0, 1, 2, 4):
    FORM[0] = form
    seeds = {"add": add("167842502"), "modify": modify("167842502"), "search": search(),
             "entry": entry()}
    for name, m in seeds.items():
        with open(os.path.join(OUT, f"{name}-form{form}"), "wb") as f:
            f.write(m)
FORM[0] = 0
with open(os.path.join(OUT, "unbind"), "wb") as f:
    f.write(bytes.fromhex("30050201094200"))
with open(os.path.join(OUT, "indefinite"), "wb") as f:
    f.write(bytes.fromhex("308002010142000000"))

# fuzz_ils: the same messages as scripts of in-order segments from the
# inside host (control byte 0, length byte, bytes), whole and split
ILS = os.path.join(os.path.dirname(OUT), "ils")
os.makedirs(ILS, exist_ok=True)
for name in sorted(os.listdir(OUT)):
    with open(os.path.join(OUT, name), "rb") as f:
        m = f.read()
    for k, cuts in enumerate(([len(m)], [1, 40, len(m)], [3, len(m) // 2, len(m)])):
        script, prev = b"", 0
        for c in cuts:
            c = min(c, len(m))
            while prev < c:
                take = min(255, c - prev)
                script += bytes([0x00, take]) + m[prev:prev + take]
                prev += take
        with open(os.path.join(ILS, f"{name}-{k}"), "wb") as f:
            f.write(script)

# fuzz_ils: dialogs with the directory's answers (control byte 0x01: from
# the directory, in order): a registration accepted then deleted, and
# search results naming the public address (198.19.0.1 -> "16782278").
FORM[0] = 0


def result(op, mid, code=0):
    return msg(op, b"\x0a\x01" + bytes([code]) + s("") + s(""), mid)


def reg_add(mid):
    attrs = (attr("cn", "alice@example.org") + attr("rfc822mailbox", "alice@example.org")
             + attr("sipaddress", "167842502") + attr("sttl", "600"))
    return msg(0x68, s(DN) + tlv(0x30, attrs), mid)


def pub_entry(cn):
    return msg(0x64, s(DN) + tlv(0x30, attr("cn", cn) + attr("mail", cn) + attr("sipaddress", "16782278")), 9)


def script(*steps):
    out = b""
    for d, m in steps:
        for i in range(0, len(m), 255):
            out += bytes([d, len(m[i:i + 255])]) + m[i:i + 255]
    return out


dialogs = {
    "dialog-register": script((0, reg_add(1)), (1, result(0x69, 1)), (0, msg(0x4a, DN.encode(), 2)),
                              (1, result(0x6b, 2))),
    "dialog-search": script((0, search()), (1, pub_entry("alice@example.org")), (1, pub_entry("bob")),
                            (1, result(0x65, 7))),
    "dialog-refused": script((0, reg_add(3)), (1, result(0x69, 3, 68)), (0, modify("167842502")),
                             (1, result(0x67, 7))),
}
for name, m in dialogs.items():
    with open(os.path.join(ILS, name), "wb") as f:
        f.write(m)
