/*
 * The blob: a table as the ipt_replace the kernel would receive, laid out
 * as libiptc lays it out, with the counters kept beside it in blob order.
 */
#ifndef LIBXT_BLOB_H
#define LIBXT_BLOB_H

#include <stddef.h>
#include "ruleset.h"

#define UIPT_ENTRY_SIZE XT_ALIGN(sizeof(struct ipt_entry))
#define UIPT_STD_TARGET_SIZE XT_ALIGN(sizeof(struct xt_standard_target))
#define UIPT_ERR_TARGET_SIZE XT_ALIGN(sizeof(struct xt_error_target))

struct uipt_blob {
	struct ipt_replace *repl;	/* header and entries, one allocation */
	size_t repl_len;		/* sizeof(*repl) + repl->size */
	struct xt_counters *counters;	/* repl->num_entries of them */
};

/* Builds the blob of t; fills in each chain's offset on the way. */
int uipt_blob_build(struct uipt_table *t, struct uipt_blob *b);
/* The same in two steps, into memory the caller provides (zeroed): the
 * backend builds straight into the file's pages. */
void uipt_blob_measure(struct uipt_table *t, size_t *repl_len, uint32_t *nentries);
void uipt_blob_fill(const struct uipt_table *t, struct ipt_replace *repl,
		    size_t repl_len, struct xt_counters *ctr);
void uipt_blob_free(struct uipt_blob *b);
/* The same streamed: entries in blob order (UIPT_BLOB_ENTRIES), the
 * counters in blob order (UIPT_BLOB_COUNTERS), each in pieces, then the
 * ipt_replace header once (UIPT_BLOB_HEADER).  A sink returning nonzero
 * stops the stream (it reports its own error); returns -1 then. */
enum { UIPT_BLOB_ENTRIES, UIPT_BLOB_COUNTERS, UIPT_BLOB_HEADER };
typedef int (*uipt_blob_sink)(void *ctx, int part, const void *p, size_t len);
int uipt_blob_emit(struct uipt_table *t, uipt_blob_sink sink, void *ctx);

/* Checks the blob as the kernel's translate_table would and turns it into a
 * table.  counters may be NULL. */
int uipt_blob_parse(const struct ipt_replace *repl, size_t len,
		    const struct xt_counters *counters, struct uipt_table **out);
/* The same without copying: the table keeps `keep` (holding repl and
 * counters, which must stay put) and calls release(keep, keep_len) when
 * freed, or at once on failure.  seen, if not NULL, is given each entry
 * in blob order once its bounds are checked (the backend checksums them). */
int uipt_blob_parse_in_place(const struct ipt_replace *repl, size_t len,
			     const struct xt_counters *counters,
			     struct uipt_table **out, void *keep, size_t keep_len,
			     void (*release)(void *, size_t),
			     void (*seen)(void *ctx, const void *entry, size_t len),
			     void *seen_ctx);

#endif
