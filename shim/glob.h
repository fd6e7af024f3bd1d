/* glob.h - shell globs for socket paths, matched without allocation. */
#ifndef SOCKMODE_GLOB_H
#define SOCKMODE_GLOB_H

/*
 * Returns 1 when string s matches glob pattern p, else 0. The syntax is
 * fnmatch(3) with no flags: '*' (any run of bytes, '/' included), '?'
 * (one byte), '[...]' with ranges and '!'/'^' negation, '\' escaping the
 * next byte. Bytes, not characters: no locale, no allocation, no recursion,
 * async-signal-safe. p should have passed sm_glob_check().
 */
int sm_glob_match(const char *p, const char *s);

/*
 * Checks that pattern p is well formed. Returns NULL when it is, else a
 * static message; *col receives the 0-based offset of the fault.
 */
const char *sm_glob_check(const char *p, unsigned *col);

/* Nonzero when glob p matches every path: NULL (a rule without a glob)
 * or nothing but '*'s. */
int sm_glob_matches_all(const char *p);

/*
 * For a bind whose directory has no name we can know: nonzero when glob
 * p (checked by sm_glob_check()) might match some path "/X" + tail, with
 * X unknown and not empty (tail is "/" and the last component); zero
 * only when its literal ending makes that impossible. Conservative: when
 * in doubt, nonzero. Allocation-free, async-signal-safe.
 */
int sm_glob_may_end_with(const char *p, const char *tail);

#endif
