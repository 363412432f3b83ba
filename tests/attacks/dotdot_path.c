// SPDX-License-Identifier: GPL-2.0
/* dotdot_path: exec the attacker's program by a path whose text starts
 * with /trusted/: /trusted/attacks/../../home/kml/p. */
#include "attack.h"

int main(void)
{
	char out[512], copy[64], path[128];
	char *argv[] = { path, NULL };

	attack_name = "dotdot_path";
	snprintf(copy, sizeof(copy), HOME "/dd-%d", getpid());
	if (copy_file(PAYLOAD, copy, 0755))
		broken("copy the payload to %s: %s", copy, strerror(errno));
	snprintf(path, sizeof(path), "/trusted/attacks/../..%s", copy);
	judge_exec(path, run_capture(path, argv, NULL, out, sizeof(out)), out);
}
