/*
 * ct_kernel.c - the live kernel connection tracking table as a ct_source
 *
 * Everything speaks ctnetlink over libmnl.  A dump streams: one receive
 * buffer, one entry object at a time, memory flat in the size of the table.
 * Entries are encoded and decoded by libnetfilter_conntrack
 * (nfct_nlmsg_build/parse), the path conntrack(8) takes, so the kernel sees
 * the very same messages and answers with the very same errors.
 */
/* SO_RCVBUFFORCE needs _GNU_SOURCE, set by configure. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ct_source.h"

/* The kernel fills a dump skb up to the reader's buffer, capped at 32 KiB:
 * a buffer this size means the fewest system calls per entry. */
#define CT_KERNEL_BUFSIZ	32768
/* One entry and its acknowledgement fit in a page-sized answer. */
#define CT_REQ_BUFSIZ		8192

struct ct_source {
	struct mnl_socket	*nl;		/* dumps, stats, flushes */
	struct mnl_socket	*req;		/* single entries, lazily */
	struct mnl_socket	*ev;		/* event subscription, lazily */
	uint32_t		portid;
	uint32_t		req_portid;
	uint32_t		seq;
	char			*buf;
	char			reqbuf[CT_REQ_BUFSIZ];
};

static int kernel_open(struct ct_source **srcp)
{
	struct ct_source *src;
	int err;

	src = calloc(1, sizeof(*src));
	if (src == NULL)
		return -ENOMEM;
	src->buf = malloc(CT_KERNEL_BUFSIZ);
	if (src->buf == NULL) {
		free(src);
		return -ENOMEM;
	}
	src->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (src->nl == NULL)
		goto err;
	if (mnl_socket_bind(src->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	src->portid = mnl_socket_get_portid(src->nl);
	src->seq = (uint32_t)time(NULL);
	*srcp = src;
	return 0;
err:
	err = errno;
	if (src->nl != NULL)
		mnl_socket_close(src->nl);
	free(src->buf);
	free(src);
	return -err;
}

static void kernel_close(struct ct_source *src)
{
	if (src == NULL)
		return;
	if (src->req != NULL)
		mnl_socket_close(src->req);
	if (src->ev != NULL)
		mnl_socket_close(src->ev);
	mnl_socket_close(src->nl);
	free(src->buf);
	free(src);
}

static struct nlmsghdr *put_request(struct ct_source *src, uint8_t subsys,
				    uint8_t msg, uint16_t flags,
				    uint8_t family)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfh;

	nlh = mnl_nlmsg_put_header(src->buf);
	nlh->nlmsg_type = (subsys << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++src->seq;

	nfh = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfh));
	nfh->nfgen_family = family;
	nfh->version = NFNETLINK_V0;
	nfh->res_id = 0;
	return nlh;
}

/* Send @nlh and run @cb over every answer until the kernel says done. */
static int talk(struct ct_source *src, struct nlmsghdr *nlh,
		mnl_cb_t cb, void *data, const int *cb_err)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(src->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		n = mnl_socket_recvfrom(src->nl, src->buf, CT_KERNEL_BUFSIZ);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(src->buf, n, seq, src->portid, cb, data);
		if (ret < 0)
			return (cb_err && *cb_err) ? *cb_err : -errno;
		if (ret == MNL_CB_STOP)
			return (cb_err && *cb_err < 0) ? *cb_err : 0;
	}
}

/* A callback asked to stop: leave the rest of a dump unread.  A fresh
 * socket is cheaper than draining a table we no longer want. */
static int reset_socket(struct ct_source *src)
{
	struct mnl_socket *nl;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(nl);
		return -err;
	}
	mnl_socket_close(src->nl);
	src->nl = nl;
	src->portid = mnl_socket_get_portid(nl);
	return 0;
}

struct dump_ctx {
	ct_entry_cb	cb;
	void		*data;
	int		err;		/* <0 error, >0 stopped by the callback */
};

static int dump_entry_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct nf_conntrack *ct;
	int ret;

	ct = nfct_new();
	if (ct == NULL) {
		ctx->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	if (nfct_nlmsg_parse(nlh, ct) < 0) {
		/* an entry we cannot decode is skipped, as conntrack does */
		nfct_destroy(ct);
		return MNL_CB_OK;
	}
	ret = ctx->cb(ct, ctx->data);
	nfct_destroy(ct);
	if (ret == 0)
		return MNL_CB_OK;
	ctx->err = ret;
	return ret < 0 ? MNL_CB_ERROR : MNL_CB_STOP;
}

static uint8_t dump_msg_type(enum ct_table table, bool zero)
{
	switch (table) {
	case CT_TABLE_DYING:
		return IPCTNL_MSG_CT_GET_DYING;
	case CT_TABLE_UNCONFIRMED:
		return IPCTNL_MSG_CT_GET_UNCONFIRMED;
	default:
		return zero ? IPCTNL_MSG_CT_GET_CTRZERO : IPCTNL_MSG_CT_GET;
	}
}

static int kernel_dump(struct ct_source *src, enum ct_table table,
		       const struct ct_dump_filter *f, ct_entry_cb cb,
		       void *data)
{
	struct dump_ctx ctx = { .cb = cb, .data = data };
	struct nlmsghdr *nlh;
	int ret;

	if (table == CT_TABLE_EXPECT)
		return -EINVAL;

	nlh = put_request(src, NFNL_SUBSYS_CTNETLINK,
			  dump_msg_type(table, f->zero), NLM_F_DUMP,
			  f->family);
	if (f->has_mark) {
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(f->mark));
		mnl_attr_put_u32(nlh, CTA_MARK_MASK, htonl(f->mark_mask));
	}
	if (f->has_status) {
		mnl_attr_put_u32(nlh, CTA_STATUS, htonl(f->status));
		mnl_attr_put_u32(nlh, CTA_STATUS_MASK, htonl(f->status_mask));
	}

	ret = talk(src, nlh, dump_entry_cb, &ctx, &ctx.err);
	if (ctx.err > 0) {
		ret = reset_socket(src);
		return ret < 0 ? ret : 0;
	}
	return ret;
}

/*
 * Single-entry requests use their own socket: -D and -U issue them from
 * inside a dump callback, while the dump socket still holds the rest of
 * the table.
 */
static int request_socket(struct ct_source *src)
{
	if (src->req != NULL)
		return 0;
	src->req = mnl_socket_open(NETLINK_NETFILTER);
	if (src->req == NULL)
		return -errno;
	if (mnl_socket_bind(src->req, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(src->req);
		src->req = NULL;
		return -err;
	}
	src->req_portid = mnl_socket_get_portid(src->req);
	return 0;
}

/* Send one request built in src->reqbuf and run @cb on the answers until
 * the kernel's acknowledgement. */
static int request(struct ct_source *src, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data, const int *cb_err)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(src->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(src->req, src->reqbuf,
					sizeof(src->reqbuf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(src->reqbuf, n, seq, src->req_portid, cb,
				 data);
		if (ret < 0)
			return (cb_err && *cb_err < 0) ? *cb_err : -errno;
		if (ret == MNL_CB_STOP)
			return (cb_err && *cb_err < 0) ? *cb_err : 0;
	}
}

static struct nlmsghdr *put_entry_request(struct ct_source *src,
					  uint8_t subsys, uint8_t msg,
					  uint16_t flags, uint8_t family)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfh;

	nlh = mnl_nlmsg_put_header(src->reqbuf);
	nlh->nlmsg_type = (subsys << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++src->seq;

	nfh = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfh));
	nfh->nfgen_family = family;
	nfh->version = NFNETLINK_V0;
	nfh->res_id = 0;
	return nlh;
}

struct get_ctx {
	ct_entry_cb	cb;
	ct_expect_cb	exp_cb;
	void		*data;
	int		err;
};

static int get_ct_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;
	struct nf_conntrack *ct;
	int ret;

	ct = nfct_new();
	if (ct == NULL) {
		ctx->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	ret = nfct_nlmsg_parse(nlh, ct) < 0 ? 0 : ctx->cb(ct, ctx->data);
	nfct_destroy(ct);
	if (ret < 0) {
		ctx->err = ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * One conntrack request.  The object is encoded by libnetfilter_conntrack,
 * which also refuses what cannot name an entry (no original tuple: EINVAL)
 * before the kernel is asked, as conntrack(8) experiences it.
 */
static int ct_request(struct ct_source *src, uint8_t msg, uint16_t flags,
		      const struct nf_conntrack *ct, mnl_cb_t cb,
		      struct get_ctx *ctx)
{
	struct nlmsghdr *nlh;
	int ret;

	ret = request_socket(src);
	if (ret < 0)
		return ret;
	nlh = put_entry_request(src, NFNL_SUBSYS_CTNETLINK, msg, flags,
				nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO));
	if (nfct_nlmsg_build(nlh, ct) < 0)
		return errno ? -errno : -EINVAL;
	return request(src, nlh, cb, ctx, ctx ? &ctx->err : NULL);
}

static int kernel_get(struct ct_source *src, const struct nf_conntrack *tuple,
		      ct_entry_cb cb, void *data)
{
	struct get_ctx ctx = { .cb = cb, .data = data };

	return ct_request(src, IPCTNL_MSG_CT_GET, 0, tuple, get_ct_cb, &ctx);
}

static int kernel_create(struct ct_source *src, const struct nf_conntrack *ct)
{
	return ct_request(src, IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL,
			  ct, NULL, NULL);
}

static int kernel_update(struct ct_source *src, const struct nf_conntrack *ct)
{
	return ct_request(src, IPCTNL_MSG_CT_NEW, 0, ct, NULL, NULL);
}

static int kernel_delete(struct ct_source *src, const struct nf_conntrack *ct)
{
	return ct_request(src, IPCTNL_MSG_CT_DELETE, 0, ct, NULL, NULL);
}

static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int flush_table(struct ct_source *src, uint8_t subsys, uint8_t msg,
		       uint8_t family)
{
	struct nlmsghdr *nlh;

	nlh = put_request(src, subsys, msg, NLM_F_ACK, family);
	return talk(src, nlh, ack_cb, NULL, NULL);
}

static int kernel_flush(struct ct_source *src, uint8_t family)
{
	return flush_table(src, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE,
			   family);
}

struct count_ctx {
	unsigned int	count;
	bool		found;
};

static int global_stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct count_ctx *ctx = data;

	if (mnl_attr_get_type(attr) != CTA_STATS_GLOBAL_ENTRIES)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	ctx->count = ntohl(mnl_attr_get_u32(attr));
	ctx->found = true;
	return MNL_CB_OK;
}

static int global_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct nfgenmsg),
			      global_stats_attr_cb, data);
}

static int kernel_count(struct ct_source *src, unsigned int *count)
{
	struct count_ctx ctx = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	/* ask for an ack too: it tells when the one answer is complete */
	nlh = put_request(src, NFNL_SUBSYS_CTNETLINK,
			  IPCTNL_MSG_CT_GET_STATS, NLM_F_ACK, AF_UNSPEC);
	ret = talk(src, nlh, global_stats_cb, &ctx, NULL);
	if (ret < 0)
		return ret;
	if (!ctx.found)
		return -EPROTO;
	*count = ctx.count;
	return 0;
}

/* Names as conntrack -S prints them, indexed by attribute type. */
static const char *const ct_stat_names[CTA_STATS_MAX + 1] = {
	[CTA_STATS_SEARCHED]		= "searched",
	[CTA_STATS_FOUND]		= "found",
	[CTA_STATS_NEW]			= "new",
	[CTA_STATS_INVALID]		= "invalid",
	[CTA_STATS_IGNORE]		= "ignore",
	[CTA_STATS_DELETE]		= "delete",
	[CTA_STATS_DELETE_LIST]		= "delete_list",
	[CTA_STATS_INSERT]		= "insert",
	[CTA_STATS_INSERT_FAILED]	= "insert_failed",
	[CTA_STATS_DROP]		= "drop",
	[CTA_STATS_EARLY_DROP]		= "early_drop",
	[CTA_STATS_ERROR]		= "error",
	[CTA_STATS_SEARCH_RESTART]	= "search_restart",
	[CTA_STATS_CLASH_RESOLVE]	= "clash_resolve",
	[CTA_STATS_CHAIN_TOOLONG]	= "chaintoolong",
};

static const char *const exp_stat_names[CTA_STATS_EXP_MAX + 1] = {
	[CTA_STATS_EXP_NEW]		= "expect_new",
	[CTA_STATS_EXP_CREATE]		= "expect_create",
	[CTA_STATS_EXP_DELETE]		= "expect_delete",
};

#define CT_STATS_SLOTS	(CTA_STATS_MAX + 1)

struct stats_ctx {
	const char *const	*names;
	unsigned int		max;
	ct_stats_cb		cb;
	void			*data;
	struct ct_stat		stat[CT_STATS_SLOTS];
	unsigned int		n;
	int			err;
};

static int stats_attr_cb(const struct nlattr *attr, void *data)
{
	struct stats_ctx *ctx = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* attributes a newer kernel adds are skipped, not guessed at */
	if (type > ctx->max || ctx->names[type] == NULL)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	ctx->stat[ctx->n].name = ctx->names[type];
	ctx->stat[ctx->n].value = ntohl(mnl_attr_get_u32(attr));
	ctx->n++;
	return MNL_CB_OK;
}

static int stats_cpu_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *nfh = mnl_nlmsg_get_payload(nlh);
	struct stats_ctx *ctx = data;
	int ret;

	ctx->n = 0;
	if (mnl_attr_parse(nlh, sizeof(*nfh), stats_attr_cb, ctx) < 0)
		return MNL_CB_ERROR;
	ret = ctx->cb(ntohs(nfh->res_id), ctx->stat, ctx->n, ctx->data);
	if (ret == 0)
		return MNL_CB_OK;
	ctx->err = ret;
	return ret < 0 ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int stats_dump(struct ct_source *src, uint8_t subsys, uint8_t msg,
		      const char *const *names, unsigned int max,
		      ct_stats_cb cb, void *data)
{
	struct stats_ctx ctx = {
		.names = names, .max = max, .cb = cb, .data = data,
	};
	struct nlmsghdr *nlh;
	int ret;

	nlh = put_request(src, subsys, msg, NLM_F_DUMP, AF_UNSPEC);
	ret = talk(src, nlh, stats_cpu_cb, &ctx, &ctx.err);
	if (ctx.err > 0) {
		ret = reset_socket(src);
		return ret < 0 ? ret : 0;
	}
	return ret;
}

static int kernel_stats(struct ct_source *src, ct_stats_cb cb, void *data)
{
	return stats_dump(src, NFNL_SUBSYS_CTNETLINK,
			  IPCTNL_MSG_CT_GET_STATS_CPU, ct_stat_names,
			  CTA_STATS_MAX, cb, data);
}

static int kernel_exp_stats(struct ct_source *src, ct_stats_cb cb, void *data)
{
	return stats_dump(src, NFNL_SUBSYS_CTNETLINK_EXP,
			  IPCTNL_MSG_EXP_GET_STATS_CPU, exp_stat_names,
			  CTA_STATS_EXP_MAX, cb, data);
}

/* Events */

static unsigned int event_groups(unsigned int mask)
{
	unsigned int groups = 0;

	if (mask & CT_EVENT_F_NEW)
		groups |= NF_NETLINK_CONNTRACK_NEW;
	if (mask & CT_EVENT_F_UPDATE)
		groups |= NF_NETLINK_CONNTRACK_UPDATE;
	if (mask & CT_EVENT_F_DESTROY)
		groups |= NF_NETLINK_CONNTRACK_DESTROY;
	return groups;
}

static void set_rcvbuf(struct mnl_socket *nl, unsigned int size)
{
	int fd = mnl_socket_get_fd(nl);
	int val = (int)size;

	/* FORCE lets root pass rmem_max; fall back for the rest */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &val, sizeof(val)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val));
}

static int subscribe(struct ct_source *src, unsigned int mask,
		     unsigned int rcvbuf)
{
	struct mnl_socket *ev;
	int err;

	if (src->ev != NULL)
		return 0;
	ev = mnl_socket_open(NETLINK_NETFILTER);
	if (ev == NULL)
		return -errno;
	if (rcvbuf)
		set_rcvbuf(ev, rcvbuf);
	if (mnl_socket_bind(ev, event_groups(mask), MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(ev);
		return -err;
	}
	src->ev = ev;
	return 0;
}

struct event_ctx {
	ct_event_cb	cb;
	void		*data;
	int		err;
};

static int event_type(const struct nlmsghdr *nlh, enum ct_event_type *type)
{
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case IPCTNL_MSG_CT_NEW:
		*type = (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ?
			CT_EVENT_NEW : CT_EVENT_UPDATE;
		return 0;
	case IPCTNL_MSG_CT_DELETE:
		*type = CT_EVENT_DESTROY;
		return 0;
	default:
		return -1;
	}
}

static int event_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_ctx *ctx = data;
	struct ct_event_info info;
	struct nf_conntrack *ct;
	int ret;

	if (event_type(nlh, &info.type) < 0)
		return MNL_CB_OK;
	info.portid = nlh->nlmsg_pid;

	ct = nfct_new();
	if (ct == NULL) {
		ctx->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	if (nfct_nlmsg_parse(nlh, ct) < 0) {
		nfct_destroy(ct);
		return MNL_CB_OK;
	}
	ret = ctx->cb(ct, &info, ctx->data);
	nfct_destroy(ct);
	if (ret == 0)
		return MNL_CB_OK;
	ctx->err = ret;
	return ret < 0 ? MNL_CB_ERROR : MNL_CB_STOP;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for the event socket; 0 when the time is up. */
static int wait_readable(int fd, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int timeout = -1;
	int ret;

	if (deadline >= 0) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return 0;
		timeout = left > 1000000000 ? 1000000000 : (int)left;
	}
	ret = poll(&pfd, 1, timeout);
	if (ret < 0)
		return -errno;
	return ret;
}

static int kernel_events(struct ct_source *src, unsigned int mask,
			 unsigned int rcvbuf, int timeout_ms,
			 ct_event_cb cb, void *data)
{
	struct event_ctx ctx = { .cb = cb, .data = data };
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int fd, ret;
	ssize_t n;

	ret = subscribe(src, mask, rcvbuf);
	if (ret < 0)
		return ret;
	fd = mnl_socket_get_fd(src->ev);

	for (;;) {
		ret = wait_readable(fd, deadline);
		if (ret <= 0)
			return ret;
		n = recv(fd, src->buf, CT_KERNEL_BUFSIZ, 0);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(src->buf, n, 0, 0, event_msg_cb, &ctx);
		if (ctx.err < 0)
			return ctx.err;
		if (ctx.err > 0)
			return 0;
		if (ret < 0)
			return -errno;
	}
}

/* Expectations */

struct exp_dump_ctx {
	ct_expect_cb	cb;
	void		*data;
	unsigned int	count;
	int		err;
};

static int exp_entry_cb(const struct nlmsghdr *nlh, void *data)
{
	struct exp_dump_ctx *ctx = data;
	struct nf_expect *exp;
	int ret;

	ctx->count++;
	if (ctx->cb == NULL)
		return MNL_CB_OK;
	exp = nfexp_new();
	if (exp == NULL) {
		ctx->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	if (nfexp_nlmsg_parse(nlh, exp) < 0) {
		nfexp_destroy(exp);
		return MNL_CB_OK;
	}
	ret = ctx->cb(exp, ctx->data);
	nfexp_destroy(exp);
	if (ret == 0)
		return MNL_CB_OK;
	ctx->err = ret;
	return ret < 0 ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int exp_walk(struct ct_source *src, uint8_t family,
		    struct exp_dump_ctx *ctx)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = put_request(src, NFNL_SUBSYS_CTNETLINK_EXP, IPCTNL_MSG_EXP_GET,
			  NLM_F_DUMP, family);
	ret = talk(src, nlh, exp_entry_cb, ctx, &ctx->err);
	if (ctx->err > 0) {
		ret = reset_socket(src);
		return ret < 0 ? ret : 0;
	}
	return ret;
}

static int kernel_exp_dump(struct ct_source *src, uint8_t family,
			   ct_expect_cb cb, void *data)
{
	struct exp_dump_ctx ctx = { .cb = cb, .data = data };

	return exp_walk(src, family, &ctx);
}

static int kernel_exp_count(struct ct_source *src, unsigned int *count)
{
	struct exp_dump_ctx ctx = { 0 };
	int ret;

	/* the kernel keeps no expectation total: count a dump, as conntrack */
	ret = exp_walk(src, AF_INET, &ctx);
	if (ret < 0)
		return ret;
	*count = ctx.count;
	return 0;
}

static int get_exp_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;
	struct nf_expect *exp;
	int ret;

	exp = nfexp_new();
	if (exp == NULL) {
		ctx->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	ret = nfexp_nlmsg_parse(nlh, exp) < 0 ? 0 : ctx->exp_cb(exp, ctx->data);
	nfexp_destroy(exp);
	if (ret < 0) {
		ctx->err = ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int exp_request(struct ct_source *src, uint8_t msg, uint16_t flags,
		       const struct nf_expect *exp, mnl_cb_t cb,
		       struct get_ctx *ctx)
{
	const struct nf_conntrack *master;
	struct nlmsghdr *nlh;
	uint8_t family = AF_INET;
	int ret;

	ret = request_socket(src);
	if (ret < 0)
		return ret;
	master = nfexp_get_attr(exp, ATTR_EXP_MASTER);
	if (master == NULL)
		master = nfexp_get_attr(exp, ATTR_EXP_EXPECTED);
	if (master != NULL && nfct_attr_is_set(master, ATTR_ORIG_L3PROTO))
		family = nfct_get_attr_u8(master, ATTR_ORIG_L3PROTO);
	nlh = put_entry_request(src, NFNL_SUBSYS_CTNETLINK_EXP, msg, flags,
				family);
	if (nfexp_nlmsg_build(nlh, exp) < 0)
		return errno ? -errno : -EINVAL;
	return request(src, nlh, cb, ctx, ctx ? &ctx->err : NULL);
}

static int kernel_exp_get(struct ct_source *src, const struct nf_expect *exp,
			  ct_expect_cb cb, void *data)
{
	struct get_ctx ctx = { .exp_cb = cb, .data = data };

	return exp_request(src, IPCTNL_MSG_EXP_GET, 0, exp, get_exp_cb, &ctx);
}

static int kernel_exp_create(struct ct_source *src, const struct nf_expect *exp)
{
	return exp_request(src, IPCTNL_MSG_EXP_NEW, NLM_F_CREATE | NLM_F_EXCL,
			   exp, NULL, NULL);
}

static int kernel_exp_delete(struct ct_source *src, const struct nf_expect *exp)
{
	return exp_request(src, IPCTNL_MSG_EXP_DELETE, 0, exp, NULL, NULL);
}

static int kernel_exp_flush(struct ct_source *src, uint8_t family)
{
	return flush_table(src, NFNL_SUBSYS_CTNETLINK_EXP,
			   IPCTNL_MSG_EXP_DELETE, family);
}

/* Errors in plain words */

static bool conntrack_loaded(void)
{
	/* present in every namespace once nf_conntrack is in the kernel */
	return access("/proc/sys/net/netfilter/nf_conntrack_max", F_OK) == 0;
}

static const char *kernel_explain(struct ct_source *src, int err)
{
	(void)src;

	switch (-err) {
	case EPERM:
	case EACCES:
		return "reading or changing the kernel's connection table "
		       "needs CAP_NET_ADMIN in this network namespace: run as "
		       "root";
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		return "this kernel has no netfilter netlink (nfnetlink); "
		       "its connection table cannot be reached";
	case EINVAL:
	case EOPNOTSUPP:
	case ENOENT:
		if (conntrack_loaded())
			return NULL;
		return "connection tracking is not loaded in this kernel: "
		       "load nf_conntrack_netlink (modprobe "
		       "nf_conntrack_netlink) and retry";
	default:
		return NULL;
	}
}

const struct ct_source_ops ct_kernel_source = {
	.name		= "kernel",
	.open		= kernel_open,
	.close		= kernel_close,
	.dump		= kernel_dump,
	.get		= kernel_get,
	.create		= kernel_create,
	.update		= kernel_update,
	.delete		= kernel_delete,
	.flush		= kernel_flush,
	.count		= kernel_count,
	.stats		= kernel_stats,
	.events		= kernel_events,
	.exp_dump	= kernel_exp_dump,
	.exp_get	= kernel_exp_get,
	.exp_create	= kernel_exp_create,
	.exp_delete	= kernel_exp_delete,
	.exp_flush	= kernel_exp_flush,
	.exp_count	= kernel_exp_count,
	.exp_stats	= kernel_exp_stats,
	.explain	= kernel_explain,
};
