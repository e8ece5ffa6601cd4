#!/usr/bin/python3
"""Puts tables into the kernel as uiptables stored them, and reads their
counters back, for rules the installed iptables cannot parse or print
(an extension its userspace lacks, e.g. l2tp in iptables 1.8.9): the
very ipt_replace bytes go in with IPT_SO_SET_REPLACE and the entries come
back with IPT_SO_GET_ENTRIES.  Run inside the namespace (standard
library only).

  blobload.py load STATEDIR TABLE...   -> "ok" or an error, exit 1
  blobload.py counters TABLE...        -> JSON {"table:chain:rule:N": packets,
                                          "table:chain:policy": packets}
"""
import ctypes, json, socket, struct, sys

IPT_SO_SET_REPLACE = 64
IPT_SO_GET_INFO = 64
IPT_SO_GET_ENTRIES = 65
REPLACE_HDR = 96        # struct ipt_replace up to its entries
HOOKS = ('PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING')

libc = ctypes.CDLL(None, use_errno=True)


def sockopt(s, opt, buf, get):
    """get/setsockopt on a ctypes buffer (the kernel reads and writes
    through it, and SET_REPLACE needs a pointer inside it)."""
    n = ctypes.c_uint(len(buf))
    if get:
        r = libc.getsockopt(s.fileno(), socket.IPPROTO_IP, opt, buf, ctypes.byref(n))
    else:
        r = libc.setsockopt(s.fileno(), socket.IPPROTO_IP, opt, buf, n)
    if r:
        e = ctypes.get_errno()
        raise OSError(e, '%s: %s' % ('getsockopt' if get else 'setsockopt', socket.errno.errorcode.get(e, e)))


def stored_replace(statedir, table):
    """The ipt_replace bytes of a uiptables state file (40-byte header,
    the length of the replace part at offset 16)."""
    data = open('%s/%s.ipt' % (statedir, table), 'rb').read()
    n = struct.unpack_from('<Q', data, 16)[0]
    return bytearray(data[40:40 + n])


def load(s, statedir, table):
    rep = stored_replace(statedir, table)
    num_counters = struct.unpack_from('=I', rep, 84)[0]
    old = ctypes.create_string_buffer(16 * max(num_counters, 1))
    struct.pack_into('=Q', rep, 88, ctypes.addressof(old))
    buf = ctypes.create_string_buffer(bytes(rep), len(rep))
    sockopt(s, IPT_SO_SET_REPLACE, buf, False)


def entries(s, table):
    info = ctypes.create_string_buffer(table.encode(), 84)
    sockopt(s, IPT_SO_GET_INFO, info, True)
    hook_entry = struct.unpack_from('=5I', info.raw, 36)
    valid = struct.unpack_from('=I', info.raw, 32)[0]
    size = struct.unpack_from('=I', info.raw, 80)[0]
    req = ctypes.create_string_buffer(40 + size)
    struct.pack_into('=32sI', req, 0, table.encode(), size)
    sockopt(s, IPT_SO_GET_ENTRIES, req, True)
    blob = req.raw[40:40 + size]
    out, off = [], 0
    while off < len(blob):
        toff, noff = struct.unpack_from('=HH', blob, off + 88)
        pcnt = struct.unpack_from('=Q', blob, off + 96)[0]
        tname = blob[off + toff + 2:off + toff + 31].split(b'\0')[0].decode('latin-1')
        tdata = blob[off + toff + 32:off + toff + 64].split(b'\0')[0].decode('latin-1')
        out.append((off, pcnt, tname, tdata))
        off += noff
    starts = {hook_entry[h]: HOOKS[h] for h in range(5) if valid & (1 << h)}
    return out, starts


def counters(s, table):
    """Rules numbered per chain as iptables-save lists them; a built-in
    chain's last entry is its policy, a user chain's its RETURN."""
    ents, starts = entries(s, table)
    out, chain, builtin, rules = {}, None, False, []

    def close():
        if chain is None or not rules:
            return
        for n, (_, pcnt, _, _) in enumerate(rules[:-1], 1):
            out['%s:%s:rule:%d' % (table, chain, n)] = pcnt
        if builtin:
            out['%s:%s:policy' % (table, chain)] = rules[-1][1]
    for e in ents:
        off, pcnt, tname, tdata = e
        if off in starts:
            close()
            chain, builtin, rules = starts[off], True, []
        if tname == 'ERROR':
            close()
            chain, builtin, rules = (tdata, False, []) if tdata != 'ERROR' else (None, False, [])
            continue
        rules.append(e)
    close()
    return out


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if sys.argv[1] == 'load':
        for t in sys.argv[3:]:
            try:
                load(s, sys.argv[2], t)
            except OSError as e:
                print('%s: %s' % (t, e))
                return 1
        print('ok')
        return 0
    out = {}
    # Only tables the kernel has made: asking for another would make it.
    made = open('/proc/net/ip_tables_names').read().split()
    for t in sys.argv[2:]:
        if t in made:
            out.update(counters(s, t))
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
