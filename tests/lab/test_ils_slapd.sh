#!/bin/sh
# test_ils_slapd.sh - ILS registrations and searches through `meetgate run`
# against a real LDAP server: OpenLDAP's slapd, run from its own generated
# configuration and database in the lab's temporary directory (never the
# system's), in the outside host OUT1 (198.19.0.20:389), with the RTPerson
# schema of tests/lab/ils.schema.  Run as root from the top of the tree.
#
# Three inside hosts (alice 198.18.1.10, bob .11, carol .12) register as
# NetMeeting does: an LDAPv2 bind, an AddRequest with their own sipaddress
# and sttl, then a ModifyRequest on the same connection (ldapmodify -P 2).
# The entries sit below o=Microsoft as cn=<email>,o=Microsoft: a real server
# needs an existing parent, which NetMeeting's own DN form does not give.
# The outside searches run on the server's host (OUT1): its captures see
# only what crossed the gateway.  Checks:
#   - each registration succeeds, and an outside search sees only the
#     public sipaddress (198.19.0.1 -> 16782278), never an inside one;
#   - the gateway learned the three users (`show directory`, the
#     ils-registered events);
#   - with `route h323`, an outside caller dials what its search found
#     (bob@example.org at the public address) and reaches bob;
#   - a search from an inside host gets every user's inside address (the
#     search result translation);
#   - after alice's ldapdelete her entry leaves the directory
#     (ils-unregistered) and the server, and a call to her gets
#     ReleaseComplete cause 1;
#   - captures on both links: no inside sipaddress on the outside link,
#     every LDAP message decodes in tshark without a malformed mark, the
#     rewritten Adds, Modifies and search results are all there.
# Prints "ok - ..." / "FAIL - ..." and "lab-ils-slapd: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

for _c in slapd slapadd ldapmodify ldapsearch ldapdelete tcpdump tshark; do
	command -v "$_c" >/dev/null 2>&1 || {
		echo "FAIL - $_c not installed (make deps)"
		echo "lab-ils-slapd: 0 passed, 1 failed"
		exit 1
	}
done

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-ils-slapd "$LAB_MEETGATE" "$MEETCALL"
lab_host IN3 pi3 198.18.1.12/24 198.18.1.1 "$LAB_BI" || { bad "third inside host"; finish; }

SRV=198.19.0.20
PUB_SIP=16782278 # 198.19.0.1
sip_of() { # dotted -> sipaddress decimal (little-endian reading)
	echo "$1" | awk -F. '{ printf "%.0f\n", $1 + $2 * 256 + $3 * 65536 + $4 * 16777216 }'
}
SIP_A=$(sip_of 198.18.1.10)
SIP_B=$(sip_of 198.18.1.11)
SIP_C=$(sip_of 198.18.1.12)

# the server: its own configuration, schema and database
SD="$LAB_DIR/slapd"
mkdir -p "$SD/db"
cp tests/lab/ils.schema "$SD/ils.schema"
cat >"$SD/slapd.conf" <<EOC
include /etc/ldap/schema/core.schema
include $SD/ils.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $SD/slapd.pid
argsfile $SD/slapd.args
allow bind_v2 update_anon
database mdb
maxsize 10485760
suffix "o=Microsoft"
rootdn "cn=admin,o=Microsoft"
rootpw lab-only
directory $SD/db
access to * by * write
EOC
printf 'dn: o=Microsoft\nobjectClass: organization\no: Microsoft\n' >"$SD/base.ldif"
slapadd -f "$SD/slapd.conf" -l "$SD/base.ldif" >"$SD/slapadd.log" 2>&1 || {
	bad "slapadd of the base entry"
	cat "$SD/slapadd.log"
	finish
}

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 7
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
route h323
EOC

# captures: the outside link (the server's) and the inside hosts' links
CAPS=""
for h in OUT1 IN1 IN2 IN3; do
	lab_bg $h timeout 120 tcpdump --immediate-mode -i eth0 -U -s 0 -w "$LAB_DIR/$h.pcap" tcp port 389 2>/dev/null
	CAPS="$CAPS $!"
done

lab_gw_start "$CONF" || { bad "meetgate run starts"; tail -n 5 "$LAB_DIR/gw.log"; finish; }
lab_bg OUT1 timeout 120 slapd -d 0 -f "$SD/slapd.conf" -h "ldap://$SRV:389/" 2>"$SD/slapd.log"
_n=0
until lab_exec OUT1 timeout 2 ldapsearch -x -LLL -H "ldap://$SRV" -s base -b o=Microsoft >/dev/null 2>&1; do
	_n=$((_n + 1))
	[ $_n -lt 20 ] || { bad "slapd answers within 10 s"; tail -n 5 "$SD/slapd.log"; finish; }
	sleep 0.5
done
sleep 1 # the captures are running by now

search() { # HOST -> "cn sipaddress" lines, sorted
	lab_exec "$1" timeout 15 ldapsearch -P 2 -x -LLL -o ldif-wrap=no -H "ldap://$SRV" -b o=Microsoft \
		"(objectClass=RTPerson)" cn sipaddress 2>&1 |
		awk '/^cn: / { cn = $2 } /^sipaddress: / { print cn, $2 }' | sort
}

register() { # HOST user sip
	cat >"$LAB_DIR/reg-$2.ldif" <<EOL
dn: cn=$2@example.org,o=Microsoft
changetype: add
objectClass: RTPerson
cn: $2@example.org
rfc822mailbox: $2@example.org
givenname: $2
surname: lab
sipaddress: $3
sport: 1503
sappid: ms-netmeeting
sflags: 1
ilsa32833566: 1
sttl: 600

dn: cn=$2@example.org,o=Microsoft
changetype: modify
replace: sappguid
sappguid: 008aff194794cf118796444553540000
-
replace: sprotid
sprotid: h323
-
replace: sttl
sttl: 600
EOL
	lab_exec "$1" timeout 15 ldapmodify -P 2 -x -H "ldap://$SRV" -f "$LAB_DIR/reg-$2.ldif" >"$LAB_DIR/reg-$2.out" 2>&1
}

register IN1 alice "$SIP_A"
check "alice registers from 198.18.1.10 (LDAPv2 bind, Add, Modify)" [ $? -eq 0 ]
register IN2 bob "$SIP_B"
check "bob registers from 198.18.1.11" [ $? -eq 0 ]
register IN3 carol "$SIP_C"
check "carol registers from 198.18.1.12" [ $? -eq 0 ]

outside=$(search OUT1)
want_out=$(printf 'alice@example.org %s\nbob@example.org %s\ncarol@example.org %s' $PUB_SIP $PUB_SIP $PUB_SIP)
check "an outside search sees the three users at the public address only ($(echo $outside))" \
	[ "$outside" = "$want_out" ]

ctl() { lab_exec GW "$LAB_MEETGATE" "$@" --socket "$LAB_DIR/ctl.sock" 2>&1; }
stat_of() { ctl show stats | awk -v k="$1" '$1 " " $2 == k { print $3 }'; }
dir=$(ctl show directory)
n=$(echo "$dir" | grep -c ' ils ')
check "show directory lists the three users, origin ils ($n lines)" \
	sh -c "echo \"\$0\" | grep -q 'alice@example.org.*198.18.1.10' &&
		echo \"\$0\" | grep -q 'bob@example.org.*198.18.1.11' &&
		echo \"\$0\" | grep -q 'carol@example.org.*198.18.1.12'" "$dir"
HAVE_DIR=1
reg=$(stat_of "event ils-registered")
check "the gateway counts 3 registrations (ils-registered ${reg:-none})" [ "${reg:-0}" -eq 3 ]

# an outside caller dials what its search found: the address and the name
found=$(echo "$outside" | awk '$1 == "bob@example.org" { print $2 }')
addr=$(python3 -c 'import socket, struct, sys; print(socket.inet_ntoa(struct.pack("<I", int(sys.argv[1]))))' "${found:-0}")
lab_bg IN2 "$MEETCALL" listen --bind 198.18.1.11 --calls 1 --timeout 20 --alias bob@example.org --quiet
LP=$!
sleep 0.3
lab_exec OUT2 timeout 20 "$MEETCALL" call "bob@example.org@$addr" --duration 1 --timeout 10 >"$LAB_DIR/call.log" 2>&1
rc=$?
wait $LP 2>/dev/null || rc=1
check "an outside caller dials what it found (bob@example.org at $addr) and reaches bob ($(tail -n 1 "$LAB_DIR/call.log"))" \
	[ $rc -eq 0 ]

inside=$(search IN2)
want_in=$(printf 'alice@example.org %s\nbob@example.org %s\ncarol@example.org %s' $SIP_A $SIP_B $SIP_C)
check "an inside search finds every user at the inside address ($(echo $inside))" [ "$inside" = "$want_in" ]
tr=$(stat_of "event ils-result-translated")
check "search results translated for the inside host (ils-result-translated ${tr:-none})" [ "${tr:-0}" -eq 3 ]

lab_exec IN1 timeout 15 ldapdelete -P 2 -x -H "ldap://$SRV" "cn=alice@example.org,o=Microsoft" >"$LAB_DIR/del.out" 2>&1
check "alice deletes her entry" [ $? -eq 0 ]
unreg=$(stat_of "event ils-unregistered")
check "the gateway forgets her (ils-unregistered ${unreg:-none})" [ "${unreg:-0}" -eq 1 ]
if [ $HAVE_DIR = 1 ]; then
	check "show directory no longer lists alice" sh -c "! echo \"\$0\" | grep -q alice@" "$(ctl show directory)"
fi
lab_exec OUT2 timeout 10 "$MEETCALL" call "alice@example.org@198.19.0.1" --expect-release 1 --timeout 5 \
	>"$LAB_DIR/call2.log" 2>&1
check "after the delete a call to alice gets ReleaseComplete cause 1: her route went with her entry" [ $? -eq 0 ]
inside=$(search IN3)
want_in=$(printf 'bob@example.org %s\ncarol@example.org %s' $SIP_B $SIP_C)
check "an inside search after the delete: bob and carol at their inside addresses ($(echo $inside))" \
	[ "$inside" = "$want_in" ]
outside=$(search OUT1)
check "an outside search after the delete: bob and carol, public ($(echo $outside))" \
	[ "$outside" = "$(printf 'bob@example.org %s\ncarol@example.org %s' $PUB_SIP $PUB_SIP)" ]

drops=$(ctl show stats | grep -E '^drop (tcp-|seqadj-|alg-|ils-)' | tr '\n' ' ')
check "no TCP, seqadj, ALG or ILS drop on the way (${drops:-none})" [ -z "$drops" ]

sleep 1 # what the captures saw is written
# shellcheck disable=SC2086
kill -INT $CAPS 2>/dev/null
_n=0
while [ $_n -lt 30 ]; do
	_alive=0
	for p in $CAPS; do kill -0 "$p" 2>/dev/null && _alive=1; done
	[ $_alive = 1 ] || break
	sleep 0.1
	_n=$((_n + 1))
done
leaks=$(python3 - "$LAB_DIR/OUT1.pcap" "$SIP_A" "$SIP_B" "$SIP_C" <<'EOP'
import sys
data = open(sys.argv[1], "rb").read()
print(" ".join(s for s in sys.argv[2:] if s.encode() in data))
EOP
)
check "no inside sipaddress on the outside link (${leaks:-none})" [ -z "$leaks" ]
# LDAP operations tshark decodes in a capture: "adds modifies entries"
ops_of() {
	tshark -r "$1" -Y ldap -T fields -e ldap.protocolOp 2>/dev/null | tr ',' '\n' |
		awk '$1 == 8 { a++ } $1 == 6 { m++ } $1 == 4 { e++ } END { print a + 0, m + 0, e + 0 }'
}
mal=0
for h in OUT1 IN1 IN2 IN3; do
	n=$(tshark -r "$LAB_DIR/$h.pcap" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
	mal=$((mal + n))
done
check "tshark: no malformed or erroneous LDAP on the outside link nor the inside ones ($mal frames)" [ "$mal" -eq 0 ]
# 3 Adds and 3 Modifies; the inside hosts searched 3 + 2 entries (IN2, IN3)
ops=$(ops_of "$LAB_DIR/OUT1.pcap")
check "tshark decodes on the outside link 3 Adds, 3 Modifies, 5 search entries ($ops)" [ "$ops" = "3 3 5" ]
ops="$(ops_of "$LAB_DIR/IN1.pcap") / $(ops_of "$LAB_DIR/IN2.pcap") / $(ops_of "$LAB_DIR/IN3.pcap")"
check "tshark decodes on the inside links each host's Add and Modify and its entries ($ops)" \
	[ "$ops" = "1 1 0 / 1 1 3 / 1 1 2" ]
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
values() { # capture, sipaddress -> how many Add / entry values tshark shows with it
	tshark -r "$1" -Y 'ldap.protocolOp == 8 || ldap.protocolOp == 4' -T fields -e ldap.AttributeValue \
		2>/dev/null | tr ',' '\n' | grep -cx "$(hex "$2")"
}
n=$(values "$LAB_DIR/OUT1.pcap" $PUB_SIP)
check "tshark: the Adds and entries on the outside link carry the public sipaddress ($n values)" [ "$n" -eq 8 ]
n="$(values "$LAB_DIR/IN2.pcap" $SIP_A) $(values "$LAB_DIR/IN2.pcap" $SIP_C) $(values "$LAB_DIR/IN3.pcap" $SIP_B)"
check "tshark: the entries reaching inside hosts carry inside sipaddresses ($n)" [ "$n" = "1 1 1" ]
lab_gw_stop
check "the gateway log holds no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$LAB_DIR/gw.log'"
finish
