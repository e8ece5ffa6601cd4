#!/usr/bin/env python3
"""Writes a small Ethernet pcap for the trace tests (standard library only):
TCP SYN to port 22, TCP SYN to port 80, UDP to port 5, all from
203.0.113.9 (MAC 02:00:00:00:0b:00) to 203.0.113.1."""
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ip(proto, l4, src=bytes([203, 0, 113, 9]), dst=bytes([203, 0, 113, 1])):
    pseudo = src + dst + struct.pack('!BBH', 0, proto, len(l4))
    c = csum(pseudo + l4)
    off = 16 if proto == 6 else 6
    l4 = l4[:off] + struct.pack('!H', c) + l4[off + 2:]
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + l4

def tcp(dport):
    return struct.pack('!HHIIBBHHH', 40000, dport, 1000000, 0, 0x50, 0x02, 8192, 0, 0)

def udp(dport):
    return struct.pack('!HHHH', 40000, dport, 8, 0)

# Link types: Ethernet (1), raw IPv4 (101), Linux cooked v2 (276, eth1 = index 3).
kind = sys.argv[2] if len(sys.argv) > 2 else 'eth'
l2 = {'eth': bytes.fromhex('020000000f01' '020000000b00' '0800'), 'raw': b'',
      'sll2': struct.pack('!HHIHBB8s', 0x0800, 0, 3, 1, 0, 6, bytes.fromhex('020000000b000000'))}[kind]
link = {'eth': 1, 'raw': 101, 'sll2': 276}[kind]
frames = [l2 + ip(6, tcp(22)), l2 + ip(6, tcp(80)), l2 + ip(17, udp(5))]
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, link))
    for i, fr in enumerate(frames):
        f.write(struct.pack('<IIII', 1000 + i, 0, len(fr), len(fr)) + fr)
