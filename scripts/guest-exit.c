// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exit VERDICT: end the guest with VERDICT as QEMU's exit status.
 *
 * The serial console transmits what init printed at the speed of the
 * emulated UART, long after write() returned.  Wait until it has sent
 * everything (tcdrain() waits for the UART's transmitter to be empty), so
 * that the host sees every line, then write VERDICT to QEMU's
 * isa-debug-exit device, which makes QEMU exit with (VERDICT << 1) | 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

/* The I/O port of -device isa-debug-exit,iobase=0xf4 */
#define DEBUG_EXIT_PORT	0xf4

int main(int argc, char **argv)
{
	unsigned char verdict = argc > 1 ? atoi(argv[1]) : 1;
	int fd;

	tcdrain(STDOUT_FILENO);
	fd = open("/dev/port", O_WRONLY);
	if (fd < 0 || pwrite(fd, &verdict, 1, DEBUG_EXIT_PORT) != 1) {
		perror("guest-exit: /dev/port");
		return 1;
	}
	/* Not reached with the device: QEMU has exited. */
	return 0;
}
