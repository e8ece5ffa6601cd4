/* cluster: share connections among nodes by a hash of the source address. */
#include <uiptables/packet.h>
#include <uiptables/conntrack.h>
#include <uiptables/jhash.h>
#include <linux/netfilter/xt_cluster.h>
#include "../libxt/error.h"

enum { O_TOTAL, O_NODE, O_NODEMASK, O_SEED };
#define F(o) (1u << (o))

#define S struct xt_cluster_match_info
static const struct xt_option_entry cluster_opts[] = {
	{ .name = "cluster-total-nodes", .id = O_TOTAL, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MAND | XTOPT_PUT, XTOPT_POINTER(S, total_nodes),
	  .min = 1, .max = XT_CLUSTER_NODES_MAX },
	{ .name = "cluster-local-node", .id = O_NODE, .excl = F(O_NODEMASK),
	  .type = XTTYPE_UINT32, .flags = XTOPT_INVERT,
	  .min = 1, .max = XT_CLUSTER_NODES_MAX },
	{ .name = "cluster-local-nodemask", .id = O_NODEMASK, .excl = F(O_NODE),
	  .type = XTTYPE_UINT32, .flags = XTOPT_INVERT | XTOPT_PUT,
	  XTOPT_POINTER(S, node_mask),
	  /* iptables bounds the mask like a node number: 1..32. */
	  .min = 1, .max = XT_CLUSTER_NODES_MAX },
	{ .name = "cluster-hash-seed", .id = O_SEED, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MAND | XTOPT_PUT, XTOPT_POINTER(S, hash_seed) },
	XTOPT_TABLEEND,
};
#undef S

static void cluster_help(FILE *f)
{
	fprintf(f, "cluster match options:\n"
		"  --cluster-total-nodes <num>          how many nodes the cluster has\n"
		"  [!] --cluster-local-node <num>       this node's number (from 1)\n"
		"  [!] --cluster-local-nodemask <mask>  this node's numbers, as a bit mask\n"
		"  --cluster-hash-seed <num>            seed of the hash, the same on all nodes\n");
}

static int cluster_parse(struct xt_option_call *cb)
{
	struct xt_cluster_match_info *c = cb->data;

	if (cb->invert)
		c->flags |= XT_CLUSTER_F_INV;
	if (cb->entry->id == O_NODE)
		c->node_mask = 1u << ((cb->val.u32 - 1) & 31);
	return 0;
}

static int cluster_final(struct xt_fcheck_call *cb)
{
	const struct xt_cluster_match_info *c = cb->data;
	unsigned int x = cb->xflags;
	bool too_big = c->node_mask >= (1ull << (c->total_nodes > 63 ? 63 : c->total_nodes));

	if ((x & (F(O_TOTAL) | F(O_NODE) | F(O_SEED))) == (F(O_TOTAL) | F(O_NODE) | F(O_SEED)))
		return too_big ? xt_error(PARAMETER_PROBLEM, "cluster match: "
					  "`--cluster-local-node' must be <= "
					  "`--cluster-total-nodes'") : 0;
	if ((x & (F(O_TOTAL) | F(O_NODEMASK) | F(O_SEED))) ==
	    (F(O_TOTAL) | F(O_NODEMASK) | F(O_SEED)))
		return too_big ? xt_error(PARAMETER_PROBLEM, "cluster match: "
					  "`--cluster-local-nodemask' too big for "
					  "`--cluster-total-nodes'") : 0;
	if (!(x & (F(O_NODE) | F(O_NODEMASK))))
		return xt_error(PARAMETER_PROBLEM, "cluster match: `--cluster-local-node' "
				"or`--cluster-local-nodemask' is missing");
	return 0;	/* the rest the mandatory options report */
}

static void cluster_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_cluster_match_info *c = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " cluster %snode_mask=0x%08x total_nodes=%u hash_seed=0x%08x",
		c->flags & XT_CLUSTER_F_INV ? "!" : "", c->node_mask, c->total_nodes,
		c->hash_seed);
}

static void cluster_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_cluster_match_info *c = data;

	(void)ip;
	fprintf(f, "%s --cluster-local-nodemask 0x%08x --cluster-total-nodes %u "
		"--cluster-hash-seed 0x%08x", c->flags & XT_CLUSTER_F_INV ? " !" : "",
		c->node_mask, c->total_nodes, c->hash_seed);
}

static int cluster_check(const struct xt_check_param *par)
{
	const struct xt_cluster_match_info *c = par->data;

	if (c->total_nodes > XT_CLUSTER_NODES_MAX)
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
				   "Invalid argument. Run `dmesg' for more information");
	if (c->node_mask >= (1ull << c->total_nodes))
		return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM, "Numerical argument out of domain");
	return 0;
}

/*
 * The node owning a connection: a hash of its original source address,
 * scaled to the node count.  (The kernel hashes an expected connection's
 * master; the model's connections carry no master, so their own.)
 */
static bool cluster_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_cluster_match_info *c = par->data;
	uint32_t hash;

	if (!pkt->ct)
		return false;
	hash = uipt_jhash_1word(pkt->ct->tuple[UIPT_DIR_ORIGINAL].src.ip, c->hash_seed);
	hash = (uint32_t)(((uint64_t)hash * c->total_nodes) >> 32);
	return !!((1ull << hash) & c->node_mask) != !!(c->flags & XT_CLUSTER_F_INV);
}

static struct xtables_match cluster_match_ext = {
	.name = "cluster",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_cluster_match_info),
	.userspacesize = sizeof(struct xt_cluster_match_info),
	.help = cluster_help,
	.parse = cluster_parse,
	.final_check = cluster_final,
	.print = cluster_print,
	.save = cluster_save,
	.options = cluster_opts,
	.checkentry = cluster_check,
	.match = cluster_match,
};

void libxt_cluster_init(void)
{
	xtables_register_match(&cluster_match_ext);
}
