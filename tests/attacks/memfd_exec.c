// SPDX-License-Identifier: GPL-2.0
/* memfd_exec: the attacker's program in a memfd named like a trusted path,
 * run with fexecve (execveat of /proc/self/fd/N). */
#include "attack.h"
#include <sys/mman.h>

static int mfd = -1;

static void exec_fd(void *arg)
{
	char *argv[] = { "/trusted/attacks/victim", NULL };
	extern char **environ;

	fexecve(mfd, argv, environ);
	printf("fexecve: %s\n", strerror(errno));
	_exit(127);
}

int main(void)
{
	char out[512], buf[65536];
	ssize_t r;
	int in;

	attack_name = "memfd_exec";
	mfd = syscall(SYS_memfd_create, "/trusted/attacks/victim", 0);
	in = open(PAYLOAD, O_RDONLY);
	if (mfd < 0 || in < 0)
		broken("memfd_create: %s", strerror(errno));
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, r) != r)
			broken("write the memfd");
	judge_exec("the attacker's program in a memfd",
		   run_capture_fn(NULL, NULL, NULL, exec_fd, NULL, out, sizeof(out)), out);
}
