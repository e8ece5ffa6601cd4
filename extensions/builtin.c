/* The extensions linked in: libnftnl's static list, not constructors. */
#include "builtin.h"

void libxt_standard_init(void);
void libxt_tcp_init(void);
void libxt_udp_init(void);
void libipt_icmp_init(void);
void libxt_comment_init(void);
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
