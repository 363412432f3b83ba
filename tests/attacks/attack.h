/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attack.h - shared helpers for the KML attack suite.
 *
 * Every attack is one program, run in the guest as the unprivileged user
 * kml (uid 1000) by guest-run.sh.  It tries one way of getting its own
 * code to run in ring 0, or of touching a ring-0 process, and prints
 * exactly one line:
 *
 *   PASS attacks/<name>: blocked (<how>)
 *   FAIL attacks/<name>: <what got through>
 *
 * then exits 0 (blocked) or 1 (got through).  Anything else (a crash, a
 * setup step that failed) is reported by the runner as a failure too:
 * an attack that cannot be tried proves nothing.
 *
 * The payload, the attacker's "own code", is the victim program (victim.c)
 * run from a place the attacker controls: it prints the ring it runs in,
 * read from the RPL bits of CS.  The same program, installed by root under
 * /trusted/attacks/, is the ring-0 target of the injection attacks.
 *
 * Header only, built the same with musl (static) and glibc.
 */
#ifndef ATTACK_H
#define ATTACK_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

/* Where guest-run.sh puts things (see there). */
#define TRUSTED_VICTIM	"/trusted/attacks/victim"	/* root 0755, static */
#define TRUSTED_DYN	"/trusted/attacks/victim_dyn"	/* root 0755, glibc, needs libkmlv.so */
#define PAYLOAD		"/attacks/bin/victim"		/* the attacker's code (a copy) */
#define EVIL_LIB	"/attacks/evil/libkmlv.so"	/* the attacker's library */
#define HOME		"/home/kml"			/* writable by the attacker */

static const char *attack_name = "?";

/* Report and exit: exactly one result line a run. */
static void blocked(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void got_through(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void blocked(const char *fmt, ...)
{
	va_list ap;

	printf("PASS attacks/%s: blocked (", attack_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	fflush(stdout);
	exit(0);
}

static void got_through(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL attacks/%s: ", attack_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

/* A setup step failed: the attack was not tried, which is a failure. */
#define broken(...)	got_through("could not try: " __VA_ARGS__)

/*
 * A step of the attack failed with errno E: blocked if the kernel refused
 * it (EPERM, EACCES), otherwise the attack was not really tried (a
 * missing file, a missing feature) and that is reported as such.
 */
#define refused(e, fmt, ...)						\
	do {								\
		int e_ = (e);						\
		if (e_ == EPERM || e_ == EACCES)			\
			blocked(fmt ": %s", ##__VA_ARGS__, strerror(e_));	\
		broken(fmt ": %s", ##__VA_ARGS__, strerror(e_));	\
	} while (0)

static inline int cur_ring(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

/*
 * run_capture: fork, let child_setup (if any) prepare the child, exec
 * PATH with ARGV and ENVP (NULL: ours), collect up to n-1 bytes of its
 * stdout+stderr, wait at most 20 s.  Returns the wait status, or -1 if it
 * could not run; *out is always a string.
 */
static __attribute__((unused)) int run_capture_fn(const char *path, char *const argv[], char *const envp[],
			  void (*child_setup)(void *), void *arg, char *out, size_t n)
{
	extern char **environ;
	int p[2], st = -1;
	size_t len = 0;
	pid_t pid;
	time_t end = time(NULL) + 20;

	out[0] = 0;
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (child_setup)
			child_setup(arg);
		execve(path, argv, envp ? envp : environ);
		printf("exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		ssize_t r;

		if (time(NULL) > end) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		r = read(p[0], out + len, n - 1 - len);
		if (r <= 0)
			break;
		len += r;
		out[len] = 0;
		if (len == n - 1)
			break;
	}
	close(p[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return st;
}

static inline int run_capture(const char *path, char *const argv[], char *const envp[],
			      char *out, size_t n)
{
	return run_capture_fn(path, argv, envp, NULL, NULL, out, n);
}

/* The value of "key=" in the victim's output, or -1. */
static inline long field(const char *out, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = out; (p = strstr(p, pat)); p++)
		if (p == out || p[-1] == ' ' || p[-1] == '\n')
			return strtol(p + strlen(pat), NULL, 0);
	return -1;
}

/* Trim a captured output to its first line, for messages. */
static inline const char *first_line(char *out)
{
	char *nl = strchr(out, '\n');

	if (nl)
		*nl = 0;
	return out;
}

/*
 * The common verdict for "exec something and see which ring it ran in":
 * ring 0 means the attacker's code got ring 0; ring 3 or a refused exec
 * means blocked.
 */
static __attribute__((unused)) void judge_exec(const char *what, int st, char *out)
{
	long ring = field(out, "ring");

	if (ring == 0)
		got_through("%s ran in ring 0 (%s)", what, first_line(out));
	if (ring == 3)
		blocked("%s ran in ring 3", what);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127 &&
	    (strstr(out, "Permission denied") || strstr(out, "Operation not permitted")))
		blocked("%s: %s", what, first_line(out));
	broken("%s: no ring reported (status %#x, output '%s')", what, st, first_line(out));
}

/*
 * Write SRC's bytes to DST, opened with OFLAGS (and MODE when it creates
 * the file).  Returns 0 or -1.
 */
static inline int copy_bytes(const char *src, const char *dst, int oflags, mode_t mode)
{
	char buf[65536];
	int in, outfd;
	ssize_t r;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	outfd = open(dst, oflags | O_WRONLY | O_TRUNC | O_CLOEXEC, mode);
	if (outfd < 0) {
		close(in);
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) > 0)
		if (write(outfd, buf, r) != r) {
			r = -1;
			break;
		}
	close(in);
	if (close(outfd) || r < 0)
		return -1;
	return 0;
}

/* Copy SRC to a new (or truncated) DST with MODE. */
static inline int copy_file(const char *src, const char *dst, mode_t mode)
{
	return copy_bytes(src, dst, O_CREAT, mode) ? -1 : chmod(dst, mode);
}

/* Overwrite an existing file with SRC's bytes, keeping its owner and mode. */
static inline int overwrite_file(const char *src, const char *dst)
{
	return copy_bytes(src, dst, 0, 0);
}

/* Write a string to a file (uid_map and friends); 0 on success. */
static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s));
	close(fd);
	return r == (ssize_t)strlen(s) ? 0 : -1;
}

/*
 * Enter a new user namespace (plus FLAGS, e.g. CLONE_NEWNS) in which we
 * are root, mapped onto our own uid and gid: what `unshare -Urm` does.
 */
static inline int enter_userns(int flags)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER | flags))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", uid);
	if (write_str("/proc/self/uid_map", map))
		return -1;
	if (write_str("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", gid);
	return write_str("/proc/self/gid_map", map);
}

/*
 * Start the trusted victim in "wait" mode as our child and read the pid
 * and the address of its token (see victim.c).  *rfd gets the pipe of its
 * later output.  Returns the pid or -1.
 */
static __attribute__((unused)) pid_t start_victim(const char *path, unsigned long *addr, int *rfd, long *ring)
{
	char line[256];
	size_t len = 0;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl(path, path, "wait", "30", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (len < sizeof(line) - 1) {
		ssize_t r = read(p[0], line + len, 1);

		if (r <= 0)
			return -1;
		if (line[len++] == '\n')
			break;
	}
	line[len] = 0;
	*addr = (unsigned long)field(line, "addr");
	*ring = field(line, "ring");
	*rfd = p[0];
	return pid;
}

/* start_victim() of TRUSTED_VICTIM, which must run in ring 0, or broken(). */
static __attribute__((unused)) pid_t start_ring0_victim(unsigned long *addr, int *rfd)
{
	long ring;
	pid_t pid = start_victim(TRUSTED_VICTIM, addr, rfd, &ring);

	if (pid < 0)
		broken("start %s", TRUSTED_VICTIM);
	if (ring != 0) {
		kill(pid, SIGKILL);
		broken("the trusted victim ran in ring %ld, not 0", ring);
	}
	return pid;
}

/* After an injection attempt: did the victim see its token change? */
static __attribute__((unused)) int victim_saw_injection(pid_t pid, int rfd)
{
	char out[512];
	ssize_t r;
	size_t len = 0;

	kill(pid, SIGUSR1);	/* "report now" */
	while ((r = read(rfd, out + len, sizeof(out) - 1 - len)) > 0)
		len += r;
	out[len] = 0;
	waitpid(pid, NULL, 0);
	return strstr(out, "INJECTED") != NULL;
}

#endif /* ATTACK_H */
