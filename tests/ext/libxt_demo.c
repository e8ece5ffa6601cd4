/* An out-of-tree extension, loaded from UIPTABLES_LIBDIR by the tests. */
#include <uiptables/xtables.h>

struct demo_info {
	uint32_t value;
};

enum { O_VALUE };

static const struct xt_option_entry demo_opts[] = {
	{ .name = "demo-value", .id = O_VALUE, .type = XTTYPE_UINT32,
	  .flags = XTOPT_MAND | XTOPT_PUT, XTOPT_POINTER(struct demo_info, value),
	  .max = 1000 },
	XTOPT_TABLEEND,
};

static void demo_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	(void)ip;
	(void)numeric;
	fprintf(f, " demo %u", ((const struct demo_info *)data)->value);
}

static void demo_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	(void)ip;
	fprintf(f, " --demo-value %u", ((const struct demo_info *)data)->value);
}

static struct xtables_match demo_match = {
	.name = "demo",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct demo_info),
	.userspacesize = sizeof(struct demo_info),
	.print = demo_print,
	.save = demo_save,
	.options = demo_opts,
};

void uipt_extension_init(void);
void uipt_extension_init(void)
{
	xtables_register_match(&demo_match);
}
