// SPDX-License-Identifier: GPL-2.0
/* hardlink_root: hard-link a root-owned program that root never made
 * trusted (/attacks/bin/victim, same file system) into the writable
 * /trusted/tmp.  File owner and mode look right; the directory does not.
 * (fs.protected_hardlinks=1 also stops it, but it is off by default.) */
#include "attack.h"

int main(void)
{
	char out[512], link1[64];
	char *argv[] = { link1, NULL };

	attack_name = "hardlink_root";
	snprintf(link1, sizeof(link1), "/trusted/tmp/hr-%d", getpid());
	if (link(PAYLOAD, link1))
		refused(errno, "link %s into /trusted/tmp", PAYLOAD);
	judge_exec("an untrusted root-owned program hard-linked into /trusted/tmp",
		   run_capture(link1, argv, NULL, out, sizeof(out)), out);
}
