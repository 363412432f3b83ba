/*
 * apptime: the wall time of one command, for the application benchmark
 * (bench/apps).  Runs COMMAND with its arguments (fork, exec, wait) and
 * prints "@time NAME NANOSECONDS" on standard error, measured with
 * CLOCK_MONOTONIC around the whole child.  Its exit status is the
 * command's (128 + signal if it was killed).  It execs the command by its
 * path, so the command runs in whatever ring its path gives it.
 *
 *   apptime NAME COMMAND [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long start, end;
	int status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: apptime NAME COMMAND [ARGS...]\n");
		return 2;
	}
	start = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("apptime: fork");
		return 2;
	}
	if (pid == 0) {
		execv(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("apptime: waitpid");
		return 2;
	}
	end = now_ns();
	fprintf(stderr, "@time %s %lld\n", argv[1], end - start);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
