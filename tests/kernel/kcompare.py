#!/usr/bin/python3
"""Compares uiptables-trace with the real kernel.

Three network namespaces made here and deleted at the end (client A,
firewall FW, server B, joined by veth, documentation addresses only):

  A a0 198.51.100.2/24 == eth0 198.51.100.1/24 FW eth1 203.0.113.1/24 == b0 203.0.113.2/24 B

The ruleset is loaded into FW with iptables-legacy-restore and into a fresh
uiptables state.  Each packet (a uiptables-trace option line, `-i eth0`
from A, `-i eth1` from B) is traced by uiptables-trace first, which also
fills in TCP sequence numbers as a peer would; the same bytes, built with
scapy, are then sent into FW.  Compared per packet: which rules' and
policies' counters rose (iptables-legacy-save -c before/after), and what
arrived at A or B (addresses, ports, TTL) against the packet uiptables says
leaves; at the end the conntrack tables, timeouts aside, and the expectation
tables (conntrack -L expect), timeouts within a second.

A packets line `sleep SECONDS` pauses both clocks' packets (the trace is
stamped with real time), for rate matches like limit.

FW-local packets are absorbed after INPUT by an nft chain made before the
ruleset (so conntrack's confirm still runs first): FW's own stack never
answers and moves no OUTPUT counters.

  kcompare.py --prefix P --rules FILE (--packets FILE | --random SEED:N)
              --trace DIR-WITH-UIPTABLES [--keep] [--load-blobs]
              [--setup FILE] [--import-host] [--wall-clock] [--bridge]
A packets line "sleep SECONDS" lets time pass between packets.
--bridge builds FW with a bridge instead of the routed eth0 (implies
--import-host):

  A a0 .2 == eth0 \
                   br0 198.51.100.1/24 FW eth1 203.0.113.1/24 == b0 203.0.113.2/24 B
  C c0 .3 == eth2 /

packets arrive with `-i eth0` from A, `-i eth2` from C, `-i eth1` from B;
a frame from a port goes to the MAC of the host its destination address
names (A, C, else br0's) unless the line gives --mac-destination, and
what arrives at A, B and C is compared.
--setup runs each line of FILE as a shell command in FW before the rules
are loaded (device groups, helpers...); --import-host then gives uiptables
FW's own host model (uiptables-trace --host-import inside FW); --wall-clock
stamps packets with the real time, for matches that read the clock.
--load-blobs puts uiptables' own stored tables into FW (tests/kernel/
blobload.py), for extensions the installed iptables lacks.
A setup line `nfacct ...` also runs as `unfacct ...` in uiptables' state
(before its rules: the nfacct match wants its objects); --nfacct then
compares `nfacct list` in FW with `unfacct list` at the end.
Prints one line per mismatch and a last line "N packets, M mismatches".
Exit 0 all agree, 1 some differ, 77 cannot run here (skip).
"""
import argparse, json, os, random, re, shlex, socket, struct, subprocess, sys, tempfile, time

try:
    from scapy.all import Ether, IP, TCP, UDP, ICMP, Raw, raw
    from scapy.layers.sctp import SCTP
except ImportError:
    print('python3-scapy is not installed', file=sys.stderr)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
MAC = {'a0': '02:00:00:00:0a:00', 'eth0': '02:00:00:00:f0:00',
       'eth1': '02:00:00:00:f0:01', 'b0': '02:00:00:00:0b:00',
       'c0': '02:00:00:00:0c:00', 'eth2': '02:00:00:00:f0:02', 'br0': '02:00:00:00:f0:0b'}
# FW's interface -> the namespace at its far end, and that end's name.
SIDE = {'eth0': 'A', 'eth1': 'B', 'eth2': 'C'}
PEER = {'eth0': 'a0', 'eth1': 'b0', 'eth2': 'c0'}
# With --bridge: the hosts on br0's subnet, by address.
BR_HOSTS = {'198.51.100.2': 'a0', '198.51.100.3': 'c0', '198.51.100.7': 'a0'}
BRIDGE = False


def sh(cmd, check=True, input=None):
    r = subprocess.run(cmd, shell=True, input=input, capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError('%s: %s' % (cmd, r.stderr.strip()))
    return r.stdout


# SIOCETHTOOL ETHTOOL_STXCSUM 0 on each interface named (no ethtool here).
TX_CSUM_OFF = r'''
import ctypes, fcntl, socket, struct, sys
s = socket.socket()
for name in sys.argv[1:]:
    val = ctypes.create_string_buffer(struct.pack("II", 0x17, 0))
    req = struct.pack("16sP", name.encode(), ctypes.addressof(val)) + bytes(16)
    fcntl.ioctl(s.fileno(), 0x8946, req)
'''


class Topo:
    def __init__(self, prefix):
        self.p = prefix
        self.ns = {k: '%s_%s' % (prefix, k) for k in ('A', 'FW', 'B') + (('C',) if BRIDGE else ())}

    def ex(self, ns, cmd, **kw):
        return sh('ip netns exec %s %s' % (self.ns[ns], cmd), **kw)

    def up(self):
        for n in self.ns.values():
            sh('ip netns add ' + n)
        A, F, B = self.ns['A'], self.ns['FW'], self.ns['B']
        sh('ip -n %s link add eth0 address %s type veth peer name a0 address %s netns %s'
           % (F, MAC['eth0'], MAC['a0'], A))
        sh('ip -n %s link add eth1 address %s type veth peer name b0 address %s netns %s'
           % (F, MAC['eth1'], MAC['b0'], B))
        for k, n in self.ns.items():
            self.ex(k, 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1', check=False)
        sh('ip -n %s addr add 198.51.100.2/24 dev a0' % A)
        sh('ip -n %s addr add 203.0.113.2/24 dev b0' % B)
        if BRIDGE:
            return self.up_bridge()
        sh('ip -n %s addr add 198.51.100.1/24 brd + dev eth0 noprefixroute' % F)
        sh('ip -n %s addr add 203.0.113.1/24 brd + dev eth1 noprefixroute' % F)
        for n, devs in ((A, ['lo', 'a0']), (B, ['lo', 'b0']), (F, ['lo', 'eth0', 'eth1'])):
            for d in devs:
                sh('ip -n %s link set %s up' % (n, d))
        sh('ip -n %s route add 198.51.100.0/24 via 198.51.100.2 dev eth0 onlink' % F)
        sh('ip -n %s route add 203.0.113.0/24 via 203.0.113.2 dev eth1 onlink' % F)
        sh('ip -n %s route add default via 203.0.113.2 dev eth1 onlink' % F)
        sh('ip -n %s neigh replace 198.51.100.2 lladdr %s dev eth0 nud permanent' % (F, MAC['a0']))
        sh('ip -n %s neigh replace 203.0.113.2 lladdr %s dev eth1 nud permanent' % (F, MAC['b0']))
        self.ex('FW', 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 '
                'net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 '
                'net.ipv4.conf.eth1.rp_filter=0 net.ipv4.conf.all.send_redirects=0 '
                'net.ipv4.icmp_ratemask=0')
        # Packets FW makes (REJECT's reset, SYNPROXY's answer) would leave
        # veth with a partial checksum: computed in software, as a NIC would.
        self.ex('FW', '/usr/bin/python3 -c %s eth0 eth1' % shlex.quote(TX_CSUM_OFF))
        self.quiet_ends()

    def quiet_ends(self):
        # A, B (and C) only capture and send: their own stacks stay silent.
        for k in self.ns:
            if k != 'FW':
                self.ex(k, 'iptables-legacy -t raw -A PREROUTING -j DROP')
                self.ex(k, 'iptables-legacy -t raw -A OUTPUT -j DROP')
        # Made before the ruleset: runs after conntrack's confirm.
        self.ex('FW', 'nft -f -', input='table ip uiptk_absorb {\n'
                ' chain in { type filter hook input priority 2147483647; policy drop; }\n}\n')

    def up_bridge(self):
        """FW with br0 over eth0 (to A) and eth2 (to C), eth1 routed to B.
        br0's own address gives the connected route; the neighbours are
        permanent, so FW sends no ARP."""
        A, F, B, C = (self.ns[k] for k in ('A', 'FW', 'B', 'C'))
        sh('ip -n %s link add eth2 address %s type veth peer name c0 address %s netns %s'
           % (F, MAC['eth2'], MAC['c0'], C))
        self.ex('C', 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1', check=False)
        sh('ip -n %s addr add 198.51.100.3/24 dev c0' % C)
        sh('ip -n %s link add br0 address %s type bridge' % (F, MAC['br0']))
        # br0 joins the all-hosts group and reports it (IGMP): noise the
        # trace never sends, kept out before any hook sees it.
        self.ex('FW', 'nft -f -', input='table ip uiptk_quiet {\n'
                ' chain out { type filter hook output priority -500; ip protocol igmp drop; }\n}\n')
        self.ex('FW', 'sysctl -qw net.ipv6.conf.br0.disable_ipv6=1', check=False)
        for d in ('eth0', 'eth2'):
            sh('ip -n %s link set %s master br0' % (F, d))
        sh('ip -n %s addr add 198.51.100.1/24 brd + dev br0' % F)
        sh('ip -n %s addr add 203.0.113.1/24 brd + dev eth1 noprefixroute' % F)
        for n, devs in ((A, ['lo', 'a0']), (B, ['lo', 'b0']), (C, ['lo', 'c0']),
                        (F, ['lo', 'eth0', 'eth1', 'eth2', 'br0'])):
            for d in devs:
                sh('ip -n %s link set %s up' % (n, d))
        sh('ip -n %s route add 203.0.113.0/24 via 203.0.113.2 dev eth1 onlink' % F)
        sh('ip -n %s route add default via 203.0.113.2 dev eth1 onlink' % F)
        for ip, peer in BR_HOSTS.items():
            sh('ip -n %s neigh replace %s lladdr %s dev br0 nud permanent' % (F, ip, MAC[peer]))
        sh('ip -n %s neigh replace 203.0.113.2 lladdr %s dev eth1 nud permanent' % (F, MAC['b0']))
        self.ex('FW', 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 '
                'net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.br0.rp_filter=0 '
                'net.ipv4.conf.eth1.rp_filter=0 net.ipv4.conf.all.send_redirects=0 '
                'net.ipv4.conf.br0.send_redirects=0 net.ipv4.icmp_ratemask=0')
        self.ex('FW', '/usr/bin/python3 -c %s eth0 eth1 eth2 br0' % shlex.quote(TX_CSUM_OFF))
        # Without STP a port forwards once its link is up: wait for it
        # (state 3, BR_STATE_FORWARDING), or the first frames are lost.
        for _ in range(100):
            st = self.ex('FW', 'cat /sys/class/net/eth0/brport/state '
                         '/sys/class/net/eth2/brport/state', check=False).split()
            if st == ['3', '3']:
                break
            time.sleep(0.05)
        self.quiet_ends()

    def down(self):
        for n in self.ns.values():
            sh('ip netns del ' + n, check=False)


class Agent:
    def __init__(self, topo, ns, ifname):
        self.p = subprocess.Popen(['ip', 'netns', 'exec', topo.ns[ns], '/usr/bin/python3',
                                   os.path.join(HERE, 'agent.py'), ifname],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def cmd(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def send(self, frame):
        self.cmd('send ' + frame.hex())

    def sendip(self, pkt, words=()):
        """From FW's stack; as --uid/--gid/--groups say, else as root."""
        ids = [opt_values(words, o) for o in ('--uid', '--gid', '--groups')]
        if not any(ids):
            return self.cmd('sendip ' + pkt.hex())
        uid, gid = (v[-1] if v else '0' for v in ids[:2])
        groups = ids[2][-1] if ids[2] and ids[2][-1] else '-'
        return self.cmd('sendas %s %s %s %s' % (uid, gid, groups, pkt.hex()))

    def recv(self):
        return [bytes.fromhex(h) for h in self.cmd('recv').split()]

    def close(self):
        try:
            self.cmd('quit')
        except Exception:
            pass
        self.p.wait(timeout=5)


def counters(topo):
    """table:chain:rule:N / table:chain:policy -> packets."""
    if getattr(topo, 'blob_tables', None):
        return json.loads(topo.ex('FW', '/usr/bin/python3 %s counters %s'
                                  % (os.path.join(HERE, 'blobload.py'), ' '.join(topo.blob_tables))))
    out, table, num = {}, None, {}
    for line in topo.ex('FW', 'iptables-legacy-save -c').splitlines():
        if line.startswith('*'):
            table, num = line[1:], {}
        m = re.match(r'^:(\S+) (\S+) \[(\d+):\d+\]', line)
        if m and m.group(2) != '-':
            out['%s:%s:policy' % (table, m.group(1))] = int(m.group(3))
        m = re.match(r'^\[(\d+):\d+\] -A (\S+)', line)
        if m:
            c = m.group(2)
            num[c] = num.get(c, 0) + 1
            out['%s:%s:rule:%d' % (table, c, num[c])] = int(m.group(1))
    return out


def rose(before, after):
    return sorted(k for k, v in after.items() if v > before.get(k, 0))


def uipt_hits(res):
    hits = []
    for s in res['steps']:
        if s['kind'] == 'rule':
            hits.append('%s:%s:rule:%d' % (s['table'], s['chain'], s['num']))
        elif s['kind'] == 'policy':
            hits.append('%s:%s:policy' % (s['table'], s['chain']))
    return sorted(set(hits))


BROADCAST = ('198.51.100.255', '203.0.113.255', '255.255.255.255')


def l2_dst(o, ifname, words=()):
    """As a sender on the wire addresses it: a broadcast IP in a broadcast
    frame, a multicast one in its group's frame (pkttype looks at the
    frame, not the address); on a bridge port a neighbour's own MAC, else
    the bridge's (the gateway)."""
    v = opt_values(words, '--mac-destination')
    if v:
        return v[-1]
    if o['dst'] in BROADCAST:
        return 'ff:ff:ff:ff:ff:ff'
    b = [int(x) for x in o['dst'].split('.')]
    if 224 <= b[0] <= 239:
        return '01:00:5e:%02x:%02x:%02x' % (b[1] & 0x7f, b[2], b[3])
    if BRIDGE and ifname in ('eth0', 'eth2'):
        return MAC[BR_HOSTS.get(o['dst'], 'br0')]
    return MAC[ifname]


def opt_values(words, name):
    """Every value an option line gives `name`, in order."""
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w == name]


def opt_int(words, name, default):
    v = opt_values(words, name)
    return int(v[-1], 0) if v else default


TCP_KINDS = {'eol': 0, 'nop': 1, 'mss': 2, 'wscale': 3, 'ws': 3, 'sack-permitted': 4,
             'sackok': 4, 'sack': 5, 'timestamp': 8, 'ts': 8, 'md5': 19}


def tcp_options(words):
    """--tcp-option KIND[=VALUE] as scapy's option list."""
    out = []
    for v in opt_values(words, '--tcp-option'):
        name, _, val = v.partition('=')
        kind = TCP_KINDS.get(name.lower(), None)
        kind = int(name, 0) if kind is None else kind
        if kind == 0:
            out.append(('EOL', None))
        elif kind == 1:
            out.append(('NOP', None))
        elif kind == 2:
            out.append(('MSS', int(val)))
        elif kind == 3:
            out.append(('WScale', int(val)))
        elif kind == 4 and not val:
            out.append(('SAckOK', b''))
        elif kind == 8:
            a, _, b = val.partition(':')
            out.append(('Timestamp', (int(a), int(b or 0))))
        else:
            out.append((kind, bytes.fromhex(val.replace(':', '').removeprefix('0x'))))
    return out


SCTP_CHUNKS = {'DATA': 0, 'INIT': 1, 'INIT_ACK': 2, 'SACK': 3, 'HEARTBEAT': 4,
               'HEARTBEAT_ACK': 5, 'ABORT': 6, 'SHUTDOWN': 7, 'SHUTDOWN_ACK': 8,
               'ERROR': 9, 'COOKIE_ECHO': 10, 'COOKIE_ACK': 11, 'ECN_ECNE': 12,
               'ECN_CWR': 13, 'SHUTDOWN_COMPLETE': 14, 'I_DATA': 64, 'ASCONF_ACK': 128,
               'RE_CONFIG': 130, 'PAD': 132, 'FORWARD_TSN': 192, 'ASCONF': 193,
               'I_FORWARD_TSN': 194}
SCTP_BODY = {0: 12, 3: 12, 1: 16, 2: 16, 8: 0, 11: 0, 14: 0}
TAG = 0x5ca1ab1e


def sctp_l4(words, sport, dport):
    """The SCTP packet uiptables-trace builds: chunks with their fixed part
    (INIT's tag, window, streams and TSN), zeros elsewhere; no chunk given
    is one INIT."""
    chunks = []
    for v in opt_values(words, '--chunk') or ['INIT']:
        t, _, f = v.partition(':')
        chunks.append((SCTP_CHUNKS.get(t.upper(), None) if not t[0].isdigit() else int(t, 0),
                       int(f, 0) if f else 0))
    body = b''
    for t, f in chunks:
        n = SCTP_BODY.get(t, 4)
        val = struct.pack('!IIHHI', TAG, 65536, 1, 1, 1) if t in (1, 2) else bytes(n)
        body += struct.pack('!BBH', t, f, 4 + n) + val
    return SCTP(sport=sport, dport=dport, tag=0 if chunks[0][0] == 1 else TAG) / Raw(body)


DCCP_TYPES = ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE',
              'RESET', 'SYNC', 'SYNCACK']


def dccp_bytes(words, o, sport, dport, payload):
    """A DCCP packet (RFC 4340: generic header with X=1, the type's own
    fields, options, a checksum over all of it), built here by hand:
    scapy has no DCCP."""
    t = (opt_values(words, '--dccp-type') or ['REQUEST'])[-1]
    t = DCCP_TYPES.index(t.upper()) if not t.isdigit() else int(t)
    extra = {0: 4, 1: 12, 2: 0, 7: 12}.get(t, 8)
    opts = b''
    for v in opt_values(words, '--dccp-option'):
        k, _, val = v.partition('=')
        k = int(k, 0)
        val = bytes.fromhex(val) if val else b''
        opts += bytes([k]) if k < 32 else bytes([k, 2 + len(val)]) + val
    hl = (16 + extra + len(opts) + 3) & ~3
    seq, ack = opt_int(words, '--seq', 0), opt_int(words, '--ack', 0)
    h = bytearray(hl)
    struct.pack_into('!HHBBHBBH', h, 0, sport, dport, hl // 4, 0, 0, t << 1 | 1, 0, 0)
    struct.pack_into('!I', h, 12, seq)
    if extra >= 8 and t != 2:
        struct.pack_into('!I', h, 20, ack)
    h[16 + extra:16 + extra + len(opts)] = opts
    l4 = bytes(h) + payload
    ph = socket.inet_aton(o['src']) + socket.inet_aton(o['dst']) + struct.pack('!BBH', 0, 33, len(l4))
    c = (~csum16(ph + l4)) & 0xffff
    return l4[:6] + struct.pack('!H', c) + l4[8:]


def l2tp_bytes(words, over_ip, payload):
    """An L2TP header as RFC 2661 (v2 over UDP) and RFC 3931 (v3 over UDP
    or IP) lay it out: a control message with T, L and S set, its length,
    tunnel (v2) or control connection id, zero sequence numbers; a data
    message with its ids only."""
    ctl = '--l2tp-control' in words
    tid, sid = opt_int(words, '--l2tp-tid', 0), opt_int(words, '--l2tp-sid', 0)
    v = opt_int(words, '--l2tp-version', 3 if over_ip else 2)
    if over_ip:
        return (struct.pack('!IHHI', 0, 0xc803, 12 + len(payload), tid) + bytes(4)
                if ctl else struct.pack('!I', sid))
    if v == 3:
        return (struct.pack('!HHI', 0xc803, 12 + len(payload), tid) + bytes(4)
                if ctl else struct.pack('!HHI', 3, 0, sid))
    if ctl:
        return struct.pack('!HHHH', 0xc802, 12 + len(payload), tid, sid) + bytes(4)
    return struct.pack('!HHH', 2, tid, sid)


def payload_of(words):
    if opt_values(words, '--payload-hex'):
        return bytes.fromhex(opt_values(words, '--payload-hex')[-1].replace(':', '').removeprefix('0x'))
    return opt_values(words, '--payload')[-1].encode() if '--payload' in words else b''


FLAG_OPTS = ('--local', '--syn', '--fragment', '-f', '--df')


def opts_of(words):
    """A packet line's options: value words by option, flags as True."""
    out, i = {}, 0
    while i < len(words):
        w = words[i]
        if w in FLAG_OPTS:
            out[w], i = True, i + 1
        elif w == '--tcp-flags':
            out[w], i = words[i + 1:i + 3], i + 3
        else:
            out[w], i = (words[i + 1] if i + 1 < len(words) else ''), i + 2
    return out


def src_mac(words, ifname):
    """The sender's MAC: the line's --mac-source, else the wire's far end."""
    v = opt_values(words, '--mac-source')
    return v[-1] if v else MAC[PEER[ifname]]


def frame_of(words, o, ifname):
    """The packet uiptables-trace traced, as an Ethernet frame into FW,
    built here from the option line."""
    mac = src_mac(words, ifname)
    ip = IP(src=o['src'], dst=o['dst'], ttl=o['ttl'], tos=o['tos'], proto=o['proto'],
            id=opt_int(words, '--id', 0), flags='DF' if '--df' in words else 0)
    sport = opt_int(words, '--sport', 40000)
    dport = opt_int(words, '--dport', 53 if o['proto'] == 17 else 80)
    payload = payload_of(words)
    if '--fragment' in words or '-f' in words:
        # A later fragment (offset 185 words, as the trace makes it): no
        # transport header, zeros to the --length.
        ip.frag, l4 = 185, Raw(b'')
    elif o['proto'] == 6:
        l4 = TCP(sport=o['sport'], dport=o['dport'], seq=o['seq'], ack=o['ack'],
                 flags=o['flags'], window=o['window'], options=tcp_options(words))
    elif o['proto'] == 17:
        l4 = UDP(sport=o['sport'], dport=o['dport'])
        if any(w.startswith('--l2tp-') for w in words):
            payload = l2tp_bytes(words, False, payload) + payload
    elif o['proto'] == 115:
        l4, payload = Raw(l2tp_bytes(words, True, payload)), payload
    elif o['proto'] == 132:
        l4 = sctp_l4(words, sport, dport)
    elif o['proto'] == 33:
        l4, payload = Raw(dccp_bytes(words, o, sport, dport, payload)), b''
    elif o['proto'] in (50, 51, 108):
        spi = opt_int(words, '--spi', 256)
        if o['proto'] == 51:	# next header, length, SPI, sequence, 96-bit ICV
            l4 = Raw(struct.pack('!BBHII', 59, 4, 0, spi, 1) + bytes(12))
        elif o['proto'] == 50:
            l4 = Raw(struct.pack('!II', spi, 1))
        else:			# IPcomp: next header, flags, 16-bit CPI
            l4 = Raw(struct.pack('!BBH', 59, 0, spi))
    else:
        return None
    pkt = ip / l4
    if payload:
        pkt = pkt / Raw(payload)
    pad = o['len'] - len(pkt)
    if pad > 0:
        pkt = pkt / Raw(b'\0' * pad)
    return Ether(src=mac, dst=l2_dst(o, ifname, words)) / pkt


def icmp_frame(words, o, ifname):
    """ICMP packets are rebuilt from uiptables' own bytes: run with --json
    the orig has no ICMP body, so they are built from the option line."""
    opts = opts_of(words)
    t = opts.get('--icmp-type', '8')
    typ, _, code = t.partition('/')
    mac = src_mac(words, ifname)
    icmp = ICMP(type=int(typ), code=int(code or 0), id=int(opts.get('--icmp-id', 1)),
                seq=int(opts.get('--icmp-seq', 1)))
    if int(typ) in (3, 4, 5, 11, 12):
        inner = IP(src=opts['--inner-src'], dst=opts['--inner-dst'], ttl=64, id=0,
                   proto=int(opts.get('--inner-proto', 17)))
        ip = IP(src=o['src'], dst=o['dst'], ttl=o['ttl'], id=0, flags=0)
        body = raw(inner)[:20]
        body = body[:2] + (40).to_bytes(2, 'big') + body[4:10] + b'\0\0' + body[12:]
        import struct
        s = sum(struct.unpack('!10H', body))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        body = body[:10] + struct.pack('!H', ~s & 0xffff) + body[12:]
        sp, dp = int(opts.get('--inner-sport', 40000)), int(opts.get('--inner-dport', 53))
        l4 = struct.pack('!HHHH', sp, dp, 20, 0)
        icmp = ICMP(type=int(typ), code=int(code or 0), unused=0)
        return Ether(src=mac, dst=l2_dst(o, ifname, words)) / ip / icmp / Raw(body + l4)
    # Type, code, id and sequence, then zeros to the traced length (scapy
    # would add timestamp fields of its own to some types).
    import struct
    from scapy.utils import checksum
    body = struct.pack('!BBHHH', int(typ), int(code or 0), 0, int(opts.get('--icmp-id', 1)),
                       int(opts.get('--icmp-seq', 1)))
    body += b'\0' * max(0, o['len'] - 20 - len(body))
    body = body[:2] + struct.pack('!H', checksum(body)) + body[4:]
    ip = IP(src=o['src'], dst=o['dst'], ttl=o['ttl'], tos=o['tos'], id=0, flags=0, proto=1)
    return Ether(src=mac, dst=l2_dst(o, ifname, words)) / ip / Raw(body)


def csum16(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(int.from_bytes(b[i:i + 2], 'big') for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def l4_sum_ok(ip, proto, l4):
    """Does the transport checksum check out (the pseudo header for TCP,
    UDP, DCCP; plain for ICMP; CRC32c for SCTP)?"""
    if proto == 17 and len(l4) >= 8 and l4[6:8] == b'\0\0':
        return True
    if proto in (6, 17, 33):
        ph = ip[12:20] + bytes([0, proto]) + len(l4).to_bytes(2, 'big')
        return csum16(ph + l4) == 0xffff
    if proto == 1:
        return csum16(l4) == 0xffff
    if proto == 132 and len(l4) >= 12:
        return crc32c(l4[:8] + b'\0\0\0\0' + l4[12:]) == int.from_bytes(l4[8:12], 'little')
    return True


def crc32c(data):
    crc = 0xffffffff
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff


def fields(ip):
    """An IPv4 packet's fields as they are compared: the header (TOS byte,
    TTL, DF, addresses, checksum valid), the transport header (ports, TCP
    flags, sequence numbers, window, options, checksum valid) and the
    payload.  The IP id is left out: generated packets get the kernel's."""
    ihl = (ip[0] & 0xf) * 4
    tot = int.from_bytes(ip[2:4], 'big')
    ip = ip[:tot]
    proto = ip[9]
    d = {'src': '.'.join(map(str, ip[12:16])), 'dst': '.'.join(map(str, ip[16:20])),
         'proto': proto, 'ttl': ip[8], 'tos': ip[1], 'df': bool(ip[6] & 0x40),
         'ipsum_ok': csum16(ip[:ihl]) == 0xffff}
    frag = int.from_bytes(ip[6:8], 'big') & 0x1fff
    l4 = ip[ihl:]
    if frag:
        d['frag'] = frag
        d['payload'] = l4.hex()
        return d
    d['sum_ok'] = l4_sum_ok(ip, proto, l4)
    if proto in (6, 17, 33, 132, 136) and len(l4) >= 4:
        d['sport'], d['dport'] = int.from_bytes(l4[0:2], 'big'), int.from_bytes(l4[2:4], 'big')
    if proto == 6 and len(l4) >= 20:
        doff = (l4[12] >> 4) * 4
        d.update(flags=l4[13], seq=int.from_bytes(l4[4:8], 'big'),
                 ack=int.from_bytes(l4[8:12], 'big'), window=int.from_bytes(l4[14:16], 'big'),
                 options=l4[20:doff].hex())
        l4 = l4[doff:]
    elif proto in (17, 136) and len(l4) >= 8:
        l4 = l4[8:]
    elif proto == 1 and len(l4) >= 4:
        d['icmp_type'], d['icmp_code'] = l4[0], l4[1]
        l4 = l4[4:]
    d['payload'] = l4.hex()
    return d


def seen(frames):
    out = []
    for f in frames:
        e = Ether(f)
        if IP not in e:
            continue
        out.append(fields(raw(e[IP])))
    return out


def expected(res):
    """What should arrive at A and B: the packet if it leaves through
    eth0/eth1, and the packets generated for it (REJECT, ICMP errors),
    field by field from the bytes uiptables says leave."""
    want = {k: [] for k in ('A', 'B', 'C')}
    def add(f, out=None):
        out = out or f.get('out')
        if out == 'br0' and 'out' not in f:
            return
        if out == 'br0':
            # A reply routed out through the bridge: to the host it names.
            out = {'a0': 'eth0', 'c0': 'eth2'}.get(BR_HOSTS.get(f['dst']))
        if out not in SIDE:
            return
        want[SIDE[out]].append(fields(bytes.fromhex(f['hex'])))
    if res.get('bridge'):
        # Out through a bridge: each port's copy that got through.
        for leave in res['bridge']:
            if leave['verdict'] == 'ACCEPT':
                add(res['final'], leave['port'])
    elif res['verdict'] == 'ACCEPT' and res['fate'] in ('forward', 'output'):
        add(res['final'])
    for rep in res.get('replies', []):
        if rep.get('verdict') == 'ACCEPT' and not rep.get('local') and 'packet' in rep:
            add(rep['packet'])
            if 'cookie' in rep.get('text', ''):
                want['cookie'] = True
    return want


def mask_cookie(d):
    """A SYNPROXY SYN/ACK without what the kernel's secret and clock make:
    the sequence number (the cookie) and the timestamp's value."""
    if d.get('proto') != 6 or d.get('flags', 0) & 0x12 != 0x12:
        return d
    d = {k: v for k, v in d.items() if k != 'seq'}
    o, i = bytes.fromhex(d['options']), 0
    out = ''
    while i < len(o):
        if o[i] < 2:
            out += o[i:i + 1].hex()
            i += 1
            continue
        n = max(o[i + 1], 2) if i + 1 < len(o) else 1
        opt = o[i:i + n].hex()
        if o[i] == 8 and n == 10:
            opt = opt[:4] + 'x' * 8 + opt[12:]
        out += opt
        i += n
    d['options'] = out
    return d


class Uipt:
    def __init__(self, bindir, state):
        self.bin = bindir
        self.env = dict(os.environ, UIPTABLES_STATE=state)

    def run(self, args, input=None):
        r = subprocess.run([os.path.join(self.bin, args[0])] + args[1:], input=input,
                           capture_output=True, text=True, env=self.env)
        return r


def ct_timeout(l):
    w = l.split()
    return int(w[2]) if len(w) >= 3 and w[1].isdigit() and w[2].isdigit() else None


def ct_key(l):
    """The original tuple of a conntrack line: its protocol and the first
    src=, dst=, sport=, dport= (ICMP: type, code, id)."""
    w, key = l.split(), []
    for x in w[1:]:
        name = x.partition('=')[0]
        if name in ('src', 'dst', 'sport', 'dport', 'type', 'code', 'id'):
            if any(k.startswith(name + '=') for k in key):
                break
            key.append(x)
    return (w[0] if w else '',) + tuple(key)


def fresh(kl, ul, margin=5):
    """Both tables without the connections about to expire on either side:
    the two clocks are read a moment apart, so such an entry may be gone,
    or just under the margin, on one side only.  An entry only one side
    still holds counts as about to expire if its timeout is short."""
    kt = {ct_key(l): ct_timeout(l) for l in kl if ct_timeout(l) is not None}
    ut = {ct_key(l): ct_timeout(l) for l in ul if ct_timeout(l) is not None}
    near = {k for t in (kt, ut) for k, v in t.items() if v <= margin}
    near |= {k for k in set(kt) ^ set(ut) if (kt.get(k) or ut.get(k)) <= 2 * margin}
    keep = lambda ls: [l for l in ls if ct_key(l) not in near]
    return keep(kl), keep(ul)


def norm_ct(lines, ports=True):
    """conntrack lines without timeouts and use counts, sorted; without the
    reply tuple's ports when the kernel chose them at random."""
    out = []
    for l in lines:
        w = l.split()
        if len(w) < 3 or not w[1].isdigit():
            continue
        w[2] = 'T'
        w = [x for x in w if not x.startswith('use=')]
        if not ports:
            srcs = [i for i, x in enumerate(w) if x.startswith('src=')]
            if len(srcs) > 1:
                w = w[:srcs[1]] + [x for x in w[srcs[1]:] if not x.startswith(('sport=', 'dport='))]
        out.append(' '.join(w))
    return sorted(out)


def norm_expect(lines):
    """conntrack -L expect lines: the line without its timeout -> timeout."""
    out = {}
    for l in lines:
        w = l.split()
        if len(w) > 1 and w[0].isdigit() and w[1].startswith('proto='):
            out[' '.join(w[1:])] = int(w[0])
    return out


def random_port(res):
    """The kernel picked a NAT port at random: ports are not compared."""
    return any('at random' in s.get('text', '') for s in res['steps'])


def strip_ports(pkts):
    """Without what a random port changes: the ports, and the payload of
    ICMP errors, which quotes them."""
    return [{k: v for k, v in p.items()
             if k not in ('sport', 'dport') and not (k == 'payload' and p['proto'] == 1)}
            for p in pkts]


class Tracer:
    """One uiptables-trace reading packet lines from a pipe, each stamped
    with the time it is sent, so both conntrack clocks run alike."""
    def __init__(self, u, wall=False):
        self.p = subprocess.Popen([os.path.join(u.bin, 'uiptables-trace'), '--json',
                                   '--packets', '-'], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=u.env)
        self.t0 = time.monotonic()
        # The packet clock counts from 0 unless matches read the date.
        self.base = time.time() if wall else 0.0

    def now(self):
        return time.monotonic() - self.t0 + self.base

    def trace(self, line):
        self.p.stdin.write('%s --time %.6f\n' % (line, self.now()))
        self.p.stdin.flush()
        out = self.p.stdout.readline()
        if not out.startswith('{"packet"'):
            raise RuntimeError('uiptables-trace: ' + out + self.p.stdout.read())
        return json.loads(out)

    def close(self):
        self.p.stdin.close()
        self.p.stdout.read()
        return self.p.wait()


def settle(agents, want, wait=1.0):
    """What arrives at A and B: at least what is expected, waiting up to
    `wait` seconds for it, and 20 ms for anything more."""
    got = {k: [] for k in agents if k != 'FW'}
    want = {k: want[k] for k in got}
    end = time.monotonic() + wait
    time.sleep(0.02)
    while True:
        for k in got:
            got[k] += seen(agents[k].recv())
        if all(len(got[k]) >= len(want[k]) for k in got) or time.monotonic() > end:
            return got
        time.sleep(0.01)


def compare_packet(n, line, tracer, topo, agents, state, mism):
    words = shlex.split(line)
    local = '--local' in words
    ifname = 'eth0' if local else words[words.index('-i') + 1]
    if not local and '--mac-source' not in words:
        # The frame's sender is known here, not to the evaluator.
        line += ' --mac-source ' + src_mac(words, ifname)
    if BRIDGE and not local and '--mac-destination' not in words and ifname != 'eth1':
        # And so is the MAC the sender addressed the frame to.
        dst = (opt_values(words, '-d') or ['203.0.113.2'])[-1]
        line += ' --mac-destination ' + l2_dst({'dst': dst}, ifname)
    res = tracer.trace(line)
    o = res['orig']
    frame = icmp_frame(words, o, ifname) if o['proto'] == 1 else frame_of(words, o, ifname)
    built = raw(frame[IP])[:len(o['hex']) // 2]
    if built.hex() != o['hex']:
        mism.append('%d: %s\n    harness built %s\n    uiptables   %s' % (n, line, built.hex(), o['hex']))
    before = state['counters']
    if local:
        # From FW's own stack: the IP packet only, through OUTPUT.
        err = agents['FW'].sendip(raw(frame[IP]), words)
        if err != 'ok' and res['verdict'] == 'ACCEPT':
            mism.append('%d: %s\n    kernel refused to send (%s), uiptables: ACCEPT'
                        % (n, line, err))
    else:
        agents[SIDE[ifname]].send(raw(frame))
    want = expected(res)
    got = settle(agents, want)
    # On a loaded machine the kernel may finish with the packet a little
    # later (softirq): counters only grow, so read again while they differ.
    for _ in range(6):
        after = state['counters'] = counters(topo)
        if rose(before, after) == uipt_hits(res):
            break
        time.sleep(0.05)
    k_hits, u_hits = rose(before, after), uipt_hits(res)
    if state.get('verbose'):
        print('%d: %s\n    kernel rules: %s' % (n, line, ' '.join(k_hits)))
    if k_hits != u_hits:
        mism.append('%d: %s\n    kernel rules: %s\n    uiptables:    %s\n'
                    '    only kernel: %s  only uiptables: %s'
                    % (n, line, ' '.join(k_hits), ' '.join(u_hits),
                       ' '.join(sorted(set(k_hits) - set(u_hits))),
                       ' '.join(sorted(set(u_hits) - set(k_hits)))))
    flow = frozenset(((o['src'], o.get('sport')), (o['dst'], o.get('dport'))))
    if random_port(res):
        state.setdefault('random', set()).add(flow)
    for side in got:
        g, w = got[side], want[side]
        if flow in state.get('random', ()):
            g, w = strip_ports(g), strip_ports(w)
        if want.get('cookie'):
            g, w = [mask_cookie(x) for x in g], [mask_cookie(x) for x in w]
        # A copy TEE sends in PREROUTING arrives before the packet itself;
        # uiptables lists packets made on the way after it: order aside.
        g, w = sorted(g, key=repr), sorted(w, key=repr)
        if g != w:
            mism.append('%d: %s\n    at %s kernel: %s\n    uiptables:   %s'
                        % (n, line, side, got[side], want[side]))


# ---- random rulesets and flows ----

ADDRS_A = ['198.51.100.2', '198.51.100.7', '198.51.100.1']
ADDRS_B = ['203.0.113.2', '203.0.113.9', '203.0.113.1', '192.0.2.33']


def more_matches(chain, p):
    """Matches of the issue's list that may go in any filter chain (user
    chains are reached from OUTPUT too)."""
    out = ['-m iprange --src-range 198.51.100.2-198.51.100.6',
           '-m iprange ! --dst-range 203.0.113.1-203.0.113.5',
           '-m length --length 0:60', '-m length ! --length 0:60',
           '-m ttl --ttl-gt 62', '-m ttl --ttl-lt 64', '-m tos --tos 0x00',
           '-m addrtype --dst-type LOCAL', '-m addrtype ! --src-type LOCAL',
           '-m pkttype --pkt-type unicast', '-m pkttype ! --pkt-type unicast']
    if p in ('tcp', 'udp'):
        out += ['-m multiport --dports 22,53,80,1000:2000', '-m multiport ! --ports 53,8080']
    if chain in ('INPUT', 'FORWARD'):
        out += ['-m mac --mac-source 02:00:00:00:0a:00',
                '-m addrtype --dst-type UNICAST --limit-iface-in']
    if BRIDGE:
        # User chains are reached from OUTPUT too, where -i is refused,
        # and --physdev-out unless for bridged packets.
        out += ['-m physdev --physdev-in eth0', '-m physdev ! --physdev-in eth2',
                '-m physdev --physdev-in eth+ ! --physdev-is-bridged',
                '-m physdev --physdev-is-in', '-m physdev ! --physdev-is-in',
                '-m physdev --physdev-is-bridged',
                '-m physdev --physdev-out eth2 --physdev-is-bridged']
        if chain in ('INPUT', 'FORWARD'):
            out += ['-i br0', '-i br0 -m physdev ! --physdev-is-bridged']
        if chain == 'FORWARD':
            out += ['-m physdev ! --physdev-out eth0', '-m physdev --physdev-is-out']
    return out


def random_ruleset(rng, have):
    chains = ['u1', 'u2']
    def match(chain):
        m = []
        if rng.random() < 0.4:
            m.append('-s ' + rng.choice(['198.51.100.0/24', '203.0.113.0/25', '198.51.100.7']))
        if rng.random() < 0.3:
            m.append('-d ' + rng.choice(['203.0.113.0/24', '198.51.100.1', '192.0.2.0/24']))
        p = rng.choice(['tcp', 'udp', 'icmp', None, None])
        if p:
            m.append('-p ' + p)
            if p in ('tcp', 'udp') and rng.random() < 0.6:
                m.append('-m %s --dport %s' % (p, rng.choice(['80', '53', '22', '1000:2000'])))
            if p == 'tcp' and rng.random() < 0.2:
                m.append('-m tcp --syn')
        if rng.random() < 0.2:
            m.append(rng.choice(['-o eth0', '-o eth1', '! -o eth1'] if chain == 'OUTPUT' else
                                ['-i eth0', '-i eth1', '! -i eth0']))
        if have.get('conntrack') and rng.random() < 0.3:
            m.append('-m conntrack --ctstate ' + rng.choice(
                ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'NEW,ESTABLISHED']))
        if have.get('more') and rng.random() < 0.35:
            m.append(rng.choice(more_matches(chain, p)))
        return ' '.join(m)
    def target(chain, depth):
        t = rng.random()
        if t < 0.3:
            return '-j ACCEPT'
        if t < 0.5:
            return '-j DROP'
        if t < 0.6 and chain in chains:
            return '-j RETURN'
        if t < 0.75 and depth == 0:
            return rng.choice(['-j', '-g']) + ' ' + rng.choice(chains)
        if t > 0.9 and have.get('more'):
            return rng.choice(['-j LOG --log-prefix r', '-j REJECT',
                               '-j NFQUEUE --queue-num 1 --queue-bypass', '-j NFQUEUE --queue-num 2'])
        return ''
    lines = []
    if have.get('mark'):
        lines += ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]',
                  ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
                  '-A PREROUTING -p udp -m udp --dport 53 -j MARK --set-mark 0x%x' % rng.randint(1, 3),
                  '-A OUTPUT -p udp -j MARK --set-mark 0x2', 'COMMIT']
    if have.get('notrack') and rng.random() < 0.5:
        lines += ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
                  '-A PREROUTING -p icmp -j NOTRACK', 'COMMIT']
    lines += ['*filter', ':INPUT %s [0:0]' % rng.choice(['ACCEPT', 'DROP']),
              ':FORWARD %s [0:0]' % rng.choice(['ACCEPT', 'DROP']),
              ':OUTPUT %s [0:0]' % rng.choice(['ACCEPT', 'ACCEPT', 'DROP'])]
    lines += [':%s - [0:0]' % c for c in chains]
    if have.get('mark'):
        lines.append('-A FORWARD -m mark --mark 0x%x -j %s' % (rng.randint(1, 3), rng.choice(['ACCEPT', 'DROP'])))
        lines.append('-A OUTPUT -m mark --mark 0x2 -p udp -m udp --dport 53 -j %s'
                     % rng.choice(['ACCEPT', 'DROP', 'u1']))
    for chain, depth in (('INPUT', 0), ('FORWARD', 0), ('OUTPUT', 0), ('u1', 1), ('u2', 1)):
        for _ in range(rng.randint(1, 6)):
            lines.append(('-A %s %s %s' % (chain, match(chain), target(chain, depth))).replace('  ', ' ').strip())
    lines.append('COMMIT')
    if have.get('nat'):
        lines += ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]',
                  ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]']
        if rng.random() < 0.7:
            lines.append('-A POSTROUTING -o eth1 -s 198.51.100.0/24 -j MASQUERADE')
        if rng.random() < 0.7:
            lines.append('-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT '
                         '--to-destination 198.51.100.2:80')
        lines.append('COMMIT')
    return '\n'.join(lines) + '\n'


def bridged_flow(rng, port):
    """With --bridge: a flow between A and C across br0, either way."""
    (ci, a), (ri, c) = rng.sample([('eth0', '198.51.100.2'), ('eth2', '198.51.100.3')], 2)
    p = rng.choice(['tcp', 'udp', 'icmp'])
    if p == 'icmp':
        return ['-i %s -p icmp -s %s -d %s --icmp-type 8 --icmp-id %d' % (ci, a, c, port),
                '-i %s -p icmp -s %s -d %s --icmp-type 0 --icmp-id %d' % (ri, c, a, port)]
    dport = rng.choice([80, 53, 22, 1500])
    fwd = '-i %s -p %s -s %s -d %s --sport %d --dport %d' % (ci, p, a, c, port, dport)
    back = '-i %s -p %s -s %s -d %s --sport %d --dport %d' % (ri, p, c, a, dport, port)
    if p == 'udp':
        return [fwd, back, fwd][:rng.randint(1, 3)]
    steps = [fwd + ' --flags SYN', back + ' --flags SYN,ACK', fwd + ' --flags ACK',
             fwd + ' --flags PSH,ACK --payload hi', back + ' --flags FIN,ACK',
             fwd + ' --flags FIN,ACK', back + ' --flags ACK']
    return steps[:rng.randint(1, len(steps))]


def random_packets(rng, n):
    """Flows: TCP handshakes with data and teardown, UDP exchanges, pings;
    plus stray packets.  Replies come from the other side."""
    out, port = [], 30000
    while len(out) < n:
        port += 1
        if BRIDGE and rng.random() < 0.3:
            out += bridged_flow(rng, port)
            continue
        k = rng.random()
        a = rng.choice(ADDRS_A[:2])
        b = rng.choice(ADDRS_B)
        if k < 0.45:
            dport = rng.choice([80, 22, 8080, 1500])
            c = '-p tcp -s %s -d %s --sport %d --dport %d' % (a, b, port, dport)
            r = '-p tcp -s %s -d %s --sport %d --dport %d' % (b, a, dport, port)
            if dport == 8080 and b == '203.0.113.1':
                c = '-p tcp -s 203.0.113.9 -d 203.0.113.1 --sport %d --dport 8080' % port
                r = '-p tcp -s 198.51.100.2 -d 203.0.113.9 --sport 80 --dport %d' % port
                ci, ri = 'eth1', 'eth0'
            else:
                ci, ri = 'eth0', 'eth1'
            steps = [(ci, c, 'SYN'), (ri, r, 'SYN,ACK'), (ci, c, 'ACK'),
                     (ci, c, 'PSH,ACK --payload hello'), (ri, r, 'ACK'),
                     (ci, c, 'FIN,ACK'), (ri, r, 'FIN,ACK'), (ci, c, 'ACK')]
            cut = rng.randint(1, len(steps))
            for step, (i, s, f) in enumerate(steps[:cut]):
                out.append('-i %s %s --flags %s' % (i, s, f))
                # Now and then what real networks do: a retransmitted SYN,
                # a reset, a segment far outside the window.
                t = rng.random()
                if step == 0 and t < 0.15:
                    out.append('-i %s %s --flags SYN' % (i, s))
                elif step > 1 and t < 0.05:
                    j, o, _ = rng.choice(steps[:2])
                    out.append('-i %s %s --flags RST,ACK' % (j, o))
                elif step > 1 and t < 0.1:
                    out.append('-i %s %s --flags ACK --seq %d' % (i, s, rng.choice([5, 3000000000])))
        elif k < 0.7:
            c = '-p udp -s %s -d %s --sport %d --dport 53' % (a, b, port)
            r = '-p udp -s %s -d %s --sport 53 --dport %d' % (b, a, port)
            out += ['-i eth0 ' + c, '-i eth1 ' + r, '-i eth0 ' + c][:rng.randint(1, 3)]
        elif k < 0.85:
            out.append('-i eth0 -p icmp -s %s -d %s --icmp-type 8 --icmp-id %d' % (a, b, port))
            out.append('-i eth1 -p icmp -s %s -d %s --icmp-type 0 --icmp-id %d' % (b, a, port))
        elif k < 0.9:
            # sent by the firewall itself, and the answer
            d = rng.choice(['203.0.113.2', '198.51.100.2', '192.0.2.33'])
            i = 'eth1' if d != '198.51.100.2' else 'eth0'
            src = '198.51.100.1' if i == 'eth0' else '203.0.113.1'
            p = rng.choice(['udp', 'tcp', 'icmp'])
            if p == 'udp':
                out.append('--local -p udp -d %s --sport %d --dport 53' % (d, port))
                out.append('-i %s -p udp -s %s -d %s --sport 53 --dport %d' % (i, d, src, port))
            elif p == 'tcp':
                out.append('--local -p tcp -d %s --sport %d --dport 80 --syn' % (d, port))
                out.append('-i %s -p tcp -s %s -d %s --sport 80 --dport %d --flags SYN,ACK'
                           % (i, d, src, port))
                out.append('--local -p tcp -d %s --sport %d --dport 80 --flags ACK' % (d, port))
            else:
                out.append('--local -p icmp -d %s --icmp-type 8 --icmp-id %d' % (d, port))
                out.append('-i %s -p icmp -s %s -d %s --icmp-type 0 --icmp-id %d' % (i, d, src, port))
        else:
            p = rng.choice(['tcp --flags ACK', 'tcp --flags RST', 'udp', 'tcp --flags FIN'])
            s, d, i = (a, b, 'eth0') if rng.random() < 0.5 else (b, a, 'eth1')
            out.append('-i %s -p %s -s %s -d %s --sport %d --dport %d'
                       % (i, p, s, d, port, rng.choice([80, 53, 9])))
    return out[:n]


def strip_fields(line, prefixes):
    return ' '.join(w for w in line.split() if not w.startswith(prefixes))


def setup_fw(topo, u, a):
    """FW made to a case's measure, and uiptables told of it."""
    if a.setup:
        for line in open(a.setup):
            if line.strip() and not line.startswith('#'):
                topo.ex('FW', "sh -c '%s'" % line.strip())
    if a.import_host:
        r = topo.ex('FW', 'env UIPTABLES_STATE=%s %s --host-import'
                    % (u.env['UIPTABLES_STATE'], os.path.join(u.bin, 'uiptables-trace')))


def compare_nfacct(topo, u, mism):
    """The objects' counters, quota flags and order, line for line."""
    kl = topo.ex('FW', 'nfacct list', check=False).splitlines()
    ul = u.run(['unfacct', 'list']).stdout.splitlines()
    if kl != ul:
        mism.append('nfacct objects differ:\n  kernel:    %s\n  uiptables: %s'
                    % ('\n             '.join(kl), '\n             '.join(ul)))
    else:
        print('nfacct: %d objects agree' % len(kl))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--prefix', required=True)
    ap.add_argument('--rules')
    ap.add_argument('--packets')
    ap.add_argument('--random')
    ap.add_argument('--trace', required=True)
    ap.add_argument('--state', required=True, help='directory for its uiptables state')
    ap.add_argument('--no-conntrack-compare', action='store_true')
    ap.add_argument('--verbose', action='store_true', help='print the rules each packet hit')
    ap.add_argument('--setup', help='shell lines run in FW before the rules')
    ap.add_argument('--import-host', action='store_true',
                    help="uiptables' host model imported from FW")
    ap.add_argument('--bridge', action='store_true',
                    help='FW bridges eth0 (A) and eth2 (C) on br0; eth1 routed to B')
    ap.add_argument('--ct-ignore', default='',
                    help='comma list of conntrack -L fields left out of the '
                    'table comparison (packets=,bytes=: accounting)')
    ap.add_argument('--wall-clock', action='store_true',
                    help='packet clock = real time (time match)')
    ap.add_argument('--nfacct', action='store_true',
                    help='compare the accounting objects at the end (nfacct list)')
    ap.add_argument('--load-blobs', action='store_true',
                    help='load the kernel with the tables as uiptables stored them '
                         '(IPT_SO_SET_REPLACE), counters read back the same way')
    a = ap.parse_args()
    global BRIDGE
    BRIDGE = a.bridge
    if BRIDGE:
        a.import_host = True
    # A state of its own: no counters or connections of an earlier run.
    u = Uipt(a.trace, tempfile.mkdtemp(prefix='kcompare.', dir=a.state))
    have = {}
    for ext, rule in (('conntrack', '*filter\n-A INPUT -m conntrack --ctstate NEW\nCOMMIT\n'),
                      ('mark', '*mangle\n-A INPUT -j MARK --set-mark 1\n-A INPUT -m mark --mark 1\nCOMMIT\n'),
                      ('notrack', '*raw\n-A PREROUTING -j NOTRACK\nCOMMIT\n'),
                      ('more', '*filter\n-A INPUT -m iprange --src-range 1.2.3.4-1.2.3.5 -m length --length 1'
                               ' -m ttl --ttl-gt 1 -m tos --tos 0 -m addrtype --dst-type LOCAL -m pkttype'
                               ' --pkt-type unicast -m mac --mac-source 02:00:00:00:00:01 -p tcp'
                               ' -m multiport --ports 1 -j NFQUEUE --queue-bypass\n-A INPUT -j LOG\n'
                               '-A INPUT -j REJECT\nCOMMIT\n'),
                      ('nat', '*nat\n-A POSTROUTING -j MASQUERADE\n-A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4\nCOMMIT\n')):
        have[ext] = u.run(['uiptables-restore', '--test'], input=rule).returncode == 0
    if a.random:
        seed, n = (int(x) for x in a.random.split(':'))
        rng = random.Random(seed)
        rules = random_ruleset(rng, have)
        packets = random_packets(rng, n)
    else:
        rules = open(a.rules).read()
        packets = [l.strip() for l in open(a.packets) if l.strip() and not l.startswith('#')]
    for line in open(a.setup) if a.setup else []:
        if line.startswith('nfacct '):
            r = u.run(['unfacct'] + shlex.split(line)[1:])
            if r.returncode:
                print('unfacct failed: ' + r.stderr, file=sys.stderr)
                return 2
    r = u.run(['uiptables-restore'], input=rules)
    if r.returncode:
        print('uiptables-restore failed: ' + r.stderr, file=sys.stderr)
        return 2
    topo, agents = Topo(a.prefix), {}
    mism = []
    try:
        topo.up()
        setup_fw(topo, u, a)
        if a.load_blobs:
            # The bytes uiptables stored, for rules iptables here cannot
            # parse or print (an extension its userspace lacks).
            topo.blob_tables = re.findall(r'^\*(\S+)', rules, re.M)
            r = topo.ex('FW', '/usr/bin/python3 %s load %s %s'
                        % (os.path.join(HERE, 'blobload.py'), u.env['UIPTABLES_STATE'],
                           ' '.join(topo.blob_tables)), check=False)
            if r.strip() != 'ok':
                raise RuntimeError('loading the blobs: ' + r)
        else:
            topo.ex('FW', 'iptables-legacy-restore', input=rules)
        agents = {k: Agent(topo, k, PEER[i]) for i, k in SIDE.items() if k in topo.ns}
        fw = Agent(topo, 'FW', '-')
        time.sleep(0.2)
        for ag in agents.values():
            ag.recv()
        state = {'counters': counters(topo), 'verbose': a.verbose}
        agents['FW'] = fw
        tracer = Tracer(u, a.wall_clock)
        for n, line in enumerate(packets, 1):
            if line.startswith('sleep '):
                # Time passing on both clocks (recent --seconds...).
                time.sleep(float(line.split()[1]))
                continue
            compare_packet(n, line, tracer, topo, agents, state, mism)
        tracer.close()
        if a.nfacct:
            compare_nfacct(topo, u, mism)
        if not a.no_conntrack_compare:
            kl = topo.ex('FW', 'conntrack -L', check=False).splitlines()
            if a.ct_ignore:
                kl = [strip_fields(l, tuple(a.ct_ignore.split(','))) for l in kl]
            end = tracer.now()	# the moment the kernel's table was read
            ul = u.run(['uiptables-trace', '--conntrack', '--time', '%.6f' % end]).stdout.splitlines()
            k, us = norm_ct(kl), norm_ct(ul)
            remapped = bool(state.get('random'))
            kl, ul = fresh(kl, ul)
            k, us = norm_ct(kl), norm_ct(ul)
            if remapped:
                k, us = norm_ct(kl, False), norm_ct(ul, False)
            if k != us:
                mism.append('conntrack tables differ:\n  only kernel:    %s\n  only uiptables: %s'
                            % ('\n                  '.join(sorted(set(k) - set(us))),
                               '\n                  '.join(sorted(set(us) - set(k)))))
            # Expectations (helpers): the lines without the seconds left,
            # which must agree within a second.
            ke = topo.ex('FW', 'conntrack -L expect', check=False).splitlines()
            ue = u.run(['uconntrack', '-L', 'expect', '--time', '%.6f' % end]).stdout.splitlines()
            k, us = norm_expect(ke), norm_expect(ue)
            if sorted(k) != sorted(us) or any(abs(k[x] - us[x]) > 1 for x in k):
                mism.append('expectation tables differ:\n  kernel:    %s\n  uiptables: %s'
                            % ('\n             '.join(ke), '\n             '.join(ue)))
    finally:
        for ag in agents.values():
            ag.close()
        topo.down()
    for m in mism:
        print(m)
    if a.random and mism:
        print('ruleset:\n' + rules)
    npk = sum(not l.startswith('sleep ') for l in packets)
    print('%d packets, %d mismatches' % (npk, len(mism)))
    return 1 if mism else 0


if __name__ == '__main__':
    sys.exit(main())
