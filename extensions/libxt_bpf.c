/*
 * bpf: a classic BPF program run on the packet from its IP header; it
 * matches when the program returns non-zero.  A pinned eBPF object is a
 * program the evaluator cannot see.
 */
#include <stdlib.h>
#include <string.h>
#include <uiptables/packet.h>
#include <uiptables/host.h>
#include <linux/filter.h>
#include <linux/netfilter/xt_bpf.h>
#include "../libxt/error.h"

enum { O_BYTECODE, O_PINNED };

static const struct xt_option_entry bpf_opts_v0[] = {
	{ .name = "bytecode", .id = O_BYTECODE, .type = XTTYPE_STRING, .flags = XTOPT_MAND },
	XTOPT_TABLEEND,
};

static const struct xt_option_entry bpf_opts_v1[] = {
	{ .name = "bytecode", .id = O_BYTECODE, .type = XTTYPE_STRING },
	{ .name = "object-pinned", .id = O_PINNED, .type = XTTYPE_STRING,
	  .flags = XTOPT_PUT, XTOPT_POINTER(struct xt_bpf_info_v1, path) },
	XTOPT_TABLEEND,
};

static void bpf_help(FILE *f)
{
	fprintf(f, "bpf match options:\n"
		"--bytecode <program>           a classic BPF program, written as\n"
		"                               \"count,code jt jf k,code jt jf k,...\"\n"
		"                               (what nfbpf_compile RAW '<filter>' prints)\n"
		"--object-pinned <path>         a BPF object pinned in the bpf file system\n");
}

/* "n,code jt jf k,..." with iptables' checks and messages. */
static int parse_program(const char *arg, struct sock_filter *prog, __u16 *lenp)
{
	const char *tok = arg;
	unsigned short len;
	char sep;
	int i = 0;

	if (sscanf(arg, "%hu%c", &len, &sep) != 2 || sep != ',')
		return xt_error(PARAMETER_PROBLEM, "bpf: error parsing program length");
	if (!len)
		return xt_error(PARAMETER_PROBLEM, "bpf: illegal zero length program");
	if (len > XT_BPF_MAX_NUM_INSTR)
		return xt_error(PARAMETER_PROBLEM, "bpf: number of instructions exceeds maximum");
	while ((tok = strchr(tok, ',')) && (++tok)[0]) {
		struct sock_filter *pc = &prog[i];

		if (i >= len)
			return xt_error(PARAMETER_PROBLEM, "bpf: real program length exceeds "
					"the encoded length parameter");
		if (sscanf(tok, "%hu %hhu %hhu %u,", &pc->code, &pc->jt, &pc->jf, &pc->k) != 4)
			return xt_error(PARAMETER_PROBLEM, "bpf: error at instr %d", i);
		i++;
	}
	if (i != len)
		return xt_error(PARAMETER_PROBLEM, "bpf: parsed program length is less than "
				"the encoded length parameter");
	*lenp = len;
	return 0;
}

static int parse_v0(struct xt_option_call *cb)
{
	struct xt_bpf_info *b = cb->data;

	return parse_program(cb->arg, b->bpf_program, &b->bpf_program_num_elem);
}

static int parse_v1(struct xt_option_call *cb)
{
	struct xt_bpf_info_v1 *b = cb->data;

	if (cb->entry->id == O_PINNED) {
		/* iptables opens the object and passes its descriptor; we
		 * cannot, so the path alone stands for it. */
		b->mode = XT_BPF_MODE_FD_PINNED;
		b->fd = -1;
		return 0;
	}
	b->mode = XT_BPF_MODE_BYTECODE;
	return parse_program(cb->arg, b->bpf_program, &b->bpf_program_num_elem);
}

static int final_v1(struct xt_fcheck_call *cb)
{
	if (!(cb->xflags & (1u << O_BYTECODE | 1u << O_PINNED)))
		return xt_error(PARAMETER_PROBLEM, "bpf: one of --bytecode or --pinned is required");
	return 0;
}

/* Instructions as "code jt jf k", comma separated, `tail' after the last. */
static void print_code(FILE *f, const struct sock_filter *pc, unsigned int len, char tail)
{
	for (; len; len--, pc++) {
		fprintf(f, "%hu %hhu %hhu %u", pc->code, pc->jt, pc->jf, pc->k);
		fputc(len > 1 ? ',' : tail, f);
	}
}

static unsigned int prog_len(__u16 n)
{
	return n > XT_BPF_MAX_NUM_INSTR ? XT_BPF_MAX_NUM_INSTR : n;
}

/* iptables ends the listing with a NUL byte; kept, for identical output. */
static void print_v0(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_bpf_info *b = data;

	(void)ip;
	(void)numeric;
	fputs("match bpf ", f);
	print_code(f, b->bpf_program, prog_len(b->bpf_program_num_elem), '\0');
}

static void save_code(FILE *f, const struct sock_filter *prog, __u16 n)
{
	fprintf(f, " --bytecode \"%hu,", n);
	print_code(f, prog, prog_len(n), '"');
}

static void save_v0(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_bpf_info *b = data;

	(void)ip;
	save_code(f, b->bpf_program, b->bpf_program_num_elem);
}

static void print_v1(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_bpf_info_v1 *b = data;

	(void)ip;
	(void)numeric;
	fputs("match bpf ", f);
	if (b->mode == XT_BPF_MODE_BYTECODE)
		print_code(f, b->bpf_program, prog_len(b->bpf_program_num_elem), '\0');
	else if (b->mode == XT_BPF_MODE_FD_PINNED)
		fprintf(f, "pinned %.*s", (int)sizeof(b->path), b->path);
	else
		fputs("unknown", f);
}

static void save_v1(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_bpf_info_v1 *b = data;

	(void)ip;
	if (b->mode == XT_BPF_MODE_BYTECODE)
		save_code(f, b->bpf_program, b->bpf_program_num_elem);
	else if (b->mode == XT_BPF_MODE_FD_PINNED)
		fprintf(f, " --object-pinned %.*s", (int)sizeof(b->path), b->path);
}

/* ---- kernel half: bpf_check_classic and the classic interpreter ---- */

static bool code_allowed(uint16_t code)
{
	static const uint16_t ok[] = {
		BPF_ALU | BPF_ADD | BPF_K, BPF_ALU | BPF_ADD | BPF_X,
		BPF_ALU | BPF_SUB | BPF_K, BPF_ALU | BPF_SUB | BPF_X,
		BPF_ALU | BPF_MUL | BPF_K, BPF_ALU | BPF_MUL | BPF_X,
		BPF_ALU | BPF_DIV | BPF_K, BPF_ALU | BPF_DIV | BPF_X,
		BPF_ALU | BPF_MOD | BPF_K, BPF_ALU | BPF_MOD | BPF_X,
		BPF_ALU | BPF_AND | BPF_K, BPF_ALU | BPF_AND | BPF_X,
		BPF_ALU | BPF_OR | BPF_K, BPF_ALU | BPF_OR | BPF_X,
		BPF_ALU | BPF_XOR | BPF_K, BPF_ALU | BPF_XOR | BPF_X,
		BPF_ALU | BPF_LSH | BPF_K, BPF_ALU | BPF_LSH | BPF_X,
		BPF_ALU | BPF_RSH | BPF_K, BPF_ALU | BPF_RSH | BPF_X,
		BPF_ALU | BPF_NEG,
		BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
		BPF_LD | BPF_W | BPF_LEN,
		BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
		BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
		BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH,
		BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
		BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
		BPF_RET | BPF_K, BPF_RET | BPF_A,
		BPF_JMP | BPF_JA,
		BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JEQ | BPF_X,
		BPF_JMP | BPF_JGE | BPF_K, BPF_JMP | BPF_JGE | BPF_X,
		BPF_JMP | BPF_JGT | BPF_K, BPF_JMP | BPF_JGT | BPF_X,
		BPF_JMP | BPF_JSET | BPF_K, BPF_JMP | BPF_JSET | BPF_X,
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i] == code)
			return true;
	return false;
}

/* Scratch memory must be written before it is read, on every path. */
static bool loads_after_stores(const struct sock_filter *p, unsigned int len)
{
	uint16_t *masks = malloc(len * sizeof(*masks));
	uint16_t memvalid = 0;
	bool ok = true;

	if (!masks)
		return false;
	for (unsigned int i = 0; i < len; i++)
		masks[i] = 0xFFFF;
	for (unsigned int pc = 0; pc < len && ok; pc++) {
		memvalid &= masks[pc];
		switch (p[pc].code) {
		case BPF_ST:
		case BPF_STX:
			memvalid |= (uint16_t)(1u << p[pc].k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			ok = memvalid & (1u << p[pc].k);
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + p[pc].k] &= memvalid;
			memvalid = 0xFFFF;
			break;
		default:
			if (BPF_CLASS(p[pc].code) == BPF_JMP) {
				masks[pc + 1 + p[pc].jt] &= memvalid;
				masks[pc + 1 + p[pc].jf] &= memvalid;
				memvalid = 0xFFFF;
			}
			break;
		}
	}
	free(masks);
	return ok;
}

/* What the kernel's bpf_check_classic refuses. */
static bool program_valid(const struct sock_filter *p, unsigned int len)
{
	if (!len || len > BPF_MAXINSNS)
		return false;
	for (unsigned int pc = 0; pc < len; pc++) {
		const struct sock_filter *ins = &p[pc];

		if (!code_allowed(ins->code))
			return false;
		switch (ins->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (!ins->k)
				return false;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (ins->k >= BPF_MEMWORDS)
				return false;
			break;
		case BPF_JMP | BPF_JA:
			if (ins->k >= len - pc - 1)
				return false;
			break;
		default:
			if (BPF_CLASS(ins->code) == BPF_JMP &&
			    (pc + ins->jt + 1 >= len || pc + ins->jf + 1 >= len))
				return false;
			break;
		}
	}
	if (BPF_CLASS(p[len - 1].code) != BPF_RET)
		return false;
	return loads_after_stores(p, len);
}

static int refuse(void)
{
	return xt_error_as(XT_ERR_IPTC, OTHER_PROBLEM,
			   "Invalid argument. Run `dmesg' for more information");
}

static int check_v0(const struct xt_check_param *par)
{
	const struct xt_bpf_info *b = par->data;

	if (b->bpf_program_num_elem > XT_BPF_MAX_NUM_INSTR ||
	    !program_valid(b->bpf_program, b->bpf_program_num_elem))
		return refuse();
	return 0;
}

static int check_v1(const struct xt_check_param *par)
{
	const struct xt_bpf_info_v1 *b = par->data;

	if (b->mode == XT_BPF_MODE_BYTECODE)
		return b->bpf_program_num_elem > XT_BPF_MAX_NUM_INSTR ||
		       !program_valid(b->bpf_program, b->bpf_program_num_elem) ? refuse() : 0;
	/* A pinned object's type the kernel checks; the model cannot. */
	if (b->mode == XT_BPF_MODE_FD_PINNED)
		return 0;
	return refuse();
}

struct bpf_run {
	const struct xt_pkt *pkt;
	bool unknown;		/* an ancillary field the model does not have */
};

static int ifindex_of(const struct xt_pkt *pkt, const char *name)
{
	const struct uipt_host *h = pkt->host;

	for (unsigned int i = 0; h && i < h->nifaces; i++)
		if (!strcmp(h->ifaces[i].name, name))
			return h->ifaces[i].index;
	return 0;
}

/* SKF_AD_* fields of the skb. */
static bool ancillary(struct bpf_run *r, uint32_t off, uint32_t *v)
{
	const struct xt_pkt *pkt = r->pkt;

	switch (off) {
	case SKF_AD_PROTOCOL:
		*v = 0x0800;	/* ETH_P_IP */
		return true;
	case SKF_AD_PKTTYPE:
		*v = pkt->pkttype;
		return true;
	case SKF_AD_IFINDEX:
		*v = pkt->in[0] ? (uint32_t)ifindex_of(pkt, pkt->in) : 0;
		return true;
	case SKF_AD_MARK:
		*v = pkt->mark;
		return true;
	case SKF_AD_PAY_OFFSET:
		*v = pkt->thoff;
		return true;
	case SKF_AD_VLAN_TAG:
	case SKF_AD_VLAN_TAG_PRESENT:
		*v = 0;
		return true;
	}
	r->unknown = true;
	*v = 0;
	return true;
}

/* Loads `size' bytes at `off' from the IP header, or an ancillary field. */
static bool load(struct bpf_run *r, int32_t off, unsigned int size, uint32_t *v)
{
	const struct xt_pkt *pkt = r->pkt;
	const uint8_t *p;
	unsigned int base = 0;

	if (off >= SKF_AD_OFF && off < 0 && off < SKF_AD_OFF + SKF_AD_MAX)
		return ancillary(r, (uint32_t)(off - SKF_AD_OFF), v);
	if (off >= SKF_NET_OFF && off < SKF_AD_OFF) {
		off -= SKF_NET_OFF;	/* the network header is our start */
	} else if (off >= SKF_LL_OFF && off < SKF_NET_OFF) {
		if (!pkt->has_mac || off - SKF_LL_OFF + size > 14)
			return false;
		p = pkt->mac + (off - SKF_LL_OFF);
		*v = size == 4 ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3] :
		     size == 2 ? (uint32_t)(p[0] << 8 | p[1]) : p[0];
		return true;
	} else if (off < 0) {
		return false;
	}
	if ((unsigned int)off + size > pkt->len || (unsigned int)off + size < (unsigned int)off)
		return false;
	p = pkt->data + base + off;
	*v = size == 4 ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3] :
	     size == 2 ? (uint32_t)(p[0] << 8 | p[1]) : p[0];
	return true;
}

static unsigned int size_of(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

/* The classic BPF machine; a load out of the packet ends it returning 0. */
static uint32_t run(struct bpf_run *r, const struct sock_filter *prog, unsigned int len)
{
	uint32_t A = 0, X = 0, M[BPF_MEMWORDS] = { 0 }, v;

	for (unsigned int pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &prog[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? X : i->k;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			switch (BPF_MODE(i->code)) {
			case BPF_ABS:
			case BPF_IND:
				if (!load(r, (int32_t)(i->k + (BPF_MODE(i->code) == BPF_IND ? X : 0)),
					  size_of(i->code), &v))
					return 0;
				A = v;
				break;
			case BPF_LEN:
				A = r->pkt->len;
				break;
			case BPF_IMM:
				A = i->k;
				break;
			case BPF_MEM:
				A = M[i->k & 15];
				break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(i->code)) {
			case BPF_LEN:
				X = r->pkt->len;
				break;
			case BPF_IMM:
				X = i->k;
				break;
			case BPF_MEM:
				X = M[i->k & 15];
				break;
			case BPF_MSH:
				if (!load(r, (int32_t)i->k, 1, &v))
					return 0;
				X = (v & 0xF) << 2;
				break;
			}
			break;
		case BPF_ST:
			M[i->k & 15] = A;
			break;
		case BPF_STX:
			M[i->k & 15] = X;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD: A += src; break;
			case BPF_SUB: A -= src; break;
			case BPF_MUL: A *= src; break;
			case BPF_DIV:
				if (!src)
					return 0;
				A /= src;
				break;
			case BPF_MOD:
				if (!src)
					return 0;
				A %= src;
				break;
			case BPF_AND: A &= src; break;
			case BPF_OR: A |= src; break;
			case BPF_XOR: A ^= src; break;
			case BPF_LSH: A = src < 32 ? A << src : 0; break;
			case BPF_RSH: A = src < 32 ? A >> src : 0; break;
			case BPF_NEG: A = -A; break;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				pc += i->k;
				break;
			}
			switch (BPF_OP(i->code)) {
			case BPF_JEQ: v = A == src; break;
			case BPF_JGT: v = A > src; break;
			case BPF_JGE: v = A >= src; break;
			default: v = (A & src) != 0; break;	/* BPF_JSET */
			}
			pc += v ? i->jt : i->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? A : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		}
	}
	return 0;
}

static bool run_program(const struct xt_pkt *pkt, const struct sock_filter *prog, unsigned int len)
{
	struct bpf_run r = { .pkt = pkt };
	bool res = run(&r, prog, len) != 0;

	if (r.unknown && pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt,
				 "bpf: an ancillary field the model lacks was read as 0");
	return res;
}

static bool match_v0(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_bpf_info *b = par->data;

	return run_program(pkt, b->bpf_program, prog_len(b->bpf_program_num_elem));
}

static bool match_v1(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_bpf_info_v1 *b = par->data;

	if (b->mode == XT_BPF_MODE_BYTECODE)
		return run_program(pkt, b->bpf_program, prog_len(b->bpf_program_num_elem));
	if (pkt->ops && pkt->ops->assume)
		pkt->ops->assume((struct xt_pkt *)pkt, "bpf: the pinned program's verdict");
	return pkt->assume_unknown_match;
}

static struct xtables_match bpf_exts[] = {
	{
		.name = "bpf", .revision = 0, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_bpf_info),
		.userspacesize = offsetof(struct xt_bpf_info, filter),
		.help = bpf_help, .parse = parse_v0, .print = print_v0, .save = save_v0,
		.options = bpf_opts_v0, .checkentry = check_v0, .match = match_v0,
	},
	{
		.name = "bpf", .revision = 1, .family = NFPROTO_UNSPEC,
		.size = sizeof(struct xt_bpf_info_v1),
		.userspacesize = offsetof(struct xt_bpf_info_v1, filter),
		.help = bpf_help, .parse = parse_v1, .final_check = final_v1,
		.print = print_v1, .save = save_v1,
		.options = bpf_opts_v1, .checkentry = check_v1, .match = match_v1,
	},
};

void libxt_bpf_init(void)
{
	xtables_register_matches(bpf_exts, sizeof(bpf_exts) / sizeof(bpf_exts[0]));
}
