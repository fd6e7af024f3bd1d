/* sockmode.c - the wrapper: validate, set SOCKMODE_*, preload or
 * supervise (--via), exec.
 *
 * Exit codes (skarnet style): 100 wrong usage or invalid configuration,
 * 111 a system call failed, 126 the command cannot be executed, 127 it
 * was not found; otherwise the command's own (we exec, never fork).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "keys.h"
#include "log.h"
#include "path.h"
#include "policy.h"
#include "why.h"

#ifndef SOCKMODE_VERSION
#define SOCKMODE_VERSION "unknown"	/* make passes debian/changelog's */
#endif

static const char usage[] =
	"usage: sockmode [-m MODE | -u UMASK] [-o OWNER] [-g GROUP] [-p GLOB]...\n"
	"                [--stale=unlink] [--remove=exit] [--acl=ENTRIES]\n"
	"                [--dirmode=MODE] [--dirowner=USER] [--dirgroup=GROUP]\n"
	"                [--dirfix=yes] [--hold=no] [-c FILE | --no-config]\n"
	"                [--on-error fail|warn] [--via auto|preload|seccomp]\n"
	"                [-v] [--] COMMAND [ARG]...\n"
	"       sockmode --check [-c FILE | --no-config]\n"
	"       sockmode --explain PATH [-c FILE | --no-config]\n"
	"       sockmode --why PATH [--as USER] [-g GROUP]... [--json]\n"
	"       sockmode --audit [GLOB]... [--json]\n"
	"       sockmode --version | --help\n";

static const char help[] =
	"Runs COMMAND with libsockmode.so preloaded, or under a seccomp\n"
	"supervisor, so that the Unix socket files it binds get the mode, owner\n"
	"and group asked for here or in the rules file (see sockmode(1),\n"
	"sockmode.conf(5)).\n"
	"\n"
	"  -m MODE            octal permission bits (0660)\n"
	"  -u UMASK           instead of -m: mode = 0777 & ~UMASK\n"
	"  -o OWNER           user name or uid\n"
	"  -g GROUP           group name or gid\n"
	"  -p GLOB            act only on paths matching GLOB (repeatable)\n"
	"  --stale=unlink     before the bind, remove a socket file nothing is\n"
	"                     bound to any more (a crashed server's)\n"
	"  --remove=exit      remove the socket files bound at normal exit\n"
	"                     (not after a kill signal, _exit or exec)\n"
	"  --acl=ENTRIES      also grant POSIX ACL entries on the socket file:\n"
	"                     u:USER:rw,g:GROUP:rw (at most 8)\n"
	"  --dirmode=MODE     make the socket's missing parent directories\n"
	"  --dirowner=USER    (below /run, /var/run, /tmp, /var/tmp or\n"
	"  --dirgroup=GROUP   /dev/shm) with this mode, owner and group\n"
	"  --dirfix=yes       give an existing socket directory dirmode etc.\n"
	"                     too (only one owned by root, you or dirowner)\n"
	"  --hold=no          let the program's own later chmod/chown change\n"
	"                     the socket file (default yes: they are kept)\n"
	"  --mode, --umask, --owner, --group: long forms of -m, -u, -o, -g\n"
	"  -c FILE            rules file (default /etc/sockmode.conf if present)\n"
	"  --no-config        no rules file, not even the default one\n"
	"  --on-error WHAT    fail (default): a bind whose policy cannot be\n"
	"                     applied fails; warn: it is logged and kept\n"
	"  --via HOW          auto (default): seccomp for static and Go\n"
	"                     programs, else preload; preload: LD_PRELOAD the\n"
	"                     library; seccomp: bind(2) done by a supervisor\n"
	"  -v                 log what is done (-vv: more)\n"
	"  --check            validate the configuration, print the rules\n"
	"  --explain PATH     say which rule PATH gets, and what it does\n"
	"  --why PATH         can USER (--as, default you) connect to the\n"
	"                     socket at PATH? if not, why not, and the fix\n"
	"  --audit [GLOB]...  every socket bound to a path: who can connect\n"
	"\n"
	"Exit: 100 usage or configuration error, 111 system error, 126 COMMAND\n"
	"not executable, 127 COMMAND not found, else COMMAND's own status.\n";

enum { OPT_ON_ERROR = 256, OPT_CHECK, OPT_EXPLAIN, OPT_VERSION, OPT_HELP,
       OPT_VIA, OPT_NO_CONFIG, OPT_KEY = 512 };	/* OPT_KEY + i: --NAME of sm_keys[i] */

/* How the policy reaches the program (--via). */
enum via { VIA_AUTO, VIA_PRELOAD, VIA_SECCOMP };

/* What the options ask for. */
struct options {
	const char *rule[SM_NKEYS];	/* values of the sm_keys, by index */
	unsigned keys;		/* SM_HAS_* of the rule options given */
	struct sm_rule parsed;	/* their values, parsed */
	char *match;		/* the -p globs joined with ':' */
	const char *config, *on_error, *explain;
	int verbose, check, any_rule;
	enum via via;
};

/* Messages go to stderr as "sockmode: ...", one line each. */
static void report_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "sockmode: %s\n", msg);
}

/* The options seen as the variables the library will read: options
 * first; the rule variables of the environment are replaced as a whole
 * when any rule option is given. */
static const struct options *cli_opts;

static const char *cli_getenv(const char *name)
{
	const struct options *o = cli_opts;
	size_t i;

	for (i = 0; i < sm_nkeys; i++)
		if (strcmp(name, sm_keys[i].env) == 0)
			return o->any_rule ? o->rule[i] : getenv(name);
	if (strcmp(name, "SOCKMODE_MATCH") == 0)
		return o->any_rule ? o->match : getenv(name);
	if (strcmp(name, "SOCKMODE_CONFIG") == 0 && o->config)
		return o->config;
	if (strcmp(name, "SOCKMODE_ON_ERROR") == 0 && o->on_error)
		return o->on_error;
	if (strcmp(name, "SOCKMODE_LOG") == 0 && o->verbose)
		return o->verbose > 1 ? "debug" : "info";
	return getenv(name);
}

/* Appends glob to the ':'-separated list *list. Returns 0, or -1 when
 * the glob cannot be written in SOCKMODE_MATCH (it holds a ':'). */
static int add_glob(char **list, const char *glob)
{
	size_t old = *list ? strlen(*list) : 0, len = strlen(glob);
	char *p;

	if (strchr(glob, ':'))
		return -1;
	p = realloc(*list, old + len + 2);
	if (!p) {
		perror("sockmode");
		exit(111);
	}
	if (old)
		p[old++] = ':';
	memcpy(p + old, glob, len + 1);
	*list = p;
	return 0;
}

/* Checks one rule option (opt: as written, "-m" or "--stale") with the
 * library's own parser, into into. Returns 0 or 1. */
static int check_value(const char *opt, size_t key, const char *value,
		       struct sm_rule *into)
{
	const char *err = sm_keys[key].parse(value, into);

	if (!err)
		return 0;
	fprintf(stderr, "sockmode: %s %s: %s\n", opt, value, err);
	return 1;
}

/* The index in sm_keys of the key that option code c sets: -m, -u, -o,
 * -g, or OPT_KEY + index for the long forms. */
static size_t key_of(int c)
{
	const char *name = c == 'm' ? "mode" : c == 'u' ? "umask"
			 : c == 'o' ? "owner" : "group";

	if (c >= OPT_KEY)
		return (size_t)(c - OPT_KEY);
	return (size_t)(sm_key_find(name, strlen(name)) - sm_keys);
}

/* Records a rule option's value (c: its getopt code). Returns 0 or 1. */
static int rule_option(struct options *o, int c, const char *value)
{
	char opt[32];
	size_t key = key_of(c);
	int bad = 0;

	if (c < 256)
		snprintf(opt, sizeof opt, "-%c", c);
	else
		snprintf(opt, sizeof opt, "--%s", sm_keys[key].name);
	if (o->rule[key]) {
		fprintf(stderr, "sockmode: %s given twice\n", opt);
		bad = 1;
	}
	o->rule[key] = value;
	o->keys |= sm_keys[key].bit;
	o->any_rule = 1;
	return bad | check_value(opt, key, value, &o->parsed);
}

/* Records -c FILE (made absolute: the command may change directory before
 * the library reads it) or, for file NULL, --no-config. Returns 0 or 1. */
static int config_option(struct options *o, const char *file)
{
	static char abs[PATH_MAX];

	if (o->config) {
		fputs("sockmode: -c or --no-config given twice\n", stderr);
		return 1;
	}
	if (!file) {
		o->config = SM_NO_CONFIG;
		return 0;
	}
	if (!*file || sm_abs_path(file, abs, sizeof abs) < 0) {
		fprintf(stderr, "sockmode: -c %s: %s\n", file, *file
			? "cannot make the path absolute" : "empty file name");
		return 1;
	}
	o->config = abs;
	return 0;
}

/* Parses argv into o; returns the index of COMMAND. Exits 100 on errors. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { FIXED = 7 };	/* the options before the keys' */
	static struct option longs[FIXED + SM_NKEYS + 1] = {
		{ "on-error", required_argument, NULL, OPT_ON_ERROR },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "explain", required_argument, NULL, OPT_EXPLAIN },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "via", required_argument, NULL, OPT_VIA },
		{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	};
	const struct sm_key_need *need;
	size_t i;
	int c, bad = 0;

	for (i = 0; i < SM_NKEYS; i++)	/* --mode ... --acl: every key */
		longs[FIXED + i] = (struct option){ sm_keys[i].name,
						required_argument, NULL,
						OPT_KEY + (int)i };

	while ((c = getopt_long(argc, argv, "+m:u:o:g:p:c:v", longs, NULL)) != -1) {
		switch (c) {
		case 'm': case 'u': case 'o': case 'g':
			bad |= rule_option(o, c, optarg);
			break;
		case 'p': {
			unsigned col = 0;
			const char *err = *optarg ? sm_policy_check_glob(optarg, &col)
						  : "empty pattern";

			if (!err && add_glob(&o->match, optarg) < 0)
				err = "a pattern cannot contain ':'";
			if (err) {
				fprintf(stderr, "sockmode: -p %s: %s\n", optarg, err);
				bad = 1;
			}
			o->any_rule = 1;
			break;
		}
		case 'c':
			bad |= config_option(o, optarg);
			break;
		case OPT_NO_CONFIG:
			bad |= config_option(o, NULL);
			break;
		case 'v':
			o->verbose++;
			break;
		case OPT_ON_ERROR: {
			int on_error;
			const char *err = sm_parse_on_error(optarg, &on_error);

			if (err) {
				fprintf(stderr, "sockmode: --on-error %s: %s\n",
					optarg, err);
				bad = 1;
			}
			o->on_error = optarg;
			break;
		}
		case OPT_CHECK:
			o->check = 1;
			break;
		case OPT_VIA:
			if (strcmp(optarg, "auto") == 0) {
				o->via = VIA_AUTO;
			} else if (strcmp(optarg, "preload") == 0) {
				o->via = VIA_PRELOAD;
			} else if (strcmp(optarg, "seccomp") == 0) {
				o->via = VIA_SECCOMP;
			} else {
				fprintf(stderr, "sockmode: --via %s: not auto, "
					"preload or seccomp\n", optarg);
				bad = 1;
			}
			break;
		case OPT_EXPLAIN:
			o->explain = optarg;
			break;
		case OPT_VERSION:
			printf("sockmode %s\n", SOCKMODE_VERSION);
			exit(0);
		case OPT_HELP:
			printf("%s\n%s", usage, help);
			exit(0);
		default:
			if (c >= OPT_KEY && c < OPT_KEY + SM_NKEYS) {
				bad |= rule_option(o, c, optarg);
				break;
			}
			fputs(usage, stderr);
			exit(100);
		}
	}
	if ((o->keys & SM_HAS_MODE) && (o->keys & SM_HAS_UMASK)) {
		fputs("sockmode: -m and -u both given; use one\n", stderr);
		bad = 1;
	}
	if ((need = sm_keys_unmet(o->keys, &o->parsed)) != NULL) {
		fprintf(stderr, "sockmode: %s\n", need->cli);
		bad = 1;
	}
	if (o->match && !o->keys) {
		fputs("sockmode: -p needs a rule option (-m, -u, -o, -g, "
		      "--stale, --acl, ...)\n", stderr);
		bad = 1;
	}
	if (!o->check && !o->explain && optind >= argc) {
		fprintf(stderr, "sockmode: no command given\n%s", usage);
		bad = 1;
	}
	if (bad)
		exit(100);
	return optind;
}

/*
 * Decides how the policy reaches the command c (found and inspected
 * once): o->via, or for auto the supervisor for an executable without
 * an ELF interpreter or with Go build info (they never call libc's
 * bind()), else the library. Says what it chose at -v, and warns where
 * the way chosen cannot act. Returns VIA_PRELOAD or VIA_SECCOMP.
 */
static enum via choose_via(const struct options *o,
			   const struct cli_command *c)
{
	const char *file = c->file;
	unsigned kind = c->kind;
	enum via via = o->via;
	const char *what;

	what = kind & CLI_GO ? "is a Go program"
	     : kind & CLI_STATIC ? "is statically linked"
	     : kind & CLI_ELF ? "is dynamically linked"
	     : "is not an ELF executable (a script?)";
	if (via == VIA_AUTO) {
		via = kind & (CLI_GO | CLI_STATIC) ? VIA_SECCOMP : VIA_PRELOAD;
		if (o->verbose)
			fprintf(stderr, "sockmode: --via=auto chose %s: %s %s\n",
				via == VIA_SECCOMP ? "seccomp" : "preload",
				file, what);
	} else if (via == VIA_PRELOAD && (kind & (CLI_GO | CLI_STATIC))) {
		fprintf(stderr, "sockmode: warning: %s %s: the library cannot "
			"act there (--via=seccomp can)\n", file, what);
	}
	if (kind & CLI_SETID)
		fprintf(stderr, "sockmode: warning: %s is set-user-ID or "
			"set-group-ID: %s\n", file, via == VIA_PRELOAD
			? "the loader ignores LD_PRELOAD there"
			: "under the supervisor (no_new_privs) it runs "
			  "without those privileges");
	return via;
}

/* Under the supervisor, remove=exit does nothing (the program's exit is
 * not the supervisor's): says so once when a rule asks for it. */
static void warn_remove_unsupported(const struct sm_policy *pol)
{
	size_t i;

	for (i = 0; i < pol->nrules; i++)
		if (pol->rules[i].keys & SM_HAS_REMOVE) {
			fputs("sockmode: warning: remove=exit is not supported "
			      "under --via=seccomp: the socket files are left "
			      "at exit\n", stderr);
			return;
		}
}

int main(int argc, char **argv)
{
	struct options o = { .via = VIA_AUTO };
	static struct cli_command command;
	struct sm_policy pol;
	enum via via;
	int cmd, rc;

	/* --why and --audit have options of their own (-g: a group of
	 * the user asked about); they come first. */
	if (argc > 1 && strncmp(argv[1], "--why", 5) == 0 &&
	    (argv[1][5] == 0 || argv[1][5] == '='))
		return cli_why(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--audit") == 0)
		return cli_audit(argc, argv);
	cmd = parse_options(argc, argv, &o);
	cli_opts = &o;
	/* The library's own loader, on what the library will see. */
	if (sm_policy_load(&pol, cli_getenv, 0, SM_DEFAULT_CONFIG,
			   report_stderr, NULL) +
	    sm_policy_check_names(&pol, environ, report_stderr, NULL)) {
		fputs("sockmode: invalid configuration; nothing run\n", stderr);
		return 100;
	}
	if (o.check)
		return cli_print_rules(&pol);
	if (o.explain)
		return cli_explain(&pol, o.explain);
	cli_find_command(argv[cmd], &command);
	via = choose_via(&o, &command);
	if (via == VIA_SECCOMP)
		warn_remove_unsupported(&pol);
	cli_set_environment(cli_getenv, via == VIA_PRELOAD);
	if (via == VIA_SECCOMP && (rc = cli_supervise(&pol)) != 0)
		return rc;	/* never run unprotected */
	return cli_exec(&command, argv + cmd);
}
