/* suggest.h - the nearest known name, for "did you mean" messages. */
#ifndef SOCKMODE_SUGGEST_H
#define SOCKMODE_SUGGEST_H

#include <stddef.h>

/* The best candidate so far for a misspelt word. */
struct sm_suggest {
	const char *word;	/* as written: len bytes, not NUL-terminated */
	size_t len;
	const char *best;	/* NULL while no candidate is close enough */
	unsigned dist;
};

/* Starts a search for the name nearest to word (len bytes). */
void sm_suggest_init(struct sm_suggest *s, const char *word, size_t len);

/* Considers name (NUL-terminated): it becomes the best when it is nearer
 * than the best so far and close enough to be the word meant: at most
 * one edit (two for names of six bytes or more) away, where an edit is an
 * insertion, a deletion, a substitution or a swap of two neighbours, and
 * case does not count. Allocation-free. */
void sm_suggest_try(struct sm_suggest *s, const char *name);

#endif
