// SPDX-License-Identifier: GPL-2.0
/* nosuid_mount: a root-owned program on a nosuid mount under /trusted
 * (guest-run.sh mounts a tmpfs with nosuid at /trusted/nosuid, the way a
 * removable or user-supplied medium would be): nosuid means "grants no
 * privilege", so no ring 0 either. */
#include "attack.h"

int main(void)
{
	char out[512];
	char *argv[] = { "/trusted/nosuid/victim", NULL };

	attack_name = "nosuid_mount";
	judge_exec("a program on a nosuid mount under /trusted",
		   run_capture(argv[0], argv, NULL, out, sizeof(out)), out);
}
