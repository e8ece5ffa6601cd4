#!/usr/bin/env bats
# Extensions of batch D: how rules are parsed, saved and listed, the
# errors iptables gives, and where the kernel's checks refuse a rule.
# Expected texts are those of iptables-legacy (1.8.9, checked in a
# namespace) where 1.8.11 behaves the same.

load helpers

setup() {
	fresh_state
}

# Adds a rule to CHAIN (in TABLE) and checks how -S shows it.
saves_as() {
	local table=$1 chain=$2 args=$3 want=$4
	eval "uiptables -t $table -A $chain $args"
	run uiptables -t "$table" -S "$chain"
	assert_success
	assert_line "-A $chain $want"
}

# The -L -n line's match part: everything after the destination column.
listed_as() {
	local table=$1 chain=$2 args=$3 want=$4
	eval "uiptables -t $table -A $chain $args"
	run sh -c "uiptables -t $table -L $chain -n | tail -1 | sed 's/.*0\.0\.0\.0\/0  *//'"
	assert_success
	assert_output "$want"
}

# A rule the option parser refuses: exit 2 and this message.
refused() {
	local args=$1 msg=$2
	eval "run uiptables -A INPUT $args"
	assert_failure 2
	assert_output --partial "$msg"
}

# A rule the kernel refuses (checkentry, or its table, hook or protocol
# restriction): exit 1.
kernel_refuses() {
	local table=$1 chain=$2 args=$3
	eval "run uiptables -t $table -A $chain $args"
	assert_failure 1
}

@test "limit: save, list and defaults" {
	saves_as filter INPUT "-m limit --limit 3/hour --limit-burst 7" "-m limit --limit 3/hour --limit-burst 7"
	saves_as filter INPUT "-m limit --limit 7/s" "-m limit --limit 7/sec"
	saves_as filter INPUT "-m limit --limit 1000/d --limit-burst 1" "-m limit --limit 1000/day --limit-burst 1"
	saves_as filter INPUT "-m limit" "-m limit --limit 3/hour"
	listed_as filter OUTPUT "-m limit --limit 5/min" "limit: avg 5/min burst 5"
}

@test "limit: errors" {
	refused "-m limit --limit 10001/s" 'Rate too fast "10001/s"'
	refused "-m limit --limit 0/s" "bad rate \"0/s\"'"
	refused "-m limit --limit 1/fortnight" 'bad rate "1/fortnight"'
	refused "-m limit ! --limit 1/s" 'option "--limit" cannot be inverted'
	refused "-m limit --limit-burst 10001" 'out of range (0-10000)'
	# burst 0, and avg * burst beyond 32 bits: ERANGE from the kernel.
	run uiptables -A INPUT -m limit --limit-burst 0
	assert_failure 1
	assert_output "iptables: Numerical result out of range."
	run uiptables -A INPUT -m limit --limit 1/day
	assert_failure 1
	assert_output "iptables: Numerical result out of range."
}

@test "hashlimit: save and list" {
	saves_as filter INPUT "-m hashlimit --hashlimit-upto 1/sec --hashlimit-name a" \
		"-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name a"
	saves_as filter INPUT "-m hashlimit --hashlimit-upto 4kb/s --hashlimit-burst 400kb --hashlimit-name b" \
		"-m hashlimit --hashlimit-upto 4kb/s --hashlimit-burst 400kb --hashlimit-name b"
	saves_as filter INPUT "-m hashlimit --hashlimit-upto 10mb/s --hashlimit-name c" \
		"-m hashlimit --hashlimit-upto 10mb/s --hashlimit-name c"
	saves_as filter INPUT "-m hashlimit ! --hashlimit-above 7/hour --hashlimit-name d" \
		"-m hashlimit --hashlimit-upto 7/hour --hashlimit-burst 5 --hashlimit-name d"
	saves_as filter INPUT "-m hashlimit --hashlimit 3/s --hashlimit-burst 5k --hashlimit-mode dstport,srcip, --hashlimit-name e" \
		"-m hashlimit --hashlimit-upto 3/sec --hashlimit-burst 5120 --hashlimit-mode srcip,dstport --hashlimit-name e"
	saves_as filter INPUT "-m hashlimit --hashlimit-above 7/min --hashlimit-srcmask 24 --hashlimit-htable-expire 9 --hashlimit-name f" \
		"-m hashlimit --hashlimit-above 7/min --hashlimit-burst 5 --hashlimit-name f --hashlimit-htable-expire 9 --hashlimit-srcmask 24"
	listed_as filter OUTPUT "-m hashlimit --hashlimit-upto 40/sec --hashlimit-burst 20 --hashlimit-mode srcip,dstip --hashlimit-name g --hashlimit-rate-match --hashlimit-rate-interval 10" \
		"limit: up to 4/sec burst 20 mode srcip-dstip rate-match rate-interval 10"
}

@test "hashlimit: a long name is cut to 254 characters" {
	local n255
	n255=$(printf 'n%.0s' $(seq 255))
	uiptables -A INPUT -m hashlimit --hashlimit-upto 1/s --hashlimit-name "$n255"
	run uiptables -S INPUT
	assert_line "-A INPUT -m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name ${n255:1}"
}

@test "hashlimit: errors" {
	refused "-m hashlimit --hashlimit-name a" "You have to specify --hashlimit"
	refused "-m hashlimit --hashlimit-upto 1/s" 'option "--hashlimit-name" must be specified'
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-name ''" "Argument must have a minimum length of 1 characters"
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-above 2/s --hashlimit-name a" 'cannot be used together with'
	refused "-m hashlimit --hashlimit-upto 1/fortnight --hashlimit-name a" 'hashlimit: Bad value for "--hashlimit-upto" option: "1/fortnight"'
	refused "-m hashlimit --hashlimit-upto 1000001/s --hashlimit-name a" 'Rate too fast "1000001/s"'
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-burst 0 --hashlimit-name a" 'or out of range (1-1000000).'
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-burst 2000k --hashlimit-name a" 'or out of range (1-1000000).'
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-mode foo --hashlimit-name a" 'Bad value for "--hashlimit-mode" option: "foo"'
	refused "-m hashlimit --hashlimit-upto 1kb/s --hashlimit-burst 10 --hashlimit-name a" "burst cannot be smaller than 1024b"
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-rate-interval 0 --hashlimit-name a" 'Bad value for "--hashlimit-rate-interval" option: "0"'
}

@test "hashlimit: kernel checks" {
	kernel_refuses filter INPUT "-m hashlimit --hashlimit-upto 1/s --hashlimit-htable-gcinterval 0 --hashlimit-name a"
	kernel_refuses filter INPUT "-m hashlimit --hashlimit-upto 1/s --hashlimit-htable-expire 0 --hashlimit-name a"
	kernel_refuses filter INPUT "-m hashlimit --hashlimit-upto 1/s --hashlimit-srcmask 33 --hashlimit-name a"
	refused "-m hashlimit --hashlimit-upto 1/s --hashlimit-dstmask x --hashlimit-name a" "neither a valid network mask nor valid CIDR (0-32)."
	run uiptables -A INPUT -m hashlimit --hashlimit-upto 1/day --hashlimit-name a
	assert_failure 1
	assert_output "iptables: Numerical result out of range."
}

@test "ah, esp, ipcomp: SPI ranges" {
	saves_as filter INPUT "-p ah -m ah --ahspi 0x10" "-p ah -m ah --ahspi 16"
	saves_as filter INPUT "-p ah -m ah ! --ahspi :" "-p ah -m ah ! --ahspi 0:4294967295"
	saves_as filter INPUT "-p ah -m ah --ahspi 3:" "-p ah -m ah --ahspi 3:4294967295"
	saves_as filter INPUT "-p ah -m ah --ahspi 0:4294967295" "-p ah -m ah"
	saves_as filter INPUT "-p esp -m esp --espspi :32" "-p esp -m esp --espspi 0:32"
	saves_as filter INPUT "-p esp -m esp --espspi 4:4" "-p esp -m esp --espspi 4"
	saves_as filter INPUT "-p ipcomp -m ipcomp --compres" "-p ipcomp -m ipcomp --ipcompspi 0 --compres"
	saves_as filter INPUT "-p ipcomp -m ipcomp --ipcompspi :" "-p ipcomp -m ipcomp"
	listed_as filter OUTPUT "-p ah -m ah ! --ahspi 5:9" "ah spis:!5:9"
	listed_as filter OUTPUT "-p esp -m esp --espspi 7" "esp spi:7"
	listed_as filter OUTPUT "-p ipcomp -m ipcomp --ipcompspi 9 --compres" "comp spi:9 reserved"
}

@test "ah, esp, ipcomp: errors" {
	refused "-p ah -m ah --ahspi -1" 'ah: bad value for option "--ahspi" near "-1", or out of range (0-4294967295).'
	refused "-p ah -m ah --ahspi 4294967296" 'near "4294967296"'
	refused "-p ah -m ah --ahspi 1::2" 'ah: Too many components for option "--ahspi" (max: 2)'
	refused "-p ah -m ah --ahspi 4:3" 'invalid range'
	refused "-p esp -m esp --espspi x" 'esp: bad value for option "--espspi" near "x"'
	refused "-p ipcomp -m ipcomp --ipcompspi 4:3" 'invalid range'
	kernel_refuses filter INPUT "-m ah --ahspi 0"
	kernel_refuses filter INPUT "-m esp"
	kernel_refuses filter INPUT "-p tcp -m ipcomp --ipcompspi 1"
}

@test "sctp: ports and chunk types" {
	saves_as filter INPUT "-p sctp -m sctp --dport 80:443 ! --sport 22" "-p sctp -m sctp ! --sport 22 --dport 80:443"
	saves_as filter INPUT "-p sctp --dport 5" "-p sctp -m sctp --dport 5"
	saves_as filter INPUT "-p sctp -m sctp ! --chunk-types only DATA:Be,INIT" "-p sctp -m sctp ! --chunk-types only DATA:Be,INIT"
	saves_as filter INPUT "-p sctp -m sctp --chunk-types any ABORT:T,DATA:I,I_DATA:E" "-p sctp -m sctp --chunk-types any DATA:I,ABORT:T,I_DATA"
	saves_as filter INPUT "-p sctp -m sctp --chunk-types all NONE" "-p sctp -m sctp --chunk-types all NONE"
	listed_as filter OUTPUT "-p sctp -m sctp --chunk-types any DATA:I,SACK" "sctp any 0x0000:I,0x0003"
	run sh -c "uiptables -L OUTPUT | tail -1 | sed 's/.*anywhere  *//'"
	assert_output "sctp any DATA:I,SACK"
}

@test "sctp: errors" {
	refused "-p sctp -m sctp --sport 1 --sport 2" "Only one \`--source-port' allowed"
	refused "-p sctp -m sctp --dport 65536" "invalid port/service \`65536' specified"
	refused "-p sctp -m sctp --sport 5:4" "invalid portrange (min > max)"
	refused "-p sctp -m sctp --chunk-types foo DATA" 'Match type has to be one of "ALL", "ANY" or "ONLY"'
	refused "-p sctp -m sctp --chunk-types any FOO" "Unknown sctp chunk \`FOO'"
	refused "-p sctp -m sctp --chunk-types any DATA:x" "Invalid flags for chunk type 0"
	kernel_refuses filter INPUT "-m sctp --dport 1"
}

@test "dccp: ports, types and options" {
	saves_as filter INPUT "-p dccp -m dccp --sport :" "-p dccp -m dccp --sport 0:65535"
	saves_as filter INPUT "-p dccp -m dccp ! --sport 65535 --dport 1" "-p dccp -m dccp ! --sport 65535 --dport 1"
	saves_as filter INPUT "-p dccp -m dccp ! --dccp-option 5 --dccp-types ack,REQUEST" "-p dccp -m dccp --dccp-types REQUEST,ACK ! --dccp-option 5"
	saves_as filter INPUT "-p dccp -m dccp --dccp-types DATA,INVALID" "-p dccp -m dccp --dccp-types DATA,INVALID"
	listed_as filter OUTPUT "-p dccp -m dccp --dccp-types DATA,INVALID" "dccp 2,10,11,12,13,14,15"
	listed_as filter OUTPUT "-p dccp -m dccp --sport 1:1023 --dccp-option 8" "dccp spts:1:1023 option=8"
}

@test "dccp: errors" {
	refused "-p dccp -m dccp --sport 4:3" "invalid portrange"
	refused "-p dccp -m dccp --sport x" 'Port "x" does not resolve to anything.'
	refused "-p dccp -m dccp --dport 1:2:3" 'dccp: Too many components for option "--dport" (max: 2)'
	saves_as filter INPUT "-p dccp -m dccp --sport 65536" "-p dccp -m dccp --sport 0"
	refused "-p dccp -m dccp --dccp-types FOO" "Unknown DCCP type \`FOO'"
	refused "-p dccp -m dccp --dccp-option 0" 'dccp: bad value for option "--dccp-option", or out of range (1-255).'
	refused "-p dccp -m dccp --dccp-option 256" 'out of range (1-255)'
	kernel_refuses filter INPUT "-p udp -m dccp --sport 1"
}

@test "policy: elements and save order" {
	saves_as filter INPUT "-m policy --dir in --pol ipsec --strict --reqid 1 --spi 0x1 --proto esp --mode tunnel --tunnel-dst 10.0.0.0/8 --tunnel-src 10.0.0.0/8 --next --reqid 2" \
		"-m policy --dir in --pol ipsec --strict --reqid 1 --spi 0x1 --proto esp --mode tunnel --tunnel-dst 10.0.0.0/8 --tunnel-src 10.0.0.0/8 --next --reqid 2"
	saves_as filter INPUT "-m policy --dir in --pol ipsec ! --mode transport --tunnel-src 192.0.2.1/24 ! --proto 50" \
		"-m policy --dir in --pol ipsec ! --proto esp ! --mode transport --tunnel-src 192.0.2.1/24"
	saves_as filter INPUT "-m policy --dir in" "-m policy --dir in --pol ipsec"
	listed_as filter OUTPUT "-m policy --dir out --pol ipsec --strict --proto 51 --next --mode tunnel ! --tunnel-dst 198.51.100.0/255.255.0.255" \
		"policy match dir out pol ipsec strict [0] proto 51 [1] mode tunnel ! tunnel-dst 198.51.100.0"
}

@test "policy: errors and hooks" {
	refused "-m policy --pol ipsec" "policy match: neither --dir in nor --dir out specified"
	refused "-m policy --dir in --pol ipsec --strict" "policy match: empty policy element 0."
	refused "-m policy --dir in --pol none --strict" "policy match: policy none but --strict given"
	refused "-m policy --dir in --pol ipsec --next" 'option "--next" also requires "--strict"'
	refused "-m policy --dir in --pol ipsec --strict --reqid 1 --reqid 2" "policy match: double --reqid option"
	refused "-m policy --dir in --pol ipsec --proto tcp" "policy match: protocol must be ah/esp/ipcomp"
	refused "-m policy --dir up" 'policy_match: invalid dir "up"'
	refused "-m policy --dir in --pol foo" 'policy match: invalid policy "foo"'
	refused "-m policy --dir in --mode foo" 'policy match: invalid mode "foo"'
	refused "-m policy --dir in --tunnel-src 192.0.2.1" "is only valid in tunnel mode"
	refused "-m policy --dir in --mode tunnel --tunnel-dst 192.0.2.300" "getaddrinfo: Name or service not known"
	refused "-m policy --dir in --strict --reqid 1 --next --reqid 2 --next --spi 3 --next --proto ah --next --mode tunnel" "maximum policy depth reached"
	kernel_refuses filter INPUT "-m policy --dir out --pol ipsec"
	kernel_refuses filter OUTPUT "-m policy --dir in --pol ipsec"
}

@test "realm: values, masks and hooks" {
	saves_as filter INPUT "-m realm --realm 0x1/0x2a" "-m realm --realm 0x1/0x2a"
	saves_as filter INPUT "-m realm ! --realm 5" "-m realm ! --realm 0x5"
	listed_as filter OUTPUT "-m realm --realm 1/0xffffffff" "realm 0x1"
	refused "-m realm" 'realm: option "--realm" must be specified'
	refused "-m realm --realm 5/x" 'realm: bad integer value for option "--realm", or out of range.'
	refused "-m realm --realm 4294967296" 'realm: could not map name 4294967296 to an integer value for option "--realm".'
	kernel_refuses mangle PREROUTING "-m realm --realm 1"
}

@test "rpfilter: flags, tables and hooks" {
	saves_as mangle PREROUTING "-m rpfilter --invert --loose" "-m rpfilter --loose --invert"
	listed_as raw PREROUTING "-m rpfilter --loose --validmark --accept-local --invert" "rpfilter loose validmark accept-local invert"
	refused "-m rpfilter ! --loose" 'rpfilter: option "--loose" cannot be inverted.'
	kernel_refuses filter INPUT "-m rpfilter"
	kernel_refuses mangle OUTPUT "-m rpfilter"
}

@test "cgroup: path or class id" {
	saves_as mangle OUTPUT "-m cgroup ! --path /" '-m cgroup ! --path "/"'
	saves_as mangle OUTPUT "-m cgroup --path system.slice" '-m cgroup --path "system.slice"'
	saves_as mangle OUTPUT "-m cgroup --path user-1" '-m cgroup --path user-1'
	saves_as mangle INPUT "-m cgroup --cgroup 1" "-m cgroup --cgroup 1"
	listed_as mangle POSTROUTING "-m cgroup ! --cgroup 7" "cgroup ! 7"
	refused "-m cgroup --cgroup x" 'cgroup: bad value for option "--cgroup", or out of range (0-4294967295).'
	kernel_refuses mangle OUTPUT "-m cgroup"
	kernel_refuses mangle OUTPUT "-m cgroup --cgroup 1 --path /"
	kernel_refuses mangle PREROUTING "-m cgroup --cgroup 1"
}

@test "cpu" {
	saves_as filter INPUT "-m cpu ! --cpu 4294967295" "-m cpu ! --cpu 4294967295"
	listed_as filter OUTPUT "-m cpu ! --cpu 3" "cpu ! 3"
	refused "-m cpu" 'cpu: option "--cpu" must be specified'
	refused "-m cpu --cpu 4294967296" 'cpu: bad value for option "--cpu", or out of range (0-4294967295).'
}

@test "socket: flags and hooks" {
	saves_as mangle PREROUTING "-m socket" "-m socket"
	saves_as mangle PREROUTING "-m socket --restore-skmark --transparent" "-m socket --transparent --restore-skmark"
	listed_as filter INPUT "-m socket --nowildcard" "socket --nowildcard"
	refused "-m socket ! --transparent" 'socket: option "--transparent" cannot be inverted.'
	kernel_refuses mangle OUTPUT "-m socket"
}

@test "bpf: bytecode" {
	saves_as filter INPUT '-m bpf --bytecode "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0"' \
		'-m bpf --bytecode "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0"'
	saves_as filter INPUT '-m bpf --bytecode "1, 6 0 0 0 junk"' '-m bpf --bytecode "1,6 0 0 0"'
	# -L ends the program with a NUL byte, as iptables does.
	uiptables -A OUTPUT -m bpf --bytecode "1,6 0 0 1"
	run sh -c "uiptables -L OUTPUT -n | tail -1 | od -An -tx1 | tr -d ' \n'"
	# ..." match bpf 6 0 0 1" NUL newline
	assert_output --regexp '6d61746368206270662036203020302031000a$'
	refused '-m bpf --bytecode x' "bpf: error parsing program length"
	refused '-m bpf --bytecode "0,"' "bpf: illegal zero length program"
	refused '-m bpf --bytecode "65,6 0 0 0"' "bpf: number of instructions exceeds maximum"
	refused '-m bpf --bytecode "2,6 0 0 0"' "bpf: parsed program length is less than the encoded length parameter"
	refused '-m bpf --bytecode "1,6 0 0 0,6 0 0 0"' "bpf: real program length exceeds the encoded length parameter"
	refused '-m bpf --bytecode "1,0x6 0 0 0"' "bpf: error at instr 0"
	refused '-m bpf' "bpf: one of --bytecode or --pinned is required"
	# The kernel's program check: jumps in range, a return at the end.
	kernel_refuses filter INPUT '-m bpf --bytecode "1,21 0 1 6"'
	kernel_refuses filter INPUT '-m bpf --bytecode "1,7 0 0 0"'
	kernel_refuses filter INPUT '-m bpf --bytecode "2,96 0 0 3,6 0 0 0"'
}

@test "cluster" {
	saves_as mangle PREROUTING "-m cluster --cluster-total-nodes 2 --cluster-local-node 2 --cluster-hash-seed 0xfeedcafe" \
		"-m cluster --cluster-local-nodemask 0x00000002 --cluster-total-nodes 2 --cluster-hash-seed 0xfeedcafe"
	listed_as mangle FORWARD "-m cluster --cluster-total-nodes 4 ! --cluster-local-nodemask 3 --cluster-hash-seed 1" \
		"cluster !node_mask=0x00000003 total_nodes=4 hash_seed=0x00000001"
	refused "-m cluster" "cluster match: \`--cluster-local-node' or\`--cluster-local-nodemask' is missing"
	refused "-m cluster --cluster-total-nodes 2 --cluster-local-node 1" 'option "--cluster-hash-seed" must be specified'
	refused "-m cluster --cluster-total-nodes 2 --cluster-local-node 3 --cluster-hash-seed 1" "\`--cluster-local-node' must be <= \`--cluster-total-nodes'"
	refused "-m cluster --cluster-total-nodes 40 --cluster-local-node 1 --cluster-hash-seed 1" "or out of range (1-32)"
}

@test "devgroup" {
	saves_as filter FORWARD "-m devgroup ! --src-group 0x2/0xf ! --dst-group 16" "-m devgroup ! --src-group 0x2/0xf ! --dst-group 0x10"
	listed_as filter INPUT "-m devgroup --src-group 1" "src-group 0x1"
	refused "-m devgroup" "devgroup match: You must specify either '--src-group' or '--dst-group'"
	refused "-m devgroup --src-group 1/x" 'devgroup: bad integer value for option "--src-group", or out of range.'
	kernel_refuses filter OUTPUT "-m devgroup --src-group 1"
	kernel_refuses filter INPUT "-m devgroup --dst-group 1"
}

@test "osf" {
	saves_as filter INPUT "-p tcp -m osf --genre linux --ttl 0 --log 0" "-p tcp -m osf --genre linux --ttl 0 --log 0"
	listed_as filter FORWARD "-p tcp -m osf ! --genre Windows" "OS fingerprint match ! Windows"
	refused "-p tcp -m osf --genre linux --ttl 3" 'osf: bad value for option "--ttl", or out of range (0-2).'
	saves_as filter INPUT "-p tcp -m osf --genre 0123456789abcdef0123456789abcdefXYZ" "-p tcp -m osf --genre 0123456789abcdef0123456789abcde"
	kernel_refuses filter INPUT "-m osf --genre linux"
	kernel_refuses filter OUTPUT "-p tcp -m osf --genre linux"
}

@test "ipvs" {
	saves_as filter INPUT "-m ipvs ! --vproto TCP" "-m ipvs ! --vproto 6"
	saves_as filter INPUT "-m ipvs ! --vaddr 1.2.3.4/255.255.255.0" "-m ipvs ! --vaddr 1.2.3.4/24"
	saves_as filter INPUT "-m ipvs --vproto 6 --vaddr 1.2.3.4/16 --vport http --vdir REPLY ! --vmethod IPIP ! --vportctl 21" \
		"-m ipvs --vproto 6 --vaddr 1.2.3.4/16 --vport 80 --vdir REPLY ! --vmethod IPIP ! --vportctl 21"
	saves_as filter INPUT "-m ipvs ! --ipvs" "-m ipvs ! --ipvs"
	refused "-m ipvs --vdir foo" 'ipvs: Bad value for "--vdir" option: "foo"'
	refused "-m ipvs --vmethod foo" 'ipvs: Bad value for "--vmethod" option: "foo"'
	refused "-m ipvs ! --vdir REPLY" 'ipvs: option "--vdir" cannot be inverted.'
}

@test "nfacct: refused while its accounting object does not exist" {
	refused "-m nfacct" 'nfacct: option "--nfacct-name" must be specified'
	run uiptables -A INPUT -m nfacct --nfacct-name test
	assert_failure 1
	assert_output "iptables: No chain/target/match by that name."
}

@test "rateest" {
	saves_as filter INPUT "-m rateest --rateest RE1 --rateest-gt --rateest-bps 5kbit" \
		"-m rateest --rateest RE1 --rateest-gt --rateest-bps 5000bit"
	saves_as filter INPUT "-m rateest --rateest1 RE1 ! --rateest-lt --rateest-bps --rateest2 RE2" \
		"-m rateest --rateest1 RE1 ! --rateest-lt --rateest-bps --rateest2 RE2"
	saves_as filter INPUT "-m rateest --rateest-delta --rateest RE1 --rateest-pps1 8 --rateest-gt --rateest-pps2 9 --rateest-bps 3mbit" \
		"-m rateest --rateest-delta --rateest RE1 --rateest-bps1 0bit --rateest-gt --rateest-bps2 3000Kbit --rateest-pps1 8 --rateest-gt --rateest-pps2 9"
	listed_as filter OUTPUT "-m rateest --rateest RE1 --rateest-gt --rateest-bps 5000000kbit" "rateest match RE1 bps 625000000 gt"
	refused "-m rateest --rateest RE1 --rateest-lt --rateest-bps 8furlongs" "rateest: could not parse rate \`8furlongs'"
	refused "-m rateest ! --rateest RE1" "rateest: rateest can't be inverted"
	refused "-m rateest --rateest RE1 --rateest1 RE2" "rateest: can't specify --rateest1 twice"
	kernel_refuses filter INPUT "-m rateest --rateest RE1 --rateest-bps 1"
}

@test "l2tp" {
	saves_as filter INPUT "-p udp -m l2tp --tunnel-id 5" "-p udp -m l2tp --tid 5"
	listed_as filter INPUT "-p udp -m l2tp --pversion 2 --type data --session-id 7" "l2tp: sid 7 pversion 2 type data"
	refused "-p udp -m l2tp --type foo --sid 1" "l2tp match: type must be data or control"
	kernel_refuses filter INPUT "-m l2tp --tid 5"
	kernel_refuses filter INPUT "-p udp -m l2tp --pversion 2 --tid 70000"
	kernel_refuses filter INPUT "-p udp -m l2tp --type data"
}
