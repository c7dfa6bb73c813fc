// SPDX-License-Identifier: GPL-2.0
/*
 * cpu-model: XSAVES / XRSTORS / XSAVEC / compacted XRSTOR / IA32_XSS tests.
 * Spec: shared/xsaves-architecture.md (section 7 checklist).
 */
#include "kernel.h"
#include "xsave.h"

u8 xbuf[3][8192] __attribute__((aligned(64)));

static u64 do_xop(void *p)
{
	struct xop *x = p;
	u32 lo = (u32)x->mask, hi = (u32)(x->mask >> 32);
	switch (x->op) {
	case OP_XSAVE:   asm volatile("xsave64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory"); break;
	case OP_XSAVEC:  asm volatile("xsavec64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory"); break;
	case OP_XSAVES:  asm volatile("xsaves64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory"); break;
	case OP_XRSTOR:  asm volatile("xrstor64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory"); break;
	case OP_XRSTORS: asm volatile("xrstors64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory"); break;
	case OP_XSAVEOPT: asm volatile("xsaveopt64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory"); break;
	case OP_XSAVES_LOCK:
		asm volatile(".byte 0xf0\n\txsaves64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory");
		break;
	case OP_XRSTORS_LOCK:
		asm volatile(".byte 0xf0\n\txrstors64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory");
		break;
	case OP_XSAVEC_LOCK:
		asm volatile(".byte 0xf0\n\txsavec64 (%0)" :: "r"(x->buf), "a"(lo), "d"(hi) : "memory");
		break;
	}
	return 0;
}

long xop(int op, void *buf, u64 mask)
{
	struct xop x = { op, buf, mask };
	return try_call(do_xop, &x);
}

u64 xop_user(int op, void *buf, u64 mask)
{
	struct xop x = { op, buf, mask };
	return user_call(do_xop, &x);
}

int have_xsavec(void) { return (cpuid_reg(0xd, 1, EAX) >> 1) & 1; }
int have_xsaves(void) { return (cpuid_reg(0xd, 1, EAX) >> 3) & 1; }
u64 xss_supported(void) { return cpuid_reg(0xd, 1, ECX) | ((u64)cpuid_reg(0xd, 1, EDX) << 32); }

/* IA32_XSS[14] usable: enumerated, or forced from the command line ("force-xss14") */
int xss14_usable(void)
{
	if (!have_xsaves())
		return 0;
	if (xss_supported() & BIT(14))
		return 1;
	if (!strstr(cmdline, "force-xss14") || wrmsr_safe(MSR_XSS, BIT(14)) >= 0)
		return 0;
	wrmsr(MSR_XSS, 0);
	return 1;
}
u64 xcr0_default(void) { return cpuid_reg(0xd, 0, EAX) & 0x21f; }
static int have_avx(void) { return ((cpuid_reg(1, 0, ECX) >> 28) & 1) && (xcr0_default() & 4); }
static int have_pkru(void) { return ((cpuid_reg(7, 0, ECX) >> 3) & 1) && (xcr0_default() & BIT(9)); }

u64 comp_offset(u64 mask, int comp)
{
	u64 off = 576;
	for (int i = 2; i < 63; i++) {
		if (!(mask & BIT(i)))
			continue;
		u32 a, b, c, d;
		cpuid(0xd, i, &a, &b, &c, &d);
		if (c & 2)
			off = (off + 63) & ~63ul;
		if (i == comp)
			return off;
		off += a;
	}
	return off;		/* comp == 63: total size */
}

void xrestore_defaults(void)
{
	xsetbv(0, xcr0_default());
	if (have_xsaves())
		wrmsr(MSR_XSS, 0);
}

void fill(void *b, u8 pat, size_t n) { memset(b, pat, n); }

/* x87/SSE/AVX register access */
void set_xmm0(u64 lo, u64 hi) { u64 v[2] = { lo, hi }; asm volatile("movdqu %0, %%xmm0" :: "m"(v)); }
void get_xmm0(u64 *v) { asm volatile("movdqu %%xmm0, %0" : "=m"(*(u64(*)[2])v)); }
static void set_ymm0(const u64 *v) { asm volatile("vmovdqu %0, %%ymm0" :: "m"(*(const u64(*)[4])v)); }
static void get_ymm0(u64 *v) { asm volatile("vmovdqu %%ymm0, %0" : "=m"(*(u64(*)[4])v)); }
u32 get_mxcsr(void) { u32 m; asm volatile("stmxcsr %0" : "=m"(m)); return m; }
void set_mxcsr(u32 m) { asm volatile("ldmxcsr %0" :: "m"(m)); }
static u32 rdpkru(void) { u32 a, d; asm volatile("rdpkru" : "=a"(a), "=d"(d) : "c"(0)); return a; }
static void wrpkru(u32 v) { asm volatile("wrpkru" :: "a"(v), "c"(0), "d"(0)); }

static int all_bytes(const u8 *p, u8 v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static u64 do_rdxss(void *p UNUSED) { return rdmsr(MSR_XSS); }
static u64 do_wrxss0(void *p UNUSED) { wrmsr(MSR_XSS, 0); return 0; }

/* ------------------------------------------------------------------ */
static void cpuid_tests(void)
{
	u32 a, b, c, d;
	const char *t;

	t = "xsave: CPUID.(0Dh,1):EAX enumerates XSAVEOPT, XSAVEC, XGETBV1, XSAVES (bits 0-3)";
	cpuid(0xd, 1, &a, &b, &c, &d);
	if (!have_xsaves())
		skip(t, "CPUID.(0Dh,1):EAX[3] (XSAVES) = 0, EAX=%x", a);
	else
		ok((a & 0xf) == 0xf, t, "EAX=%x", a);

	t = "xsave: CPUID.(0Dh,0Eh) UINTR component = {EAX 48, EBX 0, ECX[0] 1, EDX 0} and (0Dh,1):ECX[14] = 1";
	if (!((cpuid_reg(7, 0, EDX) >> 5) & 1) || !have_xsaves()) {
		skip(t, "CPUID.7.0:EDX[5] (UINTR) or CPUID.(0Dh,1):EAX[3] (XSAVES) = 0");
	} else {
		cpuid(0xd, 14, &a, &b, &c, &d);
		ok(a == 48 && b == 0 && (c & 1) && !(c & ~3u) && d == 0 && (xss_supported() & BIT(14)), t,
		   "(0Dh,0Eh)=%x/%x/%x/%x XSS-supported=%lx", a, b, c, d, xss_supported());
		diag("CPUID.(0Dh,0Eh).ECX[1] (64-byte alignment) = %u", (c >> 1) & 1);
	}

	t = "xsave: CPUID.(0Dh,1).EBX = compacted size of the live XCR0|IA32_XSS";
	if (!have_xsavec() && !have_xsaves()) {
		skip(t, "CPUID.(0Dh,1):EAX[1] (XSAVEC) and EAX[3] (XSAVES) = 0");
	} else {
		u64 xss_opts[2] = { 0, xss_supported() & BIT(14) };
		u64 xcr0_opts[3] = { 3, xcr0_default() & 7, xcr0_default() };
		int bad = 0;
		char det[200] = "";
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 2; j++) {
				if (j && (!xss_opts[j] || !have_xsaves()))
					continue;
				xsetbv(0, xcr0_opts[i]);
				if (have_xsaves())
					wrmsr(MSR_XSS, xss_opts[j]);
				u64 exp = comp_offset(xcr0_opts[i] | xss_opts[j], 63);
				u32 got = cpuid_reg(0xd, 1, EBX);
				if (got != exp && !bad++)
					snprintf(det, sizeof(det), "XCR0=%lx XSS=%lx: EBX=%u expected %lu",
						 xcr0_opts[i], xss_opts[j], got, exp);
			}
		}
		/*
		 * Absolute values from the architectural sizes, not from the
		 * model's own leaves: legacy area and header 576, AVX 256,
		 * PKRU 8, UINTR 48 (832 is 64-byte aligned already).
		 */
		static const struct { u64 xcr0, xss; u32 size; } spot[] = {
			{ 3, 0, 576 }, { 7, 0, 832 }, { 0x203, 0, 584 }, { 7, BIT(14), 880 }, { 3, BIT(14), 624 },
		};
		for (unsigned i = 0; i < ARRAY_SIZE(spot); i++) {
			if ((spot[i].xcr0 & ~xcr0_default()) || (spot[i].xss & ~xss_opts[1]))
				continue;
			xsetbv(0, spot[i].xcr0);
			if (have_xsaves())
				wrmsr(MSR_XSS, spot[i].xss);
			if (cpuid_reg(0xd, 1, EBX) != spot[i].size && !bad++)
				snprintf(det, sizeof(det), "XCR0=%lx XSS=%lx: EBX=%u expected %u", spot[i].xcr0,
					 spot[i].xss, cpuid_reg(0xd, 1, EBX), spot[i].size);
		}
		xrestore_defaults();
		ok(!bad, t, "%s", det);
	}

	t = "xsave: CPUID.(0Dh,0).EBX does not change with IA32_XSS";
	if (!have_xsaves() || !(xss_supported() & BIT(14))) {
		skip(t, "CPUID.(0Dh,1):EAX[3] (XSAVES) = 0 or (0Dh,1):ECX[14] = 0");
	} else {
		u32 b0 = cpuid_reg(0xd, 0, EBX);
		wrmsr(MSR_XSS, BIT(14));
		u32 b1 = cpuid_reg(0xd, 0, EBX);
		wrmsr(MSR_XSS, 0);
		ok(b0 == b1, t, "EBX %u -> %u", b0, b1);
	}
}

static void xss_tests(void)
{
	const char *t;
	if (!have_xsaves()) {
		skip("xss: IA32_XSS write/read-back (supported bits and 0)", "CPUID.(0Dh,1):EAX[3] (XSAVES) = 0");
		skip("xss: IA32_XSS WRMSR with an unsupported bit (0,1,2,9,13,63) raises #GP(0)", "CPUID.(0Dh,1):EAX[3] (XSAVES) = 0");
		skip("xss: IA32_XSS RDMSR/WRMSR at CPL 3 raise #GP", "CPUID.(0Dh,1):EAX[3] (XSAVES) = 0");
		return;
	}
	t = "xss: IA32_XSS write/read-back (supported bits and 0)";
	{
		u64 sup = xss_supported(), v = 0;
		long r1 = wrmsr_safe(MSR_XSS, sup);
		long r2 = rdmsr_safe(MSR_XSS, &v);
		long r3 = wrmsr_safe(MSR_XSS, 0);
		u64 v0 = 1;
		rdmsr_safe(MSR_XSS, &v0);
		ok(r1 < 0 && r2 < 0 && r3 < 0 && v == sup && v0 == 0, t,
		   "wr(%lx)=%ld rd=%ld val=%lx wr0=%ld val0=%lx", sup, r1, r2, v, r3, v0);
	}
	t = "xss: IA32_XSS WRMSR with an unsupported bit (0,1,2,9,13,63) raises #GP(0)";
	{
		static const int bits[] = { 0, 1, 2, 9, 13, 63 };
		int bad = 0;
		char det[160] = "";
		for (unsigned i = 0; i < ARRAY_SIZE(bits); i++) {
			if (xss_supported() & BIT(bits[i]))
				continue;
			long r = wrmsr_safe(MSR_XSS, BIT(bits[i]));
			if (!fault_is(r, 13, 0) && !bad++)
				snprintf(det, sizeof(det), "bit %d: vector %ld", bits[i], r);
		}
		wrmsr(MSR_XSS, 0);
		ok(!bad, t, "%s", det);
	}
	t = "xss: IA32_XSS RDMSR/WRMSR at CPL 3 raise #GP";
	{
		u64 r1 = user_call(do_rdxss, NULL);
		u64 r2 = user_call(do_wrxss0, NULL);
		ok(r1 == (USER_FAULT | 13) && r2 == (USER_FAULT | 13), t, "rdmsr->%lx wrmsr->%lx", r1, r2);
	}
}

static void xsavec_tests(void)
{
	const char *t;
	const char *why = "CPUID.(0Dh,1):EAX[1] (XSAVEC) = 0";
	u8 *b = xbuf[0];
	long r;

	if (!have_xsavec()) {
		const char *names[] = {
			"xsavec: misaligned area raises #GP(0)",
			"xsavec: LOCK prefix raises #UD",
			"xsavec: CR0.TS=1 raises #NM",
			"xsavec: CR4.OSXSAVE=0 raises #UD",
			"xsavec: runs at CPL 3",
			"xsavec: XCOMP_BV = RFBM|2^63 (XSS ignored), XSTATE_BV, YMM_H at 576, reserved bytes untouched",
			"xsavec: XSTATE_BV written as a whole (bits outside RFBM cleared)",
			"xsavec: RFBM=0 writes only XSTATE_BV=0 and XCOMP_BV=2^63",
			"xsavec: compacted layout follows RFBM (PKRU at 576 / 832)",
			"xsavec: RFBM=5 does not write MXCSR",
			"xrstor: compacted form restores an XSAVEC image",
			"xrstor: compacted header checks raise #GP(0), state unchanged",
			"xrstor: compacted init (XSTATE_BV[1]=0 -> XMM=0, MXCSR=1F80h; XCOMP_BV[2]=0 -> YMM_H=0)",
			"xrstor: compacted form with RFBM=4 leaves MXCSR unchanged",
			"xrstor: compacted form with a reserved MXCSR bit in the SSE image raises #GP(0)",
			"xrstor: compacted offsets follow XCOMP_BV, not RFBM",
		};
		for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
			skip(names[i], "%s", why);
		return;
	}

	r = xop(OP_XSAVEC, b + 16, 3);
	ok(fault_is(r, 13, 0), "xsavec: misaligned area raises #GP(0)", "vector %ld err %lx", r, this_cpu()->last_err);
	r = xop(OP_XSAVEC_LOCK, b, 3);
	ok(r == 6, "xsavec: LOCK prefix raises #UD", "vector %ld", r);
	write_cr0(read_cr0() | CR0_TS);
	r = xop(OP_XSAVEC, b, 3);
	write_cr0(read_cr0() & ~CR0_TS);
	ok(r == 7, "xsavec: CR0.TS=1 raises #NM", "vector %ld", r);
	write_cr4(read_cr4() & ~CR4_OSXSAVE);
	r = xop(OP_XSAVEC, b, 3);
	write_cr4(read_cr4() | CR4_OSXSAVE);
	ok(r == 6, "xsavec: CR4.OSXSAVE=0 raises #UD", "vector %ld", r);
	fill(b, 0xa5, 4096);
	u64 ur = xop_user(OP_XSAVEC, b, 3);
	ok(ur == 0 && XCOMP_BV(b) == (BIT(63) | 3), "xsavec: runs at CPL 3", "ret %lx XCOMP_BV %lx", ur, XCOMP_BV(b));

	t = "xsavec: XCOMP_BV = RFBM|2^63 (XSS ignored), XSTATE_BV, YMM_H at 576, reserved bytes untouched";
	if (!have_avx()) {
		skip(t, "CPUID.1:ECX[28] (AVX) = 0");
	} else {
		xsetbv(0, 7);
		if (have_xsaves())
			wrmsr(MSR_XSS, xss_supported());
		u64 y[4] = { 0x1111, 0x2222, 0x3333333344444444ul, 0x5555555566666666ul }, yy[4];
		set_ymm0(y);
		asm volatile("fld1");
		set_mxcsr(0x1f80);
		fill(b, 0xa5, 4096);
		r = xop(OP_XSAVEC, b, ~0ul);
		asm volatile("fstp %st(0)");
		memcpy(yy, b + 576, 16);
		ok(r < 0 && XCOMP_BV(b) == (BIT(63) | 7) && XSTATE_BV(b) == 7 &&
		   yy[0] == y[2] && yy[1] == y[3] && all_bytes(b + 528, 0xa5, 48) && all_bytes(b + 464, 0xa5, 48) &&
		   all_bytes(b + 576 + 256, 0xa5, 64), t,
		   "fault %ld XCOMP_BV %lx XSTATE_BV %lx YMM_H %lx:%lx hdr-rsvd %d legacy-free %d",
		   r, XCOMP_BV(b), XSTATE_BV(b), yy[0], yy[1], all_bytes(b + 528, 0xa5, 48), all_bytes(b + 464, 0xa5, 48));
		xrestore_defaults();
	}

	t = "xsavec: XSTATE_BV written as a whole (bits outside RFBM cleared)";
	fill(b, 0xa5, 4096);
	XSTATE_BV(b) = ~0ul;
	r = xop(OP_XSAVEC, b, 1);
	ok(r < 0 && !(XSTATE_BV(b) & ~1ul) && XCOMP_BV(b) == (BIT(63) | 1), t,
	   "fault %ld XSTATE_BV %lx XCOMP_BV %lx", r, XSTATE_BV(b), XCOMP_BV(b));

	t = "xsavec: RFBM=0 writes only XSTATE_BV=0 and XCOMP_BV=2^63";
	fill(b, 0xa5, 4096);
	r = xop(OP_XSAVEC, b, 0);
	ok(r < 0 && XSTATE_BV(b) == 0 && XCOMP_BV(b) == BIT(63) && all_bytes(b, 0xa5, 512) &&
	   all_bytes(b + 528, 0xa5, 4096 - 528), t, "fault %ld XSTATE_BV %lx XCOMP_BV %lx legacy-untouched %d",
	   r, XSTATE_BV(b), XCOMP_BV(b), all_bytes(b, 0xa5, 512));

	t = "xsavec: compacted layout follows RFBM (PKRU at 576 / 832)";
	if (!have_pkru() || !have_avx()) {
		skip(t, "CPUID.7.0:ECX[3] (PKU) or AVX = 0");
	} else {
		write_cr4(read_cr4() | CR4_PKE);
		wrpkru(0x12345670);
		fill(b, 0xa5, 4096);
		r = xop(OP_XSAVEC, b, 0x201);
		u32 p1 = *(u32 *)(b + 576);
		fill(b, 0xa5, 4096);
		long r2 = xop(OP_XSAVEC, b, 0x205);
		u32 p2 = *(u32 *)(b + comp_offset(0x205, 9));
		wrpkru(0);
		write_cr4(read_cr4() & ~CR4_PKE);
		ok(r < 0 && r2 < 0 && p1 == 0x12345670 && p2 == 0x12345670, t,
		   "faults %ld/%ld PKRU@576=%x PKRU@832=%x", r, r2, p1, p2);
	}

	t = "xsavec: RFBM=5 does not write MXCSR";
	if (!have_avx()) {
		skip(t, "CPUID.1:ECX[28] (AVX) = 0");
	} else {
		set_mxcsr(0x1f80 | 0x6000);
		fill(b, 0xa5, 4096);
		r = xop(OP_XSAVEC, b, 5);
		set_mxcsr(0x1f80);
		ok(r < 0 && all_bytes(b + 24, 0xa5, 8), t, "fault %ld MXCSR bytes %x/%x", r,
		   *(u32 *)(b + 24), *(u32 *)(b + 28));
	}

	/* compacted XRSTOR */
	t = "xrstor: compacted form restores an XSAVEC image";
	{
		u64 v[2];
		set_xmm0(0x0123456789abcdeful, 0xfedcba9876543210ul);
		set_mxcsr(0x3f80);
		fill(b, 0, 4096);
		r = xop(OP_XSAVEC, b, 3);
		set_xmm0(0, 0);
		set_mxcsr(0x1f80);
		long r2 = xop(OP_XRSTOR, b, 3);
		get_xmm0(v);
		u32 m = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(r < 0 && r2 < 0 && v[0] == 0x0123456789abcdeful && v[1] == 0xfedcba9876543210ul && m == 0x3f80, t,
		   "faults %ld/%ld xmm0 %lx:%lx mxcsr %x", r, r2, v[1], v[0], m);
	}

	t = "xrstor: compacted header checks raise #GP(0), state unchanged";
	{
		int bad = 0;
		char det[160] = "";
		u64 v[2];
		set_xmm0(0x1111, 0x2222);
		fill(b, 0, 4096);
		xop(OP_XSAVEC, b, 3);
		set_xmm0(0x3333, 0x4444);
		memcpy(xbuf[1], b, 4096);
		u8 *c = xbuf[1];
		/*
		 * XCR0 = x87|SSE, so that bits 2 and 9 are outside it; and
		 * IA32_XSS[14] = 1 where it can be, because XRSTOR must
		 * refuse a supervisor bit even when IA32_XSS enables it.
		 */
		int xss14 = xss14_usable();
		xsetbv(0, 3);
		if (xss14)
			wrmsr(MSR_XSS, BIT(14));
		struct { const char *what; int off; u64 val; } cases[] = {
			{ "XCOMP_BV bit 14 (supervisor, in IA32_XSS)", 520, BIT(63) | 3 | BIT(14) },
			{ "XCOMP_BV bit 2 beyond XCR0", 520, BIT(63) | 3 | BIT(2) },
			{ "XCOMP_BV bit 9 beyond XCR0", 520, BIT(63) | 3 | BIT(9) },
			{ "XCOMP_BV bit 30 beyond XCR0", 520, BIT(63) | 3 | BIT(30) },
			{ "XSTATE_BV not subset of XCOMP_BV", 512, 7 },
			{ "reserved qword 528", 528, 1 }, { "reserved qword 536", 536, 1 },
			{ "reserved qword 544", 544, 1 }, { "reserved qword 552", 552, 1 },
			{ "reserved qword 560", 560, 1 }, { "reserved qword 568", 568, BIT(63) },
		};
		for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
			memcpy(c, b, 4096);
			if (cases[i].off == 512)
				XCOMP_BV(c) = BIT(63) | 3;
			*(u64 *)(c + cases[i].off) = cases[i].val;
			r = xop(OP_XRSTOR, c, ~0ul);
			get_xmm0(v);
			if ((!fault_is(r, 13, 0) || v[0] != 0x3333) && !bad++)
				snprintf(det, sizeof(det), "%s: vector %ld, xmm0 %lx", cases[i].what, r, v[0]);
		}
		xrestore_defaults();
		if (!xss14 && !bad++)
			snprintf(det, sizeof(det), "IA32_XSS[14] not usable: the bit-14 case ran with IA32_XSS = 0");
		ok(!bad, t, "%s", det);
	}

	t = "xrstor: compacted init (XSTATE_BV[1]=0 -> XMM=0, MXCSR=1F80h; XCOMP_BV[2]=0 -> YMM_H=0)";
	{
		u64 v[2], y[4] = { 1, 2, 3, 4 }, yy[4] = { 9, 9, 9, 9 };
		fill(b, 0, 4096);
		xop(OP_XSAVEC, b, 3);
		XSTATE_BV(b) = 1;
		set_xmm0(0x5555, 0x6666);
		if (have_avx())
			set_ymm0(y);
		set_mxcsr(0x3f80);
		r = xop(OP_XRSTOR, b, have_avx() ? 7 : 3);
		get_xmm0(v);
		u32 m = get_mxcsr();
		if (have_avx())
			get_ymm0(yy);
		else
			yy[2] = yy[3] = 0;
		set_mxcsr(0x1f80);
		ok(r < 0 && v[0] == 0 && v[1] == 0 && m == 0x1f80 && yy[2] == 0 && yy[3] == 0, t,
		   "fault %ld xmm0 %lx:%lx mxcsr %x ymm0_h %lx:%lx", r, v[1], v[0], m, yy[3], yy[2]);
	}

	t = "xrstor: compacted form with RFBM=4 leaves MXCSR unchanged";
	if (!have_avx()) {
		skip(t, "CPUID.1:ECX[28] (AVX) = 0");
	} else {
		set_mxcsr(0x3f80);
		fill(b, 0, 4096);
		xop(OP_XSAVEC, b, 7);
		set_mxcsr(0x1f80);
		r = xop(OP_XRSTOR, b, 4);
		u32 m = get_mxcsr();
		ok(r < 0 && m == 0x1f80, t, "fault %ld MXCSR %x (image %x)", r, m, *(u32 *)(b + 24));
	}
	{
		t = "xrstor: compacted form with a reserved MXCSR bit in the SSE image raises #GP(0)";
		u64 v[2];
		set_xmm0(0xabab, 0xcdcd);
		fill(b, 0, 4096);
		xop(OP_XSAVEC, b, 3);
		*(u32 *)(b + 24) = 0xffff0000u | 0x1f80;
		set_xmm0(0x1212, 0x3434);
		r = xop(OP_XRSTOR, b, 3);
		get_xmm0(v);
		u32 m = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(fault_is(r, 13, 0) && m == 0x1f80 && v[0] == 0x1212, t, "vector %ld MXCSR %x xmm0 %lx", r, m, v[0]);
	}

	t = "xrstor: compacted offsets follow XCOMP_BV, not RFBM";
	if (!have_pkru() || !have_avx()) {
		skip(t, "CPUID.7.0:ECX[3] (PKU) or AVX = 0");
	} else {
		write_cr4(read_cr4() | CR4_PKE);
		u64 v[2];
		set_xmm0(0x7777, 0x8888);
		wrpkru(0);
		fill(b, 0, 4096);
		XCOMP_BV(b) = BIT(63) | 0x207;
		XSTATE_BV(b) = 0x207;
		*(u32 *)(b + comp_offset(0x207, 9)) = 0x55555550;	/* PKRU after AVX */
		*(u32 *)(b + 576) = 0xdeadbee0;		/* where it would be by RFBM */
		r = xop(OP_XRSTOR, b, 0x200);
		u32 p = rdpkru();
		get_xmm0(v);
		wrpkru(0);
		write_cr4(read_cr4() & ~CR4_PKE);
		ok(r < 0 && p == 0x55555550 && v[0] == 0x7777, t, "fault %ld PKRU %x xmm0 %lx", r, p, v[0]);
	}
}

static u64 do_fxrstor(void *p) { asm volatile("fxrstor64 (%0)" :: "r"(p) : "memory"); return 0; }
static u64 do_ldmxcsr(void *p) { asm volatile("ldmxcsr (%0)" :: "r"(p) : "memory"); return 0; }

/* The standard-form instructions: #NM, and XSTATE_BV outside XCR0. */
static void xsave_std_more_tests(void)
{
	u8 *b = xbuf[0];
	long r1, r2, r3, r4;

	fill(b, 0, 4096);
	xop(OP_XSAVE, b, 3);
	write_cr0(read_cr0() | CR0_TS);
	r1 = xop(OP_XSAVE, b, 3);
	r2 = xop(OP_XRSTOR, b, 3);
	r3 = xop(OP_XSAVEOPT, b, 3);
	write_cr0(read_cr0() & ~CR0_TS);
	ok(r1 == 7 && r2 == 7 && r3 == 7, "xsave/xrstor/xsaveopt: CR0.TS=1 raises #NM", "vectors %ld/%ld/%ld", r1, r2, r3);

	/* XCR0 = x87|SSE|AVX; an image with XSTATE_BV[2] is fine, [9] (PKRU) is not */
	if (!have_avx()) {
		skip("xrstor: standard form with an XSTATE_BV bit outside XCR0 raises #GP(0)", "no AVX in XCR0");
		return;
	}
	xsetbv(0, 7);
	fill(b, 0, 4096);
	xop(OP_XSAVE, b, 7);
	XSTATE_BV(b) |= 4;
	r1 = xop(OP_XRSTOR, b, 7);
	XSTATE_BV(b) |= BIT(9);
	r2 = xop(OP_XRSTOR, b, 7);
	XSTATE_BV(b) &= ~BIT(9);
	XSTATE_BV(b) |= BIT(30);
	r4 = xop(OP_XRSTOR, b, 7);
	xrestore_defaults();
	ok(r1 < 0 && fault_is(r2, 13, 0) && fault_is(r4, 13, 0),
	   "xrstor: standard form with an XSTATE_BV bit outside XCR0 (9, 30) raises #GP(0)",
	   "bit 2: %ld, bit 9: %ld, bit 30: %ld", r1, r2, r4);
}

static void xrstor_std_tests(void)
{
	const char *t = "xrstor: standard form header: XCOMP_BV=1 and qword 528 #GP(0); byte 540 accepted";
	u8 *b = xbuf[0];
	fill(b, 0, 4096);
	xop(OP_XSAVE, b, 3);
	XCOMP_BV(b) = 1;
	long r1 = xop(OP_XRSTOR, b, 3);
	XCOMP_BV(b) = 0;
	*(u64 *)(b + 528) = 1;
	long r2 = xop(OP_XRSTOR, b, 3);
	*(u64 *)(b + 528) = 0;
	b[540] = 1;
	long r3 = xop(OP_XRSTOR, b, 3);
	ok(fault_is(r1, 13, ~0ul) && fault_is(r2, 13, ~0ul) && r3 < 0, t, "vectors %ld/%ld/%ld", r1, r2, r3);

	/*
	 * The standard form handles MXCSR for RFBM[1] or RFBM[2]
	 * (shared/xsaves-architecture.md 3.2 and 3.5, checklist 11 and 23).
	 */
	t = "xsave: standard form with RFBM=4 writes MXCSR and MXCSR_MASK";
	if (!have_avx()) {
		skip(t, "no AVX in XCR0");
	} else {
		fill(b, 0xa5, 4096);
		set_mxcsr(0x1f80 | 0x6000);
		long r = xop(OP_XSAVE, b, 4);
		set_mxcsr(0x1f80);
		ok(r < 0 && *(u32 *)(b + 24) == 0x7f80 && *(u32 *)(b + 28) == 0xffff, t,
		   "fault %ld MXCSR %x MXCSR_MASK %x", r, *(u32 *)(b + 24), *(u32 *)(b + 28));
	}

	t = "xrstor: standard form with RFBM=4 loads MXCSR, even with XSTATE_BV=0";
	if (!have_avx()) {
		skip(t, "no AVX in XCR0");
	} else {
		fill(b, 0, 4096);
		xop(OP_XSAVE, b, 3);
		*(u32 *)(b + 24) = 0x3f80;
		XSTATE_BV(b) = 0;
		long r = xop(OP_XRSTOR, b, 4);
		u32 m = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(r < 0 && m == 0x3f80, t, "fault %ld MXCSR %x", r, m);
	}

	t = "xrstor: standard form with RFBM=4 and a reserved MXCSR bit raises #GP(0)";
	if (!have_avx()) {
		skip(t, "no AVX in XCR0");
	} else {
		fill(b, 0, 4096);
		xop(OP_XSAVE, b, 3);
		*(u32 *)(b + 24) = 0x1f80 | 0x10000;
		long r = xop(OP_XRSTOR, b, 4);
		u32 m = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(fault_is(r, 13, 0) && m == 0x1f80, t, "vector %ld MXCSR %x", r, m);
	}

	t = "fxrstor, ldmxcsr: a reserved MXCSR bit raises #GP(0), MXCSR unchanged";
	{
		fill(b, 0, 4096);
		asm volatile("fxsave64 (%0)" :: "r"(b) : "memory");
		*(u32 *)(b + 24) = 0x1f80 | 0x10000;
		long r1 = try_call(do_fxrstor, b);
		u32 m1 = get_mxcsr();
		u32 bad = 0x1f80 | 0x80000000u;
		long r2 = try_call(do_ldmxcsr, &bad);
		u32 m2 = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(fault_is(r1, 13, 0) && fault_is(r2, 13, 0) && m1 == 0x1f80 && m2 == 0x1f80, t,
		   "fxrstor: vector %ld MXCSR %x; ldmxcsr: vector %ld MXCSR %x", r1, m1, r2, m2);
	}
}

static void xsaves_tests(void)
{
	const char *why = "CPUID.(0Dh,1):EAX[3] (XSAVES) = 0";
	u8 *b = xbuf[0];
	long r;
	if (!have_xsaves()) {
		const char *names[] = {
			"xsaves: CPL 3 raises #GP(0)",
			"xsaves: misaligned area raises #GP(0)",
			"xsaves/xrstors: CR0.TS=1 raises #NM, LOCK prefix raises #UD",
			"xrstors: reserved MXCSR bit in the SSE image raises #GP(0)",
			"xsaves: XCOMP_BV = (XCR0|XSS)&mask | 2^63, bit 14 only with XSS[14]",
			"xrstors: CPL 3 raises #GP(0)",
			"xrstors: misaligned area raises #GP(0)",
			"xrstors: standard-format image (XCOMP_BV[63]=0) raises #GP(0)",
			"xrstors: XCOMP_BV bit not in XCR0|XSS raises #GP(0)",
			"xrstors: XSTATE_BV not subset of XCOMP_BV / reserved header raise #GP(0)",
			"xrstors: restores an XSAVEC image",
			"xrstors: XSTATE_BV[1]=0 initialises XMM and MXCSR",
		};
		for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
			skip(names[i], "%s", why);
		return;
	}
	fill(b, 0, 4096);
	u64 ur = xop_user(OP_XSAVES, b, 3);
	ok(ur == (USER_FAULT | 13) && percpu[0].last_err == 0, "xsaves: CPL 3 raises #GP(0)", "ret %lx err %lx",
	   ur, percpu[0].last_err);
	r = xop(OP_XSAVES, b + 32, 3);
	ok(fault_is(r, 13, 0), "xsaves: misaligned area raises #GP(0)", "vector %ld", r);
	{
		write_cr0(read_cr0() | CR0_TS);
		long r1 = xop(OP_XSAVES, b, 3);
		long r2 = xop(OP_XRSTORS, b, 3);
		write_cr0(read_cr0() & ~CR0_TS);
		long r3 = xop(OP_XSAVES_LOCK, b, 3);
		long r4 = xop(OP_XRSTORS_LOCK, b, 3);
		ok(r1 == 7 && r2 == 7 && r3 == 6 && r4 == 6, "xsaves/xrstors: CR0.TS=1 raises #NM, LOCK prefix raises #UD",
		   "TS: %ld/%ld LOCK: %ld/%ld", r1, r2, r3, r4);
	}
	{
		u64 v[2];
		set_xmm0(0xabab, 0xcdcd);
		fill(b, 0, 4096);
		xop(OP_XSAVES, b, 3);
		*(u32 *)(b + 24) = 0x00010000u | 0x1f80;
		set_xmm0(0x1212, 0x3434);
		r = xop(OP_XRSTORS, b, 3);
		get_xmm0(v);
		u32 m = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(fault_is(r, 13, 0) && m == 0x1f80 && v[0] == 0x1212,
		   "xrstors: reserved MXCSR bit in the SSE image raises #GP(0)", "vector %ld MXCSR %x xmm0 %lx", r, m, v[0]);
	}

	{
		const char *t = "xsaves: XCOMP_BV = (XCR0|XSS)&mask | 2^63, bit 14 only with XSS[14]";
		u64 x0 = xcr0_default() & 7;
		int bad = 0;
		char det[160] = "";
		fill(b, 0, 4096);
		r = xop(OP_XSAVES, b, ~0ul);
		if ((r >= 0 || XCOMP_BV(b) != (BIT(63) | xcr0_default())) && !bad++)
			snprintf(det, sizeof(det), "XSS=0: fault %ld XCOMP_BV %lx", r, XCOMP_BV(b));
		if (xss_supported() & BIT(14)) {
			xsetbv(0, x0);
			wrmsr(MSR_XSS, BIT(14));
			fill(b, 0, 4096);
			r = xop(OP_XSAVES, b, ~0ul);
			if ((r >= 0 || XCOMP_BV(b) != (BIT(63) | BIT(14) | x0)) && !bad++)
				snprintf(det, sizeof(det), "XSS=4000: fault %ld XCOMP_BV %lx", r, XCOMP_BV(b));
			fill(b, 0, 4096);
			r = xop(OP_XSAVES, b, 3);
			if ((r >= 0 || XCOMP_BV(b) != (BIT(63) | 3)) && !bad++)
				snprintf(det, sizeof(det), "XSS=4000 mask 3: fault %ld XCOMP_BV %lx", r, XCOMP_BV(b));
			xrestore_defaults();
		}
		ok(!bad, t, "%s", det);
	}

	fill(b, 0, 4096);
	xop(OP_XSAVES, b, 3);
	ur = xop_user(OP_XRSTORS, b, 3);
	ok(ur == (USER_FAULT | 13) && percpu[0].last_err == 0, "xrstors: CPL 3 raises #GP(0)", "ret %lx", ur);
	memcpy(b + 64, b, 1024);
	r = xop(OP_XRSTORS, b + 32, 3);
	ok(fault_is(r, 13, 0), "xrstors: misaligned area raises #GP(0)", "vector %ld", r);

	{
		u64 v[2];
		set_xmm0(0xaaaa, 0xbbbb);
		fill(b, 0, 4096);
		xop(OP_XSAVE, b, 3);
		set_xmm0(0xcccc, 0xdddd);
		r = xop(OP_XRSTORS, b, 3);
		get_xmm0(v);
		ok(fault_is(r, 13, 0) && v[0] == 0xcccc, "xrstors: standard-format image (XCOMP_BV[63]=0) raises #GP(0)",
		   "vector %ld xmm0 %lx", r, v[0]);
	}
	{
		fill(b, 0, 4096);
		xop(OP_XSAVES, b, 3);
		XCOMP_BV(b) |= BIT(14);		/* XSS = 0 here */
		r = xop(OP_XRSTORS, b, ~0ul);
		XCOMP_BV(b) &= ~BIT(14);
		XCOMP_BV(b) |= BIT(40);
		long r2 = xop(OP_XRSTORS, b, ~0ul);
		ok(fault_is(r, 13, 0) && fault_is(r2, 13, 0), "xrstors: XCOMP_BV bit not in XCR0|XSS raises #GP(0)",
		   "bit14 -> %ld, bit40 -> %ld", r, r2);
	}
	{
		int bad = 0;
		char det[120] = "";
		fill(b, 0, 4096);
		xop(OP_XSAVES, b, 3);
		memcpy(xbuf[1], b, 4096);
		u8 *c = xbuf[1];
		XSTATE_BV(c) = 7;
		XCOMP_BV(c) = BIT(63) | 3;
		r = xop(OP_XRSTORS, c, ~0ul);
		if (!fault_is(r, 13, 0))
			bad++, snprintf(det, sizeof(det), "XSTATE_BV 7 / XCOMP_BV 3: %ld", r);
		for (int off = 528; off < 576; off += 8) {
			memcpy(c, b, 4096);
			*(u64 *)(c + off) = BIT(off & 63);
			r = xop(OP_XRSTORS, c, ~0ul);
			if (!fault_is(r, 13, 0) && !bad++)
				snprintf(det, sizeof(det), "reserved qword %d: %ld", off, r);
		}
		ok(!bad, "xrstors: XSTATE_BV not subset of XCOMP_BV / reserved header raise #GP(0)", "%s", det);
	}
	if (have_xsavec()) {
		u64 v[2];
		set_xmm0(0x1234, 0x5678);
		fill(b, 0, 4096);
		xop(OP_XSAVEC, b, 3);
		set_xmm0(0, 0);
		r = xop(OP_XRSTORS, b, ~0ul);
		get_xmm0(v);
		ok(r < 0 && v[0] == 0x1234 && v[1] == 0x5678, "xrstors: restores an XSAVEC image", "fault %ld xmm0 %lx:%lx",
		   r, v[1], v[0]);
	} else {
		skip("xrstors: restores an XSAVEC image", "CPUID.(0Dh,1):EAX[1] (XSAVEC) = 0");
	}
	{
		u64 v[2];
		fill(b, 0, 4096);
		xop(OP_XSAVES, b, 3);
		XSTATE_BV(b) = 1;
		set_xmm0(0x9999, 0x9999);
		set_mxcsr(0x3f80);
		r = xop(OP_XRSTORS, b, 3);
		get_xmm0(v);
		u32 m = get_mxcsr();
		set_mxcsr(0x1f80);
		ok(r < 0 && v[0] == 0 && v[1] == 0 && m == 0x1f80, "xrstors: XSTATE_BV[1]=0 initialises XMM and MXCSR",
		   "fault %ld xmm0 %lx:%lx mxcsr %x", r, v[1], v[0], m);
	}
}

/*
 * A 2 MiB window of RAM at 5 GiB, followed by a page that is not present:
 * an area that ends in the window's last bytes has its tail in the hole.
 */
extern u64 pd5[512];
static u8 xwin[2ul << 20] __attribute__((aligned(2ul << 20)));
#define WIN_VA	0x140000000ul
#define WIN_END	(WIN_VA + sizeof(xwin))

static void map_window(int on)
{
	pd5[0] = on ? (u64)xwin | 0x83 : 0;	/* P, R/W, PS; supervisor */
	pd5[1] = 0;
	asm volatile("mov %%cr3, %%rax\n\tmov %%rax, %%cr3" ::: "rax", "memory");
}

/*
 * A #PF partway through the area: the fault names the first byte of the
 * hole, and (the model's choice: the whole area is probed before anything
 * changes) neither memory nor registers are changed.
 */
static void partway_tests(void)
{
	struct percpu *pc = &percpu[0];
	u8 *va = (u8 *)(WIN_END - 576), *pa = xwin + sizeof(xwin) - 576;
	u64 x[2];
	long r;

	if (!have_avx()) {
		skip("xsave: #PF partway through the area", "no AVX");
		return;
	}
	map_window(1);
	xsetbv(0, xcr0_default());

	/* XSAVE: x87 and SSE fit, AVX (at 576) is in the hole. */
	set_xmm0(0x1111, 0x2222);
	fill(pa, 0xa5, 576);
	r = xop(OP_XSAVE, va, 7);
	ok(r == 14 && pc->last_cr2 == WIN_END && (pc->last_err & 7) == 2 && all_bytes(pa, 0xa5, 576),
	   "xsave: #PF partway through the area (AVX on a not-present page): CR2 = its first byte, a write, nothing written",
	   "vector %ld cr2 %lx (hole at %lx) err %lx; area %s", r, pc->last_cr2, WIN_END, pc->last_err,
	   all_bytes(pa, 0xa5, 576) ? "untouched" : "written");

	/* XRSTOR: an image that sets XMM0 = 3:4, with AVX in the hole. */
	fill(xbuf[0], 0, 1024);
	r = xop(OP_XSAVE, xbuf[0], 7);
	((u64 *)(xbuf[0] + 160))[0] = 3;
	((u64 *)(xbuf[0] + 160))[1] = 4;
	XSTATE_BV(xbuf[0]) = 7;
	memcpy(pa, xbuf[0], 576);
	r = xop(OP_XRSTOR, va, 7);
	get_xmm0(x);
	ok(r == 14 && pc->last_cr2 == WIN_END && (pc->last_err & 7) == 0 && x[0] == 0x1111 && x[1] == 0x2222,
	   "xrstor: #PF partway through the area (AVX on a not-present page): CR2 = its first byte, a read, XMM0 kept",
	   "vector %ld cr2 %lx (hole at %lx) err %lx; XMM0 %lx:%lx", r, pc->last_cr2, WIN_END, pc->last_err,
	   x[1], x[0]);

	/*
	 * XSAVES of the UINTR component into the hole: the component is not
	 * saved, so UINV, which XSAVES clears after saving it, stays.
	 */
	if (xss14_usable() && ((cpuid_reg(7, 0, EDX) >> 5) & 1)) {
		const u64 misc = (0xecul << 32) | 3;

		wrmsr(MSR_XSS, BIT(14));
		wrmsr(MSR_UINTR_HANDLER, 0x1000);
		wrmsr(MSR_UINTR_MISC, misc);
		u64 off = comp_offset(BIT(14), 14);
		u8 *sva = (u8 *)(WIN_END - off), *spa = xwin + sizeof(xwin) - off;
		fill(spa, 0xa5, off);
		r = xop(OP_XSAVES, sva, 3 | BIT(14));
		u64 m = rdmsr(MSR_UINTR_MISC);
		wrmsr(MSR_UINTR_MISC, 0);
		wrmsr(MSR_UINTR_HANDLER, 0);
		wrmsr(MSR_XSS, 0);
		ok(r == 14 && pc->last_cr2 == WIN_END && (pc->last_err & 7) == 2 && m == misc && all_bytes(spa, 0xa5, off),
		   "xsaves: #PF with the UINTR component on a not-present page: nothing written, UINV not cleared",
		   "vector %ld cr2 %lx (hole at %lx) err %lx; MISC %lx (was %lx); area %s", r, pc->last_cr2, WIN_END,
		   pc->last_err, m, misc, all_bytes(spa, 0xa5, off) ? "untouched" : "written");
	} else {
		skip("xsaves: #PF with the UINTR component on a not-present page", "no IA32_XSS[14]");
	}
	map_window(0);
}

void xsave_tests(void)
{
	if (!((cpuid_reg(1, 0, ECX) >> 26) & 1)) {
		skip("xsave: all XSAVE tests", "CPUID.1:ECX[26] (XSAVE) = 0");
		return;
	}
	diag("XCR0 default %lx; XSS supported %lx; XSAVEC %d XSAVES %d", xcr0_default(),
	     have_xsaves() ? xss_supported() : 0, have_xsavec(), have_xsaves());
	if (have_xsaves() && ((cpuid_reg(7, 0, EDX) >> 5) & 1) && !(xss_supported() & BIT(14))) {
		long r = wrmsr_safe(MSR_XSS, BIT(14));
		wrmsr_safe(MSR_XSS, 0);
		diag("UINTR enumerated but CPUID.(0Dh,1):ECX[14] = 0; WRMSR IA32_XSS=0x4000 %s%s", r < 0 ? "accepted" : "faults",
		     strstr(cmdline, "force-xss14") ? "; force-xss14: running component-14 tests anyway" :
		     " (append force-xss14 to run the component-14 tests anyway)");
	}
	cpuid_tests();
	xss_tests();
	xsavec_tests();
	xrstor_std_tests();
	xsave_std_more_tests();
	xsaves_tests();
	partway_tests();
	xrestore_defaults();
}

/*
 * The CPU variants that cpu-model.sh boots besides the full model:
 * "cpu-variant=noxsavec" runs under "-cpu max,-xsavec", and
 * "cpu-variant=noxsaves" under "-cpu max,-xsaves" (and the UINTR ones in
 * tests_uintr.c).  Each checks what the missing feature changes, and
 * nothing else.
 */
static void noxsavec_tests(void)
{
	u8 *b = xbuf[0];
	u64 v[2], h = 0;
	long r1, r2;
	const char *t;

	ok(!have_xsavec() && have_xsaves(), "variant noxsavec: CPUID.(0Dh,1):EAX[1] = 0 and EAX[3] = 1",
	   "EAX=%x", cpuid_reg(0xd, 1, EAX));
	if (!have_xsaves())
		return;

	t = "variant noxsavec: XSAVES/XRSTORS round trip of XMM0 (XRSTORS needs no XSAVEC)";
	set_xmm0(0x1111, 0x2222);
	fill(b, 0, 4096);
	r1 = xop(OP_XSAVES, b, 3);
	set_xmm0(0, 0);
	r2 = xop(OP_XRSTORS, b, 3);
	get_xmm0(v);
	ok(r1 < 0 && r2 < 0 && v[0] == 0x1111 && v[1] == 0x2222, t,
	   "xsaves %ld xrstors %ld xmm0 %lx:%lx", r1, r2, v[1], v[0]);

	t = "variant noxsavec: XRSTOR of a compacted image raises #GP(0)";
	r1 = xop(OP_XRSTOR, b, 3);
	ok(fault_is(r1, 13, 0), t, "vector %ld", r1);

	t = "variant noxsavec: XSAVEC raises #UD";
	r1 = xop(OP_XSAVEC, b, 3);
	ok(r1 == 6, t, "vector %ld", r1);

	t = "variant noxsavec: XRSTORS restores the UINTR component (14)";
	if (!xss14_usable()) {
		ok(0, t, "IA32_XSS[14] not usable: CPUID.(0Dh,1):ECX=%x", cpuid_reg(0xd, 1, ECX));
		return;
	}
	wrmsr(MSR_XSS, BIT(14));
	wrmsr(MSR_UINTR_HANDLER, 0x00007fffcafe0000ul);
	fill(b, 0, 4096);
	r1 = xop(OP_XSAVES, b, BIT(14) | 3);
	wrmsr(MSR_UINTR_HANDLER, 0);
	r2 = xop(OP_XRSTORS, b, BIT(14) | 3);
	rdmsr_safe(MSR_UINTR_HANDLER, &h);
	wrmsr(MSR_UINTR_HANDLER, 0);
	xrestore_defaults();
	ok(r1 < 0 && r2 < 0 && h == 0x00007fffcafe0000ul, t, "xsaves %ld xrstors %ld handler %lx", r1, r2, h);
}

static void noxsaves_tests(void)
{
	u32 a, b, c, d;
	u64 v;
	long r1, r2;

	ok(!have_xsaves(), "variant noxsaves: CPUID.(0Dh,1):EAX[3] = 0", "EAX=%x", cpuid_reg(0xd, 1, EAX));

	cpuid(0xd, 1, &a, &b, &c, &d);
	ok(c == 0 && d == 0, "variant noxsaves: CPUID.(0Dh,1):EDX:ECX enumerates no IA32_XSS bit",
	   "ECX=%x EDX=%x", c, d);

	cpuid(0xd, 14, &a, &b, &c, &d);
	ok(!a && !b && !c && !d, "variant noxsaves: CPUID.(0Dh,0Eh) reports no UINTR component",
	   "%x/%x/%x/%x", a, b, c, d);

	r1 = rdmsr_safe(MSR_XSS, &v);
	r2 = wrmsr_safe(MSR_XSS, 0);
	ok(fault_is(r1, 13, 0) && fault_is(r2, 13, 0), "variant noxsaves: RDMSR and WRMSR of IA32_XSS raise #GP(0)",
	   "rdmsr %ld wrmsr %ld", r1, r2);

	r1 = xop(OP_XSAVES, xbuf[0], 3);
	r2 = xop(OP_XRSTORS, xbuf[0], 3);
	ok(r1 == 6 && r2 == 6, "variant noxsaves: XSAVES and XRSTORS raise #UD", "%ld/%ld", r1, r2);
}

/*
 * "cpu-variant=named-old" and "cpu-variant=named-new": a named CPU model
 * that lists XSAVEC and XSAVES (SapphireRapids) on a machine type from
 * before TCG had them, which must keep its old CPUID (without both), and
 * on the current one, which offers them.
 */
static void named_model_tests(int have)
{
	const char *m = have ? "current machine type" : "machine type 9.2";
	u32 eax = cpuid_reg(0xd, 1, EAX);
	u64 v;
	long r = rdmsr_safe(MSR_XSS, &v);

	ok(((eax >> 1) & 1) == (u32)have && ((eax >> 3) & 1) == (u32)have && (eax & BIT(0)) && (eax & BIT(2)),
	   have ? "variant named-new: SapphireRapids, current machine type: XSAVEC and XSAVES offered"
		: "variant named-old: SapphireRapids, machine type 9.2: no XSAVEC, no XSAVES (CPUID kept)",
	   "%s: CPUID.(0Dh,1):EAX=%x", m, eax);
	ok(have ? r < 0 && v == 0 : fault_is(r, 13, 0),
	   have ? "variant named-new: IA32_XSS reads 0" : "variant named-old: RDMSR of IA32_XSS raises #GP(0)",
	   "%s: rdmsr %ld value %lx", m, r, have ? v : 0);
}

/* Returns 0 when the command line names no variant. */
int xsave_variant_tests(void)
{
	if (strstr(cmdline, "cpu-variant=noxsavec"))
		noxsavec_tests();
	else if (strstr(cmdline, "cpu-variant=noxsaves"))
		noxsaves_tests();
	else if (strstr(cmdline, "cpu-variant=named-old"))
		named_model_tests(0);
	else if (strstr(cmdline, "cpu-variant=named-new"))
		named_model_tests(1);
	else if (strstr(cmdline, "cpu-variant=nouintr"))
		uintr_variant_nouintr();
	else if (strstr(cmdline, "cpu-variant=nouiretuif"))
		uintr_variant_nouiretuif();
	else
		return 0;
	return 1;
}
