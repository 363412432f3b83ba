// SPDX-License-Identifier: GPL-2.0
/* userns_tmpfs: unshare -Urm, mount a tmpfs of our own on /trusted, put
 * the attacker's program there and run it. */
#include "attack.h"
#include <sched.h>
#include <sys/mount.h>

int main(void)
{
	char out[512];
	char *argv[] = { "/trusted/x", NULL };

	attack_name = "userns_tmpfs";
	if (enter_userns(CLONE_NEWNS))
		refused(errno, "unshare(CLONE_NEWUSER|CLONE_NEWNS)");
	mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (mount("none", "/trusted", "tmpfs", 0, NULL))
		refused(errno, "mount tmpfs on /trusted in the user namespace");
	if (copy_file(PAYLOAD, "/trusted/x", 0755))
		broken("copy the payload to our /trusted/x: %s", strerror(errno));
	judge_exec("the attacker's program in a user namespace's own /trusted",
		   run_capture("/trusted/x", argv, NULL, out, sizeof(out)), out);
}
