/*
 * ct_source.h - where uconntrack reads and writes connection tracking entries
 *
 * The conntrack command line (cli/conntrack.c) does parsing, filtering and
 * printing; a source only moves entries.  Entries travel as libnetfilter_
 * conntrack objects (struct nf_conntrack, struct nf_expect) so that every
 * source prints through the same nfct_snprintf() and looks like conntrack(8)
 * by construction.  Two sources: the live kernel table (ct_kernel.c, over
 * ctnetlink) and the evaluator's own table in the backend (ct_eval.c).
 *
 * Conventions, as in libmnl: functions return 0 (or a count) on success and
 * a negative errno on failure; nothing is printed here, the caller reports.
 * A source may add a human hint for an error through ->explain().
 */
#ifndef UIPT_CT_SOURCE_H
#define UIPT_CT_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

struct nf_conntrack;
struct nf_expect;
struct ct_source;

enum ct_table {
	CT_TABLE_CONNTRACK,
	CT_TABLE_EXPECT,
	CT_TABLE_DYING,
	CT_TABLE_UNCONFIRMED,
};

/*
 * Hints a dump may apply before entries reach the caller.  They are only an
 * optimisation: the caller filters again, so a source may ignore any field
 * but must honour @zero (reset counters) and report bad values as the kernel
 * does (status_mask 0 is EINVAL there).
 */
struct ct_dump_filter {
	uint8_t		family;		/* AF_UNSPEC: every family */
	bool		zero;		/* read and reset counters (-z) */
	bool		has_mark;
	uint32_t	mark, mark_mask;
	bool		has_status;
	uint32_t	status, status_mask;
};

/* What happened to an entry, for events. */
enum ct_event_type {
	CT_EVENT_NEW,
	CT_EVENT_UPDATE,
	CT_EVENT_DESTROY,
};

#define CT_EVENT_F_NEW		(1U << CT_EVENT_NEW)
#define CT_EVENT_F_UPDATE	(1U << CT_EVENT_UPDATE)
#define CT_EVENT_F_DESTROY	(1U << CT_EVENT_DESTROY)
#define CT_EVENT_F_ALL		(CT_EVENT_F_NEW | CT_EVENT_F_UPDATE | \
				 CT_EVENT_F_DESTROY)

struct ct_event_info {
	enum ct_event_type	type;
	uint32_t		portid;	/* netlink sender, 0: the kernel */
};

/*
 * Callbacks get an object they may read or pass back to the source (delete,
 * update) but must not keep: it is reused or freed when they return.
 * Return 0 to go on, a positive value to stop quietly, a negative errno to
 * stop with that error.
 */
typedef int (*ct_entry_cb)(struct nf_conntrack *ct, void *data);
typedef int (*ct_expect_cb)(struct nf_expect *exp, void *data);
typedef int (*ct_event_cb)(struct nf_conntrack *ct,
			   const struct ct_event_info *info, void *data);

/* One CPU's statistics: names as /proc/net/stat/nf_conntrack and conntrack
 * -S spell them, in the kernel's attribute order. */
struct ct_stat {
	const char	*name;
	uint32_t	value;
};
typedef int (*ct_stats_cb)(unsigned int cpu, const struct ct_stat *stats,
			   unsigned int n, void *data);

struct ct_source_ops {
	const char *name;

	int  (*open)(struct ct_source **src);
	void (*close)(struct ct_source *src);
	/* The instant of the command on the evaluator's packet clock
	 * (--time); NULL where the clock is the wall's. */
	void (*set_time)(struct ct_source *src, uint64_t ns);

	/* Stream every entry of @table; memory must not grow with its size. */
	int (*dump)(struct ct_source *src, enum ct_table table,
		    const struct ct_dump_filter *filter,
		    ct_entry_cb cb, void *data);
	/* Look one entry up by its tuple; cb runs once if found. */
	int (*get)(struct ct_source *src, const struct nf_conntrack *tuple,
		   ct_entry_cb cb, void *data);
	int (*create)(struct ct_source *src, const struct nf_conntrack *ct);
	int (*update)(struct ct_source *src, const struct nf_conntrack *ct);
	int (*delete)(struct ct_source *src, const struct nf_conntrack *ct);
	int (*flush)(struct ct_source *src, uint8_t family);
	int (*count)(struct ct_source *src, unsigned int *count);
	int (*stats)(struct ct_source *src, ct_stats_cb cb, void *data);

	/*
	 * Live events, optional (NULL when a source has none).  Waits at most
	 * @timeout_ms (negative: no limit); returns 0 when that time is up or
	 * a callback asked to stop, -EINTR when a signal arrived and -ENOBUFS
	 * when events were lost; the subscription survives between calls, so
	 * the caller may simply call again.  @rcvbuf 0 keeps the default.
	 */
	int (*events)(struct ct_source *src, unsigned int event_mask,
		      unsigned int rcvbuf, int timeout_ms,
		      ct_event_cb cb, void *data);

	/* Expectations; any may be NULL (then the caller says EOPNOTSUPP). */
	int (*exp_dump)(struct ct_source *src, uint8_t family,
			ct_expect_cb cb, void *data);
	int (*exp_get)(struct ct_source *src, const struct nf_expect *exp,
		       ct_expect_cb cb, void *data);
	int (*exp_create)(struct ct_source *src, const struct nf_expect *exp);
	int (*exp_delete)(struct ct_source *src, const struct nf_expect *exp);
	int (*exp_flush)(struct ct_source *src, uint8_t family);
	int (*exp_count)(struct ct_source *src, unsigned int *count);
	int (*exp_stats)(struct ct_source *src, ct_stats_cb cb, void *data);

	/* A plain-words reason for @err in this source's terms, or NULL. */
	const char *(*explain)(struct ct_source *src, int err);
};

/* The live kernel table over ctnetlink (libxt/ct_kernel.c). */
extern const struct ct_source_ops ct_kernel_source;
/* The evaluator's table in the state directory (libxt/ct_eval.c). */
extern const struct ct_source_ops ct_eval_source;

#endif /* UIPT_CT_SOURCE_H */
