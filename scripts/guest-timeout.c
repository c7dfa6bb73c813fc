// SPDX-License-Identifier: GPL-2.0
/*
 * timeout [--foreground] [-k SECS] [-s SIGNAL] SECS COMMAND [ARG]...
 *
 * The subset of coreutils' timeout that kselftest's runner.sh uses, for
 * the guest's busybox system, whose own timeout has no --foreground.
 * Runs COMMAND; if it is still running after SECS seconds, sends it
 * SIGNAL (default SIGTERM), then SIGKILL after -k SECS if given, and
 * exits with 124 (also after SIGKILL; coreutils says 137 there).
 * Otherwise exits with COMMAND's status, or 128 + the
 * signal that killed it.  Without --foreground, COMMAND runs in its own
 * process group and the whole group is signalled.  A SIGTERM, SIGINT,
 * SIGHUP or SIGQUIT that timeout itself receives is passed on to COMMAND
 * (the runner nests two timeouts: the outer one must reach the test).
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

/* Set before the handlers are installed; the handlers only read them. */
static pid_t target;
static int timeout_sig = SIGTERM;
static unsigned int kill_after;
static volatile sig_atomic_t alarms;

/*
 * The handlers signal COMMAND themselves (kill() is async-signal-safe), so
 * that no signal can slip in between a check and waitpid().
 */
static void on_alarm(int sig)
{
	(void)sig;
	if (alarms++ == 0) {
		kill(target, timeout_sig);
		if (kill_after)
			alarm(kill_after);
	} else {
		kill(target, SIGKILL);
	}
}

static void on_signal(int sig)
{
	kill(target, sig);
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
	i = atoi(name);
	if (i <= 0 || i >= NSIG) {
		fprintf(stderr, "timeout: %s: unknown signal\n", name);
		exit(EXIT_CANNOT_RUN - 1);
	}
	return i;
}

int main(int argc, char **argv)
{
	int foreground = 0, status, i = 1;
	sigset_t block, old;
	struct sigaction sa;
	unsigned int secs;
	pid_t pid;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--foreground"))
			foreground = 1;
		else if (!strcmp(argv[i], "-k") && i + 1 < argc)
			kill_after = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			timeout_sig = signal_number(argv[++i]);
		else
			usage();
	}
	if (argc - i < 2)
		usage();
	secs = strtoul(argv[i++], NULL, 10);

	/* No signal is handled before the handlers know COMMAND. */
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);

	pid = fork();
	if (pid < 0) {
		perror("timeout: fork");
		return EXIT_CANNOT_RUN;
	}
	if (pid == 0) {
		if (!foreground)
			setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
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
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (secs)
		alarm(secs);

	while (waitpid(pid, &status, 0) != pid) {
		if (errno != EINTR) {
			perror("timeout: waitpid");
			return EXIT_CANNOT_RUN;
		}
	}
	if (alarms)
		return EXIT_TIMEDOUT;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
