// SPDX-License-Identifier: GPL-2.0
/* bind_mount: bind-mount the attacker's program over a trusted one, in the
 * initial mount namespace (needs CAP_SYS_ADMIN there), then run it. */
#include "attack.h"
#include <sys/mount.h>

int main(void)
{
	char out[512];
	char *argv[] = { TRUSTED_VICTIM, NULL };

	attack_name = "bind_mount";
	if (mount(PAYLOAD, TRUSTED_VICTIM, NULL, MS_BIND, NULL))
		refused(errno, "mount --bind over %s", TRUSTED_VICTIM);
	judge_exec("the bind-mounted program", run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out)), out);
}
