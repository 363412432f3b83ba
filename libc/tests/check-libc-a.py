#!/usr/bin/env python3
"""Static check of the KML libc.a: every way into the kernel is as designed.

Reads `objdump -d` of libc.a and checks, function by function:
  - in a function that reads __sysinfo, every `call *%rcx` (ff d1) is the
    ABI's sequence, `lea -0x80(%rsp),%rsp` before and `lea 0x80(%rsp),%rsp`
    after, except the one in __syscall_cp_asm, which runs with nothing of
    its own below rsp (other `call *%rcx` are C calls through pointers);
  - every function that executes `syscall` also has the direct call next to
    it, except the asm that keeps `syscall` on purpose (see the patch).
Prints one line a finding and exits 1 on any.
"""
import re
import subprocess
import sys

SYSCALL_ONLY = {"vfork", "__restore_rt", "__clone", "__unmapself", "__set_thread_area"}
NO_REDZONE_STEP = {"__syscall_cp_asm"}


def functions(libc_a):
    out = subprocess.run(["objdump", "-dr", "--no-show-raw-insn", libc_a], capture_output=True,
                         text=True, check=True).stdout
    name, insns = None, []
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            if name:
                yield name, insns
            name, insns = m.group(1), []
        elif name and "R_X86_64" in line:
            insns.append("reloc " + line.split()[-1])
        elif name and "\t" in line:
            insns.append(re.sub(r"\s+", " ", line.split("\t", 1)[1]).strip())
    if name:
        yield name, insns


def main():
    bad, calls, syscalls = 0, 0, 0
    owner = None
    for name, insns in functions(sys.argv[1]):
        # __cp_begin etc. are labels inside __syscall_cp_asm: objdump splits there.
        if name.startswith("__cp_") or name == "__syscall_cp_asm":
            group = "__syscall_cp_asm"
        else:
            group = name
        has_call = any(i.startswith("call *%rcx") for i in insns)
        uses_entry = any(i.startswith("reloc __sysinfo") for i in insns)
        insns = [i for i in insns if not i.startswith("reloc ")]
        for k, ins in enumerate(insns):
            if ins.startswith("call *%rcx") and uses_entry:
                calls += 1
                if group in NO_REDZONE_STEP:
                    continue
                before = insns[k - 1] if k else ""
                after = insns[k + 1] if k + 1 < len(insns) else ""
                if not before.startswith("lea -0x80(%rsp),%rsp") or not after.startswith("lea 0x80(%rsp),%rsp"):
                    print(f"{name}: call *%rcx without the red-zone step: [{before}] call [{after}]")
                    bad += 1
            elif ins == "syscall":
                syscalls += 1
                if group in SYSCALL_ONLY or group == "__syscall_cp_asm":
                    continue
                if not (has_call and uses_entry):
                    print(f"{name}: syscall with no direct-entry path in the same function")
                    bad += 1
    if calls < 100:
        print(f"only {calls} direct calls in libc.a: is the patch applied?")
        bad += 1
    print(f"{calls} direct calls, {syscalls} syscall instructions checked; {bad} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
