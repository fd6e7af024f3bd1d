/* conf_fuzz.c - libFuzzer target for the rules-file parser (make fuzz).
 * Any input must parse without a crash, a leak or undefined behaviour,
 * and every reported message must have the FILE:LINE:COL: shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_report(void *ctx, const char *msg)
{
	(void)ctx;
	if (strncmp(msg, "fuzz:", 5) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sm_policy p = { .valid = 1 };
	size_t i;

	sm_conf_parse(&p, "fuzz", (const char *)data, size, check_report, NULL);
	for (i = 0; i < p.nrules; i++)	/* every rule usable by the hook */
		(void)sm_policy_match(&p, "/run/app/x.sock");
	sm_policy_free(&p);
	return 0;
}
