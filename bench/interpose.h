/* interpose.h - what interpose.c offers a harness (see there). */
#ifndef SOCKMODE_BENCH_INTERPOSE_H
#define SOCKMODE_BENCH_INTERPOSE_H

/* Marks the span of one bind() call. */
void ip_begin(void);
void ip_end(void);

#ifdef COUNT_MALLOC
/* Allocation calls in the whole process, and inside the marked spans. */
unsigned long ip_allocs(void);
unsigned long ip_allocs_in(void);
#endif

#ifdef TIME_CALLS
/* Prints "timer NS", then "call NAME CALLS-PER-BIND MEDIAN-NS" lines. */
void ip_report(void);
#endif

#endif
