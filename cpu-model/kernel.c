// SPDX-License-Identifier: GPL-2.0
/*
 * cpu-model: kernel core.  CPU/IDT/TSS setup, exceptions, local APIC in
 * xAPIC and x2APIC modes, SMP bring-up, TAP output and the test driver.
 */
#include "kernel.h"

struct percpu percpu[2];
int ap_online;
u64 tsc_khz;
char cmdline[256];

static u64 idt[256 * 2] __attribute__((aligned(16)));
static u8 trap_stacks[2][16384] __attribute__((aligned(16)));
static u8 ap_kstack[32768] __attribute__((aligned(16)));
static u8 user_stacks[2][65536] __attribute__((aligned(4096)));

static int tests_run, tests_failed;

/* ------------------------------------------------------------------ */
static void qemu_exit(int code)
{
	outl(0xf4, (u32)code);
	for (;;)
		asm volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
	char buf[256];
	__builtin_va_list ap;
	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	printf("Bail out! %s\n", buf);
	qemu_exit(1);
	__builtin_unreachable();
}

void ok(int cond, const char *desc, const char *fmt, ...)
{
	char buf[256];
	tests_run++;
	if (cond) {
		printf("ok %d - %s\n", tests_run, desc);
		return;
	}
	tests_failed++;
	__builtin_va_list ap;
	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	printf("not ok %d - %s # %s\n", tests_run, desc, buf);
}

void skip(const char *desc, const char *fmt, ...)
{
	char buf[256];
	tests_run++;
	__builtin_va_list ap;
	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	printf("ok %d - %s # SKIP %s\n", tests_run, desc, buf);
}

void diag(const char *fmt, ...)
{
	char buf[512];
	__builtin_va_list ap;
	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	printf("# %s\n", buf);
}

/* ------------------------------------------------------------------ */
static const char *exc_name(u64 v)
{
	static const char *const n[32] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
		"#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	};
	return v < 32 && n[v] ? n[v] : "?";
}

static void user_exit(struct percpu *pc, struct regs *r, u64 val)
{
	pc->user_active = 0;
	extern char user_landing[];
	r->rip = (u64)user_landing;
	r->cs = SEL_KCODE;
	r->ss = SEL_KDATA;
	r->rsp = pc->user_krsp;
	r->rflags = pc->user_krflags;
	r->rax = val;
}

void trap_handler(struct regs *r)
{
	struct percpu *pc = this_cpu();
	u64 vec = r->vec;

	if (vec == USER_EXIT_VECTOR && (r->cs & 3) == 3 && pc->user_active) {
		user_exit(pc, r, r->rax);
		return;
	}
	if (vec < 32) {
		pc->last_vec = vec;
		pc->last_err = r->err;
		pc->last_rip = r->rip;
		pc->last_cs = r->cs;
		pc->last_rsp = r->rsp;
		pc->exc_count++;
		if (vec == 14)
			pc->last_cr2 = read_cr2();
		if (vec == 1 && pc->db_hook) {
			u64 dr6;

			pc->db_rip[pc->db_n++ % DB_LOG] = r->rip;
			/* An instruction breakpoint is a fault: resume past it. */
			asm volatile("mov %%dr6, %0" : "=r"(dr6));
			if (dr6 & 0xf)
				r->rflags |= BIT(16);
			asm volatile("mov %0, %%dr6" :: "r"(0xffff0ff0ul));
			return;
		}
		if ((r->cs & 3) == 3 && pc->user_active) {
			user_exit(pc, r, USER_FAULT | vec);
			return;
		}
		if ((r->cs & 3) == 0 && pc->catch_active) {
			extern char try_landing[];
			pc->catch_active = 0;
			r->rip = (u64)try_landing;
			r->rsp = pc->catch_rsp;
			r->rflags = pc->catch_rflags;
			r->cs = SEL_KCODE;
			r->ss = SEL_KDATA;
			r->rax = vec;
			return;
		}
		panic("cpu%lu: unexpected %s (vector %lu) err=%lx rip=%lx cs=%lx rsp=%lx cr2=%lx",
		      pc->cpu, exc_name(vec), vec, r->err, r->rip, r->cs, r->rsp, read_cr2());
	}
	pc->irq_count[vec]++;
	if (pc->isr_check_vec && vec == pc->isr_check_vec &&
	    ((apic_read(0x100 + 0x10 * (vec / 32)) >> (vec % 32)) & 1))
		pc->isr_seen++;
	pc->last_irq_vec = vec;
	pc->last_irq_rip = r->rip;
	pc->last_irq_cs = r->cs;
	pc->last_irq_rflags = r->rflags;
	if (vec != 0xff)
		apic_eoi();
}

/* ------------------------------------------------------------------ */
struct msr_op { u32 msr; u64 val; };
static u64 do_wrmsr(void *p) { struct msr_op *m = p; wrmsr(m->msr, m->val); return 0; }
static u64 do_rdmsr(void *p) { struct msr_op *m = p; m->val = rdmsr(m->msr); return 0; }
long wrmsr_safe(u32 msr, u64 v) { struct msr_op m = { msr, v }; return try_call(do_wrmsr, &m); }
long rdmsr_safe(u32 msr, u64 *v)
{
	struct msr_op m = { msr, 0 };
	long r = try_call(do_rdmsr, &m);
	*v = m.val;
	return r;
}

int fault_is(long r, int vec, u64 err)
{
	if (r != vec)
		return 0;
	return err == ~0ul || this_cpu()->last_err == err;
}

u64 user_stack_top(int cpu) { return (u64)&user_stacks[cpu][sizeof(user_stacks[cpu]) - 64]; }

u64 user_call(ufn_t fn, void *arg)
{
	return run_user(fn, arg, user_stack_top((int)this_cpu()->cpu), USER_RFLAGS);
}

u64 ms_to_tsc(u64 ms) { return ms * (tsc_khz ? tsc_khz : 1000000); }

/* ------------------------------------------------------------------ */
/* Local APIC */
#define APIC_MMIO 0xfee00000ul
static inline u32 xapic_read(u32 off) { return *(volatile u32 *)(APIC_MMIO + off); }
static inline void xapic_write(u32 off, u32 v) { *(volatile u32 *)(APIC_MMIO + off) = v; }

int have_x2apic(void) { return (cpuid_reg(1, 0, ECX) >> 21) & 1; }

void apic_write(u32 off, u64 v)
{
	if (this_cpu()->x2apic)
		wrmsr(0x800 + (off >> 4), v);
	else
		xapic_write(off, (u32)v);
}

u32 apic_read(u32 off)
{
	if (this_cpu()->x2apic)
		return (u32)rdmsr(0x800 + (off >> 4));
	return xapic_read(off);
}

void apic_eoi(void) { apic_write(0xb0, 0); }
u32 apic_isr_word(int idx) { return apic_read(0x100 + 0x10 * idx); }

static void apic_setup_regs(void)
{
	struct percpu *pc = this_cpu();
	apic_write(0x80, 0);			/* TPR */
	apic_write(0xf0, 0x1ff);		/* SVR: enable, spurious vector 0xff */
	apic_write(0x320, BIT(16));		/* LVT timer masked */
	apic_write(0x350, BIT(16));		/* LINT0 masked */
	apic_write(0x360, BIT(16));		/* LINT1 masked */
	apic_write(0x370, BIT(16));		/* error masked */
	if (pc->x2apic)
		pc->apic_id = apic_read(0x20);
	else
		pc->apic_id = apic_read(0x20) >> 24;
	/* drain anything left in service */
	for (int i = 0; i < 16; i++)
		apic_eoi();
}

void apic_set_mode(int x2)
{
	struct percpu *pc = this_cpu();
	u64 base = rdmsr(MSR_APIC_BASE);
	u64 keep = base & ~(BIT(10) | BIT(11));
	if (x2) {
		if (!(base & BIT(11)))
			wrmsr(MSR_APIC_BASE, keep | BIT(11));
		wrmsr(MSR_APIC_BASE, keep | BIT(11) | BIT(10));
	} else {
		if (base & BIT(10))
			wrmsr(MSR_APIC_BASE, keep);	/* x2APIC -> disabled */
		wrmsr(MSR_APIC_BASE, (keep & ~0xfffff000ul) | APIC_MMIO | BIT(11));
	}
	pc->x2apic = x2;
	apic_setup_regs();
}

static void apic_wait_icr(void)
{
	if (this_cpu()->x2apic)
		return;
	for (int i = 0; i < 1000000 && (xapic_read(0x300) & BIT(12)); i++)
		cpu_relax();
}

static void apic_icr(u32 dest, u32 lo)
{
	if (this_cpu()->x2apic) {
		wrmsr(0x830, ((u64)dest << 32) | lo);
	} else {
		apic_wait_icr();
		xapic_write(0x310, dest << 24);
		xapic_write(0x300, lo);
		apic_wait_icr();
	}
}

void apic_send_ipi(u32 dest, u8 vec) { apic_icr(dest, BIT(14) | vec); }

/* ------------------------------------------------------------------ */
static void set_gate(int vec, u64 addr, int dpl)
{
	idt[vec * 2] = (addr & 0xffff) | ((u64)SEL_KCODE << 16) |
		       ((u64)(0x8e | (dpl << 5)) << 40) | ((addr >> 16 & 0xffff) << 48);
	idt[vec * 2 + 1] = addr >> 32;
}

static void cpu_init(int cpu)
{
	struct percpu *pc = &percpu[cpu];
	extern u64 gdt[];
	struct { u16 lim; u64 base; } __attribute__((packed)) idtr = { sizeof(idt) - 1, (u64)idt };

	pc->self = (u64)pc;
	pc->cpu = cpu;
	wrmsr(MSR_GS_BASE, (u64)pc);

	/* TSS: RSP0 = per-CPU trap stack */
	memset(pc->tss, 0, sizeof(pc->tss));
	u64 rsp0 = (u64)&trap_stacks[cpu][sizeof(trap_stacks[cpu])];
	u32 *t = (u32 *)pc->tss;
	t[1] = (u32)rsp0;
	t[2] = (u32)(rsp0 >> 32);
	t[25] = 104 << 16;			/* I/O map base beyond limit */
	u64 base = (u64)pc->tss;
	int slot = (SEL_TSS0 >> 3) + cpu * 2;
	gdt[slot] = 103 | ((base & 0xffffff) << 16) | (0x89ul << 40) | (((base >> 24) & 0xff) << 56);
	gdt[slot + 1] = base >> 32;
	asm volatile("ltr %w0" :: "r"((u16)(SEL_TSS0 + cpu * 16)));
	asm volatile("lidt %0" :: "m"(idtr));

	/* FPU, SSE, XSAVE */
	write_cr0((read_cr0() & ~BIT(2) & ~CR0_TS) | BIT(1) | BIT(5));
	u64 cr4 = read_cr4() | BIT(9) | BIT(10);
	if ((cpuid_reg(1, 0, ECX) >> 26) & 1)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	asm volatile("fninit");
	if (cr4 & CR4_OSXSAVE)
		xsetbv(0, cpuid_reg(0xd, 0, EAX) & 0x21f);

	pc->x2apic = (rdmsr(MSR_APIC_BASE) >> 10) & 1;
	apic_setup_regs();
}

/* ------------------------------------------------------------------ */
/* AP */
static volatile ufn_t ap_fn;
static void *volatile ap_arg;
static volatile u64 ap_req, ap_ack, ap_ret;

volatile struct ap_start_state ap_start, bsp_start;

/* Record the UINTR state and IA32_XSS that a CPU starts with in @st. */
static void record_start(volatile struct ap_start_state *st)
{
	u64 cr4 = read_cr4();

	if ((cpuid_reg(7, 0, EDX) >> 5) & 1) {
		for (int i = 0; i < 6; i++)
			st->uintr[i] = rdmsr(MSR_UINTR_RR + i);
		write_cr4(cr4 | CR4_UINTR);
		st->uif = testui();
		write_cr4(cr4);
	}
	if ((cpuid_reg(0xd, 1, EAX) >> 3) & 1)
		st->xss = rdmsr(MSR_XSS);
	__atomic_store_n(&st->starts, st->starts + 1, __ATOMIC_RELEASE);
}

void ap_main(void)
{
	cpu_init(1);
	record_start(&ap_start);
	/* after an INIT, the requests made so far are done */
	u64 seen = __atomic_load_n(&ap_req, __ATOMIC_ACQUIRE);
	__atomic_store_n(&ap_online, 1, __ATOMIC_RELEASE);
	for (;;) {
		while (__atomic_load_n(&ap_req, __ATOMIC_ACQUIRE) == seen)
			cpu_relax();
		seen = ap_req;
		ap_ret = ap_fn(ap_arg);
		__atomic_store_n(&ap_ack, seen, __ATOMIC_RELEASE);
	}
}

void ap_run(ufn_t fn, void *arg)
{
	ap_fn = fn;
	ap_arg = arg;
	__atomic_store_n(&ap_req, ap_req + 1, __ATOMIC_RELEASE);
}

int ap_wait(u64 ms, u64 *ret)
{
	u64 end = rdtsc() + ms_to_tsc(ms);
	while (__atomic_load_n(&ap_ack, __ATOMIC_ACQUIRE) != ap_req) {
		if (rdtsc() > end)
			return 0;
		cpu_relax();
	}
	if (ret)
		*ret = ap_ret;
	return 1;
}

static void delay_ms(u64 ms)
{
	u64 end = rdtsc() + ms_to_tsc(ms);
	while (rdtsc() < end)
		cpu_relax();
}

static void start_ap(void)
{
	memcpy((void *)TRAMP_ADDR, tramp_start, tramp_end - tramp_start);
	ap_stack_ptr = (u64)&ap_kstack[sizeof(ap_kstack)];
	u32 dest = percpu[0].apic_id == 0 ? 1 : 0;
	apic_icr(dest, 0x4500);				/* INIT */
	delay_ms(10);
	for (int i = 0; i < 2 && !ap_online; i++) {
		apic_icr(dest, 0x4600 | (TRAMP_ADDR >> 12));	/* SIPI */
		delay_ms(5);
	}
	u64 end = rdtsc() + ms_to_tsc(2000);
	while (!__atomic_load_n(&ap_online, __ATOMIC_ACQUIRE) && rdtsc() < end)
		cpu_relax();
}

/* ------------------------------------------------------------------ */
static void serial_init(void)
{
	outb(0x3f8 + 1, 0);
	outb(0x3f8 + 3, 0x80);
	outb(0x3f8 + 0, 1);
	outb(0x3f8 + 1, 0);
	outb(0x3f8 + 3, 0x03);
	outb(0x3f8 + 2, 0xc7);
	outb(0x3f8 + 4, 0x03);
}

static void tsc_calibrate(void)
{
	/* PIT channel 2, mode 0, 10 ms */
	const u32 count = 11932;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	u8 v = inb(0x61);
	outb(0x61, v & ~1);
	outb(0x61, v | 1);
	u64 t0 = rdtsc();
	for (u64 i = 0; i < 100000000ul && !(inb(0x61) & 0x20); i++)
		;
	u64 t1 = rdtsc();
	tsc_khz = (t1 - t0) / 10;
	if (!tsc_khz)
		tsc_khz = 1000000;
}

static void parse_cmdline(void)
{
	struct mbi { u32 flags, mem_lower, mem_upper, boot_device, cmdline; } *mbi;
	if (mb_magic != 0x2BADB002 || !mb_info_ptr)
		return;
	mbi = (struct mbi *)mb_info_ptr;
	if (!(mbi->flags & BIT(2)) || !mbi->cmdline)
		return;
	const char *s = (const char *)(u64)mbi->cmdline;
	size_t i;
	for (i = 0; i + 1 < sizeof(cmdline) && s[i]; i++)
		cmdline[i] = s[i];
	cmdline[i] = 0;
}

/* ------------------------------------------------------------------ */
/* Framework self-checks: the tests rely on these mechanisms. */
static u64 do_ud2(void *p UNUSED) { asm volatile("ud2"); return 0; }
static u64 do_noncanon(void *p UNUSED) { return *(volatile u64 *)0x8000000000000000ul; }
static u64 do_unmapped(void *p UNUSED) { return *(volatile u64 *)0x80000010ul; }
/* The read-only alias at 4-5 GiB of a word in 0-1 GiB */
#define RO_ALIAS_OF(p)	((volatile u64 *)(0x100000000ul + (u64)(p)))
static volatile u64 ro_probe_word;
static u64 do_ro_read(void *p UNUSED) { return *RO_ALIAS_OF(&ro_probe_word); }
static u64 do_ro_write(void *p UNUSED) { *RO_ALIAS_OF(&ro_probe_word) = 2; return 0; }
static u64 do_cli(void *p UNUSED) { asm volatile("cli"); return 0; }
static u64 ufn_value(void *p) { return (u64)p + 1; }
static u64 ufn_tf(void *p UNUSED)
{
	asm volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tnop\n\tnop\n\t"
		     "pushfq\n\tandq $~0x100, (%%rsp)\n\tpopfq" ::: "memory", "cc");
	return 7;
}

struct irqwait { u64 vec, ms; volatile int ready; };
static u64 ufn_wait_irq(void *p)
{
	struct irqwait *w = p;
	u64 end = rdtsc() + ms_to_tsc(w->ms);
	w->ready = 1;
	while (!percpu[1].irq_count[w->vec] && rdtsc() < end)
		cpu_relax();
	return percpu[1].irq_count[w->vec];
}
static u64 ap_irq_receiver(void *p)
{
	percpu[1].irq_count[((struct irqwait *)p)->vec] = 0;
	return user_call(ufn_wait_irq, p);
}
static u64 ap_apic_mode(void *p) { apic_set_mode((int)(u64)p); return percpu[1].apic_id; }

/*
 * INIT-SIPI-SIPI the AP again, while it is idle, and give it back the
 * APIC mode it had.  Returns 0 if it did not come back.
 */
int ap_reinit(void)
{
	int x2 = percpu[1].x2apic;

	__atomic_store_n(&ap_online, 0, __ATOMIC_RELEASE);
	start_ap();
	if (!__atomic_load_n(&ap_online, __ATOMIC_ACQUIRE))
		return 0;
	if (!x2)
		return 1;
	ap_run(ap_apic_mode, (void *)1ul);
	return ap_wait(1000, NULL);
}

extern char compat_testui[];
static u64 do_compat_int3(void *p UNUSED)
{
	struct { u32 off; u16 sel; } __attribute__((packed)) fp = { (u32)(u64)compat_testui + 4, SEL_KCODE32 };
	asm volatile("ljmpl *%0" :: "m"(fp) : "memory");
	return 0;
}

static void framework_tests(void)
{
	struct percpu *pc = this_cpu();
	long rc = try_call(do_compat_int3, NULL);
	u64 ccs = pc->last_cs;
	ok(rc == 3 && ccs == SEL_KCODE32, "framework: compatibility-mode excursion (INT3 at CS=0x18) is caught",
	   "vector %ld cs %lx", rc, ccs);
	long r1 = try_call(do_ud2, NULL);
	long r2 = try_call(do_noncanon, NULL);
	u64 e2 = pc->last_err;
	long r3 = try_call(do_unmapped, NULL);
	u64 e3 = pc->last_err, cr2 = pc->last_cr2;
	ok(r1 == 6 && r2 == 13 && e2 == 0 && r3 == 14 && e3 == 0 && cr2 == 0x80000010ul,
	   "framework: CPL-0 exceptions caught with vector, error code and CR2",
	   "ud2 %ld; non-canonical %ld err %lx; unmapped %ld err %lx cr2 %lx", r1, r2, e2, r3, e3, cr2);
	ro_probe_word = 0x5a5a;
	u64 v = do_ro_read(NULL);
	long w0 = try_call(do_ro_write, NULL);
	u64 ew0 = pc->last_err, cw0 = pc->last_cr2;
	u64 r3u = user_call(do_ro_read, NULL);
	u64 er3 = pc->last_err;
	ok(v == 0x5a5a && w0 == 14 && ew0 == 3 && cw0 == (u64)RO_ALIAS_OF(&ro_probe_word) &&
	   r3u == (USER_FAULT | 14) && er3 == 5 && ro_probe_word == 0x5a5a,
	   "framework: the 4-5 GiB alias reads at CPL 0, faults on a CPL-0 write (P W) and a CPL-3 read (P U)",
	   "read %lx; write vector %ld err %lx cr2 %lx; CPL-3 read %lx err %lx; word %lx",
	   v, w0, ew0, cw0, r3u, er3, ro_probe_word);
	pc->db_n = 0;
	pc->db_hook = 1;
	u64 ut = user_call(ufn_tf, NULL);
	pc->db_hook = 0;
	ok(ut == 7 && pc->db_n >= 3 && pc->db_n < 10, "framework: single-step #DB at CPL 3 is recorded and resumed",
	   "ret %lx #DB count %lu", ut, pc->db_n);
	u64 u1 = user_call(ufn_value, (void *)41);
	u64 u2 = user_call(do_cli, NULL);
	u64 e = pc->last_err, cs = pc->last_cs;
	ok(u1 == 42 && u2 == (USER_FAULT | 13) && e == 0 && (cs & 3) == 3,
	   "framework: CPL-3 call returns its value; CPL-3 #GP returns to CPL 0",
	   "value %lu; cli -> %lx err %lx cs %lx", u1, u2, e, cs);
	for (int x2 = 0; x2 < 2; x2++) {
		char desc[100];
		snprintf(desc, sizeof(desc), "framework: fixed IPI vCPU 0 -> vCPU 1 at CPL 3 (%s)", x2 ? "x2APIC" : "xAPIC");
		if (!ap_online) {
			skip(desc, "second vCPU not online");
			continue;
		}
		if (x2 && !have_x2apic()) {
			skip(desc, "CPUID.1:ECX[21] (x2APIC) = 0");
			continue;
		}
		apic_set_mode(x2);
		u64 ap_id = 0;
		ap_run(ap_apic_mode, (void *)(u64)x2);
		int sw = ap_wait(1000, &ap_id);
		static struct irqwait w;
		w.vec = 0x42;
		w.ms = 2000;
		w.ready = 0;
		ap_run(ap_irq_receiver, &w);
		u64 end = rdtsc() + ms_to_tsc(1000);
		while (!w.ready && rdtsc() < end)
			cpu_relax();
		apic_send_ipi((u32)ap_id, 0x42);
		u64 n = 0;
		int fin = ap_wait(3000, &n);
		ok(sw && fin && n == 1, desc, "AP mode switch %d, finished %d, interrupts %lu (AP id %lu)", sw, fin, n, ap_id);
		/* SDM 17.3.1.1: outside REP string instructions, RF is pushed as it was. */
		u64 fl = percpu[1].last_irq_rflags;
		snprintf(desc, sizeof(desc), "interrupts: an external interrupt at CPL 3 pushes RFLAGS.RF as it was, 0 (%s)",
			 x2 ? "x2APIC" : "xAPIC");
		ok(fin && n == 1 && (fl & BIT(9)) && !(fl & BIT(16)), desc, "pushed RFLAGS %lx", fl);
	}
	apic_set_mode(0);
	if (ap_online) {
		ap_run(ap_apic_mode, (void *)0ul);
		ap_wait(1000, NULL);
	}
}

void kmain(void)
{
	/* .bss is zeroed by the multiboot loader (ELF memsz > filesz) */
	serial_init();
	/* mask the 8259s; everything goes through the local APIC */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	for (int v = 0; v < 256; v++)
		set_gate(v, ((u64 *)isr_table)[v], v == USER_EXIT_VECTOR ? 3 : 0);
	cpu_init(0);
	record_start(&bsp_start);
	parse_cmdline();
	tsc_calibrate();

	printf("TAP version 13\n");
	u32 a, b, c, d;
	cpuid(0, 0, &a, &b, &c, &d);
	char vendor[13];
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;
	diag("cpu-model test kernel; vendor %s, max leaf 0x%x, tsc %lu kHz, cmdline '%s'",
	     vendor, a, tsc_khz, cmdline);
	diag("CPUID.7.0: EBX=%08x ECX=%08x EDX=%08x; CPUID.7.1 EDX=%08x; CPUID.(0Dh,1) EAX=%08x ECX=%08x",
	     cpuid_reg(7, 0, EBX), cpuid_reg(7, 0, ECX), cpuid_reg(7, 0, EDX), cpuid_reg(7, 1, EDX),
	     cpuid_reg(0xd, 1, EAX), cpuid_reg(0xd, 1, ECX));

	start_ap();
	diag("BSP APIC id %lu (%s); AP %s", percpu[0].apic_id, percpu[0].x2apic ? "x2APIC" : "xAPIC",
	     ap_online ? "online" : "NOT online");

	if (strstr(cmdline, "bench")) {
		uintr_bench();
	} else if (strstr(cmdline, "stress")) {
		uintr_stress();
	} else if (xsave_variant_tests()) {
		/* a CPU variant: its own tests only */
	} else {
		ok(ap_online, "smp: second vCPU started with INIT-SIPI-SIPI", "AP did not come up");
		framework_tests();
		xsave_tests();
		uintr_tests();
	}
	printf("1..%d\n", tests_run);
	diag("%d test(s), %d failed", tests_run, tests_failed);
	qemu_exit(tests_failed ? 1 : 0);
}

_Static_assert(__builtin_offsetof(struct percpu, catch_rsp) == PC_CATCH_RSP, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, catch_active) == PC_CATCH_ACTIVE, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, catch_rflags) == PC_CATCH_RFLAGS, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, user_krsp) == PC_USER_KRSP, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, user_active) == PC_USER_ACTIVE, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, user_krflags) == PC_USER_KRFLAGS, "percpu layout");
