"""pcaptool.py - small pcap reader for the replay tests (no third-party
modules): walks a classic pcap file (Ethernet, raw IP, Linux cooked) and
yields IPv4 packets as (ip_header_fields, l4_fields, payload)."""

import struct

LINK_ETHERNET = 1
LINK_RAW = 101
LINK_IPV4 = 228
LINK_SLL = 113


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + caplen]
        off += caplen
        ts = sec + frac / (1e9 if nano else 1e6)
        if linktype == LINK_ETHERNET:
            etype = struct.unpack(">H", frame[12:14])[0]
            l3 = frame[14:]
            if etype == 0x8100:
                etype = struct.unpack(">H", frame[16:18])[0]
                l3 = frame[18:]
            if etype != 0x0800:
                continue
        elif linktype in (LINK_RAW, LINK_IPV4, 12, 14):
            l3 = frame
        elif linktype == LINK_SLL:
            if struct.unpack(">H", frame[14:16])[0] != 0x0800:
                continue
            l3 = frame[16:]
        else:
            raise ValueError(f"{path}: link type {linktype} not handled")
        yield ts, l3


def ip4(l3):
    """Parse an IPv4 datagram; returns a dict or None."""
    if len(l3) < 20 or l3[0] >> 4 != 4:
        return None
    ihl = (l3[0] & 15) * 4
    total = struct.unpack(">H", l3[2:4])[0]
    l3 = l3[:total]
    p = {"src": l3[12:16], "dst": l3[16:20], "proto": l3[9], "sport": None, "dport": None,
         "payload": b"", "flags": 0, "l4": l3[ihl:]}
    frag = struct.unpack(">H", l3[6:8])[0] & 0x1FFF
    if frag:
        p["payload"] = l3[ihl:]
        return p
    l4 = l3[ihl:]
    if p["proto"] == 6 and len(l4) >= 20:
        p["sport"], p["dport"] = struct.unpack(">HH", l4[:4])
        thl = (l4[12] >> 4) * 4
        p["flags"] = l4[13]
        p["payload"] = l4[thl:]
    elif p["proto"] == 17 and len(l4) >= 8:
        p["sport"], p["dport"] = struct.unpack(">HH", l4[:4])
        p["payload"] = l4[8:]
    else:
        p["payload"] = l4
    return p


def dotted(b):
    return ".".join(str(x) for x in b)


def in_prefix(addr, net, plen):
    a = struct.unpack(">I", addr)[0]
    n = struct.unpack(">I", bytes(int(x) for x in net.split(".")))[0]
    mask = (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF if plen else 0
    return (a & mask) == (n & mask)


def packets(path):
    for ts, l3 in records(path):
        p = ip4(l3)
        if p is not None:
            p["ts"] = ts
            yield p


def write_raw(path, pkts):
    """Write [(ts, l3_bytes)] as a pcap with LINKTYPE_RAW."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINK_RAW))
        for ts, l3 in pkts:
            sec = int(ts)
            usec = int(round((ts - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(l3), len(l3)))
            f.write(l3)


def _csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp4(src, sport, dst, dport, payload):
    """An IPv4/UDP datagram with correct checksums (addresses dotted strings)."""
    s = bytes(int(x) for x in src.split("."))
    d = bytes(int(x) for x in dst.split("."))
    ulen = 8 + len(payload)
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 1, 0, 64, 17, 0, s, d)
    hdr = hdr[:10] + struct.pack(">H", _csum(hdr)) + hdr[12:]
    u = struct.pack(">HHHH", sport, dport, ulen, 0) + payload
    c = _csum(s + d + struct.pack(">BBH", 0, 17, ulen) + u) or 0xFFFF
    return hdr + u[:6] + struct.pack(">H", c) + u[8:]


def l4_residue(l3):
    """The folded one's-complement sum over what the TCP/UDP checksum of an
    unfragmented IPv4 datagram covers, the stored checksum included: 0xFFFF
    when it is right, None when there is nothing to judge (other protocols,
    fragments, UDP without checksum).  An incremental (RFC 1624) update of
    the packet keeps it unchanged, so a wrong checksum that was carried along
    shows the same residue before and after."""
    p = ip4(l3)
    if p is None or p["proto"] not in (6, 17) or struct.unpack(">H", l3[6:8])[0] & 0x3FFF:
        return None
    l4 = p["l4"]
    if p["proto"] == 17:
        if len(l4) < 8 or l4[6:8] == b"\0\0":
            return None
        l4 = l4[:struct.unpack(">H", l4[4:6])[0]]
    b = p["src"] + p["dst"] + struct.pack(">BBH", 0, p["proto"], len(l4)) + l4
    r = ~_csum(b) & 0xFFFF
    return 0xFFFF if r == 0 else r


def tcp4(src, sport, dst, dport, seq, ack, flags, payload=b"", opts=b"", win=65535, ipid=1):
    """An IPv4/TCP segment with correct checksums (addresses dotted strings,
    flags as the TCP flags byte, opts padded to 4 bytes by the caller)."""
    s = bytes(int(x) for x in src.split("."))
    d = bytes(int(x) for x in dst.split("."))
    thl = 20 + len(opts)
    t = struct.pack(">HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (thl // 4) << 4,
                    flags, win, 0, 0) + opts + payload
    c = _csum(s + d + struct.pack(">BBH", 0, 6, len(t)) + t)
    t = t[:16] + struct.pack(">H", c) + t[18:]
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(t), ipid & 0xFFFF, 0x4000, 64, 6, 0, s, d)
    hdr = hdr[:10] + struct.pack(">H", _csum(hdr)) + hdr[12:]
    return hdr + t
