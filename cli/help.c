/* -h: the usage text, or an extension's help after -m/-j. */
#include <stdio.h>
#include <string.h>
#include "applets.h"
#include "cmdline.h"
#include "report.h"
#include "../libxt/registry.h"

static const char usage_text[] =
"Usage: iptables -[ACD] chain rule-specification [options]\n"
"       iptables -I chain [rulenum] rule-specification [options]\n"
"       iptables -R chain rulenum rule-specification [options]\n"
"       iptables -D chain rulenum [options]\n"
"       iptables -[LS] [chain [rulenum]] [options]\n"
"       iptables -[FZ] [chain] [options]\n"
"       iptables -[NX] chain\n"
"       iptables -E old-chain-name new-chain-name\n"
"       iptables -P chain target [options]\n"
"       iptables -h (print this help information)\n"
"\n"
"Commands:\n"
"  --append  -A chain            append to chain\n"
"  --check   -C chain            check for the existence of a rule\n"
"  --delete  -D chain            delete matching rule from chain\n"
"  --delete  -D chain rulenum    delete rule rulenum (1 = first) from chain\n"
"  --insert  -I chain [rulenum]  insert in chain as rulenum (default 1 = first)\n"
"  --replace -R chain rulenum    replace rule rulenum (1 = first) in chain\n"
"  --list    -L [chain [rulenum]] list the rules in a chain or all chains\n"
"  --list-rules -S [chain [rulenum]] print the rules in a chain or all chains\n"
"  --flush   -F [chain]          delete all rules in chain or all chains\n"
"  --zero    -Z [chain [rulenum]] zero counters in chain or all chains\n"
"  --new     -N chain            create a new user-defined chain\n"
"  --delete-chain -X [chain]     delete a user-defined chain\n"
"  --policy  -P chain target     change policy on chain to target\n"
"  --rename-chain -E old-chain new-chain  change chain name\n"
"\n"
"Options:\n"
"[!] --protocol -p proto         protocol: by number or name, eg. `tcp'\n"
"[!] --source   -s address[/mask][...]  source specification\n"
"[!] --destination -d address[/mask][...]  destination specification\n"
"[!] --in-interface -i input name[+]  network interface name ([+] for wildcard)\n"
" --jump -j target               target for rule (may load target extension)\n"
" --goto -g chain                jump to chain with no return\n"
" --match -m match               extended match (may load extension)\n"
" --numeric -n                   numeric output of addresses and ports\n"
"[!] --out-interface -o output name[+]  network interface name ([+] for wildcard)\n"
" --table -t table               table to manipulate (default: `filter')\n"
" --verbose -v                   verbose mode\n"
" --wait -w [seconds]            maximum wait to acquire xtables lock before give up\n"
" --wait-interval -W [usecs]     wait time to try to acquire xtables lock\n"
" --line-numbers                 print line numbers when listing\n"
" --exact -x                     expand numbers (display exact values)\n"
"[!] --fragment -f               match second or further fragments only\n"
" --modprobe=<command>           accepted for compatibility, ignored\n"
" --set-counters -c PKTS BYTES   set the counter during insert/append\n"
"[!] --version -V                print package version.\n";

static void ext_help(const char *name, void (*help)(FILE *))
{
	printf("\n");
	if (help)
		help(stdout);
	else
		printf("%s does not take any options\n", name);
}

/* As iptables: the target's help (a verdict's is the standard target's),
 * then each match's in command-line order. */
void iptables_help(const struct cmdline *c)
{
	const struct xtables_target *t = c->target.target;

	printf("iptables v%s\n\n%s", UIPT_IPTABLES_VERSION, usage_text);
	if (!t && c->jumpto && !c->goto_ &&
	    (!*c->jumpto || !strcmp(c->jumpto, "ACCEPT") || !strcmp(c->jumpto, "DROP") ||
	     !strcmp(c->jumpto, "QUEUE") || !strcmp(c->jumpto, "RETURN")))
		t = xt_find_target("standard", NFPROTO_IPV4);
	if (t)
		ext_help(t->name, t->help);
	for (unsigned int i = 0; i < c->nmatches; i++)
		ext_help(c->matches[i].match->name, c->matches[i].match->help);
}
