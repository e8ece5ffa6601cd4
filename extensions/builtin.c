/* The extensions linked in: libnftnl's static list, not constructors. */
#include "builtin.h"

void libxt_standard_init(void);
void libxt_tcp_init(void);
void libxt_udp_init(void);
void libipt_icmp_init(void);
void libxt_comment_init(void);
void libxt_helper_init(void);
void libxt_connbytes_init(void);
void libxt_connlimit_init(void);
void libxt_recent_init(void);
void libxt_quota_init(void);
void libxt_statistic_init(void);
void libxt_connlabel_init(void);
void libxt_CONNSECMARK_init(void);
void libxt_SECMARK_init(void);
void libxt_CT_init(void);
void libxt_NOTRACK_init(void);
void libxt_conntrack_init(void);
void libxt_state_init(void);
void libxt_mark_init(void);
void libxt_MARK_init(void);
void libxt_connmark_init(void);
void libxt_CONNMARK_init(void);
void libipt_NETMAP_init(void);
void libipt_REJECT_init(void);
void libxt_AUDIT_init(void);
void libxt_CHECKSUM_init(void);
void libxt_CLASSIFY_init(void);
void libxt_HMARK_init(void);
void libxt_IDLETIMER_init(void);
void libxt_LED_init(void);
void libxt_LOG_init(void);
void libxt_NAT_init(void);
void libxt_NFLOG_init(void);
void libxt_NFQUEUE_init(void);
void libxt_RATEEST_init(void);
void libxt_SYNPROXY_init(void);
void libxt_TEE_init(void);
void libxt_TPROXY_init(void);
void libxt_TRACE_init(void);
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
void libxt_l2tp_init(void);
void libxt_rateest_init(void);
void libxt_nfacct_init(void);
void libxt_ipvs_init(void);
void libipt_osf_init(void);
void libxt_devgroup_init(void);
void libxt_cluster_init(void);
void libxt_bpf_init(void);
void libxt_rpfilter_init(void);
void libxt_cgroup_init(void);
void libxt_socket_init(void);
void libxt_cpu_init(void);
void libipt_realm_init(void);
void libxt_policy_init(void);
void libxt_dccp_init(void);
void libxt_sctp_init(void);
void libxt_ipcomp_init(void);
void libxt_esp_init(void);
void libipt_ah_init(void);
void libxt_hashlimit_init(void);
void libxt_limit_init(void);

const uipt_extension_init_fn uipt_builtin_extensions[] = {
	libxt_standard_init,
	libxt_tcp_init,
	libxt_udp_init,
	libipt_icmp_init,
	libxt_comment_init,
	libxt_helper_init,
	libxt_connbytes_init,
	libxt_connlimit_init,
	libxt_recent_init,
	libxt_quota_init,
	libxt_statistic_init,
	libxt_connlabel_init,
	libxt_CONNSECMARK_init,
	libxt_SECMARK_init,
	libxt_CT_init,
	libxt_NOTRACK_init,
	libxt_conntrack_init,
	libxt_state_init,
	libxt_mark_init,
	libxt_MARK_init,
	libxt_connmark_init,
	libxt_CONNMARK_init,
	libipt_NETMAP_init,
	libipt_REJECT_init,
	libxt_AUDIT_init,
	libxt_CHECKSUM_init,
	libxt_CLASSIFY_init,
	libxt_HMARK_init,
	libxt_IDLETIMER_init,
	libxt_LED_init,
	libxt_LOG_init,
	libxt_NAT_init,
	libxt_NFLOG_init,
	libxt_NFQUEUE_init,
	libxt_RATEEST_init,
	libxt_SYNPROXY_init,
	libxt_TEE_init,
	libxt_TPROXY_init,
	libxt_TRACE_init,
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
	libxt_l2tp_init,
	libxt_rateest_init,
	libxt_nfacct_init,
	libxt_ipvs_init,
	libipt_osf_init,
	libxt_devgroup_init,
	libxt_cluster_init,
	libxt_bpf_init,
	libxt_rpfilter_init,
	libxt_cgroup_init,
	libxt_socket_init,
	libxt_cpu_init,
	libipt_realm_init,
	libxt_policy_init,
	libxt_dccp_init,
	libxt_sctp_init,
	libxt_ipcomp_init,
	libxt_esp_init,
	libipt_ah_init,
	libxt_hashlimit_init,
	libxt_limit_init,
	NULL,
};
