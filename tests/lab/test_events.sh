#!/bin/sh
# test_events.sh - `meetgate events` (text and --json) against a running
# gateway in the network-namespace lab (tests/lab/lib.sh): two subscribers
# start before an outbound H.323 call (meetcall IN1 -> OUT1); once the call
# is over and its flows have timed out (short timeouts below), both streams
# must hold the call's start and end, flow NEW and DESTROY lines for its
# signalling connection, pinholes and bindings, and every JSON line must
# parse.  The same call is then read from the Prometheus endpoint
# (`metrics`, scraped inside the gateway's namespace) and checked with the
# strict parser tests/lab/promparse.py (and promtool when installed):
# calls_total >= 1 and one setup-latency observation.  Run as root from the top of the tree; bounded in time.
# Prints "ok - ..." / "FAIL - ..." and "lab-events: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-events "$LAB_MEETGATE" "$MEETCALL"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 4
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
timeout tcp-fin-wait 2
timeout tcp-close-wait 2
timeout tcp-last-ack 1
timeout tcp-time-wait 1
timeout tcp-close 1
timeout udp 2
timeout udp-stream 2
metrics 198.18.1.1:9464
EOC

SUBS=""
lab_suite_cleanup() {
	for p in $SUBS; do kill "$p" 2>/dev/null; done
	SUBS=""
}

lab_gw_start "$CONF" || { bad "meetgate run starts"; cat "$LAB_DIR/gw.log"; finish; }

timeout 60 "$LAB_MEETGATE" events --socket "$LAB_DIR/ctl.sock" >"$LAB_DIR/ev.txt" 2>"$LAB_DIR/ev.err" &
SUBS="$SUBS $!"
timeout 60 "$LAB_MEETGATE" events --json --config "$CONF" >"$LAB_DIR/ev.json" 2>"$LAB_DIR/ev.jerr" &
SUBS="$SUBS $!"
sleep 0.5 # both subscribed

lab_bg OUT1 "$MEETCALL" listen --bind 198.19.0.20 --port 1720 --calls 1 --timeout 25 --quiet
LISTEN_PID=$!
sleep 0.3
if lab_exec IN1 timeout 40 "$MEETCALL" call 198.19.0.20 --duration 2 --timeout 20 \
	>"$LAB_DIR/c.log" 2>&1 && wait "$LISTEN_PID"; then
	ok "call through the gateway: $(tail -n 1 "$LAB_DIR/c.log")"
else
	bad "call through the gateway: $(cat "$LAB_DIR/c.log")"
fi
sleep 5 # the call's flows time out (the timer turns every 100 ms)

has() { # file, extended regex: some line matches
	grep -Eq "$2" "$1"
}
T="$LAB_DIR/ev.txt"
check "text: call start" has "$T" '^\[NEW\] call [0-9]+ \{[0-9a-f-]{36}\} outbound 198\.18\.1\.10 -> 198\.19\.0\.20$'
check "text: call end with duration" has "$T" '^\[END\] call [0-9]+ \{[0-9a-f-]{36}\} outbound 198\.18\.1\.10 -> 198\.19\.0\.20 duration [0-9]+\.[0-9] s$'
check "text: signalling flow NEW" has "$T" '^\[NEW\] flow tcp 198\.18\.1\.10:[0-9]+ -> 198\.19\.0\.20:1720 reply 198\.19\.0\.20:1720 -> 198\.19\.0\.1:[0-9]+ \[from-inside\]'
check "text: signalling flow DESTROY" has "$T" '^\[DESTROY\] flow tcp 198\.18\.1\.10:[0-9]+ -> 198\.19\.0\.20:1720 .* alg=h323-q931 call=[0-9]+ packets=[0-9]+/[0-9]+'
check "text: a media flow" has "$T" '^\[NEW\] flow udp '
check "text: pinhole open and close" sh -c "grep -q '^\[OPEN\] pinhole udp' '$T' && grep -q '^\[CLOSE\] pinhole udp' '$T'"
check "text: binding new and free" sh -c "grep -q '^\[NEW\] binding udp 198.18.1.10:' '$T' && grep -q '^\[FREE\] binding ' '$T'"
check "text: nothing lost" sh -c "! grep -q LOST '$T'"
check "text: call start before its end" sh -c "[ \"\$(grep -n '] call ' '$T' | head -n 1 | grep -c NEW)\" = 1 ]"

J="$LAB_DIR/ev.json"
if r=$(python3 - "$J" <<'PY'
import json, sys
n, seen = 0, set()
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o, dict) and "event" in o, line
    n += 1
    seen.add((o.get("type"), o["event"]))
    if o.get("type") == "call" and o["event"] == "end":
        assert o["duration_s"] > 1.5 and o["dir"] == "outbound" and o["inside"] == "198.18.1.10", line
    if o.get("type") == "flow":
        assert o["orig"]["src"].startswith("198.1"), line
need = {("call", "new"), ("call", "end"), ("flow", "new"), ("flow", "destroy"),
        ("pinhole", "open"), ("pinhole", "close"), ("binding", "new"), ("binding", "free")}
missing = need - seen
print(f"{n} lines" + (f", missing {sorted(missing)}" if missing else ""))
sys.exit(1 if missing or n == 0 else 0)
PY
); then ok "json: every line parses, all kinds seen ($r)"; else bad "json: $r"; fi

# --- metrics
scrape() { # PATH: the body on stdout, "HTTP <code>" on failure
	lab_exec GW timeout 10 python3 -c '
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://198.18.1.1:9464" + sys.argv[1], timeout=5)
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers["Content-Type"]
    sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print("HTTP", e.code)
' "$1"
}
sleep 1.2 # the snapshot is at most a second old
scrape /metrics >"$LAB_DIR/metrics.txt"
if r=$(python3 - "$LAB_DIR/metrics.txt" <<'PY'
import sys
sys.path.insert(0, "tests/lab")
import promparse
s = promparse.parse(open(sys.argv[1]).read())
v = lambda n, **l: promparse.value(s, "meetgate_" + n, **l)
assert v("calls_total") >= 1, v("calls_total")
assert v("call_setup_seconds_count") == 1, v("call_setup_seconds_count")
assert v("call_setup_seconds_bucket", le="+Inf") == 1
assert 0 <= v("call_setup_seconds_sum") < 10, v("call_setup_seconds_sum")
assert v("calls_active") == 0 and v("pinholes_active") == 0, (v("calls_active"), v("pinholes_active"))
assert v("packets_in_total", side="inside") > 100 and v("packets_out_total", side="outside") > 100
assert v("drops_total", reason="inbound-no-pinhole") is not None
print(f"{len(s)} samples, calls_total {v('calls_total'):.0f}, setup {v('call_setup_seconds_sum'):.3f} s")
PY
); then ok "metrics: strict parse, the call counted and timed ($r)"; else bad "metrics: $r"; fi
if command -v promtool >/dev/null 2>&1; then
	check "metrics: promtool check metrics" sh -c "promtool check metrics <'$LAB_DIR/metrics.txt'"
fi
if [ "$(scrape /nope)" = "HTTP 404" ]; then ok "metrics: other paths are 404"; else bad "metrics: /nope is not 404"; fi
check "metrics: the parser refuses broken text" python3 - <<'PY'
import sys
sys.path.insert(0, "tests/lab")
import promparse
good = '# TYPE a_total counter\na_total{x="1"} 3\n'
promparse.parse(good)
bad = [
    'a_total 1\n',                                            # no TYPE
    '# TYPE a counter\na 1',                                  # no final newline
    '# TYPE a counter\na{x="1} 1\n',                          # unterminated value
    '# TYPE a counter\na{1x="1"} 1\n',                        # label name
    '# TYPE a counter\na one\n',                              # value
    '# TYPE a counter\na 1\na 2\n',                           # repeated
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
    '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n',
]
for b in bad:
    try:
        promparse.parse(b)
    except ValueError:
        continue
    sys.exit(f"accepted: {b!r}")
PY
check "subscribers still running" sh -c "kill -0 ${SUBS# } && kill -0 ${SUBS##* }"
lab_suite_cleanup
[ -n "${MG_EVENTS_SHOW:-}" ] && cat "$T"
lab_gw_stop
check "gateway log clean after the stop" sh -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' '$LAB_DIR/gw.log'"
finish
