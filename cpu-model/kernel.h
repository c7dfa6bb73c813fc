/* SPDX-License-Identifier: GPL-2.0 */
/* cpu-model: shared definitions. */
#ifndef CPU_MODEL_KERNEL_H
#define CPU_MODEL_KERNEL_H

#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_KCODE32	0x18
#define SEL_UDATA	0x23
#define SEL_UCODE	0x2b
#define SEL_TSS0	0x30
#define SEL_UCODE32	0x53

#define TRAMP_ADDR	0x8000
#define USER_EXIT_VECTOR 0x80
#define USER_FAULT	0xdead0000ul

/* per-CPU block offsets (struct percpu below), reached through %gs */
#define PC_SELF		0
#define PC_CATCH_RSP	8
#define PC_CATCH_ACTIVE	16
#define PC_CATCH_RFLAGS	24
#define PC_USER_KRSP	32
#define PC_USER_ACTIVE	40
#define PC_USER_KRFLAGS	48

#ifndef __ASSEMBLER__

typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;
typedef int s32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef unsigned long size_t;
#define NULL ((void *)0)
#define BIT(n) (1ul << (n))
#define UNUSED __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vec, err, rip, cs, rflags, rsp, ss;
};

#define DB_LOG 64
struct percpu {
	u64 self;			/* 0 */
	u64 catch_rsp;			/* 8 */
	u64 catch_active;		/* 16 */
	u64 catch_rflags;		/* 24 */
	u64 user_krsp;			/* 32 */
	u64 user_active;		/* 40 */
	u64 user_krflags;		/* 48 */
	u64 cpu;
	u64 apic_id;
	int x2apic;
	/* last exception */
	u64 last_vec, last_err, last_rip, last_cr2, last_cs, last_rsp, exc_count;
	/* single-step recorder */
	int db_hook;
	u64 db_n;
	u64 db_rip[DB_LOG];
	volatile u64 irq_count[256];
	u64 last_irq_vec, last_irq_rip, last_irq_cs, last_irq_rflags;
	/* IDT entries for vector isr_check_vec that found it in service (ISR) */
	u64 isr_check_vec;
	volatile u64 isr_seen;
	u64 tss[13];			/* 104 bytes */
};

/* UINTR */
#define MSR_UINTR_RR		0x985
#define MSR_UINTR_HANDLER	0x986
#define MSR_UINTR_STACKADJUST	0x987
#define MSR_UINTR_MISC		0x988
#define MSR_UINTR_PD		0x989
#define MSR_UINTR_TT		0x98a
#define MSR_XSS			0xda0
#define MSR_APIC_BASE		0x1b
#define MSR_EFER		0xc0000080
#define MSR_GS_BASE		0xc0000101

#define CR4_UINTR		BIT(25)
#define CR4_OSXSAVE		BIT(18)
#define CR4_PKE			BIT(22)
#define CR0_TS			BIT(3)

#define UIRET_BYTES	".byte 0xf3,0x0f,0x01,0xec\n\t"
#define TESTUI_BYTES	".byte 0xf3,0x0f,0x01,0xed\n\t"
#define CLUI_BYTES	".byte 0xf3,0x0f,0x01,0xee\n\t"
#define STUI_BYTES	".byte 0xf3,0x0f,0x01,0xef\n\t"
#define SENDUIPI_RAX	".byte 0xf3,0x0f,0xc7,0xf0\n\t"	/* senduipi rax */
#define SENDUIPI_R12	".byte 0xf3,0x41,0x0f,0xc7,0xf4\n\t"	/* senduipi r12 */

struct upid {
	volatile u64 ctl;	/* ON bit 0, SN bit 1, NV 23:16, NDST 63:32 */
	volatile u64 pir;
	u64 pad[6];
} __attribute__((aligned(64)));
#define UPID_ON		BIT(0)
#define UPID_SN		BIT(1)
#define UPID_NV(v)	((u64)(v) << 16)
#define UPID_NDST(d)	((u64)(d) << 32)

struct uitte {
	u64 ctl;		/* V bit 0, UV 15:8 */
	u64 upid;
} __attribute__((aligned(16)));
#define UITTE_V		BIT(0)
#define UITTE_UV(v)	((u64)(v) << 8)

/* inline helpers */
static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline u32 cpuid_reg(u32 leaf, u32 sub, int r)
{
	u32 v[4];
	cpuid(leaf, sub, &v[0], &v[1], &v[2], &v[3]);
	return v[r];
}
enum { EAX, EBX, ECX, EDX };
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | ((u64)hi << 32);
}
static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline u64 read_cr0(void) { u64 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr2(void) { u64 v; asm volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u64 v) { asm volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline u64 xgetbv(u32 idx)
{
	u32 lo, hi;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return lo | ((u64)hi << 32);
}
static inline void xsetbv(u32 idx, u64 v)
{
	asm volatile("xsetbv" :: "c"(idx), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline u64 rdtsc(void)
{
	u32 lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((u64)hi << 32);
}
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void barrier(void) { asm volatile("" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline u64 read_rflags(void) { u64 f; asm volatile("pushfq; popq %0" : "=r"(f)); return f; }
static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}
static inline int testui(void)
{
	u8 cf;
	asm volatile(TESTUI_BYTES "setc %0" : "=q"(cf) :: "cc");
	return cf;
}
static inline void stui(void) { asm volatile(STUI_BYTES ::: "memory"); }
static inline void clui(void) { asm volatile(CLUI_BYTES ::: "memory"); }
static inline void senduipi_rax(u64 idx) { asm volatile(SENDUIPI_RAX :: "a"(idx) : "memory"); }
static inline void senduipi_r12(u64 idx)
{
	register u64 r12 asm("r12") = idx;
	asm volatile(SENDUIPI_R12 :: "r"(r12) : "memory");
}

/* boot.S */
typedef u64 (*ufn_t)(void *);
long try_call(ufn_t fn, void *arg);
u64 run_user(ufn_t fn, void *arg, u64 user_rsp, u64 user_rflags);
extern char tramp_start[], tramp_end[], isr_table[];
extern char uintr_entry_cpu0[], uintr_entry_cpu1[], user_trampoline[];
extern u64 mb_info_ptr, mb_magic, ap_stack_ptr, pml4[];
extern u64 u_pre_rsp, u_post_rip;
u64 ufn_stui_probe(void *arg);
u64 ufn_tf_probe(void *arg);

/* lib.c */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
const char *strstr(const char *h, const char *n);
int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void puts_raw(const char *s);

/* kernel.c */
extern struct percpu percpu[2];
extern int ap_online;
/*
 * What a CPU found each time it started: RESET and INIT leave it zero.
 * The BSP starts once, from RESET; the AP from RESET, then after INITs.
 */
struct ap_start_state {
	u64 starts;
	u64 uintr[6];		/* IA32_UINTR_RR .. IA32_UINTR_TT */
	u64 xss;
	int uif;
};
extern volatile struct ap_start_state ap_start, bsp_start;
int ap_reinit(void);
extern u64 tsc_khz;
extern char cmdline[256];
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void ok(int cond, const char *desc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void skip(const char *desc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
long wrmsr_safe(u32 msr, u64 v);
long rdmsr_safe(u32 msr, u64 *v);
u64 user_stack_top(int cpu);
#define USER_RFLAGS 0x202ul
u64 user_call(ufn_t fn, void *arg);
int fault_is(long r, int vec, u64 err);
u64 ms_to_tsc(u64 ms);
/* APIC */
void apic_set_mode(int x2);
void apic_eoi(void);
void apic_write(u32 off, u64 v);
u32 apic_read(u32 off);
void apic_send_ipi(u32 dest, u8 vec);
u32 apic_isr_word(int idx);
int have_x2apic(void);
/* AP command */
void ap_run(ufn_t fn, void *arg);
int ap_wait(u64 ms, u64 *ret);

/* tests */
void xsave_tests(void);
int xsave_variant_tests(void);
void uintr_tests(void);
void uintr_stress(void);
void uintr_bench(void);
void uintr_variant_nouintr(void);
void uintr_variant_nouiretuif(void);
void uintr_disable_all(void);

#endif /* !__ASSEMBLER__ */
#endif
