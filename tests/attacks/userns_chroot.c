// SPDX-License-Identifier: GPL-2.0
/* userns_chroot: chroot into a directory of ours that has its own
 * /trusted/x: first as ourselves (needs CAP_SYS_CHROOT), then as root of
 * a new user namespace, where chroot is allowed. */
#include "attack.h"
#include <sched.h>

int main(void)
{
	char out[512], jail[64], path[96];
	char *argv[] = { "/trusted/x", NULL };

	attack_name = "userns_chroot";
	snprintf(jail, sizeof(jail), HOME "/jail-%d", getpid());
	snprintf(path, sizeof(path), "%s/trusted", jail);
	if (mkdir(jail, 0755) || mkdir(path, 0755))
		broken("mkdir %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/trusted/x", jail);
	if (copy_file(PAYLOAD, path, 0755))
		broken("copy the payload to %s: %s", path, strerror(errno));
	if (chroot(jail) == 0)
		judge_exec("the attacker's /trusted/x in a chroot",
			   run_capture("/trusted/x", argv, NULL, out, sizeof(out)), out);
	if (enter_userns(0))
		refused(errno, "chroot: EPERM; unshare(CLONE_NEWUSER)");
	if (chroot(jail))
		refused(errno, "chroot in the user namespace");
	judge_exec("the attacker's /trusted/x in a chroot made in a user namespace",
		   run_capture("/trusted/x", argv, NULL, out, sizeof(out)), out);
}
