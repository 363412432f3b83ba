// SPDX-License-Identifier: GPL-2.0
/*
 * basic_life - the simplest sanity test of process life: fork, exit status
 * through wait, a pipe between parent and child, exec of this same program
 * (which then checks again that it runs in the expected ring), a forked
 * child in the same ring as its parent, a signal
 * handler, and kill of a child blocked in read.
 */
#include "kmltest.h"

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	if (si->si_pid == getpid() && si->si_code == SI_USER)
		got_usr1++;
	else
		got_usr1 = -100;
}

/* Mode used by the exec check: the exec'd copy says hello and exits 42. */
static int exec_child(void)
{
	kml_expect_ring();
	printf("basic_life: exec'd copy running\n");
	return 42;
}

int main(int argc, char **argv)
{
	char exe[PATH_MAX];
	int p[2];
	pid_t pid;
	ssize_t n;
	char buf[16];

	if (argc > 1 && !strcmp(argv[1], "--exec-child"))
		return exec_child();
	kml_expect_ring();

	kml_run("fork and exit status");
	pid = fork();
	if (pid == 0)
		_exit(7);
	kml_check_exit("child exit status 7 seen by waitpid", pid, 7);
	pid = fork();
	if (pid == 0)
		_exit(10 + kml_ring());
	kml_check_exit("forked child runs in the parent's ring (exit 10 + ring)",
		       pid, 10 + kml_ring());

	kml_run("pipe from child to parent");
	if (pipe(p))
		kml_die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "hello", 5) == 5 ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	KML_CHECK("parent reads the child's 5 bytes",
		  n == 5 && !memcmp(buf, "hello", 5),
		  "expected 5 bytes \"hello\", got %zd", n);
	n = read(p[0], buf, sizeof(buf));
	KML_CHECK_EQ("EOF after the child exits", 0, n);
	close(p[0]);
	kml_check_exit("writer child exit status 0", pid, 0);

	kml_run("exec of this program in a child");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		snprintf(exe, sizeof(exe), "%s", argv[0]);
	else
		exe[n] = 0;
	pid = fork();
	if (pid == 0) {
		execl(exe, exe, "--exec-child", (char *)NULL);
		_exit(99);
	}
	kml_check_exit("exec'd copy exits 42 (99 = exec failed)", pid, 42);

	kml_run("signal handler");
	kml_sigaction(SIGUSR1, on_usr1, 0);
	kill(getpid(), SIGUSR1);
	KML_CHECK_EQ("SIGUSR1 handler ran once with si_pid = self, SI_USER",
		     1, got_usr1);

	kml_run("SIGKILL of a child blocked in read");
	if (pipe(p))
		kml_die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], buf, 1);
		_exit(0);
	}
	close(p[0]);
	kill(pid, SIGKILL);
	kml_check_killed("child killed by SIGKILL", pid, SIGKILL);
	close(p[1]);

	kml_finish();
}
