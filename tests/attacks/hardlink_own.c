// SPDX-License-Identifier: GPL-2.0
/* hardlink_own: hard-link the attacker's own program into /trusted (not
 * writable) and into /trusted/tmp (root-owned, 1777, an admin's mistake),
 * then run it from there. */
#include "attack.h"

int main(void)
{
	char out[512], copy[64], link1[64];
	char *argv[] = { link1, NULL };

	attack_name = "hardlink_own";
	snprintf(copy, sizeof(copy), HOME "/ho-%d", getpid());
	if (copy_file(PAYLOAD, copy, 0755))
		broken("copy the payload to %s: %s", copy, strerror(errno));
	if (link(copy, "/trusted/attacks/evil") == 0)
		got_through("created a hard link in /trusted/attacks");
	snprintf(link1, sizeof(link1), "/trusted/tmp/hl-%d", getpid());
	if (link(copy, link1))
		refused(errno, "link into /trusted/tmp");
	judge_exec("the attacker's program hard-linked into /trusted/tmp",
		   run_capture(link1, argv, NULL, out, sizeof(out)), out);
}
