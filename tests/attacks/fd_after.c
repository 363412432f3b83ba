// SPDX-License-Identifier: GPL-2.0
/*
 * fd_after_unlink, fd_after_rename (one source, the name says which): hold
 * a descriptor to a trusted program while root takes it out of /trusted,
 * then execveat() the descriptor.  guest-run.sh plays root: it waits for
 * /tmp/NAME.opened, then removes /trusted/attacks/gone (unlink) or moves
 * /trusted/attacks/moved to /attacks/moved-out (rename, a root-owned,
 * root-only directory outside /trusted).  A program root has withdrawn
 * from /trusted must not run in ring 0.
 */
#include "attack.h"
#include <libgen.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static int fd = -1;

static void exec_fd(void *arg)
{
	char *argv[] = { "victim", NULL };
	extern char **environ;

	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	printf("execveat: %s\n", strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *name = basename(argv[0]);
	int unlinked = !!strstr(name, "unlink");
	const char *path = unlinked ? "/trusted/attacks/gone" : "/trusted/attacks/moved";
	char out[512], marker[96];
	struct stat sb;
	int i;

	attack_name = name;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		broken("open %s: %s", path, strerror(errno));
	snprintf(marker, sizeof(marker), "/tmp/%s.opened", name);
	close(open(marker, O_WRONLY | O_CREAT, 0644));
	for (i = 0; i < 200 && stat(path, &sb) == 0; i++)
		usleep(100000);
	if (stat(path, &sb) == 0)
		broken("root did not take %s away", path);
	judge_exec(unlinked ? "a trusted program root deleted, run by a descriptor kept open"
			    : "a trusted program root moved out of /trusted, run by a descriptor kept open",
		   run_capture_fn(NULL, NULL, NULL, exec_fd, NULL, out, sizeof(out)), out);
}
