/* SPDX-License-Identifier: GPL-2.0 */
/* cpu-model: XSAVE helpers shared by the XSAVE and UINTR tests. */
#ifndef CPU_MODEL_XSAVE_H
#define CPU_MODEL_XSAVE_H
enum { OP_XSAVE, OP_XSAVEC, OP_XSAVES, OP_XRSTOR, OP_XRSTORS, OP_XSAVEC_LOCK, OP_XSAVES_LOCK, OP_XRSTORS_LOCK, OP_XSAVEOPT };
struct xop { int op; void *buf; u64 mask; };
#define XSTATE_BV(b) (*(volatile u64 *)((u8 *)(b) + 512))
#define XCOMP_BV(b) (*(volatile u64 *)((u8 *)(b) + 520))
extern u8 xbuf[3][8192];
long xop(int op, void *buf, u64 mask);
u64 xop_user(int op, void *buf, u64 mask);
int have_xsavec(void);
int have_xsaves(void);
u64 xss_supported(void);
int xss14_usable(void);
u64 xcr0_default(void);
u64 comp_offset(u64 mask, int comp);
void xrestore_defaults(void);
void set_xmm0(u64 lo, u64 hi);
void get_xmm0(u64 *v);
u32 get_mxcsr(void);
void set_mxcsr(u32 m);
#endif
