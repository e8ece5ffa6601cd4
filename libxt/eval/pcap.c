/*
 * Capture files through libpcap.  Every frame is checked before it is
 * believed: a short link header, a truncated IP packet or a damaged file
 * is an error naming the packet number, never a read past the buffer.
 * Frames that carry no IPv4 (ARP, IPv6...) are passed over and counted.
 *
 * Unicast frames are taken as addressed to this host: a capture is
 * usually made on the machine itself, whose MACs the host model need not
 * know.  Broadcast and multicast frames keep their type.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../error.h"
#include "pcap.h"
#include "pcap_lib.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif

struct macmap {
	uint8_t mac[6];
	char iface[IFNAMSIZ];
};

struct capture {
	const struct uipt_pcap_opts *o;
	struct uipt_eval *ev;
	const struct pcap_lib *lib;
	pcap_t *p;
	int dlt;
	struct bpf_program prog;
	bool has_prog;
	struct macmap *map;
	unsigned int nmap;
	unsigned long long num, skipped, outgoing;
	struct uipt_pktspec tmpl;
};

static int read_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char extra;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &extra) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int load_macmap(struct capture *c, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], mac[64], ifn[64];
	unsigned int n = 0;

	if (!f)
		return xt_error(PARAMETER_PROBLEM, "cannot open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		int k;

		n++;
		line[strcspn(line, "#\r\n")] = '\0';
		k = sscanf(line, "%63s %63s", mac, ifn);
		if (k <= 0)
			continue;
		c->map = realloc(c->map, (c->nmap + 1) * sizeof(*c->map));
		if (!c->map)
			abort();
		if (k != 2 || read_mac(mac, c->map[c->nmap].mac) < 0 || strlen(ifn) >= IFNAMSIZ) {
			fclose(f);
			return xt_error(PARAMETER_PROBLEM, "%s:%u: expected `MAC INTERFACE'", path, n);
		}
		snprintf(c->map[c->nmap++].iface, IFNAMSIZ, "%s", ifn);
	}
	fclose(f);
	return 0;
}

static const char *map_lookup(const struct capture *c, const uint8_t mac[6])
{
	for (unsigned int i = 0; i < c->nmap; i++)
		if (!memcmp(c->map[i].mac, mac, 6))
			return c->map[i].iface;
	return NULL;
}

static int where_err(const struct capture *c, const char *what)
{
	return xt_error(PARAMETER_PROBLEM, "%s: packet %llu: %s", c->o->path, c->num, what);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Each link header: returns 1 when IPv4 follows at *off, 0 to pass the
 * frame over, -1 for a frame too short for its header. */
static int ethernet(struct capture *c, const uint8_t *d, size_t len,
		    struct uipt_pktspec *m, size_t *off)
{
	uint16_t type;

	if (len < 14)
		return where_err(c, "frame shorter than an Ethernet header");
	memcpy(m->mac_src, d + 6, 6);
	m->has_mac = true;
	/* A unicast frame is taken as the interface's own (the capture may
	 * come from another host), except on a bridge port, where its
	 * destination decides between bridged and up. */
	memcpy(m->mac_dst, d, 6);
	m->mac_dst_wire = true;
	m->has_mac_dst = d[0] & 1;
	*off = 14;
	type = get16(d + 12);
	while (type == 0x8100 || type == 0x88a8) {	/* VLAN tags */
		if (len < *off + 4)
			return where_err(c, "frame cut in its VLAN tag");
		type = get16(d + *off + 2);
		*off += 4;
	}
	return type == 0x0800;
}

static int cooked(struct capture *c, const uint8_t *d, size_t len,
		  struct uipt_pktspec *m, size_t *off)
{
	if (len < 16)
		return where_err(c, "frame shorter than a Linux cooked header");
	if (get16(d) == 4)
		return c->outgoing++, 0;	/* sent by the host: seen elsewhere */
	if (get16(d + 4) == 6) {
		memcpy(m->mac_src, d + 6, 6);
		m->has_mac = true;
	}
	*off = 16;
	return get16(d + 14) == 0x0800;
}

/* Cooked v2 names the interface by index: the host model's, if known. */
static int cooked2(struct capture *c, const uint8_t *d, size_t len,
		   struct uipt_pktspec *m, size_t *off)
{
	const struct uipt_host_iface *i;
	uint32_t ifindex;

	if (len < 20)
		return where_err(c, "frame shorter than a Linux cooked v2 header");
	if (d[10] == 4)
		return c->outgoing++, 0;
	ifindex = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
	if ((i = uipt_host_iface_index(c->ev->host, (int)ifindex)))
		uipt_ifname_copy(m->in, i->name);
	if (get16(d + 8) == 1 && d[11] == 6) {
		memcpy(m->mac_src, d + 12, 6);
		m->has_mac = true;
	}
	*off = 20;
	return get16(d) == 0x0800;
}

static int link_layer(struct capture *c, const uint8_t *d, size_t len,
		      struct uipt_pktspec *m, size_t *off)
{
	switch (c->dlt) {
	case DLT_EN10MB:
		return ethernet(c, d, len, m, off);
	case DLT_RAW:
	case DLT_IPV4:
		*off = 0;
		return len >= 1 && (d[0] >> 4) == 4;
	case DLT_LINUX_SLL:
		return cooked(c, d, len, m, off);
	case DLT_LINUX_SLL2:
		return cooked2(c, d, len, m, off);
	}
	return 0;
}

static int pick_iface(struct capture *c, struct uipt_pktspec *m)
{
	const char *i = NULL;

	if (c->o->iface)
		i = c->o->iface;
	else if (c->nmap && m->has_mac)
		i = map_lookup(c, m->mac_src);
	if (i) {
		size_t n = strlen(i);

		memcpy(m->in, i, n < sizeof(m->in) ? n + 1 : sizeof(m->in));
		m->in[sizeof(m->in) - 1] = '\0';
	}
	if (!m->in[0])
		return where_err(c, c->nmap ? "source MAC not in the --mac-map" :
				 "which interface did it arrive on? give --iface or --mac-map");
	return 0;
}

static int one_packet(struct capture *c, const struct pcap_pkthdr *h, const uint8_t *d,
		      uipt_pcap_cb cb, void *data)
{
	struct uipt_pktspec m;
	size_t off = 0;
	unsigned int tot;
	int r;

	/* The defaults, without the payload buffer a capture never uses. */
	memcpy(&m, &c->tmpl, offsetof(struct uipt_pktspec, payload));
	m.time_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
	m.has_time = true;
	if ((r = link_layer(c, d, h->caplen, &m, &off)) <= 0) {
		if (r == 0)
			c->skipped++;
		return r;
	}
	if (h->caplen < off + 20)
		return where_err(c, "IPv4 header cut short by the capture");
	tot = get16(d + off + 2);
	if (tot < 20 || (size_t)tot > h->caplen - off) {
		char msg[160];

		snprintf(msg, sizeof(msg), "IPv4 packet of %u bytes but only %zu captured%s",
			 tot, (size_t)h->caplen - off,
			 h->caplen < h->len ? " (snap length too small)" : "");
		return where_err(c, msg);
	}
	if (pick_iface(c, &m) < 0)
		return -1;
	/* The callback formats "FILE packet N" only if it prints it. */
	return cb(data, &m, c->o->path, c->num, d + off, tot);
}

static int open_capture(struct capture *c)
{
	char err[PCAP_ERRBUF_SIZE];

	c->p = c->lib->open_offline_with_tstamp_precision(c->o->path,
							  PCAP_TSTAMP_PRECISION_NANO, err);
	if (!c->p)
		return xt_error(PARAMETER_PROBLEM, "%s: %s", c->o->path, err);
	c->dlt = c->lib->datalink(c->p);
	if (c->dlt != DLT_EN10MB && c->dlt != DLT_RAW && c->dlt != DLT_IPV4 &&
	    c->dlt != DLT_LINUX_SLL && c->dlt != DLT_LINUX_SLL2)
		return xt_error(PARAMETER_PROBLEM,
				"%s: link type %s is not supported (Ethernet, raw IP, Linux cooked)",
				c->o->path, c->lib->datalink_val_to_name(c->dlt) ?
				c->lib->datalink_val_to_name(c->dlt) : "unknown");
	if (c->o->filter) {
		if (c->lib->compile(c->p, &c->prog, c->o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
			return xt_error(PARAMETER_PROBLEM, "bad --filter `%s': %s", c->o->filter,
					c->lib->geterr(c->p));
		c->has_prog = true;
	}
	return 0;
}

static void close_capture(struct capture *c)
{
	if (c->has_prog)
		c->lib->freecode(&c->prog);
	if (c->p)
		c->lib->close(c->p);
	free(c->map);
}

int uipt_pcap_run(struct uipt_eval *ev, const struct uipt_pcap_opts *o,
		  uipt_pcap_cb cb, void *data)
{
	struct capture c = { .o = o, .ev = ev };
	struct pcap_pkthdr *h;
	const u_char *d;
	int r = 0, got;

	uipt_pktspec_init(&c.tmpl);
	c.lib = pcap_lib_get();
	if (!c.lib)
		return -1;
	if ((o->macmap && load_macmap(&c, o->macmap) < 0) || open_capture(&c) < 0) {
		close_capture(&c);
		return -1;
	}
	while (!r && (got = c.lib->next_ex(c.p, &h, &d)) != PCAP_ERROR_BREAK) {
		c.num++;
		if (got == PCAP_ERROR) {
			r = where_err(&c, c.lib->geterr(c.p));
			break;
		}
		if (got != 1)
			continue;
		/* Filtered here, so packet numbers stay those of the file. */
		if (c.has_prog && !c.lib->offline_filter(&c.prog, h, d))
			continue;
		r = one_packet(&c, h, d, cb, data);
	}
	if (!r && (c.skipped || c.outgoing))
		fprintf(stderr, "uiptables-trace: %s: %llu non-IPv4 and %llu outgoing frames passed over\n",
			o->path, c.skipped, c.outgoing);
	close_capture(&c);
	return r;
}
