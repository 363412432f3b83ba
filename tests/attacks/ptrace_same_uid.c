// SPDX-License-Identifier: GPL-2.0
/* ptrace_same_uid: the user starts a trusted program (ring 0, same uid),
 * attaches with PTRACE_ATTACH and pokes its memory with PTRACE_POKEDATA. */
#include "attack.h"
#include <sys/ptrace.h>

int main(void)
{
	unsigned long addr;
	int rfd, st;
	pid_t pid;

	attack_name = "ptrace_same_uid";
	pid = start_ring0_victim(&addr, &rfd);
	if (ptrace(PTRACE_ATTACH, pid, 0, 0)) {
		int e = errno;

		kill(pid, SIGKILL);
		refused(e, "PTRACE_ATTACH to a ring-0 process");
	}
	waitpid(pid, &st, 0);
	if (ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)0xbad))
		got_through("PTRACE_ATTACH to a ring-0 process succeeded (POKEDATA: %s)", strerror(errno));
	ptrace(PTRACE_DETACH, pid, 0, 0);
	got_through("PTRACE_ATTACH and PTRACE_POKEDATA into a ring-0 process%s",
		    victim_saw_injection(pid, rfd) ? ": the victim saw its memory change" : "");
}
