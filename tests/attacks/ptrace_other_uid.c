// SPDX-License-Identifier: GPL-2.0
/* ptrace_other_uid: attach to a ring-0 process of another user (uid 65534,
 * started by guest-run.sh, "pid=P addr=A" in argv) and poke it. */
#include "attack.h"
#include <sys/ptrace.h>

int main(int argc, char **argv)
{
	unsigned long addr;
	int st;
	pid_t pid;

	attack_name = "ptrace_other_uid";
	if (argc < 3)
		broken("usage: ptrace_other_uid PID ADDR");
	pid = atoi(argv[1]);
	addr = strtoul(argv[2], NULL, 0);
	if (ptrace(PTRACE_ATTACH, pid, 0, 0))
		refused(errno, "PTRACE_ATTACH to another user's ring-0 process");
	waitpid(pid, &st, __WALL);
	if (ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)0xbad) == 0)
		got_through("attached to uid 65534's ring-0 process and poked its memory");
	got_through("attached to uid 65534's ring-0 process (POKEDATA: %s)", strerror(errno));
}
