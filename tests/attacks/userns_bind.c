// SPDX-License-Identifier: GPL-2.0
/* userns_bind: in a new user and mount namespace (unshare -Urm), where we
 * are root, bind-mount the attacker's program over a trusted one and run
 * it from there. */
#include "attack.h"
#include <sched.h>
#include <sys/mount.h>

int main(void)
{
	char out[512], copy[64];
	char *argv[] = { TRUSTED_VICTIM, NULL };

	attack_name = "userns_bind";
	snprintf(copy, sizeof(copy), HOME "/ub-%d", getpid());
	if (copy_file(PAYLOAD, copy, 0755))
		broken("copy the payload to %s: %s", copy, strerror(errno));
	if (enter_userns(CLONE_NEWNS))
		refused(errno, "unshare(CLONE_NEWUSER|CLONE_NEWNS)");
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (mount(copy, TRUSTED_VICTIM, NULL, MS_BIND, NULL))
		refused(errno, "mount --bind in the user namespace");
	judge_exec("the attacker's program bind-mounted over " TRUSTED_VICTIM " in a user namespace",
		   run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out)), out);
}
