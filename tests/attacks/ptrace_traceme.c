// SPDX-License-Identifier: GPL-2.0
/* ptrace_traceme: be the tracer before the exec: the child does
 * PTRACE_TRACEME and execs the trusted program; we get it stopped at its
 * first instruction and poke its memory.  Like a setuid exec under a
 * non-root tracer, it must not gain the privilege (ring 0). */
#include "attack.h"
#include <sys/ptrace.h>

int main(void)
{
	char out[512];
	size_t len = 0;
	ssize_t r;
	int p[2], st;
	pid_t pid;

	attack_name = "ptrace_traceme";
	if (pipe(p))
		broken("pipe");
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execl(TRUSTED_VICTIM, TRUSTED_VICTIM, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		broken("no exec stop (status %#x)", st);
	/* Stopped after the exec, its memory ours to change: whether it
	 * runs in ring 0 is all that matters. */
	ptrace(PTRACE_CONT, pid, 0, 0);
	while (len < sizeof(out) - 1 && (r = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += r;
	out[len] = 0;
	waitpid(pid, &st, 0);
	if (field(out, "ring") == 0)
		got_through("a program traced by uid %d from before its exec ran in ring 0", getuid());
	if (field(out, "ring") == 3)
		blocked("the traced exec ran in ring 3");
	broken("no ring reported (output '%s')", first_line(out));
}
