// SPDX-License-Identifier: GPL-2.0
/* writable_dir: write the attacker's program into a directory under
 * /trusted that others can write: /trusted/tmp (root, 1777) and
 * /trusted/kmlhome (owned by kml), both set up by guest-run.sh. */
#include "attack.h"

int main(void)
{
	char out[512], p1[64], p2[64];
	char *argv[] = { p1, NULL };
	int st;

	attack_name = "writable_dir";
	snprintf(p1, sizeof(p1), "/trusted/tmp/wd-%d", getpid());
	snprintf(p2, sizeof(p2), "/trusted/kmlhome/wd-%d", getpid());
	if (copy_file(PAYLOAD, p1, 0755) || copy_file(PAYLOAD, p2, 0755))
		refused(errno, "write into /trusted/tmp and /trusted/kmlhome");
	st = run_capture(p1, argv, NULL, out, sizeof(out));
	if (field(out, "ring") != 3)
		judge_exec(p1, st, out);
	argv[0] = p2;
	judge_exec("the attacker's program in /trusted/tmp (1777) and in /trusted/kmlhome (owned by kml)",
		   run_capture(p2, argv, NULL, out, sizeof(out)), out);
}
