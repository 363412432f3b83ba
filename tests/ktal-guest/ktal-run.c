// SPDX-License-Identifier: GPL-2.0
/*
 * ktal-run - run one program in the guest and say how it went, for the
 * KTAL guest tests (tests/ktal-guest/run.sh).
 *
 *   ktal-run [-u UID] [-U UID] [-i IN] [-o OUT] [-A ARGS] [-t SECONDS] [-s [-p] [-S]] FILE
 *   ktal-run -U UID -P PID
 *
 * Forks, drops to UID (-u), takes stdin from IN and stdout from OUT, and
 * execs FILE, with argv[0] = FILE or, with -A, the NUL-terminated strings
 * of the file ARGS as its arguments (argv[0] first).  Prints one line:
 *   "execfail ERRNO | why REASON"   the exec failed (ERRNO as a number);
 *                      REASON is what the kernel tells the caller
 *                      (arch_prctl ARCH_KML_KTAL_REASON), "(none: ...)"
 *                      when it holds none
 *   "exit N ns T"      the program exited with N, T ns after the fork
 *   "signal N ns T"    a signal killed it
 * With -s, stdin is a pipe that stays open until the parent has read the
 * child's /proc/PID/status, and the line starts with the status's
 * "KernelMode: K KtalVerified: V" values ("status K V ...").  With -p as
 * well, the parent (which -U UID makes the same user as the child) then
 * tries to write the child's code: open /proc/PID/mem for writing,
 * PTRACE_ATTACH, process_vm_writev at the code address 0x400000, and
 * prints "probe E1 E2 E3 ", the errno of each (0: it worked).  With -S
 * as well, the line ends with " ssb VALUE": the status's
 * "Speculation_Store_Bypass:" value, its blanks made "_" (e.g.
 * "thread_force_mitigated").
 * With -P PID, nothing is run: as UID (-U), it probes the process PID (a
 * forked child of a verified program, say) the way -p does and prints
 * "probe E1 E2 E3 status K V".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* arch_prctl: the reason of this thread's last refused KTAL exec */
#define ARCH_KML_KTAL_REASON		0x6001
#define ARCH_KML_KTAL_REASON_SIZE	320

static pid_t child;
static char why[ARCH_KML_KTAL_REASON_SIZE];

/* A program that runs for more than 60 s (-t S: S s) is killed ("signal 9"). */
static void timeout(int sig)
{
	(void)sig;
	kill(child, SIGKILL);
}

static long long now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* "Speculation_Store_Bypass:" of the status, blanks made "_" (-S) */
static char ssb[64] = "-";

/* "KernelMode" and "KtalVerified" of pid, once it runs in ring 0, or
 * what they say after a second. */
static void status(pid_t pid, int *km, int *kv)
{
	char path[64], line[256];
	int i;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");

		*km = *kv = -1;
		if (!f)
			return;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "KernelMode: %d", km);
			sscanf(line, "KtalVerified: %d", kv);
			if (!strncmp(line, "Speculation_Store_Bypass:", 25)) {
				snprintf(ssb, sizeof(ssb), "%s", line + 25 + strspn(line + 25, " \t"));
				ssb[strcspn(ssb, "\n")] = 0;
				for (p = ssb; *p; p++)
					if (*p == ' ')
						*p = '_';
			}
		}
		fclose(f);
		if (*km == 1)
			return;
		usleep(10000);
	}
}

/* errno of each way to write into pid's code, 0 where one worked */
static void probe(pid_t pid)
{
	char path[64], b = 0x90;
	struct iovec l = { &b, 1 }, r = { (void *)0x400000, 1 };
	int fd, e1, e2, e3;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR);
	e1 = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	e2 = ptrace(PTRACE_ATTACH, pid, 0, 0) ? errno : 0;
	if (!e2)
		ptrace(PTRACE_DETACH, pid, 0, 0);
	e3 = process_vm_writev(pid, &l, 1, &r, 1, 0) < 0 ? errno : 0;
	printf("probe %d %d %d ", e1, e2, e3);
}

/* The NUL-terminated strings of file @path, as an argv (exits if unreadable). */
static char **read_args(const char *path)
{
	static char buf[65536], *v[256];
	FILE *f = fopen(path, "rb");
	size_t n, i, k = 0;

	if (!f)
		_exit(125);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (i = 0; i < n && k < 255; i += strlen(buf + i) + 1)
		v[k++] = buf + i;
	v[k] = NULL;
	return v;
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *argfile = NULL;
	int uid = -1, puid = -1, hold = 0, prb = 0, pssb = 0, secs = 60, c, ep[2], sp[2], err, st, km = -1, kv = -1;
	pid_t target = 0;
	long long t0;
	pid_t pid;

	while ((c = getopt(argc, argv, "u:U:i:o:A:t:spSP:")) != -1) {
		switch (c) {
		case 'A': argfile = optarg; break;
		case 'u': uid = atoi(optarg); break;
		case 'U': puid = atoi(optarg); break;
		case 'p': prb = 1; break;
		case 't': secs = atoi(optarg); break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 's': hold = 1; break;
		case 'S': hold = pssb = 1; break;
		case 'P': target = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind != argc - !target)
		return 2;
	if (puid >= 0 && (setgid(puid) || setuid(puid)))
		return 2;
	if (target) {
		status(target, &km, &kv);
		probe(target);
		printf("status %d %d\n", km, kv);
		return 0;
	}
	if (pipe2(ep, O_CLOEXEC) || (hold && pipe(sp)))
		return 2;
	fflush(stdout);
	t0 = now();
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		char *one[] = { argv[optind], NULL }, **args = one;
		int fd;

		if (argfile)
			args = read_args(argfile);

		close(ep[0]);
		if (hold) {
			dup2(sp[0], 0);
			close(sp[0]);
			close(sp[1]);
		} else {
			fd = open(in ? in : "/dev/null", O_RDONLY);
			if (fd >= 0)
				dup2(fd, 0);
		}
		if (out) {
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
			if (fd >= 0)
				dup2(fd, 1);
		}
		if (uid >= 0 && (setgid(uid) || setuid(uid)))
			_exit(126);
		execv(argv[optind], args);
		err = errno;
		/* the caller asks why (arch_prctl ARCH_KML_KTAL_REASON) */
		memset(why, 0, sizeof(why));
		if (syscall(SYS_arch_prctl, ARCH_KML_KTAL_REASON, why) < 0)
			snprintf(why, sizeof(why), "(none: %s)", strerror(errno));
		write(ep[1], &err, sizeof(err));
		write(ep[1], why, sizeof(why));
		_exit(127);
	}
	child = pid;
	signal(SIGALRM, timeout);
	alarm(secs);
	close(ep[1]);
	if (read(ep[0], &err, sizeof(err)) == sizeof(err)) {
		memset(why, 0, sizeof(why));
		if (read(ep[0], why, sizeof(why) - 1) < 0)
			why[0] = 0;
		waitpid(pid, &st, 0);
		printf("execfail %d | why %s\n", err, why);
		return 0;
	}
	if (hold) {
		close(sp[0]);
		status(pid, &km, &kv);
		if (prb)
			probe(pid);
		close(sp[1]);
	}
	waitpid(pid, &st, 0);
	if (hold)
		printf("status %d %d ", km, kv);
	if (WIFEXITED(st))
		printf("exit %d ns %lld", WEXITSTATUS(st), now() - t0);
	else
		printf("signal %d ns %lld", WTERMSIG(st), now() - t0);
	if (pssb)
		printf(" ssb %s", ssb);
	printf("\n");
	return 0;
}
