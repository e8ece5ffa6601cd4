/* The extensions linked in: libnftnl's static list, not constructors. */
#include "builtin.h"

void libxt_standard_init(void);
void libxt_tcp_init(void);
void libxt_udp_init(void);
void libipt_icmp_init(void);
void libxt_comment_init(void);
void libxt_addrtype_init(void);
void libxt_DSCP_init(void);
void libxt_dscp_init(void);
void libipt_ECN_init(void);
void libxt_ecn_init(void);
void libxt_iprange_init(void);
void libxt_length_init(void);
void libxt_mac_init(void);
void libxt_multiport_init(void);
void libxt_owner_init(void);
void libxt_physdev_init(void);
void libxt_pkttype_init(void);
void libxt_string_init(void);
void libxt_TCPMSS_init(void);
void libxt_tcpmss_init(void);
void libxt_TCPOPTSTRIP_init(void);
void libxt_time_init(void);
void libxt_TOS_init(void);
void libxt_tos_init(void);
void libipt_TTL_init(void);
void libipt_ttl_init(void);
void libxt_u32_init(void);

const uipt_extension_init_fn uipt_builtin_extensions[] = {
	libxt_standard_init,
	libxt_tcp_init,
	libxt_udp_init,
	libipt_icmp_init,
	libxt_comment_init,
	libxt_addrtype_init,
	libxt_DSCP_init,
	libxt_dscp_init,
	libipt_ECN_init,
	libxt_ecn_init,
	libxt_iprange_init,
	libxt_length_init,
	libxt_mac_init,
	libxt_multiport_init,
	libxt_owner_init,
	libxt_physdev_init,
	libxt_pkttype_init,
	libxt_string_init,
	libxt_TCPMSS_init,
	libxt_tcpmss_init,
	libxt_TCPOPTSTRIP_init,
	libxt_time_init,
	libxt_TOS_init,
	libxt_tos_init,
	libipt_TTL_init,
	libipt_ttl_init,
	libxt_u32_init,
	NULL,
};
