// SPDX-License-Identifier: GPL-2.0
/* userns_ptrace: in a user namespace of ours (unshare -Ur, same mount
 * namespace and root), we hold CAP_SYS_PTRACE there; run the trusted
 * program from there and attach to it. */
#include "attack.h"
#include <sched.h>
#include <sys/ptrace.h>

int main(void)
{
	unsigned long addr;
	long ring;
	int rfd, st;
	pid_t pid;

	attack_name = "userns_ptrace";
	if (enter_userns(0))
		refused(errno, "unshare(CLONE_NEWUSER)");
	pid = start_victim(TRUSTED_VICTIM, &addr, &rfd, &ring);
	if (pid < 0)
		broken("start %s", TRUSTED_VICTIM);
	if (ring == 3) {
		kill(pid, SIGKILL);
		blocked("a trusted program exec'd in a user namespace runs in ring 3");
	}
	if (ptrace(PTRACE_ATTACH, pid, 0, 0)) {
		int e = errno;

		kill(pid, SIGKILL);
		refused(e, "PTRACE_ATTACH from a user namespace's root");
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)0xbad);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	got_through("root of a user namespace attached to a ring-0 process%s",
		    victim_saw_injection(pid, rfd) ? " and changed its memory" : "");
}
