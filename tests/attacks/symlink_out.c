// SPDX-License-Identifier: GPL-2.0
/*
 * symlink_out: a symlink in /trusted that points at the attacker's
 * program, and one that points at the attacker's directory.  /trusted
 * itself is not writable; /trusted/tmp is (an administrator's mistake that
 * guest-run.sh sets up: root-owned, mode 1777).
 */
#include "attack.h"

int main(void)
{
	char out[512], copy[64], link1[64], link2[64], path[96];
	char *argv[] = { link1, NULL };
	long ring;
	int st;

	attack_name = "symlink_out";
	snprintf(copy, sizeof(copy), HOME "/so-%d", getpid());
	if (copy_file(PAYLOAD, copy, 0755))
		broken("copy the payload to %s: %s", copy, strerror(errno));
	if (symlink(copy, "/trusted/attacks/evil") == 0)
		got_through("created a symlink in /trusted/attacks");
	snprintf(link1, sizeof(link1), "/trusted/tmp/sl-%d", getpid());
	snprintf(link2, sizeof(link2), "/trusted/tmp/sd-%d", getpid());
	if (symlink(copy, link1) || symlink(HOME, link2))
		refused(errno, "symlink in /trusted");
	st = run_capture(link1, argv, NULL, out, sizeof(out));
	ring = field(out, "ring");
	if (ring != 3 && !(WIFEXITED(st) && WEXITSTATUS(st) == 127))
		judge_exec("the attacker's program through a symlink in /trusted/tmp", st, out);
	snprintf(path, sizeof(path), "%s/so-%d", link2, getpid());
	argv[0] = path;
	judge_exec("the attacker's program through a directory symlink in /trusted/tmp",
		   run_capture(path, argv, NULL, out, sizeof(out)), out);
}
