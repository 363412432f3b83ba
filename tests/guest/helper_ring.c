// SPDX-License-Identifier: GPL-2.0
/*
 * helper_ring - report the ring this program runs in, optionally check it,
 * and optionally exec the next program of a chain.
 *
 * Usage: helper_ring EXPECT [PATH EXPECT [PATH EXPECT ...]]
 *
 * EXPECT is "0", "3" or "any".  The program prints "helper_ring: ring N",
 * and when its ring differs from EXPECT exits with 2.  When /proc/self/status
 * has a KernelMode: line, it must agree with the ring (1 for ring 0), or the
 * program exits with 5.  With more arguments it execs PATH with the rest of
 * the list as its own arguments (exit 3 if the exec fails).  The last
 * program of a chain exits with 10 + its ring, so a parent sees through
 * wait() which ring the end of the chain ran in.
 */
#include "kmltest.h"

int main(int argc, char **argv)
{
	int ring = kml_ring();
	int km = kml_status_kernelmode("/proc/self/status");

	printf("helper_ring: %s: ring %d, KernelMode %d\n", argv[0], ring, km);
	fflush(stdout);
	if (argc > 1 && strcmp(argv[1], "any") && atoi(argv[1]) != ring) {
		printf("helper_ring: expected ring %s, got %d\n", argv[1], ring);
		return 2;
	}
	if (km >= 0 && km != (ring == 0)) {
		printf("helper_ring: KernelMode %d does not match ring %d\n",
		       km, ring);
		return 5;
	}
	if (argc > 3) {
		execv(argv[2], argv + 2);
		printf("helper_ring: execv %s: %s\n", argv[2], strerror(errno));
		return 3;
	}
	return 10 + ring;
}
