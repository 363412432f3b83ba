/*
 * kml-qexit STATUS: end the VM, making QEMU exit with (STATUS << 1) | 1.
 *
 * QEMU's isa-debug-exit device (iobase 0xf4) turns a byte written to its
 * port into QEMU's own exit status, so a guest job's result reaches the host
 * without parsing the console.  The shift and the low bit are QEMU's: an
 * exit status of 0 from QEMU therefore never means "the job passed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	if (ioperm(DEBUG_EXIT_PORT, 1, 1)) {
		perror("kml-qexit: ioperm");
		return 1;
	}
	outb((unsigned char)status, DEBUG_EXIT_PORT);
	fprintf(stderr, "kml-qexit: the VM has no isa-debug-exit device\n");
	return 1;
}
