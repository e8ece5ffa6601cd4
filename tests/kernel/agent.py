#!/usr/bin/python3
"""A wire end inside a test namespace: sends Ethernet frames and reports
what arrives, over stdin/stdout (standard library only).

Commands, one per line:  send HEX   -> "ok"
                         sendip HEX -> "ok" or "error ERRNO" (an IP packet
                                       from this host, raw socket with
                                       IP_HDRINCL: it goes through OUTPUT)
                         recv       -> "HEX HEX ..." (frames since last recv)
                         quit
Only frames arriving from the wire are reported (not our own sends).
Interface "-": no capture, sendip only."""
import os, select, socket, sys

ETH_P_ALL = 3
PACKET_OUTGOING = 4

def main():
    ifname = sys.argv[1]
    s = None
    if ifname != '-':
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((ifname, 0))
        s.setblocking(False)
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    out = sys.stdout
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == 'send':
            s.send(bytes.fromhex(words[1]))
            out.write('ok\n')
        elif words[0] == 'sendip':
            pkt = bytes.fromhex(words[1])
            try:
                r.sendto(pkt, (socket.inet_ntoa(pkt[16:20]), 0))
                out.write('ok\n')
            except OSError as e:
                out.write('error %s\n' % e.errno)
        elif words[0] == 'recv':
            got = []
            while s and select.select([s], [], [], 0)[0]:
                data, addr = s.recvfrom(65535)
                if addr[2] != PACKET_OUTGOING:
                    got.append(data.hex())
            out.write(' '.join(got) + '\n')
        elif words[0] == 'quit':
            break
        out.flush()

if __name__ == '__main__':
    main()
