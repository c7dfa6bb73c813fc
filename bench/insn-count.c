// SPDX-License-Identifier: GPL-2.0
/*
 * insn-count: a QEMU TCG plugin that counts the guest instructions each
 * vCPU executes between two marker instructions, for ./harness bench-ipc
 * (scripts/bench-ipc.sh, bench/ipc.c, README "The IPC benchmark").
 *
 *   -plugin insn-count.so,ranges=FILE -d plugin -D LOG
 *
 * Per vCPU, every executed instruction is counted (an inline add, planted
 * at translation time) as one of
 *
 *   user    its address has bit 63 clear;
 *   kernel  bit 63 set, and not in an idle range;
 *   idle    inside one of the idle ranges of FILE: the kernel's idle
 *           loop, which runs however long a CPU has nothing to do;
 *
 * and then, by a callback on the first instruction of the timer interrupt
 * ("tick" in FILE) and a conditional callback on every IRETQ (48 cf),
 * everything that the vCPU executes from the tick's entry up to and
 * including the next IRETQ is moved out of those three into
 *
 *   tick    the periodic timer interrupt, which no mechanism causes.
 *
 * The vCPU's count of times QEMU saw it go idle (halts) comes from the
 * idle callback.
 *
 * FILE has one entry per line ('#' starts a comment):
 *
 *   idle START END [NAME]    the addresses [START, END), in hex
 *   tick ADDR [NAME]         the timer interrupt's entry, in hex
 *
 * The markers are the user-mode instructions "nopl 0x55494230(%rax)"
 * (START, 0f 1f 80 30 42 49 55) and "nopl 0x55494231(%rax)" (END).  At
 * START the counts of every vCPU are taken; at END they are taken again,
 * and the plugin prints, through qemu_plugin_outs() (-d plugin), one line:
 *
 *   insn-count pair=K vcpu=V cpu0=U,K,I,T,NT,NH cpu1=... ...
 *
 * K counts the pairs from 1, V is the vCPU that executed END, and each
 * cpuI= has that vCPU's differences between END and START: user, kernel,
 * idle and tick instructions, timer interrupts entered, and halts.  An
 * END without a START is counted and otherwise ignored; a START after a
 * START replaces it.  At exit: "insn-count done pairs=... starts=...
 * orphan-ends=...", and the totals of each vCPU.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const uint8_t marker_start[] = { 0x0f, 0x1f, 0x80, 0x30, 0x42, 0x49, 0x55 };
static const uint8_t marker_end[] = { 0x0f, 0x1f, 0x80, 0x31, 0x42, 0x49, 0x55 };
static const uint8_t iretq[] = { 0x48, 0xcf };

enum { USER, KERNEL, IDLE, NR_RAW };
/* The fields of a cpuI= entry. */
enum { F_USER, F_KERNEL, F_IDLE, F_TICK, F_TICKS, F_HALTS, NR_FIELDS };

/*
 * A vCPU's counts.  raw[] grows by inline adds in the translated code;
 * the callbacks, which run on the vCPU's own thread, change the rest.
 * Other vCPUs' marker callbacks read it, consistently through gen, which
 * is odd while a callback changes the entry.  The padding keeps the
 * counters that every instruction writes off other vCPUs' cache lines.
 */
struct vcpu {
	uint64_t pad0[8];
	uint64_t raw[NR_RAW];
	uint64_t in_tick;		/* between the tick's entry and IRETQ */
	uint64_t gen;
	uint64_t snap[NR_RAW];		/* raw[] at the tick's entry */
	uint64_t tick;			/* instructions moved into tick */
	uint64_t ticks;
	uint64_t halts;
	uint64_t pad1[8];
};

static struct qemu_plugin_scoreboard *board;
static qemu_plugin_u64 raw_u64[NR_RAW];
static qemu_plugin_u64 in_tick_u64;

struct range {
	uint64_t start, end;
};

static struct range *idle;
static size_t nr_idle;
static uint64_t tick_entry;
static bool have_tick;

static unsigned int max_vcpus;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t (*start_counts)[NR_FIELDS], (*cur_counts)[NR_FIELDS];
static unsigned int start_vcpus;
static bool have_start;
static uint64_t pairs, starts, orphan_ends;
static char *line;
static size_t line_size;

static struct vcpu *vcpu(unsigned int index)
{
	return qemu_plugin_scoreboard_find(board, index);
}

static void write_begin(struct vcpu *v)
{
	__atomic_store_n(&v->gen, v->gen + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void write_end(struct vcpu *v)
{
	__atomic_store_n(&v->gen, v->gen + 1, __ATOMIC_RELEASE);
}

/* The first instruction of the timer interrupt. */
static void on_tick_entry(unsigned int index, void *udata)
{
	struct vcpu *v = vcpu(index);
	int i;

	(void)udata;
	write_begin(v);
	v->ticks++;
	/* A tick whose window is still open (no IRETQ since) goes on. */
	if (!v->in_tick) {
		for (i = 0; i < NR_RAW; i++)
			v->snap[i] = v->raw[i];
		v->in_tick = 1;
	}
	write_end(v);
}

/* An IRETQ while in_tick: the tick's instructions move into tick. */
static void on_iret(unsigned int index, void *udata)
{
	struct vcpu *v = vcpu(index);
	int i;

	(void)udata;
	write_begin(v);
	for (i = 0; i < NR_RAW; i++) {
		v->tick += v->raw[i] - v->snap[i];
		v->raw[i] = v->snap[i];
	}
	v->in_tick = 0;
	write_end(v);
}

static void on_idle(qemu_plugin_id_t id, unsigned int index)
{
	struct vcpu *v = vcpu(index);

	(void)id;
	write_begin(v);
	v->halts++;
	write_end(v);
}

/* A vCPU's counts as of now, an open tick window counted as tick. */
static void read_vcpu(unsigned int index, uint64_t out[NR_FIELDS])
{
	struct vcpu *v = vcpu(index);
	uint64_t g1, g2, raw[NR_RAW];
	int i;

	for (;;) {
		g1 = __atomic_load_n(&v->gen, __ATOMIC_ACQUIRE);
		if (g1 & 1)
			continue;
		for (i = 0; i < NR_RAW; i++)
			raw[i] = __atomic_load_n(&v->raw[i], __ATOMIC_RELAXED);
		out[F_TICK] = __atomic_load_n(&v->tick, __ATOMIC_RELAXED);
		if (__atomic_load_n(&v->in_tick, __ATOMIC_RELAXED)) {
			for (i = 0; i < NR_RAW; i++) {
				uint64_t snap = __atomic_load_n(&v->snap[i], __ATOMIC_RELAXED);

				out[F_TICK] += raw[i] - snap;
				raw[i] = snap;
			}
		}
		out[F_USER] = raw[USER];
		out[F_KERNEL] = raw[KERNEL];
		out[F_IDLE] = raw[IDLE];
		out[F_TICKS] = __atomic_load_n(&v->ticks, __ATOMIC_RELAXED);
		out[F_HALTS] = __atomic_load_n(&v->halts, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		g2 = __atomic_load_n(&v->gen, __ATOMIC_RELAXED);
		if (g1 == g2)
			return;
	}
}

static unsigned int nr_vcpus(void)
{
	int n = qemu_plugin_num_vcpus();

	return n < 0 ? 0 : (unsigned int)n > max_vcpus ? max_vcpus : (unsigned int)n;
}

static void on_marker(unsigned int index, void *udata)
{
	bool end = udata != NULL;
	unsigned int i, n = nr_vcpus();
	size_t len;
	int f;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n; i++)
		read_vcpu(i, cur_counts[i]);
	if (!end) {
		memcpy(start_counts, cur_counts, n * sizeof(*cur_counts));
		start_vcpus = n;
		have_start = true;
		starts++;
	} else if (!have_start) {
		orphan_ends++;
	} else {
		pairs++;
		len = snprintf(line, line_size, "insn-count pair=%" PRIu64 " vcpu=%u", pairs, index);
		for (i = 0; i < n; i++) {
			len += snprintf(line + len, line_size - len, " cpu%u=", i);
			for (f = 0; f < NR_FIELDS; f++)
				len += snprintf(line + len, line_size - len, "%s%" PRIu64, f ? "," : "",
						cur_counts[i][f] - (i < start_vcpus ? start_counts[i][f] : 0));
		}
		snprintf(line + len, line_size - len, "\n");
		qemu_plugin_outs(line);
		have_start = false;
	}
	pthread_mutex_unlock(&lock);
}

static bool in_idle(uint64_t va)
{
	size_t lo = 0, hi = nr_idle;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (va < idle[mid].start)
			hi = mid;
		else if (va >= idle[mid].end)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool insn_is(const struct qemu_plugin_insn *insn, const uint8_t *bytes, size_t len)
{
	uint8_t buf[16];

	return qemu_plugin_insn_size(insn) == len &&
	       qemu_plugin_insn_data(insn, buf, len) == len && !memcmp(buf, bytes, len);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);

		if (!(va >> 63)) {
			if (insn_is(insn, marker_start, sizeof(marker_start)))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
								       QEMU_PLUGIN_CB_NO_REGS, NULL);
			else if (insn_is(insn, marker_end, sizeof(marker_end)))
				qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker,
								       QEMU_PLUGIN_CB_NO_REGS,
								       (void *)1);
			qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
				insn, QEMU_PLUGIN_INLINE_ADD_U64, raw_u64[USER], 1);
			continue;
		}
		/* The callbacks run in the order of registration: the
		 * tick's entry and its IRETQ both count as tick. */
		if (have_tick && va == tick_entry)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_tick_entry,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
			insn, QEMU_PLUGIN_INLINE_ADD_U64, raw_u64[in_idle(va) ? IDLE : KERNEL], 1);
		if (insn_is(insn, iretq, sizeof(iretq)))
			qemu_plugin_register_vcpu_insn_exec_cond_cb(
				insn, on_iret, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_COND_NE,
				in_tick_u64, 0, NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	unsigned int i, n = nr_vcpus();
	uint64_t c[NR_FIELDS];
	char buf[256];

	(void)id;
	(void)udata;
	snprintf(buf, sizeof(buf), "insn-count done pairs=%" PRIu64 " starts=%" PRIu64
		 " orphan-ends=%" PRIu64 "\n", pairs, starts, orphan_ends);
	qemu_plugin_outs(buf);
	for (i = 0; i < n; i++) {
		read_vcpu(i, c);
		snprintf(buf, sizeof(buf), "insn-count total cpu%u=%" PRIu64 ",%" PRIu64 ",%" PRIu64
			 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", i, c[F_USER], c[F_KERNEL],
			 c[F_IDLE], c[F_TICK], c[F_TICKS], c[F_HALTS]);
		qemu_plugin_outs(buf);
	}
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int read_ranges(const char *path)
{
	char buf[512], kind[16];
	unsigned long long a, b;
	size_t cap = 0, i, j;
	unsigned int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "insn-count: cannot open %s\n", path);
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *hash = strchr(buf, '#');
		int got;

		lineno++;
		if (hash)
			*hash = '\0';
		got = sscanf(buf, "%15s %llx %llx", kind, &a, &b);
		if (got <= 0)
			continue;
		if (got == 3 && !strcmp(kind, "idle") && a < b) {
			if (nr_idle == cap) {
				cap = cap ? 2 * cap : 64;
				idle = realloc(idle, cap * sizeof(*idle));
				if (!idle)
					abort();
			}
			idle[nr_idle].start = a;
			idle[nr_idle].end = b;
			nr_idle++;
		} else if (got >= 2 && !strcmp(kind, "tick")) {
			tick_entry = a;
			have_tick = true;
		} else {
			fprintf(stderr, "insn-count: %s:%u: want \"idle START END\" or \"tick ADDR\"\n",
				path, lineno);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	/* Sorted, overlaps merged, for the binary search. */
	if (nr_idle) {
		qsort(idle, nr_idle, sizeof(*idle), cmp_range);
		for (i = 0, j = 1; j < nr_idle; j++) {
			if (idle[j].start <= idle[i].end) {
				if (idle[j].end > idle[i].end)
					idle[i].end = idle[j].end;
			} else {
				idle[++i] = idle[j];
			}
		}
		nr_idle = i + 1;
	}
	return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *ranges = NULL;
	char msg[200];
	int i;

	if (!info->system_emulation || strcmp(info->target_name, "x86_64")) {
		fprintf(stderr, "insn-count: wants qemu-system-x86_64\n");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "ranges=", 7)) {
			ranges = argv[i] + 7;
		} else {
			fprintf(stderr, "insn-count: unknown argument '%s' (ranges=FILE)\n", argv[i]);
			return -1;
		}
	}
	if (ranges && read_ranges(ranges))
		return -1;

	max_vcpus = info->system.max_vcpus > 0 ? info->system.max_vcpus : 1;
	start_counts = calloc(max_vcpus, sizeof(*start_counts));
	cur_counts = calloc(max_vcpus, sizeof(*cur_counts));
	line_size = 64 + (size_t)max_vcpus * (16 + NR_FIELDS * 21);
	line = malloc(line_size);
	if (!start_counts || !cur_counts || !line)
		return -1;

	board = qemu_plugin_scoreboard_new(sizeof(struct vcpu));
	raw_u64[USER] = qemu_plugin_scoreboard_u64_in_struct(board, struct vcpu, raw[USER]);
	raw_u64[KERNEL] = qemu_plugin_scoreboard_u64_in_struct(board, struct vcpu, raw[KERNEL]);
	raw_u64[IDLE] = qemu_plugin_scoreboard_u64_in_struct(board, struct vcpu, raw[IDLE]);
	in_tick_u64 = qemu_plugin_scoreboard_u64_in_struct(board, struct vcpu, in_tick);

	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_vcpu_idle_cb(id, on_idle);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);

	snprintf(msg, sizeof(msg), "insn-count: %zu idle ranges, tick entry %s%#" PRIx64
		 ", fields user,kernel,idle,tick,ticks,halts\n", nr_idle,
		 have_tick ? "" : "(none) ", tick_entry);
	qemu_plugin_outs(msg);
	return 0;
}
