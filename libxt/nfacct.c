/* Accounting objects and their state file. */
#include <stdlib.h>
#include <string.h>
#include "error.h"
#include "nfacct.h"
#include "store.h"

/*
 * The file: a header, then one struct uipt_nfacct per object (64 bytes,
 * host order, as the tables' blobs are).
 */
#define NFACCT_MAGIC "UIPTACCT"
#define NFACCT_VERSION 1
#define NFACCT_FLAGS (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES | NFACCT_F_OVERQUOTA)

struct nfacct_header {
	char magic[8];
	uint32_t version;
	uint32_t count;
	uint64_t checksum;	/* of the objects */
};

static struct uipt_nfacct_list objects;
static bool loaded, registered;

void uipt_nfacct_forget(void)
{
	free(objects.obj);
	memset(&objects, 0, sizeof(objects));
	loaded = false;
}

static bool sane(const struct uipt_nfacct_list *l, const struct uipt_nfacct *o)
{
	uint32_t q = o->flags & (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES);

	if (!o->name[0] || memchr(o->name, '\0', sizeof(o->name)) == NULL)
		return false;
	if ((o->flags & ~NFACCT_FLAGS) || q == (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES))
		return false;
	/* Only objects before o are in l yet. */
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->obj[i].name, o->name))
			return false;
	return true;
}

static int decode(const char *buf, size_t len)
{
	struct nfacct_header h;
	const char *body = buf + sizeof(h);
	size_t n;

	if (len < sizeof(h))
		return uipt_state_damaged(UIPT_NFACCT_FILE, "too short");
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, NFACCT_MAGIC, sizeof(h.magic)))
		return uipt_state_damaged(UIPT_NFACCT_FILE, "bad magic");
	if (h.version != NFACCT_VERSION)
		return uipt_state_damaged(UIPT_NFACCT_FILE, "unsupported version");
	n = (len - sizeof(h)) / sizeof(struct uipt_nfacct);
	if (n != h.count || (len - sizeof(h)) % sizeof(struct uipt_nfacct))
		return uipt_state_damaged(UIPT_NFACCT_FILE, "sizes do not add up");
	if (uipt_state_checksum(body, len - sizeof(h)) != h.checksum)
		return uipt_state_damaged(UIPT_NFACCT_FILE, "checksum mismatch");
	objects.obj = n ? malloc(n * sizeof(*objects.obj)) : NULL;
	if (n && !objects.obj)
		abort();
	objects.cap = n;
	for (size_t i = 0; i < n; i++) {
		memcpy(&objects.obj[i], body + i * sizeof(struct uipt_nfacct),
		       sizeof(struct uipt_nfacct));
		if (!sane(&objects, &objects.obj[i])) {
			uipt_nfacct_forget();
			return uipt_state_damaged(UIPT_NFACCT_FILE, "bad object");
		}
		objects.n++;
	}
	return 0;
}

struct uipt_nfacct_list *uipt_nfacct_objects(void)
{
	char *buf;
	size_t len;
	int ret;

	if (loaded)
		return &objects;
	ret = uipt_state_file_read(UIPT_NFACCT_FILE, &buf, &len);
	if (ret < 0)
		return NULL;
	if (ret == 0) {
		ret = decode(buf, len);
		uipt_state_file_release(buf, len);
		if (ret < 0)
			return NULL;
	}
	if (!registered)
		atexit(uipt_nfacct_forget);
	registered = true;
	loaded = true;
	return &objects;
}

int uipt_nfacct_save(void)
{
	struct nfacct_header h = { .version = NFACCT_VERSION };
	size_t body = objects.n * sizeof(struct uipt_nfacct);
	char *buf;
	int ret;

	if (!loaded || !objects.dirty)
		return 0;
	buf = malloc(sizeof(h) + body);
	if (!buf)
		abort();
	memcpy(h.magic, NFACCT_MAGIC, sizeof(h.magic));
	h.count = (uint32_t)objects.n;
	if (body)
		memcpy(buf + sizeof(h), objects.obj, body);
	h.checksum = uipt_state_checksum(buf + sizeof(h), body);
	memcpy(buf, &h, sizeof(h));
	ret = uipt_state_file_write(UIPT_NFACCT_FILE, buf, sizeof(h) + body);
	free(buf);
	if (ret == 0)
		objects.dirty = false;
	return ret;
}

struct uipt_nfacct *uipt_nfacct_find(struct uipt_nfacct_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->obj[i].name, name, NFACCT_NAME_MAX - 1))
			return &l->obj[i];
	return NULL;
}

struct uipt_nfacct *uipt_nfacct_add(struct uipt_nfacct_list *l, const char *name)
{
	struct uipt_nfacct *o;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->obj = realloc(l->obj, l->cap * sizeof(*l->obj));
		if (!l->obj)
			abort();
	}
	o = &l->obj[l->n++];
	memset(o, 0, sizeof(*o));
	strncpy(o->name, name, sizeof(o->name) - 1);
	l->dirty = true;
	return o;
}

void uipt_nfacct_remove(struct uipt_nfacct_list *l, struct uipt_nfacct *o)
{
	size_t i = (size_t)(o - l->obj);

	memmove(o, o + 1, (l->n - i - 1) * sizeof(*o));
	l->n--;
	l->dirty = true;
}

int uipt_nfacct_count(struct uipt_nfacct_list *l, struct uipt_nfacct *o, uint64_t len)
{
	uint64_t now;

	o->pkts++;
	o->bytes += len;
	l->dirty = true;
	if (!(o->flags & (NFACCT_F_QUOTA_PKTS | NFACCT_F_QUOTA_BYTES)))
		return UIPT_NFACCT_NO_QUOTA;
	now = o->flags & NFACCT_F_QUOTA_PKTS ? o->pkts : o->bytes;
	/* Flagged on reaching the quota, matching only once past it: the
	 * kernel's two comparisons differ, and so do these. */
	if (now >= o->quota)
		o->flags |= NFACCT_F_OVERQUOTA;
	return now > o->quota ? UIPT_NFACCT_OVER : UIPT_NFACCT_UNDER;
}
