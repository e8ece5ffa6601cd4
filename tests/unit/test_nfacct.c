/* Accounting objects: the kernel's count-then-quota step, the state
 * file's round trip and its damage checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../libxt/error.h"
#include "../../libxt/nfacct.h"
#include "../../libxt/store.h"
#include "tap.h"

static void test_count(void)
{
	struct uipt_nfacct_list l = { 0 };
	struct uipt_nfacct *o = uipt_nfacct_add(&l, "plain");

	ok(uipt_nfacct_count(&l, o, 100) == UIPT_NFACCT_NO_QUOTA &&
	   o->pkts == 1 && o->bytes == 100 && l.dirty, "no quota: counted, always matches");

	o = uipt_nfacct_add(&l, "pk");
	o->flags = NFACCT_F_QUOTA_PKTS;
	o->quota = 2;
	ok(uipt_nfacct_count(&l, o, 60) == UIPT_NFACCT_UNDER &&
	   !(o->flags & NFACCT_F_OVERQUOTA), "packet quota 2: first packet under");
	ok(uipt_nfacct_count(&l, o, 60) == UIPT_NFACCT_UNDER &&
	   (o->flags & NFACCT_F_OVERQUOTA), "second reaches it: flagged, not matching");
	ok(uipt_nfacct_count(&l, o, 60) == UIPT_NFACCT_OVER, "third is past it: matches");

	o = uipt_nfacct_add(&l, "by");
	o->flags = NFACCT_F_QUOTA_BYTES;
	o->quota = 150;
	ok(uipt_nfacct_count(&l, o, 100) == UIPT_NFACCT_UNDER, "byte quota 150: 100 under");
	ok(uipt_nfacct_count(&l, o, 100) == UIPT_NFACCT_OVER &&
	   (o->flags & NFACCT_F_OVERQUOTA), "200 bytes: past it");

	o = uipt_nfacct_add(&l, "zero");
	o->flags = NFACCT_F_QUOTA_PKTS;
	ok(uipt_nfacct_count(&l, o, 1) == UIPT_NFACCT_OVER, "quota 0: the first packet passes it");

	o = uipt_nfacct_add(&l, "a0123456789012345678901234567890123456789");
	ok(strlen(o->name) == NFACCT_NAME_MAX - 1, "a long name is cut to 31 bytes");
	ok(uipt_nfacct_find(&l, "a012345678901234567890123456789zzz") == o,
	   "found by its first 31 bytes");
	ok(!uipt_nfacct_find(&l, "p"), "a prefix of a name is another name");
	uipt_nfacct_remove(&l, uipt_nfacct_find(&l, "pk"));
	ok(l.n == 4 && !strcmp(l.obj[1].name, "by"), "removed, the order kept");
	free(l.obj);
}

static size_t read_raw(const char *dir, char *buf, size_t cap)
{
	char path[4096];
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/" UIPT_NFACCT_FILE, dir);
	if (!(f = fopen(path, "r")))
		return 0;
	len = fread(buf, 1, cap, f);
	fclose(f);
	return len;
}

static void write_raw(const char *dir, const void *p, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" UIPT_NFACCT_FILE, dir);
	if (!(f = fopen(path, "w")))
		return;
	fwrite(p, 1, len, f);
	fclose(f);
}

static void test_file(const char *dir)
{
	struct uipt_nfacct_list *l = uipt_nfacct_objects();
	struct uipt_nfacct *o;
	char buf[512];
	size_t len;

	ok(l && l->n == 0, "no file: no objects");
	if (!l)
		return;
	o = uipt_nfacct_add(l, "kept");
	o->flags = NFACCT_F_QUOTA_BYTES | NFACCT_F_OVERQUOTA;
	o->quota = 7;
	o->pkts = 3;
	o->bytes = 1ull << 40;
	uipt_nfacct_add(l, "second");
	ok(uipt_nfacct_save() == 0 && !l->dirty, "saved");
	len = read_raw(dir, buf, sizeof(buf));
	ok(len == 24 + 2 * sizeof(struct uipt_nfacct) && !memcmp(buf, "UIPTACCT", 8),
	   "a header and two 64-byte records");

	uipt_nfacct_forget();
	l = uipt_nfacct_objects();
	o = l ? uipt_nfacct_find(l, "kept") : NULL;
	ok(l && l->n == 2 && o == &l->obj[0] && o->quota == 7 && o->pkts == 3 &&
	   o->bytes == 1ull << 40 && o->flags == (NFACCT_F_QUOTA_BYTES | NFACCT_F_OVERQUOTA),
	   "read back whole, in order");

	/* A flipped counter bit: the checksum sees it. */
	buf[24 + 40] ^= 1;
	write_raw(dir, buf, len);
	uipt_nfacct_forget();
	ok(!uipt_nfacct_objects() && strstr(xt_error_msg(), "checksum mismatch"),
	   "a changed byte: damaged (%s)", xt_error_msg());
	buf[24 + 40] ^= 1;

	/* Sound checksum, unsound records: the same name twice. */
	memcpy(buf + 24 + 64, buf + 24, 64);
	{
		uint64_t sum = uipt_state_checksum(buf + 24, len - 24);

		memcpy(buf + 16, &sum, 8);
	}
	write_raw(dir, buf, len);
	ok(!uipt_nfacct_objects() && strstr(xt_error_msg(), "bad object"),
	   "a name twice: damaged");

	write_raw(dir, buf, 30);
	ok(!uipt_nfacct_objects() && strstr(xt_error_msg(), "sizes do not add up"),
	   "cut short: damaged");
	ok(read_raw(dir, buf, sizeof(buf)) == 30, "and left as it was");
}

int main(void)
{
	char dir[] = "/tmp/test_nfacct.XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	setenv("UIPTABLES_STATE", dir, 1);
	test_count();
	test_file(dir);
	{
		char path[sizeof(dir) + 16];

		snprintf(path, sizeof(path), "%s/" UIPT_NFACCT_FILE, dir);
		unlink(path);
		rmdir(dir);
	}
	return tap_done();
}
