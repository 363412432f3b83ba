/*
 * apptime: the wall time of one command, for the application benchmark
 * (bench/apps).  Runs COMMAND with its arguments (fork, exec, wait) and
 * prints "@time NAME NANOSECONDS" on standard error, measured with
 * CLOCK_MONOTONIC around the whole child.  Its exit status is the
 * command's (128 + signal if it was killed).  It execs the command by its
 * path, so the command runs in whatever ring its path gives it.  With -n
 * COUNT it runs the command COUNT times, one after the other, and the time
 * is that of all of them (the first failure stops it).  Under the
 * instruction-count clock (kmlvm --icount) the nanoseconds are guest
 * instructions.
 *
 *   apptime [-n COUNT] NAME COMMAND [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One run of the command: its wait status, or -1 when fork or wait failed. */
static int run(char **cmd)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("apptime: fork");
		return -1;
	}
	if (pid == 0) {
		execv(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("apptime: waitpid");
		return -1;
	}
	return status;
}

int main(int argc, char **argv)
{
	long long start, end;
	long count = 1;
	int status = 0;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		count = atol(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || count < 1) {
		fprintf(stderr, "usage: apptime [-n COUNT] NAME COMMAND [ARGS...]\n");
		return 2;
	}
	start = now_ns();
	for (long i = 0; i < count; i++) {
		status = run(argv + 2);
		if (status < 0)
			return 2;
		if (status != 0)
			break;
	}
	end = now_ns();
	fprintf(stderr, "@time %s %lld\n", argv[1], end - start);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
