"""ldap_peer.py - both ends of an ILS registration over real TCP, for the lab.

  server PORT SECONDS OUT   accept one connection; read LDAPMessages (BER framing),
                            answer each request, and write to OUT what arrived:
                            messages, sipaddress values, any framing error
  client IP PORT SIP ROUNDS register ROUNDS times (Bind, AddRequest, ModifyRequest,
                            SearchRequest), each request sent in pieces with pauses
                            (cut inside the sipaddress value too), waiting for every
                            answer; print "ok N answers" or what went wrong

Both stop by themselves (timeouts).  Standard library only.
"""
import json
import socket
import sys
import time


def tlv(tag, v):
    n = len(v)
    if n < 0x80:
        return bytes([tag, n]) + v
    if n < 0x100:
        return bytes([tag, 0x81, n]) + v
    return bytes([tag, 0x82, n >> 8, n & 0xFF]) + v


def s(x):
    return tlv(0x04, x.encode())


def attr(name, val):
    return tlv(0x30, s(name) + tlv(0x31, s(val)))


def msg(mid, op, body):
    return tlv(0x30, tlv(0x02, bytes([mid])) + tlv(op, body))


def bind(mid):
    return msg(mid, 0x60, tlv(0x02, b"\x03") + s("") + tlv(0x80, b""))


def add(mid, sip):
    attrs = b"".join(attr(n, v) for n, v in (
        ("objectClass", "RTPerson"), ("cn", "alice@example.org"), ("sipaddress", sip),
        ("sappid", "ms-netmeeting"), ("sflags", "1"), ("sttl", "10")))
    return msg(mid, 0x68, s("c=-,o=Microsoft,cn=alice@example.org") + tlv(0x30, attrs))


def modify(mid, sip):
    mods = tlv(0x30, b"\x0a\x01\x02" + attr("sipaddress", sip))
    mods += tlv(0x30, b"\x0a\x01\x02" + attr("sttl", "10"))
    return msg(mid, 0x66, s("c=-,o=Microsoft,cn=alice@example.org") + tlv(0x30, mods))


def search(mid):
    body = s("objectClass=RTPerson") + b"\x0a\x01\x02\x0a\x01\x00\x02\x01\x00\x02\x01\x00\x01\x01\x00"
    body += tlv(0xA3, s("sappid") + s("ms-netmeeting")) + tlv(0x30, s("cn") + s("sipaddress"))
    return msg(mid, 0x63, body)


def result(mid, op):
    return msg(mid, op, b"\x0a\x01\x00" + s("") + s(""))


def header(b, at):
    """(tag, content start, content length) of the TLV at b[at:], or None."""
    if at + 2 > len(b):
        return None
    tag, n, i = b[at], b[at + 1], at + 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or i + k > len(b):
            return None
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, i, n


def walk(b, at, end, out):
    """Every TLV of b[at:end] must fit its parent exactly; collect sipaddress values."""
    prev = None
    while at < end:
        h = header(b, at)
        if h is None or h[1] + h[2] > end:
            raise ValueError("BER length past its parent at %d" % at)
        tag, i, n = h
        if tag & 0x20:
            if tag == 0x31 and prev == "sipaddress":
                for v in children(b, i, i + n):
                    out.append(v.decode("latin-1"))
            walk(b, i, i + n, out)
            prev = None
        else:
            prev = b[i:i + n].decode("latin-1").lower() if tag == 0x04 else None
        at = i + n


def children(b, at, end):
    while at < end:
        tag, i, n = header(b, at)
        yield b[i:i + n]
        at = i + n


def server(port, secs, out):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    ls.settimeout(secs)
    res = {"messages": 0, "sips": [], "error": None, "bytes": 0}
    try:
        c, _ = ls.accept()
        c.settimeout(secs)
        buf = b""
        while True:
            d = c.recv(4096)
            if not d:
                break
            res["bytes"] += len(d)
            buf += d
            while True:
                h = header(buf, 0)
                if h is None or h[1] + h[2] > len(buf):
                    break
                m, buf = buf[:h[1] + h[2]], buf[h[1] + h[2]:]
                walk(m, 0, len(m), res["sips"])
                res["messages"] += 1
                op = header(m, header(m, h[1])[1] + header(m, h[1])[2])[0]
                mid = m[header(m, h[1])[1]]
                answer = {0x60: 0x61, 0x68: 0x69, 0x66: 0x67}.get(op)
                if answer:
                    c.sendall(result(mid, answer))
                elif op == 0x63:
                    c.sendall(result(mid, 0x65))
        if buf:
            res["error"] = "%d bytes left over after the last message" % len(buf)
    except (OSError, ValueError) as e:
        res["error"] = str(e)
    with open(out, "w") as f:
        json.dump(res, f)


def send_in_pieces(c, m, cuts):
    at = 0
    for cut in sorted(set(x for x in cuts if 0 < x < len(m))) + [len(m)]:
        c.sendall(m[at:cut])
        at = cut
        time.sleep(0.03)


def read_answer(c):
    buf = b""
    while True:
        h = header(buf, 0)
        if h is not None and h[1] + h[2] <= len(buf):
            return buf
        d = c.recv(4096)
        if not d:
            raise OSError("connection closed while waiting for an answer")
        buf += d


def client(ip, port, sip, rounds):
    c = socket.create_connection((ip, port), timeout=10)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    answers, mid = 0, 1
    try:
        for r in range(rounds):
            for m in (bind(mid), add(mid + 1, sip), modify(mid + 2, sip), search(mid + 3)):
                mid += 1
                v = m.find(sip.encode())
                cuts = [1, 2, 7 + r] + ([v - 1, v + 3, v + len(sip) - 1] if v > 0 else [])
                send_in_pieces(c, m, cuts)
                read_answer(c)
                answers += 1
        c.shutdown(socket.SHUT_WR)
        c.settimeout(5)
        while c.recv(4096):
            pass
        print("ok %d answers" % answers)
    except OSError as e:
        print("failed after %d answers: %s" % (answers, e))
    finally:
        c.close()


if __name__ == "__main__":
    mode, a = sys.argv[1], sys.argv[2:]
    if mode == "server":
        server(int(a[0]), float(a[1]), a[2])
    else:
        client(a[0], int(a[1]), a[2], int(a[3]))
