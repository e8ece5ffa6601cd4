/* u32: tests on 32-bit words read at computed offsets of the packet. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <uiptables/packet.h>
#include <linux/netfilter/xt_u32.h>

enum { O_U32 };

static const struct xt_option_entry u32_opts[] = {
	{ .name = "u32", .id = O_U32, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND | XTOPT_INVERT },
	XTOPT_TABLEEND,
};

static void u32_help(FILE *f)
{
	fprintf(f, "u32 match options:\n"
		"[!] --u32 tests\n"
		"\t\t\t\ttests := location \"=\" value | tests \"&&\" location \"=\" value\n"
		"\t\t\t\tvalue := range | value \",\" range\n"
		"\t\t\t\trange := number | number \":\" number\n"
		"\t\t\t\tlocation := number | location operator number\n"
		"\t\t\t\toperator := \"&\" | \"<<\" | \">>\" | \"@\"\n");
}

/* What the parser is reading, and where messages say it is. */
struct u32_reader {
	const char *start, *p;
};

static int at_char(const struct u32_reader *r, const char *what)
{
	return xt_error(PARAMETER_PROBLEM, "u32: at char %u: %s",
			(unsigned int)(r->p - r->start), what);
}

/* A number in C notation; leading blanks are allowed, a sign is not. */
static int read_number(struct u32_reader *r, uint32_t *out)
{
	unsigned int pos = (unsigned int)(r->p - r->start);
	const char *s = r->p;
	unsigned long long v;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	v = *s == '-' ? 0 : strtoull(r->p, &end, 0);
	if (*s == '-' || end == r->p || errno || v > UINT32_MAX)
		return xt_error(PARAMETER_PROBLEM,
				"u32: at char %u: not a number or out of range", pos);
	r->p = end;
	*out = (uint32_t)v;
	return 0;
}

/* After the first number of a location: an operator, then a number. */
static int read_location(struct u32_reader *r, struct xt_u32_test *t, unsigned int *n)
{
	struct xt_u32_location_element *el = &t->location[*n];

	if (*n) {
		switch (*r->p) {
		case '&':
			el->nextop = XT_U32_AND;
			break;
		case '<':
			if (*++r->p != '<')
				return at_char(r, "a second '<' was expected");
			el->nextop = XT_U32_LEFTSH;
			break;
		case '>':
			if (*++r->p != '>')
				return at_char(r, "a second '>' was expected");
			el->nextop = XT_U32_RIGHTSH;
			break;
		case '@':
			el->nextop = XT_U32_AT;
			break;
		default:
			return at_char(r, "operator expected");
		}
		r->p++;
	}
	if (read_number(r, &el->number) < 0)
		return -1;
	if (++*n > XT_U32_MAXSIZE)
		return at_char(r, "too many operators");
	return 0;
}

/* One range of the value list: n or n:m, after a comma when not first. */
static int read_range(struct u32_reader *r, struct xt_u32_test *t, unsigned int *n)
{
	struct xt_u32_value_element *v = &t->value[*n];

	if (*n) {
		if (*r->p != ',')
			return at_char(r, "expected \",\" or \"&&\"");
		r->p++;
	}
	if (read_number(r, &v->min) < 0)
		return -1;
	while (isspace((unsigned char)*r->p))
		r->p++;
	v->max = v->min;
	if (*r->p == ':') {
		r->p++;
		if (read_number(r, &v->max) < 0)
			return -1;
	}
	if (++*n > XT_U32_MAXSIZE)
		return at_char(r, "too many \",\"s");
	return 0;
}

/* tests := location "=" values ["&&" tests]; two states, as iptables:
 * reading the location, then the values. */
static int parse_tests(const char *arg, struct xt_u32 *data)
{
	struct u32_reader r = { arg, arg };
	unsigned int ti = 0, nloc = 0, nval = 0;
	bool values = false;

	for (;;) {
		struct xt_u32_test *t = &data->tests[ti];

		while (isspace((unsigned char)*r.p))
			r.p++;
		if (!*r.p) {
			if (!values)
				return xt_error(PARAMETER_PROBLEM,
						"u32: abrupt end of input after location specifier");
			if (!nval)
				return xt_error(PARAMETER_PROBLEM,
						"u32: test ended with no value specified");
			t->nnums = (uint8_t)nloc;
			t->nvalues = (uint8_t)nval;
			data->ntests = (uint8_t)++ti;
			return ti > XT_U32_MAXSIZE ? at_char(&r, "too many \"&&\"s") : 0;
		}
		if (!values && *r.p == '=') {
			if (!nloc)
				return at_char(&r, "location spec missing");
			r.p++;
			values = true;
		} else if (!values) {
			if (read_location(&r, t, &nloc) < 0)
				return -1;
		} else if (*r.p == '&') {
			if (*++r.p != '&')
				return at_char(&r, "a second '&' was expected");
			if (!nval)
				return at_char(&r, "value spec missing");
			t->nnums = (uint8_t)nloc;
			t->nvalues = (uint8_t)nval;
			if (++ti > XT_U32_MAXSIZE)
				return at_char(&r, "too many \"&&\"s");
			r.p++;
			values = false;
			nloc = nval = 0;
		} else if (read_range(&r, t, &nval) < 0) {
			return -1;
		}
	}
}

static int u32_parse(struct xt_option_call *cb)
{
	struct xt_u32 *data = cb->data;

	data->invert = cb->invert;
	return parse_tests(cb->arg, data);
}

static void dump_tests(FILE *f, const struct xt_u32 *data)
{
	static const char *const ops[] = {
		[XT_U32_AND] = "&", [XT_U32_LEFTSH] = "<<", [XT_U32_RIGHTSH] = ">>",
		[XT_U32_AT] = "@",
	};

	fputs(" \"", f);
	for (unsigned int ti = 0; ti < data->ntests && ti <= XT_U32_MAXSIZE; ti++) {
		const struct xt_u32_test *t = &data->tests[ti];

		if (ti)
			fputs("&&", f);
		fprintf(f, "0x%x", t->location[0].number);
		for (unsigned int i = 1; i < t->nnums && i <= XT_U32_MAXSIZE; i++) {
			if (t->location[i].nextop <= XT_U32_AT)
				fputs(ops[t->location[i].nextop], f);
			fprintf(f, "0x%x", t->location[i].number);
		}
		fputc('=', f);
		for (unsigned int i = 0; i < t->nvalues && i <= XT_U32_MAXSIZE; i++) {
			fputs(i ? "," : "", f);
			fprintf(f, "0x%x", t->value[i].min);
			if (t->value[i].min != t->value[i].max)
				fprintf(f, ":0x%x", t->value[i].max);
		}
	}
	fputc('"', f);
}

static void u32_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_u32 *u = data;

	(void)ip;
	(void)numeric;
	fprintf(f, " u32%s", u->invert ? " !" : "");
	dump_tests(f, u);
}

static void u32_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_u32 *u = data;

	(void)ip;
	fprintf(f, "%s --u32", u->invert ? " !" : "");
	dump_tests(f, u);
}

static int u32_check(const struct xt_check_param *par)
{
	const struct xt_u32 *u = par->data;

	if (u->ntests > XT_U32_MAXSIZE + 1)
		return xt_error(OTHER_PROBLEM, "u32: too many tests");
	for (unsigned int i = 0; i < u->ntests; i++)
		if (u->tests[i].nnums > XT_U32_MAXSIZE + 1 ||
		    u->tests[i].nvalues > XT_U32_MAXSIZE + 1)
			return xt_error(OTHER_PROBLEM, "u32: too many numbers");
	return 0;
}

static uint32_t word_at(const struct xt_pkt *pkt, uint32_t off)
{
	const uint8_t *p = pkt->data + off;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One test, as the kernel's u32_match_it; false also when a read would
 * leave the packet.  Shift counts are taken mod 32, as x86 does. */
static bool one_test(const struct xt_pkt *pkt, const struct xt_u32_test *t)
{
	uint32_t len = pkt->len, at = 0, pos = t->location[0].number, val;

	if (len < 4 || pos > len - 4)
		return false;
	val = word_at(pkt, pos);
	for (unsigned int i = 1; i < t->nnums && i <= XT_U32_MAXSIZE; i++) {
		uint32_t num = t->location[i].number;

		switch (t->location[i].nextop) {
		case XT_U32_AND:
			val &= num;
			break;
		case XT_U32_LEFTSH:
			val <<= num & 31;
			break;
		case XT_U32_RIGHTSH:
			val >>= num & 31;
			break;
		case XT_U32_AT:
			if (at + val < at)
				return false;
			at += val;
			if (at + 4 < at || len < at + 4 || num > len - at - 4)
				return false;
			val = word_at(pkt, at + num);
			break;
		}
	}
	for (unsigned int i = 0; i < t->nvalues && i <= XT_U32_MAXSIZE; i++)
		if (t->value[i].min <= val && val <= t->value[i].max)
			return true;
	return false;
}

static bool u32_match(const struct xt_pkt *pkt, struct xt_action_param *par)
{
	const struct xt_u32 *u = par->data;
	bool all = true;

	for (unsigned int i = 0; all && i < u->ntests && i <= XT_U32_MAXSIZE; i++)
		all = one_test(pkt, &u->tests[i]);
	return all != !!u->invert;
}

static struct xtables_match u32_ext = {
	.name = "u32",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_u32),
	.userspacesize = sizeof(struct xt_u32),
	.help = u32_help,
	.parse = u32_parse,
	.print = u32_print,
	.save = u32_save,
	.options = u32_opts,
	.checkentry = u32_check,
	.match = u32_match,
};

void libxt_u32_init(void)
{
	xtables_register_match(&u32_ext);
}
