// SPDX-License-Identifier: GPL-2.0
/*
 * ring - prints "ring K V", this process's KernelMode and KtalVerified
 * from /proc/self/status ("?" when a line is missing).  exec.kc starts it
 * from several paths to see which ring each exec chose.
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[256], k = '?', v = '?';
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "KernelMode:\t", 12))
			k = line[12];
		if (!strncmp(line, "KtalVerified:\t", 14))
			v = line[14];
	}
	printf("ring %c %c\n", k, v);
	return 0;
}
