/* sort.c - ktal/programs/sort.kc's algorithm in C (read everything,
 * index the lines, bottom-up merge sort of line numbers), for bench-cc */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void pass(const unsigned char *d, const long *start, const long *end, const long *a, long *b,
		 long count, long width)
{
	long lo;

	for (lo = 0; lo < count; ) {
		long mid = lo + width < count ? lo + width : count;
		long hi = lo + 2 * width < count ? lo + 2 * width : count;
		long i = lo, j = mid, o = lo;

		while (i < mid && j < hi) {
			long x = a[i], y = a[j], sx = start[x], sy = start[y];
			long lx = end[x] - sx, ly = end[y] - sy, n = lx, k = 0;
			int takey;

			if (ly < n)
				n = ly;
			while (k < n && d[sx + k] == d[sy + k])
				k++;
			takey = ly < lx;
			if (k < n)
				takey = d[sy + k] < d[sx + k];
			if (takey)
				b[o++] = y, j++;
			else
				b[o++] = x, i++;
		}
		while (i < mid)
			b[o++] = a[i++];
		while (j < hi)
			b[o++] = a[j++];
		lo = hi;
	}
}

int main(void)
{
	long cap = 65536, n = 0, r, i, count = 0, k = 0, s = 0, width;
	unsigned char *d = malloc(cap);
	long *start, *end, *a, *b;

	while ((r = read(0, d + n, cap - n)) > 0) {
		n += r;
		if (n == cap)
			d = realloc(d, cap *= 2);
	}
	for (i = 0; i < n; i++)
		count += d[i] == '\n';
	if (n > 0 && d[n - 1] != '\n')
		count++;
	start = calloc(count + 1, sizeof(long));
	end = calloc(count + 1, sizeof(long));
	for (i = 0; i < n; i++)
		if (d[i] == '\n') {
			start[k] = s;
			end[k++] = i;
			s = i + 1;
		}
	if (k < count) {
		start[k] = s;
		end[k] = n;
	}
	a = calloc(count + 1, sizeof(long));
	b = calloc(count + 1, sizeof(long));
	for (i = 0; i < count; i++)
		a[i] = i;
	for (width = 1; width < count; width *= 2) {
		long *t;

		pass(d, start, end, a, b, count, width);
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < count; i++) {
		fwrite(d + start[a[i]], 1, end[a[i]] - start[a[i]], stdout);
		putchar('\n');
	}
	return 0;
}
