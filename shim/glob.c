/* glob.c - the byte-wise glob matcher used on every bind path. */
#include "glob.h"

#include <stddef.h>
#include <string.h>

/*
 * Matches the bracket expression starting after '[' at *pp against byte c.
 * Returns 1 on a match, 0 otherwise, and moves *pp past the closing ']'.
 * An unterminated bracket (rejected at load) never matches.
 */
static int match_bracket(const char **pp, unsigned char c)
{
	const char *p = *pp;
	int negate = 0, hit = 0;

	if (*p == '!' || *p == '^')
		negate = 1, p++;
	do {
		unsigned char lo, hi;

		if (*p == '\0')
			return 0;
		if (*p == '\\' && p[1])
			p++;
		lo = hi = (unsigned char)*p++;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\' && p[1])
				p++;
			hi = (unsigned char)*p++;
		}
		if (lo <= c && c <= hi)
			hit = 1;
	} while (*p != ']');
	*pp = p + 1;
	return hit != negate;
}

/*
 * Matches the single-byte element at *pp ('?', '[...]', '\x' or a literal)
 * against c. Returns 1 and advances *pp past the element on a match.
 */
static int match_one(const char **pp, unsigned char c)
{
	const char *p = *pp;

	switch (*p) {
	case '\0':
		return 0;
	case '?':
		*pp = p + 1;
		return 1;
	case '[':
		p++;
		if (!match_bracket(&p, c))
			return 0;
		*pp = p;
		return 1;
	case '\\':
		if (p[1])
			p++;
		/* fall through */
	default:
		if ((unsigned char)*p != c)
			return 0;
		*pp = p + 1;
		return 1;
	}
}

int sm_glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	while (*s) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (match_one(&p, (unsigned char)*s)) {
			s++;
			continue;
		}
		if (!star_p)
			return 0;
		/* Let the last '*' swallow one more byte and retry. Since '*'
		 * also matches '/', the last star is the only one worth
		 * backtracking to: this is linear per star, never exponential. */
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

const char *sm_glob_check(const char *p, unsigned *col)
{
	const char *start = p;

	for (; *p; p++) {
		if (*p == '\\') {
			if (!p[1]) {
				*col = (unsigned)(p - start);
				return "trailing backslash in pattern";
			}
			p++;
		} else if (*p == '[') {
			const char *open = p++;

			if (*p == '!' || *p == '^')
				p++;
			if (*p == '[' && p[1] == ':') {
				*col = (unsigned)(p - start);
				return "character classes like [:alpha:] are not supported";
			}
			do {
				if (*p == '\\' && p[1])
					p++;
				if (*p == '\0') {
					*col = (unsigned)(open - start);
					return "unterminated '[' in pattern";
				}
				p++;
			} while (*p != ']');
		}
	}
	return NULL;
}

int sm_glob_matches_all(const char *p)
{
	if (!p)
		return 1;
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* The last bytes of a glob's literal tail: enough to compare with a
 * "/NAME" that fits in sun_path. */
#define TAIL_KEEP 128

int sm_glob_may_end_with(const char *p, const char *tail)
{
	char keep[TAIL_KEEP];	/* the last kept bytes of the literal tail */
	size_t kept = 0, total = 0, m = strlen(tail), i;
	int wild = 0;

	if (m > TAIL_KEEP)
		return 1;	/* cannot tell: it may */
	while (*p) {
		char c;

		if (*p == '*' || *p == '?' || *p == '[') {
			if (*p++ == '[') {	/* skip to its ']' */
				if (*p == '!' || *p == '^')
					p++;
				do {
					if (*p == '\\' && p[1])
						p++;
					if (*p)
						p++;
				} while (*p && *p != ']');
				if (*p)
					p++;
			}
			wild = 1;
			kept = total = 0;
			continue;
		}
		if (*p == '\\' && p[1])
			p++;
		c = *p++;
		if (kept == TAIL_KEEP) {
			for (i = 1; i < TAIL_KEEP; i++)
				keep[i - 1] = keep[i];
			kept--;
		}
		keep[kept++] = c;
		total++;
	}
	/* A name "/X/tail" with X unknown (and not empty): a literal glob
	 * must end with tail and be longer; a wildcard's literal tail must
	 * end where tail ends. */
	if (!wild)
		return total > m && memcmp(keep + kept - m, tail, m) == 0;
	if (total <= m)
		return memcmp(keep, tail + m - kept, kept) == 0;
	return memcmp(keep + kept - m, tail, m) == 0;
}
