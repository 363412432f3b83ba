/* wc.c - ktal/programs/wc.kc's algorithm in C, for make bench-cc */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	static unsigned char buf[65536];
	long lines = 0, words = 0, bytes = 0, inword = 0, n, i;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		bytes += n;
		for (i = 0; i < n; i++) {
			int c = buf[i];

			if (c == '\n')
				lines++;
			if (c == ' ' || (c >= 9 && c <= 13)) {
				inword = 0;
			} else if (!inword) {
				inword = 1;
				words++;
			}
		}
	}
	printf("%7ld %7ld %7ld\n", lines, words, bytes);
	return 0;
}
