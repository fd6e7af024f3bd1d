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
	SM_HAS_DIRMODE = 1u << 6,	/* dirmode=: missing parents made so */
	SM_HAS_DIROWNER = 1u << 7,	/* dirowner= */
	SM_HAS_DIRGROUP = 1u << 8,	/* dirgroup= */
	SM_HAS_DIRFIX = 1u << 9,	/* dirfix=yes|no */
	SM_HAS_ACL = 1u << 10,		/* acl=u:NAME:rw,g:NAME:rw */
	SM_HAS_HOLD = 1u << 11,		/* hold=yes|no (default yes) */
};

/* The keys that make missing parent directories. */
#define SM_HAS_DIRS (SM_HAS_DIRMODE | SM_HAS_DIROWNER | SM_HAS_DIRGROUP)

/* How many named entries acl= may give. */
#define SM_ACL_MAX 8

/* One named ACL entry, tagged as in the system.posix_acl_access
 * attribute (<linux/posix_acl.h>): a user or a group, and its rwx. */
enum { SM_ACL_USER = 0x02, SM_ACL_GROUP = 0x08 };
struct sm_acl_entry {
	unsigned short tag;	/* SM_ACL_USER or SM_ACL_GROUP */
	unsigned short perm;	/* 4 read, 2 write, 1 execute */
	unsigned id;		/* uid or gid */
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
	mode_t dirmode;		/* with SM_HAS_DIRMODE: the 0777 bits */
	uid_t diruid;		/* with SM_HAS_DIROWNER */
	gid_t dirgid;		/* with SM_HAS_DIRGROUP */
	int dirfix;		/* dirfix=yes: existing parent changed too */
	int hold;		/* with SM_HAS_HOLD: 1 yes, 0 no (issue 14) */
	unsigned nacl;		/* with SM_HAS_ACL: entries in acl, >= 1 */
	struct sm_acl_entry acl[SM_ACL_MAX];	/* users, then groups,
						 * each by ascending id */
	const char *origin;	/* where it was written, for messages */
	char *storage;		/* what the policy allocated for glob+origin */
};

#endif
