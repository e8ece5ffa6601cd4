/*
 * Bob Jenkins' lookup3 hash as <linux/jhash.h> uses it: the kernel picks
 * NAT addresses (find_best_ips_proto), HMARK marks and cluster nodes with
 * it, so the evaluator must compute the same words to choose the same.
 */
#ifndef UIPTABLES_JHASH_H
#define UIPTABLES_JHASH_H

#include <stdint.h>

#define UIPT_JHASH_INITVAL 0xdeadbeefu

static inline uint32_t uipt_rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

static inline void uipt_jhash_mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c; *a ^= uipt_rol32(*c, 4);  *c += *b;
	*b -= *a; *b ^= uipt_rol32(*a, 6);  *a += *c;
	*c -= *b; *c ^= uipt_rol32(*b, 8);  *b += *a;
	*a -= *c; *a ^= uipt_rol32(*c, 16); *c += *b;
	*b -= *a; *b ^= uipt_rol32(*a, 19); *a += *c;
	*c -= *b; *c ^= uipt_rol32(*b, 4);  *b += *a;
}

static inline void uipt_jhash_final(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*c ^= *b; *c -= uipt_rol32(*b, 14);
	*a ^= *c; *a -= uipt_rol32(*c, 11);
	*b ^= *a; *b -= uipt_rol32(*a, 25);
	*c ^= *b; *c -= uipt_rol32(*b, 16);
	*a ^= *c; *a -= uipt_rol32(*c, 4);
	*b ^= *a; *b -= uipt_rol32(*a, 14);
	*c ^= *b; *c -= uipt_rol32(*b, 24);
}

/* __jhash_nwords: initval already holds the length term. */
static inline uint32_t uipt_jhash_nwords(uint32_t a, uint32_t b, uint32_t c, uint32_t initval)
{
	a += initval;
	b += initval;
	c += initval;
	uipt_jhash_final(&a, &b, &c);
	return c;
}

static inline uint32_t uipt_jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t initval)
{
	return uipt_jhash_nwords(a, b, c, initval + UIPT_JHASH_INITVAL + (3u << 2));
}

static inline uint32_t uipt_jhash_1word(uint32_t a, uint32_t initval)
{
	return uipt_jhash_nwords(a, 0, 0, initval + UIPT_JHASH_INITVAL + (1u << 2));
}

#endif
