/* true.c - the trivial dynamically linked program whose start-up the load
 * benchmark times: it returns at once, so what is measured is exec, the
 * dynamic loader, the preloaded libraries' constructors, and exit.
 *
 * Built with -DWITH_MALLOC (true-malloc), it makes one heap allocation,
 * as nearly every real program does: a preloaded library that allocates
 * at load then no longer pays for setting up the heap on its own. */
#ifdef WITH_MALLOC
#include <stdlib.h>
#endif

int main(void)
{
#ifdef WITH_MALLOC
	void *volatile p = malloc(64);

	free(p);
#endif
	return 0;
}
