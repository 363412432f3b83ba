// SPDX-License-Identifier: GPL-2.0
/*
 * userns_fd_pass: a helper in its own user and mount namespace bind-mounts
 * /attacks/bin (root-owned, untrusted programs) on its /trusted/attacks,
 * opens /trusted/attacks/victim there and passes the descriptor to us over
 * a Unix socket; we, in the initial namespaces, execveat() it.
 */
#include "attack.h"
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

static int passed_fd = -1;

static void exec_fd(void *arg)
{
	char *argv[] = { "victim", NULL };
	extern char **environ;

	syscall(SYS_execveat, passed_fd, "", argv, environ, AT_EMPTY_PATH);
	printf("execveat: %s\n", strerror(errno));
	_exit(127);
}

int main(void)
{
	char out[512], c = 'x';
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sv[2], st;
	pid_t helper;

	attack_name = "userns_fd_pass";
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		broken("socketpair");
	helper = fork();
	if (helper == 0) {
		int fd = -1;

		if (enter_userns(CLONE_NEWNS))
			c = 'u';
		else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
			 mount("/attacks/bin", "/trusted/attacks", NULL, MS_BIND, NULL))
			c = 'm';
		else if ((fd = open("/trusted/attacks/victim", O_RDONLY)) < 0)
			c = 'o';
		if (fd < 0) {
			msg.msg_control = NULL;
			msg.msg_controllen = 0;
		} else {
			cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		}
		sendmsg(sv[1], &msg, 0);
		pause();	/* keep the namespace (and its mounts) alive */
		_exit(0);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, 0) != 1)
		broken("the helper died");
	if (c != 'x')
		kill(helper, SIGKILL);
	if (c == 'u' || c == 'm')
		blocked("the helper could not %s", c == 'u' ? "create a user namespace" : "bind-mount on /trusted");
	cm = CMSG_FIRSTHDR(&msg);
	if (c != 'x' || !cm || cm->cmsg_type != SCM_RIGHTS)
		broken("no descriptor came (helper said %c)", c);
	memcpy(&passed_fd, CMSG_DATA(cm), sizeof(int));
	st = run_capture_fn(NULL, NULL, NULL, exec_fd, NULL, out, sizeof(out));
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	judge_exec("an untrusted program opened as /trusted/attacks/victim in a user namespace and "
		   "passed to the initial namespace", st, out);
}
