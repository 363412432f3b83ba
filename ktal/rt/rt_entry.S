/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rt_entry.S - the ring-3 runtime's entry points.  This code is not
 * verified and is not part of the checked code segment; the ring-0
 * loader replaces all of it (it fills the same slots with kernel entry
 * points and enters the verified entry function itself).
 */
#define RT_PAGE	    0x200000 /* KTAL_RT_VA: the checker requires it */
#define RT_MONITOR  (RT_PAGE + 40)
#define STATE	    0x300000
#define STATE_SIZE  0x80000
#define STATE_TOP   (STATE + STATE_SIZE)

	.section .text.start, "ax"
	.globl _start
/* Process entry: rsp points at argc.  rt_main never returns. */
_start:
	mov	%rsp, %rdi
	and	$-16, %rsp
	call	rt_main
	ud2

	.text
/*
 * rt_run(entry, stack_top): switch to the verified stack, call the entry
 * function (it returns an int), and exit with that value.
 */
	.globl rt_run
rt_run:
	mov	%rsi, %rsp
	call	*%rdi
	mov	%rax, %rdi
	mov	$231, %eax		/* exit_group */
	syscall
	ud2

/*
 * Import slot k holds the address of thunk k, which puts k in eax and
 * jumps to rt_svc.  16 bytes per thunk.
 */
	.globl rt_thunks
	.balign 16
rt_thunks:
	.set k, 0
	.rept 64
	.balign 16
	mov	$k, %eax
	jmp	rt_svc
	.set k, k + 1
	.endr

/*
 * rt_svc: a service call from verified code.
 * Entry: [rsp] = return address into verified code, args in rdi, rsi,
 * rdx, rcx, import index in eax.  Uses 48 bytes below the return address
 * on the verified stack (within KTAL_SERVICE_HEADROOM = 64), then moves
 * to the runtime's own stack.  Clobbers only caller-saved registers; the
 * result is in rax.  In monitor mode the runtime state is PROT_NONE
 * whenever verified code runs, so a stray access from it faults.
 */
rt_svc:
	sub	$48, %rsp
	mov	%rdi, 0(%rsp)
	mov	%rsi, 8(%rsp)
	mov	%rdx, 16(%rsp)
	mov	%rcx, 24(%rsp)
	mov	%rax, 32(%rsp)
	mov	%rsp, %r10		/* syscall keeps r10 */
	cmpb	$0, RT_MONITOR
	je	1f
	mov	$10, %eax		/* mprotect(STATE, STATE_SIZE, RW) */
	mov	$STATE, %edi
	mov	$STATE_SIZE, %esi
	mov	$3, %edx
	syscall
1:	mov	$STATE_TOP, %rsp
	push	%r10
	sub	$8, %rsp
	mov	0(%r10), %rdi
	mov	8(%r10), %rsi
	mov	16(%r10), %rdx
	mov	24(%r10), %rcx
	mov	32(%r10), %r8
	mov	48(%r10), %r9		/* return address, for the range check */
	call	rt_dispatch
	add	$8, %rsp
	pop	%r10
	mov	%rax, 40(%r10)
	cmpb	$0, RT_MONITOR
	je	2f
	mov	$10, %eax		/* mprotect(STATE, STATE_SIZE, NONE) */
	mov	$STATE, %edi
	mov	$STATE_SIZE, %esi
	xor	%edx, %edx
	syscall
2:	mov	%r10, %rsp
	mov	40(%rsp), %rax
	add	$48, %rsp
	ret
	.section .note.GNU-stack,"",@progbits
