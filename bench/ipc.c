// SPDX-License-Identifier: GPL-2.0
/*
 * ipc: a ping-pong benchmark of the ways one thread can wake another.
 *
 *   ipc [-c CPU_A,CPU_B] [-s SETTLE_MS] [-t TIMEOUT_S] MECH N
 *   ipc [-c CPU_A,CPU_B] [-s SETTLE_MS] [-t TIMEOUT_S] -l MECHS N R
 *
 * Two threads, pinned to CPU_A and CPU_B (default 1 and 2), pass a token
 * back and forth N times (N round trips) with mechanism MECH, both sides
 * alike:
 *
 *   spin          a counter in shared memory, polled with PAUSE
 *   eventfd       one eventfd per direction, blocking read()
 *   eventfd-poll  one non-blocking eventfd per direction, read() in a loop
 *   futex         one futex word per direction, FUTEX_WAIT / FUTEX_WAKE
 *   pipe          one pipe per direction, a byte per token
 *   unix          a socketpair(AF_UNIX, SOCK_STREAM), a byte per token
 *   signal        tgkill(SIGUSR1) to the other thread, which sleeps in
 *                 sigsuspend() and counts in its handler
 *   uipi          SENDUIPI; both threads are UINTR receivers and spin, UIF
 *                 set, on the count of their handler
 *   uipi-wait     SENDUIPI; both receivers block in uintr_wait()
 *   uipi-poll     SENDUIPI; both receivers block in poll() on their vector fd
 *
 * With -l, runs every mechanism of MECHS (a comma-separated list, or
 * "all") with N and with 2N round trips, R times over, in this order:
 * repeat 1: MECH1 N, MECH1 2N, MECH2 N, ...; repeat 2: ...
 *
 * Each run is a child process of its own (so that no state of one run,
 * such as a UITT, a registered handler or a pending RCU callback of a
 * thread, lingers in the next), with two threads.  Both set up, meet at a
 * barrier, the main thread waits SETTLE_MS (default 100) for what set-up
 * left to the kernel to finish, executes the START marker, the N round
 * trips run, the main thread waits until the other thread has finished
 * its last send, and executes the END marker.  The markers are NOPs with
 * a distinctive encoding that the project's TCG plugin
 * (bench/insn-count.c) recognises; on real hardware they cost nothing.
 *
 * The parent prints one line per run on stdout:
 *
 *   ipc-run idx=I rep=R mech=M n=N marked=1 ns=T ns_per_rt=X status=ok
 *   ipc-run idx=I rep=R mech=M n=N marked=0 ns=- ns_per_rt=- status=error msg=...
 *
 * marked=1 says that the run executed the END marker (after START), so
 * that the plugin printed a line for it; T is the time between the
 * markers in CLOCK_MONOTONIC nanoseconds.  A run that does not end within
 * TIMEOUT_S (default 120) seconds is killed.  The first line is
 * "ipc-config ...", the last "ipc-done runs=K failed=F"; the exit status
 * is 0 only if every run succeeded.
 *
 * The UINTR system call numbers come from the kernel's own headers: build
 * with -isystem <kernel build>/usr/include.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>

#ifndef __NR_uintr_wait
#error "the UINTR system call numbers are unknown: build with -isystem <kernel build>/usr/include"
#endif

/* The markers: "nopl 0x55494230(%rax)" and "nopl 0x55494231(%rax)". */
#define MARKER_START	".byte 0x0f, 0x1f, 0x80, 0x30, 0x42, 0x49, 0x55"
#define MARKER_END	".byte 0x0f, 0x1f, 0x80, 0x31, 0x42, 0x49, 0x55"

static inline void marker_start(void)
{
	asm volatile(MARKER_START ::: "memory");
}

static inline void marker_end(void)
{
	asm volatile(MARKER_END ::: "memory");
}

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

enum mech {
	SPIN, EVENTFD, EVENTFD_POLL, FUTEX, PIPE, UNIX, SIGNAL,
	UIPI, UIPI_WAIT, UIPI_POLL, NR_MECHS
};

static const char *const mech_name[NR_MECHS] = {
	[SPIN] = "spin",
	[EVENTFD] = "eventfd",
	[EVENTFD_POLL] = "eventfd-poll",
	[FUTEX] = "futex",
	[PIPE] = "pipe",
	[UNIX] = "unix",
	[SIGNAL] = "signal",
	[UIPI] = "uipi",
	[UIPI_WAIT] = "uipi-wait",
	[UIPI_POLL] = "uipi-poll",
};

static bool is_uipi(enum mech m)
{
	return m == UIPI || m == UIPI_WAIT || m == UIPI_POLL;
}

/* What a run's child reports to the parent, in a shared page. */
struct report {
	int marked;			/* END executed after START */
	long long ns;			/* between the markers */
	char msg[240];			/* why it failed */
};

static struct report *report;

/*
 * One side of the ping-pong: side 0 is the main thread, side 1 the
 * other.  Fields in the first cache lines are written by the other side
 * (the token), the rest by the side itself.
 */
struct side {
	_Alignas(64) long spin;		/* spin: the last token sent to this side */
	_Alignas(64) uint32_t futex;	/* futex: the same */
	_Alignas(64) int efd;		/* eventfd this side reads */
	int pipe[2];			/* the pipe whose read end this side reads */
	int sock;			/* unix: this side's end */
	pid_t tid;
	int vfd;			/* uipi*: this side's vector fd */
	long uitt;			/* uipi*: the UITT index of the other side */
};

static struct side side[2];

/* Per side: what its UINTR handler counted.  One cache line each. */
static struct {
	_Alignas(64) long n;
} uipi_count[2];

/* The user vector of side w (any of 0-63 would do). */
#define UIPI_VECTOR(w)	(1 + (w))

static __thread volatile sig_atomic_t sig_count;

/* The run's parameters and the hand-over between the two threads. */
static struct {
	enum mech mech;
	long n;
	int cpu[2];
	unsigned int settle_ms;
	pthread_barrier_t barrier;
	_Alignas(64) int failed;
	_Alignas(64) int done;		/* side 1 made its last send */
	_Alignas(64) int release;	/* END is behind the main thread */
	sigset_t sigwait_mask;
} run;

/* Record why the run failed (the first reason wins). */
static void run_fail(const char *fmt, ...)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	va_list ap;

	pthread_mutex_lock(&lock);
	if (!report->msg[0]) {
		va_start(ap, fmt);
		vsnprintf(report->msg, sizeof(report->msg), fmt, ap);
		va_end(ap);
	}
	STORE(run.failed, 1);
	pthread_mutex_unlock(&lock);
}

/* A failure during the round trips: the other side would wait forever. */
static void __attribute__((noreturn)) loop_fail(const char *what, int err)
{
	run_fail("%s: %s", what, strerror(err));
	_exit(1);
}

/* ---- UINTR ---- */

static long uintr_register_handler(void (*handler)(void))
{
	return syscall(__NR_uintr_register_handler, (unsigned long)handler, 0U);
}

static long uintr_unregister_handler(void)
{
	return syscall(__NR_uintr_unregister_handler, 0U);
}

static long uintr_vector_fd(unsigned long vector)
{
	return syscall(__NR_uintr_vector_fd, vector, 0U);
}

static long uintr_register_sender(int fd)
{
	return syscall(__NR_uintr_register_sender, fd, 0U);
}

static long uintr_unregister_sender(long index)
{
	return syscall(__NR_uintr_unregister_sender, (int)index, 0U);
}

static long uintr_wait(unsigned long usec)
{
	return syscall(__NR_uintr_wait, usec, 0U);
}

static inline void stui(void)
{
	asm volatile("stui" ::: "memory");
}

static inline void clui(void)
{
	asm volatile("clui" ::: "memory");
}

static inline void senduipi(unsigned long index)
{
	asm volatile("senduipi %0" : : "r" (index) : "memory");
}

/*
 * The handler: delivery leaves RSP 16-byte aligned, pointing at the
 * vector, with the interrupted RIP, RFLAGS and RSP above it.  Save the
 * registers that the C ABI lets the callee clobber (ten pushes keep the
 * alignment), call the C part with the vector, restore, drop the vector
 * and UIRET.  The C part uses general registers only, so that no vector
 * or x87 state needs saving; UIRET restores RFLAGS.
 */
void ipc_uintr_entry(void);
void ipc_uintr_handle(unsigned long vector);

asm("	.text\n"
	"	.globl	ipc_uintr_entry\n"
	"	.type	ipc_uintr_entry, @function\n"
	"	.p2align 4\n"
	"ipc_uintr_entry:\n"
	"	pushq	%rbp\n"
	"	movq	%rsp, %rbp\n"
	"	pushq	%rax\n"
	"	pushq	%rcx\n"
	"	pushq	%rdx\n"
	"	pushq	%rsi\n"
	"	pushq	%rdi\n"
	"	pushq	%r8\n"
	"	pushq	%r9\n"
	"	pushq	%r10\n"
	"	pushq	%r11\n"
	"	cld\n"
	"	movq	8(%rbp), %rdi\n"
	"	call	ipc_uintr_handle\n"
	"	popq	%r11\n"
	"	popq	%r10\n"
	"	popq	%r9\n"
	"	popq	%r8\n"
	"	popq	%rdi\n"
	"	popq	%rsi\n"
	"	popq	%rdx\n"
	"	popq	%rcx\n"
	"	popq	%rax\n"
	"	popq	%rbp\n"
	"	addq	$8, %rsp\n"
	"	uiret\n"
	"	.size	ipc_uintr_entry, .-ipc_uintr_entry\n");

__attribute__((target("general-regs-only")))
void ipc_uintr_handle(unsigned long vector)
{
	unsigned long w = vector - UIPI_VECTOR(0);

	/* Only the receiver itself writes its count. */
	if (w < 2)
		STORE(uipi_count[w].n, uipi_count[w].n + 1);
}

/*
 * Can this process use UINTR?  Asks the CPU first: on a kernel without
 * the series, these system call numbers may belong to other calls.
 */
static bool uintr_usable(char *why, size_t len)
{
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid_max(0, NULL) < 7) {
		snprintf(why, len, "the CPU lacks UINTR (no CPUID leaf 7)");
		return false;
	}
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	if (!(edx & (1U << 5))) {
		snprintf(why, len, "the CPU lacks UINTR (CPUID.(EAX=7,ECX=0):EDX[5] is 0)");
		return false;
	}
	/* A thread that is not a receiver gets EINVAL. */
	if (uintr_unregister_handler() == 0 || errno == EINVAL)
		return true;
	if (errno == EOPNOTSUPP)
		snprintf(why, len, "the kernel does not use UINTR (EOPNOTSUPP: booted with nouintr?)");
	else if (errno == ENOSYS)
		snprintf(why, len, "the kernel has no UINTR system calls (ENOSYS)");
	else
		snprintf(why, len, "probing uintr_unregister_handler(): %s, expected EINVAL",
			 strerror(errno));
	return false;
}

/* ---- the mechanisms: send a token to the other side, wait for one ---- */

typedef void send_fn(int w, long seq);
typedef void recv_fn(int w, long seq);

static void spin_send(int w, long seq)
{
	STORE(side[!w].spin, seq);
}

static void spin_recv(int w, long seq)
{
	while (LOAD(side[w].spin) < seq)
		cpu_relax();
}

static void efd_send(int w, long seq)
{
	uint64_t one = 1;

	(void)seq;
	if (write(side[!w].efd, &one, sizeof(one)) != sizeof(one))
		loop_fail("eventfd write", errno);
}

static void efd_recv(int w, long seq)
{
	uint64_t v;

	(void)seq;
	while (read(side[w].efd, &v, sizeof(v)) != sizeof(v))
		if (errno != EINTR)
			loop_fail("eventfd read", errno);
}

static void efd_poll_recv(int w, long seq)
{
	uint64_t v;

	(void)seq;
	while (read(side[w].efd, &v, sizeof(v)) != sizeof(v)) {
		if (errno != EAGAIN && errno != EINTR)
			loop_fail("eventfd read", errno);
		cpu_relax();
	}
}

static void futex_send(int w, long seq)
{
	STORE(side[!w].futex, (uint32_t)seq);
	if (syscall(SYS_futex, &side[!w].futex, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0)
		loop_fail("FUTEX_WAKE", errno);
}

static void futex_recv(int w, long seq)
{
	uint32_t v;

	while ((v = LOAD(side[w].futex)) < (uint32_t)seq)
		if (syscall(SYS_futex, &side[w].futex, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EINTR)
			loop_fail("FUTEX_WAIT", errno);
}

static void pipe_send(int w, long seq)
{
	char c = 't';

	(void)seq;
	while (write(side[!w].pipe[1], &c, 1) != 1)
		if (errno != EINTR)
			loop_fail("pipe write", errno);
}

static void pipe_recv(int w, long seq)
{
	char c;

	(void)seq;
	while (read(side[w].pipe[0], &c, 1) != 1)
		if (errno != EINTR)
			loop_fail("pipe read", errno ? errno : EPIPE);
}

static void unix_send(int w, long seq)
{
	char c = 't';

	(void)seq;
	while (write(side[w].sock, &c, 1) != 1)
		if (errno != EINTR)
			loop_fail("socket write", errno);
}

static void unix_recv(int w, long seq)
{
	char c;

	(void)seq;
	while (read(side[w].sock, &c, 1) != 1)
		if (errno != EINTR)
			loop_fail("socket read", errno ? errno : EPIPE);
}

static void sig_handler(int sig)
{
	(void)sig;
	sig_count = sig_count + 1;
}

static void signal_send(int w, long seq)
{
	(void)seq;
	if (syscall(SYS_tgkill, getpid(), side[!w].tid, SIGUSR1) < 0)
		loop_fail("tgkill", errno);
}

static void signal_recv(int w, long seq)
{
	(void)w;
	/* SIGUSR1 is blocked but here: one that came early is taken at once. */
	while (sig_count < seq)
		sigsuspend(&run.sigwait_mask);
}

static void uipi_send(int w, long seq)
{
	(void)seq;
	senduipi(side[w].uitt);
}

static void uipi_recv(int w, long seq)
{
	while (LOAD(uipi_count[w].n) < seq)
		cpu_relax();
}

/* uintr_wait()'s limit: a lost wakeup shows as ETIMEDOUT, not a hang. */
#define UINTR_WAIT_USEC	60000000UL

/*
 * Test the count and block with UIF clear, so that the handler cannot
 * take the interrupt between the test and the wait (which would then
 * wait for the next one); STUI lets the handler run after the wait.
 */
static void uipi_wait_recv(int w, long seq)
{
	clui();
	while (LOAD(uipi_count[w].n) < seq) {
		if (uintr_wait(UINTR_WAIT_USEC) < 0 && errno != EINTR) {
			if (errno == ETIMEDOUT)
				run_fail("uintr_wait: no interrupt within %lu s: a lost wake-up?",
					 UINTR_WAIT_USEC / 1000000);
			loop_fail("uintr_wait", errno);
		}
		stui();
		clui();
	}
	stui();
}

static void uipi_poll_recv(int w, long seq)
{
	struct pollfd pfd = { .fd = side[w].vfd, .events = POLLIN };

	clui();
	while (LOAD(uipi_count[w].n) < seq) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			loop_fail("poll on the vector fd", errno);
		stui();
		clui();
	}
	stui();
}

static send_fn *const send_of[NR_MECHS] = {
	[SPIN] = spin_send, [EVENTFD] = efd_send, [EVENTFD_POLL] = efd_send,
	[FUTEX] = futex_send, [PIPE] = pipe_send, [UNIX] = unix_send,
	[SIGNAL] = signal_send, [UIPI] = uipi_send, [UIPI_WAIT] = uipi_send,
	[UIPI_POLL] = uipi_send,
};

static recv_fn *const recv_of[NR_MECHS] = {
	[SPIN] = spin_recv, [EVENTFD] = efd_recv, [EVENTFD_POLL] = efd_poll_recv,
	[FUTEX] = futex_recv, [PIPE] = pipe_recv, [UNIX] = unix_recv,
	[SIGNAL] = signal_recv, [UIPI] = uipi_recv, [UIPI_WAIT] = uipi_wait_recv,
	[UIPI_POLL] = uipi_poll_recv,
};

/* ---- set-up, per run ---- */

/* The resources both sides share, made before the second thread starts. */
static int prepare(enum mech m)
{
	int sv[2], w, flags = EFD_CLOEXEC;

	switch (m) {
	case EVENTFD_POLL:
		flags |= EFD_NONBLOCK;
		/* fall through */
	case EVENTFD:
		for (w = 0; w < 2; w++) {
			side[w].efd = eventfd(0, flags);
			if (side[w].efd < 0) {
				run_fail("eventfd: %s", strerror(errno));
				return -1;
			}
		}
		break;
	case PIPE:
		for (w = 0; w < 2; w++)
			if (pipe2(side[w].pipe, O_CLOEXEC)) {
				run_fail("pipe2: %s", strerror(errno));
				return -1;
			}
		break;
	case UNIX:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
			run_fail("socketpair: %s", strerror(errno));
			return -1;
		}
		side[0].sock = sv[0];
		side[1].sock = sv[1];
		break;
	case SIGNAL: {
		struct sigaction sa;
		sigset_t block;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = sig_handler;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGUSR1, &sa, NULL)) {
			run_fail("sigaction: %s", strerror(errno));
			return -1;
		}
		/* Blocked in both threads (the second inherits the mask). */
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &block, &run.sigwait_mask);
		sigdelset(&run.sigwait_mask, SIGUSR1);
		break;
	}
	default:
		break;
	}
	return 0;
}

static int pin(int w)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(run.cpu[w], &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		run_fail("cannot pin side %d to CPU %d: %s", w, run.cpu[w], strerror(errno));
		return -1;
	}
	return 0;
}

/* UINTR, first phase: become a receiver, with a vector fd. */
static int uipi_setup(int w)
{
	long fd;

	if (uintr_register_handler(ipc_uintr_entry)) {
		run_fail("uintr_register_handler: %s", strerror(errno));
		return -1;
	}
	fd = uintr_vector_fd(UIPI_VECTOR(w));
	if (fd < 0) {
		run_fail("uintr_vector_fd: %s", strerror(errno));
		return -1;
	}
	side[w].vfd = fd;
	return 0;
}

/*
 * Second phase, once both are receivers: each registers its own sender
 * entry (so that its UITT registers are loaded and its first SENDUIPI
 * does not fault), and sets UIF.
 */
static int uipi_connect(int w)
{
	side[w].uitt = uintr_register_sender(side[!w].vfd);
	if (side[w].uitt < 0) {
		run_fail("uintr_register_sender: %s", strerror(errno));
		return -1;
	}
	stui();
	return 0;
}

static void uipi_teardown(int w)
{
	clui();
	uintr_unregister_sender(side[w].uitt);
	uintr_unregister_handler();
	close(side[w].vfd);
}

/*
 * Both threads go through the same three barriers, whatever fails, so
 * that neither waits for the other forever.
 */
static int setup_side(int w)
{
	int ok;

	side[w].tid = gettid();
	ok = pin(w) == 0;
	pthread_barrier_wait(&run.barrier);
	if (!ok || LOAD(run.failed))
		return -1;
	if (is_uipi(run.mech) && uipi_setup(w))
		return -1;
	return 0;
}

static int connect_side(int w, int ok)
{
	pthread_barrier_wait(&run.barrier);
	if (!ok || LOAD(run.failed))
		return -1;
	if (is_uipi(run.mech) && uipi_connect(w))
		return -1;
	return 0;
}

static int ready(int ok)
{
	pthread_barrier_wait(&run.barrier);
	return ok && !LOAD(run.failed) ? 0 : -1;
}

static void *partner(void *arg)
{
	send_fn *send = send_of[run.mech];
	recv_fn *recv = recv_of[run.mech];
	int ok;
	long i;

	(void)arg;
	ok = setup_side(1) == 0;
	ok = connect_side(1, ok) == 0;
	if (ready(ok))
		return NULL;
	for (i = 1; i <= run.n; i++) {
		recv(1, i);
		send(1, i);
	}
	STORE(run.done, 1);
	while (!LOAD(run.release))
		cpu_relax();
	if (is_uipi(run.mech))
		uipi_teardown(1);
	return NULL;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The child of one run: 0 on success, the reason in report->msg if not. */
static int run_child(enum mech m, long n, const int cpu[2], unsigned int settle_ms)
{
	struct timespec settle = {
		.tv_sec = settle_ms / 1000, .tv_nsec = (settle_ms % 1000) * 1000000L
	};
	send_fn *send = send_of[m];
	recv_fn *recv = recv_of[m];
	char why[160];
	pthread_t thread;
	long long t0, t1;
	int ok, err;
	long i;

	run.mech = m;
	run.n = n;
	run.cpu[0] = cpu[0];
	run.cpu[1] = cpu[1];
	run.settle_ms = settle_ms;
	if (is_uipi(m) && !uintr_usable(why, sizeof(why))) {
		run_fail("%s", why);
		return 1;
	}
	if (prepare(m))
		return 1;
	pthread_barrier_init(&run.barrier, NULL, 2);
	err = pthread_create(&thread, NULL, partner, NULL);
	if (err) {
		run_fail("pthread_create: %s", strerror(err));
		return 1;
	}
	ok = setup_side(0) == 0;
	ok = connect_side(0, ok) == 0;
	if (ready(ok)) {
		pthread_join(thread, NULL);
		return 1;
	}

	nanosleep(&settle, NULL);
	marker_start();
	t0 = now_ns();
	for (i = 1; i <= n; i++) {
		send(0, i);
		recv(0, i);
	}
	while (!LOAD(run.done))
		cpu_relax();
	t1 = now_ns();
	marker_end();
	report->marked = 1;
	report->ns = t1 - t0;
	STORE(run.release, 1);

	pthread_join(thread, NULL);
	if (is_uipi(m))
		uipi_teardown(0);
	return 0;
}

/* ---- the runs ---- */

struct opts {
	int cpu[2];
	unsigned int settle_ms;
	unsigned int timeout_s;
};

static int nr_runs, nr_failed;

/* One run in a child process; prints its line. */
static int do_run(const struct opts *o, int rep, enum mech m, long n)
{
	int status, idx = ++nr_runs;
	const char *st = "ok";
	char msg[300];
	pid_t pid;

	memset(report, 0, sizeof(*report));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("ipc: fork");
		exit(1);
	}
	if (pid == 0) {
		alarm(o->timeout_s);
		_exit(run_child(m, n, o->cpu, o->settle_ms));
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("ipc: waitpid");
			exit(1);
		}
	}
	msg[0] = '\0';
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(msg, sizeof(msg), "timed out after %u s", o->timeout_s);
	else if (WIFSIGNALED(status))
		snprintf(msg, sizeof(msg), "killed by signal %d (%s)%s%s", WTERMSIG(status),
			 strsignal(WTERMSIG(status)), report->msg[0] ? ": " : "", report->msg);
	else if (WEXITSTATUS(status) != 0)
		snprintf(msg, sizeof(msg), "%s", report->msg[0] ? report->msg : "failed");
	if (msg[0]) {
		st = "error";
		nr_failed++;
		fprintf(stderr, "ipc: %s, N=%ld: %s\n", mech_name[m], n, msg);
	}
	if (report->marked && !msg[0])
		printf("ipc-run idx=%d rep=%d mech=%s n=%ld marked=1 ns=%lld ns_per_rt=%.1f status=%s\n",
		       idx, rep, mech_name[m], n, report->ns, (double)report->ns / n, st);
	else
		printf("ipc-run idx=%d rep=%d mech=%s n=%ld marked=%d ns=- ns_per_rt=- status=%s msg=%s\n",
		       idx, rep, mech_name[m], n, report->marked, st, msg);
	return msg[0] ? -1 : 0;
}

static int parse_mech(const char *s)
{
	int m;

	for (m = 0; m < NR_MECHS; m++)
		if (!strcmp(s, mech_name[m]))
			return m;
	return -1;
}

static long parse_long(const char *s, const char *what, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min) {
		fprintf(stderr, "ipc: bad %s '%s' (a number, at least %ld)\n", what, s, min);
		exit(2);
	}
	return v;
}

static void __attribute__((noreturn)) usage(void)
{
	int m;

	fprintf(stderr,
		"usage: ipc [-c CPU_A,CPU_B] [-s SETTLE_MS] [-t TIMEOUT_S] MECH N\n"
		"       ipc [-c CPU_A,CPU_B] [-s SETTLE_MS] [-t TIMEOUT_S] -l MECHS N R\n"
		"MECH:");
	for (m = 0; m < NR_MECHS; m++)
		fprintf(stderr, " %s", mech_name[m]);
	fprintf(stderr, "\nMECHS: a comma-separated list of them, or \"all\"\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .cpu = { 1, 2 }, .settle_ms = 100, .timeout_s = 120 };
	int mechs[NR_MECHS], nr_mechs = 0, list = 0, opt, i, r;
	long n, repeats = 1;
	char *s, *tok, *save;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "c:s:t:l")) != -1) {
		switch (opt) {
		case 'c':
			if (sscanf(optarg, "%d,%d", &o.cpu[0], &o.cpu[1]) != 2 ||
			    o.cpu[0] < 0 || o.cpu[1] < 0 || o.cpu[0] >= CPU_SETSIZE ||
			    o.cpu[1] >= CPU_SETSIZE || o.cpu[0] == o.cpu[1]) {
				fprintf(stderr, "ipc: -c wants two different CPUs, e.g. 1,2\n");
				exit(2);
			}
			break;
		case 's':
			o.settle_ms = parse_long(optarg, "settle time", 0);
			break;
		case 't':
			o.timeout_s = parse_long(optarg, "timeout", 1);
			break;
		case 'l':
			list = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2 + list)
		usage();

	s = argv[optind];
	if (list && !strcmp(s, "all")) {
		for (i = 0; i < NR_MECHS; i++)
			mechs[nr_mechs++] = i;
	} else {
		for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int m = parse_mech(tok);

			if (m < 0 || nr_mechs == NR_MECHS || (!list && nr_mechs)) {
				fprintf(stderr, "ipc: unknown or repeated mechanism '%s'\n", tok);
				usage();
			}
			for (i = 0; i < nr_mechs; i++)
				if (mechs[i] == m)
					usage();
			mechs[nr_mechs++] = m;
		}
		if (!nr_mechs)
			usage();
	}
	n = parse_long(argv[optind + 1], "N", 1);
	if (list)
		repeats = parse_long(argv[optind + 2], "R", 1);
	if (list && n > LONG_MAX / 2) {
		fprintf(stderr, "ipc: N is too large\n");
		exit(2);
	}

	report = mmap(NULL, sizeof(*report), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (report == MAP_FAILED) {
		perror("ipc: mmap");
		return 1;
	}

	printf("ipc-config cpus=%d,%d settle_ms=%u timeout_s=%u n=%ld repeats=%ld mechs=",
	       o.cpu[0], o.cpu[1], o.settle_ms, o.timeout_s, n, list ? repeats : 0);
	for (i = 0; i < nr_mechs; i++)
		printf("%s%s", i ? "," : "", mech_name[mechs[i]]);
	printf("\n");

	if (!list) {
		do_run(&o, 0, mechs[0], n);
	} else {
		for (r = 1; r <= repeats; r++) {
			for (i = 0; i < nr_mechs; i++) {
				do_run(&o, r, mechs[i], n);
				do_run(&o, r, mechs[i], 2 * n);
			}
		}
	}
	printf("ipc-done runs=%d failed=%d\n", nr_runs, nr_failed);
	return nr_failed ? 1 : 0;
}
