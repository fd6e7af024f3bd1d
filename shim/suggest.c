/* suggest.c - the nearest known name, for "did you mean" messages. */
#include "suggest.h"

#include <string.h>

#define SUGGEST_MAX 32	/* longer words are nobody's misspelling of a key */

static unsigned char lower(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 'A' && u <= 'Z' ? (unsigned char)(u | 0x20) : u;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * The edit distance between a (alen bytes) and b (blen bytes), both at
 * most SUGGEST_MAX: insertions, deletions, substitutions and swaps of
 * neighbours (optimal string alignment), case ignored. Uses three rows on
 * the stack.
 */
static unsigned distance(const char *a, size_t alen, const char *b,
			 size_t blen)
{
	unsigned rows[3][SUGGEST_MAX + 1];
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
	size_t i, j;

	for (j = 0; j <= blen; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= alen; i++) {
		cur[0] = (unsigned)i;
		for (j = 1; j <= blen; j++) {
			unsigned cost = lower(a[i - 1]) != lower(b[j - 1]);

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1,
				      prev[j - 1] + cost);
			if (i > 1 && j > 1 &&
			    lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2, prev2 = prev, prev = cur, cur = t;
	}
	return prev[blen];
}

void sm_suggest_init(struct sm_suggest *s, const char *word, size_t len)
{
	s->word = word;
	s->len = len;
	s->best = NULL;
	s->dist = ~0u;
}

void sm_suggest_try(struct sm_suggest *s, const char *name)
{
	size_t len = strlen(name);
	unsigned d;

	if (len > SUGGEST_MAX || s->len > SUGGEST_MAX)
		return;
	d = distance(s->word, s->len, name, len);
	if (d <= (len >= 6 ? 2u : 1u) && d < s->dist) {
		s->best = name;
		s->dist = d;
	}
}
