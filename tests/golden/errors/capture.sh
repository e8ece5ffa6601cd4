#!/bin/bash
# capture.sh - regenerate the golden error catalogue from the real
# iptables-legacy / iptables-legacy-restore (tested with v1.8.9).
#
# Usage (as root):  tests/golden/errors/capture.sh [CASES.in [RESTORE.in]]
#   defaults: cases.in -> cases.txt, restore-cases.in -> restore-cases.txt
#   (all in this script's directory).
#
# Every case runs in a brand-new network namespace that is created before
# and deleted after the case, so the host's own rules are never touched and
# each case starts from empty tables.  Never run by the test suite.
#
# Input format (one block per case, blocks start with '### '):
#   ### <short name>
#   setup: <iptables cmd> ;; <iptables cmd> ...     (optional, may be empty)
#   cmd: iptables ...            or   cmd: iptables-restore [flags]
#   stdout-prefix: N                                (optional: keep only
#                                                    the first N stdout lines)
#   input:                                          (restore cases only:
#   <lines fed to stdin>                             lines up to '.end')
#   .end
# Commands are run with bash -c, so shell quoting ('...') works; a leading
# 'iptables' is replaced with iptables-legacy, 'iptables-restore' with
# iptables-legacy-restore.  In the captured output every 'iptables-legacy'
# is replaced with 'iptables'.
set -u
export LC_ALL=C
dir=$(cd "$(dirname "$0")" && pwd)
cases_in=${1:-$dir/cases.in}
restore_in=${2:-$dir/restore-cases.in}

if [ "$(id -u)" != 0 ]; then echo "capture.sh: needs root" >&2; exit 1; fi
command -v iptables-legacy >/dev/null || { echo "capture.sh: iptables-legacy missing" >&2; exit 1; }

ns=uipt-golden-$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

realcmd() {  # map 'iptables...' to the legacy binaries
	local c=$1
	case "$c" in
	iptables-restore*) c="iptables-legacy-restore${c#iptables-restore}" ;;
	iptables-save*)    c="iptables-legacy-save${c#iptables-save}" ;;
	iptables*)         c="iptables-legacy${c#iptables}" ;;
	esac
	printf '%s' "$c"
}

emit_lines() {  # print file (possibly limited), mapping the program name
	local f=$1 limit=${2:-}
	if [ -z "$limit" ] && [ "$(tail -c2 "$f" | od -An -c | tr -d ' ')" = '\n\n' ]; then
		echo "capture.sh: case '$name': output ends with an empty line (ambiguous in the catalogue)" >&2
	fi
	if [ -n "$limit" ]; then head -n "$limit" "$f"; else cat "$f"; fi |
		sed 's/iptables-legacy/iptables/g'
	# a final line without '\n' still gets one in the catalogue
	if [ -s "$f" ] && [ -z "$limit" ] && [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then
		echo
	fi
}

run_case() {  # uses: name setup cmd prefix input has_input ; appends to $out
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns" || { echo "cannot create netns" >&2; exit 1; }
	if [ -n "$setup" ]; then
		local rest=$setup part
		while [ -n "$rest" ]; do
			case "$rest" in
			*' ;; '*) part=${rest%% ;; *}; rest=${rest#* ;; } ;;
			*) part=$rest; rest= ;;
			esac
			part=$(echo "$part" | sed 's/^ *//; s/ *$//')
			[ -z "$part" ] && continue
			if ! ip netns exec "$ns" bash -c "$(realcmd "$part")" >/dev/null 2>"$tmp/serr"; then
				echo "capture.sh: case '$name': setup '$part' failed:" >&2
				cat "$tmp/serr" >&2
			fi
		done
	fi
	local rc
	if [ "$has_input" = 1 ]; then
		printf '%s' "$input" > "$tmp/in"
		ip netns exec "$ns" bash -c "$(realcmd "$cmd")" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
		rc=$?
	else
		ip netns exec "$ns" bash -c "$(realcmd "$cmd")" </dev/null >"$tmp/out" 2>"$tmp/err"
		rc=$?
	fi
	ip netns del "$ns"
	{
		echo "### $name"
		echo "setup: $setup"
		echo "cmd: $cmd"
		if [ "$has_input" = 1 ]; then
			echo "flags: ${cmd#iptables-restore}" | sed 's/^flags: */flags: /'
			echo "input:"
			printf '%s' "$input"
			echo ".end"
		fi
		echo "rc: $rc"
		if [ -n "$prefix" ]; then
			echo "stdout-prefix:"
			emit_lines "$tmp/out" "$prefix"
		else
			echo "stdout:"
			emit_lines "$tmp/out"
		fi
		echo "stderr:"
		emit_lines "$tmp/err"
		echo
	} >>"$out"
}

process() {  # $1 = input list, $2 = output catalogue
	local in=$1
	out=$2
	: >"$out"
	local n=0 line inmode=0
	name= setup= cmd= prefix= input= has_input=0
	while IFS= read -r line || [ -n "$line" ]; do
		if [ "$inmode" = 1 ]; then
			if [ "$line" = ".end" ]; then inmode=0; else input+="$line"$'\n'; fi
			continue
		fi
		case "$line" in
		'### '*)
			if [ -n "$name" ]; then run_case; n=$((n+1)); fi
			name=${line#'### '} setup= cmd= prefix= input= has_input=0 ;;
		'setup:'*) setup=$(echo "${line#setup:}" | sed 's/^ *//') ;;
		'cmd:'*) cmd=$(echo "${line#cmd:}" | sed 's/^ *//') ;;
		'stdout-prefix:'*) prefix=$(echo "${line#stdout-prefix:}" | tr -d ' ') ;;
		'input:'*) inmode=1 has_input=1 ;;
		'#'*|'') ;;
		*) echo "capture.sh: $in: cannot parse: $line" >&2 ;;
		esac
	done <"$in"
	if [ -n "$name" ]; then run_case; n=$((n+1)); fi
	echo "$out: $n cases" >&2
}

[ -f "$cases_in" ] && process "$cases_in" "$dir/cases.txt"
[ -f "$restore_in" ] && process "$restore_in" "$dir/restore-cases.txt"
exit 0
