"""Watch a guest's console for signs that the kernel went wrong.

Any line that shows an oops, a BUG, a WARNING, a panic, a soft or hard
lockup, a hung task or an RCU stall fails the run.  The scanner keeps the
whole console so that a failure can be shown with the lines around it.
"""
import re

# Each pattern names one kind of kernel failure; the first that matches a
# line classifies it.  They match the kernel's own wording (printk formats
# in kernel/panic.c, arch/x86/kernel/dumpstack.c, kernel/watchdog.c,
# kernel/rcu/tree_stall.h, kernel/hung_task.c, lib/bug.c).
PATTERNS = [
    ("panic", re.compile(r"Kernel panic - not syncing")),
    ("oops", re.compile(r"\bOops\b|general protection fault|kernel BUG at|BUG: unable to handle")),
    ("BUG", re.compile(r"\bBUG:")),
    ("WARNING", re.compile(r"\bWARNING:|------------\[ cut here \]------------")),
    ("lockup", re.compile(r"soft lockup|hard LOCKUP|hardlockup|Watchdog detected hard LOCKUP")),
    ("RCU stall", re.compile(r"rcu: INFO: .*detected stall|rcu_(sched|preempt) detected stall|self-detected stall")),
    ("hung task", re.compile(r"INFO: task .* blocked for more than")),
    ("double fault", re.compile(r"double fault|traps: PANIC")),
]


class Finding:
    """One console line that fails the run."""

    def __init__(self, kind, index, line):
        self.kind, self.index, self.line = kind, index, line


def classify(line):
    """The kind of kernel failure LINE shows, or None for an ordinary line."""
    for kind, pattern in PATTERNS:
        if pattern.search(line):
            return kind
    return None


class Scanner:
    """Feed it console lines; it remembers them and what went wrong."""

    def __init__(self):
        self.lines = []
        self.findings = []

    def feed(self, line):
        line = line.rstrip("\r\n")
        self.lines.append(line)
        kind = classify(line)
        if kind:
            self.findings.append(Finding(kind, len(self.lines) - 1, line))
        return kind

    def context(self, index, before=12, after=25):
        lo, hi = max(0, index - before), min(len(self.lines), index + after + 1)
        return [("> " if i == index else "  ") + self.lines[i] for i in range(lo, hi)]

    def tail(self, n=30):
        return self.lines[-n:]

    def report(self):
        """Text describing the first finding with its context, or ''."""
        if not self.findings:
            return ""
        first = self.findings[0]
        kinds = sorted({f.kind for f in self.findings})
        out = [f"kernel {first.kind} on the guest console ({len(self.findings)} line(s) flagged: {', '.join(kinds)}):"]
        out += self.context(first.index)
        return "\n".join(out)
