#!/bin/sh
# `make install DESTDIR=... PREFIX=/usr` into a scratch tree: every file lands
# where it should, the installed meetgate and meetcall run, every manual page
# renders without a warning, the unit names the installed binary and (where
# systemd-analyze exists) passes `systemd-analyze verify`; then `make
# uninstall` removes every file again.  Needs build/rel/meetgate,
# build/rel/meetcall and scdoc (`make deps`).
set -u
cd "$(dirname "$0")/../.."
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
check() { # $1 = description, rest = command
	d=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/root

if make --no-print-directory install DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	bad "make install DESTDIR=... PREFIX=/usr"
	tail -n 20 "$tmp/install.log"
fi

files="usr/sbin/meetgate usr/bin/meetcall usr/share/man/man8/meetgate.8
usr/share/man/man5/meetgate.conf.5 usr/share/man/man1/meetcall.1
usr/share/bash-completion/completions/meetgate usr/share/bash-completion/completions/meetcall
usr/lib/systemd/system/meetgate.service"
for f in $files; do
	check "installed /$f" test -s "$dest/$f"
done
check "meetgate and meetcall are executable" test -x "$dest/usr/sbin/meetgate" -a -x "$dest/usr/bin/meetcall"
n=$(find "$dest" -type f | wc -l)
[ "$n" -eq 8 ] && ok "nothing else installed (8 files)" || bad "installed $n files, expected 8"

mg=$dest/usr/sbin/meetgate
if "$mg" --help >"$tmp/help" 2>&1 && grep -q 'check-config' "$tmp/help"; then
	ok "installed meetgate --help lists the commands"
else
	bad "installed meetgate --help lists the commands"
fi
for c in run check-config show replay events; do
	if "$mg" "$c" --help >"$tmp/help" 2>&1 && grep -q "usage: meetgate $c" "$tmp/help"; then
		ok "meetgate $c --help"
	else
		bad "meetgate $c --help"
	fi
	# every option the usage lines name has a line of its own that says what it does
	missing=""
	for o in $(sed -n '/^usage:/,/^$/p' "$tmp/help" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		grep -qE -- "^  (-[a-z], )?$o( |$)" "$tmp/help" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok "meetgate $c --help describes every option" ||
		bad "meetgate $c --help does not describe:$missing"
done
v=$("$mg" --version 2>&1)
w=$("$dest/usr/bin/meetcall" --version 2>&1)
[ -n "$v" ] && [ "${v#meetgate }" = "${w#meetcall }" ] && ok "meetcall --version matches meetgate ($w)" ||
	bad "meetcall --version '$w' vs meetgate '$v'"
check "installed meetcall --help" "$dest/usr/bin/meetcall" --help

for m in man8/meetgate.8 man5/meetgate.conf.5 man1/meetcall.1; do
	p=$dest/usr/share/man/$m
	if MANWIDTH=80 man -l "$p" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && [ -s "$tmp/out" ]; then
		ok "man -l $m renders without warnings"
	else
		bad "man -l $m renders without warnings"
		head -n 5 "$tmp/err"
	fi
	if groff -ww -man -z "$p" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
		ok "groff -ww -man $m: no warnings"
	else
		bad "groff -ww -man $m: no warnings"
		head -n 5 "$tmp/err"
	fi
done

# every option the --help texts name is in the manual, in bold (\fB--opt\fR)
missing=""
for o in --config --print-rules --foreground --socket --inside --outside --out --follow-peer \
	--seed --quiet --help --version; do
	grep -qF "\\fB$o\\fR" "$dest/usr/share/man/man8/meetgate.8" || missing="$missing meetgate(8):$o"
done
for o in $("$dest/usr/bin/meetcall" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
	grep -qF "\\fB$o\\fR" "$dest/usr/share/man/man1/meetcall.1" || missing="$missing meetcall(1):$o"
done
[ -z "$missing" ] && ok "the manuals describe every option of the --help texts" ||
	bad "options missing from the manuals:$missing"

unit=$dest/usr/lib/systemd/system/meetgate.service
check "unit starts /usr/sbin/meetgate" grep -qx 'ExecStart=/usr/sbin/meetgate run --config /etc/meetgate.conf' "$unit"
if grep -q '@[A-Z]*@' "$unit"; then bad "unit has no template placeholder left"; else ok "unit has no template placeholder left"; fi
check "bash completion parses" bash -n "$dest/usr/share/bash-completion/completions/meetgate"
if bash -c '. "$1"; COMP_WORDS=(meetgate show fl); COMP_CWORD=2; _meetgate_complete; [ "${COMPREPLY[*]}" = flows ]' _ \
	"$dest/usr/share/bash-completion/completions/meetgate" 2>/dev/null; then
	ok "bash completion completes 'meetgate show fl'"
else
	bad "bash completion completes 'meetgate show fl'"
fi

# The unit names /usr/sbin/meetgate, which exists only below DESTDIR: verify
# a copy whose commands point there, with MANPATH so that its
# Documentation=man:... lines resolve to the installed pages.
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$tmp/unit"
	sed "s|/usr/sbin/meetgate|$dest/usr/sbin/meetgate|g" "$unit" >"$tmp/unit/meetgate.service"
	if MANPATH=$dest/usr/share/man systemd-analyze verify "$tmp/unit/meetgate.service" >"$tmp/err" 2>&1 &&
		[ ! -s "$tmp/err" ]; then
		ok "systemd-analyze verify meetgate.service"
	else
		bad "systemd-analyze verify meetgate.service"
		head -n 10 "$tmp/err"
	fi
	score=$(systemd-analyze security --offline=true "$tmp/unit/meetgate.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for meetgate.service: \([0-9.]*\).*/\1/p')
	echo "# systemd-analyze security exposure: ${score:-unknown}"
	if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
		ok "unit exposure $score <= 3.0"
	else
		bad "unit exposure '${score:-unknown}' <= 3.0"
	fi
else
	echo "# skipped: systemd-analyze verify and security (systemd-analyze not installed)"
fi

if make --no-print-directory uninstall DESTDIR="$dest" PREFIX=/usr >"$tmp/uninstall.log" 2>&1 &&
	[ -z "$(find "$dest" -type f)" ]; then
	ok "make uninstall removes every file"
else
	bad "make uninstall removes every file"
	find "$dest" -type f
fi

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
