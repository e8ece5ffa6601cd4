/*
 * State that outlives a packet, kept in the state directory so separate
 * uiptables-trace invocations continue one another: the conntrack table,
 * the packet clock, and each rule's extension state (limit buckets,
 * recent lists...).  Rule counters live in the table files themselves.
 *
 * The file `evstate` is written whole and renamed into place, as the
 * tables are; it is read and written under the state lock.
 */
#ifndef LIBXT_EVSTATE_H
#define LIBXT_EVSTATE_H

#include <uiptables/conntrack.h>

struct uipt_eval;

#define UIPT_EVSTATE_MAGIC "UIPTEVS1"

int uipt_evstate_load(struct uipt_eval *ev);

/* Named state shared by rules (recent lists), saved with the rest: at
 * least size bytes under key, zeroed when made or grown. */
struct uipt_shared {
	struct uipt_shared *next;
	size_t len;
	char *key;
	unsigned char *data;
};

void *uipt_evstate_shared(struct uipt_eval *ev, const char *key, size_t size,
			  size_t *len);
void uipt_evstate_shared_free(struct uipt_eval *ev);
int uipt_evstate_save(struct uipt_eval *ev);

/*
 * For uconntrack's evaluator source: calls cb for every entry of the
 * evaluator's conntrack table that is alive at the packet clock `now`
 * (entries hold their expiry on that clock), or at at_least_ns if that is
 * later (a listing "now" on a clock moved on).  Returns the number of
 * entries, or -1 with an error recorded; a positive return of cb stops.
 */
int uipt_evstate_foreach_conn(uint64_t at_least_ns,
			      int (*cb)(const struct uipt_conn *c, uint64_t now, void *data),
			      void *data);

/*
 * uconntrack's changes: the connection table read whole (with the helper
 * state and the expectations), with the packet clock and the next id,
 * changed in memory and written back; the extension-state sections are
 * carried over byte for byte.  The caller
 * holds the state lock from load to save.
 */
struct uipt_ct_table;

struct uipt_evstate_ct {
	struct uipt_ct_table *ct;
	uint64_t clock_ns;
	char *file;			/* as read */
	size_t file_len;
	const char *sections;		/* carried over (in carry) */
	char *carry;
	size_t sections_len;
	uint32_t nsections;
};

int uipt_evstate_ct_load(struct uipt_evstate_ct *s);
int uipt_evstate_ct_save(struct uipt_evstate_ct *s);
void uipt_evstate_ct_free(struct uipt_evstate_ct *s);
/* The bytes of the evaluator's named state KEY (see uipt_evstate_shared),
 * or NULL. */
/* nf_conntrack_acct's switch, a bool. */
#define UIPT_ACCT_KEY "@nf_conntrack_acct"
const void *uipt_evstate_ct_shared(const struct uipt_evstate_ct *s, const char *key,
				   size_t *len);

#endif
