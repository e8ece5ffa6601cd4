#!/usr/bin/env bats
# Extensions of batch A: conntrack, state, mark, MARK, connmark, CONNMARK,
# NOTRACK, CT, helper, connbytes, connlimit, recent, quota, statistic,
# connlabel, CONNSECMARK, SECMARK.  Expected texts are what iptables
# prints (checked against iptables-legacy in a namespace of our own).

load helpers

setup() {
	fresh_state
}

# saves TABLE CHAIN "ARGS" "SAVED": -A must succeed, -S must show SAVED
# (after "-A CHAIN "), and -D with the same ARGS must take it out again.
saves() {
	local table=$1 chain=$2 args=$3 want=$4
	run uiptables -t "$table" -A "$chain" $args
	assert_success
	run uiptables -t "$table" -S "$chain"
	assert_success
	assert_line -- "-A $chain $want"
	run uiptables -t "$table" -D "$chain" $args
	assert_success
	run uiptables -t "$table" -S "$chain"
	refute_line -- "-A $chain $want"
}

# lists TABLE CHAIN "ARGS" "TEXT": the -L -n line of the rule ends in TEXT
# after the columns (61 characters, more when a long target name pushes).
lists() {
	local table=$1 chain=$2 args=$3 want=$4
	uiptables -t "$table" -F "$chain"
	run uiptables -t "$table" -A "$chain" $args
	assert_success
	run uiptables -t "$table" -L "$chain" -n
	assert_success
	assert_line --regexp "^.{61,} $(printf '%s' "$want" | sed 's/[][\.*^$/]/\\&/g')\$"
}

# fails TABLE CHAIN STATUS "MESSAGE" ARGS...: on a flushed chain, refused
# with that status and a message containing MESSAGE; nothing is added.
fails() {
	local table=$1 chain=$2 want=$3 msg=$4
	shift 4
	uiptables -t "$table" -F "$chain"
	run uiptables -t "$table" -A "$chain" "$@"
	assert_equal "$status" "$want"
	assert_output --partial "$msg"
	run bash -c "uiptables -t $table -S $chain | grep -c '^-A'"
	assert_output 0
}

# refused TABLE CHAIN ARGS...: what the kernel's checkentry turns down.
refused() {
	local table=$1 chain=$2
	shift 2
	run uiptables -t "$table" -A "$chain" "$@"
	assert_equal "$status" 1
	assert_output "iptables: Invalid argument. Run \`dmesg' for more information."
}

@test "conntrack: every option saves in iptables' order" {
	saves filter INPUT "-m conntrack --ctstate NEW,ESTABLISHED" \
		"-m conntrack --ctstate NEW,ESTABLISHED"
	saves filter INPUT "-m conntrack --ctstate ESTABLISHED,NEW" \
		"-m conntrack --ctstate NEW,ESTABLISHED"
	saves filter INPUT "-m conntrack --ctdir REPLY --ctexpire 3:40 --ctstatus ASSURED,SEEN_REPLY --ctorigdstport 3:4 --ctorigsrc 192.0.2.1 --ctproto tcp --ctstate NEW" \
		"-m conntrack --ctstate NEW --ctproto 6 --ctorigsrc 192.0.2.1 --ctorigdstport 3:4 --ctstatus SEEN_REPLY,ASSURED --ctexpire 3:40 --ctdir REPLY"
	saves filter INPUT "-m conntrack ! --ctstate NEW ! --ctproto 6 ! --ctorigsrc 192.0.2.0/24 ! --ctrepldst 192.0.2.1 ! --ctreplsrcport 5 ! --ctstatus NONE ! --ctexpire 5" \
		"-m conntrack ! --ctstate NEW ! --ctproto 6 ! --ctorigsrc 192.0.2.0/24 ! --ctrepldst 192.0.2.1 ! --ctreplsrcport 5 ! --ctstatus NONE ! --ctexpire 5"
	saves filter INPUT "-m conntrack --ctorigsrc 192.0.2.5/24" "-m conntrack --ctorigsrc 192.0.2.5/24"
	saves filter INPUT "-m conntrack --ctorigsrcport :" "-m conntrack --ctorigsrcport 0:65535"
	saves filter INPUT "-m conntrack --ctrepldstport 4:4" "-m conntrack --ctrepldstport 4"
	saves filter INPUT "-m conntrack --ctexpire 3:3" "-m conntrack --ctexpire 3"
}

@test "conntrack: -L words" {
	lists filter INPUT "-m conntrack --ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT --ctdir ORIGINAL" \
		"ctstate INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED,SNAT,DNAT ctdir ORIGINAL"
	lists filter INPUT "-m conntrack ! --ctproto 17 ! --ctorigsrc 192.0.2.0/24 --ctstatus EXPECTED,CONFIRMED" \
		"! ctproto 17 ! ctorigsrc 192.0.2.0/24 ctstatus EXPECTED,CONFIRMED"
	run uiptables -L INPUT
	assert_line --partial "ctproto 17 ! ctorigsrc 192.0.2.0/24"
	uiptables -F INPUT
	uiptables -A INPUT -m conntrack --ctorigsrc 0.0.0.0/0
	run uiptables -L INPUT
	assert_line --partial "ctorigsrc anywhere"
	run uiptables -L INPUT -n
	assert_line --partial "ctorigsrc 0.0.0.0/0"
}

@test "conntrack: refused options" {
	fails filter INPUT 2 'conntrack: At least one option is required' -m conntrack
	fails filter INPUT 2 'Bad ctstate "wrong"' -m conntrack --ctstate wrong
	fails filter INPUT 2 'Bad ctstatus "FOO"' -m conntrack --ctstatus FOO
	fails filter INPUT 2 'conntrack: Bad value for "--ctdir" option: "foo"' -m conntrack --ctdir foo
	fails filter INPUT 2 'option "--ctdir" cannot be inverted' -m conntrack ! --ctdir ORIGINAL
	fails filter INPUT 2 'rule would never match protocol' -m conntrack --ctproto 0
	fails filter INPUT 2 '' -m conntrack ! --ctproto 0
	fails filter INPUT 2 '' -m conntrack --ctexpire 4:3
	fails filter INPUT 2 '' -m conntrack --ctexpire 42949672956
	fails filter INPUT 2 '' -m conntrack --ctorigsrcport 4:3
	fails filter INPUT 2 'option "--ctstate" can only be used once' \
		-m conntrack --ctstate NEW --ctstate NEW
}

@test "state: an alias of conntrack revision 3, printed back as state" {
	saves filter INPUT "-m state --state NEW,RELATED" "-m state --state NEW,RELATED"
	saves filter INPUT "-m state ! --state INVALID,UNTRACKED" "-m state ! --state INVALID,UNTRACKED"
	saves filter INPUT "-m state --state UNTRACKED" "-m state --state UNTRACKED"
	lists filter INPUT "-m state ! --state INVALID,UNTRACKED" "! state INVALID,UNTRACKED"
	fails filter INPUT 2 'Bad state "BOGUS"' -m state --state BOGUS
	fails filter INPUT 2 'Bad state "SNAT"' -m state --state SNAT
	fails filter INPUT 2 'state: option "--state" must be specified' -m state
	# The blob holds conntrack, revision 3.
	uiptables -A INPUT -m state --state NEW
	stored_blob filter > "$BATS_TEST_TMPDIR/blob"
	run grep -c -a conntrack "$BATS_TEST_TMPDIR/blob"
	assert_output 1
	run grep -c -a state "$BATS_TEST_TMPDIR/blob"
	assert_output 0
}

@test "mark: value and mask" {
	saves filter INPUT "-m mark --mark 0xfeedcafe/0xfeedcafe" "-m mark --mark 0xfeedcafe/0xfeedcafe"
	saves filter INPUT "-m mark --mark 4294967295" "-m mark --mark 0xffffffff"
	saves filter INPUT "-m mark ! --mark 1/0xffffffff" "-m mark ! --mark 0x1"
	lists filter INPUT "-m mark ! --mark 0x1/0xf" "mark match ! 0x1/0xf"
	lists filter INPUT "-m mark --mark 0x1" "mark match 0x1"
	fails filter INPUT 2 '' -m mark --mark 4294967296
	fails filter INPUT 2 '' -m mark --mark -1
	fails filter INPUT 2 'mark: option "--mark" must be specified' -m mark
}

@test "MARK: every form saves as --set-xmark, -L names the operation" {
	saves mangle FORWARD "-j MARK --set-mark 5" "-j MARK --set-xmark 0x5/0xffffffff"
	saves mangle FORWARD "-j MARK --set-mark 5/0xf" "-j MARK --set-xmark 0x5/0xf"
	saves mangle FORWARD "-j MARK --and-mark 0xf" "-j MARK --set-xmark 0x0/0xfffffff0"
	saves mangle FORWARD "-j MARK --or-mark 3" "-j MARK --set-xmark 0x3/0x3"
	saves mangle FORWARD "-j MARK --xor-mark 3" "-j MARK --set-xmark 0x3/0x0"
	saves filter INPUT "-j MARK --set-xmark 0" "-j MARK --set-xmark 0x0/0xffffffff"
	lists mangle FORWARD "-j MARK --set-mark 5" "MARK set 0x5"
	lists mangle FORWARD "-j MARK --set-mark 5/0xf" "MARK xset 0x5/0xf"
	lists mangle FORWARD "-j MARK --and-mark 0xf" "MARK and 0xf"
	lists mangle FORWARD "-j MARK --or-mark 3" "MARK or 0x3"
	lists mangle FORWARD "-j MARK --xor-mark 3" "MARK xor 0x3"
	lists mangle FORWARD "-j MARK --set-xmark 0/0" "MARK and 0xffffffff"
	uiptables -t mangle -F
	fails mangle FORWARD 2 'MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required' -j MARK
	fails mangle FORWARD 2 'MARK: option "--set-mark" cannot be used together with "--and-mark".' \
		-j MARK --set-mark 1 --and-mark 2
}

@test "connmark: match on the connection mark" {
	saves mangle PREROUTING "-m connmark --mark 0xffffffff/0xffffffff" "-m connmark --mark 0xffffffff"
	saves mangle PREROUTING "-m connmark --mark 0/0xffffffff" "-m connmark --mark 0x0"
	saves mangle PREROUTING "-m connmark ! --mark 0xffffffff/0x0" "-m connmark ! --mark 0xffffffff/0x0"
	lists mangle PREROUTING "-m connmark --mark 5" "connmark match  0x5"
	lists mangle PREROUTING "-m connmark ! --mark 3/0xf" "connmark match ! 0x3/0xf"
	fails mangle FORWARD 2 'connmark: option "--mark" must be specified' -m connmark
}

@test "CONNMARK: set, save and restore, with masks and shifts" {
	saves mangle FORWARD "-j CONNMARK --restore-mark" \
		"-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff"
	saves mangle FORWARD "-j CONNMARK --save-mark --mask 0xff" \
		"-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff"
	saves mangle FORWARD "-j CONNMARK --set-mark 0x1/0x0" "-j CONNMARK --set-xmark 0x1/0x1"
	saves mangle FORWARD "-j CONNMARK --and-mark 0xf" "-j CONNMARK --set-xmark 0x0/0xfffffff0"
	saves mangle FORWARD "-j CONNMARK --set-mark 1 --left-shift-mark 1 --right-shift-mark 2" \
		"-j CONNMARK --set-xmark 0x1/0xffffffff --right-shift-mark 2"
	lists mangle FORWARD "-j CONNMARK --save-mark" "CONNMARK save"
	lists mangle FORWARD "-j CONNMARK --restore-mark --mask 0xff" "CONNMARK restore mask 0xff"
	lists mangle FORWARD "-j CONNMARK --save-mark --nfmask 0xf --ctmask 0xff" \
		"CONNMARK save nfmask 0xf ctmask ~0xff"
	lists mangle FORWARD "-j CONNMARK --restore-mark --nfmask 0xf --ctmask 0xff" \
		"CONNMARK restore ctmask 0xff nfmask ~0xf"
	lists mangle FORWARD "-j CONNMARK --set-mark 5 --left-shift-mark 2" \
		"CONNMARK set 0x5 left-shift-mark 2"
	lists mangle FORWARD "-j CONNMARK --xor-mark 3" "CONNMARK xor 0x3"
	uiptables -t mangle -F
	fails mangle FORWARD 2 'CONNMARK target: No operation specified' -j CONNMARK
	fails mangle FORWARD 2 'CONNMARK: option "--set-mark" cannot be used together with "--save-mark".' \
		-j CONNMARK --set-mark 1 --save-mark
	fails mangle FORWARD 2 'CONNMARK: option "--nfmask" cannot be used together with "--mask".' \
		-j CONNMARK --save-mark --mask 0xf --nfmask 0x1
	refused mangle FORWARD -j CONNMARK --set-mark 1 --left-shift-mark 32
}

@test "NOTRACK and CT --notrack: CT revision 2, raw table only" {
	saves raw PREROUTING "-j NOTRACK" "-j NOTRACK"
	saves raw OUTPUT "-j CT --notrack" "-j CT --notrack"
	lists raw PREROUTING "-j NOTRACK" "NOTRACK"
	run uiptables -t raw -L PREROUTING -n
	assert_line --regexp '^CT +all'
	refused filter INPUT -j NOTRACK
	refused mangle PREROUTING -j CT --notrack
}

@test "CT: events, zones, helper, timeout" {
	saves raw PREROUTING "-j CT --ctevents new,related,destroy,reply,assured,protoinfo,helper,mark" \
		"-j CT --ctevents new,related,destroy,reply,assured,protoinfo,helper,mark"
	saves raw PREROUTING "-j CT --expevents new" "-j CT --expevents new"
	saves raw PREROUTING "-j CT --zone 65535" "-j CT --zone 65535"
	saves raw PREROUTING "-j CT --zone 0" "-j CT"
	saves raw PREROUTING "-j CT --zone-orig mark" "-j CT --zone-orig mark"
	saves raw PREROUTING "-j CT --zone 1 --zone-reply 2" "-j CT --zone-reply 2"
	saves raw PREROUTING "-p tcp -j CT --helper ftp" "-p tcp -j CT --helper ftp"
	saves raw PREROUTING "-j CT --helper ftp --ctevents new --expevents new --zone 3 --notrack" \
		"-j CT --notrack --helper ftp --ctevents new --expevents new --zone 3"
	lists raw PREROUTING "-j CT --notrack --zone 3" "CT notrack zone 3"
	uiptables -t raw -F
	fails raw PREROUTING 2 'Cannot parse 65536 as a zone ID' -j CT --zone 65536
	fails raw PREROUTING 2 'Unknown event type "foo"' -j CT --ctevents foo
	# A helper needs a protocol; no timeout policy exists.
	run uiptables -t raw -A PREROUTING -j CT --helper ftp
	assert_equal "$status" 1
	assert_output "iptables: No chain/target/match by that name."
	refused raw PREROUTING -j CT --timeout foo
	refused filter INPUT -j CT --zone 1
}

@test "helper: quoted in save" {
	saves filter INPUT "-m helper --helper ftp" "-m helper --helper ftp"
	saves filter INPUT "-m helper ! --helper irc" "-m helper ! --helper irc"
	lists filter INPUT "-m helper ! --helper irc" 'helper match ! "irc"'
	fails filter INPUT 2 'helper: option "--helper" must be specified' -m helper
}

@test "connbytes: ranges, modes, directions" {
	saves filter INPUT "-m connbytes --connbytes : --connbytes-mode packets --connbytes-dir original" \
		"-m connbytes --connbytes 0 --connbytes-mode packets --connbytes-dir original"
	saves filter INPUT "-m connbytes --connbytes 1000: --connbytes-mode bytes --connbytes-dir reply" \
		"-m connbytes --connbytes 1000 --connbytes-mode bytes --connbytes-dir reply"
	saves filter INPUT "-m connbytes ! --connbytes 10:1000 --connbytes-mode avgpkt --connbytes-dir both" \
		"-m connbytes ! --connbytes 10:1000 --connbytes-mode avgpkt --connbytes-dir both"
	lists filter INPUT "-m connbytes ! --connbytes 10:1000 --connbytes-mode avgpkt --connbytes-dir both" \
		"! connbytes 10:1000 connbytes mode avgpkt connbytes direction both"
	uiptables -F
	fails filter INPUT 2 "Unknown --connbytes-mode \`wrong'" \
		-m connbytes --connbytes 0:1000 --connbytes-mode wrong --connbytes-dir both
	fails filter INPUT 2 'connbytes: option "--connbytes-mode" must be specified' \
		-m connbytes --connbytes 0:1000 --connbytes-dir original
	fails filter INPUT 2 '' -m connbytes --connbytes 1000:0 --connbytes-mode packets --connbytes-dir original
}

@test "connlimit: upto/above, mask, saddr/daddr" {
	saves filter INPUT "-m connlimit --connlimit-upto 0" \
		"-m connlimit --connlimit-upto 0 --connlimit-mask 32 --connlimit-saddr"
	saves filter INPUT "-m connlimit ! --connlimit-upto 3" \
		"-m connlimit --connlimit-above 3 --connlimit-mask 32 --connlimit-saddr"
	saves filter INPUT "-m connlimit --connlimit-above 3 --connlimit-mask 24 --connlimit-daddr" \
		"-m connlimit --connlimit-above 3 --connlimit-mask 24 --connlimit-daddr"
	lists filter INPUT "-m connlimit --connlimit-above 3 --connlimit-mask 24 --connlimit-daddr" \
		"#conn dst/24 > 3"
	lists filter INPUT "-m connlimit --connlimit-upto 3" "#conn src/32 <= 3"
	uiptables -F
	fails filter INPUT 2 'You must specify "--connlimit-above" or "--connlimit-upto".' -m connlimit
	fails filter INPUT 2 'connlimit: option "--connlimit-saddr" cannot be used together with "--connlimit-daddr".' \
		-m connlimit --connlimit-above 10 --connlimit-saddr --connlimit-daddr
	fails filter INPUT 2 '' -m connlimit --connlimit-upto 4294967296
}

@test "recent: defaults written out, kernel checks" {
	saves filter INPUT "-m recent --set" "-m recent --set --name DEFAULT --mask 255.255.255.255 --rsource"
	saves filter INPUT "-m recent ! --update --seconds 60 --reap --rttl --rdest --name bar --mask 255.255.0.0" \
		"-m recent ! --update --seconds 60 --reap --rttl --name bar --mask 255.255.0.0 --rdest"
	lists filter INPUT "-m recent ! --update --seconds 60 --reap --rttl --rdest --name bar --mask 255.255.0.0" \
		"! recent: UPDATE seconds: 60 reap TTL-Match name: bar side: dest mask: 255.255.0.0"
	lists filter INPUT "-m recent --rcheck --hitcount 8 --name foo" \
		"recent: CHECK hit_count: 8 name: foo side: source mask: 255.255.255.255"
	uiptables -F
	fails filter INPUT 2 "recent: you must specify one of \`--set', \`--rcheck' \`--update' or \`--remove'" -m recent
	fails filter INPUT 2 'recent: option "--rttl" cannot be used together with "--set".' -m recent --set --rttl
	fails filter INPUT 2 'recent: option "--reap" also requires "--seconds".' -m recent --rcheck --reap
	refused filter INPUT -m recent --rcheck --hitcount 65536
	refused filter INPUT -m recent --set --hitcount 3
	refused filter INPUT -m recent --set --name a/b
}

@test "quota: -L shows no inversion" {
	saves filter INPUT "-m quota ! --quota 18446744073709551615" "-m quota ! --quota 18446744073709551615"
	lists filter INPUT "-m quota ! --quota 100" "quota: 100 bytes"
	uiptables -F
	fails filter INPUT 2 '' -m quota --quota 18446744073709551616
	fails filter INPUT 2 'quota: option "--quota" must be specified' -m quota
}

@test "statistic: random and nth" {
	saves filter INPUT "-m statistic --mode random ! --probability 0.50000000000" \
		"-m statistic --mode random ! --probability 0.50000000000"
	saves filter INPUT "-m statistic --mode nth ! --every 5 --packet 2" \
		"-m statistic --mode nth ! --every 5 --packet 2"
	saves filter INPUT "-m statistic --mode nth --every 3 --packet 0" \
		"-m statistic --mode nth --every 3 --packet 0"
	lists filter INPUT "-m statistic --mode nth --every 3 --packet 0" "statistic mode nth every 3"
	lists filter INPUT "-m statistic --mode random ! --probability 0.25" \
		"statistic mode random ! probability 0.25000000000"
	uiptables -F
	fails filter INPUT 2 'statistic: bad value for option "--probability", or out of range (0-1).' \
		-m statistic --mode random ! --probability 1.1
	fails filter INPUT 2 'statistic: option "--mode" must be specified' -m statistic --probability 1
	fails filter INPUT 2 'statistic: option "--every" also requires "--packet".' -m statistic --mode nth --every 3
	fails filter INPUT 2 'the --packet p must be 0 <= p <= n-1' -m statistic --mode nth ! --every 5 --packet 5
	fails filter INPUT 2 'Bad mode "foo"' -m statistic --mode foo
}

@test "connlabel: numbers, quoted in save" {
	saves filter INPUT '-m connlabel --label 40' '-m connlabel --label "40"'
	saves filter INPUT '-m connlabel ! --label 41 --set' '-m connlabel ! --label "41" --set'
	lists filter INPUT '-m connlabel ! --label 41 --set' 'connlabel ! 41 set'
	uiptables -F
	run uiptables -A INPUT -m connlabel --label 2048
	assert_equal "$status" 1
	assert_output --partial "iptables: Numerical result out of range."
	fails filter INPUT 2 "label 'foobar_not_there' not found or invalid value" \
		-m connlabel --label foobar_not_there
}

@test "CONNSECMARK and SECMARK: mangle and security only" {
	saves mangle FORWARD "-j CONNSECMARK --save" "-j CONNSECMARK --save"
	saves security INPUT "-j CONNSECMARK --restore" "-j CONNSECMARK --restore"
	lists mangle FORWARD "-j CONNSECMARK --restore" "CONNSECMARK restore"
	saves security INPUT "-j SECMARK --selctx system_u:object_r:firewalld_exec_t:s0" \
		"-j SECMARK --selctx system_u:object_r:firewalld_exec_t:s0"
	lists security INPUT "-j SECMARK --selctx system_u:object_r:ssh_server_packet_t:s0" \
		"SECMARK selctx system_u:object_r:ssh_server_packet_t:s0"
	uiptables -t mangle -F
	uiptables -t security -F
	fails mangle FORWARD 2 'CONNSECMARK target: parameter required' -j CONNSECMARK
	fails mangle FORWARD 2 'CONNSECMARK: option "--save" cannot be used together with "--restore".' \
		-j CONNSECMARK --save --restore
	fails security INPUT 2 'SECMARK: option "--selctx" must be specified' -j SECMARK
	refused filter INPUT -j CONNSECMARK --save
	refused filter INPUT -j SECMARK --selctx system_u:object_r:firewalld_exec_t:s0
}

@test "restore: a ruleset with the batch's extensions saves back unchanged" {
	uiptables-restore < "$GOLDEN/blob/ext-A.save"
	uiptables-save | grep -v '^#' > "$BATS_TEST_TMPDIR/once"
	uiptables-restore < "$BATS_TEST_TMPDIR/once"
	uiptables-save | grep -v '^#' > "$BATS_TEST_TMPDIR/twice"
	diff -u "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/twice"
}
