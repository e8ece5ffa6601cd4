#!/usr/bin/env python3
"""Inputs for bench/trace-bench.sh (standard library only).

  mkbench.py pcap FILE N [walk]   N packets, Ethernet, in flows: each TCP
        flow is a handshake, data both ways and a teardown (most packets in
        established flows), with some UDP and ICMP; `walk` makes every packet
        a fresh one from an unmatched port, so it walks every rule.
  mkbench.py rules N [flat]       an iptables-save ruleset of about N rules:
        established traffic accepted first, then per-host rules in user
        chains, as generated firewalls look; `flat`: N rules in FORWARD
        that no walk packet matches."""
import random, struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

ETH_IN = bytes.fromhex('020000000f00' '020000000a00' '0800')
ETH_OUT = bytes.fromhex('020000000f01' '020000000b00' '0800')

def ip4(src, dst, proto, l4):
    ph = src + dst + struct.pack('!BBH', 0, proto, len(l4))
    if proto in (6, 17):
        off = 16 if proto == 6 else 6
        l4 = l4[:off] + struct.pack('!H', csum(ph + l4)) + l4[off + 2:]
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 0, 0, 64, proto, 0, src, dst)
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + l4

def tcp(sp, dp, seq, ack, flags, data=b''):
    return struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 0x50, flags, 65535, 0, 0) + data

def flow(rng, i, walk):
    c = bytes([198, 51, 100, 2 + i % 200])
    s = bytes([203, 0, 113, 2 + (i // 200) % 200])
    sp = 1024 + i % 60000
    if walk:
        yield ETH_IN + ip4(c, s, 6, tcp(sp, 9, 1000, 0, 0x02))
        return
    k = rng.random()
    if k < 0.8:
        dp = rng.choice([80, 443, 22])
        a, b = 1000, 2000000
        yield ETH_IN + ip4(c, s, 6, tcp(sp, dp, a, 0, 0x02)); a += 1
        yield ETH_OUT + ip4(s, c, 6, tcp(dp, sp, b, a, 0x12)); b += 1
        yield ETH_IN + ip4(c, s, 6, tcp(sp, dp, a, b, 0x10))
        for _ in range(rng.randint(4, 30)):
            yield ETH_IN + ip4(c, s, 6, tcp(sp, dp, a, b, 0x18, b'x' * 100)); a += 100
            yield ETH_OUT + ip4(s, c, 6, tcp(dp, sp, b, a, 0x18, b'y' * 500)); b += 500
        yield ETH_IN + ip4(c, s, 6, tcp(sp, dp, a, b, 0x11)); a += 1
        yield ETH_OUT + ip4(s, c, 6, tcp(dp, sp, b, a, 0x11)); b += 1
        yield ETH_IN + ip4(c, s, 6, tcp(sp, dp, a, b, 0x10))
    elif k < 0.95:
        for _ in range(rng.randint(1, 4)):
            yield ETH_IN + ip4(c, s, 17, struct.pack('!HHHH', sp, 53, 8 + 20, 0) + b'q' * 20)
            yield ETH_OUT + ip4(s, c, 17, struct.pack('!HHHH', 53, sp, 8 + 60, 0) + b'r' * 60)
    else:
        body = struct.pack('!BBHHH', 8, 0, 0, sp, 1)
        body = body[:2] + struct.pack('!H', csum(body)) + body[4:]
        yield ETH_IN + ip4(c, s, 1, body)

def pcap(path, n, walk):
    rng = random.Random(1)
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        i = t = 0
        live = []
        while t < n:
            # a few flows at once, their packets interleaved
            while len(live) < 8:
                live.append(flow(rng, i, walk)); i += 1
            g = rng.choice(live)
            fr = next(g, None)
            if fr is None:
                live.remove(g)
                continue
            f.write(struct.pack('<IIII', 1000 + t // 100000, (t % 100000) * 10, len(fr), len(fr)) + fr)
            t += 1

def flat(n):
    """n rules in FORWARD none of the walk packets match: each is checked."""
    rng = random.Random(3)
    out = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]']
    for _ in range(n):
        out.append('-A FORWARD -s 192.0.2.%d -p tcp -m tcp --dport %d -j ACCEPT'
                   % (rng.randint(1, 254), rng.randint(1, 65535)))
    print('\n'.join(out + ['COMMIT']))

def rules(n):
    rng = random.Random(2)
    out = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]']
    chains = ['host%d' % k for k in range(max(1, n // 50))]
    out += [':%s - [0:0]' % c for c in chains]
    body = ['-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
            '-A FORWARD -m conntrack --ctstate INVALID -j DROP']
    per = max(1, (n - len(chains) - 3) // len(chains))
    for k, c in enumerate(chains):
        body.append('-A FORWARD -d 203.0.%d.0/24 -j %s' % (k % 250 + 1, c))
        for j in range(per):
            body.append('-A %s -s 192.0.2.%d -p tcp -m tcp --dport %d -j ACCEPT'
                        % (c, rng.randint(1, 254), rng.randint(1, 65535)))
    for p in (80, 443, 22):
        body.append('-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport %d -j ACCEPT' % p)
    body.append('-A FORWARD -i eth0 -o eth1 -p udp -m udp --dport 53 -j ACCEPT')
    body.append('-A FORWARD -i eth0 -o eth1 -p icmp -j ACCEPT')
    print('\n'.join(out + body + ['COMMIT']))

if __name__ == '__main__':
    if sys.argv[1] == 'pcap':
        pcap(sys.argv[2], int(sys.argv[3]), len(sys.argv) > 4 and sys.argv[4] == 'walk')
    elif len(sys.argv) > 3 and sys.argv[3] == 'flat':
        flat(int(sys.argv[2]))
    else:
        rules(int(sys.argv[2]))
