#!/usr/bin/env bash
# The TCG plugin of ./harness bench-ipc (bench/insn-count.c), without
# QEMU: linked with a stand-in for QEMU's plugin API that translates one
# instruction at a time and runs what the plugin planted on it, in the
# order QEMU does (the order of registration), for a made-up sequence of
# instructions on four vCPUs.  The user, kernel and idle counts, the tick
# window from the timer's entry to IRETQ (also one still open at a
# marker), the halts, the marker pairs and an END without a START come
# out as worked out by hand.
REAL_BUILD=${UINTR_BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
. "$(dirname "$0")/common.sh"
H=$REAL_BUILD/qemu/include/qemu
[ -f "$H/qemu-plugin.h" ] || fail "no QEMU tree in $REAL_BUILD (./harness prepare)"

cat >"$T/mock.c" <<'EOT'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

#define MAX_OPS 8
enum kind { INLINE, CB, COND };
struct op {
	enum kind kind;
	qemu_plugin_vcpu_udata_cb_t cb;
	void *udata;
	qemu_plugin_u64 entry;
	enum qemu_plugin_cond cond;
	uint64_t imm;
};
struct qemu_plugin_insn {
	uint64_t va;
	uint8_t bytes[16];
	size_t size;
	int nr_ops;
	struct op ops[MAX_OPS];
};
struct qemu_plugin_tb {
	struct qemu_plugin_insn *insn;
};
struct qemu_plugin_scoreboard {
	size_t size;
	char *data;
};

#define VCPUS 4
static qemu_plugin_vcpu_tb_trans_cb_t trans;
static qemu_plugin_vcpu_simple_cb_t idle_cb;
static qemu_plugin_udata_cb_t exit_cb;
static void *exit_udata;

struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t size)
{
	struct qemu_plugin_scoreboard *s = calloc(1, sizeof(*s));

	s->size = size;
	s->data = calloc(VCPUS, size);
	return s;
}
void *qemu_plugin_scoreboard_find(struct qemu_plugin_scoreboard *s, unsigned int i)
{
	return s->data + i * s->size;
}
static uint64_t *u64(qemu_plugin_u64 e, unsigned int i)
{
	return (uint64_t *)((char *)qemu_plugin_scoreboard_find(e.score, i) + e.offset);
}
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb)
{
	(void)id;
	trans = cb;
}
void qemu_plugin_register_vcpu_idle_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb)
{
	(void)id;
	idle_cb = cb;
}
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *u)
{
	(void)id;
	exit_cb = cb;
	exit_udata = u;
}
int qemu_plugin_num_vcpus(void)
{
	return VCPUS;
}
void qemu_plugin_outs(const char *s)
{
	fputs(s, stdout);
}
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb)
{
	(void)tb;
	return 1;
}
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t i)
{
	return i == 0 ? tb->insn : NULL;
}
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn)
{
	return insn->va;
}
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn)
{
	return insn->size;
}
size_t qemu_plugin_insn_data(const struct qemu_plugin_insn *insn, void *dest, size_t len)
{
	len = len < insn->size ? len : insn->size;
	memcpy(dest, insn->bytes, len);
	return len;
}
static struct op *new_op(struct qemu_plugin_insn *insn, enum kind kind)
{
	if (insn->nr_ops == MAX_OPS)
		abort();
	insn->ops[insn->nr_ops].kind = kind;
	return &insn->ops[insn->nr_ops++];
}
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags, void *udata)
{
	struct op *op = new_op(insn, CB);

	(void)flags;
	op->cb = cb;
	op->udata = udata;
}
void qemu_plugin_register_vcpu_insn_exec_cond_cb(struct qemu_plugin_insn *insn,
						 qemu_plugin_vcpu_udata_cb_t cb,
						 enum qemu_plugin_cb_flags flags,
						 enum qemu_plugin_cond cond, qemu_plugin_u64 entry,
						 uint64_t imm, void *udata)
{
	struct op *op = new_op(insn, COND);

	(void)flags;
	op->cb = cb;
	op->udata = udata;
	op->cond = cond;
	op->entry = entry;
	op->imm = imm;
}
void qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(struct qemu_plugin_insn *insn,
							 enum qemu_plugin_op op_kind,
							 qemu_plugin_u64 entry, uint64_t imm)
{
	struct op *op = new_op(insn, INLINE);

	if (op_kind != QEMU_PLUGIN_INLINE_ADD_U64)
		abort();
	op->entry = entry;
	op->imm = imm;
}

/* The made-up machine: a few instructions, each translated on first use. */
#define USER		0x401000
#define START		0x401100
#define END		0x401200
#define KERNEL		0xffffffff81000000
#define IDLE		0xffffffff81096a00
#define IDLE2		0xffffffff813ce500
#define TICK		0xffffffff81400cf0
#define IRETQ		0xffffffff81400efe
#define UIRETQ		0x401300	/* 48 cf in user space: not an IRETQ */
static struct qemu_plugin_insn code[] = {
	{ USER, { 0x90 }, 1 },
	{ START, { 0x0f, 0x1f, 0x80, 0x30, 0x42, 0x49, 0x55 }, 7 },
	{ END, { 0x0f, 0x1f, 0x80, 0x31, 0x42, 0x49, 0x55 }, 7 },
	{ KERNEL, { 0x90 }, 1 },
	{ IDLE, { 0x90 }, 1 },
	{ IDLE2, { 0x90 }, 1 },
	{ TICK, { 0x90 }, 1 },
	{ IRETQ, { 0x48, 0xcf }, 2 },
	{ UIRETQ, { 0x48, 0xcf }, 2 },
};
static int translated[sizeof(code) / sizeof(code[0])];

static void exec(unsigned int vcpu, uint64_t va, int times)
{
	struct qemu_plugin_insn *insn = NULL;
	size_t i;
	int k, t;

	for (i = 0; i < sizeof(code) / sizeof(code[0]); i++)
		if (code[i].va == va)
			insn = &code[i];
	if (!insn)
		abort();
	if (!translated[insn - code]) {
		struct qemu_plugin_tb tb = { insn };

		translated[insn - code] = 1;
		trans(1, &tb);
	}
	for (t = 0; t < times; t++) {
		for (k = 0; k < insn->nr_ops; k++) {
			struct op *op = &insn->ops[k];

			if (op->kind == INLINE)
				*u64(op->entry, vcpu) += op->imm;
			else if (op->kind == CB)
				op->cb(vcpu, op->udata);
			else if (op->cond == QEMU_PLUGIN_COND_NE && *u64(op->entry, vcpu) != op->imm)
				op->cb(vcpu, op->udata);
			else if (op->cond != QEMU_PLUGIN_COND_NE)
				abort();
		}
	}
}

int main(int argc, char **argv)
{
	qemu_info_t info = { .target_name = "x86_64", .system_emulation = true };
	char *args[] = { argv[1] };

	(void)argc;
	info.system.smp_vcpus = info.system.max_vcpus = VCPUS;
	if (qemu_plugin_install(1, &info, 1, args))
		return 1;
	exec(2, KERNEL, 3);		/* before any marker */
	exec(1, USER, 5);
	exec(1, START, 1);
	exec(1, USER, 10);
	exec(1, UIRETQ, 1);		/* user: no tick window */
	exec(1, KERNEL, 20);
	exec(1, IRETQ, 1);		/* no tick window open: kernel */
	exec(1, TICK, 1);		/* tick: 1 + 7 + 3 + 1 */
	exec(1, KERNEL, 7);
	exec(1, IDLE, 3);
	exec(1, IRETQ, 1);
	exec(1, IDLE2, 4);
	exec(2, KERNEL, 6);
	idle_cb(1, 2);
	idle_cb(1, 2);
	exec(0, TICK, 1);		/* still open at END: 3 as tick */
	exec(0, KERNEL, 2);
	exec(1, END, 1);
	/* pair 2, on vCPU 2 */
	exec(2, START, 1);
	exec(0, KERNEL, 3);		/* the window of pair 1's tick */
	exec(0, TICK, 1);		/* one more tick in the same window */
	exec(0, IRETQ, 1);		/* closes it: 1 + 2 + 3 + 1 + 1 tick */
	exec(0, KERNEL, 4);
	exec(3, USER, 2);
	exec(2, END, 1);
	exec(3, END, 1);		/* without START */
	exit_cb(1, exit_udata);
	return 0;
}
EOT
cat >"$T/ranges" <<'EOT'
# made up
idle 0xffffffff81096980 0xffffffff81096af3 do_idle
idle 0xffffffff81096990 0xffffffff81096a10 overlaps do_idle
idle ffffffff813ce4ed ffffffff813cec5b .cpuidle.text
tick 0xffffffff81400cf0 asm_sysvec_apic_timer_interrupt
EOT
# shellcheck disable=SC2046 # pkg-config prints several words
gcc -O2 -Wall -Wextra -Wno-unused-parameter $(pkg-config --cflags glib-2.0) -I"$H" \
	-o "$T/mock" "$T/mock.c" "$ROOT/bench/insn-count.c" 2>"$T/cc" ||
	{ sed 's/^/# /' "$T/cc"; fail "cannot build the plugin with the stand-in API"; }
"$T/mock" "ranges=$T/ranges" >"$T/out" 2>&1 || { sed 's/^/# /' "$T/out"; fail "the plugin failed"; }
cat >"$T/want" <<'EOT'
insn-count: 2 idle ranges, tick entry 0xffffffff81400cf0, fields user,kernel,idle,tick,ticks,halts
insn-count pair=1 vcpu=1 cpu0=0,0,0,3,1,0 cpu1=12,21,4,12,1,0 cpu2=0,6,0,0,0,2 cpu3=0,0,0,0,0,0
insn-count pair=2 vcpu=2 cpu0=0,4,0,5,1,0 cpu1=0,0,0,0,0,0 cpu2=1,0,0,0,0,0 cpu3=2,0,0,0,0,0
insn-count done pairs=2 starts=2 orphan-ends=1
insn-count total cpu0=0,4,0,8,2,0
insn-count total cpu1=18,21,4,12,1,0
insn-count total cpu2=2,9,0,0,0,2
insn-count total cpu3=3,0,0,0,0,0
EOT
if ! diff -u "$T/want" "$T/out" >"$T/diff"; then
	sed 's/^/# /' "$T/diff"
	fail "the plugin's counts are not the ones worked out by hand"
fi
# A bad ranges file is refused.
echo 'idle 0x10' >"$T/bad"
! "$T/mock" "ranges=$T/bad" >"$T/out" 2>&1 || fail "a bad ranges file was taken"
grep -q 'want "idle START END" or "tick ADDR"' "$T/out" || fail "no word on the bad ranges file"
exit 0
