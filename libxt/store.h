/*
 * The backend: one file per table in the state directory, each a small
 * header and the table's blob with its counters.  Writes are atomic
 * (temporary file, fsync, rename) and serialised by a lock file.
 */
#ifndef LIBXT_STORE_H
#define LIBXT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include "ruleset.h"

#define UIPT_STORE_MAGIC "UIPTBLOB"
#define UIPT_STORE_VERSION 2

struct uipt_store_header {
	char magic[8];
	uint32_t version;
	uint32_t family;
	uint64_t repl_len;	/* bytes of ipt_replace and entries */
	uint32_t num_counters;	/* xt_counters after them */
	uint32_t reserved;
	uint64_t checksum;	/* of everything after the header */
};

/* The state directory: $UIPTABLES_STATE or the default; created on need. */
const char *uipt_state_dir(void);

/*
 * Takes the lock as iptables' -w/-W do: wait < 0 waits for ever, 0 tries
 * once, else up to wait seconds, retrying every interval_us.
 */
int uipt_lock(int wait, long interval_us);
void uipt_unlock(void);

/* A missing file is a fresh kernel's table; a damaged one is an error. */
int uipt_table_load(const char *name, struct uipt_table **out);
int uipt_table_store(struct uipt_table *t);
int uipt_table_exists(const char *name);
/* Names of the tables in use, oldest first; the caller frees them. */
size_t uipt_tables_in_use(char ***names);

/*
 * Other files of the state directory (accounting objects), with the
 * tables' guarantees: a write goes to a temporary file, is synced and
 * renamed over the old one.  A read maps the file: 1 when it is missing.
 */
int uipt_state_file_write(const char *name, const void *p, size_t len);
int uipt_state_file_read(const char *name, char **buf, size_t *len);
void uipt_state_file_release(char *buf, size_t len);
/* The tables' checksum, for a file's bytes after its header. */
uint64_t uipt_state_checksum(const void *p, size_t len);
/* Records "state file PATH is damaged or foreign (why)"; returns -1. */
int uipt_state_damaged(const char *name, const char *why);

#endif
