/* LED: blink a LED through the kernel trigger "netfilter-<id>". */
#include <string.h>
#include <strings.h>
#include <uiptables/packet.h>	/* before uapi headers: <net/if.h> first */
#include <linux/netfilter/xt_LED.h>

enum { O_TRIGGER_ID, O_DELAY, O_ALWAYS_BLINK };

#define TRIGGER_PREFIX "netfilter-"
/* What is left of the id field for the user's part. */
#define ID_MAX (sizeof(((struct xt_led_info *)0)->id) - sizeof(TRIGGER_PREFIX))

static const struct xt_option_entry led_opts[] = {
	{ .name = "led-trigger-id", .id = O_TRIGGER_ID, .type = XTTYPE_STRING,
	  .flags = XTOPT_MAND },
	{ .name = "led-delay", .id = O_DELAY, .type = XTTYPE_STRING },
	{ .name = "led-always-blink", .id = O_ALWAYS_BLINK, .type = XTTYPE_NONE },
	XTOPT_TABLEEND,
};

static void led_help(FILE *f)
{
	fprintf(f, "LED target options:\n"
		"--led-trigger-id name           the trigger is named \"netfilter-name\"\n"
		"--led-delay ms                  keep the LED on this long (\"inf\": until changed)\n"
		"--led-always-blink              blink even when the LED is already on\n");
}

static int led_parse(struct xt_option_call *cb)
{
	struct xt_led_info *led = cb->data;
	unsigned long long v;

	switch (cb->entry->id) {
	case O_TRIGGER_ID:
		if (strlen(cb->arg) > ID_MAX)
			return xt_error(PARAMETER_PROBLEM,
					"Argument must have a maximum length of %zu characters\n",
					ID_MAX);
		memset(led->id, 0, sizeof(led->id));
		snprintf(led->id, sizeof(led->id), TRIGGER_PREFIX "%s", cb->arg);
		break;
	case O_DELAY:
		if (!strncasecmp(cb->arg, "inf", 3))
			led->delay = (uint32_t)-1;
		else if (xt_strtoul(cb->arg, NULL, &v, 0, UINT32_MAX))
			led->delay = (uint32_t)v;
		else
			return xt_error(PARAMETER_PROBLEM,
					"Delay value must be within range 0..%u", UINT32_MAX);
		break;
	case O_ALWAYS_BLINK:
		led->always_blink = 1;
		break;
	}
	return 0;
}

/* The id without its prefix, quoted, with " and \ escaped. */
static void print_id(FILE *f, const struct xt_led_info *led)
{
	size_t skip = strlen(TRIGGER_PREFIX);
	const char *id = led->id + skip;

	fputc('"', f);
	for (size_t i = skip; i < sizeof(led->id) && *id; i++, id++) {
		if (*id == '"' || *id == '\\')
			fputc('\\', f);
		fputc(*id, f);
	}
	fputc('"', f);
}

static void led_print(FILE *f, const struct ipt_ip *ip, const void *data, bool numeric)
{
	const struct xt_led_info *led = data;

	(void)ip;
	(void)numeric;
	fputs(" led-trigger-id:", f);
	print_id(f, led);
	if (led->delay == (uint32_t)-1)
		fputs(" led-delay:inf", f);
	else
		fprintf(f, " led-delay:%dms", (int)led->delay);
	if (led->always_blink)
		fputs(" led-always-blink", f);
}

static void led_save(FILE *f, const struct ipt_ip *ip, const void *data)
{
	const struct xt_led_info *led = data;

	(void)ip;
	fputs(" --led-trigger-id ", f);
	print_id(f, led);
	if (led->delay > 0)
		fprintf(f, " --led-delay %d", (int)led->delay);
	if (led->always_blink)
		fputs(" --led-always-blink", f);
}

static int led_check(const struct xt_check_param *par)
{
	const struct xt_led_info *led = par->data;

	if (!led->id[0])
		return xt_error(OTHER_PROBLEM, "No 'id' parameter given.");
	if (strnlen(led->id, sizeof(led->id)) == sizeof(led->id))
		return xt_error(OTHER_PROBLEM, "'id' parameter not null-terminated.");
	return 0;
}

/* A LED is not a packet's business in the evaluator. */
static unsigned int led_target(struct xt_pkt *pkt, const struct xt_action_param *par)
{
	(void)pkt;
	(void)par;
	return XT_CONTINUE;
}

static struct xtables_target led_target_ext = {
	.name = "LED",
	.family = NFPROTO_UNSPEC,
	.size = sizeof(struct xt_led_info),
	.userspacesize = offsetof(struct xt_led_info, internal_data),
	.help = led_help,
	.parse = led_parse,
	.print = led_print,
	.save = led_save,
	.options = led_opts,
	.checkentry = led_check,
	.target = led_target,
};

void libxt_LED_init(void)
{
	xtables_register_target(&led_target_ext);
}
