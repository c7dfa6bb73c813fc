// SPDX-License-Identifier: GPL-2.0
/*
 * timeout [--foreground] [-k SECS] [-s SIGNAL] SECS COMMAND [ARG]...
 *
 * The subset of coreutils' timeout that kselftest's runner.sh uses, for
 * the guest's busybox system, whose own timeout has no --foreground.
 * Runs COMMAND; if it is still running after SECS seconds, sends it
 * SIGNAL (default SIGTERM), then SIGKILL after -k SECS if given, and
 * exits with 124.  Otherwise exits with COMMAND's status, or 128 + the
 * signal that killed it.  Without --foreground, COMMAND runs in its own
 * process group and the whole group is signalled.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_TIMEDOUT	124
#define EXIT_CANNOT_RUN	126
#define EXIT_NOT_FOUND	127

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void usage(void)
{
	fprintf(stderr, "usage: timeout [--foreground] [-k SECS] [-s SIGNAL] SECS COMMAND [ARG]...\n");
	exit(EXIT_CANNOT_RUN - 1);
}

static int signal_number(const char *name)
{
	static const struct { const char *name; int sig; } names[] = {
		{ "TERM", SIGTERM }, { "KILL", SIGKILL }, { "INT", SIGINT },
		{ "HUP", SIGHUP }, { "QUIT", SIGQUIT }, { "USR1", SIGUSR1 },
		{ "USR2", SIGUSR2 },
	};
	unsigned int i;

	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i].name))
			return names[i].sig;
	return atoi(name);
}

int main(int argc, char **argv)
{
	unsigned int secs, kill_after = 0;
	int foreground = 0, sig = SIGTERM, status, i = 1, sent = 0;
	struct sigaction sa;
	pid_t pid, target;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--foreground"))
			foreground = 1;
		else if (!strcmp(argv[i], "-k") && i + 1 < argc)
			kill_after = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			sig = signal_number(argv[++i]);
		else
			usage();
	}
	if (argc - i < 2)
		usage();
	secs = strtoul(argv[i++], NULL, 10);

	pid = fork();
	if (pid < 0) {
		perror("timeout: fork");
		return EXIT_CANNOT_RUN;
	}
	if (pid == 0) {
		if (!foreground)
			setpgid(0, 0);
		execvp(argv[i], &argv[i]);
		fprintf(stderr, "timeout: %s: %s\n", argv[i], strerror(errno));
		_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
	}
	if (!foreground)
		setpgid(pid, pid);
	target = foreground ? pid : -pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	if (secs)
		alarm(secs);

	for (;;) {
		if (waitpid(pid, &status, 0) == pid)
			break;
		if (errno != EINTR) {
			perror("timeout: waitpid");
			return EXIT_CANNOT_RUN;
		}
		if (alarms >= 1 && sent == 0) {
			sent = 1;
			kill(target, sig);
			if (kill_after)
				alarm(kill_after);
		} else if (alarms >= 2 && sent == 1) {
			sent = 2;
			kill(target, SIGKILL);
		}
	}
	if (alarms)
		return EXIT_TIMEDOUT;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
