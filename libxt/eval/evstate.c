/*
 * The evaluator's lasting state in one file, `evstate`:
 *
 *   header   magic, version, packet clock, next conntrack id, entry count,
 *            section count, checksum of all that follows
 *   entries  one fixed record per confirmed, unexpired connection
 *   sections per table: name, ruleset identity, length, the bytes of its
 *            rules' extension state (dropped when the ruleset changed);
 *            named state shared by rules (recent lists) in sections of
 *            the table "@shared": the key, NUL-ended, then its bytes.
 *            Older readers skip them as a table they do not have.
 *            Helper state in the section "@ct-helper": per connection
 *            that has some (its master, ftp's line ends), then the
 *            expectations.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../error.h"
#include "../store.h"
#include "ct.h"
#include "evstate.h"

#define EVSTATE_VERSION 1

struct ev_header {
	char magic[8];
	uint32_t version, nconns;
	uint64_t clock_ns;
	uint32_t next_id, nsections;
	uint64_t checksum;
};

struct ev_conn_rec {
	struct uipt_conn c;
	uint64_t udp_stream_ns;
	uint8_t tcp_last_flags;
	uint8_t pad[7];
};

struct ev_section {
	char table[XT_TABLE_MAXNAMELEN];
	uint64_t sum, len;
};

static uint64_t checksum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

#define EVSTATE_FILE "evstate"

static void state_path(char *buf, size_t n)
{
	snprintf(buf, n, "%s/" EVSTATE_FILE, uipt_state_dir());
}

static int damaged(const char *path, const char *why)
{
	return xt_error(OTHER_PROBLEM,
			"state file %s is damaged or foreign (%s); left untouched",
			path, why);
}

/* Checks the header and returns the body, or NULL with an error. */
static const char *check(const char *path, const char *buf, size_t len,
			 struct ev_header *h)
{
	if (len < sizeof(*h)) {
		damaged(path, "too short");
		return NULL;
	}
	memcpy(h, buf, sizeof(*h));
	if (memcmp(h->magic, UIPT_EVSTATE_MAGIC, 8) || h->version != EVSTATE_VERSION) {
		damaged(path, "bad magic or version");
		return NULL;
	}
	if (checksum(buf + sizeof(*h), len - sizeof(*h)) != h->checksum) {
		damaged(path, "checksum mismatch");
		return NULL;
	}
	if ((len - sizeof(*h)) / sizeof(struct ev_conn_rec) < h->nconns) {
		damaged(path, "sizes do not add up");
		return NULL;
	}
	return buf + sizeof(*h);
}

/* Inserted last record first: the table's list keeps the file's order. */
static void load_conns(struct uipt_ct_table *ct, const char *p, uint32_t n)
{
	for (uint32_t i = n; i-- > 0;) {
		struct ev_conn_rec r;
		struct uipt_ev_conn *c = calloc(1, sizeof(*c));

		if (!c)
			abort();
		memcpy(&r, p + (size_t)i * sizeof(r), sizeof(r));
		c->c = r.c;
		c->udp_stream_ns = r.udp_stream_ns;
		c->tcp_last_flags = r.tcp_last_flags;
		uipt_ct_insert(ct, c);
	}
}

static struct uipt_ev_table *table_named(struct uipt_eval *ev, const char *name)
{
	for (int i = 0; i < 5; i++)
		if (ev->tables[i] && !strcmp(ev->tables[i]->model->name, name))
			return ev->tables[i];
	return NULL;
}

#define SHARED_SECTION "@shared"
#define HELPER_SECTION "@ct-helper"

/* ---- helper state ---- */

struct ev_helper_head {
	uint32_t nconns, nexpects;
};

struct ev_helper_conn {
	uint32_t id, master_id;
	char master_helper[16];
	uint32_t nl_seq[2][2];
	uint8_t nl_num[2];
	uint8_t pad[6];
	struct uipt_seqadj seqadj[2];
};

struct ev_expect_rec {
	struct uipt_tuple tuple, master;
	uint32_t master_id, pad0;
	uint64_t timeout_ns;
	char helper[16];
	uint16_t sport_mask, saved_port;
	uint8_t follow, dir;
	uint8_t pad[2];
};

static bool has_helper_state(const struct uipt_ev_conn *c)
{
	return c->master_id || c->ftp_nl_num[0] || c->ftp_nl_num[1] ||
	       (c->c.status & IPS_SEQ_ADJUST);
}

static int by_id(const void *a, const void *b)
{
	const struct ev_helper_conn *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void load_helper_conns(struct uipt_ct_table *ct, struct ev_helper_conn *r, size_t n)
{
	qsort(r, n, sizeof(*r), by_id);
	for (struct uipt_ev_conn *c = ct->list; c && n; c = c->lnext) {
		struct ev_helper_conn key = { .id = c->c.id }, *h;

		if (!(h = bsearch(&key, r, n, sizeof(*r), by_id)))
			continue;
		c->master_id = h->master_id;
		memcpy(c->master_helper, h->master_helper, sizeof(c->master_helper));
		memcpy(c->ftp_nl_seq, h->nl_seq, sizeof(c->ftp_nl_seq));
		memcpy(c->ftp_nl_num, h->nl_num, sizeof(c->ftp_nl_num));
		memcpy(c->seqadj, h->seqadj, sizeof(c->seqadj));
	}
}

/* Expectations keep the file's order (newest first). */
static void load_expects(struct uipt_ct_table *ct, const char *p, size_t n)
{
	struct uipt_ct_expect **tail = &ct->expects;

	while (*tail)
		tail = &(*tail)->next;
	for (size_t i = 0; i < n; i++) {
		struct ev_expect_rec r;
		struct uipt_ct_expect *x = calloc(1, sizeof(*x));

		if (!x)
			abort();
		memcpy(&r, p + i * sizeof(r), sizeof(r));
		x->tuple = r.tuple;
		x->master = r.master;
		x->master_id = r.master_id;
		x->timeout_ns = r.timeout_ns;
		memcpy(x->helper, r.helper, sizeof(x->helper));
		x->helper[sizeof(x->helper) - 1] = '\0';
		x->sport_mask = r.sport_mask;
		x->saved_port = r.saved_port;
		x->follow = r.follow;
		x->dir = r.dir & 1;
		*tail = x;
		tail = &x->next;
	}
}

static int load_helper(struct uipt_ct_table *ct, const char *path, const char *p, size_t len)
{
	struct ev_helper_head h;
	struct ev_helper_conn *r;
	size_t clen;

	if (len < sizeof(h))
		return damaged(path, "helper section cut short");
	memcpy(&h, p, sizeof(h));
	clen = (size_t)h.nconns * sizeof(*r);
	if ((len - sizeof(h)) / sizeof(*r) < h.nconns ||
	    (len - sizeof(h) - clen) / sizeof(struct ev_expect_rec) < h.nexpects)
		return damaged(path, "helper section sizes do not add up");
	if (!(r = malloc(clen ? clen : 1)))
		abort();
	memcpy(r, p + sizeof(h), clen);
	load_helper_conns(ct, r, h.nconns);
	free(r);
	load_expects(ct, p + sizeof(h) + clen, h.nexpects);
	return 0;
}

static struct uipt_shared *shared_find(struct uipt_eval *ev, const char *key)
{
	for (struct uipt_shared *sh = ev->shared; sh; sh = sh->next)
		if (!strcmp(sh->key, key))
			return sh;
	return NULL;
}

static struct uipt_shared *shared_make(struct uipt_eval *ev, const char *key, size_t len)
{
	struct uipt_shared *sh = calloc(1, sizeof(*sh));

	if (!sh || !(sh->key = strdup(key)) || !(sh->data = calloc(1, len ? len : 1)))
		abort();
	sh->len = len;
	sh->next = ev->shared;
	ev->shared = sh;
	return sh;
}

void *uipt_evstate_shared(struct uipt_eval *ev, const char *key, size_t size,
			  size_t *len)
{
	struct uipt_shared *sh = shared_find(ev, key);

	if (!sh)
		sh = shared_make(ev, key, size);
	if (sh->len < size) {
		free(sh->data);
		if (!(sh->data = calloc(1, size)))
			abort();
		sh->len = size;
	}
	if (len)
		*len = sh->len;
	return sh->data;
}

void uipt_evstate_shared_free(struct uipt_eval *ev)
{
	while (ev->shared) {
		struct uipt_shared *sh = ev->shared;

		ev->shared = sh->next;
		free(sh->key);
		free(sh->data);
		free(sh);
	}
}

static void load_shared(struct uipt_eval *ev, const char *p, size_t len)
{
	size_t klen = strnlen(p, len);

	if (klen == len || shared_find(ev, p))
		return;
	memcpy(shared_make(ev, p, len - klen - 1)->data, p + klen + 1, len - klen - 1);
}

static int load_sections(struct uipt_eval *ev, const char *path, const char *p,
			 const char *end, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct ev_section s;
		struct uipt_ev_table *t;

		if ((size_t)(end - p) < sizeof(s))
			return damaged(path, "section header cut short");
		memcpy(&s, p, sizeof(s));
		p += sizeof(s);
		if ((uint64_t)(end - p) < s.len)
			return damaged(path, "section cut short");
		s.table[sizeof(s.table) - 1] = '\0';
		if (!strcmp(s.table, SHARED_SECTION)) {
			load_shared(ev, p, s.len);
			p += s.len;
			continue;
		}
		if (!strcmp(s.table, HELPER_SECTION)) {
			if (load_helper(ev->ct, path, p, s.len) < 0)
				return -1;
			p += s.len;
			continue;
		}
		t = table_named(ev, s.table);
		/* Another ruleset: its rules start afresh, as after a restore. */
		if (t && t->sum == s.sum && t->priv_len == s.len)
			memcpy(t->priv, p, s.len);
		p += s.len;
	}
	return 0;
}

int uipt_evstate_load(struct uipt_eval *ev)
{
	char path[PATH_MAX], *buf = NULL;
	struct ev_header h;
	const char *body;
	size_t len = 0;
	int ret;

	state_path(path, sizeof(path));
	ret = uipt_state_file_read(EVSTATE_FILE, &buf, &len);
	if (ret)
		return ret > 0 ? 0 : -1;
	if (!(body = check(path, buf, len, &h))) {
		uipt_state_file_release(buf, len);
		return -1;
	}
	ev->clock_ns = h.clock_ns;
	ev->ct->next_id = h.next_id ? h.next_id : 1;
	load_conns(ev->ct, body, h.nconns);
	ret = load_sections(ev, path, body + (size_t)h.nconns * sizeof(struct ev_conn_rec),
			    buf + len, h.nsections);
	uipt_state_file_release(buf, len);
	return ret;
}

static void put(char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
	while (*len + n > *cap) {
		*cap = *cap ? *cap * 2 : 4096;
		if (!(*buf = realloc(*buf, *cap)))
			abort();
	}
	memcpy(*buf + *len, p, n);
	*len += n;
}

static void put_conns(struct uipt_ct_table *ct, uint64_t clock_ns, char **buf,
		      size_t *len, size_t *cap, struct ev_header *h)
{
	uipt_ct_expire(ct, clock_ns);
	for (struct uipt_ev_conn *c = ct->list; c; c = c->lnext) {
		struct ev_conn_rec r;

		memset(&r, 0, sizeof(r));
		r.c = c->c;
		r.udp_stream_ns = c->udp_stream_ns;
		r.tcp_last_flags = c->tcp_last_flags;
		put(buf, len, cap, &r, sizeof(r));
		h->nconns++;
	}
}

/* After put_conns: only entries that were written have records. */
static void put_helper(struct uipt_ct_table *ct, uint64_t now, char **buf, size_t *len,
		       size_t *cap, uint32_t *nsections)
{
	struct ev_helper_head h = { 0 };
	struct ev_section s;

	uipt_ct_expect_expire(ct, now);
	for (struct uipt_ev_conn *c = ct->list; c; c = c->lnext)
		h.nconns += has_helper_state(c);
	for (struct uipt_ct_expect *x = ct->expects; x; x = x->next)
		h.nexpects++;
	if (!h.nconns && !h.nexpects)
		return;
	memset(&s, 0, sizeof(s));
	snprintf(s.table, sizeof(s.table), "%s", HELPER_SECTION);
	s.len = sizeof(h) + h.nconns * sizeof(struct ev_helper_conn) +
		h.nexpects * sizeof(struct ev_expect_rec);
	put(buf, len, cap, &s, sizeof(s));
	put(buf, len, cap, &h, sizeof(h));
	for (struct uipt_ev_conn *c = ct->list; c; c = c->lnext) {
		struct ev_helper_conn r;

		if (!has_helper_state(c))
			continue;
		memset(&r, 0, sizeof(r));
		r.id = c->c.id;
		r.master_id = c->master_id;
		memcpy(r.master_helper, c->master_helper, sizeof(r.master_helper));
		memcpy(r.nl_seq, c->ftp_nl_seq, sizeof(r.nl_seq));
		memcpy(r.nl_num, c->ftp_nl_num, sizeof(r.nl_num));
		memcpy(r.seqadj, c->seqadj, sizeof(r.seqadj));
		put(buf, len, cap, &r, sizeof(r));
	}
	for (struct uipt_ct_expect *x = ct->expects; x; x = x->next) {
		struct ev_expect_rec r;

		memset(&r, 0, sizeof(r));
		r.tuple = x->tuple;
		r.master = x->master;
		r.master_id = x->master_id;
		r.timeout_ns = x->timeout_ns;
		memcpy(r.helper, x->helper, sizeof(r.helper));
		r.sport_mask = x->sport_mask;
		r.saved_port = x->saved_port;
		r.follow = x->follow;
		r.dir = x->dir;
		put(buf, len, cap, &r, sizeof(r));
	}
	(*nsections)++;
}

static void put_sections(struct uipt_eval *ev, char **buf, size_t *len, size_t *cap,
			 struct ev_header *h)
{
	for (int i = 0; i < 5; i++) {
		struct uipt_ev_table *t = ev->tables[i];
		struct ev_section s;

		if (!t || !t->priv_len)
			continue;
		memset(&s, 0, sizeof(s));
		snprintf(s.table, sizeof(s.table), "%s", t->model->name);
		s.sum = t->sum;
		s.len = t->priv_len;
		put(buf, len, cap, &s, sizeof(s));
		put(buf, len, cap, t->priv, t->priv_len);
		h->nsections++;
	}
	for (struct uipt_shared *sh = ev->shared; sh; sh = sh->next) {
		struct ev_section s;

		memset(&s, 0, sizeof(s));
		snprintf(s.table, sizeof(s.table), "%s", SHARED_SECTION);
		s.len = strlen(sh->key) + 1 + sh->len;
		put(buf, len, cap, &s, sizeof(s));
		put(buf, len, cap, sh->key, strlen(sh->key) + 1);
		put(buf, len, cap, sh->data, sh->len);
		h->nsections++;
	}
}

/* Both savers: the header first (a placeholder), then the connections. */
static void start_file(struct ev_header *h, uint64_t clock_ns, struct uipt_ct_table *ct,
		       char **buf, size_t *len, size_t *cap)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, UIPT_EVSTATE_MAGIC, 8);
	h->version = EVSTATE_VERSION;
	h->clock_ns = clock_ns;
	h->next_id = ct->next_id;
	put(buf, len, cap, h, sizeof(*h));
	put_conns(ct, clock_ns, buf, len, cap, h);
}

/* The header last: it counts and sums all that follows it. */
static int finish_file(const struct ev_header *h, char *buf, size_t len)
{
	struct ev_header done = *h;
	int ret;

	done.checksum = checksum(buf + sizeof(done), len - sizeof(done));
	memcpy(buf, &done, sizeof(done));
	ret = uipt_state_file_write(EVSTATE_FILE, buf, len);
	free(buf);
	return ret;
}

int uipt_evstate_save(struct uipt_eval *ev)
{
	struct ev_header h;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	start_file(&h, ev->clock_ns, ev->ct, &buf, &len, &cap);
	put_sections(ev, &buf, &len, &cap, &h);
	put_helper(ev->ct, ev->clock_ns, &buf, &len, &cap, &h.nsections);
	return finish_file(&h, buf, len);
}

int uipt_evstate_foreach_conn(uint64_t at_least_ns,
			      int (*cb)(const struct uipt_conn *c, uint64_t now, void *data),
			      void *data)
{
	char path[PATH_MAX], *buf = NULL;
	struct ev_header h;
	const char *body;
	size_t len = 0;
	int ret, n = 0;

	state_path(path, sizeof(path));
	ret = uipt_state_file_read(EVSTATE_FILE, &buf, &len);
	if (ret)
		return ret > 0 ? 0 : -1;
	if (!(body = check(path, buf, len, &h))) {
		uipt_state_file_release(buf, len);
		return -1;
	}
	if (at_least_ns > h.clock_ns)
		h.clock_ns = at_least_ns;
	for (uint32_t i = 0; i < h.nconns; i++) {
		struct ev_conn_rec r;

		memcpy(&r, body + i * sizeof(r), sizeof(r));
		if (r.c.timeout_ns <= h.clock_ns)
			continue;
		n++;
		if (cb(&r.c, h.clock_ns, data) > 0)
			break;
	}
	uipt_state_file_release(buf, len);
	return n;
}

/* The helper section is read into the table (and written anew at
 * save); the others are carried over byte for byte. */
static int split_sections(struct uipt_evstate_ct *s, const char *path)
{
	const char *p = s->sections, *end = p + s->sections_len;
	size_t len = 0, cap = 0;
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->nsections; i++) {
		struct ev_section sec;

		if ((size_t)(end - p) < sizeof(sec))
			return damaged(path, "section header cut short");
		memcpy(&sec, p, sizeof(sec));
		if ((uint64_t)(end - p) - sizeof(sec) < sec.len)
			return damaged(path, "section cut short");
		sec.table[sizeof(sec.table) - 1] = '\0';
		if (!strcmp(sec.table, HELPER_SECTION)) {
			if (load_helper(s->ct, path, p + sizeof(sec), sec.len) < 0)
				return -1;
		} else {
			put(&s->carry, &len, &cap, p, sizeof(sec) + sec.len);
			n++;
		}
		p += sizeof(sec) + sec.len;
	}
	s->sections = s->carry;
	s->sections_len = len;
	s->nsections = n;
	return 0;
}

int uipt_evstate_ct_load(struct uipt_evstate_ct *s)
{
	char path[PATH_MAX];
	struct ev_header h;
	const char *body;
	size_t conns;
	int ret;

	memset(s, 0, sizeof(*s));
	s->ct = uipt_ct_new();
	state_path(path, sizeof(path));
	ret = uipt_state_file_read(EVSTATE_FILE, &s->file, &s->file_len);
	if (ret)
		return ret > 0 ? 0 : -1;	/* no file: an empty table */
	if (!(body = check(path, s->file, s->file_len, &h)))
		return -1;
	s->clock_ns = h.clock_ns;
	s->ct->next_id = h.next_id ? h.next_id : 1;
	load_conns(s->ct, body, h.nconns);
	conns = (size_t)h.nconns * sizeof(struct ev_conn_rec);
	s->sections = body + conns;
	s->sections_len = s->file_len - sizeof(h) - conns;
	s->nsections = h.nsections;
	return split_sections(s, path);
}

int uipt_evstate_ct_save(struct uipt_evstate_ct *s)
{
	struct ev_header h;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	start_file(&h, s->clock_ns, s->ct, &buf, &len, &cap);
	h.nsections = s->nsections;
	if (s->sections_len)
		put(&buf, &len, &cap, s->sections, s->sections_len);
	put_helper(s->ct, s->clock_ns, &buf, &len, &cap, &h.nsections);
	return finish_file(&h, buf, len);
}

const void *uipt_evstate_ct_shared(const struct uipt_evstate_ct *s, const char *key,
				   size_t *len)
{
	const char *p = s->sections, *end;
	size_t klen = strlen(key) + 1;

	if (!p)
		return NULL;	/* no state file yet */
	end = p + s->sections_len;
	for (uint32_t i = 0; i < s->nsections; i++) {
		struct ev_section sec;

		if ((size_t)(end - p) < sizeof(sec))
			break;
		memcpy(&sec, p, sizeof(sec));
		p += sizeof(sec);
		if ((uint64_t)(end - p) < sec.len)
			break;
		if (!strncmp(sec.table, SHARED_SECTION, sizeof(sec.table)) &&
		    sec.len >= klen && !memcmp(p, key, klen)) {
			*len = sec.len - klen;
			return p + klen;
		}
		p += sec.len;
	}
	return NULL;
}

void uipt_evstate_ct_free(struct uipt_evstate_ct *s)
{
	uipt_ct_free(s->ct);
	uipt_state_file_release(s->file, s->file_len);
	free(s->carry);
	memset(s, 0, sizeof(*s));
}
