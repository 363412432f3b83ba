// SPDX-License-Identifier: GPL-2.0
/*
 * exec_cross - execve moves a process between rings according to the
 * program it runs, not the one it ran before.
 *
 * Uses helper_ring (see helper_ring.c): it checks its own ring against an
 * expectation, can exec the next program of a chain, and the last one
 * exits with 10 + ring.  Chains, each in a forked child:
 *
 *   1. this test -> untrusted helper                      (ring 3)
 *   2. this test -> untrusted -> trusted helper           (ring 0 under KML)
 *   3. this test -> trusted -> untrusted -> trusted       (0, 3, 0)
 *   4. this test -> trusted helper                        (ring 0 under KML)
 *
 * The untrusted helper is in KML_UNTRUSTED_DIR (else this program's own
 * directory); the trusted one in KML_TRUSTED_DIR.  When KML_EXPECT_RING
 * is 0 the trusted helper must report ring 0; otherwise the trusted ring
 * is not known ahead and is only reported.  Without a trusted directory
 * only chain 1 runs.
 */
#include "kmltest.h"

static int run_chain(char *const argv[])
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		printf("execv %s: %s\n", argv[0], strerror(errno));
		_exit(3);
	}
	return kml_wait(pid);
}

static void check_chain(const char *what, char *const argv[], int final_ring)
{
	int st = run_chain(argv);

	if (final_ring < 0) {
		KML_CHECK(what, WIFEXITED(st) &&
			  (WEXITSTATUS(st) == 10 || WEXITSTATUS(st) == 13),
			  "expected exit 10 or 13, got %s (2: wrong ring on the way, "
			  "3: exec failed, 5: KernelMode disagrees)", kml_wstatus_str(st));
		return;
	}
	KML_CHECK(what, WIFEXITED(st) && WEXITSTATUS(st) == 10 + final_ring,
		  "expected exit %d (ring %d), got %s (2: wrong ring on the way, "
		  "3: exec failed, 5: KernelMode disagrees)", 10 + final_ring,
		  final_ring, kml_wstatus_str(st));
}

/*
 * Find helper_ring for this variant in `dir`.  When this program lives in
 * a subdirectory of one of the two test directories (say
 * /trusted/tests/musl), the same subdirectory of `dir` is tried first.
 */
static int find_helper(const char *dir, const char *self, const char *argv0,
		       char *buf, size_t len)
{
	const char *roots[2] = { getenv("KML_TRUSTED_DIR"), getenv("KML_UNTRUSTED_DIR") };
	char sub[PATH_MAX];
	int i;

	for (i = 0; i < 2; i++) {
		size_t n = roots[i] ? strlen(roots[i]) : 0;

		if (n && !strncmp(self, roots[i], n) && self[n] == '/') {
			snprintf(sub, sizeof(sub), "%s%s", dir, self + n);
			if (!kml_helper_path(sub, "helper_ring", __FILE__, argv0, buf, len))
				return 0;
		}
	}
	return kml_helper_path(dir, "helper_ring", __FILE__, argv0, buf, len);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], un[PATH_MAX], tr[PATH_MAX];
	const char *udir = getenv("KML_UNTRUSTED_DIR");
	const char *tdir = getenv("KML_TRUSTED_DIR");
	int have_trusted, tring;
	const char *texp;

	(void)argc;
	kml_expect_ring();
	kml_self_dir(argv[0], self, sizeof(self));
	if (!udir || !*udir)
		udir = self;
	if (find_helper(udir, self, argv[0], un, sizeof(un)))
		kml_die("untrusted helper not found: %s", un);
	have_trusted = tdir && *tdir &&
		!find_helper(tdir, self, argv[0], tr, sizeof(tr));
	tring = kml_expected_ring() == 0 ? 0 : -1;
	texp = tring == 0 ? "0" : "any";

	kml_run("exec into an untrusted program: %s", un);
	check_chain("untrusted helper runs in ring 3",
		    (char *const[]){ un, "3", NULL }, 3);

	if (!have_trusted) {
		kml_skip("no trusted helper (KML_TRUSTED_DIR unset or empty): "
			 "chains through the trusted directory not run");
		kml_finish();
	}

	kml_run("exec untrusted -> trusted: %s", tr);
	check_chain("untrusted (ring 3) execs trusted helper",
		    (char *const[]){ un, "3", tr, (char *)texp, NULL }, tring);

	kml_run("exec trusted -> untrusted -> trusted");
	check_chain("ring of each step as expected",
		    (char *const[]){ tr, (char *)texp, un, "3", tr, (char *)texp, NULL },
		    tring);

	kml_run("exec straight into the trusted helper");
	check_chain("trusted helper ring",
		    (char *const[]){ tr, (char *)texp, NULL }, tring);

	kml_run("exec trusted -> untrusted ends in ring 3");
	check_chain("untrusted end of chain in ring 3",
		    (char *const[]){ tr, (char *)texp, un, "3", NULL }, 3);
	kml_finish();
}
