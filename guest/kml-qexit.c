/*
 * kml-qexit STATUS: end the VM, making QEMU exit with (STATUS << 1) | 1.
 *
 * QEMU's isa-debug-exit device (I/O port 0xf4) turns a byte written to its
 * port into QEMU's own exit status, so a guest job's result reaches the host
 * without parsing the console.  The shift and the low bit are QEMU's: an
 * exit status of 0 from QEMU therefore never means "the job passed".  The
 * byte goes through /dev/port, whose offset is the port number.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	unsigned char status = argc > 1 ? (unsigned char)atoi(argv[1]) : 0;
	int fd = open("/dev/port", O_WRONLY);

	if (fd < 0) {
		perror("kml-qexit: /dev/port");
		return 1;
	}
	if (pwrite(fd, &status, 1, DEBUG_EXIT_PORT) != 1) {
		perror("kml-qexit: write to port 0xf4");
		return 1;
	}
	fprintf(stderr, "kml-qexit: the VM has no isa-debug-exit device\n");
	return 1;
}
