// SPDX-License-Identifier: GPL-2.0
/* writable_file: /trusted/attacks/wfile is root's but mode 0777, and
 * /trusted/attacks/owned is owned by kml (both an administrator's mistakes,
 * set up by guest-run.sh): overwrite each with the attacker's program and
 * run it. */
#include "attack.h"

int main(void)
{
	static const char *files[] = { "/trusted/attacks/wfile", "/trusted/attacks/owned" };
	char out[512];
	char *argv[2] = { NULL, NULL };
	int st = 0, i;

	attack_name = "writable_file";
	for (i = 0; i < 2; i++) {
		if (overwrite_file(PAYLOAD, files[i]))
			refused(errno, "write %s", files[i]);
	}
	for (i = 0; i < 2; i++) {
		argv[0] = (char *)files[i];
		st = run_capture(files[i], argv, NULL, out, sizeof(out));
		if (field(out, "ring") != 3)
			judge_exec(files[i], st, out);
	}
	judge_exec("the attacker's program written into a world-writable and a kml-owned file in /trusted",
		   st, out);
}
