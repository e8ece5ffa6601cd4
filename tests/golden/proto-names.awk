# Turns 1.8.9's numeric -L -n protocol column into 1.8.11's names:
# iptables' own names where it has one, the number otherwise.
BEGIN {
	name[0] = "all"; name[1] = "icmp"; name[6] = "tcp"; name[17] = "udp"
	name[50] = "esp"; name[51] = "ah"; name[58] = "icmpv6"
	name[132] = "sctp"; name[135] = "mh"; name[136] = "udplite"
}
/^Chain / { print; next }
/^$/ { print; next }
/(^| )target +prot opt/ { lnum = ($0 ~ /^num /); ctrs = ($0 ~ /pkts/); print; next }
{
	line = $0
	n = lnum ? 5 : 0
	if (ctrs) {
		rest = substr(line, n + 1)
		match(rest, /^ *[0-9]+[KMGT]? +[0-9]+[KMGT]? /); n += RLENGTH
	}
	# Past the target column ("%-9s ", wider for long names) and the "!".
	tlen = 9
	if (substr(line, n + 1, 1) != " ") {
		match(substr(line, n + 1), /^[^ ]+/)
		if (RLENGTH > 9) tlen = RLENGTH
	}
	start = n + tlen + 3
	match(substr(line, start), /^[^ ]+ +/)
	proto = substr(line, start, RLENGTH - 1)
	p = proto; gsub(/ /, "", p)
	if (p ~ /^[0-9]+$/ && (p + 0) in name) {
		new = sprintf("%-4s ", name[p + 0])
		line = substr(line, 1, start - 1) new substr(line, start + RLENGTH)
		# A longer number left fewer pad spaces: keep the width of the field.
	}
	print line
}
