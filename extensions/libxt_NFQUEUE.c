/* NFQUEUE: hand the packet to a userspace program through a netlink queue. */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_NFQUEUE.h>

enum { O_QUEUE_NUM, O_QUEUE_BALANCE, O_QUEUE_BYPASS, O_QUEUE_CPU_FANOUT };

/* iptables 1.8.11 keeps the balance range below 65535: queues_total
 * must fit in 16 bits. */
#define BALANCE_MAX 65534u

static const struct xt_option_entry nfq0_opts[] = {
	{ .name = "queue-num", .id = O_QUEUE_NUM, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  XTOPT_POINTER(struct xt_NFQ_info, queuenum) },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry nfq3_opts[] = {
	{ .name = "queue-num", .id = O_QUEUE_NUM, .type = XTTYPE_UINT16, .flags = XTOPT_PUT,
	  .excl = 1 << O_QUEUE_BALANCE, XTOPT_POINTER(struct xt_NFQ_info_v3, queuenum) },
	{ .name = "queue-balance", .id = O_QUEUE_BALANCE, .type = XTTYPE_STRING,
	  .excl = 1 << O_QUEUE_NUM },
	{ .name = "queue-bypass", .id = O_QUEUE_BYPASS, .type = XTTYPE_NONE },
	{ .name = "queue-cpu-fanout", .id = O_QUEUE_CPU_FANOUT, .type = XTTYPE_NONE,
	  .also = 1 << O_QUEUE_BALANCE },
	XTOPT_TABLEEND,
};

static void nfq_help(FILE *f)
{
	fprintf(f, "NFQUEUE target options\n"
		"  --queue-num value             queue to send the packet to (0-65535)\n"
		"  --queue-balance first:last    spread flows over the queues first..last\n"
		"  --queue-bypass                accept instead of dropping when no program listens\n"
		"  --queue-cpu-fanout            with --queue-balance, pick the queue by CPU\n");
}

static void nfq_init(void *data)
{
	struct xt_NFQ_info_v3 *info = data;

	info->queues_total = 1;
}

/* n:m with either end left out, as iptables' integer-range options. */
static int parse_balance(const struct xt_option_call *cb, unsigned long long v[2],
			 unsigned int *n)
{
	const char *arg = cb->arg;
	char *end;

	for (*n = 0;; arg = end + 1) {
		if (*n == 2)
			return xt_error(PARAMETER_PROBLEM, "%s: Too many elements in array (2)\n",
					cb->ext_name);
		if (*arg == '\0' || *arg == ':') {
			end = (char *)arg;
			v[*n] = *n == 1 ? BALANCE_MAX : 0;
		} else if (!xt_strtoul(arg, &end, &v[*n], 0, BALANCE_MAX)) {
			return xt_error(PARAMETER_PROBLEM,
					"%s: bad value for option \"--%s\" near \"%s\", "
					"or out of range (0-%u).\n",
					cb->ext_name, cb->entry->name, arg, BALANCE_MAX);
		} else if (*end && *end != ':') {
			return xt_error(PARAMETER_PROBLEM,
					"%s: Argument to \"--%s\" has unexpected characters near \"%s\".\n",
					cb->ext_name, cb->entry->name, end);
		}
		(*n)++;
		if (!*end)
			return 0;
	}
}

static int nfq3_parse(struct xt_option_call *cb)
{
	struct xt_NFQ_info_v3 *info = cb->data;
	unsigned long long v[2];
	unsigned int n;

	switch (cb->entry->id) {
	case O_QUEUE_BALANCE:
		if (parse_balance(cb, v, &n) < 0)
			return -1;
		if (n != 2)
			return xt_error(PARAMETER_PROBLEM, "Bad range \"%s\"", cb->arg);
		if (v[0] >= v[1])
			return xt_error(PARAMETER_PROBLEM, "%llu should be less than %llu",
					v[0], v[1]);
		info->queuenum = (uint16_t)v[0];
		info->queues_total = (uint16_t)(v[1] - v[0] + 1);
		break;
	case O_QUEUE_BYPASS:
		info->flags |= NFQ_FLAG_BYPASS;
		break;
	case O_QUEUE_CPU_FANOUT:
		info->flags |= NFQ_FLAG_CPU_FANOUT;
		break;
	}
	return 0;
}

/* Revisions 1-3 share their first fields; flags only exist from 2. */
struct nfq_view {
	unsigned int num, total, flags;
};

static struct nfq_view view(const void *data, unsigned int rev)
{
	const struct xt_NFQ_info_v3 *v3 = data;
	struct nfq_view v = { v3->queuenum, 1, 0 };

	if (rev >= 1)
		v.total = v3->queues_total;
	if (rev >= 2)
		v.flags = v3->flags;
	return v;
}

static void show(FILE *f, const void *data, unsigned int rev, bool save)
{
	struct nfq_view v = view(data, rev);

	if (v.total > 1)
		fprintf(f, save ? " --queue-balance %u:%u" : " NFQUEUE balance %u:%u",
			v.num, v.num + v.total - 1);
	else
		fprintf(f, save ? " --queue-num %u" : " NFQUEUE num %u", v.num);
	if (v.flags & NFQ_FLAG_BYPASS)
		fputs(save ? " --queue-bypass" : " bypass", f);
	if (rev >= 3 && (v.flags & NFQ_FLAG_CPU_FANOUT))
		fputs(save ? " --queue-cpu-fanout" : " cpu-fanout", f);
}

#define SHOW_FUNCS(rev) \
static void nfq##rev##_print(FILE *f, const struct ipt_ip *ip, const void *data, \
			     bool numeric) \
{ \
	(void)ip; \
	(void)numeric; \
	show(f, data, rev, false); \
} \
static void nfq##rev##_save(FILE *f, const struct ipt_ip *ip, const void *data) \
{ \
	(void)ip; \
	show(f, data, rev, true); \
}

SHOW_FUNCS(0)
SHOW_FUNCS(1)
SHOW_FUNCS(2)
SHOW_FUNCS(3)

static int check(const struct xt_check_param *par, unsigned int rev)
{
	struct nfq_view v = view(par->data, rev);

	if (rev == 0)
		return 0;
	if (v.total == 0)
		return xt_error(OTHER_PROBLEM, "number of total queues is 0");
	if (v.total - 1 + v.num > 0xffff)
		return xt_error(OTHER_PROBLEM, "number of queues (%u) out of range", v.total);
	if (rev == 2 && v.flags > 1)
		return xt_error(OTHER_PROBLEM, "unknown flags");
	if (rev == 3 && (v.flags & ~NFQ_FLAG_MASK))
		return xt_error(OTHER_PROBLEM, "unknown flags");
	return 0;
}

static int nfq1_check(const struct xt_check_param *par) { return check(par, 1); }
static int nfq2_check(const struct xt_check_param *par) { return check(par, 2); }
static int nfq3_check(const struct xt_check_param *par) { return check(par, 3); }

/*
 * Nobody reads the queue in the evaluator: the kernel then drops the
 * packet, or accepts it with --queue-bypass.  Which queue of a balanced
 * range gets a flow depends on a boot-time hash or the CPU: unknowable.
 */
static unsigned int queue_verdict(struct xt_pkt *pkt, struct nfq_view v)
{
	char what[128];
	bool bypass = v.flags & NFQ_FLAG_BYPASS;

	if (v.total > 1)
		snprintf(what, sizeof(what), "NFQUEUE: no reader on queues %u-%u, packet %s",
			 v.num, v.num + v.total - 1, bypass ? "accepted" : "dropped");
	else
		snprintf(what, sizeof(what), "NFQUEUE: no reader on queue %u, packet %s",
			 v.num, bypass ? "accepted" : "dropped");
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume(pkt, what);
	return bypass ? NF_ACCEPT : NF_DROP;
}

#define TARGET_FUNC(rev) \
static unsigned int nfq##rev##_target(struct xt_pkt *pkt, const struct xt_action_param *par) \
{ \
	return queue_verdict(pkt, view(par->data, rev)); \
}

TARGET_FUNC(0)
TARGET_FUNC(1)
TARGET_FUNC(2)
TARGET_FUNC(3)

static struct xtables_target nfq_targets[] = {
	{
		.name = "NFQUEUE", .revision = 0, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_NFQ_info), .userspacesize = sizeof(struct xt_NFQ_info),
		.help = nfq_help, .print = nfq0_print, .save = nfq0_save,
		.options = nfq0_opts, .target = nfq0_target,
	},
	{
		.name = "NFQUEUE", .revision = 1, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_NFQ_info_v1),
		.userspacesize = sizeof(struct xt_NFQ_info_v1),
		.help = nfq_help, .print = nfq1_print, .save = nfq1_save,
		.checkentry = nfq1_check, .target = nfq1_target,
	},
	{
		.name = "NFQUEUE", .revision = 2, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_NFQ_info_v2),
		.userspacesize = sizeof(struct xt_NFQ_info_v2),
		.help = nfq_help, .print = nfq2_print, .save = nfq2_save,
		.checkentry = nfq2_check, .target = nfq2_target,
	},
	{
		.name = "NFQUEUE", .revision = 3, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_NFQ_info_v3),
		.userspacesize = sizeof(struct xt_NFQ_info_v3),
		.help = nfq_help, .init = nfq_init, .parse = nfq3_parse,
		.print = nfq3_print, .save = nfq3_save, .options = nfq3_opts,
		.checkentry = nfq3_check, .target = nfq3_target,
	},
};

void libxt_NFQUEUE_init(void)
{
	xtables_register_targets(nfq_targets, sizeof(nfq_targets) / sizeof(nfq_targets[0]));
}
