/* hello: an ordinary program built with kml-cc (stdio, malloc, qsort,
 * strtod, getenv, time): the wrapper makes working static binaries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(void)
{
	int v[1000];
	char *s = malloc(64);
	time_t t = time(NULL);

	for (int i = 0; i < 1000; i++)
		v[i] = (i * 7919) % 1000;
	qsort(v, 1000, sizeof(v[0]), cmp);
	snprintf(s, 64, "%.3f", strtod("2.5", NULL) * 2);
	if (v[0] != 0 || v[999] != 999 || strcmp(s, "5.000") || t < 1000000000 || !getenv("PATH")) {
		printf("hello: wrong results\n");
		return 1;
	}
	printf("hello from kml-cc, pid %d\n", (int)getpid());
	free(s);
	return 0;
}
