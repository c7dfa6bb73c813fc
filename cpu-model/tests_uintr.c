// SPDX-License-Identifier: GPL-2.0
/*
 * cpu-model: Intel User Interrupts (UINTR) tests.
 * Spec: shared/uintr-architecture.md.
 */
#include "kernel.h"
#include "xsave.h"

#define UINV		0xec
#define NV_PLAIN	0x41	/* a notification vector that is not UINV */
#define UNMAPPED	0x80000000ul	/* 2-3 GiB is not present */
#define SUPER_ALIAS	0x40000000ul	/* 1-2 GiB: supervisor-only alias of 0-1 GiB */
#define RO_ALIAS	0x100000000ul	/* 4-5 GiB: read-only supervisor alias of 0-1 GiB */

static struct upid upid[4];
static struct uitte uitt[3][64];
static u8 alt_stack[2][8192] __attribute__((aligned(64)));

struct ulog { u64 vec, rip, rflags, rsp, entry_rsp, uif, entry_rflags; };
static volatile struct ulog ulog[2][64];
static volatile u64 ulog_n[2];
typedef void (*uhook_t)(u64 *frame, u64 cpu);
static volatile uhook_t uhook[2];

static int have_uintr(void) { return (cpuid_reg(7, 0, EDX) >> 5) & 1; }
static int have_uiret_uif(void) { return (cpuid_reg(7, 1, EDX) >> 17) & 1; }
static int have_la57(void) { return (cpuid_reg(7, 0, ECX) >> 16) & 1; }

/* Called at CPL 3 from uintr_entry_cpuN with the delivery frame. */
void uintr_c_handler(u64 *f, u64 cpu, u64 entry_rflags)
{
	u64 n = ulog_n[cpu];
	if (n < 64) {
		volatile struct ulog *l = &ulog[cpu][n];
		l->vec = f[0];
		l->rip = f[1];
		l->rflags = f[2];
		l->rsp = f[3];
		l->entry_rsp = (u64)f;
		l->uif = testui();
		l->entry_rflags = entry_rflags;
	}
	ulog_n[cpu] = n + 1;
	if (uhook[cpu])
		uhook[cpu](f, cpu);
	else if (n + 1 >= 1000)		/* delivery storm: abandon the CPL-3 function, UIF stays 0 */
		asm volatile("int %0" :: "i"(USER_EXIT_VECTOR), "a"(USER_FAULT | 0xff) : "memory");
}

static void cr4_uintr(int on)
{
	u64 cr4 = read_cr4();
	write_cr4(on ? cr4 | CR4_UINTR : cr4 & ~CR4_UINTR);
}

/* Put this CPU's UINTR state back to all zeros, CR4.UINTR = 0. */
void uintr_disable_all(void)
{
	if (!have_uintr())
		return;
	cr4_uintr(1);
	clui();
	for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++)
		wrmsr(m, 0);
	cr4_uintr(0);
	uhook[this_cpu()->cpu] = NULL;
}

static void ulog_reset(int cpu)
{
	ulog_n[cpu] = 0;
	memset((void *)ulog[cpu], 0, sizeof(ulog[cpu]));
}

static u64 ndst_for(u64 apic_id, int x2) { return x2 ? apic_id : (apic_id & 0xff) << 8; }

/* ------------------------------------------------------------------ */
struct sendarg { u64 idx; };
static u64 do_send(void *p) { senduipi_rax(((struct sendarg *)p)->idx); return 0; }
static long send_safe(u64 idx) { struct sendarg a = { idx }; return try_call(do_send, &a); }
static u64 send_user(u64 idx) { struct sendarg a = { idx }; return user_call(do_send, &a); }

extern char compat_testui[], compat_uiret[], compat_clui[], compat_stui[], compat_senduipi[];
/* Far jump to the 32-bit code at p (CS.L = 0, CPL 0); it ends in INT3. */
static u64 do_compat_at(void *p)
{
	struct { u32 off; u16 sel; } __attribute__((packed)) fp = { (u32)(u64)p, SEL_KCODE32 };
	asm volatile("ljmpl *%0" :: "m"(fp) : "memory");
	return 0;
}
static u64 do_lock_stui(void *p UNUSED) { asm volatile(".byte 0xf0\n\t" STUI_BYTES ::: "memory"); return 0; }
static u64 do_lock_testui(void *p UNUSED) { asm volatile(".byte 0xf0\n\t" TESTUI_BYTES ::: "memory", "cc"); return 0; }
static u64 do_lock_send(void *p UNUSED) { asm volatile(".byte 0xf0\n\t" SENDUIPI_RAX :: "a"(0ul) : "memory"); return 0; }
static u64 do_lock_clui(void *p UNUSED) { asm volatile(".byte 0xf0\n\t" CLUI_BYTES ::: "memory"); return 0; }
/* LOCK UIRET, with a frame that returns right after it, UIF = 1, should it run. */
static u64 do_lock_uiret(void *p UNUSED)
{
	asm volatile(
		"mov %%rsp, %%r8\n\t"
		"lea 1f(%%rip), %%r10\n\t"
		"sub $64, %%rsp\n\t"
		"mov %%r10, 0(%%rsp)\n\t"
		"movq $2, 8(%%rsp)\n\t"
		"mov %%r8, 16(%%rsp)\n\t"
		".byte 0xf0\n\t" UIRET_BYTES
		"1:\n\t"
		"mov %%r8, %%rsp\n\t"
		::: "r8", "r10", "memory", "cc");
	return 0;
}
/*
 * The README's prefix choices: with 66, or with F2 as the last of F2/F3,
 * F3 0F 01 EC-EF is #UD; F2 before the F3 does not count.
 */
static u64 do_66_testui(void *p UNUSED) { asm volatile(".byte 0x66\n\t" TESTUI_BYTES ::: "memory", "cc"); return 0; }
static u64 do_66_clui(void *p UNUSED) { asm volatile(".byte 0x66\n\t" CLUI_BYTES ::: "memory"); return 0; }
static u64 do_66_stui(void *p UNUSED) { asm volatile(".byte 0x66\n\t" STUI_BYTES ::: "memory"); return 0; }
static u64 do_f2_testui(void *p UNUSED) { asm volatile(".byte 0xf3,0xf2,0x0f,0x01,0xed" ::: "memory", "cc"); return 0; }
static u64 do_f2_clui(void *p UNUSED) { asm volatile(".byte 0xf3,0xf2,0x0f,0x01,0xee" ::: "memory"); return 0; }
static u64 do_f2_stui(void *p UNUSED) { asm volatile(".byte 0xf3,0xf2,0x0f,0x01,0xef" ::: "memory"); return 0; }
static u64 do_f2f3_clui(void *p UNUSED) { asm volatile(".byte 0xf2\n\t" CLUI_BYTES ::: "memory"); return 0; }
/* ... while SENDUIPI ignores 66, and takes REX.B: F3 41 0F C7 F0 is SENDUIPI R8. */
static u64 do_66_send(void *p) { asm volatile(".byte 0x66\n\t" SENDUIPI_RAX :: "a"((u64)p) : "memory"); return 0; }
static u64 do_send_r8(void *p)
{
	register u64 r8 asm("r8") = (u64)p;

	asm volatile(".byte 0xf3,0x41,0x0f,0xc7,0xf0" :: "r"(r8), "a"(0ul) : "memory");
	return 0;
}
static u64 do_user_rdmsr(void *p) { u32 lo, hi; asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"((u32)(u64)p)); return 0; }
static u64 do_user_wrmsr0(void *p) { asm volatile("wrmsr" :: "a"(0), "d"(0), "c"((u32)(u64)p)); return 0; }
static u64 do_set_cr4_uintr(void *p UNUSED) { write_cr4(read_cr4() | CR4_UINTR); return 0; }
static u64 do_uiret_insn(void *p UNUSED) { asm volatile(UIRET_BYTES ::: "memory"); return 0; }
static u64 do_testui_insn(void *p UNUSED) { return testui(); }
static u64 do_clui_insn(void *p UNUSED) { clui(); return 0; }
static u64 do_stui_insn(void *p UNUSED) { stui(); return 0; }

static void msr_tests(void)
{
	struct { u32 msr; const char *name; u64 val; } rw[] = {
		{ MSR_UINTR_RR, "IA32_UINTR_RR", 0x8000000000000001ul | 0x5a5a0000ul },
		{ MSR_UINTR_HANDLER, "IA32_UINTR_HANDLER", 0x00007fffdeadbee0ul },
		{ MSR_UINTR_STACKADJUST, "IA32_UINTR_STACKADJUST", 0xffff800000001231ul },
		{ MSR_UINTR_MISC, "IA32_UINTR_MISC", ((u64)0xab << 32) | 0x12345678 },
		{ MSR_UINTR_PD, "IA32_UINTR_PD", 0x0000123456789ac0ul },
		{ MSR_UINTR_TT, "IA32_UINTR_TT", 0xffff876543210ab1ul },
	};
	char desc[120];
	for (unsigned i = 0; i < ARRAY_SIZE(rw); i++) {
		u64 v = 0;
		long r1 = wrmsr_safe(rw[i].msr, rw[i].val);
		long r2 = rdmsr_safe(rw[i].msr, &v);
		wrmsr_safe(rw[i].msr, 0);
		snprintf(desc, sizeof(desc), "uintr msr: %s (0x%x) write/read-back with CR4.UINTR=0", rw[i].name, rw[i].msr);
		ok(r1 < 0 && r2 < 0 && v == rw[i].val, desc, "wrmsr %ld rdmsr %ld value %lx expected %lx",
		   r1, r2, v, rw[i].val);
	}
	{
		long r = wrmsr_safe(MSR_UINTR_RR, ~0ul);
		u64 v = 0;
		rdmsr_safe(MSR_UINTR_RR, &v);
		wrmsr(MSR_UINTR_RR, 0);
		ok(r < 0 && v == ~0ul, "uintr msr: IA32_UINTR_RR accepts all 64 bits", "wrmsr %ld value %lx", r, v);
	}

	/* WRMSR #GP checks; the register must keep its old value */
	struct bad { u32 msr; const char *what; u64 good; u64 bads[26]; int n; };
	u64 nc[3] = { 0x8000000000001000ul, 0x7000000000000000ul, 0x0000800000000000ul };
	int nnc = have_la57() ? 2 : 3;
	static struct bad cases[8];
	int nc_ = 0;
	cases[nc_++] = (struct bad){ MSR_UINTR_HANDLER, "IA32_UINTR_HANDLER non-canonical", 0x1000, {0}, 0 };
	cases[nc_++] = (struct bad){ MSR_UINTR_STACKADJUST, "IA32_UINTR_STACKADJUST non-canonical", 0x81, {0}, 0 };
	cases[nc_++] = (struct bad){ MSR_UINTR_PD, "IA32_UINTR_PD non-canonical", 0x1000, {0}, 0 };
	cases[nc_++] = (struct bad){ MSR_UINTR_TT, "IA32_UINTR_TT non-canonical", 0x1001, {0}, 0 };
	for (int k = 0; k < 4; k++)
		for (int j = 0; j < nnc; j++)
			cases[k].bads[cases[k].n++] = nc[j];
	cases[nc_] = (struct bad){ MSR_UINTR_MISC, "IA32_UINTR_MISC bits 63:40 (each)", 0xec00000005ul, {0}, 0 };
	for (int b = 40; b < 64; b++)
		cases[nc_].bads[cases[nc_].n++] = 0xec00000005ul | BIT(b);
	nc_++;
	cases[nc_] = (struct bad){ MSR_UINTR_PD, "IA32_UINTR_PD bits 5:0 (each)", 0x1000, {0}, 0 };
	for (int b = 0; b < 6; b++)
		cases[nc_].bads[cases[nc_].n++] = 0x1000 | BIT(b);
	nc_++;
	cases[nc_] = (struct bad){ MSR_UINTR_TT, "IA32_UINTR_TT bits 3:1 (each)", 0x1001, {0}, 0 };
	for (int b = 1; b < 4; b++)
		cases[nc_].bads[cases[nc_].n++] = 0x1000 | BIT(b);
	nc_++;
	for (int k = 0; k < nc_; k++) {
		int bad = 0;
		char det[160] = "";
		wrmsr(cases[k].msr, cases[k].good);
		for (int j = 0; j < cases[k].n; j++) {
			long r = wrmsr_safe(cases[k].msr, cases[k].bads[j]);
			u64 v = rdmsr(cases[k].msr);
			if ((!fault_is(r, 13, 0) || v != cases[k].good) && !bad++)
				snprintf(det, sizeof(det), "value %lx: vector %ld, MSR now %lx", cases[k].bads[j], r, v);
		}
		wrmsr(cases[k].msr, 0);
		snprintf(desc, sizeof(desc), "uintr msr: WRMSR #GP(0) for %s, value kept", cases[k].what);
		ok(!bad, desc, "%s", det);
	}
	{
		u64 v = 0;
		long r = wrmsr_safe(MSR_UINTR_TT, 0x1001);
		rdmsr_safe(MSR_UINTR_TT, &v);
		wrmsr(MSR_UINTR_TT, 0);
		ok(r < 0 && v == 0x1001, "uintr msr: IA32_UINTR_TT bit 0 (SENDUIPI enable) is writable", "vector %ld value %lx", r, v);
	}
	{
		int bad = 0;
		char det[120] = "";
		cr4_uintr(1);
		for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++) {
			u64 r1 = user_call(do_user_rdmsr, (void *)(u64)m);
			u64 e1 = this_cpu()->last_err;
			u64 r2 = user_call(do_user_wrmsr0, (void *)(u64)m);
			u64 e2 = this_cpu()->last_err;
			if ((r1 != (USER_FAULT | 13) || e1 || r2 != (USER_FAULT | 13) || e2) && !bad++)
				snprintf(det, sizeof(det), "MSR %x: rdmsr %lx (err %lx) wrmsr %lx (err %lx)", m, r1, e1, r2, e2);
		}
		cr4_uintr(0);
		ok(!bad, "uintr msr: RDMSR and WRMSR of every UINTR MSR at CPL 3 raise #GP(0)", "%s", det);
	}
}

/* ------------------------------------------------------------------ */
static u64 testui_flags(u64 in)
{
	u64 out;
	asm volatile("pushq %1\n\tpopfq\n\t" TESTUI_BYTES "pushfq\n\tpopq %0\n\tcld" : "=r"(out) : "r"(in) : "cc", "memory");
	return out;
}

static u64 flags_around(int set, u64 in)
{
	u64 out;
	if (set)
		asm volatile("pushq %1\n\tpopfq\n\t" STUI_BYTES "pushfq\n\tpopq %0\n\tcld" : "=r"(out) : "r"(in) : "cc", "memory");
	else
		asm volatile("pushq %1\n\tpopfq\n\t" CLUI_BYTES "pushfq\n\tpopq %0\n\tcld" : "=r"(out) : "r"(in) : "cc", "memory");
	return out;
}

/* UIRET at CPL 0 with a hand-built frame; res = {rflags after, rsp after, expected rsp} */
static void uiret_probe(u64 img, u64 pre, u64 *res)
{
	asm volatile(
		"mov %%rsp, %%r8\n\t"
		"lea -512(%%rsp), %%r9\n\t"
		"and $-16, %%r9\n\t"
		"sub $8, %%r9\n\t"
		"lea 1f(%%rip), %%r10\n\t"
		"sub $64, %%rsp\n\t"
		"mov %%r10, 0(%%rsp)\n\t"
		"mov %[img], 8(%%rsp)\n\t"
		"mov %%r9, 16(%%rsp)\n\t"
		"push %[pre]\n\t"
		"popfq\n\t"
		UIRET_BYTES
		"1:\n\t"
		"pushfq\n\t"
		"pop %%r10\n\t"
		"mov %%rsp, %%r11\n\t"
		"mov %%r8, %%rsp\n\t"
		"pushq $2\n\t"
		"popfq\n\t"
		"mov %%r10, 0(%[res])\n\t"
		"mov %%r11, 8(%[res])\n\t"
		"mov %%r9, 16(%[res])\n\t"
		:: [img] "r"(img), [pre] "r"(pre), [res] "r"(res)
		: "r8", "r9", "r10", "r11", "memory", "cc");
}

static u64 do_uiret_noncanon(void *p UNUSED)
{
	asm volatile(
		"mov %%rsp, %%r8\n\t"
		"sub $64, %%rsp\n\t"
		"movabs $0x8000000000001000, %%r10\n\t"
		"mov %%r10, 0(%%rsp)\n\t"
		"movq $2, 8(%%rsp)\n\t"
		"mov %%r8, 16(%%rsp)\n\t"
		UIRET_BYTES
		"mov %%r8, %%rsp\n\t"
		::: "r8", "r10", "memory");
	return 0;
}

/*
 * UIRET at CPL 3 with RSP at p: a frame on a not-present page faults on
 * its first pop; one that ends on a supervisor page (0x3ffffff0: RIP and
 * RFLAGS user-accessible, RSP at 0x40000000) on its last.
 */
extern char uiret_pf_insn[];
static u64 do_uiret_pf(void *p)
{
	asm volatile(
		"mov %%rsp, %%r8\n\t"
		"mov %[sp], %%rsp\n\t"
		".globl uiret_pf_insn\n"
		"uiret_pf_insn:\n\t"
		UIRET_BYTES
		"mov %%r8, %%rsp\n\t"
		:: [sp] "r"(p) : "r8", "memory");
	return 0;
}

/*
 * UIRET at CPL 0 to uiret_rf_target with RFLAGS image img: an instruction
 * breakpoint there (DR0) is suppressed iff UIRET loaded RF = 1.
 */
extern char uiret_rf_target[];
static __attribute__((noinline)) void uiret_rf_probe(u64 img)
{
	asm volatile(
		"mov %%rsp, %%r8\n\t"
		"lea -512(%%rsp), %%r9\n\t"
		"and $-16, %%r9\n\t"
		"lea uiret_rf_target(%%rip), %%r10\n\t"
		"sub $64, %%rsp\n\t"
		"mov %%r10, 0(%%rsp)\n\t"
		"mov %[img], 8(%%rsp)\n\t"
		"mov %%r9, 16(%%rsp)\n\t"
		UIRET_BYTES
		".globl uiret_rf_target\n"
		"uiret_rf_target:\n\t"
		"nop\n\t"
		"mov %%r8, %%rsp\n\t"
		"pushq $2\n\t"
		"popfq\n\t"
		:: [img] "r"(img) : "r8", "r9", "r10", "memory", "cc");
}

#define ARITH	0x8d5ul		/* CF PF AF ZF SF OF */
#define UIRET_MASK 0x254dd5ul

static void setup_self_uitt(int n, int sn)
{
	upid[0].ctl = UPID_NV(NV_PLAIN) | UPID_NDST(ndst_for(this_cpu()->apic_id, this_cpu()->x2apic)) | (sn ? UPID_SN : 0);
	upid[0].pir = 0;
	for (int i = 0; i < n; i++) {
		uitt[0][i].ctl = UITTE_V | UITTE_UV(10 + i);
		uitt[0][i].upid = (u64)&upid[0];
	}
	wrmsr(MSR_UINTR_MISC, (u64)(n - 1));
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
}

static void insn_tests(void)
{
	static const struct { ufn_t fn; const char *name; } ins[] = {
		{ do_uiret_insn, "UIRET" }, { do_testui_insn, "TESTUI" }, { do_clui_insn, "CLUI" },
		{ do_stui_insn, "STUI" }, { do_send, "SENDUIPI" },
	};
	char desc[120];
	struct sendarg sa = { 0 };
	cr4_uintr(0);
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
	for (unsigned i = 0; i < ARRAY_SIZE(ins); i++) {
		long r = try_call(ins[i].fn, &sa);
		snprintf(desc, sizeof(desc), "uintr insn: %s raises #UD with CR4.UINTR=0", ins[i].name);
		ok(r == 6, desc, "vector %ld", r);
	}
	cr4_uintr(1);
	{
		setup_self_uitt(1, 1);
		wrmsr(MSR_UINTR_TT, (u64)uitt[0]);		/* bit 0 clear */
		long r = send_safe(0);
		ok(r == 6 && upid[0].pir == 0, "uintr insn: SENDUIPI raises #UD with IA32_UINTR_TT[0]=0",
		   "vector %ld pir %lx", r, upid[0].pir);
	}
	{
		setup_self_uitt(1, 1);
		clui();
		long r1 = try_call(do_lock_stui, NULL);
		int uif = testui();
		long r2 = try_call(do_lock_testui, NULL);
		long r3 = try_call(do_lock_send, NULL);
		long lu = try_call(do_lock_uiret, NULL);
		int uif_lu = testui();
		stui();
		long lc = try_call(do_lock_clui, NULL);
		int uif_lc = testui();
		clui();
		ok(r1 == 6 && r2 == 6 && r3 == 6 && lc == 6 && lu == 6 && uif == 0 && uif_lc == 1 &&
		   uif_lu == 0 && upid[0].pir == 0,
		   "uintr insn: LOCK prefix raises #UD (STUI, TESTUI, SENDUIPI, CLUI, UIRET), UIF unchanged",
		   "STUI %ld (UIF %d) TESTUI %ld SENDUIPI %ld (pir %lx) CLUI %ld (UIF %d) UIRET %ld (UIF %d)",
		   r1, uif, r2, r3, upid[0].pir, lc, uif_lc, lu, uif_lu);
		struct { ufn_t fn; const char *name; int uif; long vec; } pf[] = {
			{ do_66_testui, "66 TESTUI", 0, 6 }, { do_66_clui, "66 CLUI", 1, 6 },
			{ do_66_stui, "66 STUI", 0, 6 }, { do_f2_testui, "F3 F2 TESTUI", 0, 6 },
			{ do_f2_clui, "F3 F2 CLUI", 1, 6 }, { do_f2_stui, "F3 F2 STUI", 0, 6 },
			{ do_f2f3_clui, "F2 F3 CLUI", 0, -1 },
		};
		char det[200] = "";
		int bad = 0;
		for (unsigned i = 0; i < ARRAY_SIZE(pf); i++) {
			int uif0 = pf[i].vec == 6 ? pf[i].uif : 1;

			if (uif0)
				stui();
			else
				clui();
			long r = try_call(pf[i].fn, NULL);
			int uif = testui();
			if (r != pf[i].vec || uif != pf[i].uif) {
				bad = 1;
				snprintf(det + strlen(det), sizeof(det) - strlen(det), "%s: vector %ld UIF %d; ",
					 pf[i].name, r, uif);
			}
		}
		clui();
		ok(!bad, "uintr insn: 66, or F2 after the F3, makes TESTUI, CLUI and STUI #UD, UIF unchanged; F2 before F3 does not (README choice)",
		   "%s", det);
		setup_self_uitt(4, 1);
		long s1 = try_call(do_66_send, (void *)1ul);
		u64 pir1 = upid[0].pir;
		upid[0].pir = 0;
		long s2 = try_call(do_send_r8, (void *)3ul);
		u64 pir2 = upid[0].pir;
		upid[0].pir = 0;
		long s3 = try_call(do_66_send, (void *)((1ul << 32) | 1));
		u64 pir3 = upid[0].pir;
		ok(s1 < 0 && pir1 == BIT(11) && s2 < 0 && pir2 == BIT(13) && fault_is(s3, 13, 0) && pir3 == 0,
		   "uintr insn: SENDUIPI ignores a 66 prefix (the index stays 64-bit); REX.B selects R8-R15 (README choice)",
		   "66: fault %ld pir %lx, index 2^32+1: vector %ld pir %lx; REX.B with R8=3, RAX=0: fault %ld pir %lx",
		   s1, pir1, s3, pir3, s2, pir2);
		long r4 = try_call(do_compat_at, compat_testui);
		ok(r4 == 6, "uintr insn: TESTUI raises #UD in compatibility mode (CPL 0, CS.L=0)",
		   "vector %ld (3 = TESTUI executed)", r4);
	}
	{
		/*
		 * The other four are 64-bit-mode only too.  Each probe ends in
		 * INT3, so vector 3 means the instruction executed; UIF and
		 * the PIR show that it had no effect either.
		 */
		setup_self_uitt(1, 1);
		stui();
		long r1 = try_call(do_compat_at, compat_clui);
		int uif1 = testui();
		clui();
		long r2 = try_call(do_compat_at, compat_stui);
		int uif2 = testui();
		long r3 = try_call(do_compat_at, compat_senduipi);
		long r4 = try_call(do_compat_at, compat_uiret);
		ok(r1 == 6 && uif1 == 1 && r2 == 6 && uif2 == 0 && r3 == 6 && upid[0].pir == 0 && r4 == 6,
		   "uintr insn: UIRET, CLUI, STUI and SENDUIPI raise #UD in compatibility mode",
		   "CLUI %ld (UIF %d) STUI %ld (UIF %d) SENDUIPI %ld (pir %lx) UIRET %ld",
		   r1, uif1, r2, uif2, r3, upid[0].pir, r4);
	}
	{
		u64 in = 0x2 | ARITH | BIT(10);
		clui();
		u64 o0 = testui_flags(in);
		stui();
		u64 o1 = testui_flags(in);
		u64 o2 = testui_flags(0x2);
		clui();
		ok((o0 & ARITH) == 0 && (o0 & BIT(10)) && (o1 & ARITH) == 1 && (o1 & BIT(10)) && (o2 & ARITH) == 1, 
		   "uintr insn: TESTUI sets CF=UIF, clears ZF/AF/OF/PF/SF, keeps DF",
		   "UIF=0: %lx UIF=1: %lx / %lx", o0, o1, o2);
	}
	{
		u64 in = 0x2 | ARITH | BIT(10);
		clui();
		int a = testui();
		u64 f1 = flags_around(1, in);
		int b = testui();
		u64 f2 = flags_around(0, 0x2);
		int c = testui();
		ok(a == 0 && b == 1 && c == 0 && (f1 & 0xfff) == (in & 0xfff) && (f2 & 0xfff) == 0x2,
		   "uintr insn: STUI sets / CLUI clears UIF, flags unchanged",
		   "UIF %d/%d/%d flags %lx %lx", a, b, c, f1, f2);
	}
	{
		u64 res[3];
		u64 img = 0x2 | ARITH | BIT(10) | BIT(14) | BIT(16) | BIT(18) | BIT(21) | BIT(9) | (3ul << 12) | BIT(19) | BIT(20);
		uiret_probe(img, 0x2, res);
		u64 exp = (0x2 | (img & UIRET_MASK)) & ~BIT(16);
		int ok1 = (res[0] & ~BIT(16)) == exp && res[1] == res[2];
		u64 res2[3];
		uiret_probe(0x2, 0x2 | ARITH | BIT(10) | BIT(14) | BIT(18) | BIT(21), res2);
		int ok2 = (res2[0] & 0x3fffff) == 0x2 && res2[1] == res2[2];
		ok(ok1 && ok2, "uintr insn: UIRET pops RIP, RFLAGS (mask 254DD5h; IF/IOPL/VIF/VIP kept), RSP",
		   "img %lx -> rflags %lx (exp %lx) rsp %lx (exp %lx); clear -> %lx", img, res[0], exp, res[1], res[2], res2[0]);
	}
	{
		/*
		 * RF, which PUSHF never shows, through an instruction
		 * breakpoint on UIRET's target.
		 */
		struct percpu *pc = &percpu[0];
		u64 n[2], rip0;

		asm volatile("mov %0, %%dr0" :: "r"((u64)uiret_rf_target));
		asm volatile("mov %0, %%dr7" :: "r"(0x401ul));	/* L0, execute, 1 byte */
		for (int rf = 0; rf < 2; rf++) {
			pc->db_n = 0;
			pc->db_hook = 1;
			uiret_rf_probe(0x2 | (rf ? BIT(16) : 0));
			pc->db_hook = 0;
			n[rf] = pc->db_n;
			if (!rf)
				rip0 = pc->db_rip[0];
		}
		asm volatile("mov %0, %%dr7" :: "r"(0x400ul));
		ok(n[0] == 1 && rip0 == (u64)uiret_rf_target && n[1] == 0,
		   "uintr insn: UIRET loads RF: an instruction breakpoint at its target hits with RF=0, not with RF=1",
		   "RF=0: %lu #DB (at %lx, target %lx); RF=1: %lu #DB", n[0], rip0, (u64)uiret_rf_target, n[1]);
	}
	{
		/*
		 * The flags that UIRET loaded are ordinary flags afterwards:
		 * POPF and arithmetic clear them again.  (An emulator that kept
		 * them aside made them stick in every later RFLAGS value.)
		 */
		u64 res[3], after;
		uiret_probe(0x2 | ARITH | BIT(10), 0x2, res);
		asm volatile("pushq $2\n\tpopfq\n\tpushfq\n\tpopq %0" : "=r"(after) :: "cc", "memory");
		ok((res[0] & (ARITH | BIT(10))) == (ARITH | BIT(10)) && (after & 0xfff) == 0x2,
		   "uintr insn: flags loaded by UIRET do not stick (POPF clears them)",
		   "after UIRET %lx, after POPF of 2: %lx", res[0], after);
	}
	{
		u64 res[3];
		clui();
		uiret_probe(0x2, 0x2, res);
		int a = testui();
		clui();
		const char *t = "uintr insn: UIRET sets UIF (RFLAGS image bit 1 = 1)";
		ok(a == 1, t, "UIF after %d", a);
		t = "uintr insn: UIRET with UIRET_UIF loads UIF from image bit 1 = 0";
		if (!have_uiret_uif()) {
			skip(t, "CPUID.(7,1):EDX[17] (UIRET_UIF) = 0");
		} else {
			stui();
			uiret_probe(0x0, 0x2, res);
			int b = testui();
			ok(b == 0, t, "UIF after %d", b);
		}
	}
	{
		long r = try_call(do_uiret_noncanon, NULL);
		ok(fault_is(r, 13, 0), "uintr insn: UIRET to a non-canonical RIP raises #GP(0)", "vector %ld", r);
	}
	{
		/*
		 * A #PF on any pop reports the UIRET itself, with RSP and
		 * UIF as they were: with the last pop faulting, nothing that
		 * the first two read has been loaded.
		 */
		static const struct { u64 sp, cr2, err; const char *name; } c[] = {
			{ UNMAPPED, UNMAPPED, 4, "its frame not present: #PF (read, U/S=1)" },
			{ SUPER_ALIAS - 16, SUPER_ALIAS, 5,
			  "the RSP slot on a supervisor page: #PF (read, P=1 U/S=1) on the last pop" },
		};
		struct percpu *pc = &percpu[0];
		char desc[160];

		for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
			clui();
			u64 ur = user_call(do_uiret_pf, (void *)c[i].sp);
			int uif = testui();
			snprintf(desc, sizeof(desc), "uintr insn: UIRET at CPL 3 with %s at the UIRET, RSP and UIF kept",
				 c[i].name);
			ok(ur == (USER_FAULT | 14) && pc->last_cr2 == c[i].cr2 && pc->last_err == c[i].err &&
			   pc->last_rip == (u64)uiret_pf_insn && pc->last_rsp == c[i].sp && uif == 0, desc,
			   "ret %lx cr2 %lx err %lx rip %lx (UIRET at %lx) rsp %lx UIF %d",
			   ur, pc->last_cr2, pc->last_err, pc->last_rip, (u64)uiret_pf_insn, pc->last_rsp, uif);
		}
	}
	{
		setup_self_uitt(4, 1);
		u64 pir1, pir2;
		asm volatile(SENDUIPI_RAX :: "a"(2ul), "S"(1ul) : "memory");
		pir1 = upid[0].pir;
		upid[0].pir = 0;
		{
			register u64 r12 asm("r12") = 3;
			asm volatile(SENDUIPI_R12 :: "r"(r12), "S"(1ul), "a"(0ul) : "memory");
		}
		pir2 = upid[0].pir;
		ok(pir1 == BIT(12) && pir2 == BIT(13) && (upid[0].ctl & UPID_ON) == 0,
		   "uintr insn: SENDUIPI takes the index from ModRM.rm (F3 0F C7 F0 = rax, F3 41 0F C7 F4 = r12)",
		   "rax=2 -> PIR %lx (exp %lx); r12=3 -> PIR %lx (exp %lx)", pir1, BIT(12), pir2, BIT(13));
	}
	{
		/* SENDUIPI from CPL 3, UITT and UPID only in supervisor-only pages */
		setup_self_uitt(1, 1);
		uitt[2][0].ctl = UITTE_V | UITTE_UV(33);
		uitt[2][0].upid = SUPER_ALIAS + (u64)&upid[0];
		wrmsr(MSR_UINTR_TT, (SUPER_ALIAS + (u64)uitt[2]) | 1);
		u64 r = send_user(0);
		ok(r == 0 && upid[0].pir == BIT(33),
		   "uintr insn: SENDUIPI at CPL 3 accesses UITT/UPID as supervisor (supervisor-only pages)",
		   "ret %lx pir %lx", r, upid[0].pir);
	}
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
static int wait_until(volatile u64 *p, u64 mask, u64 want, u64 ms)
{
	u64 end = rdtsc() + ms_to_tsc(ms);
	while ((*p & mask) != want)
		if (rdtsc() > end)
			return 0;
	return 1;
}

static void notify_tests(int x2)
{
	char desc[140];
	const char *m = x2 ? "x2APIC" : "xAPIC";
	struct percpu *pc = this_cpu();
	cr4_uintr(1);
	wrmsr(MSR_UINTR_MISC, (u64)UINV << 32);
	wrmsr(MSR_UINTR_PD, (u64)&upid[0]);
	wrmsr(MSR_UINTR_RR, BIT(7));
	upid[0].ctl = UPID_ON | UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, x2));
	upid[0].pir = BIT(3) | BIT(40);
	u64 idt0 = pc->irq_count[UINV];
	apic_send_ipi((u32)pc->apic_id, UINV);
	sti();
	int done = wait_until(&upid[0].pir, ~0ul, 0, 200);
	for (int i = 0; i < 1000; i++)
		cpu_relax();
	cli();
	u64 rr = rdmsr(MSR_UINTR_RR);
	snprintf(desc, sizeof(desc), "uintr notify (%s): UINV self-IPI at CPL 0 ORs PIR into UIRR", m);
	ok(done && rr == (BIT(7) | BIT(3) | BIT(40)), desc, "UIRR %lx expected %lx, pir %lx", rr,
	   BIT(7) | BIT(3) | BIT(40), upid[0].pir);
	snprintf(desc, sizeof(desc), "uintr notify (%s): clears UPID.ON and PIR, keeps NV/NDST", m);
	ok(upid[0].pir == 0 && upid[0].ctl == (UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, x2))), desc,
	   "ctl %lx pir %lx", upid[0].ctl, upid[0].pir);
	snprintf(desc, sizeof(desc), "uintr notify (%s): UINV is not delivered through the IDT", m);
	ok(pc->irq_count[UINV] == idt0, desc, "IDT vector 0x%x taken %lu times", UINV, pc->irq_count[UINV] - idt0);
	u32 isr = apic_isr_word(UINV / 32);
	u64 c41 = pc->irq_count[NV_PLAIN];
	apic_send_ipi((u32)pc->apic_id, NV_PLAIN);
	sti();
	wait_until(&pc->irq_count[NV_PLAIN], ~0ul, c41 + 1, 100);
	cli();
	snprintf(desc, sizeof(desc), "uintr notify (%s): the APIC is EOIed (ISR bit clear, lower vector delivered)", m);
	ok(!(isr & BIT(UINV % 32)) && pc->irq_count[NV_PLAIN] == c41 + 1, desc, "ISR[%d]=%x, vector 0x41 count %lu",
	   UINV / 32, isr, pc->irq_count[NV_PLAIN] - c41);

	/* processing ignores SN (and NDST) */
	wrmsr(MSR_UINTR_RR, 0);
	upid[0].ctl = UPID_ON | UPID_SN | UPID_NV(UINV) | UPID_NDST(0x12345678);
	upid[0].pir = BIT(0) | BIT(62);
	apic_send_ipi((u32)pc->apic_id, UINV);
	sti();
	wait_until(&upid[0].pir, ~0ul, 0, 200);
	cli();
	rr = rdmsr(MSR_UINTR_RR);
	snprintf(desc, sizeof(desc), "uintr notify (%s): processing ignores SN and NDST (SN kept, ON cleared)", m);
	ok(rr == (BIT(0) | BIT(62)) && upid[0].pir == 0 && upid[0].ctl == (UPID_SN | UPID_NV(UINV) | UPID_NDST(0x12345678)),
	   desc, "UIRR %lx ctl %lx pir %lx", rr, upid[0].ctl, upid[0].pir);

	/* IF=0: nothing happens until interrupts are enabled */
	wrmsr(MSR_UINTR_RR, 0);
	upid[0].ctl = UPID_ON | UPID_NV(UINV);
	upid[0].pir = BIT(20);
	apic_send_ipi((u32)pc->apic_id, UINV);
	u64 end = rdtsc() + ms_to_tsc(20);
	while (rdtsc() < end)
		cpu_relax();
	u64 pir_before = upid[0].pir, rr_before = rdmsr(MSR_UINTR_RR);
	sti();
	wait_until(&upid[0].pir, ~0ul, 0, 200);
	cli();
	rr = rdmsr(MSR_UINTR_RR);
	snprintf(desc, sizeof(desc), "uintr notify (%s): not processed while RFLAGS.IF=0, processed after STI", m);
	ok(pir_before == BIT(20) && rr_before == 0 && rr == BIT(20), desc, "before: pir %lx UIRR %lx; after: UIRR %lx",
	   pir_before, rr_before, rr);

	/* CR4.UINTR = 0: UINV is an ordinary interrupt */
	cr4_uintr(0);
	wrmsr(MSR_UINTR_RR, 0);
	upid[0].ctl = UPID_ON | UPID_NV(UINV);
	upid[0].pir = BIT(5);
	idt0 = pc->irq_count[UINV];
	apic_send_ipi((u32)pc->apic_id, UINV);
	sti();
	wait_until(&pc->irq_count[UINV], ~0ul, idt0 + 1, 200);
	cli();
	snprintf(desc, sizeof(desc), "uintr notify (%s): with CR4.UINTR=0 UINV goes through the IDT, UPID untouched", m);
	ok(pc->irq_count[UINV] == idt0 + 1 && upid[0].pir == BIT(5) && (upid[0].ctl & UPID_ON) && rdmsr(MSR_UINTR_RR) == 0,
	   desc, "IDT count +%lu pir %lx ctl %lx UIRR %lx", pc->irq_count[UINV] - idt0, upid[0].pir, upid[0].ctl,
	   rdmsr(MSR_UINTR_RR));
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
/*
 * The IPI that SENDUIPI sends is written to the sender's ICR: fixed,
 * physical destination, vector NV, and the destination NDST (x2APIC) or
 * NDST[15:8] (xAPIC), whatever the other NDST bits hold in xAPIC mode.
 */
struct icr_wait { volatile int ready; u64 vec; };

/* On vCPU 1: take interrupts for up to 500 ms, until one on vec arrives. */
static u64 ap_take_irq(void *p)
{
	struct icr_wait *w = p;
	u64 c0 = percpu[1].irq_count[w->vec], end = rdtsc() + ms_to_tsc(500);

	w->ready = 1;
	sti();
	while (percpu[1].irq_count[w->vec] == c0 && rdtsc() < end)
		cpu_relax();
	cli();
	return percpu[1].irq_count[w->vec] - c0;
}

/*
 * Sent to vCPU 1, whose APIC ID is not 0, so that a wrong destination
 * field shows.  In x2APIC mode QEMU's RDMSR of the ICR returns only its
 * low half, so only that is compared there.
 */
static void senduipi_icr_test(int x2)
{
	const char *m = x2 ? "x2APIC" : "xAPIC";
	u64 ap_id = percpu[1].apic_id, ndst = ndst_for(ap_id, x2), icr, exp, got = 0;
	struct icr_wait w = { 0, NV_PLAIN };
	char desc[160];

	snprintf(desc, sizeof(desc), "uintr senduipi (%s): the ICR holds a fixed physical IPI to NDST%s, vector NV%s", m,
		 x2 ? "" : "[15:8]", x2 ? "" : "; other NDST bits ignored");
	if (!ap_online) {
		skip(desc, "second vCPU not online");
		return;
	}
	if (!x2)
		ndst |= 0xabcd00cdul;		/* bits 31:16 and 7:0: ignored */
	cr4_uintr(1);
	setup_self_uitt(1, 0);
	upid[0].ctl = UPID_NV(NV_PLAIN) | UPID_NDST(ndst);
	ap_run(ap_take_irq, &w);
	u64 end = rdtsc() + ms_to_tsc(1000);
	while (!w.ready && rdtsc() < end)
		cpu_relax();
	long r = send_safe(0);
	if (x2) {
		icr = rdmsr(0x830) & 0xffffffffu & ~BIT(12);
		exp = NV_PLAIN;
	} else {
		icr = ((u64)apic_read(0x310) << 32) | (apic_read(0x300) & ~BIT(12));
		exp = (ap_id & 0xff) << 56 | NV_PLAIN;
	}
	int fin = ap_wait(1000, &got);
	ok(r < 0 && icr == exp && fin && got == 1 && (upid[0].ctl & UPID_ON), desc,
	   "fault %ld ICR %lx expected %lx, vCPU 1 (APIC ID %lu) took vector 0x41 %lu times, ctl %lx", r, icr, exp,
	   ap_id, got, upid[0].ctl);
	wrmsr(MSR_UINTR_TT, 0);
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
/*
 * Where a notification may come from, and what the UPID accesses may
 * touch.  The architecture leaves a UPID that cannot be accessed open;
 * the model's choice (qemu/ series, "process user-interrupt
 * notifications") is that the interrupt is then not identified as a
 * notification and goes through the IDT, with the UPID, UIRR and the
 * APIC untouched.
 */
#define CR4_SMAP	BIT(21)
struct dtr { u16 lim; u64 base; } __attribute__((packed));

/*
 * Run fn(arg) at CPL 0 with CR4.SMAP = 1 and EFLAGS.AC = 1.  All of this
 * kernel lives on user pages, which SMAP forbids to implicit supervisor
 * accesses whatever AC is: the IDT, the GDT and the stack that
 * interrupts push to are switched to the supervisor-only alias first.
 * Explicit accesses keep working because AC = 1.
 */
static u64 smap_run(u64 (*fn)(void *), void *arg)
{
	struct dtr gdtr, idtr, g2, i2;
	u64 ret;

	asm volatile("sgdt %0\n\tsidt %1" : "=m"(gdtr), "=m"(idtr));
	g2 = gdtr;
	g2.base += SUPER_ALIAS;
	i2 = idtr;
	i2.base += SUPER_ALIAS;
	asm volatile("lgdt %0\n\tlidt %1\n\tstac" :: "m"(g2), "m"(i2) : "memory");
	write_cr4(read_cr4() | CR4_SMAP);
	asm volatile("mov %%rsp, %%rbx\n\t"
		     "add %[alias], %%rsp\n\t"
		     "and $-16, %%rsp\n\t"
		     "call *%[fn]\n\t"
		     "mov %%rbx, %%rsp"
		     : "=a"(ret), "+D"(arg)
		     : [fn] "r"(fn), [alias] "r"(SUPER_ALIAS)
		     : "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
	write_cr4(read_cr4() & ~CR4_SMAP);
	asm volatile("clac\n\tlgdt %0\n\tlidt %1" :: "m"(gdtr), "m"(idtr) : "memory");
	return ret;
}

struct notify_case { u64 upid_addr, idt_before, idt_after, rr, exc_before, exc_after, isr_before, isr_after; long fault; };

static u64 notify_case_fn(void *p)
{
	struct notify_case *c = p;
	struct percpu *pc = this_cpu();

	wrmsr(MSR_UINTR_PD, c->upid_addr);
	wrmsr(MSR_UINTR_RR, 0);
	upid[0].ctl = UPID_ON | UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, pc->x2apic));
	upid[0].pir = BIT(9);
	c->idt_before = pc->irq_count[UINV];
	c->exc_before = pc->exc_count;
	c->isr_before = pc->isr_seen;
	pc->isr_check_vec = UINV;
	apic_send_ipi((u32)pc->apic_id, UINV);
	sti();
	u64 end = rdtsc() + ms_to_tsc(100);
	while (pc->irq_count[UINV] == c->idt_before && upid[0].pir && rdtsc() < end)
		cpu_relax();
	cli();
	pc->isr_check_vec = 0;
	c->idt_after = pc->irq_count[UINV];
	c->exc_after = pc->exc_count;
	c->isr_after = pc->isr_seen;
	c->rr = rdmsr(MSR_UINTR_RR);
	return 0;
}

/* One notification, caught: a fault raised at the boundary returns its vector. */
static long notify_case_run(struct notify_case *c, int smap)
{
	if (smap)
		return smap_run(notify_case_fn, c);
	return try_call(notify_case_fn, c);
}

/*
 * The notification went through the IDT, untouched: UINV still in service
 * there (processing that gave up after its EOI would have dismissed it),
 * ON and PIR kept, no exception.
 */
static int notify_went_to_idt(struct notify_case *c, long r)
{
	return r < 0 && c->idt_after == c->idt_before + 1 && c->isr_after == c->isr_before + 1 &&
	       c->rr == 0 && upid[0].pir == BIT(9) && (upid[0].ctl & UPID_ON) && c->exc_after == c->exc_before;
}

struct smap_send { u64 uitt; long r; u64 err, pir; };

static u64 smap_send_fn(void *p)
{
	struct smap_send *s = p;

	wrmsr(MSR_UINTR_TT, s->uitt | 1);
	upid[0].pir = 0;
	s->r = send_safe(0);
	s->err = this_cpu()->last_err;
	s->pir = upid[0].pir;
	return 0;
}

/* An ExtINT from the 8259, on LINT0, whose vector is UINV. */
static void extint_test(void)
{
	const char *t = "uintr notify: an 8259 ExtINT vector equal to UINV goes through the IDT, UPID untouched";
	struct percpu *pc = this_cpu();
	u8 base = UINV & ~7;		/* IRQ 0 of the master 8259 */
	u32 lvt0 = apic_read(0x350);

	wrmsr(MSR_UINTR_PD, (u64)&upid[0]);
	wrmsr(MSR_UINTR_RR, 0);
	upid[0].ctl = UPID_ON | UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, pc->x2apic));
	upid[0].pir = BIT(9);
	wrmsr(MSR_UINTR_MISC, (u64)base << 32);

	outb(0x20, 0x11);		/* ICW1: edge, cascade, ICW4 */
	outb(0x21, base);		/* ICW2: vector base */
	outb(0x21, 0x04);		/* ICW3: slave on IRQ 2 */
	outb(0x21, 0x01);		/* ICW4: 8086 mode */
	outb(0x21, 0xfe);		/* only IRQ 0 */
	apic_write(0x350, 0x700);	/* LVT0: ExtINT, unmasked */
	u64 idt0 = pc->irq_count[base];
	outb(0x43, 0x30);		/* PIT channel 0, mode 0: one interrupt */
	outb(0x40, 0xa9);
	outb(0x40, 0x04);		/* 1193 ticks, 1 ms */
	sti();
	u64 end = rdtsc() + ms_to_tsc(200);
	while (pc->irq_count[base] == idt0 && upid[0].pir && rdtsc() < end)
		cpu_relax();
	cli();
	u64 idt1 = pc->irq_count[base], rr = rdmsr(MSR_UINTR_RR);
	outb(0x20, 0x20);		/* EOI to the 8259 */
	outb(0x21, 0xff);
	apic_write(0x350, lvt0);
	ok(idt1 == idt0 + 1 && rr == 0 && upid[0].pir == BIT(9) && (upid[0].ctl & UPID_ON), t,
	   "IDT vector 0x%x +%lu, UIRR %lx, pir %lx ctl %lx", base, idt1 - idt0, rr, upid[0].pir, upid[0].ctl);
	wrmsr(MSR_UINTR_MISC, (u64)UINV << 32);
}

static void notify_source_tests(void)
{
	struct notify_case c;
	long r;

	cr4_uintr(1);
	wrmsr(MSR_UINTR_MISC, (u64)UINV << 32);

	memset(&c, 0, sizeof(c));
	c.upid_addr = UNMAPPED;
	r = notify_case_run(&c, 0);
	ok(notify_went_to_idt(&c, r), "uintr notify: a UPID on a not-present page: UINV goes through the IDT, no fault",
	   "fault %ld, IDT +%lu (in service +%lu), exceptions +%lu, UIRR %lx", r, c.idt_after - c.idt_before,
	   c.isr_after - c.isr_before, c.exc_after - c.exc_before, c.rr);

	/* A read-only UPID: processing would write it. */
	memset(&c, 0, sizeof(c));
	c.upid_addr = RO_ALIAS + (u64)&upid[0];
	r = notify_case_run(&c, 0);
	ok(notify_went_to_idt(&c, r), "uintr notify: a UPID on a read-only page: UINV goes through the IDT, no fault",
	   "fault %ld, IDT +%lu (in service +%lu), exceptions +%lu, UIRR %lx", r, c.idt_after - c.idt_before,
	   c.isr_after - c.isr_before, c.exc_after - c.exc_before, c.rr);

	/*
	 * A UPID in ROM (the BIOS at 0xf0000, read-only RAM to QEMU, mapped
	 * writable here): the writes of processing would be discarded.
	 */
	memset(&c, 0, sizeof(c));
	c.upid_addr = 0xf0000;
	r = notify_case_run(&c, 0);
	ok(notify_went_to_idt(&c, r), "uintr notify: a UPID in ROM: UINV goes through the IDT, no fault",
	   "fault %ld, IDT +%lu (in service +%lu), exceptions +%lu, UIRR %lx", r, c.idt_after - c.idt_before,
	   c.isr_after - c.isr_before, c.exc_after - c.exc_before, c.rr);

	/* A UPID in MMIO (the local APIC's page): no locked access is possible. */
	memset(&c, 0, sizeof(c));
	c.upid_addr = 0xfee00000ul;		/* the local APIC page, xAPIC mode */
	r = notify_case_run(&c, 0);
	ok(notify_went_to_idt(&c, r), "uintr notify: a UPID in MMIO: UINV goes through the IDT, no fault",
	   "fault %ld, IDT +%lu (in service +%lu), exceptions +%lu, UIRR %lx", r, c.idt_after - c.idt_before,
	   c.isr_after - c.isr_before, c.exc_after - c.exc_before, c.rr);

	if (!((cpuid_reg(7, 0, EBX) >> 20) & 1)) {
		ok(0, "uintr notify: SMAP", "CPUID.7.0:EBX[20] (SMAP) = 0");
	} else {
		memset(&c, 0, sizeof(c));
		c.upid_addr = SUPER_ALIAS + (u64)&upid[0];
		r = notify_case_run(&c, 1);
		ok(r == 0 && c.idt_after == c.idt_before && c.rr == BIT(9) && upid[0].pir == 0,
		   "uintr notify: CR4.SMAP=1: a UPID on a supervisor page is processed",
		   "ret %ld, IDT +%lu, UIRR %lx, pir %lx", r, c.idt_after - c.idt_before, c.rr, upid[0].pir);

		memset(&c, 0, sizeof(c));
		c.upid_addr = (u64)&upid[0];
		r = notify_case_run(&c, 1);
		ok(r == 0 && c.idt_after == c.idt_before + 1 && c.rr == 0 && upid[0].pir == BIT(9) &&
		   (upid[0].ctl & UPID_ON) && c.exc_after == c.exc_before,
		   "uintr notify: CR4.SMAP=1, CPL 0, EFLAGS.AC=1: a UPID on a user page is not accessed, UINV goes through the IDT",
		   "ret %ld, IDT +%lu, exceptions +%lu, UIRR %lx, pir %lx", r, c.idt_after - c.idt_before,
		   c.exc_after - c.exc_before, c.rr, upid[0].pir);

		struct smap_send s1 = { SUPER_ALIAS + (u64)uitt[0], 0, 0, 0 }, s2 = { (u64)uitt[0], 0, 0, 0 };
		setup_self_uitt(1, 1);
		uitt[0][0].upid = SUPER_ALIAS + (u64)&upid[0];
		smap_run(smap_send_fn, &s1);
		smap_run(smap_send_fn, &s2);
		uitt[0][0].upid = (u64)&upid[0];
		wrmsr(MSR_UINTR_TT, 0);
		ok(s1.r < 0 && s1.pir == BIT(10) && fault_is(s2.r, 14, ~0ul) && s2.err == 1 && s2.pir == 0,
		   "uintr senduipi: CR4.SMAP=1, CPL 0, EFLAGS.AC=1: a UITT on a user page raises #PF, on a supervisor page works",
		   "supervisor: fault %ld pir %lx; user: fault %ld err %lx pir %lx", s1.r, s1.pir, s2.r, s2.err, s2.pir);
	}

	extint_test();
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
static void setup_delivery(u64 handler_cpu, u64 stackadjust, u64 uirr)
{
	cr4_uintr(1);
	clui();
	wrmsr(MSR_UINTR_HANDLER, handler_cpu ? (u64)uintr_entry_cpu1 : (u64)uintr_entry_cpu0);
	wrmsr(MSR_UINTR_STACKADJUST, stackadjust);
	wrmsr(MSR_UINTR_RR, uirr);
	ulog_reset((int)this_cpu()->cpu);
}

static u64 ufn_nothing(void *p UNUSED) { return 0x1234; }

extern char compat_far_jmp_probe[], compat_far_call_probe[], far_target64[];
u64 run_user_compat(u64 user_rsp, u64 user_rflags, void *entry);

/*
 * A user interrupt recognized with UIF = 1 at CPL 3 in compatibility
 * mode waits; a far JMP or CALL into 64-bit mode makes it deliverable
 * at once, before the first instruction of the target.  Each case runs
 * twice: the first run of an emulator may find the target untranslated
 * and stop there for that reason alone.
 */
static void far_transfer_tests(void)
{
	static const struct { const char *name; char *entry; } c[] = {
		{ "far JMP", compat_far_jmp_probe },
		{ "far CALL", compat_far_call_probe },
		{ "far JMP (again)", compat_far_jmp_probe },
		{ "far CALL (again)", compat_far_call_probe },
	};
	volatile struct ulog *l = ulog[0];
	char desc[160];

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		setup_delivery(0, 128, BIT(6));
		stui();
		u64 r = run_user_compat(user_stack_top(0), USER_RFLAGS, c[i].entry);
		u64 rr = rdmsr(MSR_UINTR_RR);
		clui();
		snprintf(desc, sizeof(desc),
			 "uintr deliver: not in compatibility mode; a %s into 64-bit mode delivers at the target",
			 c[i].name);
		ok(r == 0 && ulog_n[0] == 1 && l[0].vec == 6 && l[0].rip == (u64)far_target64 && rr == 0, desc,
		   "ret %lx deliveries %lu vec %lu frame RIP %lx target %lx UIRR %lx", r, ulog_n[0], l[0].vec,
		   l[0].rip, (u64)far_target64, rr);
	}
	uintr_disable_all();
}

static void delivery_tests(void)
{
	volatile struct ulog *l = ulog[0];
	/* subtract mode */
	setup_delivery(0, 128, BIT(5));
	u64 r = user_call(ufn_stui_probe, NULL);
	u64 rr = rdmsr(MSR_UINTR_RR);
	ok(ulog_n[0] == 1 && l[0].rip == u_post_rip,
	   "uintr deliver: STUI has no shadow (delivered at the boundary right after STUI)",
	   "deliveries %lu, frame RIP %lx, insn after STUI %lx", ulog_n[0], l[0].rip, u_post_rip);
	ok(ulog_n[0] == 1 && l[0].vec == 5 && l[0].rip == u_post_rip && l[0].rsp == u_pre_rsp &&
	   (l[0].rflags & 0x202) == 0x202 && !(l[0].rflags & 0x3000),
	   "uintr deliver: frame [RSP]=vector, [RSP+8]=RIP, [RSP+16]=RFLAGS, [RSP+24]=old RSP",
	   "n %lu vec %lu rip %lx/%lx rflags %lx rsp %lx/%lx", ulog_n[0], l[0].vec, l[0].rip, u_post_rip,
	   l[0].rflags, l[0].rsp, u_pre_rsp);
	u64 exp = ((u_pre_rsp - 128) & ~15ul) - 32;
	ok(ulog_n[0] == 1 && l[0].entry_rsp == exp && !(l[0].entry_rsp & 15),
	   "uintr deliver: UISTACKADJUST bit0=0 subtracts, RSP aligned to 16 then frame pushed",
	   "old RSP %lx, handler RSP %lx expected %lx", u_pre_rsp, l[0].entry_rsp, exp);
	ok(ulog_n[0] == 1 && l[0].uif == 0 && r == 1,
	   "uintr deliver: UIF cleared at delivery, set again by UIRET", "UIF in handler %lu, after %lu", l[0].uif, r);
	ok(rr == 0, "uintr deliver: the delivered UIRR bit is cleared", "UIRR %lx", rr);

	/* load mode */
	u64 alt = (u64)&alt_stack[0][sizeof(alt_stack[0])] - 0x40;
	setup_delivery(0, alt + 0x19, BIT(2));
	r = user_call(ufn_stui_probe, NULL);
	exp = ((alt + 0x19) & ~15ul) - 32;
	ok(ulog_n[0] == 1 && l[0].entry_rsp == exp && l[0].rsp == u_pre_rsp && l[0].vec == 2,
	   "uintr deliver: UISTACKADJUST bit0=1 loads RSP (aligned to 16), old RSP in frame",
	   "n %lu handler RSP %lx expected %lx, frame RSP %lx (old %lx)", ulog_n[0], l[0].entry_rsp, exp,
	   l[0].rsp, u_pre_rsp);

	/* UIF=0: nothing delivered at CPL 3 */
	setup_delivery(0, 128, BIT(6));
	r = user_call(ufn_nothing, NULL);
	rr = rdmsr(MSR_UINTR_RR);
	ok(r == 0x1234 && ulog_n[0] == 0 && rr == BIT(6), "uintr deliver: nothing delivered at CPL 3 while UIF=0",
	   "ret %lx deliveries %lu UIRR %lx", r, ulog_n[0], rr);
	/* UIF=1 at CPL 0: not delivered until CPL 3 */
	stui();
	for (int i = 0; i < 1000; i++)
		cpu_relax();
	u64 n0 = ulog_n[0];
	r = user_call(ufn_nothing, NULL);
	ok(n0 == 0 && ulog_n[0] == 1 && l[0].vec == 6 && l[0].rsp == user_stack_top(0),
	   "uintr deliver: pending with UIF=1 at CPL 0 is delivered at the first CPL-3 boundary",
	   "at CPL0 %lu, after %lu vec %lu frame RSP %lx", n0, ulog_n[0], l[0].vec, l[0].rsp);

	/* an ordinary interrupt pending at the same boundary is taken first */
	{
		struct percpu *pc = this_cpu();
		setup_delivery(0, 128, BIT(12));
		stui();
		u64 c42 = pc->irq_count[0x42];
		apic_send_ipi((u32)pc->apic_id, 0x42);		/* IF=0: stays pending in the APIC */
		r = user_call(ufn_nothing, NULL);		/* IRETQ to CPL 3 with IF=1 */
		ok(pc->irq_count[0x42] == c42 + 1 && pc->last_irq_rip == (u64)user_trampoline && (pc->last_irq_cs & 3) == 3 &&
		   ulog_n[0] == 1 && l[0].vec == 12 && l[0].rip == (u64)user_trampoline,
		   "uintr deliver: a pending ordinary interrupt is taken before the user interrupt",
		   "IRQ count +%lu at RIP %lx (cs %lx); deliveries %lu at RIP %lx; first CPL-3 insn %lx",
		   pc->irq_count[0x42] - c42, pc->last_irq_rip, pc->last_irq_cs, ulog_n[0], l[0].rip, (u64)user_trampoline);
	}

	/* priority */
	setup_delivery(0, 128, BIT(1) | BIT(17) | BIT(63));
	r = user_call(ufn_stui_probe, NULL);
	rr = rdmsr(MSR_UINTR_RR);
	ok(ulog_n[0] == 3 && l[0].vec == 63 && l[1].vec == 17 && l[2].vec == 1 && rr == 0,
	   "uintr deliver: highest UIRR bit first (63, 17, 1)", "n %lu order %lu %lu %lu UIRR %lx", ulog_n[0],
	   l[0].vec, l[1].vec, l[2].vec, rr);

	/* WRMSR IA32_UINTR_RR = 0 cancels recognition */
	setup_delivery(0, 128, BIT(5));
	stui();
	wrmsr(MSR_UINTR_RR, 0);
	r = user_call(ufn_nothing, NULL);
	ok(r == 0x1234 && ulog_n[0] == 0, "uintr deliver: WRMSR IA32_UINTR_RR=0 cancels a pending user interrupt",
	   "deliveries %lu", ulog_n[0]);

	/* CR4.UINTR = 0 blocks delivery; setting it again delivers */
	setup_delivery(0, 128, BIT(11));
	stui();
	cr4_uintr(0);
	r = user_call(ufn_nothing, NULL);
	n0 = ulog_n[0];
	cr4_uintr(1);
	u64 r2 = user_call(ufn_nothing, NULL);
	ok(r == 0x1234 && n0 == 0 && r2 == 0x1234 && ulog_n[0] == 1 && l[0].vec == 11,
	   "uintr deliver: no delivery with CR4.UINTR=0; delivered after CR4.UINTR is set again",
	   "with CR4.UINTR=0: %lu deliveries; after: %lu (vec %lu)", n0, ulog_n[0], l[0].vec);

	/* fault during delivery: UIHANDLER canonical for 57 bits but not for 4-level paging */
	{
		const char *t = "uintr deliver: #GP(0) for a UIHANDLER non-canonical under 4-level paging; RSP, UIRR, UIF kept";
		if (!have_la57()) {
			skip(t, "CPUID.7.0:ECX[16] (LA57) = 0: no WRMSR-acceptable value is non-canonical for the paging mode");
		} else {
			setup_delivery(0, 128, BIT(5));
			wrmsr(MSR_UINTR_HANDLER, 0x0080000000000000ul);
			struct percpu *pc = this_cpu();
			r = user_call(ufn_stui_probe, NULL);
			u64 frip = pc->last_rip, frsp = pc->last_rsp, err = pc->last_err;
			int uif = testui();
			rr = rdmsr(MSR_UINTR_RR);
			ok(r == (USER_FAULT | 13) && err == 0 && frip == u_post_rip && frsp == u_pre_rsp && rr == BIT(5) &&
			   uif == 1 && ulog_n[0] == 0, t,
			   "ret %lx err %lx fault RIP %lx (exp %lx) RSP %lx (exp %lx) UIRR %lx UIF %d", r, err, frip,
			   u_post_rip, frsp, u_pre_rsp, rr, uif);
		}
	}

	/* #PF while pushing the frame: RSP, UIRR and UIF are kept */
	{
		setup_delivery(0, (UNMAPPED + 0x100) | 1, BIT(5));
		struct percpu *pc = this_cpu();
		r = user_call(ufn_stui_probe, NULL);
		u64 frip = pc->last_rip, frsp = pc->last_rsp, err = pc->last_err, cr2 = pc->last_cr2;
		int uif = testui();
		rr = rdmsr(MSR_UINTR_RR);
		ok(r == (USER_FAULT | 14) && cr2 >= UNMAPPED + 0x100 - 32 && cr2 < UNMAPPED + 0x100 && (err & 6) == 6 &&
		   frip == u_post_rip && frsp == u_pre_rsp && rr == BIT(5) && uif == 1 && ulog_n[0] == 0,
		   "uintr deliver: #PF on the frame push (user write) keeps RSP, UIRR and UIF",
		   "ret %lx cr2 %lx err %lx fault RIP %lx (exp %lx) RSP %lx (exp %lx) UIRR %lx UIF %d", r, cr2, err, frip,
		   u_post_rip, frsp, u_pre_rsp, rr, uif);
	}

	/*
	 * RF cleared at delivery, IF and the other flags unchanged.  PUSHF
	 * never shows RF, so an instruction breakpoint (DR0) on the handler's
	 * first instruction tells: RF = 1 there would suppress it.
	 */
	setup_delivery(0, 128, BIT(3));
	percpu[0].db_n = 0;
	percpu[0].db_hook = 1;
	asm volatile("mov %0, %%dr0" :: "r"((u64)uintr_entry_cpu0));
	asm volatile("mov %0, %%dr7" :: "r"(0x401ul));	/* L0, execute, 1 byte */
	stui();
	r = run_user(ufn_nothing, NULL, user_stack_top(0), USER_RFLAGS | BIT(16) | BIT(11) | BIT(2));
	clui();
	asm volatile("mov %0, %%dr7" :: "r"(0x400ul));
	percpu[0].db_hook = 0;
	ok(r == 0x1234 && ulog_n[0] == 1 && l[0].vec == 3 && (l[0].rflags & BIT(16)) &&
	   percpu[0].db_n == 1 && percpu[0].db_rip[0] == (u64)uintr_entry_cpu0 &&
	   (l[0].entry_rflags & (BIT(9) | BIT(11) | BIT(2))) == (BIT(9) | BIT(11) | BIT(2)),
	   "uintr deliver: RFLAGS.RF cleared at delivery (frame keeps RF=1; a breakpoint on the handler hits); IF, OF, PF unchanged",
	   "ret %lx n %lu vec %lu frame RFLAGS %lx handler RFLAGS %lx; %lu #DB, first at %lx (handler %lx)", r,
	   ulog_n[0], l[0].vec, l[0].rflags, l[0].entry_rflags, percpu[0].db_n, percpu[0].db_rip[0],
	   (u64)uintr_entry_cpu0);

	/* TF cleared at delivery */
	setup_delivery(0, 128, BIT(4));
	percpu[0].db_n = 0;
	percpu[0].db_hook = 1;
	r = user_call(ufn_tf_probe, NULL);
	percpu[0].db_hook = 0;
	int db_in_handler = 0;
	for (u64 i = 0; i < percpu[0].db_n && i < DB_LOG; i++)
		if (percpu[0].db_rip[i] >= (u64)uintr_entry_cpu0 && percpu[0].db_rip[i] < (u64)uintr_entry_cpu0 + 64)
			db_in_handler++;
	ok(ulog_n[0] == 1 && (l[0].rflags & BIT(8)) && !(l[0].entry_rflags & BIT(8)) && !db_in_handler,
	   "uintr deliver: RFLAGS.TF cleared at delivery (frame keeps TF=1)",
	   "n %lu frame rflags %lx handler rflags %lx #DB in handler %d (#DB total %lu)", ulog_n[0], l[0].rflags,
	   l[0].entry_rflags, db_in_handler, percpu[0].db_n);
	uintr_disable_all();
}

/* SENDUIPI at CPL 3 to the thread's own UPID: IPI -> notification -> delivery */
static u64 ufn_self_send(void *p UNUSED)
{
	senduipi_rax(0);
	u64 end = rdtsc() + ms_to_tsc(500);
	while (!ulog_n[0] && rdtsc() < end)
		cpu_relax();
	return ulog_n[0];
}

static void self_send_test(void)
{
	struct percpu *pc = this_cpu();
	setup_delivery(0, 128, 0);
	wrmsr(MSR_UINTR_MISC, (u64)UINV << 32);
	wrmsr(MSR_UINTR_PD, (u64)&upid[0]);
	upid[0].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, pc->x2apic));
	upid[0].pir = 0;
	uitt[0][0].ctl = UITTE_V | UITTE_UV(21);
	uitt[0][0].upid = (u64)&upid[0];
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
	u64 idt0 = pc->irq_count[UINV];
	stui();
	u64 r = user_call(ufn_self_send, NULL);
	ok(r == 1 && ulog[0][0].vec == 21 && upid[0].pir == 0 && !(upid[0].ctl & UPID_ON) && pc->irq_count[UINV] == idt0 &&
	   rdmsr(MSR_UINTR_RR) == 0,
	   "uintr self: SENDUIPI at CPL 3 to own UPID is posted, notified and delivered",
	   "deliveries %lu vec %lu UPID ctl %lx pir %lx IDT %lu UIRR %lx", r, ulog[0][0].vec, upid[0].ctl, upid[0].pir,
	   pc->irq_count[UINV] - idt0, rdmsr(MSR_UINTR_RR));
	uintr_disable_all();

	/* same with UIF = 0: processed at CPL 3, not delivered */
	setup_delivery(0, 128, 0);
	wrmsr(MSR_UINTR_MISC, (u64)UINV << 32);
	wrmsr(MSR_UINTR_PD, (u64)&upid[0]);
	upid[0].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, pc->x2apic));
	upid[0].pir = 0;
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
	r = user_call(ufn_self_send, NULL);
	u64 rr = rdmsr(MSR_UINTR_RR);
	ok(r == 0 && rr == BIT(21) && upid[0].pir == 0 && !(upid[0].ctl & UPID_ON),
	   "uintr self: with UIF=0 the notification is processed at CPL 3 (UIRR set) but not delivered",
	   "deliveries %lu UIRR %lx UPID ctl %lx pir %lx", r, rr, upid[0].ctl, upid[0].pir);
	uintr_disable_all();
}

/* Notification processing while in HLT: the CPU goes back to HLT. */
static volatile u64 hlt_woke, hlt_resume_rip;
static u64 ap_hlt_receiver(void *p)
{
	volatile int *ready = p;
	cr4_uintr(1);
	wrmsr(MSR_UINTR_MISC, (u64)UINV << 32);
	wrmsr(MSR_UINTR_PD, (u64)&upid[2]);
	wrmsr(MSR_UINTR_RR, 0);
	hlt_woke = 0;
	*ready = 1;
	/* hlt_resume_rip: where an interrupt taken in this HLT returns to */
	asm volatile("lea 1f(%%rip), %%rax\n\t"
		     "mov %%rax, %0\n\t"
		     "sti\n\t"
		     "hlt\n"
		     "1:\tcli" : "=m"(hlt_resume_rip) :: "rax", "memory");
	hlt_woke = 1;
	u64 rr = rdmsr(MSR_UINTR_RR);
	uintr_disable_all();
	return rr;
}

static void hlt_test(void)
{
	const char *t = "uintr notify: processing in HLT (vCPU 1) moves PIR to UIRR and returns to HLT";
	if (!ap_online) {
		skip(t, "second vCPU not online");
		return;
	}
	static volatile int ready;
	ready = 0;
	u64 ap_id = percpu[1].apic_id;
	upid[2].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(ap_id, this_cpu()->x2apic));
	upid[2].pir = 0;
	uitt[0][0].ctl = UITTE_V | UITTE_UV(44);
	uitt[0][0].upid = (u64)&upid[2];
	cr4_uintr(1);
	wrmsr(MSR_UINTR_MISC, 0);
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
	ap_run(ap_hlt_receiver, (void *)&ready);
	u64 end = rdtsc() + ms_to_tsc(1000);
	while (!ready && rdtsc() < end)
		cpu_relax();
	end = rdtsc() + ms_to_tsc(20);		/* let it reach HLT */
	while (rdtsc() < end)
		cpu_relax();
	u64 woke_before = hlt_woke;
	long r = send_safe(0);
	int processed = wait_until(&upid[2].pir, ~0ul, 0, 500);
	/*
	 * vCPU 1 must not leave HLT: give it 50 ms to show that it did.
	 * Then an ordinary interrupt ends the HLT; it must find vCPU 1 still
	 * there, and return right after the HLT.
	 */
	end = rdtsc() + ms_to_tsc(50);
	while (rdtsc() < end && !hlt_woke)
		cpu_relax();
	u64 woke = hlt_woke;
	u64 c42 = percpu[1].irq_count[0x42];
	apic_send_ipi((u32)ap_id, 0x42);
	u64 rr = 0;
	int fin = ap_wait(2000, &rr);
	int in_hlt = percpu[1].irq_count[0x42] == c42 + 1 && percpu[1].last_irq_rip == hlt_resume_rip;
	ok(r < 0 && processed && !woke_before && !woke && in_hlt && fin && rr == BIT(44), t,
	   "left HLT before the send %lu; send %ld processed %d; left HLT after it %lu; vector 0x42 +%lu at %lx (in HLT: %lx); finished %d AP UIRR %lx",
	   woke_before, r, processed, woke, percpu[1].irq_count[0x42] - c42, percpu[1].last_irq_rip, hlt_resume_rip,
	   fin, rr);
	uintr_disable_all();
}

/*
 * Notifications that arrive in bursts, two IPIs at a time from vCPU 0,
 * so that one may come while vCPU 1 is between leaving the halt loop
 * and taking the other: none of them may end HLT.
 */
static void hlt_burst_test(void)
{
	const char *t = "uintr notify: 2000 bursts of two UINV IPIs to vCPU 1 in HLT never end HLT";
	static volatile int ready;
	u64 ap_id = percpu[1].apic_id, end, rr = 0;
	int i, fin;

	if (!ap_online) {
		skip(t, "second vCPU not online");
		return;
	}
	ready = 0;
	upid[2].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(ap_id, this_cpu()->x2apic));
	upid[2].pir = 0;
	ap_run(ap_hlt_receiver, (void *)&ready);
	end = rdtsc() + ms_to_tsc(1000);
	while (!ready && rdtsc() < end)
		cpu_relax();
	end = rdtsc() + ms_to_tsc(20);		/* let it reach HLT */
	while (rdtsc() < end)
		cpu_relax();
	for (i = 0; i < 2000 && !hlt_woke; i++) {
		upid[2].pir = BIT(i % 64);
		apic_send_ipi((u32)ap_id, UINV);
		apic_send_ipi((u32)ap_id, UINV);
		end = rdtsc() + ms_to_tsc(1) / 8;
		while (rdtsc() < end)
			cpu_relax();
	}
	u64 woke = hlt_woke, c42 = percpu[1].irq_count[0x42];
	apic_send_ipi((u32)ap_id, 0x42);	/* ordinary interrupt ends the HLT */
	fin = ap_wait(2000, &rr);
	int in_hlt = percpu[1].irq_count[0x42] == c42 + 1 && percpu[1].last_irq_rip == hlt_resume_rip;
	ok(!woke && in_hlt && fin && rr, t, "left HLT after %d bursts: %lu; vector 0x42 in HLT %d; finished %d AP UIRR %lx",
	   i, woke, in_hlt, fin, rr);
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
static void sn_on_tests(void)
{
	struct percpu *pc = this_cpu();
	cr4_uintr(1);
	wrmsr(MSR_UINTR_MISC, ((u64)UINV << 32) | 3);
	for (int i = 0; i < 4; i++) {
		uitt[0][i].ctl = UITTE_V | UITTE_UV(7 + i);
		uitt[0][i].upid = (u64)&upid[1];
	}
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
	u64 base = UPID_NV(NV_PLAIN) | UPID_NDST(ndst_for(pc->apic_id, pc->x2apic));
	struct { const char *desc; u64 ctl; int sends; u64 exp_ctl; u64 exp_pir; u64 exp_ipi; } cases[] = {
		{ "uintr post: SN=1 sets the PIR bit, sends no IPI, ON stays 0", UPID_SN, 1, UPID_SN, BIT(7), 0 },
		{ "uintr post: ON=1 sets the PIR bit, sends no second IPI", UPID_ON, 1, UPID_ON, BIT(7), 0 },
		{ "uintr post: ON=0 SN=0 sets PIR and ON, sends one IPI (vector NV)", 0, 1, UPID_ON, BIT(7), 1 },
		{ "uintr post: two SENDUIPIs coalesce into one IPI, both PIR bits set", 0, 2, UPID_ON, BIT(7) | BIT(8), 1 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		upid[1].ctl = base | cases[i].ctl;
		upid[1].pir = 0;
		u64 c0 = pc->irq_count[NV_PLAIN];
		long r = -1;
		for (int s = 0; s < cases[i].sends && r < 0; s++)
			r = send_safe((u64)s);
		/*
		 * The self-IPI is pending in IRR now (IF = 0): it shows
		 * whether one was sent.  Then take it, and wait for exactly
		 * that many.
		 */
		u64 irr = (apic_read(0x200 + 0x10 * (NV_PLAIN / 32)) >> (NV_PLAIN % 32)) & 1;
		sti();
		wait_until(&pc->irq_count[NV_PLAIN], ~0ul, c0 + irr, 100);
		cli();
		u64 ipis = pc->irq_count[NV_PLAIN] - c0;
		if (ipis != irr)
			ipis = ~0ul;
		ok(r < 0 && upid[1].ctl == (base | cases[i].exp_ctl) && upid[1].pir == cases[i].exp_pir && ipis == cases[i].exp_ipi,
		   cases[i].desc, "fault %ld ctl %lx (exp %lx) pir %lx (exp %lx) IPIs %lu (exp %lu)", r, upid[1].ctl,
		   base | cases[i].exp_ctl, upid[1].pir, cases[i].exp_pir, ipis, cases[i].exp_ipi);
	}
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
static void bad_uitt_tests(void)
{
	struct uitte *t = uitt[1];
	struct upid *u = &upid[3];
	char det[160];
	int bad;
	cr4_uintr(1);
	u->ctl = UPID_SN | UPID_NV(NV_PLAIN);
	u->pir = 0;
	for (int i = 0; i < 8; i++) {
		t[i].ctl = UITTE_V | UITTE_UV(i);
		t[i].upid = (u64)u;
	}
	wrmsr(MSR_UINTR_MISC, 7);
	wrmsr(MSR_UINTR_TT, (u64)t | 1);
#define CHECK_GP(cond_setup, restore, label)                                           \
	do {                                                                            \
		cond_setup;                                                             \
		long r_ = send_safe(0);                                                 \
		restore;                                                                \
		if ((!fault_is(r_, 13, 0) || u->pir) && !bad++)                         \
			snprintf(det, sizeof(det), "%s: vector %ld pir %lx", label, r_, u->pir); \
		u->pir = 0;                                                             \
	} while (0)

	{
		long r1 = send_safe(7), r2 = send_safe(8), r3 = send_safe(BIT(32)), r4 = send_safe(~0ul);
		u64 pir = u->pir;
		u->pir = 0;
		ok(r1 < 0 && pir == BIT(7) && fault_is(r2, 13, 0) && fault_is(r3, 13, 0) && fault_is(r4, 13, 0),
		   "uintr #GP: index > UITTSZ (64-bit compare; index = UITTSZ accepted)",
		   "idx7 %ld (pir %lx) idx8 %ld idx2^32 %ld idx-1 %ld", r1, pir, r2, r3, r4);
	}
	bad = 0;
	det[0] = 0;
	CHECK_GP(t[0].ctl = UITTE_UV(0), t[0].ctl = UITTE_V, "V=0");
	ok(!bad, "uintr #GP: UITTE.V = 0", "%s", det);
	bad = 0;
	for (int b = 1; b < 8; b++) {
		char l[32];
		snprintf(l, sizeof(l), "bit %d", b);
		CHECK_GP(t[0].ctl = UITTE_V | BIT(b), t[0].ctl = UITTE_V, l);
	}
	ok(!bad, "uintr #GP: UITTE reserved bits 7:1 (each)", "%s", det);
	bad = 0;
	for (int b = 16; b < 64; b++) {
		char l[32];
		snprintf(l, sizeof(l), "bit %d", b);
		CHECK_GP(t[0].ctl = UITTE_V | BIT(b), t[0].ctl = UITTE_V, l);
	}
	ok(!bad, "uintr #GP: UITTE reserved bits 63:16 (each)", "%s", det);
	bad = 0;
	static const u64 uvs[] = { 64, 65, 0x80, 0xc0, 0xff };
	for (unsigned i = 0; i < ARRAY_SIZE(uvs); i++) {
		char l[32];
		snprintf(l, sizeof(l), "UV %lu", uvs[i]);
		CHECK_GP(t[0].ctl = UITTE_V | UITTE_UV(uvs[i]), t[0].ctl = UITTE_V, l);
	}
	ok(!bad, "uintr #GP: UITTE.UV >= 64", "%s", det);
	bad = 0;
	for (int b = 0; b < 6; b++) {
		char l[32];
		snprintf(l, sizeof(l), "UPIDADDR bit %d", b);
		CHECK_GP(t[0].upid = (u64)u | BIT(b), t[0].upid = (u64)u, l);
	}
	ok(!bad, "uintr #GP: UITTE.UPIDADDR not 64-byte aligned (bits 5:0 each)", "%s", det);
	bad = 0;
	CHECK_GP(t[0].upid = 0x8000000000000000ul | (u64)u, t[0].upid = (u64)u, "non-canonical");
	ok(!bad, "uintr #GP: UITTE.UPIDADDR non-canonical", "%s", det);
	bad = 0;
	for (int b = 2; b < 32; b++) {
		if (b >= 16 && b < 24)
			continue;
		char l[40];
		snprintf(l, sizeof(l), "UPID bit %d", b);
		u64 ctl = u->ctl;
		CHECK_GP(u->ctl = ctl | BIT(b), u->ctl = ctl, l);
	}
	ok(!bad, "uintr #GP: UPID reserved bits 15:2 and 31:24 (each), UPID not written", "%s", det);
	{
		long r = send_safe(0);
		ok(r < 0 && u->pir == BIT(0), "uintr #GP: control send with the same UITT succeeds", "vector %ld pir %lx", r, u->pir);
	}
#undef CHECK_GP
	/* #PF */
	{
		wrmsr(MSR_UINTR_TT, (UNMAPPED + 0x100) | 1);
		long r = send_safe(2);
		u64 cr2 = percpu[0].last_cr2, err = percpu[0].last_err;
		u64 ur = send_user(2);
		u64 cr2u = percpu[0].last_cr2, erru = percpu[0].last_err;
		ok(r == 14 && cr2 == UNMAPPED + 0x120 && !(err & 1) && ur == (USER_FAULT | 14) && cr2u == UNMAPPED + 0x120 &&
		   !(erru & 1) && !(erru & 4),
		   "uintr #PF: unmapped UITT (CPL 0 and CPL 3; CR2 = entry, error code P=0 U/S=0)",
		   "CPL0 vec %ld cr2 %lx err %lx; CPL3 ret %lx cr2 %lx err %lx", r, cr2, err, ur, cr2u, erru);
	}
	{
		wrmsr(MSR_UINTR_TT, (u64)t | 1);
		t[0].upid = UNMAPPED + 0x40;
		long r = send_safe(0);
		u64 cr2 = percpu[0].last_cr2, err = percpu[0].last_err;
		u64 ur = send_user(0);
		u64 cr2u = percpu[0].last_cr2, erru = percpu[0].last_err;
		t[0].upid = (u64)u;
		ok(r == 14 && cr2 == UNMAPPED + 0x40 && ur == (USER_FAULT | 14) && cr2u == UNMAPPED + 0x40 && !(erru & 4),
		   "uintr #PF: unmapped UPID (CPL 0 and CPL 3; supervisor access)",
		   "CPL0 vec %ld cr2 %lx err %lx; CPL3 ret %lx cr2 %lx err %lx", r, cr2, err, ur, cr2u, erru);
	}
	{
		/*
		 * The UPID update is a locked read-modify-write: a read-only
		 * UPID faults as a write (CR0.WP = 1), and is left as it was.
		 */
		u64 ctl, pir;

		u->pir = 0;
		ctl = u->ctl;
		pir = u->pir;
		t[0].upid = RO_ALIAS + (u64)u;
		long r = send_safe(0);
		u64 cr2 = percpu[0].last_cr2, err = percpu[0].last_err;
		u64 ur = send_user(0);
		u64 cr2u = percpu[0].last_cr2, erru = percpu[0].last_err;
		t[0].upid = (u64)u;
		ok(r == 14 && cr2 == RO_ALIAS + (u64)u && err == 3 && ur == (USER_FAULT | 14) &&
		   cr2u == RO_ALIAS + (u64)u && erru == 3 && u->ctl == ctl && u->pir == pir,
		   "uintr #PF: read-only UPID (CPL 0 and CPL 3; a supervisor write, P=1 W=1 U/S=0; UPID unchanged)",
		   "CPL0 vec %ld cr2 %lx err %lx; CPL3 ret %lx cr2 %lx err %lx; ctl %lx pir %lx (were %lx %lx)",
		   r, cr2, err, ur, cr2u, erru, u->ctl, u->pir, ctl, pir);
	}
	uintr_disable_all();
}

/* ------------------------------------------------------------------ */
/* Cross-vCPU */
struct recv_arg {
	u64 target;		/* deliveries to wait for */
	u64 ms;
	volatile int stop;
	volatile int ready;
	u64 tt;			/* IA32_UINTR_TT for the receiver (stress replies) */
	u64 ttsz;
	uhook_t hook;
	ufn_t ufn;		/* CPL-3 loop (default ufn_wait) */
};

static u64 ufn_wait(void *p)
{
	struct recv_arg *a = p;
	u64 end = rdtsc() + ms_to_tsc(a->ms);
	a->ready = 1;
	while (ulog_n[1] < a->target && !a->stop && rdtsc() < end)
		cpu_relax();
	return ulog_n[1];
}

static u64 ap_receiver(void *p)
{
	struct recv_arg *a = p;
	cr4_uintr(1);
	clui();
	wrmsr(MSR_UINTR_HANDLER, (u64)uintr_entry_cpu1);
	wrmsr(MSR_UINTR_STACKADJUST, 128);
	wrmsr(MSR_UINTR_MISC, ((u64)UINV << 32) | a->ttsz);
	wrmsr(MSR_UINTR_PD, (u64)&upid[2]);
	wrmsr(MSR_UINTR_TT, a->tt);
	wrmsr(MSR_UINTR_RR, 0);
	uhook[1] = a->hook;
	ulog_reset(1);
	stui();
	u64 r = user_call(a->ufn ? a->ufn : ufn_wait, a);
	uintr_disable_all();
	return r;
}

static u64 ap_set_apic(void *p) { apic_set_mode((int)(u64)p); return percpu[1].apic_id; }

static void cross_tests(void)
{
	for (int x2 = 0; x2 < 2; x2++) {
		char desc[140];
		const char *m = x2 ? "x2APIC" : "xAPIC";
		snprintf(desc, sizeof(desc), "uintr cross-vCPU (%s): SENDUIPI from vCPU 0 is delivered at CPL 3 on vCPU 1", m);
		if (!ap_online) {
			skip(desc, "second vCPU not online");
			continue;
		}
		if (x2 && !have_x2apic()) {
			skip(desc, "CPUID.1:ECX[21] (x2APIC) = 0");
			continue;
		}
		apic_set_mode(x2);
		ap_run(ap_set_apic, (void *)(u64)x2);
		u64 ap_id = 0;
		if (!ap_wait(1000, &ap_id)) {
			ok(0, desc, "AP did not switch APIC mode");
			continue;
		}
		upid[2].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(ap_id, x2));
		upid[2].pir = 0;
		static const u64 vecs[3] = { 9, 33, 60 };
		for (int i = 0; i < 3; i++) {
			uitt[0][i].ctl = UITTE_V | UITTE_UV(vecs[i]);
			uitt[0][i].upid = (u64)&upid[2];
		}
		cr4_uintr(1);
		wrmsr(MSR_UINTR_MISC, 2);
		wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
		static struct recv_arg ra;
		memset(&ra, 0, sizeof(ra));
		ra.target = 3;
		ra.ms = 3000;
		ap_run(ap_receiver, &ra);
		u64 end = rdtsc() + ms_to_tsc(1000);
		while (!ra.ready && rdtsc() < end)
			cpu_relax();
		int got = 0;
		for (int i = 0; i < 3; i++) {
			long r = send_safe((u64)i);
			if (r >= 0)
				break;
			u64 e2 = rdtsc() + ms_to_tsc(1000);
			while (ulog_n[1] < (u64)i + 1 && rdtsc() < e2)
				cpu_relax();
			if (ulog_n[1] >= (u64)i + 1)
				got++;
		}
		ra.stop = 1;
		u64 n = 0;
		int fin = ap_wait(4000, &n);
		ok(fin && n == 3 && got == 3 && ulog[1][0].vec == 9 && ulog[1][1].vec == 33 && ulog[1][2].vec == 60 &&
		   upid[2].pir == 0 && !(upid[2].ctl & UPID_ON), desc,
		   "AP finished %d, deliveries %lu (in time %d), vectors %lu %lu %lu, UPID ctl %lx pir %lx, NDST %lx",
		   fin, n, got, ulog[1][0].vec, ulog[1][1].vec, ulog[1][2].vec, upid[2].ctl, upid[2].pir, ndst_for(ap_id, x2));
		uintr_disable_all();
	}
	apic_set_mode(0);
	if (ap_online) {
		ap_run(ap_set_apic, (void *)0ul);
		ap_wait(1000, NULL);
	}
}

/* ------------------------------------------------------------------ */
/* XSAVES component 14 */
static void xsaves_uintr_tests(void)
{
	const char *names[] = {
		"uintr xsaves: component 14 48-byte layout (UIF in bit 63 of +16, TT bit 0)",
		"uintr xsaves: XSAVES clears UINV only (UITTSZ, UIF, UIRR, other MSRs kept)",
		"uintr xsaves: UIF=0 saved as bit 63 = 0",
		"uintr xrstors: #GP(0) when the current UINV != 0, nothing loaded",
		"uintr xrstors: loads all fields, MISC without bit 63, UIF from bit 63",
		"uintr xrstors: second XRSTORS of the same image raises #GP(0)",
		"uintr xrstors: invalid image fields raise #GP(0), nothing loaded (model choice: no partial load)",
		"uintr xrstors: image bit 63 = 0 loads UIF = 0",
		"uintr xrstors: XSTATE_BV[14]=0 initialises all UINTR state (UIF = 0)",
		"uintr xrstors: UIRR != 0 loaded by XRSTORS is delivered at CPL 3",
		"uintr xrstors: RFBM[14]=0 leaves the UINTR state alone",
		"uintr xrstors: RFBM[14]=1 with XCOMP_BV[14]=0 initialises the UINTR state",
		"uintr xsaves: initial UINTR state saved as XSTATE_BV[14]=0 (model choice: XINUSE[14] exact)",
	};
	if (!xss14_usable()) {
		for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
			skip(names[i], "CPUID.(0Dh,1):EAX[3] (XSAVES) or ECX[14] (XSS UINTR) = 0");
		return;
	}
	u8 *b = xbuf[0], *c = xbuf[1];
	const u64 mask = BIT(14) | 3;
	const u64 H = 0x00007fff12345670ul, S = 0xffff800000000081ul, P = 0x0000000012345640ul,
		  R = 0x8000000000010002ul, T = 0x00000000abcdef00ul;
	const u64 MISC = ((u64)UINV << 32) | 5;
	wrmsr(MSR_XSS, BIT(14));
	cr4_uintr(1);
	wrmsr(MSR_UINTR_HANDLER, H);
	wrmsr(MSR_UINTR_STACKADJUST, S);
	wrmsr(MSR_UINTR_MISC, MISC);
	wrmsr(MSR_UINTR_PD, P);
	wrmsr(MSR_UINTR_RR, R);
	wrmsr(MSR_UINTR_TT, T | 1);
	stui();
	memset(b, 0xa5, 4096);
	memset(b + 512, 0, 64);
	long r = xop(OP_XSAVES, b, mask);
	u64 off = comp_offset(mask, 14);
	u64 *q = (u64 *)(b + off);
	ok(r < 0 && XCOMP_BV(b) == (BIT(63) | mask) && (XSTATE_BV(b) & BIT(14)) && q[0] == H && q[1] == S &&
	   q[2] == (MISC | BIT(63)) && q[3] == P && q[4] == R && q[5] == (T | 1), names[0],
	   "fault %ld XCOMP_BV %lx XSTATE_BV %lx @%lu: %lx %lx %lx %lx %lx %lx", r, XCOMP_BV(b), XSTATE_BV(b), off,
	   q[0], q[1], q[2], q[3], q[4], q[5]);
	u64 misc = rdmsr(MSR_UINTR_MISC);
	int uif = testui();
	ok(misc == 5 && uif == 1 && rdmsr(MSR_UINTR_RR) == R && rdmsr(MSR_UINTR_HANDLER) == H &&
	   rdmsr(MSR_UINTR_STACKADJUST) == S && rdmsr(MSR_UINTR_PD) == P && rdmsr(MSR_UINTR_TT) == (T | 1), names[1],
	   "MISC %lx UIF %d RR %lx", misc, uif, rdmsr(MSR_UINTR_RR));
	clui();
	wrmsr(MSR_UINTR_MISC, MISC);
	memset(c, 0, 4096);
	xop(OP_XSAVES, c, mask);
	ok(((u64 *)(c + off))[2] == MISC, names[2], "qword +16 = %lx", ((u64 *)(c + off))[2]);

	/* b holds UINV = 0xec, UIF = 1 */
	for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++)
		wrmsr(m, 0);
	wrmsr(MSR_UINTR_MISC, (u64)0x22 << 32);
	r = xop(OP_XRSTORS, b, mask);
	ok(fault_is(r, 13, 0) && rdmsr(MSR_UINTR_HANDLER) == 0 && rdmsr(MSR_UINTR_RR) == 0, names[3],
	   "vector %ld HANDLER %lx RR %lx", r, rdmsr(MSR_UINTR_HANDLER), rdmsr(MSR_UINTR_RR));

	wrmsr(MSR_UINTR_MISC, 0);
	clui();
	r = xop(OP_XRSTORS, b, mask);
	uif = testui();
	ok(r < 0 && rdmsr(MSR_UINTR_HANDLER) == H && rdmsr(MSR_UINTR_STACKADJUST) == S && rdmsr(MSR_UINTR_MISC) == MISC &&
	   rdmsr(MSR_UINTR_PD) == P && rdmsr(MSR_UINTR_RR) == R && rdmsr(MSR_UINTR_TT) == (T | 1) && uif == 1, names[4],
	   "fault %ld: %lx %lx %lx %lx %lx %lx UIF %d", r, rdmsr(MSR_UINTR_HANDLER), rdmsr(MSR_UINTR_STACKADJUST),
	   rdmsr(MSR_UINTR_MISC), rdmsr(MSR_UINTR_PD), rdmsr(MSR_UINTR_RR), rdmsr(MSR_UINTR_TT), uif);
	r = xop(OP_XRSTORS, b, mask);
	ok(fault_is(r, 13, 0), names[5], "vector %ld", r);

	{
		struct { int q; u64 val; const char *what; } bad[] = {
			{ 0, 0x8000000000001000ul, "HANDLER non-canonical" },
			{ 1, 0x7000000000000000ul, "STACKADJUST non-canonical" },
			{ 2, MISC | BIT(40), "MISC bit 40" },
			{ 2, MISC | BIT(55), "MISC bit 55" },
			{ 2, MISC | BIT(62), "MISC bit 62" },
			{ 3, P | 1, "PD bit 0" },
			{ 3, P | 0x20, "PD bit 5" },
			{ 3, 0x8000000000000040ul, "PD non-canonical" },
			{ 5, T | 2, "TT bit 1" },
			{ 5, T | 8, "TT bit 3" },
			{ 5, 0x8000000000000001ul, "TT non-canonical" },
		};
		int nbad = 0;
		char det[160] = "";
		/*
		 * Before each XRSTORS every MSR holds a sentinel (UINV = 0,
		 * as XRSTORS requires); after the #GP each must still hold
		 * it: nothing of the image was loaded, UINV included.
		 */
		static const u64 sentinel[6] = { BIT(7), 0x00007fff00001110ul, 0x2220ul, 3, 0x3340ul, 0x4440ul };
		for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
			memcpy(c, b, 4096);
			((u64 *)(c + off))[bad[i].q] = bad[i].val;
			for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++)
				wrmsr(m, sentinel[m - MSR_UINTR_RR]);
			r = xop(OP_XRSTORS, c, mask);
			int kept = 1;
			for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++)
				if (rdmsr(m) != sentinel[m - MSR_UINTR_RR])
					kept = 0;
			if ((!fault_is(r, 13, 0) || !kept) && !nbad++)
				snprintf(det, sizeof(det), "%s: vector %ld, MSRs kept %d (MISC %lx)", bad[i].what, r,
					 kept, rdmsr(MSR_UINTR_MISC));
		}
		wrmsr(MSR_UINTR_RR, 0);
		ok(!nbad, names[6], "%s", det);
	}
	memcpy(c, b, 4096);
	((u64 *)(c + off))[2] = MISC;
	wrmsr(MSR_UINTR_MISC, 0);
	stui();
	r = xop(OP_XRSTORS, c, mask);
	uif = testui();
	ok(r < 0 && uif == 0 && rdmsr(MSR_UINTR_MISC) == MISC, names[7], "fault %ld UIF %d MISC %lx", r, uif,
	   rdmsr(MSR_UINTR_MISC));

	wrmsr(MSR_UINTR_MISC, 7);	/* UINV = 0, UITTSZ = 7 */
	wrmsr(MSR_UINTR_HANDLER, H);
	wrmsr(MSR_UINTR_RR, R);
	wrmsr(MSR_UINTR_TT, T | 1);
	stui();
	memcpy(c, b, 4096);
	XSTATE_BV(c) &= ~BIT(14);
	r = xop(OP_XRSTORS, c, mask);
	uif = testui();
	int allz = 1;
	for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++)
		if (rdmsr(m))
			allz = 0;
	ok(r < 0 && allz && uif == 0, names[8], "fault %ld all-zero %d UIF %d (RR %lx MISC %lx TT %lx)", r, allz, uif,
	   rdmsr(MSR_UINTR_RR), rdmsr(MSR_UINTR_MISC), rdmsr(MSR_UINTR_TT));

	/* RFBM[14] = 0: UINTR state untouched even though the image has it */
	wrmsr(MSR_UINTR_MISC, 7);
	wrmsr(MSR_UINTR_HANDLER, 0x1000);
	wrmsr(MSR_UINTR_RR, BIT(3));
	clui();
	r = xop(OP_XRSTORS, b, 3);
	ok(r < 0 && rdmsr(MSR_UINTR_MISC) == 7 && rdmsr(MSR_UINTR_HANDLER) == 0x1000 && rdmsr(MSR_UINTR_RR) == BIT(3) &&
	   testui() == 0, names[10], "fault %ld MISC %lx HANDLER %lx RR %lx", r, rdmsr(MSR_UINTR_MISC),
	   rdmsr(MSR_UINTR_HANDLER), rdmsr(MSR_UINTR_RR));

	/* RFBM[14] = 1 with XCOMP_BV[14] = 0: initialised */
	memset(c, 0, 4096);
	xop(OP_XSAVES, c, 3);
	stui();
	r = xop(OP_XRSTORS, c, mask);
	uif = testui();
	allz = 1;
	for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++)
		if (rdmsr(m))
			allz = 0;
	ok(r < 0 && allz && uif == 0, names[11], "fault %ld all-zero %d UIF %d", r, allz, uif);

	/*
	 * Initial state: the architecture allows XSTATE_BV[14] = 0, or 1
	 * with 48 zero bytes; the model tracks XINUSE[14] exactly, so 0.
	 */
	memset(c, 0xa5, 4096);
	memset(c + 512, 0, 64);
	r = xop(OP_XSAVES, c, mask);
	ok(r < 0 && (XCOMP_BV(c) & BIT(14)) && !(XSTATE_BV(c) & BIT(14)), names[12],
	   "fault %ld XSTATE_BV %lx XCOMP_BV %lx", r, XSTATE_BV(c), XCOMP_BV(c));

	/* XRSTORS makes a user interrupt pending */
	memcpy(c, b, 4096);
	u64 *cq = (u64 *)(c + off);
	cq[0] = (u64)uintr_entry_cpu0;
	cq[1] = 128;
	cq[2] = BIT(63);		/* UIF = 1, UINV = 0 */
	cq[3] = 0;
	cq[4] = BIT(9);
	cq[5] = 0;
	wrmsr(MSR_UINTR_MISC, 0);
	clui();
	ulog_reset(0);
	r = xop(OP_XRSTORS, c, mask);
	u64 ur = user_call(ufn_nothing, NULL);
	ok(r < 0 && ur == 0x1234 && ulog_n[0] == 1 && ulog[0][0].vec == 9 && rdmsr(MSR_UINTR_RR) == 0, names[9],
	   "fault %ld ret %lx deliveries %lu vec %lu UIRR %lx", r, ur, ulog_n[0], ulog[0][0].vec, rdmsr(MSR_UINTR_RR));
	uintr_disable_all();
	xrestore_defaults();
}

/* ------------------------------------------------------------------ */
/* XSAVES and XRSTORS of the UINTR component, the corners. */
static void xsaves_uintr_more_tests(void)
{
	const u64 mask = BIT(14) | 3, MISC = ((u64)UINV << 32) | 5;
	u8 *b = xbuf[0];
	long r;

	if (!xss14_usable()) {
		skip("uintr xsaves: RFBM[14]=0 leaves UINV alone", "IA32_XSS[14] not usable");
		skip("uintr xrstors: XSTATE_BV[14]=0 initialises the state even with UINV != 0 (model choice)", "IA32_XSS[14] not usable");
		return;
	}
	wrmsr(MSR_XSS, BIT(14));
	cr4_uintr(1);
	wrmsr(MSR_UINTR_MISC, MISC);
	memset(b, 0, 4096);
	r = xop(OP_XSAVES, b, 3);
	u64 misc = rdmsr(MSR_UINTR_MISC);
	ok(r < 0 && misc == MISC && !(XCOMP_BV(b) & BIT(14)), "uintr xsaves: RFBM[14]=0 leaves UINV alone",
	   "fault %ld MISC %lx XCOMP_BV %lx", r, misc, XCOMP_BV(b));

	/* the model's choice: the UINV check applies to a load, not to the init path */
	wrmsr(MSR_UINTR_HANDLER, 0x00007fff12345670ul);
	wrmsr(MSR_UINTR_RR, BIT(3));
	memset(b, 0, 4096);
	xop(OP_XSAVES, b, 3);
	XCOMP_BV(b) = BIT(63) | mask;
	XSTATE_BV(b) = 3;
	r = xop(OP_XRSTORS, b, mask);
	ok(r < 0 && rdmsr(MSR_UINTR_MISC) == 0 && rdmsr(MSR_UINTR_HANDLER) == 0 && rdmsr(MSR_UINTR_RR) == 0,
	   "uintr xrstors: XSTATE_BV[14]=0 initialises the state even with UINV != 0 (model choice)",
	   "fault %ld MISC %lx HANDLER %lx RR %lx", r, rdmsr(MSR_UINTR_MISC), rdmsr(MSR_UINTR_HANDLER),
	   rdmsr(MSR_UINTR_RR));
	uintr_disable_all();
	xrestore_defaults();
}

/* On the AP: give every UINTR register, UIF and IA32_XSS a non-zero value. */
static u64 ap_dirty_uintr(void *p UNUSED)
{
	static const u64 val[6] = {
		BIT(3), 0x00007fffdeadbee0ul, 0x100, ((u64)UINV << 32) | 7,
		0x0000123456789ac0ul, 0xffff876543210ab1ul,
	};
	u64 set = 0;

	cr4_uintr(1);
	for (int i = 0; i < 6; i++) {
		wrmsr(MSR_UINTR_RR + i, val[i]);
		set |= (u64)(rdmsr(MSR_UINTR_RR + i) == val[i]) << i;
	}
	stui();		/* UIRR != 0 and UIF = 1, but CPL 0: no delivery */
	set |= (u64)testui() << 6;
	if (have_xsaves() && (xss_supported() & BIT(14))) {
		wrmsr(MSR_XSS, BIT(14));
		set |= (u64)(rdmsr(MSR_XSS) == BIT(14)) << 7;
	} else {
		set |= BIT(7);
	}
	return set;
}

/* Is everything that @st recorded zero? */
static int start_state_zero(volatile struct ap_start_state *st)
{
	u64 nz = st->xss | st->uif;

	for (int i = 0; i < 6; i++)
		nz |= st->uintr[i];
	return !nz;
}

/*
 * Power-on RESET zeroes the UINTR registers, UIF and IA32_XSS: the BSP
 * and the AP record them when they first start, before any test runs.
 */
static void reset_test(void)
{
	volatile struct ap_start_state *b = &bsp_start, *a = &ap_start;

	ok(b->starts == 1 && start_state_zero(b) && ap_online && a->starts == 1 && start_state_zero(a),
	   "uintr reset: RESET leaves UIRR, UIHANDLER, UISTACKADJUST, MISC, PD, TT, UIF and IA32_XSS zero (BSP and AP)",
	   "BSP starts %lu: RR %lx HANDLER %lx STACKADJUST %lx MISC %lx PD %lx TT %lx UIF %d XSS %lx; AP online %d starts %lu: RR %lx HANDLER %lx STACKADJUST %lx MISC %lx PD %lx TT %lx UIF %d XSS %lx",
	   b->starts, b->uintr[0], b->uintr[1], b->uintr[2], b->uintr[3], b->uintr[4], b->uintr[5], b->uif, b->xss,
	   ap_online, a->starts, a->uintr[0], a->uintr[1], a->uintr[2], a->uintr[3], a->uintr[4], a->uintr[5],
	   a->uif, a->xss);
}

/*
 * INIT (which QEMU implements as RESET plus the state that INIT keeps)
 * zeroes the UINTR registers, UIF and IA32_XSS: the AP records them when
 * it starts again.
 */
static void init_test(void)
{
	const char *t = "uintr init: INIT zeroes UIRR, UIHANDLER, UISTACKADJUST, MISC, PD, TT, UIF and IA32_XSS";
	u64 set = 0, starts = ap_start.starts;

	if (!ap_online) {
		ok(0, t, "second vCPU not online");
		return;
	}
	ap_run(ap_dirty_uintr, NULL);
	if (!ap_wait(1000, &set) || set != 0xff) {
		ok(0, t, "could not set the AP's state (mask %lx)", set);
		return;
	}
	int back = ap_reinit();
	u64 nz = 0;
	for (int i = 0; i < 6; i++)
		nz |= ap_start.uintr[i];
	ok(back && ap_start.starts == starts + 1 && !nz && !ap_start.uif && !ap_start.xss, t,
	   "AP back %d, starts %lu -> %lu; RR %lx HANDLER %lx STACKADJUST %lx MISC %lx PD %lx TT %lx UIF %d XSS %lx",
	   back, starts, ap_start.starts, ap_start.uintr[0], ap_start.uintr[1], ap_start.uintr[2],
	   ap_start.uintr[3], ap_start.uintr[4], ap_start.uintr[5], ap_start.uif, ap_start.xss);
}

void uintr_tests(void)
{
	if (!have_uintr()) {
		skip("uintr: all UINTR tests", "CPUID.(EAX=7,ECX=0):EDX[5] (UINTR) = 0");
		return;
	}
	diag("UINTR present; UIRET_UIF %d; LA57 %d; x2APIC %d", have_uiret_uif(), have_la57(), have_x2apic());
	reset_test();
	uintr_disable_all();
	msr_tests();
	insn_tests();
	notify_tests(0);
	senduipi_icr_test(0);
	if (have_x2apic()) {
		apic_set_mode(1);
		notify_tests(1);
		senduipi_icr_test(1);
		apic_set_mode(0);
	} else {
		skip("uintr notify (x2APIC): all", "CPUID.1:ECX[21] (x2APIC) = 0");
	}
	notify_source_tests();
	delivery_tests();
	far_transfer_tests();
	self_send_test();
	sn_on_tests();
	bad_uitt_tests();
	xsaves_uintr_tests();
	xsaves_uintr_more_tests();
	cross_tests();
	hlt_test();
	hlt_burst_test();
	init_test();
}

/* ------------------------------------------------------------------ */
/* Stress: ping-pong with per-vector credits, 64 vectors in flight. */
#define STRESS_VECS 64
static volatile u64 st_sent[STRESS_VECS], st_bsp_recv[STRESS_VECS], st_ap_recv[STRESS_VECS];
static volatile u8 st_credit[STRESS_VECS];
static volatile u64 st_bsp_total, st_ap_total, st_ap_badvec, st_bsp_badvec;

/* "contend": vCPU 1 also SENDUIPIs vectors 32-63 to its own UPID while vCPU 0 posts 0-31 to it */
static struct uitte ap_uitt[128];
static volatile u64 st_self_sent[STRESS_VECS], st_self_recv[STRESS_VECS];
static volatile u8 st_self_credit[STRESS_VECS];
static int st_contend;

static u64 ufn_ap_selfsend(void *p)
{
	struct recv_arg *a = p;
	a->ready = 1;
	while (!a->stop) {
		for (u64 v = 32; v < STRESS_VECS; v++) {
			if (!st_self_credit[v])
				continue;
			st_self_credit[v] = 0;
			st_self_sent[v]++;
			senduipi_rax(64 + v - 32);
		}
	}
	/* let the last self-sent interrupts arrive */
	u64 end = rdtsc() + ms_to_tsc(200);
	while (rdtsc() < end)
		cpu_relax();
	return ulog_n[1];
}

static void ap_echo_hook(u64 *f, u64 cpu UNUSED)
{
	u64 v = f[0];
	if (v >= STRESS_VECS) {
		st_ap_badvec++;
		return;
	}
	if (st_contend && v >= 32) {
		st_self_recv[v]++;
		st_self_credit[v] = 1;
		return;
	}
	st_ap_recv[v]++;
	st_ap_total++;
	senduipi_rax(v);
}

static void bsp_hook(u64 *f, u64 cpu UNUSED)
{
	u64 v = f[0];
	if (v >= STRESS_VECS) {
		st_bsp_badvec++;
		return;
	}
	st_bsp_recv[v]++;
	st_bsp_total++;
	st_credit[v] = 1;
}

struct stress_arg { u64 n; u64 stall_ms; u64 sent; int stalled; };

static u64 ufn_stress_send(void *p)
{
	struct stress_arg *a = p;
	u64 sent = 0, last_progress = rdtsc(), last_total = 0;
	u64 stall = ms_to_tsc(a->stall_ms);
	while (st_bsp_total < a->n) {
		for (u64 v = 0; v < STRESS_VECS && sent < a->n; v++) {
			if (!st_credit[v])
				continue;
			st_credit[v] = 0;
			st_sent[v]++;
			sent++;
			senduipi_rax(v);
		}
		u64 tot = st_bsp_total;
		if (tot != last_total) {
			last_total = tot;
			last_progress = rdtsc();
		} else if (rdtsc() - last_progress > stall) {
			a->stalled = 1;
			break;
		}
	}
	a->sent = sent;
	return sent;
}

void uintr_stress(void)
{
	char t[140];
	u64 n = 500000;		/* each direction: 10^6 user IPIs in total */
	const char *s = strstr(cmdline, "stress=");
	if (s) {
		n = 0;
		for (s += 7; *s >= '0' && *s <= '9'; s++)
			n = n * 10 + (u64)(*s - '0');
	}
	int x2 = strstr(cmdline, "x2apic") != NULL;
	u64 win = STRESS_VECS;
	s = strstr(cmdline, "window=");
	if (s) {
		win = 0;
		for (s += 7; *s >= '0' && *s <= '9'; s++)
			win = win * 10 + (u64)(*s - '0');
		if (!win || win > STRESS_VECS)
			win = STRESS_VECS;
	}
	int contend = strstr(cmdline, "contend") != NULL;
	if (contend && win > 32)
		win = 32;
	snprintf(t, sizeof(t), "uintr stress (%s, %lu vectors in flight%s): %lu user IPIs ping-pong between two vCPUs, none lost or duplicated",
		 x2 ? "x2APIC" : "xAPIC", win, contend ? ", vCPU 1 self-posting 32-63" : "", 2 * n);
	if (!have_uintr()) {
		skip(t, "CPUID.(EAX=7,ECX=0):EDX[5] (UINTR) = 0");
		return;
	}
	if (!ap_online) {
		ok(0, t, "second vCPU not online");
		return;
	}
	if (x2 && !have_x2apic()) {
		skip(t, "CPUID.1:ECX[21] (x2APIC) = 0");
		return;
	}
	if (x2) {
		apic_set_mode(1);
		ap_run(ap_set_apic, (void *)1ul);
		ap_wait(1000, NULL);
	}
	st_contend = strstr(cmdline, "contend") != NULL;
	struct percpu *pc = this_cpu();
	u64 ap_id = percpu[1].apic_id;
	/* BSP -> AP: UITT[0][v] targets upid[2] (AP), vector v */
	upid[2].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(ap_id, pc->x2apic));
	upid[2].pir = 0;
	upid[0].ctl = UPID_NV(UINV) | UPID_NDST(ndst_for(pc->apic_id, pc->x2apic));
	upid[0].pir = 0;
	for (int v = 0; v < STRESS_VECS; v++) {
		uitt[0][v].ctl = UITTE_V | UITTE_UV(v);
		uitt[0][v].upid = (u64)&upid[2];
		uitt[1][v].ctl = UITTE_V | UITTE_UV(v);
		uitt[1][v].upid = (u64)&upid[0];
		st_credit[v] = (u64)v < win && !(st_contend && v >= 32);
	}
	static struct recv_arg ra;
	memset(&ra, 0, sizeof(ra));
	ra.target = ~0ul;
	ra.ms = 3600 * 1000;
	ra.tt = (u64)uitt[1] | 1;
	ra.ttsz = STRESS_VECS - 1;
	ra.hook = ap_echo_hook;
	if (st_contend) {
		for (int v = 0; v < STRESS_VECS; v++)
			ap_uitt[v] = uitt[1][v];
		for (int v = 32; v < STRESS_VECS; v++) {
			ap_uitt[64 + v - 32].ctl = UITTE_V | UITTE_UV(v);
			ap_uitt[64 + v - 32].upid = (u64)&upid[2];
			st_self_credit[v] = 1;
		}
		ra.tt = (u64)ap_uitt | 1;
		ra.ttsz = 127;
		ra.ufn = ufn_ap_selfsend;
	}
	ap_run(ap_receiver, &ra);
	u64 end = rdtsc() + ms_to_tsc(1000);
	while (!ra.ready && rdtsc() < end)
		cpu_relax();

	cr4_uintr(1);
	clui();
	wrmsr(MSR_UINTR_HANDLER, (u64)uintr_entry_cpu0);
	wrmsr(MSR_UINTR_STACKADJUST, 128);
	wrmsr(MSR_UINTR_MISC, ((u64)UINV << 32) | (STRESS_VECS - 1));
	wrmsr(MSR_UINTR_PD, (u64)&upid[0]);
	wrmsr(MSR_UINTR_TT, (u64)uitt[0] | 1);
	wrmsr(MSR_UINTR_RR, 0);
	uhook[0] = bsp_hook;
	ulog_reset(0);
	stui();
	static struct stress_arg sa;
	sa.n = n;
	sa.stall_ms = 5000;
	u64 t0 = rdtsc();
	u64 r = user_call(ufn_stress_send, &sa);
	u64 t1 = rdtsc();
	ra.stop = 1;
	u64 ap_n = 0;
	int fin = ap_wait(5000, &ap_n);
	uintr_disable_all();

	u64 ms = (t1 - t0) / (tsc_khz ? tsc_khz : 1);
	int bad = 0;
	char det[200] = "";
	u64 sum_sent = 0;
	for (int v = 0; v < STRESS_VECS; v++) {
		sum_sent += st_sent[v];
		if ((st_ap_recv[v] != st_sent[v] || st_bsp_recv[v] != st_sent[v]) && !bad++)
			snprintf(det, sizeof(det), "vector %d: sent %lu, AP received %lu, echoes received %lu", v, st_sent[v],
				 st_ap_recv[v], st_bsp_recv[v]);
	}
	u64 self_sent = 0, self_recv = 0;
	if (st_contend) {
		for (int v = 32; v < STRESS_VECS; v++) {
			self_sent += st_self_sent[v];
			self_recv += st_self_recv[v];
			/* at most one self-send per vector may still be in flight when vCPU 1 stopped */
			if ((st_self_recv[v] > st_self_sent[v] || st_self_sent[v] - st_self_recv[v] > 1) && !bad++)
				snprintf(det, sizeof(det), "self vector %d: sent %lu received %lu", v, st_self_sent[v],
					 st_self_recv[v]);
		}
		diag("stress contend: vCPU 1 self-sent %lu, received %lu (concurrent posting to one UPID)", self_sent,
		     self_recv);
	}
	diag("stress: %lu sent vCPU0->vCPU1, %lu received by vCPU1, %lu echoes received by vCPU0; %lu user IPIs in %lu ms (%lu/s)%s",
	     sum_sent, st_ap_total, st_bsp_total, st_ap_total + st_bsp_total, ms,
	     ms ? (st_ap_total + st_bsp_total) * 1000 / ms : 0, sa.stalled ? "; STALLED" : "");
	ok(!bad && fin && !sa.stalled && r == n && sum_sent == n && st_ap_total == n && st_bsp_total == n &&
	   !st_ap_badvec && !st_bsp_badvec, t,
	   "%s%s sent %lu ap %lu bsp %lu badvec %lu/%lu AP finished %d",
	   det, sa.stalled ? " stalled (lost interrupt?)" : "", sum_sent, st_ap_total, st_bsp_total,
	   st_ap_badvec, st_bsp_badvec, fin);
}

/*
 * "bench": not a test.  The cost, in TSC cycles, of what a context
 * switch of a UINTR task does to the emulated CPU: XSAVES and XRSTORS of
 * x87, SSE and the UINTR component (UIRR = 0, UINV = 0, as Linux leaves
 * it while the task is switched out), and a WRMSR of IA32_UINTR_RR.
 * Then the cost of an exit to QEMU's CPU loop (PAUSE, which TCG ends with
 * one) at CPL 0, with UIRR = 0 and with a user interrupt recognized that
 * CPL 0 keeps from delivery, as it is in a kernel that has just saved a
 * receiver's state with UIRR != 0.  The two should cost the same.
 */
void uintr_bench(void)
{
	const u64 mask = BIT(14) | 3, n = 200000;
	u8 *b = xbuf[0];
	u64 t0, t1, t2, t3;

	if (!have_uintr() || !xss14_usable()) {
		diag("bench: no UINTR or no IA32_XSS[14]");
		return;
	}
	wrmsr(MSR_XSS, BIT(14));
	cr4_uintr(1);
	wrmsr(MSR_UINTR_HANDLER, 0x00007fff12345670ul);
	memset(b, 0, 4096);
	xop(OP_XSAVES, b, mask);
	t0 = rdtsc();
	for (u64 i = 0; i < n; i++) {
		asm volatile("xsaves64 (%0)" :: "r"(b), "a"((u32)mask), "d"(0) : "memory");
		asm volatile("xrstors64 (%0)" :: "r"(b), "a"((u32)mask), "d"(0) : "memory");
	}
	t1 = rdtsc();
	for (u64 i = 0; i < n; i++)
		wrmsr(MSR_UINTR_RR, 0);
	t2 = rdtsc();
	for (u64 i = 0; i < n; i++)
		asm volatile("xsaves64 (%0)" :: "r"(b), "a"(3), "d"(0) : "memory");
	t3 = rdtsc();
	diag("bench: XSAVES+XRSTORS with UINTR %lu cycles, WRMSR UIRR=0 %lu cycles, XSAVES x87+SSE %lu cycles (TSC %lu kHz, %lu rounds)",
	     (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n, tsc_khz, n);
	t0 = rdtsc();
	for (u64 i = 0; i < n; i++)
		asm volatile("pause");
	t1 = rdtsc();
	wrmsr(MSR_UINTR_RR, BIT(5));
	t2 = rdtsc();
	for (u64 i = 0; i < n; i++)
		asm volatile("pause");
	t3 = rdtsc();
	wrmsr(MSR_UINTR_RR, 0);
	diag("bench: PAUSE at CPL 0 with UIRR=0 %lu cycles, with UIRR!=0 %lu cycles (%lu rounds)",
	     (t1 - t0) / n, (t3 - t2) / n, n);
	uintr_disable_all();
	xrestore_defaults();
}

/*
 * CPU variants (see xsave_variant_tests()): "cpu-variant=nouintr" runs
 * under "-cpu max,-uintr", "cpu-variant=nouiretuif" under
 * "-cpu max,-uiret-uif".
 */
void uintr_variant_nouintr(void)
{
	static const struct { const char *name; ufn_t fn; } insn[] = {
		{ "UIRET", do_uiret_insn }, { "TESTUI", do_testui_insn }, { "CLUI", do_clui_insn },
		{ "STUI", do_stui_insn }, { "SENDUIPI", do_send },
	};
	struct sendarg a = { 0 };
	int bad = 0;
	char det[120] = "";
	long r;

	ok(!have_uintr(), "variant nouintr: CPUID.(7,0):EDX[5] = 0", "EDX=%x", cpuid_reg(7, 0, EDX));
	for (u32 m = MSR_UINTR_RR; m <= MSR_UINTR_TT; m++) {
		u64 v;
		long r1 = rdmsr_safe(m, &v), r2 = wrmsr_safe(m, 0);
		if ((!fault_is(r1, 13, 0) || !fault_is(r2, 13, 0)) && !bad++)
			snprintf(det, sizeof(det), "MSR %x: rdmsr %ld wrmsr %ld", m, r1, r2);
	}
	ok(!bad, "variant nouintr: RDMSR and WRMSR of every UINTR MSR raise #GP(0)", "%s", det);
	r = try_call(do_set_cr4_uintr, NULL);
	ok(fault_is(r, 13, 0) && !(read_cr4() & CR4_UINTR), "variant nouintr: MOV to CR4 with CR4.UINTR raises #GP(0)",
	   "vector %ld CR4 %lx", r, read_cr4());
	bad = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(insn); i++) {
		r = try_call(insn[i].fn, &a);
		if (r != 6 && !bad++)
			snprintf(det, sizeof(det), "%s: vector %ld", insn[i].name, r);
	}
	ok(!bad, "variant nouintr: UIRET, TESTUI, CLUI, STUI and SENDUIPI raise #UD", "%s", det);
	ok(!(xss_supported() & BIT(14)) && wrmsr_safe(MSR_XSS, BIT(14)) == 13,
	   "variant nouintr: IA32_XSS[14] is not enumerated and WRMSR of it raises #GP",
	   "XSS supported %lx", xss_supported());
	wrmsr_safe(MSR_XSS, 0);
}

void uintr_variant_nouiretuif(void)
{
	u64 res[3];

	ok(have_uintr() && !have_uiret_uif(), "variant nouiretuif: CPUID.(7,0):EDX[5] = 1 and (7,1):EDX[17] = 0",
	   "7.0 EDX=%x 7.1 EDX=%x", cpuid_reg(7, 0, EDX), cpuid_reg(7, 1, EDX));
	if (!have_uintr())
		return;
	cr4_uintr(1);
	clui();
	uiret_probe(0x0, 0x2, res);
	int uif = testui();
	clui();
	ok(uif == 1, "variant nouiretuif: UIRET sets UIF even with RFLAGS image bit 1 = 0", "UIF after %d", uif);
	uintr_disable_all();
}
