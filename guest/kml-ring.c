/*
 * kml-ring: print the privilege level this process runs at (0 or 3), read
 * from the low two bits of its CS selector.  The guest runner runs it from
 * /trusted to learn whether KML is active; the demo runs it from both
 * places.
 */
#include <stdio.h>

int main(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	printf("%d\n", cs & 3);
	return 0;
}
