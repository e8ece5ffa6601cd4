/*
 * libpcap, opened with dlopen when a capture is first read.  Linked in,
 * it would be loaded by every applet, and its own dependencies (dbus,
 * systemd, gcrypt...) cost each uiptables command several milliseconds
 * of start-up.
 */
#ifndef LIBXT_EVAL_PCAP_LIB_H
#define LIBXT_EVAL_PCAP_LIB_H

#include <pcap/pcap.h>

#define PCAP_LIB_FUNCS(F) \
	F(open_offline_with_tstamp_precision) \
	F(datalink) \
	F(datalink_val_to_name) \
	F(compile) \
	F(freecode) \
	F(offline_filter) \
	F(next_ex) \
	F(geterr) \
	F(close)

struct pcap_lib {
#define PCAP_LIB_MEMBER(name) __typeof__(pcap_##name) *name;
	PCAP_LIB_FUNCS(PCAP_LIB_MEMBER)
#undef PCAP_LIB_MEMBER
};

/* The library's functions, or NULL with the error set. */
const struct pcap_lib *pcap_lib_get(void);

#endif
