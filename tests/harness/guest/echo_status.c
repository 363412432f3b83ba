/*
 * echo_status STATUS WORDS...: print WORDS on standard output, "to stderr"
 * on standard error, and exit with STATUS.  kmlvm must pass all three back.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
	fprintf(stderr, "to stderr\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
