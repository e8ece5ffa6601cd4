#!/usr/bin/env bats
# Extension batch B: parse, -S/save, -L and errors, as iptables 1.8.11
# (legacy) shows them; the expected text was checked against iptables-legacy.
# Generated from a rule list, then kept by hand.

load helpers

setup() {
	fresh_state
}

# Each line, tab-separated: TABLE CHAIN, ARGS, SAVED, LISTED (LISTED: -L -n after the columns).
check_rules() {
	local spec args saved listed table chain got line n=0
	while IFS=$'	' read -r spec args saved listed; do
		[ -n "$spec" ] || continue
		read -r table chain <<<"$spec"
		fresh_state
		eval "uiptables -t $table -A $chain $args" || { echo "cannot add: $args"; return 1; }
		got=$(uiptables -t "$table" -S "$chain" | tail -n 1)
		[ "$got" = "-A $chain $saved" ] || { echo "save of '$args': got '$got', want '-A $chain $saved'"; return 1; }
		line=$(uiptables -t "$table" -L "$chain" -n | tail -n 1)
		got=${line#*0.0.0.0/0            0.0.0.0/0           }
		[ "$got" = "$listed" ] || { echo "-L of '$args': got '$got', want '$listed'"; return 1; }
		eval "uiptables -t $table -C $chain $args" || { echo "cannot check: $args"; return 1; }
		eval "uiptables -t $table -D $chain $args" || { echo "cannot delete: $args"; return 1; }
		n=$((n + 1))
	done
	echo "$n rules"
	[ "$n" -gt 0 ]
}

# Each line, tab-separated: TABLE CHAIN, STATUS, ARGS, MESSAGE (the first line of stderr,
# without the "iptables v1.8.11 (legacy): " prefix).
check_errors() {
	local spec want args msg table chain n=0
	while IFS=$'	' read -r spec want args msg; do
		[ -n "$spec" ] || continue
		read -r table chain <<<"$spec"
		fresh_state
		run eval "uiptables -t $table -A $chain $args" </dev/null
		[ "$status" = "$want" ] || { echo "'$args': exit $status, want $want"; return 1; }
		[ "${lines[0]#iptables v1.8.11 (legacy): }" = "$msg" ] ||
			{ echo "'$args': got '${lines[0]}', want '$msg'"; return 1; }
		n=$((n + 1))
	done
	echo "$n errors"
	[ "$n" -gt 0 ]
}

@test "multiport: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-p tcp -m multiport --sports 53,1024:65535	-p tcp -m multiport --sports 53,1024:65535	 multiport sports 53,1024:65535
filter INPUT	-p udp -m multiport ! --dports 53,1024:65535	-p udp -m multiport ! --dports 53,1024:65535	 multiport dports  !53,1024:65535
filter FORWARD	-p tcp -m multiport --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15	-p tcp -m multiport --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15	 multiport ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15
filter OUTPUT	-p sctp -m multiport --destination-ports 5000:5010,80	-p sctp -m multiport --dports 5000:5010,80	 multiport dports 5000:5010,80
filter INPUT	-p dccp -m multiport --source-ports 9	-p dccp -m multiport --sports 9	 multiport sports 9
filter INPUT	-p udplite -m multiport ! --ports 7,9	-p udplite -m multiport ! --ports 7,9	 multiport ports  !7,9
filter INPUT	-p tcp -m multiport --dports ssh,http:https -j ACCEPT	-p tcp -m multiport --dports 22,80:443 -j ACCEPT	 multiport dports 22,80:443
EOF
}

@test "multiport: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m multiport --ports 22,80	multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'
filter INPUT	2	-p icmp -m multiport --ports 22,80	multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP
filter INPUT	2	! -p tcp -m multiport --ports 22,80	multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP
filter INPUT	2	-p tcp -m multiport --ports 22:22	invalid portrange specified
filter INPUT	2	-p tcp -m multiport --ports 23:22	invalid portrange specified
filter INPUT	2	-p tcp -m multiport	multiport expection an option
filter INPUT	2	-p tcp -m multiport --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16	too many ports specified
filter INPUT	2	-p tcp -m multiport --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16	too many ports specified
filter INPUT	2	-p tcp -m multiport --ports foo	invalid port/service `foo' specified
filter INPUT	2	-p tcp -m multiport --ports 1,	invalid port/service `' specified
filter INPUT	2	-p tcp -m multiport --sports 1024:65536	invalid port/service `65536' specified
filter INPUT	2	-p tcp -m multiport --ports 1 --ports 2	multiport: option "--ports" can only be used once.
filter INPUT	2	-p tcp --multiport	unknown option "--multiport"
EOF
}

@test "iprange: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m iprange --src-range 192.0.2.1-192.0.2.10	-m iprange --src-range 192.0.2.1-192.0.2.10	 source IP range 192.0.2.1-192.0.2.10
filter INPUT	-m iprange ! --src-range 192.0.2.1-192.0.2.10 ! --dst-range 198.51.100.1-198.51.100.9	-m iprange ! --src-range 192.0.2.1-192.0.2.10 ! --dst-range 198.51.100.1-198.51.100.9	 source IP range ! 192.0.2.1-192.0.2.10 destination IP range ! 198.51.100.1-198.51.100.9
filter OUTPUT	-m iprange --dst-range 203.0.113.5 --src-range 192.0.2.0-192.0.2.255 -j DROP	-m iprange --src-range 192.0.2.0-192.0.2.255 --dst-range 203.0.113.5-203.0.113.5 -j DROP	 source IP range 192.0.2.0-192.0.2.255 destination IP range 203.0.113.5-203.0.113.5
EOF
}

@test "iprange: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m iprange	iprange match: You must specify `--src-range' or `--dst-range'
filter INPUT	2	-m iprange --src-range 192.0.2.10-	iprange: Bad value for "--src-range" option: ""
filter INPUT	2	-m iprange --dst-range 192.0.2.0/24	iprange: Bad value for "--dst-range" option: "192.0.2.0/24"
filter INPUT	2	-m iprange --src-range 192.0.2.1 --src-range 192.0.2.2	iprange: option "--src-range" can only be used once.
EOF
}

@test "addrtype: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m addrtype --src-type UNSPEC	-m addrtype --src-type UNSPEC	 ADDRTYPE match src-type UNSPEC
filter INPUT	-m addrtype --src-type local,UNICAST ! --dst-type BROADCAST	-m addrtype --src-type UNICAST,LOCAL ! --dst-type BROADCAST	 ADDRTYPE match src-type UNICAST,LOCAL dst-type !BROADCAST
filter INPUT	-m addrtype --dst-type LOCAL --limit-iface-in	-m addrtype --dst-type LOCAL --limit-iface-in	 ADDRTYPE match dst-type LOCAL limit-in
filter OUTPUT	-m addrtype ! --src-type LOCAL --limit-iface-out	-m addrtype ! --src-type LOCAL --limit-iface-out	 ADDRTYPE match src-type !LOCAL limit-out
filter FORWARD	-m addrtype --dst-type XRESOLVE,NAT,THROW,PROHIBIT,UNREACHABLE,BLACKHOLE,MULTICAST,ANYCAST	-m addrtype --dst-type ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE	 ADDRTYPE match dst-type ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE
EOF
}

@test "addrtype: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m addrtype	addrtype: you must specify --src-type or --dst-type
filter INPUT	2	-m addrtype --src-type wrong	addrtype: bad type "wrong"
filter INPUT	2	-m addrtype --dst-type LOCAL,	addrtype: bad type ""
filter INPUT	2	-m addrtype --limit-iface-in	addrtype: you must specify --src-type or --dst-type
filter INPUT	2	-m addrtype --src-type LOCAL --limit-iface-in --limit-iface-out	addrtype: option "--limit-iface-in" cannot be used together with "--limit-iface-out".
filter INPUT	1	-m addrtype --src-type LOCAL --limit-iface-out	iptables: Invalid argument. Run `dmesg' for more information.
filter OUTPUT	1	-m addrtype --src-type LOCAL --limit-iface-in	iptables: Invalid argument. Run `dmesg' for more information.
nat PREROUTING	1	-m addrtype --src-type LOCAL --limit-iface-out	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "length: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m length --length 1	-m length --length 1	 length 1
filter INPUT	-m length --length :2	-m length --length 0:2	 length 0:2
filter INPUT	-m length --length 4:	-m length --length 4:65535	 length 4:65535
filter INPUT	-m length --length :	-m length --length 0:65535	 length 0:65535
filter INPUT	-m length ! --length 0:65535	-m length ! --length 0:65535	 length !0:65535
filter INPUT	-m length --length 4:4	-m length --length 4	 length 4
EOF
}

@test "length: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m length	length: option "--length" must be specified
filter INPUT	2	-m length --length 4:3	length: invalid range given
EOF
}

@test "ttl: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m ttl --ttl-eq 0	-m ttl --ttl-eq 0	 TTL match TTL == 0
filter INPUT	-m ttl ! --ttl-eq 255	-m ttl ! --ttl-eq 255	 TTL match TTL != 255
filter INPUT	-m ttl --ttl-lt 10	-m ttl --ttl-lt 10	 TTL match TTL < 10
filter INPUT	-m ttl --ttl-gt 0	-m ttl --ttl-gt 0	 TTL match TTL > 0
EOF
}

@test "ttl: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m ttl	TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt
filter INPUT	2	-m ttl --ttl-eq 256	ttl: bad value for option "--ttl-eq", or out of range (0-255).
filter INPUT	2	-m ttl --ttl-eq -1	ttl: bad value for option "--ttl-eq", or out of range (0-255).
filter INPUT	2	-m ttl ! --ttl-lt 5	ttl: option "--ttl-lt" cannot be inverted.
EOF
}

@test "TTL: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle PREROUTING	-j TTL --ttl-set 42	-j TTL --ttl-set 42	 TTL set to 42
mangle FORWARD	-j TTL --ttl-inc 1	-j TTL --ttl-inc 1	 TTL increment by 1
mangle POSTROUTING	-j TTL --ttl-dec 255	-j TTL --ttl-dec 255	 TTL decrement by 255
EOF
}

@test "TTL: refused as iptables refuses" {
	check_errors <<'EOF'
mangle PREROUTING	2	-j TTL	TTL: You must specify an action
mangle PREROUTING	2	-j TTL --ttl-set 256	TTL: bad value for option "--ttl-set", or out of range (0-255).
mangle PREROUTING	2	-j TTL --ttl-inc 0	TTL: bad value for option "--ttl-inc", or out of range (1-255).
mangle PREROUTING	2	-j TTL --ttl-dec 0	TTL: bad value for option "--ttl-dec", or out of range (1-255).
mangle PREROUTING	2	-j TTL --ttl-dec 1 --ttl-inc 1	TTL: option "--ttl-dec" cannot be used together with "--ttl-inc".
filter INPUT	1	-j TTL --ttl-set 1	iptables: Invalid argument. Run `dmesg' for more information.
raw PREROUTING	1	-j TTL --ttl-set 1	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "tos: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m tos --tos Minimize-Delay	-m tos --tos 0x10/0x3f	 tos match0x10/0x3f
filter INPUT	-m tos ! --tos normal-service	-m tos ! --tos 0x00/0x3f	 tos match!0x00/0x3f
filter INPUT	-m tos --tos 0xff	-m tos --tos 0xff/0xff	 tos match0xff/0xff
filter INPUT	-m tos --tos 0x0f/0x0f	-m tos --tos 0x0f/0x0f	 tos match0x0f/0x0f
filter INPUT	-m tos --tos 0x10/0x3f	-m tos --tos 0x10/0x3f	 tos match0x10/0x3f
EOF
}

@test "tos: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m tos	tos: option "--tos" must be specified
filter INPUT	2	-m tos --tos wrong	Symbolic name "wrong" is unknown
filter INPUT	2	-m tos --tos 0x100	Symbolic name "0x100" is unknown
filter INPUT	2	-m tos --tos 16x	Illegal value: "16x"
filter INPUT	2	-m tos --tos 0x10/0x100	Illegal value: "0x10/0x100"
EOF
}

@test "TOS: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle PREROUTING	-j TOS --set-tos 0x1f	-j TOS --set-tos 0x1f/0xff	 TOS set 0x1f/0xff
mangle PREROUTING	-j TOS --set-tos 0x1f/0x1f	-j TOS --set-tos 0x1f/0x1f	 TOS set 0x1f/0x1f
mangle PREROUTING	-j TOS --set-tos Maximize-Reliability	-j TOS --set-tos 0x04/0x3f	 TOS set 0x04/0x3f
mangle INPUT	-j TOS --and-tos 0x12	-j TOS --set-tos 0x00/0xed	 TOS set 0x00/0xed
mangle OUTPUT	-j TOS --or-tos 0x12	-j TOS --set-tos 0x12/0x12	 TOS set 0x12/0x12
mangle POSTROUTING	-j TOS --xor-tos 0x12	-j TOS --set-tos 0x12/0x00	 TOS set 0x12/0x00
mangle POSTROUTING	-j TOS --set-tos 0x00/0x00	-j TOS --set-tos 0x00/0x00	 TOS set 0x00/0x00
EOF
}

@test "TOS: refused as iptables refuses" {
	check_errors <<'EOF'
mangle PREROUTING	2	-j TOS	TOS: An action is required
mangle PREROUTING	2	-j TOS --set-tos wrong	Symbolic name "wrong" is unknown
mangle PREROUTING	2	-j TOS --and-tos 1 --or-tos 2	TOS: option "--and-tos" cannot be used together with "--or-tos".
filter INPUT	1	-j TOS --set-tos 1	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "dscp: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m dscp --dscp 0x00	-m dscp --dscp 0x00	 DSCP match 0x00
filter INPUT	-m dscp ! --dscp 63	-m dscp ! --dscp 0x3f	 DSCP match !0x3f
filter INPUT	-m dscp --dscp-class EF	-m dscp --dscp 0x2e	 DSCP match 0x2e
filter INPUT	-m dscp ! --dscp-class af41	-m dscp ! --dscp 0x22	 DSCP match !0x22
EOF
}

@test "dscp: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m dscp	DSCP match: Parameter --dscp is required
filter INPUT	2	-m dscp --dscp 0x40	dscp: bad value for option "--dscp", or out of range (0-63).
filter INPUT	2	-m dscp --dscp 1 --dscp-class CS0	dscp: option "--dscp" cannot be used together with "--dscp-class".
filter INPUT	2	-m dscp --dscp-class XX	Invalid DSCP value `XX'
EOF
}

@test "DSCP: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle PREROUTING	-j DSCP --set-dscp 0x3f	-j DSCP --set-dscp 0x3f	 DSCP set 0x3f
mangle POSTROUTING	-j DSCP --set-dscp-class BE	-j DSCP --set-dscp 0x00	 DSCP set 0x00
mangle FORWARD	-j DSCP --set-dscp-class AF41	-j DSCP --set-dscp 0x22	 DSCP set 0x22
EOF
}

@test "DSCP: refused as iptables refuses" {
	check_errors <<'EOF'
mangle PREROUTING	2	-j DSCP	DSCP target: Parameter --set-dscp is required
mangle PREROUTING	2	-j DSCP --set-dscp 0x40	DSCP: bad value for option "--set-dscp", or out of range (0-63).
mangle PREROUTING	2	-j DSCP --set-dscp 1 --set-dscp-class EF	DSCP: option "--set-dscp" cannot be used together with "--set-dscp-class".
filter INPUT	1	-j DSCP --set-dscp 1	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "ecn: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-p tcp -m ecn --ecn-tcp-cwr	-p tcp -m ecn --ecn-tcp-cwr	 ECN match CWR
filter INPUT	-p tcp -m ecn --ecn-tcp-ece --ecn-tcp-cwr --ecn-ip-ect 2	-p tcp -m ecn --ecn-tcp-ece --ecn-tcp-cwr --ecn-ip-ect 2	 ECN match ECE CWR ECT=2
filter INPUT	-p tcp -m ecn ! --ecn-tcp-ece ! --ecn-tcp-cwr ! --ecn-ip-ect 2	-p tcp -m ecn ! --ecn-tcp-ece ! --ecn-tcp-cwr ! --ecn-ip-ect 2	 ECN match !ECE !CWR !ECT=2
filter INPUT	-m ecn --ecn-ip-ect 3	-m ecn --ecn-ip-ect 3	 ECN match ECT=3
EOF
}

@test "ecn: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m ecn	ECN match: some option required
filter INPUT	2	-m ecn --ecn-ip-ect 4	ecn: bad value for option "--ecn-ip-ect", or out of range (0-3).
filter INPUT	1	-m ecn --ecn-tcp-cwr	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	1	-p udp -m ecn --ecn-tcp-ece	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	1	! -p tcp -m ecn --ecn-tcp-ece	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "ECN: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle FORWARD	-p tcp -j ECN --ecn-tcp-remove	-p tcp -j ECN --ecn-tcp-remove	 ECN TCP remove
mangle FORWARD	-p tcp -j ECN --ecn-tcp-cwr 0 --ecn-tcp-ece 0	-p tcp -j ECN --ecn-tcp-remove	 ECN TCP remove
mangle POSTROUTING	-p tcp -j ECN --ecn-tcp-cwr 1 --ecn-tcp-ece 0 --ecn-ip-ect 3	-p tcp -j ECN --ecn-tcp-ece 0 --ecn-tcp-cwr 1 --ecn-ip-ect 3	 ECN ECE=0 CWR=1 ECT codepoint=3
mangle PREROUTING	-j ECN --ecn-ip-ect 1	-j ECN --ecn-ip-ect 1	 ECN ECT codepoint=1
EOF
}

@test "ECN: refused as iptables refuses" {
	check_errors <<'EOF'
mangle FORWARD	2	-j ECN	ECN target: An operation is required
mangle FORWARD	2	-p tcp -j ECN	ECN target: An operation is required
mangle FORWARD	1	-j ECN --ecn-tcp-remove	iptables: Invalid argument. Run `dmesg' for more information.
mangle FORWARD	2	-p tcp -j ECN --ecn-tcp-cwr 2	ECN: bad value for option "--ecn-tcp-cwr", or out of range (0-1).
mangle FORWARD	2	-p tcp -j ECN --ecn-tcp-remove --ecn-tcp-cwr 1	ECN: option "--ecn-tcp-remove" cannot be used together with "--ecn-tcp-cwr".
filter FORWARD	1	-p tcp -j ECN --ecn-tcp-remove	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "mac: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m mac --mac-source 42:01:02:03:04:05	-m mac --mac-source 42:01:02:03:04:05	 MAC 42:01:02:03:04:05
filter FORWARD	-m mac ! --mac-source 42:1:2:3:4:aB	-m mac ! --mac-source 42:01:02:03:04:ab	 MAC ! 42:01:02:03:04:ab
raw PREROUTING	-m mac --mac-source 02:00:00:00:00:01	-m mac --mac-source 02:00:00:00:00:01	 MAC 02:00:00:00:00:01
EOF
}

@test "mac: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m mac	mac: option "--mac-source" must be specified
filter INPUT	2	-m mac --mac-source 42:01:02:03:04	Invalid MAC address specified.
filter INPUT	2	-m mac --mac-source 42:01:02:03:04:05:06	Invalid MAC address specified.
filter INPUT	2	-m mac --mac-source 42:001:02:03:04:05	Invalid MAC address specified.
filter OUTPUT	1	-m mac --mac-source 42:01:02:03:04:05	iptables: Invalid argument. Run `dmesg' for more information.
nat POSTROUTING	1	-m mac --mac-source 42:01:02:03:04:05	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "pkttype: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m pkttype --pkt-type unicast	-m pkttype --pkt-type unicast	 PKTTYPE = unicast
filter INPUT	-m pkttype ! --pkt-type broadcast	-m pkttype ! --pkt-type broadcast	 PKTTYPE != broadcast
filter INPUT	-m pkttype --pkt-type Multicast	-m pkttype --pkt-type multicast	 PKTTYPE = multicast
filter INPUT	-m pkttype --pkt-type host	-m pkttype --pkt-type unicast	 PKTTYPE = unicast
filter FORWARD	-m pkttype --pkt-type otherhost	-m pkttype --pkt-type otherhost	 PKTTYPE = otherhost
EOF
}

@test "pkttype: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m pkttype	pkttype: option "--pkt-type" must be specified
filter INPUT	2	-m pkttype --pkt-type wrong	Bad packet type 'wrong'
filter INPUT	2	-m pkttype --pkt-type outgoing	Bad packet type 'outgoing'
EOF
}

@test "physdev: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m physdev --physdev-in lo	-m physdev --physdev-in lo	 PHYSDEV match --physdev-in lo
filter INPUT	-m physdev --physdev-is-in --physdev-in lo	-m physdev --physdev-is-in --physdev-in lo	 PHYSDEV match --physdev-is-in --physdev-in lo
filter FORWARD	-m physdev ! --physdev-is-in ! --physdev-in eth+ ! --physdev-out lo ! --physdev-is-out ! --physdev-is-bridged	-m physdev ! --physdev-is-in ! --physdev-in eth+ ! --physdev-is-out ! --physdev-out lo ! --physdev-is-bridged	 PHYSDEV match ! --physdev-is-in ! --physdev-in eth+ ! --physdev-is-out ! --physdev-out lo ! --physdev-is-bridged
mangle POSTROUTING	-m physdev --physdev-out lo --physdev-is-bridged	-m physdev --physdev-out lo --physdev-is-bridged	 PHYSDEV match --physdev-out lo --physdev-is-bridged
filter OUTPUT	-m physdev --physdev-is-out --physdev-is-bridged	-m physdev --physdev-is-out --physdev-is-bridged	 PHYSDEV match --physdev-is-out --physdev-is-bridged
filter FORWARD	-m physdev --physdev-out eth2	-m physdev --physdev-out eth2	 PHYSDEV match --physdev-out eth2
mangle POSTROUTING	-m physdev ! --physdev-is-out	-m physdev ! --physdev-is-out	 PHYSDEV match ! --physdev-is-out
EOF
}

@test "physdev: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m physdev	PHYSDEV: no physdev option specified
filter OUTPUT	1	-m physdev --physdev-out lo	iptables: Invalid argument. Run `dmesg' for more information.
filter OUTPUT	1	-m physdev --physdev-is-out ! --physdev-is-bridged	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	2	-m physdev --physdev-in 0123456789abcdef	interface name `0123456789abcdef' must be shorter than IFNAMSIZ (15)
EOF
}

@test "owner: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle OUTPUT	-m owner --uid-owner 0	-m owner --uid-owner 0	 owner UID match 0
mangle POSTROUTING	-m owner --uid-owner 0-10 --gid-owner 0-10	-m owner --uid-owner 0-10 --gid-owner 0-10	 owner UID match 0-10 owner GID match 0-10
filter OUTPUT	-m owner ! --uid-owner 1:99	-m owner ! --uid-owner 1-99	 ! owner UID match 1-99
filter OUTPUT	-m owner --socket-exists	-m owner --socket-exists	 owner socket exists
filter OUTPUT	-m owner --gid-owner 0-10 --suppl-groups	-m owner --gid-owner 0-10 --suppl-groups	 owner GID match 0-10 incl. suppl. groups
filter OUTPUT	-m owner --uid-owner 4294967294 ! --socket-exists ! --gid-owner 5	-m owner ! --socket-exists --uid-owner 4294967294 ! --gid-owner 5	 ! owner socket exists owner UID match 4294967294 ! owner GID match 5
EOF
}

@test "owner: refused as iptables refuses" {
	check_errors <<'EOF'
filter OUTPUT	2	-m owner	owner: At least one of --uid-owner, --gid-owner or --socket-exists is required
filter OUTPUT	2	-m owner --suppl-groups --gid-owner 0-10	owner: Bad value for "--suppl-groups" option: "you need to use --gid-owner first"
filter OUTPUT	2	-m owner --gid-owner 0-10 ! --suppl-groups	owner: option "--suppl-groups" cannot be inverted.
filter OUTPUT	2	-m owner --uid-owner 4294967295	owner: Bad value for "--uid-owner" option: "4294967295"
filter OUTPUT	2	-m owner --uid-owner 5-	owner: Bad value for "--uid-owner" option: "5-"
filter OUTPUT	1	-m owner --uid-owner 10-5	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	1	-m owner --uid-owner 0	iptables: Invalid argument. Run `dmesg' for more information.
mangle PREROUTING	1	-m owner --socket-exists	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

@test "time: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m time --timestart 01:02:03 --timestop 04:05:06 --monthdays 1,2,3,4,5 --weekdays Mon,Fri,Sun --datestart 2001-02-03T04:05:06 --datestop 2012-09-08T09:06:05 --kerneltz	-m time --timestart 01:02:03 --timestop 04:05:06 --monthdays 1,2,3,4,5 --weekdays Mon,Fri,Sun --datestart 2001-02-03T04:05:06 --datestop 2012-09-08T09:06:05 --kerneltz	 TIME from 01:02:03 to 04:05:06 on Mon,Fri,Sun on 1st,2nd,3rd,4th,5th starting from 2001-02-03 04:05:06 until date 2012-09-08 09:06:05
filter INPUT	-m time --timestart 02:00:00 --timestop 03:00:00 --datestart 1970-01-01T02:00:00 --datestop 1970-01-01T03:00:00	-m time --timestart 02:00:00 --timestop 03:00:00 --datestart 1970-01-01T02:00:00 --datestop 1970-01-01T03:00:00	 TIME from 02:00:00 to 03:00:00 starting from 1970-01-01 02:00:00 until date 1970-01-01 03:00:00 UTC
filter INPUT	-m time --timestart 22:00 --timestop 06:00 --contiguous --datestop 2030	-m time --timestart 22:00:00 --timestop 06:00:00 --datestop 2030-01-01T00:00:00 --contiguous	 TIME from 22:00:00 to 06:00:00 until date 2030-01-01 00:00:00 UTC contiguous
filter INPUT	-m time ! --monthdays 31,1 ! --weekdays Monday	-m time --monthdays 2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30 --weekdays Tue,Wed,Thu,Fri,Sat,Sun --datestop 2038-01-19T03:14:07	 TIME on Tue,Wed,Thu,Fri,Sat,Sun on 2nd,3rd,4th,5th,6th,7th,8th,9th,10th,11st,12nd,13rd,14th,15th,16th,17th,18th,19th,20th,21st,22nd,23rd,24th,25th,26th,27th,28th,29th,30th UTC
filter INPUT	-m time --monthdays 11,12,13,21,22,23	-m time --monthdays 11,12,13,21,22,23 --datestop 2038-01-19T03:14:07	 TIME on 11st,12nd,13rd,21st,22nd,23rd UTC
filter INPUT	-m time --datestart 2001	-m time --datestart 2001-01-01T00:00:00 --datestop 2038-01-19T03:14:07	 TIME starting from 2001-01-01 00:00:00 UTC
EOF
}

@test "time: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m time --timestart 25:00	invalid time "25:00" specified, should be hh:mm[:ss] format and within the boundaries
filter INPUT	2	-m time --timestart 01:61	invalid time "61" specified, should be hh:mm[:ss] format and within the boundaries
filter INPUT	2	-m time --weekdays 0	No, the week does NOT begin with Sunday.
filter INPUT	2	-m time --weekdays Xyz	Xyz is not a valid day specifier
filter INPUT	2	-m time --monthdays 32	32 is not a valid day for --monthdays
filter INPUT	2	-m time --datestart 1969	Invalid date "1969" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]
filter INPUT	2	-m time --datestart 2001-02-03X	Invalid date "2001-02-03X" specified. Should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]
filter INPUT	2	-m time --timestart 02:00 --timestop 04:00 --contiguous	time: --contiguous only makes sense when stoptime is smaller than starttime
filter INPUT	2	-m time --utc --kerneltz	time: option "--utc" cannot be used together with "--kerneltz".
EOF
}

@test "string: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m string --algo bm --string "test"	-m string --string "test" --algo bm	 STRING match  "test" ALGO name bm
filter INPUT	-m string ! --string "test" --algo kmp	-m string ! --string "test" --algo kmp	 STRING match ! "test" ALGO name kmp
filter INPUT	-m string --hex-string "|0a0a0a0a|" --algo bm	-m string --hex-string "|0a0a0a0a|" --algo bm	 STRING match  "|0a0a0a0a|" ALGO name bm
filter INPUT	-m string --algo bm --from 0 --to 65535 --string "test"	-m string --string "test" --algo bm	 STRING match  "test" ALGO name bm
filter INPUT	-m string --algo kmp --string "te st" --from 10 --to 100 --icase	-m string --string "te st" --algo kmp --from 10 --to 100 --icase	 STRING match  "te st" ALGO name kmp FROM 10 TO 100 ICASE
filter INPUT	-m string --algo kmp ! --hex-string "|0a 0b|ab|0c|"	-m string ! --hex-string "|0a0b61620c|" --algo kmp	 STRING match ! "|0a0b61620c|" ALGO name kmp
filter INPUT	-m string --algo kmp --string 'a"b\'	-m string --hex-string "|6122625c|" --algo kmp	 STRING match  "|6122625c|" ALGO name kmp
filter INPUT	-m string --algo bm --hex-string 'a\|b'	-m string --string "a|b" --algo bm	 STRING match  "a|b" ALGO name bm
EOF
}

@test "string: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m string	STRING match: You must specify `--string' or `--hex-string'
filter INPUT	2	-m string --algo bm	STRING match: You must specify `--string' or `--hex-string'
filter INPUT	2	-m string --string x	string: option "--algo" must be specified
filter INPUT	1	-m string --algo wrong --string x	iptables: No chain/target/match by that name.
filter INPUT	1	-m string --algo bm --string ""	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	1	-m string --algo fsm --string x	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	1	-m string --algo bm --string x --from 10 --to 5	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	2	-m string --algo bm --hex-string "|0g|"	Invalid hex char 'g'
filter INPUT	2	-m string --algo bm --hex-string "|0a0|"	Invalid hex block
filter INPUT	2	-m string --algo bm --string x --hex-string "|41|"	string: option "--string" cannot be used together with "--hex-string".
filter INPUT	2	-m string --algo bm --string xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx	STRING too long "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
EOF
}

@test "u32: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-m u32 --u32 "0x0=0x0&&0x0=0x1"	-m u32 --u32 "0x0=0x0&&0x0=0x1"	 u32 "0x0=0x0&&0x0=0x1"
filter INPUT	-m u32 ! --u32 "6 & 0xFF = 1 && 4 & 0x3FFF = 0 && 0 >> 22 & 0x3C @ 0 >> 16 = 0x12:0x15,3"	-m u32 ! --u32 "0x6&0xff=0x1&&0x4&0x3fff=0x0&&0x0>>0x16&0x3c@0x0>>0x10=0x12:0x15,0x3"	 u32 ! "0x6&0xff=0x1&&0x4&0x3fff=0x0&&0x0>>0x16&0x3c@0x0>>0x10=0x12:0x15,0x3"
filter INPUT	-m u32 --u32 "0=1:2,3&&4<<2@5>>1=6"	-m u32 --u32 "0x0=0x1:0x2,0x3&&0x4<<0x2@0x5>>0x1=0x6"	 u32 "0x0=0x1:0x2,0x3&&0x4<<0x2@0x5>>0x1=0x6"
EOF
}

@test "u32: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	2	-m u32	u32: option "--u32" must be specified
filter INPUT	2	-m u32 --u32 "0"	u32: abrupt end of input after location specifier
filter INPUT	2	-m u32 --u32 "=1"	u32: at char 0: location spec missing
filter INPUT	2	-m u32 --u32 "0<2=1"	u32: at char 2: a second '<' was expected
filter INPUT	2	-m u32 --u32 "0=x"	u32: at char 2: not a number or out of range
filter INPUT	2	-m u32 --u32 "0=1 2"	u32: at char 4: expected "," or "&&"
filter INPUT	2	-m u32 --u32 "0=1,2,3,4,5,6,7,8,9,10,11"	u32: at char 25: too many ","s
filter INPUT	2	-m u32 --u32 "0&1&2&3&4&5&6&7&8&9&10=1"	u32: at char 22: too many operators
EOF
}

@test "tcpmss: saved and listed as iptables does" {
	check_rules <<'EOF'
filter INPUT	-p tcp -m tcpmss --mss 42	-p tcp -m tcpmss --mss 42	 tcpmss match 42
filter INPUT	-p tcp -m tcpmss --mss :	-p tcp -m tcpmss --mss 0:65535	 tcpmss match 0:65535
filter INPUT	-p tcp -m tcpmss --mss :42	-p tcp -m tcpmss --mss 0:42	 tcpmss match 0:42
filter INPUT	-p tcp -m tcpmss --mss 42:	-p tcp -m tcpmss --mss 42:65535	 tcpmss match 42:65535
filter INPUT	-p tcp -m tcpmss --mss 42:42	-p tcp -m tcpmss --mss 42	 tcpmss match 42
filter INPUT	-p tcp -m tcpmss ! --mss 42:12345	-p tcp -m tcpmss ! --mss 42:12345	 tcpmss match !42:12345
EOF
}

@test "tcpmss: refused as iptables refuses" {
	check_errors <<'EOF'
filter INPUT	1	-m tcpmss --mss 42	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	1	-p udp -m tcpmss --mss 42	iptables: Invalid argument. Run `dmesg' for more information.
filter INPUT	2	-p tcp -m tcpmss	tcpmss: option "--mss" must be specified
filter INPUT	2	-p tcp -m tcpmss --mss 65535:1000	tcpmss: invalid range given
EOF
}

@test "TCPMSS: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle FORWARD	-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 42	-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 42	 tcp flags:0x17/0x02 TCPMSS set 42
mangle POSTROUTING	-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu	-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --clamp-mss-to-pmtu	 tcp flags:0x17/0x02 TCPMSS clamp to PMTU
filter OUTPUT	-p tcp --syn -j TCPMSS --set-mss 65515	-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j TCPMSS --set-mss 65515	 tcp flags:0x17/0x02 TCPMSS set 65515
mangle PREROUTING	-p tcp -m tcp --dport 1 -m tcp --tcp-flags SYN,ACK SYN,ACK -j TCPMSS --set-mss 1000	-p tcp -m tcp --dport 1 -m tcp --tcp-flags SYN,ACK SYN,ACK -j TCPMSS --set-mss 1000	 tcp dpt:1 tcp flags:0x12/0x12 TCPMSS set 1000
EOF
}

@test "TCPMSS: refused as iptables refuses" {
	check_errors <<'EOF'
mangle FORWARD	2	-j TCPMSS	TCPMSS target: At least one parameter is required
mangle FORWARD	2	-p tcp --syn -j TCPMSS	TCPMSS target: At least one parameter is required
mangle FORWARD	1	-p tcp -j TCPMSS --set-mss 42	iptables: Invalid argument. Run `dmesg' for more information.
mangle FORWARD	1	-p tcp ! --syn -j TCPMSS --set-mss 42	iptables: Invalid argument. Run `dmesg' for more information.
mangle FORWARD	1	-p udp -j TCPMSS --set-mss 42	iptables: Invalid argument. Run `dmesg' for more information.
mangle PREROUTING	1	-p tcp --syn -j TCPMSS --clamp-mss-to-pmtu	iptables: Invalid argument. Run `dmesg' for more information.
mangle FORWARD	2	-p tcp --syn -j TCPMSS --set-mss 65516	TCPMSS: bad value for option "--set-mss", or out of range (0-65515).
EOF
}

@test "TCPOPTSTRIP: saved and listed as iptables does" {
	check_rules <<'EOF'
mangle PREROUTING	-p tcp -j TCPOPTSTRIP	-p tcp -j TCPOPTSTRIP	
mangle INPUT	-p tcp -j TCPOPTSTRIP --strip-options 2,3,4,5,6,7	-p tcp -j TCPOPTSTRIP --strip-options 2,3,4,5,6,7	 TCPOPTSTRIP options 2,3,4,5,6,7
mangle POSTROUTING	-p tcp -j TCPOPTSTRIP --strip-options md5,timestamp,sack,sack-permitted,wscale,mss,255	-p tcp -j TCPOPTSTRIP --strip-options 2,3,4,5,8,19,255	 TCPOPTSTRIP options 2,3,4,5,8,19,255
EOF
}

@test "TCPOPTSTRIP: refused as iptables refuses" {
	check_errors <<'EOF'
mangle PREROUTING	1	-j TCPOPTSTRIP	iptables: Invalid argument. Run `dmesg' for more information.
mangle PREROUTING	2	-p tcp -j TCPOPTSTRIP --strip-options 0	Option value may not be 0 or 1
mangle PREROUTING	2	-p tcp -j TCPOPTSTRIP --strip-options 1,2	Option value may not be 0 or 1
mangle PREROUTING	2	-p tcp -j TCPOPTSTRIP --strip-options 256	Bad TCP option value "256"
mangle PREROUTING	2	-p tcp -j TCPOPTSTRIP --strip-options mss,2	Option "2" already specified
filter INPUT	1	-p tcp -j TCPOPTSTRIP --strip-options 2	iptables: Invalid argument. Run `dmesg' for more information.
EOF
}

