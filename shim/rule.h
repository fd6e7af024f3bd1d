/* rule.h - one row of the rule table: which paths, and what they get. */
#ifndef SOCKMODE_RULE_H
#define SOCKMODE_RULE_H

#include <sys/types.h>

/* Which attributes a rule sets (one bit per key). */
enum {
	SM_HAS_MODE = 1u << 0,
	SM_HAS_UMASK = 1u << 1,
	SM_HAS_OWNER = 1u << 2,
	SM_HAS_GROUP = 1u << 3,
	SM_HAS_STALE = 1u << 4,	/* stale=unlink: remove a dead socket file */
	SM_HAS_REMOVE = 1u << 5,	/* remove=exit: remove ours at exit */
};

/* The values of stale= and remove= (each has exactly one). */
enum { SM_STALE_KEEP, SM_STALE_UNLINK };
enum { SM_REMOVE_NEVER, SM_REMOVE_EXIT };

struct sm_rule {
	const char *glob;	/* absolute-path glob; NULL matches every path */
	unsigned keys;		/* SM_HAS_* */
	mode_t mode;		/* the exact 0777 bits, from mode= or umask= */
	uid_t uid;		/* with SM_HAS_OWNER */
	gid_t gid;		/* with SM_HAS_GROUP */
	int stale;		/* SM_STALE_*: with SM_HAS_STALE, UNLINK */
	int remove;		/* SM_REMOVE_*: with SM_HAS_REMOVE, EXIT */
	const char *origin;	/* where it was written, for messages */
	char *storage;		/* what the policy allocated for glob+origin */
};

#endif
