// SPDX-License-Identifier: GPL-2.0
/* bin2c - turn the runtime blob into a C array for the assembler. */
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *in = argc == 3 ? fopen(argv[1], "rb") : NULL;
	unsigned n = 0;
	int c;

	if (!in)
		return 2;
	printf("/* generated from %s */\nconst unsigned char %s[] = {", argv[1], argv[2]);
	while ((c = getc(in)) != EOF)
		printf("%s0x%02x,", n++ % 12 ? " " : "\n\t", c);
	printf("\n};\nconst unsigned int %s_len = %u;\n", argv[2], n);
	return 0;
}
