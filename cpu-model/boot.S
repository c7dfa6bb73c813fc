/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu-model: boot code.  Multiboot v1 entry in 32-bit protected mode,
 * switch to long mode with identity paging, AP real-mode trampoline,
 * IDT stubs, fault-catching call (try_call) and the ring-3 runner.
 */
#define __ASSEMBLER__ 1
#include "kernel.h"

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000000

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

/* ------------------------------------------------------------------ */
	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	mov	%ebx, mb_info_ptr
	mov	%eax, mb_magic
	xor	%edi, %edi			/* cpu 0 */
	mov	$bsp_stack_top, %esp
	jmp	common32

	/* APs arrive here from the trampoline, flat 32-bit segments. */
	.globl ap_entry32
ap_entry32:
	cli
	cld
	mov	$SEL_KDATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$1, %edi			/* cpu 1 */
	mov	$ap_boot_stack_top, %esp

common32:
	lgdt	gdt_ptr
	mov	$SEL_KDATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$0x20, %eax			/* PAE */
	mov	%eax, %cr4
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	$0xC0000080, %ecx		/* EFER */
	rdmsr
	or	$0x100, %eax			/* LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax		/* PG | WP | PE */
	mov	%eax, %cr0
	ljmp	$SEL_KCODE, $long_entry

	.code64
long_entry:
	mov	$SEL_KDATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	test	%edi, %edi
	jnz	1f
	mov	$bsp_stack_top, %rsp
	call	kmain
	jmp	halt_forever
1:	mov	ap_stack_ptr(%rip), %rsp
	call	ap_main
halt_forever:
	cli
	hlt
	jmp	halt_forever

/* ------------------------------------------------------------------ */
/* AP trampoline, copied to TRAMP_ADDR (below 1 MiB) before INIT-SIPI-SIPI. */
	.section .rodata
	.code16
	.globl tramp_start, tramp_end
tramp_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	(TRAMP_ADDR + tramp_gdtr - tramp_start)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$SEL_KCODE32, $ap_entry32
	.align 4
tramp_gdtr:
	.word	gdt_end - gdt - 1
	.long	gdt
tramp_end:
	.code64

/* ------------------------------------------------------------------ */
	.data
	.align 16
	.globl gdt
gdt:
	.quad 0					/* 0x00 */
	.quad 0x00AF9A000000FFFF		/* 0x08 kernel code 64 */
	.quad 0x00CF92000000FFFF		/* 0x10 kernel data */
	.quad 0x00CF9A000000FFFF		/* 0x18 kernel code 32 */
	.quad 0x00CFF2000000FFFF		/* 0x20 user data (0x23) */
	.quad 0x00AFFA000000FFFF		/* 0x28 user code 64 (0x2b) */
	.quad 0, 0				/* 0x30 TSS cpu0 */
	.quad 0, 0				/* 0x40 TSS cpu1 */
	.quad 0x00CFFA000000FFFF		/* 0x50 user code 32 (0x53) */
gdt_end:
	.globl gdt_ptr
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.globl mb_info_ptr, mb_magic, ap_stack_ptr
mb_info_ptr:	.quad 0
mb_magic:	.quad 0
ap_stack_ptr:	.quad 0

/*
 * Page tables: 0-1 GiB identity, user-accessible (2 MiB pages);
 * 1-2 GiB supervisor-only alias of 0-1 GiB; 2-3 GiB not present;
 * 3-4 GiB identity, uncached (LAPIC etc.), user-accessible;
 * 4-5 GiB supervisor-only, read-only alias of 0-1 GiB (one 1 GiB page);
 * 5-6 GiB pd5, empty: the tests map a window of their own there.
 */
	.align 4096
	.globl pml4
pml4:
	.quad	pdpt + 0x007
	.fill	511, 8, 0
pdpt:
	.quad	pd0 + 0x007
	.quad	pd0 + 0x003
	.quad	0
	.quad	pd3 + 0x007
	.quad	0x081				/* P, PS: no R/W, no U/S */
	.quad	pd5 + 0x003
	.fill	506, 8, 0
pd0:
	.set	i, 0
	.rept	512
	.quad	(i << 21) | 0x87
	.set	i, i + 1
	.endr
pd3:
	.set	i, 0
	.rept	512
	.quad	(0xC0000000 + (i << 21)) | 0x9F
	.set	i, i + 1
	.endr
	.globl	pd5
pd5:
	.fill	512, 8, 0

	.bss
	.align 4096
	.space 16384
bsp_stack_top:
	.space 4096
ap_boot_stack_top:

/* ------------------------------------------------------------------ */
/* IDT stubs: every vector pushes (error code or 0) and its number.    */
	.text
	.macro ISR vec
	.align 16
isr_\vec:
	.if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$\vec
	jmp	isr_common
	.endm

	.altmacro
	.set	v, 0
	.rept	256
	ISR	%v
	.set	v, v + 1
	.endr
	.noaltmacro

	.section .rodata
	.align 8
	.globl isr_table
isr_table:
	.macro ISRADDR vec
	.quad	isr_\vec
	.endm
	.altmacro
	.set	v, 0
	.rept	256
	ISRADDR	%v
	.set	v, v + 1
	.endr
	.noaltmacro

	.text
isr_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	cld
	call	trap_handler
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp
	iretq

/*
 * long try_call(u64 (*fn)(void *), void *arg)
 * Runs fn(arg) at CPL 0.  Returns -1 if it completed, else the vector of
 * the exception it raised (error code etc. in the per-CPU block).
 */
	.globl try_call, try_landing
try_call:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$8, %rsp
	pushfq
	popq	%gs:PC_CATCH_RFLAGS
	mov	%rsp, %gs:PC_CATCH_RSP
	movq	$1, %gs:PC_CATCH_ACTIVE
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	movq	$0, %gs:PC_CATCH_ACTIVE
	mov	$-1, %rax
try_landing:
	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

/*
 * u64 run_user(u64 (*fn)(void *), void *arg, u64 user_rsp, u64 user_rflags)
 * Runs fn(arg) at CPL 3 on user_rsp; returns its value, or
 * USER_FAULT | vector if it raised an exception.
 */
	.globl run_user, user_landing, user_trampoline
run_user:
	mov	%rdx, %r8		/* user RSP */
	lea	user_trampoline(%rip), %r9
	mov	$SEL_UCODE, %r10d
	/* fall through */

/*
 * Enter ring 3 at r9 with CS = r10, RSP = r8 and RFLAGS = rcx; rdi and rsi
 * reach ring 3 unchanged.  user_exit() comes back to user_landing.
 */
enter_user:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	sub	$8, %rsp
	pushfq
	popq	%gs:PC_USER_KRFLAGS
	mov	%rsp, %gs:PC_USER_KRSP
	movq	$1, %gs:PC_USER_ACTIVE
	pushq	$SEL_UDATA
	pushq	%r8
	pushq	%rcx
	pushq	%r10
	pushq	%r9
	iretq
user_landing:
	add	$8, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

/*
 * u64 run_user_compat(u64 user_rsp, u64 user_rflags, void *entry)
 * Enters entry, one of the probes below, at CPL 3 in compatibility mode
 * (CS = SEL_UCODE32); it comes back like run_user() with int 0x80.
 */
	.globl run_user_compat
run_user_compat:
	mov	%rdi, %r8		/* user RSP */
	mov	%rsi, %rcx		/* user RFLAGS */
	mov	%rdx, %r9		/* entry */
	mov	$SEL_UCODE32, %r10d
	jmp	enter_user

/*
 * Far JMP and far CALL from compatibility mode into 64-bit mode, both
 * at CPL 3: a user interrupt that was recognized in compatibility mode
 * becomes deliverable at the first instruction of the 64-bit target.
 */
	.globl compat_far_jmp_probe, compat_far_call_probe, far_target64
	.code32
compat_far_jmp_probe:
	xorl	%eax, %eax
	ljmp	$SEL_UCODE, $far_target64
compat_far_call_probe:
	xorl	%eax, %eax
	lcall	$SEL_UCODE, $far_target64
	.code64
far_target64:
	int	$USER_EXIT_VECTOR
1:	jmp	1b

	/* ring 3: call fn(arg), hand its return value back with int 0x80 */
user_trampoline:
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	int	$USER_EXIT_VECTOR
1:	jmp	1b

/*
 * User-interrupt handler entries (one per CPU, selected by UIHANDLER).
 * Frame at entry: [rsp]=vector, +8 RIP, +16 RFLAGS, +24 RSP.
 * Calls uintr_c_handler(frame, cpu, entry_rflags) and returns with UIRET.
 */
	.macro UENTRY cpu
	.globl uintr_entry_cpu\cpu
	.align 16
uintr_entry_cpu\cpu:
	push	%rax
	pushfq
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	lea	80(%rsp), %rdi
	mov	$\cpu, %esi
	mov	64(%rsp), %rdx
	call	uintr_c_handler
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	popfq
	pop	%rax
	add	$8, %rsp
	.byte	0xf3, 0x0f, 0x01, 0xec		/* uiret */
	.endm
	UENTRY	0
	UENTRY	1

/*
 * u64 ufn_stui_probe(void *arg)   (ring 3)
 * Misaligns RSP by 8, records RSP and the address right after STUI
 * in u_pre_rsp / u_post_rip, executes STUI, then returns TESTUI's CF.
 */
	.globl ufn_stui_probe
ufn_stui_probe:
	push	%rbx
	mov	%rsp, %rbx
	sub	$8, %rsp
	mov	%rsp, u_pre_rsp(%rip)
	lea	1f(%rip), %rax
	mov	%rax, u_post_rip(%rip)
	.byte	0xf3, 0x0f, 0x01, 0xef		/* stui */
1:	nop
	xor	%eax, %eax
	.byte	0xf3, 0x0f, 0x01, 0xed		/* testui */
	setc	%al
	mov	%rbx, %rsp
	pop	%rbx
	ret

	.data
	.globl u_pre_rsp, u_post_rip
u_pre_rsp:	.quad 0
u_post_rip:	.quad 0

/*
 * u64 ufn_tf_probe(void *arg)   (ring 3)
 * Sets TF, executes STUI (a user interrupt is pending), clears TF.
 */
	.text
	.globl ufn_tf_probe
ufn_tf_probe:
	pushfq
	orq	$0x100, (%rsp)
	popfq
	.byte	0xf3, 0x0f, 0x01, 0xef		/* stui */
	nop
	pushfq
	andq	$~0x100, (%rsp)
	popfq
	xor	%eax, %eax
	ret

/* compatibility-mode probe: TESTUI then INT3 (reached only if TESTUI did not fault) */
	.text
	.code32
	.globl compat_testui
compat_testui:
	.byte	0xf3, 0x0f, 0x01, 0xed		/* testui */
	int3
1:	jmp	1b

/* the same for the other UINTR instructions, each followed by INT3 */
	.globl compat_uiret, compat_clui, compat_stui, compat_senduipi
compat_uiret:
	/* a frame (RIP, RFLAGS, RSP) that an executed UIRET would return to the INT3 */
	movl	%esp, %eax
	pushl	$0
	pushl	%eax
	pushl	$0
	pushl	$2
	pushl	$0
	pushl	$2f
	.byte	0xf3, 0x0f, 0x01, 0xec		/* uiret */
2:	int3
1:	jmp	1b
compat_clui:
	.byte	0xf3, 0x0f, 0x01, 0xee		/* clui */
	int3
1:	jmp	1b
compat_stui:
	.byte	0xf3, 0x0f, 0x01, 0xef		/* stui */
	int3
1:	jmp	1b
compat_senduipi:
	xorl	%eax, %eax
	.byte	0xf3, 0x0f, 0xc7, 0xf0		/* senduipi eax: UITT entry 0 */
	int3
1:	jmp	1b
	.code64
