/* empty.c - the empty preload library, the baseline of the load cost:
 * one hidden function, no constructor, no dependency but libc. It is
 * linked with the same flags as libsockmode.so (-z now, -z relro). */
__attribute__((visibility("hidden"))) int sm_bench_empty(void);

__attribute__((visibility("hidden"))) int sm_bench_empty(void)
{
	return 0;
}
