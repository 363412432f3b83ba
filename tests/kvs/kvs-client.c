// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-client - the client side of the kvs tests (tests/kvs/run.sh): talks
 * the Redis protocol to a server on 127.0.0.1:PORT.
 *
 *   kvs-client cases PORT FILE   each case of FILE (tests/kvs/cases.txt) on
 *                                a fresh connection; prints "NAME: REPLY"
 *                                with the reply bytes escaped, and
 *                                " [closed]" or " [timeout]"
 *   kvs-client hostile PORT      hostile clients, one at a time; prints
 *                                "PASS hostile/NAME" or "FAIL hostile/NAME:
 *                                why"; after each, the server must still
 *                                answer PING on a new connection
 *   kvs-client conns PORT N      N clients at once: each sends PING, then
 *                                10 pipelined PINGs; prints "PASS conns/N"
 *                                or "FAIL conns/N: why"
 *   kvs-client churn PORT N [MAX]  N rounds of SET of a value of 1 to MAX
 *                                bytes (default 200000), GET (compared),
 *                                overwrite, DEL; prints "PASS churn/N" or
 *                                a FAIL line
 *   kvs-client mark open|close TAG   a region marker of the profiling
 *                                plugin (bench/guest/marker.h), TAG 0-3
 *   kvs-client runas UID PROG ARGS...   exec PROG as UID (and its group);
 *                                if the exec fails, says why, with the
 *                                kernel's reason for a refused KTAL program
 *
 * Exit status: 0 if every case passed (cases: if every case ran), 1 if
 * not, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "../../bench/guest/marker.h"

/* arch_prctl: the reason of this thread's last refused KTAL exec */
#define ARCH_KML_KTAL_REASON		0x6001
#define ARCH_KML_KTAL_REASON_SIZE	320

static int port;
static int failed;

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* A blocking connection to the server, or -1. */
static int dial(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send all of buf; 0, or -1 if the server closed. */
static int send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read into buf (cap bytes) until it ends with want (if not NULL), it
 * is full, the peer closes (*closed = 1), or ms of silence.  Returns the
 * length. */
static size_t read_until(int fd, char *buf, size_t cap, const char *want, int ms, int *closed)
{
	size_t n = 0, wl = want ? strlen(want) : 0;

	*closed = 0;
	while (n < cap) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (wl && n >= wl && !memcmp(buf + n - wl, want, wl))
			break;
		if (poll(&p, 1, ms) <= 0)
			break;
		r = recv(fd, buf + n, cap - n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*closed = 1;
			break;
		}
		n += (size_t)r;
	}
	return n;
}

/* The C escapes of the case table: \r \n \t \\ \" \' \xHH. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; s++; break;
		case 'n': out[n++] = '\n'; s++; break;
		case 't': out[n++] = '\t'; s++; break;
		case 'x': {
			char h[3] = { s[1], s[1] ? s[2] : 0, 0 };

			out[n++] = (char)strtol(h, NULL, 16);
			s += 3;
			break;
		}
		default: out[n++] = *s++; break;
		}
	}
	return n;
}

static void print_escaped(const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (c == '\r')
			fputs("\\r", stdout);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 32 || c > 126)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

#define END_REQ "*2\r\n$4\r\nECHO\r\n$7\r\n__end__\r\n"
#define END_REP "$7\r\n__end__\r\n"

static int run_cases(const char *file)
{
	static char line[65536], req[65536], rep[1 << 20];
	FILE *f = fopen(file, "r");
	int status = 0;

	if (!f) {
		perror(file);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab;
		size_t n;
		int fd, closed;

		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#' || !(tab = strchr(line, '\t')))
			continue;
		*tab = 0;
		n = unescape(tab + 1, req);
		memcpy(req + n, END_REQ, sizeof(END_REQ) - 1);
		n += sizeof(END_REQ) - 1;
		fd = dial();
		if (fd < 0 || send_all(fd, req, n)) {
			printf("%s: cannot connect or send\n", line);
			status = 1;
			if (fd >= 0)
				close(fd);
			continue;
		}
		n = read_until(fd, rep, sizeof(rep), END_REP, 2000, &closed);
		close(fd);
		printf("%s: ", line);
		print_escaped(rep, n);
		if (closed)
			fputs(" [closed]", stdout);
		else if (n < sizeof(END_REP) - 1 || memcmp(rep + n - sizeof(END_REP) + 1, END_REP, sizeof(END_REP) - 1))
			fputs(" [timeout]", stdout);
		putchar('\n');
	}
	fclose(f);
	return status;
}

/* The server answers PING on a new connection. */
static int alive(void)
{
	char b[64];
	int fd = dial(), closed;
	size_t n;

	if (fd < 0)
		return 0;
	if (send_all(fd, "PING\r\n", 6)) {
		close(fd);
		return 0;
	}
	n = read_until(fd, b, sizeof(b), "+PONG\r\n", 5000, &closed);
	close(fd);
	return n == 7 && !memcmp(b, "+PONG\r\n", 7);
}

static void result(const char *name, const char *why)
{
	if (!why && !alive())
		why = "the server does not answer PING afterwards";
	if (why) {
		printf("FAIL %s: %s\n", name, why);
		failed = 1;
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

/* Send req; the reply must be exactly want, and then the server closes
 * (close_after) or not.  NULL if so, else why not. */
static const char *expect(const void *req, size_t n, const char *want, int close_after)
{
	static char rep[65536], why[512];
	int fd = dial(), closed;
	size_t got;

	if (fd < 0)
		return "cannot connect";
	if (send_all(fd, req, n)) {
		close(fd);
		return "the server closed before the request was sent";
	}
	got = read_until(fd, rep, sizeof(rep), close_after ? NULL : want, 3000, &closed);
	close(fd);
	if (got != strlen(want) || memcmp(rep, want, got)) {
		snprintf(why, sizeof(why), "expected '%.*s', got %zu bytes '%.*s'",
			 (int)strcspn(want, "\r"), want, got, (int)(got < 100 ? got : 100), rep);
		return why;
	}
	if (close_after && !closed)
		return "the server did not close the connection after the protocol error";
	return NULL;
}

static char *big(size_t n, char c)
{
	char *p = malloc(n);

	if (!p) {
		perror("malloc");
		exit(1);
	}
	memset(p, c, n);
	return p;
}

/* Connect, send these bytes, close at once (or with a reset). */
static const char *send_close(const void *req, size_t n, int reset)
{
	int fd = dial();

	if (fd < 0)
		return "cannot connect";
	send_all(fd, req, n);
	if (reset) {
		struct linger l = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(fd);
	return NULL;
}

static void hostile(void)
{
	char *b;
	size_t i;
	static char req[1 << 16];
	unsigned seed = 1;
	const char *why;
	int fd, closed;

	result("hostile/huge-bulk-length",
	       expect("*1\r\n$99999999999\r\n", 19, "-ERR Protocol error: invalid bulk length\r\n", 1));
	result("hostile/bulk-over-limit",
	       expect("*2\r\n$4\r\nECHO\r\n$200000000\r\n", 27, "-ERR Protocol error: invalid bulk length\r\n", 1));
	result("hostile/huge-multibulk-length",
	       expect("*99999999999\r\n", 14, "-ERR Protocol error: invalid multibulk length\r\n", 1));
	result("hostile/bad-header",
	       expect("*2\r\n$3\r\nGET\r\n:1\r\n", 17, "-ERR Protocol error: expected '$', got ':'\r\n", 1));
	b = big(70000, 'a');
	result("hostile/too-big-inline", expect(b, 70000, "-ERR Protocol error: too big inline request\r\n", 1));
	b[0] = '*';
	result("hostile/too-big-count", expect(b, 70000, "-ERR Protocol error: too big mbulk count string\r\n", 1));
	free(b);

	/* garbage: random bytes, with and without line ends, each burst on a
	 * fresh connection; whatever the server answers, it stays up */
	for (i = 0; i < 20; i++) {
		size_t n = 1 + rand_r(&seed) % sizeof(req), j;

		for (j = 0; j < n; j++)
			req[j] = (char)rand_r(&seed);
		send_close(req, n, i & 1);
	}
	result("hostile/garbage", NULL);

	/* closes in the middle of a command: a header, a bulk, a large bulk */
	send_close("*3\r\n$3\r\nSET\r\n$1\r\nk", 18, 0);
	send_close("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc", 28, 0);
	b = big(600000, 'v');
	memcpy(b, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n", 30);
	send_close(b, 600000, 0);
	send_close(b, 600000, 1);
	result("hostile/close-mid-command", NULL);

	/* a huge count, then arguments, then gone */
	fd = dial();
	if (fd >= 0) {
		send_all(fd, "*2147483647\r\n", 13);
		for (i = 0; i < 2000; i++)
			if (send_all(fd, "$1\r\na\r\n", 7))
				break;
		close(fd);
	}
	result("hostile/huge-count-then-close", NULL);

	/* a client that never reads its replies: 100 KB values, GET after
	 * GET for 2 s, then gone */
	b = big(100000 + 64, 'x');
	i = (size_t)sprintf(b, "*3\r\n$3\r\nSET\r\n$2\r\nbv\r\n$100000\r\n");
	memset(b + i, 'x', 100000);
	memcpy(b + i + 100000, "\r\n", 2);
	why = expect(b, i + 100002, "+OK\r\n", 0);
	free(b);
	if (!why && (fd = dial()) >= 0) {
		long long end = now_ms() + 2000;
		int fl = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &fl, sizeof(fl));
		for (i = 0; i < 64; i++)
			memcpy(req + 16 * i, "GET bv\r\nGET bv\r\n", 16);
		while (now_ms() < end) {
			struct pollfd p = { fd, POLLOUT, 0 };

			if (poll(&p, 1, 100) == 1 && send(fd, req, 1024, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
			    errno != EAGAIN)
				break;
		}
		close(fd);
	}
	result("hostile/never-reads", why);

	/* a reply to a client that has reset its connection */
	fd = dial();
	if (fd >= 0) {
		struct linger l = { 1, 0 };

		send_all(fd, "GET bv\r\nGET bv\r\nGET bv\r\n", 24);
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(fd);
	}
	result("hostile/reset", NULL);

	/* the server still serves a normal request on a kept connection */
	fd = dial();
	if (fd >= 0 && !send_all(fd, "DEL bv\r\n", 8)) {
		char r[16];
		size_t n = read_until(fd, r, sizeof(r), ":1\r\n", 3000, &closed);

		result("hostile/after", n == 4 && !memcmp(r, ":1\r\n", 4) ? NULL : "DEL bv did not answer :1");
	} else {
		result("hostile/after", "cannot connect");
	}
	if (fd >= 0)
		close(fd);
}

static void conns(int n)
{
	int *fd = calloc((size_t)n, sizeof(int)), i, k, closed;
	char buf[256], name[64];
	const char *why = NULL;
	static char pings[10 * 14 + 1];

	snprintf(name, sizeof(name), "conns/%d", n);
	for (i = 0; i < n; i++) {
		fd[i] = dial();
		if (fd[i] < 0) {
			why = "a connection failed";
			n = i;
			break;
		}
	}
	for (i = 0; i < n && !why; i++)
		if (send_all(fd[i], "*1\r\n$4\r\nPING\r\n", 14))
			why = "a send failed";
	for (i = 0; i < n && !why; i++)
		if (read_until(fd[i], buf, 7, "+PONG\r\n", 5000, &closed) != 7 || memcmp(buf, "+PONG\r\n", 7))
			why = "a client got no +PONG";
	for (k = 0; k < 10; k++)
		memcpy(pings + 14 * k, "*1\r\n$4\r\nPING\r\n", 14);
	for (i = 0; i < n && !why; i++)
		if (send_all(fd[i], pings, 140))
			why = "a pipelined send failed";
	for (i = 0; i < n && !why; i++)
		if (read_until(fd[i], buf, 70, NULL, 5000, &closed) != 70)
			why = "a client got fewer than 10 replies to 10 pipelined PINGs";
	for (i = 0; i < n; i++)
		close(fd[i]);
	free(fd);
	result(name, why);
}

static void churn(int rounds, size_t max)
{
	static char rep[300000];
	char *req = malloc(max + 128), name[64];
	unsigned seed = 7;
	const char *why = NULL;
	int fd = dial(), r, closed;

	snprintf(name, sizeof(name), "churn/%d", rounds);
	if (fd < 0 || !req) {
		result(name, "cannot connect");
		return;
	}
	for (r = 0; r < rounds && !why; r++) {
		size_t v = 1 + rand_r(&seed) % max, h, n;
		char c = (char)('a' + r % 26);

		h = (size_t)sprintf(req, "*3\r\n$3\r\nSET\r\n$5\r\nchurn\r\n$%zu\r\n", v);
		memset(req + h, c, v);
		memcpy(req + h + v, "\r\n", 2);
		if (send_all(fd, req, h + v + 2) ||
		    read_until(fd, rep, 5, "+OK\r\n", 5000, &closed) != 5) {
			why = "SET failed";
			break;
		}
		send_all(fd, "GET churn\r\n", 11);
		h = (size_t)sprintf(req, "$%zu\r\n", v);
		n = read_until(fd, rep, h + v + 2, NULL, 5000, &closed);
		if (n != h + v + 2 || memcmp(rep, req, h) || rep[h] != c || rep[h + v - 1] != c) {
			why = "GET gave another value than the SET";
			break;
		}
		{
			const char *m = r & 1 ? "SET churn x\r\nDEL churn\r\n" : "DEL churn\r\nSET churn2 y\r\n";

			send_all(fd, m, strlen(m));
		}
		if (read_until(fd, rep, 9, NULL, 5000, &closed) != 9)
			why = "DEL or overwrite failed";
	}
	close(fd);
	free(req);
	result(name, why);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "runas")) {
		int uid = atoi(argv[2]);

		if (setgid((gid_t)uid) || setuid((uid_t)uid)) {
			perror("runas");
			return 1;
		}
		execv(argv[3], argv + 3);
		{
			int e = errno;
			char why[ARCH_KML_KTAL_REASON_SIZE] = "";

			syscall(SYS_arch_prctl, ARCH_KML_KTAL_REASON, why);
			fprintf(stderr, "%s: %s%s%s\n", argv[3], strerror(e), why[0] ? ": " : "", why);
		}
		return 127;
	}
	if (argc == 4 && !strcmp(argv[1], "mark")) {
		int open = !strcmp(argv[2], "open");

		switch (atoi(argv[3])) {	/* the tag is an immediate */
		case 0: if (open) KML_REGION_OPEN(0); else KML_REGION_CLOSE(0); break;
		case 1: if (open) KML_REGION_OPEN(1); else KML_REGION_CLOSE(1); break;
		case 2: if (open) KML_REGION_OPEN(2); else KML_REGION_CLOSE(2); break;
		case 3: if (open) KML_REGION_OPEN(3); else KML_REGION_CLOSE(3); break;
		default: return 2;
		}
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: kvs-client cases|hostile|conns|churn PORT [FILE|N]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	port = atoi(argv[2]);
	if (!strcmp(argv[1], "cases") && argc == 4)
		return run_cases(argv[3]);
	if (!strcmp(argv[1], "hostile"))
		hostile();
	else if (!strcmp(argv[1], "conns") && argc == 4)
		conns(atoi(argv[3]));
	else if (!strcmp(argv[1], "churn") && (argc == 4 || argc == 5))
		churn(atoi(argv[3]), argc == 5 && atoi(argv[4]) > 0 && atoi(argv[4]) <= 200000 ? (size_t)atoi(argv[4]) : 200000);
	else
		return 2;
	return failed;
}
