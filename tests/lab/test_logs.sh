#!/bin/sh
# test_logs.sh - what `meetgate run` logs (doc/live.md "Logs"), in the
# network-namespace lab (tests/lab/lib.sh).  Run as root from the top of the
# tree.
#
#   --log-level info: an outbound and an inbound call (meetcall) each give a
#   start line and an end line with the call id and callIdentifier; a drop
#   line names the side and the 5-tuple; SIGTERM gives the totals line.
#   --log-level warning: no notice or info line at all.
#   --syslog: lines reach a syslog listener on /dev/log (a tmpfs /dev in a
#   mount namespace of the test's own, so the host's /dev is untouched).
# Prints "ok - ..." / "FAIL - ..." and "lab-logs: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-logs "$LAB_MEETGATE" "$MEETCALL"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 5
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
forward tcp 198.19.0.1:1720 to 198.18.1.10:1720
EOC
LOG="$LAB_DIR/gw.log"

listen() { # HOST IP
	lab_bg "$1" "$MEETCALL" listen --bind "$2" --port 1720 --calls 1 --timeout 25 --quiet
	LISTEN_PID=$!
	sleep 0.3
}
call() { # HOST TARGET
	lab_exec "$1" timeout 40 "$MEETCALL" call "$2" --duration 2 --timeout 20 >"$LAB_DIR/c.log" 2>&1 &&
		wait "$LISTEN_PID" 2>/dev/null
}
udp_drop() { # a datagram from OUT1 that policy drops (nothing forwards udp 9999)
	lab_exec OUT1 python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.19.0.20", 4321))
s.sendto(b"x", ("198.19.0.1", 9999))'
}
# call_pair DIRECTION: the start and end lines of that direction's call name
# the same call id and callIdentifier
call_pair() {
	_s=$(grep -E "meetgate: call [0-9]+ \{[0-9a-f-]{36}\}: start, $1, " "$LOG" | tail -n 1)
	[ -n "$_s" ] || { echo "no start line for an $1 call"; return 1; }
	_id=$(echo "$_s" | sed -E 's/.*meetgate: (call [0-9]+ \{[0-9a-f-]+\}): .*/\1/')
	grep -F "$_id: end after " "$LOG" | grep -q "$1" || { echo "no end line for $_id"; return 1; }
	echo "$_s"
	grep -F "$_id: end after " "$LOG"
}

check_log() { # description, ERE a line of the log must match
	if grep -qE "$2" "$LOG"; then ok "$1"; else bad "$1: $(grep -E "$3" "$LOG" | tail -n 2)"; fi
}

# --- info level: calls, a drop, the totals
LAB_GW_ARGS="--log-level info"
lab_gw_start "$CONF" || { bad "meetgate run starts"; cat "$LOG"; finish; }
listen OUT1 198.19.0.20
if call IN1 198.19.0.20; then ok "outbound call carries media"; else bad "outbound call: $(cat "$LAB_DIR/c.log")"; fi
listen IN1 198.18.1.10
if call OUT1 198.19.0.1; then ok "inbound call carries media"; else bad "inbound call: $(cat "$LAB_DIR/c.log")"; fi
sleep 0.5
udp_drop
sleep 0.3
lab_gw_stop
if r=$(call_pair outbound); then ok "outbound call: start and end lines: $(echo "$r" | cut -d' ' -f4- | tr '\n' '|')"; else bad "$r"; fi
if r=$(call_pair inbound); then ok "inbound call: start and end lines"; else bad "$r"; fi
check "the inbound call says how it was routed" grep -q "start, inbound, caller 198.19.0.20, callee 198.18.1.10:1720, routed forward 198.19.0.1:1720" "$LOG"
check_log "an ended call names why and its media" \
	"end after [0-9.]+ s, releaseComplete from (inside|outside).*media packets [1-9][0-9]* in, [1-9][0-9]* out" "end after"
check_log "a drop line is info and names the side and the 5-tuple" \
	" info meetgate: [a-z-]+: outside: udp 198\.19\.0\.20:4321 -> 198\.19\.0\.1:9999, " "4321|dropped"
check_log "shutdown logs the totals" \
	" notice meetgate: totals: packets in [1-9][0-9]* .*calls 2 \(0 up\).*top drops: [a-z]" "totals"
check "start-up and shutdown are notice" sh -c "grep -q ' notice meetgate: running: ' '$LOG' && grep -q ' notice meetgate: stopped' '$LOG'"

# --- warning level: nothing below warning
mv "$LOG" "$LAB_DIR/gw-info.log"
touch "$LOG"
ip netns exec "$(lab_ns GW)" "$LAB_MEETGATE" run --config "$CONF" --log-level warning >>"$LOG" 2>&1 &
LAB_GW_PID=$!
_n=0
while [ ! -S "$LAB_DIR/ctl.sock" ] && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
sleep 0.3
listen OUT1 198.19.0.20
if call IN1 198.19.0.20; then ok "warning level: the call still works"; else bad "warning level: call: $(cat "$LAB_DIR/c.log")"; fi
udp_drop
sleep 0.3
lab_gw_stop
check "--log-level warning: no notice, info or debug lines" sh -c "! grep -qE ' (notice|info|debug) meetgate: ' '$LOG'"

# --- syslog: a listener on /dev/log in a mount namespace of our own
cat >"$LAB_DIR/syslogd.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
with open(sys.argv[2], "a") as out:
    try:
        while True:
            out.write(s.recv(4096).decode(errors="replace") + "\n")
            out.flush()
    except socket.timeout:
        pass
PY
cat >"$LAB_DIR/syslog-run.sh" <<EOS
set -u
mkdir -p "$LAB_DIR/olddev"
mount --rbind /dev "$LAB_DIR/olddev" || exit 1
mount -t tmpfs none /dev || exit 1
for n in null zero urandom random; do touch /dev/\$n; mount --bind "$LAB_DIR/olddev/\$n" /dev/\$n; done
ln -s /proc/self/fd /dev/fd
python3 "$LAB_DIR/syslogd.py" /dev/log "$LAB_DIR/syslog.out" &
sleep 0.5
ip netns exec "$(lab_ns GW)" "$LAB_MEETGATE" run --config "$CONF" --syslog >"$LAB_DIR/gw-syslog.log" 2>&1 &
gw=\$!
n=0
while ! grep -q "running: " "$LAB_DIR/syslog.out" 2>/dev/null && [ \$n -lt 100 ]; do sleep 0.1; n=\$((n + 1)); done
kill -TERM \$gw
wait \$gw
EOS
rm -f "$LAB_DIR/ctl.sock"
if unshare -m --propagation private sh "$LAB_DIR/syslog-run.sh"; then
	ok "--syslog: meetgate ran and stopped cleanly"
else
	bad "--syslog run: $(tail -n 3 "$LAB_DIR/gw-syslog.log")"
fi
# <29>: facility daemon (3 << 3) + notice (5)
check "--syslog: lines reach /dev/log as daemon.notice, tagged meetgate" \
	grep -qE "^<29>.*meetgate\[[0-9]+\]: running: " "$LAB_DIR/syslog.out"
check "--syslog: nothing on stderr" sh -c "! grep -q 'running' '$LAB_DIR/gw-syslog.log'"

if grep -qE "AddressSanitizer|runtime error" "$LAB_DIR"/gw*.log; then
	bad "sanitizer report in the gateway log"
fi
finish
