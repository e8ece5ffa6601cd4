/* Table files, their atomic replacement, and the lock. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "blob.h"
#include "error.h"
#include "store.h"

static char state_dir[PATH_MAX];
static int lock_fd = -1;

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

const char *uipt_state_dir(void)
{
	const char *env = getenv("UIPTABLES_STATE"), *xdg, *home;

	if (state_dir[0])
		return state_dir;
	if (env && *env)
		snprintf(state_dir, sizeof(state_dir), "%s", env);
	else if (geteuid() == 0)
		snprintf(state_dir, sizeof(state_dir), "/var/lib/uiptables");
	else if ((xdg = getenv("XDG_STATE_HOME")) && *xdg)
		snprintf(state_dir, sizeof(state_dir), "%s/uiptables", xdg);
	else
		snprintf(state_dir, sizeof(state_dir), "%s/.local/state/uiptables",
			 (home = getenv("HOME")) ? home : "");
	return state_dir;
}

static int ensure_dir(void)
{
	if (mkdirs(uipt_state_dir()) < 0)
		return xt_error(RESOURCE_PROBLEM, "cannot create state directory %s: %s",
				uipt_state_dir(), strerror(errno));
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

int uipt_lock(int wait, long interval_us)
{
	char path[PATH_MAX];
	struct timespec start, now;

	if (lock_fd >= 0)
		return 0;
	if (ensure_dir() < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/xtables.lock", uipt_state_dir());
	lock_fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	if (lock_fd < 0)
		return xt_error(RESOURCE_PROBLEM, "Fatal: can't open lock file %s: %s",
				path, strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(lock_fd, LOCK_EX | LOCK_NB) < 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wait == 0) {
			uipt_unlock();
			return xt_error(RESOURCE_PROBLEM,
					"Another app is currently holding the xtables lock. "
					"Perhaps you want to use the -w option?");
		}
		if (wait > 0 && now.tv_sec - start.tv_sec >= wait) {
			uipt_unlock();
			return xt_error(RESOURCE_PROBLEM,
					"Another app is currently holding the xtables lock. "
					"Stopped waiting after %ds.", wait);
		}
		sleep_us(interval_us > 0 ? interval_us : 1000000);
	}
	return 0;
}

void uipt_unlock(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}

/*
 * 64-bit multiply-xor over words, in four independent lanes taking turns
 * word by word, so that the multiplications overlap; the lanes and the
 * word count are folded into one value at the end.  Every step of a lane
 * is a bijection of its state, so any change of a single word is
 * detected.  A file's checksum folds those of its entries, its counters
 * and its ipt_replace header, in that order: the order they are written.
 */
#define CHECKSUM_SEED 0xcbf29ce484222325ull
#define CHECKSUM_PRIME 0x100000001b3ull

struct csum {
	uint64_t h[4];
	uint64_t n;		/* words so far */
};

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * CHECKSUM_PRIME;
	return h ^ (h >> 29);
}

static void csum_init(struct csum *c)
{
	for (int i = 0; i < 4; i++)
		c->h[i] = CHECKSUM_SEED ^ (uint64_t)i;
	c->n = 0;
}

/* Chainable while every piece but the last is a multiple of 8 bytes. */
static void csum_update(struct csum *c, const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t w[4];

	for (; len >= 8 && (c->n & 3); len -= 8, b += 8, c->n++) {
		memcpy(w, b, 8);
		c->h[c->n & 3] = mix(c->h[c->n & 3], w[0]);
	}
	for (; len >= 32; len -= 32, b += 32, c->n += 4) {
		memcpy(w, b, 32);
		c->h[0] = mix(c->h[0], w[0]);
		c->h[1] = mix(c->h[1], w[1]);
		c->h[2] = mix(c->h[2], w[2]);
		c->h[3] = mix(c->h[3], w[3]);
	}
	for (; len >= 8; len -= 8, b += 8, c->n++) {
		memcpy(w, b, 8);
		c->h[c->n & 3] = mix(c->h[c->n & 3], w[0]);
	}
	while (len--)
		c->h[0] = (c->h[0] ^ *b++) * CHECKSUM_PRIME;
}

static uint64_t csum_final(const struct csum *c)
{
	uint64_t r = CHECKSUM_SEED;

	for (int i = 0; i < 4; i++)
		r = mix(r, c->h[i]);
	return mix(r, c->n);
}

static uint64_t csum_fold(const struct csum part[3])
{
	uint64_t r = CHECKSUM_SEED;

	for (int i = 0; i < 3; i++)
		r = mix(r, csum_final(&part[i]));
	return r;
}

/* Format 1's checksum: one lane over everything after the header.  Its
 * files are still read; the next write turns them into format 2. */
static uint64_t checksum_v1(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = CHECKSUM_SEED, w;

	for (; len >= 8; len -= 8, b += 8) {
		memcpy(&w, b, 8);
		h = (h ^ w) * CHECKSUM_PRIME;
		h ^= h >> 29;
	}
	while (len--)
		h = (h ^ *b++) * CHECKSUM_PRIME;
	return h;
}

/* body: the ipt_replace (repl_len bytes with its entries), the counters. */
static uint64_t checksum(const char *body, size_t repl_len, size_t len)
{
	struct csum part[3];

	for (int i = 0; i < 3; i++)
		csum_init(&part[i]);
	csum_update(&part[UIPT_BLOB_ENTRIES], body + sizeof(struct ipt_replace),
		    repl_len - sizeof(struct ipt_replace));
	csum_update(&part[UIPT_BLOB_COUNTERS], body + repl_len, len - repl_len);
	csum_update(&part[UIPT_BLOB_HEADER], body, sizeof(struct ipt_replace));
	return csum_fold(part);
}

static void table_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s.ipt", uipt_state_dir(), name);
}

static void unmap(void *p, size_t len)
{
	munmap(p, len);
}

/* Mapped, not read: the table's rules point into these pages. */
static int map_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0)
		return errno == ENOENT ? 1 : xt_error(RESOURCE_PROBLEM,
				"cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return xt_error(RESOURCE_PROBLEM, "cannot read %s", path);
	}
	*len = (size_t)st.st_size;
	p = *len ? mmap(NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : NULL;
	close(fd);
	if (p == MAP_FAILED)
		return xt_error(RESOURCE_PROBLEM, "cannot map %s: %s", path, strerror(errno));
	*buf = p;
	return 0;
}

static int damaged(const char *path, const char *why)
{
	return xt_error(OTHER_PROBLEM,
			"state file %s is damaged or foreign (%s); left untouched",
			path, why);
}

/* While decode holds the mapping, a failed parse leaves it alone. */
static bool holding;

static void unmap_unless_held(void *p, size_t len)
{
	if (!holding)
		unmap(p, len);
}

static void sum_entry(void *ctx, const void *p, size_t len)
{
	csum_update(ctx, p, len);
}

/*
 * The entries are checksummed as the parser walks them, while they are in
 * the cache: one pass over the file instead of two.  The parser's checks
 * make it safe on any bytes; its table is thrown away if the sum is wrong.
 * On success the mapping is the table's; on failure decode unmaps it.
 */
static int decode(const char *path, char *buf, size_t len,
		  struct uipt_table **out, bool *handed)
{
	struct uipt_store_header h;
	const char *body;
	size_t blen;
	struct ipt_replace *repl;
	struct csum part[3];
	char why[512];
	int ret;

	if (len < sizeof(h) || !buf)
		return damaged(path, "too short");
	body = buf + sizeof(h);
	blen = len - sizeof(h);
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, UIPT_STORE_MAGIC, sizeof(h.magic)))
		return damaged(path, "bad magic");
	if ((h.version != UIPT_STORE_VERSION && h.version != 1) ||
	    h.family != NFPROTO_IPV4)
		return damaged(path, "unsupported version or family");
	if (h.repl_len > blen || h.repl_len < sizeof(*repl) ||
	    blen - h.repl_len != (size_t)h.num_counters * sizeof(struct xt_counters))
		return damaged(path, "sizes do not add up");
	if (h.version == 1 && checksum_v1(body, blen) != h.checksum)
		return damaged(path, "checksum mismatch");
	repl = (struct ipt_replace *)body;
	if (repl->num_entries != h.num_counters) {
		bool sum_ok = h.version == 1 ||
			      checksum(body, h.repl_len, blen) == h.checksum;

		return damaged(path, sum_ok ? "entry count mismatch" : "checksum mismatch");
	}
	for (int i = 0; i < 3; i++)
		csum_init(&part[i]);
	holding = true;
	ret = uipt_blob_parse_in_place(repl, h.repl_len,
				       (const struct xt_counters *)(body + h.repl_len),
				       out, buf, len, unmap_unless_held,
				       sum_entry, &part[UIPT_BLOB_ENTRIES]);
	holding = false;
	*handed = true;
	if (ret < 0) {
		bool sum_ok = h.version == 1 ||
			      checksum(body, h.repl_len, blen) == h.checksum;

		snprintf(why, sizeof(why), "%s", xt_error_msg());
		unmap(buf, len);
		return damaged(path, sum_ok ? why : "checksum mismatch");
	}
	csum_update(&part[UIPT_BLOB_COUNTERS], body + h.repl_len, blen - h.repl_len);
	csum_update(&part[UIPT_BLOB_HEADER], body, sizeof(*repl));
	if (h.version != 1 && csum_fold(part) != h.checksum) {
		uipt_table_free(*out);
		*out = NULL;
		return damaged(path, "checksum mismatch");
	}
	return 0;
}

int uipt_table_load(const char *name, struct uipt_table **out)
{
	const struct uipt_table_def *def = uipt_table_def(name);
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	bool handed = false;
	int ret;

	if (!def)
		return xt_error(OTHER_PROBLEM, "can't initialize iptables table `%s': "
				"Table does not exist (do you need to insmod?)", name);
	table_path(path, sizeof(path), name);
	ret = map_file(path, &buf, &len);
	if (ret == 1) {
		*out = uipt_table_new(def);
		return 0;
	}
	if (ret < 0)
		return -1;
	/* The blob's structs need 8-byte alignment: pages give that, and the
	 * header is a multiple of 8.  On success the table owns the mapping. */
	ret = decode(path, buf, len, out, &handed);
	if (ret < 0 && !handed && buf)
		unmap(buf, len);
	return ret;
}

int uipt_table_exists(const char *name)
{
	char path[PATH_MAX];

	table_path(path, sizeof(path), name);
	return access(path, F_OK) == 0;
}

static int sync_dir(void)
{
	int fd = open(uipt_state_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	fsync(fd);
	close(fd);
	return 0;
}

static int write_failed(const char *tmp, int fd)
{
	int e = errno;

	close(fd);
	unlink(tmp);
	return xt_error(RESOURCE_PROBLEM, "cannot write %s: %s", tmp, strerror(e));
}

static int write_all(int fd, const void *p, size_t len, off_t off)
{
	const char *b = p;

	while (len) {
		ssize_t n = pwrite(fd, b, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		b += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

struct writer {
	int fd;
	off_t at[3];		/* where each part goes next */
	struct csum sum[3];
	int err;		/* errno of a failed write */
};

/* Each piece is checksummed while still in the cache, then written. */
static int sink(void *ctx, int part, const void *p, size_t len)
{
	struct writer *w = ctx;

	csum_update(&w->sum[part], p, len);
	if (write_all(w->fd, p, len, w->at[part]) < 0) {
		w->err = errno;
		return -1;
	}
	w->at[part] += (off_t)len;
	return 0;
}

/* The blob is streamed into the new file in pieces, never whole in
 * memory; the file header, with the checksum, goes last. */
static int write_table(const char *tmp, struct uipt_table *t)
{
	struct uipt_store_header h = { .version = UIPT_STORE_VERSION,
				       .family = NFPROTO_IPV4 };
	struct writer w;
	size_t repl_len;
	uint32_t n;

	uipt_blob_measure(t, &repl_len, &n);
	w.fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (w.fd < 0)
		return xt_error(RESOURCE_PROBLEM, "cannot write %s: %s", tmp, strerror(errno));
	w.at[UIPT_BLOB_HEADER] = sizeof(h);
	w.at[UIPT_BLOB_ENTRIES] = (off_t)(sizeof(h) + sizeof(struct ipt_replace));
	w.at[UIPT_BLOB_COUNTERS] = (off_t)(sizeof(h) + repl_len);
	for (int i = 0; i < 3; i++)
		csum_init(&w.sum[i]);
	w.err = 0;
	if (uipt_blob_emit(t, sink, &w) < 0) {
		if (!w.err) {	/* out of memory, already reported */
			close(w.fd);
			unlink(tmp);
			return -1;
		}
		errno = w.err;
		return write_failed(tmp, w.fd);
	}
	memcpy(h.magic, UIPT_STORE_MAGIC, sizeof(h.magic));
	h.repl_len = repl_len;
	h.num_counters = n;
	h.checksum = csum_fold(w.sum);
	if (write_all(w.fd, &h, sizeof(h), 0) < 0 || fsync(w.fd) < 0)
		return write_failed(tmp, w.fd);
	close(w.fd);
	return 0;
}

/* Tables in the order of first use, as the kernel lists them (newest
 * first in ip_tables_names, which save walks). */
static void note_table(const char *name)
{
	char path[PATH_MAX], **names = NULL;
	size_t n = uipt_tables_in_use(&names);
	bool known = false;
	FILE *f;

	for (size_t i = 0; i < n; i++) {
		known |= !strcmp(names[i], name);
		free(names[i]);
	}
	free(names);
	if (known)
		return;
	snprintf(path, sizeof(path), "%s/tables", uipt_state_dir());
	if ((f = fopen(path, "a"))) {
		fprintf(f, "%s\n", name);
		fflush(f);
		fsync(fileno(f));
		fclose(f);
	}
}

size_t uipt_tables_in_use(char ***names)
{
	char path[PATH_MAX], line[64];
	size_t n = 0;
	FILE *f;

	*names = NULL;
	snprintf(path, sizeof(path), "%s/tables", uipt_state_dir());
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!uipt_table_def(line) || !uipt_table_exists(line))
			continue;
		*names = realloc(*names, (n + 1) * sizeof(**names));
		if (!*names)
			abort();
		(*names)[n++] = strdup(line);
	}
	fclose(f);
	return n;
}

/* The new file is complete and synced at tmp: it takes path's place. */
static int replace_file(const char *tmp, const char *path)
{
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return xt_error(RESOURCE_PROBLEM, "cannot replace %s: %s", path, strerror(e));
	}
	sync_dir();
	return 0;
}

int uipt_table_store(struct uipt_table *t)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];

	if (ensure_dir() < 0)
		return -1;
	table_path(path, sizeof(path), t->name);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (write_table(tmp, t) < 0 || replace_file(tmp, path) < 0)
		return -1;
	note_table(t->name);
	return 0;
}

uint64_t uipt_state_checksum(const void *p, size_t len)
{
	struct csum c;

	csum_init(&c);
	csum_update(&c, p, len);
	return csum_final(&c);
}

int uipt_state_file_write(const char *name, const void *p, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	int fd;

	if (ensure_dir() < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", uipt_state_dir(), name);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return xt_error(RESOURCE_PROBLEM, "cannot write %s: %s", tmp, strerror(errno));
	if (write_all(fd, p, len, 0) < 0 || fsync(fd) < 0)
		return write_failed(tmp, fd);
	close(fd);
	return replace_file(tmp, path);
}

int uipt_state_file_read(const char *name, char **buf, size_t *len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", uipt_state_dir(), name);
	*buf = NULL;
	*len = 0;
	return map_file(path, buf, len);
}

void uipt_state_file_release(char *buf, size_t len)
{
	if (buf)
		unmap(buf, len);
}

int uipt_state_damaged(const char *name, const char *why)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", uipt_state_dir(), name);
	return damaged(path, why);
}
