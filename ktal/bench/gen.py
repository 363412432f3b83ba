#!/usr/bin/env python3
"""gen.py BYTES - a KTAL program with about BYTES of code, for the
checker benchmark: copies of a function that mixes the common
instructions (field and array access with bounds checks, a loop, calls,
stack slots), each copy with its own labels."""
import sys

target = int(sys.argv[1])
head = '''struct Node { val: int, next: ptr? Node }
import alloc_node = alloc<Node>
import alloc_ints = alloc_array<int>
fn main() -> int headroom 1024
    xor eax, eax
    ret
'''
body = '''fn f%(i)d(arr int, ptr? Node) -> int headroom 256
    push rbx
    push r12
    mov rbx, rdi
    mov r12, rsi
    xor ecx, ecx
    xor eax, eax
f%(i)d.loop: {rbx: arr int, r12: ptr? Node, rcx: int, rax: int} [saved.r12, saved.rbx] headroom 240
    index rcx, rbx, rdx, f%(i)d.done
    mov rdx, [rbx + rcx*8]
    add rax, rdx
    lea rdx, [rcx + rcx*2 + 1]
    imul rdx, rax
    mov [rbx + rcx*8], rdx
    inc rcx
    jmp f%(i)d.loop
f%(i)d.done: {rbx: arr int, r12: ptr? Node, rax: int} [saved.r12, saved.rbx] headroom 240
    test r12, r12
    je f%(i)d.out
    mov rdx, [r12 + Node.val]
    add rax, rdx
    mov rdx, [r12 + Node.next]
    mov [r12 + Node.next], rdx
    sub rsp, 16
    mov [rsp], rax
    mov [rsp + 8], rdx
    call [alloc_node]
    mov rax, [rsp]
    add rsp, 16
f%(i)d.out: {rax: int, rbx: junk, r12: junk} [saved.r12, saved.rbx] headroom 240
    pop r12
    pop rbx
    ret
'''
out = [head]
per = 114  # bytes of code per copy
for i in range(max(1, target // per)):
    out.append(body % {'i': i})
sys.stdout.write(''.join(out))
