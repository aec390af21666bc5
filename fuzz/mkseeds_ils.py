#!/usr/bin/env python3
"""Seeds for fuzz_ils_scan: 4 address bytes, then LDAP messages as NetMeeting
sends them to an ILS directory (RESEARCH 2.2): AddRequests carrying the
address as sipaddress (decimal), dotted and raw, a ModifyRequest, and a
SearchRequest that names no address.
Usage: python3 fuzz/mkseeds_ils.py  (writes fuzz/corpus/ils_scan/)"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "ils_scan")
ADDR = bytes([198, 18, 1, 10])


def tlv(tag, v):
    n = len(v)
    ln = bytes([n]) if n < 128 else b"\x82" + struct.pack(">H", n)
    return bytes([tag]) + ln + v


def s(x):
    return tlv(0x04, x.encode() if isinstance(x, str) else x)


def attr(name, val):
    return tlv(0x30, s(name) + tlv(0x31, s(val)))


def msg(op, body):
    return tlv(0x30, b"\x02\x01\x07" + tlv(op, body))


def add(sip, comment="", extra=b""):
    dn = s("c=-, o=Microsoft, cn=alice@example.org, objectClass=RTPerson")
    attrs = (attr("cn", "alice@example.org") + attr("sipAddress", sip) + attr("sappid", "ms-netmeeting")
             + attr("sflags", "1") + attr("comment", comment) + extra)
    return msg(0x68, dn + tlv(0x30, attrs))


def modify():
    mod = tlv(0x30, b"\x0a\x01\x02" + tlv(0x30, s("sport") + tlv(0x31, s("1503"))))
    mod += tlv(0x30, b"\x0a\x01\x02" + tlv(0x30, s("sappguid") + tlv(0x31, s("008aff194794cf118796444553540000"))))
    return msg(0x66, s("c=-, o=Microsoft, cn=alice@example.org, objectClass=RTPerson") + tlv(0x30, mod))


def search():
    body = s("objectClass=RTPerson") + bytes.fromhex("0a01020a0100020100020100010100")
    body += tlv(0xa3, s("sappid") + s("ms-netmeeting")) + tlv(0x30, s("cn") + s("sipaddress"))
    return msg(0x63, body)


dec = str(struct.unpack("<I", ADDR)[0])
seeds = {
    "add-sipaddress": add(dec),
    "add-dotted": add("1", "198.18.1.10"),
    "add-raw": add("1", extra=attr("ilsa32833566", ADDR)),
    "add-other-host": add(str(struct.unpack("<I", bytes([198, 18, 1, 11]))[0])),
    "modify": modify(),
    "search": search(),
}
os.makedirs(OUT, exist_ok=True)
for name, m in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(ADDR + m)
