// SPDX-License-Identifier: GPL-2.0
/*
 * userns_proc_root_bind: like userns_proc_root, but what the helper puts
 * on its /trusted/attacks is a bind mount of /attacks/bin: a directory of
 * root-owned, root-only-writable programs that root never made trusted.
 * Owner and mode checks on the file say yes; only the namespace check can
 * say no.
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

	attack_name = "userns_proc_root_bind";
	if (pipe(p))
		broken("pipe");
	helper = fork();
	if (helper == 0) {
		c = 'x';
		if (enter_userns(CLONE_NEWNS))
			c = 'u';
		else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
			 mount("/attacks/bin", "/trusted/attacks", NULL, MS_BIND, NULL))
			c = 'm';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		broken("the helper died");
	if (c != 'x') {
		kill(helper, SIGKILL);
		blocked("the helper could not %s", c == 'u' ? "create a user namespace" : "bind-mount on /trusted");
	}
	snprintf(path, sizeof(path), "/proc/%d/root/trusted/attacks/victim", helper);
	st = run_capture(path, argv, NULL, out, sizeof(out));
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	judge_exec("an untrusted root-owned program bind-mounted on /trusted in a user namespace, "
		   "exec'd through /proc/PID/root", st, out);
}
