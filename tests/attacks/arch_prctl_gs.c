// SPDX-License-Identifier: GPL-2.0
/* arch_prctl_gs: a ring-0 process asks for a GS base of its own
 * (ARCH_SET_GS).  In ring 0 GS must stay the kernel's per-CPU base. */
#include "attack.h"

int main(void)
{
	char out[512];
	char *argv[] = { TRUSTED_VICTIM, "setgs", NULL };
	long ring;

	attack_name = "arch_prctl_gs";
	run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out));
	ring = field(out, "ring");
	if (ring != 0)
		broken("the trusted victim ran in ring %ld, not 0", ring);
	if (field(out, "setgs") == 0)
		got_through("ARCH_SET_GS succeeded in ring 0 (%s)", strstr(out, "setgs=") ?: out);
	blocked("ARCH_SET_GS in ring 0: errno %ld, GS base reads %#lx", field(out, "errno"),
		field(out, "gs"));
}
