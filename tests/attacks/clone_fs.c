// SPDX-License-Identifier: GPL-2.0
/* clone_fs: a child that shares our fs_struct (clone(CLONE_FS)) execs a
 * trusted program: we could then change its working directory and umask
 * under it.  Like setuid (LSM_UNSAFE_SHARE), no privilege then. */
#include "attack.h"
#include <sched.h>

int main(void)
{
	char out[512];
	size_t len = 0;
	ssize_t r;
	int p[2];
	long pid;

	attack_name = "clone_fs";
	if (pipe(p))
		broken("pipe");
	pid = syscall(SYS_clone, CLONE_FS | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		broken("clone(CLONE_FS): %s", strerror(errno));
	if (pid == 0) {
		dup2(p[1], 1);
		execl(TRUSTED_VICTIM, TRUSTED_VICTIM, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (len < sizeof(out) - 1 && (r = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += r;
	out[len] = 0;
	waitpid(pid, NULL, 0);
	judge_exec("a trusted program exec'd by a process sharing our fs_struct", 0, out);
}
