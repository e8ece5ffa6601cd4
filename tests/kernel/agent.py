#!/usr/bin/python3
"""A wire end inside a test namespace: sends Ethernet frames and reports
what arrives, over stdin/stdout (standard library only).

Commands, one per line:  send HEX   -> "ok"
                         sendip HEX -> "ok" or "error ERRNO" (an IP packet
                                       from this host, raw socket with
                                       IP_HDRINCL: it goes through OUTPUT)
                         sendas UID GID G1,G2.. HEX -> as sendip, from a
                                       socket opened with that fsuid, fsgid
                                       and those supplementary groups ("-":
                                       none), which is what owner reads
                         recv       -> "HEX HEX ..." (frames since last recv)
                         quit
Only frames arriving from the wire are reported (not our own sends).
Interface "-": no capture, sendip only."""
import ctypes, os, select, socket, sys

ETH_P_ALL = 3
PACKET_OUTGOING = 4

LIBC = ctypes.CDLL(None, use_errno=True)
SOCKS = {}


def socket_as(uid, gid, groups):
    """A raw socket whose file carries these credentials: opened with the
    fs ids switched (CAP_NET_RAW survives an fsuid change), then back."""
    key = (uid, gid, groups)
    if key not in SOCKS:
        os.setgroups([int(g) for g in groups.split(',')] if groups != '-' else [])
        LIBC.setfsgid(gid)
        LIBC.setfsuid(uid)
        try:
            SOCKS[key] = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        finally:
            LIBC.setfsuid(0)
            LIBC.setfsgid(0)
            os.setgroups([])
    return SOCKS[key]


def send_ip(r, pkt):
    try:
        r.sendto(pkt, (socket.inet_ntoa(pkt[16:20]), 0))
        return 'ok\n'
    except OSError as e:
        return 'error %s\n' % e.errno


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
            out.write(send_ip(r, bytes.fromhex(words[1])))
        elif words[0] == 'sendas':
            r2 = socket_as(int(words[1]), int(words[2]), words[3])
            out.write(send_ip(r2, bytes.fromhex(words[4])))
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
