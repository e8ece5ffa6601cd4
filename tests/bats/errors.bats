#!/usr/bin/env bats
# Compare uiptables' exit code, stdout and stderr with the real
# iptables-legacy 1.8.9 catalogue in tests/golden/errors/.

load helpers

# Cases skipped, one line each: name<TAB>reason.
SKIP_LIST="$(cat <<'LIST'
-L with rule number	1.8.11 prints protocol names with -n; the catalogue is 1.8.9's numbers
-L -n -v -x --line-numbers listing	1.8.11 prints protocol names with -n; the catalogue is 1.8.9's numbers
-E new name 30 chars	1.8.9 stores it cut, without its NUL, in the 30-byte errorname; refused here
-E new name 31 chars	1.8.9 stores it cut, without its NUL, in the 30-byte errorname; refused here
limit bad rate	needs the limit match
length reversed range	1.8.11 refuses reversed ranges (libxt_length.t: --length 4:3 FAIL); the catalogue is 1.8.9's
-h	help text differs by design
--help	help text differs by design
-V	version text is v1.8.11
--version	version text is v1.8.11
-p tcp -h (extension help)	help text differs by design
glued -jACCEPT	1.8.11 takes glued -j values (1.8.9 quirk)
glued -ptcp	1.8.11 takes glued -p values (1.8.9 quirk)
glued -s192.0.2.1	1.8.11 takes glued -s values (1.8.9 quirk)
glued -ieth0 (taken as interface name -ieth0)	1.8.11 takes glued -i values (1.8.9 quirk)
glued --jump=ACCEPT	1.8.11 takes --jump=X (1.8.9 quirk)
glued --protocol=tcp	1.8.11 takes --protocol=X (1.8.9 quirk)
LIST
)"

# to_u CMDLINE: the command with a leading iptables / iptables-restore
# replaced by our binaries.
to_u() {
	local c="$1"
	case "$c" in
	iptables*) c="u$c" ;;
	esac
	printf '%s' "$c"
}

# Runs every case of FILE; prints mismatching names on fd 3-less stdout.
run_catalogue() {
	local file="$1" restore="$2"
	local name= setup= cmd= flags= rc= section= input= have_input=0
	local exp_out= exp_err= nfail=0 npass=0 nskip=0 failed=()
	local -a lines
	mapfile -t lines < "$file"
	lines+=("### END")
	local i n=${#lines[@]} line
	for ((i = 0; i < n; i++)); do
		line="${lines[i]}"
		if [[ "$line" == "### "* ]]; then
			if [[ -n "$name" ]]; then
				# A case ends with the blank line before ###.
				exp_err="${exp_err%$'\n'}"
				run_one
			fi
			name="${line#\#\#\# }" setup= cmd= flags= rc= section=
			input= have_input=0 exp_out= exp_err=
			continue
		fi
		case "$section" in
		input)
			if [[ "$line" == ".end" ]]; then section=; else input+="$line"$'\n'; fi
			continue ;;
		stdout)
			if [[ "$line" == "stderr:" ]]; then section=stderr; else exp_out+="$line"$'\n'; fi
			continue ;;
		stderr)
			exp_err+="$line"$'\n'
			continue ;;
		esac
		case "$line" in
		"setup: "*|"setup:") setup="${line#setup:}"; setup="${setup# }" ;;
		"cmd: "*) cmd="${line#cmd: }" ;;
		"flags: "*|"flags:") flags="${line#flags:}"; flags="${flags# }" ;;
		"input:") section=input; have_input=1 ;;
		"rc: "*) rc="${line#rc: }" ;;
		"stdout:") section=stdout; prefix=0 ;;
		"stdout-prefix:") section=stdout; prefix=1 ;;
		esac
	done
	echo "pass=$npass skip=$nskip fail=$nfail"
	if ((nfail)); then
		printf 'FAILED: %s\n' "${failed[@]}"
		return 1
	fi
}

run_one() {
	local reason
	reason="$(printf '%s\n' "$SKIP_LIST" | awk -F '\t' -v n="$name" '$1 == n { print $2; exit }')"
	if [[ -n "$reason" ]]; then
		nskip=$((nskip + 1))
		return
	fi
	fresh_state
	local s part
	if [[ -n "$setup" ]]; then
		s="$setup"
		while [[ -n "$s" ]]; do
			if [[ "$s" == *" ;; "* ]]; then part="${s%% ;; *}"; s="${s#* ;; }"; else part="$s"; s=; fi
			bash -c "$(to_u "$part")" </dev/null >/dev/null 2>&1
		done
	fi
	local c out err got_rc
	c="$(to_u "$cmd")"
	[[ -n "$flags" ]] && c+=" $flags"
	local tmp="$BATS_TEST_TMPDIR/case"
	if ((have_input)); then
		printf '%s' "$input" | bash -c "$c" >"$tmp.out" 2>"$tmp.err"
	else
		bash -c "$c" </dev/null >"$tmp.out" 2>"$tmp.err"
	fi
	got_rc=$?
	out="$(cat "$tmp.out"; echo x)"; out="${out%x}"
	err="$(cat "$tmp.err"; echo x)"; err="${err%x}"
	if ((prefix)); then
		out="$(printf '%s' "$out" | head -n 5; echo x)"; out="${out%x}"
	fi
	local eo="${exp_out//v1.8.9/v1.8.11}" ee="${exp_err//v1.8.9/v1.8.11}"
	if [[ "$got_rc" == "$rc" && "$out" == "$eo" && "$err" == "$ee" ]]; then
		npass=$((npass + 1))
	else
		nfail=$((nfail + 1))
		failed+=("$name")
		if [[ -n "$UIPT_ERRORS_VERBOSE" ]]; then
			{
				echo "=== $name (rc $got_rc, want $rc)"
				diff <(printf '%s' "$eo") <(printf '%s' "$out") | sed 's/^/out /'
				diff <(printf '%s' "$ee") <(printf '%s' "$err") | sed 's/^/err /'
			} >&2
		fi
	fi
}

@test "error catalogue: iptables" {
	run run_catalogue "$GOLDEN/errors/cases.txt"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "error catalogue: iptables-restore" {
	run run_catalogue "$GOLDEN/errors/restore-cases.txt"
	echo "$output"
	[ "$status" -eq 0 ]
}
