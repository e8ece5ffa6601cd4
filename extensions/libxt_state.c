/*
 * state: the connection tracking state of the packet.
 *
 * iptables 1.8.11 sends `-m state` as conntrack revision 3 with the
 * STATE and STATE_ALIAS flags (the conntrack extension prints such an
 * entry back as `-m state`).  The old state match, revision 0 with its own
 * struct, is still read from blobs.
 */
#include <string.h>
#include <strings.h>
#include <uiptables/conntrack.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_state.h>

enum { O_STATE };

static const struct xt_option_entry state_opts[] = {
	{ .name = "state", .id = O_STATE, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

/* Printed in this order.  The layouts share every bit but UNTRACKED. */
static const struct {
	const char *name;
	unsigned int bit;	/* xt_state_info */
	unsigned int ctbit;	/* xt_conntrack_mtinfo3 */
} states[] = {
	{ "INVALID", XT_STATE_INVALID, XT_CONNTRACK_STATE_INVALID },
	{ "NEW", XT_STATE_BIT(IP_CT_NEW), XT_CONNTRACK_STATE_BIT(IP_CT_NEW) },
	{ "RELATED", XT_STATE_BIT(IP_CT_RELATED), XT_CONNTRACK_STATE_BIT(IP_CT_RELATED) },
	{ "ESTABLISHED", XT_STATE_BIT(IP_CT_ESTABLISHED),
	  XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED) },
	{ "UNTRACKED", XT_STATE_UNTRACKED, XT_CONNTRACK_STATE_UNTRACKED },
};

#define NSTATES (sizeof(states) / sizeof(states[0]))

static void state_help(FILE *f)
{
	fprintf(f, "state match options:\n"
		" [!] --state [INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED][,...]\n"
		"                               State(s) of the connection to match\n");
}

static bool one_state(const char *s, size_t len, unsigned int *mask, bool ct)
{
	for (size_t i = 0; i < NSTATES; i++)
		if (strlen(states[i].name) == len && !strncasecmp(states[i].name, s, len)) {
			*mask |= ct ? states[i].ctbit : states[i].bit;
			return true;
		}
	return false;
}

/* As iptables: a bad name is reported with the rest of the list. */
static int parse_states(const char *arg, unsigned int *mask, bool ct)
{
	const char *comma;

	for (; (comma = strchr(arg, ',')); arg = comma + 1)
		if (comma == arg || !one_state(arg, (size_t)(comma - arg), mask, ct))
			return xt_error(PARAMETER_PROBLEM, "Bad state \"%s\"", arg);
	/* Nothing after the last comma, or nothing at all. */
	if (!*arg)
		return xt_error(PARAMETER_PROBLEM, "\"--state\" requires a list of states "
				"with no spaces, e.g. ESTABLISHED,RELATED");
	if (!one_state(arg, strlen(arg), mask, ct))
		return xt_error(PARAMETER_PROBLEM, "Bad state \"%s\"", arg);
	return 0;
}

static int state_alias_parse(struct xt_option_call *cb)
{
	struct xt_conntrack_mtinfo3 *info = cb->data;
	unsigned int mask = 0;

	if (parse_states(cb->arg, &mask, true) < 0)
		return -1;
	info->state_mask = (uint16_t)mask;
	info->match_flags = XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS;
	if (cb->invert)
		info->invert_flags |= XT_CONNTRACK_STATE;
	return 0;
}

static void print_states(FILE *f, unsigned int mask, bool ct)
{
	const char *sep = " ";

	for (size_t i = 0; i < NSTATES; i++)
		if (mask & (ct ? states[i].ctbit : states[i].bit)) {
			fprintf(f, "%s%s", sep, states[i].name);
			sep = ",";
		}
}

static void state_alias_print(FILE *f, const struct ipt_ip *ip, const void *data,
			      bool numeric)
{
	const struct xt_conntrack_mtinfo3 *info = data;

	(void)ip;
	(void)numeric;
	fprintf(f, "%s state", info->invert_flags & XT_CONNTRACK_STATE ? " !" : "");
	print_states(f, info->state_mask, true);
}

static void state_alias_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_conntrack_mtinfo3 *info = data;

	(void)ip;
	fprintf(f, "%s --state", info->invert_flags & XT_CONNTRACK_STATE ? " !" : "");
	print_states(f, info->state_mask, true);
}

/* Revision 0: a plain mask, no inversion in the kernel. */
static void state0_print(FILE *f, const struct ipt_ip *ip, const void *data,
			 bool numeric)
{
	const struct xt_state_info *si = data;

	(void)ip;
	(void)numeric;
	fputs(" state", f);
	print_states(f, si->statemask, false);
}

static void state0_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_state_info *si = data;

	(void)ip;
	fputs(" --state", f);
	print_states(f, si->statemask, false);
}

/* The bit for the packet, as state_mt: untracked and invalid have no
 * connection. */
static unsigned int packet_state(const struct xt_pkt *pkt)
{
	if (pkt->ct && !pkt->untracked)
		return XT_STATE_BIT(pkt->ctinfo);
	if (pkt->untracked || pkt->ctinfo == UIPT_CT_UNTRACKED)
		return XT_STATE_UNTRACKED;
	return XT_STATE_INVALID;
}

static bool state0_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_state_info *si = par->data;

	return si->statemask & packet_state(pkt);
}

/* The alias is conntrack revision 3 restricted to the state. */
static bool state_alias_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_conntrack_mtinfo3 *info = par->data;
	unsigned int bit = packet_state(pkt);

	if (bit == XT_STATE_UNTRACKED)
		bit = XT_CONNTRACK_STATE_UNTRACKED;

	return !!(info->state_mask & bit) != !!(info->invert_flags & XT_CONNTRACK_STATE);
}

static struct xtables_match state_matches[] = {
	{
		.name = "state",
		.revision = 0,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_state_info),
		.userspacesize = sizeof(struct xt_state_info),
		.help = state_help,
		.print = state0_print,
		.save = state0_save,
		.match = state0_match,
	},
	{
		.name = "state",
		.real_name = "conntrack",
		.revision = 3,
		.family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_conntrack_mtinfo3),
		.userspacesize = sizeof(struct xt_conntrack_mtinfo3),
		.help = state_help,
		.parse = state_alias_parse,
		.print = state_alias_print,
		.save = state_alias_save,
		.options = state_opts,
		.match = state_alias_match,
	},
};

void libxt_state_init(void)
{
	xtables_register_matches(state_matches,
				 sizeof(state_matches) / sizeof(state_matches[0]));
}
