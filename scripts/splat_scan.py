#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Scan kernel logs for splats: any match fails the run (Harness rule 1).

    splat_scan.py LOG...         print each splat; exit 1 if any

A log is read up to the pitfall gallery's marker line (MARKER): what
follows is the gallery's deliberate bugs (scripts/guest-pitfalls.sh, at
the end of the kcsan boot), which its own test checks for the expected
report instead.
    splat_scan.py --self-test    T-DV-8: every canned splat line is caught,
                                 the clean log is not (TAP output)
"""
import os
import re
import sys

# Each pattern names what it detects; a line matching any is a splat.
PATTERNS = [
    ("BUG", r"\bBUG: "),
    ("kernel BUG", r"kernel BUG at "),
    ("WARNING", r"\bWARNING: "),
    ("Oops", r"\bOops\b"),
    ("general protection fault", r"general protection fault"),
    ("Call Trace", r"\bCall Trace:"),
    ("panic", r"Kernel panic - not syncing"),
    ("KASAN", r"\bKASAN: "),
    ("KCSAN", r"\bKCSAN: "),
    ("UBSAN", r"\bUBSAN: "),
    ("KFENCE", r"\bKFENCE: "),
    ("lockdep circular", r"possible circular locking dependency"),
    ("lockdep recursive", r"possible recursive locking detected"),
    ("lockdep state", r"inconsistent lock state"),
    ("lockdep irq", r"(HARDIRQ|SOFTIRQ)-(safe|unsafe|irq-unsafe)"),
    ("lockdep held at return", r"lock held when returning to user space"),
    ("lockdep held lock freed", r"held lock freed"),
    ("lockdep bad unlock", r"bad unlock balance detected"),
    ("RCU lockdep", r"suspicious RCU usage"),
    ("atomic sleep", r"sleeping function called from invalid context"),
    ("scheduling while atomic", r"scheduling while atomic"),
    ("kmemleak", r"unreferenced object 0x"),
    ("kmemleak summary", r"kmemleak: \d+ new suspected memory leaks"),
    ("ODEBUG", r"\bODEBUG: "),
    ("list corruption", r"list_(add|del) corruption"),
    ("refcount", r"\brefcount_t: "),
    ("usercopy", r"\busercopy: "),
    ("fortify", r"detected buffer overflow"),
    ("hung task", r"blocked for more than \d+ seconds"),
    ("RCU stall", r"rcu: INFO: .*detected stalls|self-detected stall on CPU"),
    ("soft lockup", r"soft lockup - CPU"),
    ("hard lockup", r"Watchdog detected hard LOCKUP"),
    ("slab leftovers", r"Objects remaining .* on __kmem_cache_shutdown|Objects remaining in"),
    ("slub_debug", r"\bBUG [\w-]+ \(.*\): "),
    ("taint", r"Tainted: [A-Z ]*\b[DW]\b"),
]
COMPILED = [(name, re.compile(rx)) for name, rx in PATTERNS]
MARKER = "relq pitfalls: begin"


def scan_lines(lines):
    """Return (pattern name, line) for every splat line."""
    hits = []
    for line in lines:
        if MARKER in line:
            break
        for name, rx in COMPILED:
            if rx.search(line):
                hits.append((name, line.rstrip("\n")))
                break
    return hits


def scan_files(paths):
    hits = []
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as f:
            hits += [(path, n, l) for n, l in scan_lines(f)]
    return hits


def self_test():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests")
    samples = os.path.join(here, "splat-samples.txt")
    clean = os.path.join(here, "clean-dmesg.txt")
    results = []
    with open(samples) as f:
        cases = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    for line in cases:
        results.append((bool(scan_lines([line])), "catches: " + line[:60]))
    for name, rx in COMPILED:
        results.append((any(rx.search(l) for l in cases),
                        "pattern has a sample: " + name))
    with open(clean) as f:
        clean_hits = scan_lines(f)
    for name, line in clean_hits:
        print("# false positive (%s): %s" % (name, line))
    results.append((not clean_hits, "clean log passes"))
    results.append((len(scan_lines([cases[0], MARKER, cases[1]])) == 1,
                    "stops at the pitfall marker, not before"))
    failed = [d for ok, d in results if not ok]
    for d in failed:
        print("# FAILED: " + d)
    print("%s t_dv_8_splat_scanner_selftest (%d checks, %d failed)"
          % ("not ok" if failed else "ok", len(results), len(failed)))
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    hits = scan_files(argv[1:])
    for path, name, line in hits:
        print("splat [%s] %s: %s" % (name, os.path.basename(path), line))
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
