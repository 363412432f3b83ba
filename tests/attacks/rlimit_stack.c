// SPDX-License-Identifier: GPL-2.0
/* rlimit_stack: raise RLIMIT_STACK to unlimited, then run a trusted
 * program: a huge stack limit changes its memory layout (the legacy mmap
 * layout, room for stack-clash attacks); a setuid exec caps it at 8 MiB,
 * so must a ring-0 one. */
#include "attack.h"
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char out[512];
	char *argv[] = { TRUSTED_VICTIM, NULL };
	long ring, stack;

	attack_name = "rlimit_stack";
	if (setrlimit(RLIMIT_STACK, &rl))
		broken("setrlimit(RLIMIT_STACK, unlimited): %s", strerror(errno));
	run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out));
	ring = field(out, "ring");
	stack = field(out, "stack");
	if (ring == 3)
		blocked("the program ran in ring 3");
	if (ring != 0)
		broken("no ring reported ('%s')", first_line(out));
	if (stack == -1 || stack > 8L << 20)
		got_through("a ring-0 program started with RLIMIT_STACK %ld (the caller's)", stack);
	blocked("RLIMIT_STACK capped at %ld at the ring-0 exec", stack);
}
