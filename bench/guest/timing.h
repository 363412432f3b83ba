/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timing.h - the clock and the sort order the guest benchmarks share:
 * monotonic nanoseconds, and qsort() order for medians of doubles.
 */
#ifndef KML_BENCH_TIMING_H
#define KML_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
