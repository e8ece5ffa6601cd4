/*
 * Extended accounting objects (nfnetlink_acct): named packet and byte
 * counters, some with a quota, that rules of the nfacct match count in.
 * They live in the state file `nfacct`; every reader and writer holds
 * the state lock, so one process's view is the truth until it writes.
 */
#ifndef LIBXT_NFACCT_H
#define LIBXT_NFACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter/nfnetlink_acct.h>

#define UIPT_NFACCT_FILE "nfacct"

struct uipt_nfacct {
	char name[NFACCT_NAME_MAX];
	uint64_t pkts, bytes;
	uint64_t quota;
	uint32_t flags;		/* NFACCT_F_* */
	uint32_t pad;
};

/* In the order they were made: the kernel lists them so. */
struct uipt_nfacct_list {
	struct uipt_nfacct *obj;
	size_t n, cap;
	bool dirty;
};

/* What the kernel's nfnl_acct_overquota answers. */
enum { UIPT_NFACCT_NO_QUOTA = -1, UIPT_NFACCT_UNDER, UIPT_NFACCT_OVER };

/* The objects, read at first use; NULL, with the error recorded, when
 * the file is damaged. */
struct uipt_nfacct_list *uipt_nfacct_objects(void);
/* Writes them back if anything changed. */
int uipt_nfacct_save(void);
/* Drops the view, changes unsaved: the next use reads the file again. */
void uipt_nfacct_forget(void);

/* Names are cut to NFACCT_NAME_MAX - 1 bytes, as libnetfilter_acct
 * and iptables cut them before the kernel sees them. */
struct uipt_nfacct *uipt_nfacct_find(struct uipt_nfacct_list *l, const char *name);
struct uipt_nfacct *uipt_nfacct_add(struct uipt_nfacct_list *l, const char *name);
void uipt_nfacct_remove(struct uipt_nfacct_list *l, struct uipt_nfacct *o);

/*
 * A packet of len bytes through a rule naming o: counted, then the
 * quota looked at (nfnl_acct_update, nfnl_acct_overquota).  The object
 * is marked over quota once its count reaches the quota; the match
 * matches when there is no quota or the count has passed it.
 */
int uipt_nfacct_count(struct uipt_nfacct_list *l, struct uipt_nfacct *o, uint64_t len);

#endif
