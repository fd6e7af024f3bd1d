/* ids.h - user and group names to numeric ids, resolved at load only. */
#ifndef SOCKMODE_IDS_H
#define SOCKMODE_IDS_H

#include <sys/types.h>

/*
 * Resolves a user name or a decimal uid to *uid. A value made only of
 * digits is a numeric id (as systemd treats it), whether or not a passwd
 * entry exists. Returns NULL on success, else a static message. Uses NSS:
 * call at load time, never from bind().
 */
const char *sm_lookup_user(const char *name, uid_t *uid);

/* The same for groups: a group name or a decimal gid into *gid. */
const char *sm_lookup_group(const char *name, gid_t *gid);

#endif
