// SPDX-License-Identifier: GPL-2.0
/*
 * sa_restart - a system call interrupted by a signal restarts with
 * SA_RESTART and fails with EINTR without it.
 *
 * The parent blocks in read() on an empty pipe.  A child waits until the
 * parent is asleep in that read (state S in /proc/PID/stat, and system
 * call 0 in /proc/PID/syscall where the kernel provides it), then sends
 * SIGUSR1.  The handler acknowledges on a second pipe; only then does the
 * child write the data.  With SA_RESTART the read must resume and return
 * the data; without it, it must return -1 with errno EINTR.
 *
 * For a ring-0 process the restart is the interesting part: the kernel
 * rewinds the saved RIP onto the system-call instruction, which must
 * re-enter the kernel the same way from ring 0.
 */
#include "kmltest.h"
#include <fcntl.h>

static int ack_w;
static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	if (write(ack_w, "k", 1) != 1)
		handled = -100;
}

/* Wait until `pid` sleeps in read(): at most `limit_ms`. */
static int wait_blocked_in_read(pid_t pid, int limit_ms)
{
	char path[64], buf[512];
	int i, fd;
	ssize_t n;

	for (i = 0; i < limit_ms; i++) {
		int sleeping = 0, in_read = -1;
		char *p;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = 0;
				p = strrchr(buf, ')');
				sleeping = p && p[1] == ' ' && p[2] == 'S';
			}
		}
		snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = 0;
				in_read = !strncmp(buf, "0 ", 2);
			}
		}
		if (sleeping && in_read != 0)
			return 0;
		usleep(1000);	/* polling a condition, not a fixed delay */
	}
	return -1;
}

static void one_case(int restart)
{
	struct sigaction sa;
	int data[2], ack[2];
	pid_t parent = getpid(), pid;
	char c = 0;
	ssize_t n;
	int err;

	kml_run("read() on a pipe interrupted by a signal, %s SA_RESTART",
		restart ? "with" : "without");
	if (pipe(data) || pipe(ack))
		kml_die("pipe: %s", strerror(errno));
	ack_w = ack[1];
	handled = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(data[0]);
		close(ack[1]);
		if (wait_blocked_in_read(parent, 20000))
			_exit(2);
		kill(parent, SIGUSR1);
		if (read(ack[0], &c, 1) != 1)	/* the handler has run */
			_exit(3);
		_exit(write(data[1], "x", 1) == 1 ? 0 : 4);
	}
	close(data[1]);
	close(ack[0]);
	n = read(data[0], &c, 1);
	err = errno;
	KML_CHECK_EQ("handler ran once", 1, handled);
	if (restart)
		KML_CHECK("read restarted and returned the byte", n == 1 && c == 'x',
			  "expected 1 byte 'x', got %zd (errno %d %s)", n, err,
			  n < 0 ? strerror(err) : "");
	else
		KML_CHECK("read returned -1 with EINTR", n == -1 && err == EINTR,
			  "expected -1/EINTR, got %zd (errno %d %s)", n, err,
			  strerror(err));
	kml_check_exit("helper child exit 0 (2: parent never blocked)", pid, 0);
	close(data[0]);
	close(ack[1]);
}

int main(void)
{
	kml_expect_ring();
	one_case(1);
	one_case(0);
	kml_finish();
}
