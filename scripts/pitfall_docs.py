#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The pitfall gallery's reports, for Documentation/pitfalls.rst.

    pitfall_docs.py RESULTS_DIR   write Documentation/pitfalls/NAME.txt for
                                  every pitfall, trimmed from the reports
                                  the last make check captured
                                  (RESULTS_DIR/{pitfalls,kcsan}/reports)
    pitfall_docs.py --check       T-PIT docs: every pitfall of
                                  pitfalls/pitfalls.txt has a report in
                                  Documentation/pitfalls/ that matches its
                                  expected patterns, a section in
                                  pitfalls.rst, and a test (TAP output)

A report is cut to the detector's own lines: from a little before the
first expected pattern to the end of its first trace, without register
dumps, code bytes and lockdep's IRQ-state lines; addresses stay as the
run printed them.
"""
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(TOP, "pitfalls", "pitfalls.txt")
OUT = os.path.join(TOP, "Documentation", "pitfalls")
RST = os.path.join(TOP, "Documentation", "pitfalls.rst")
TEST = os.path.join(TOP, "selftests", "relq", "relq_pitfalls_test.c")
CHECK = os.path.join(TOP, "scripts", "check.sh")

DROP = re.compile(r"^( \? |R(AX|BX|CX|DX|SI|DI|BP|SP|0[89]|1[0-5]): |Code: |FS: |CS: |CR2: "
                  r"|DR[0-9]: |irq event stamp|hardirqs last|softirqs last"
                  r"|Hardware name|Modules linked in|---\[ end Kernel panic"
                  r"|Kernel Offset|PGD |\s*$)")
BUILD_DIR = re.compile(r"[^\s]*/(?:debug|kcsan)-pitfalls/")
TS = re.compile(r"^\[\s*[0-9.]+\]\s?")
MAX_LINES = 40
# How far after its first line a report may show its other expected lines.
WINDOW = 120


def pitfalls():
    """(id, name, [patterns]) for every line of pitfalls.txt."""
    rows = []
    with open(LIST) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            rows.append((parts[0], parts[1], parts[2:]))
    return rows


def trim(text, patterns):
    # /dev/kmsg escapes a record's inner newlines as \\x0a.
    text = text.replace("\\x0a", "\n")
    # The build directory (a clone's .build/debug-pitfalls/) is the
    # run's, not the reader's: the source file is pitfalls/.
    text = BUILD_DIR.sub("pitfalls/", text)
    lines = [TS.sub("", l.rstrip("\r")) for l in text.splitlines()]
    rxs = [re.compile(p) for p in patterns]
    # The first report that shows every expected pattern within its window.
    start = None
    for i, l in enumerate(lines):
        if rxs[0].search(l) and all(any(r.search(m) for m in lines[i:i + WINDOW])
                                    for r in rxs[1:]):
            start = i
            break
    if start is None:
        return None
    # Keep the report's opening line ("cut here", "======") just before.
    for back in range(1, 4):
        if start - back >= 0 and re.search(r"cut here|^=+$|^-+$", lines[start - back]):
            start -= back
            break
    kept = []
    repeats = 0
    todo = list(rxs)
    for l in lines[start:start + WINDOW]:
        todo = [r for r in todo if not r.search(l)]
        if DROP.search(l):
            continue
        if kept and l == kept[-1]:
            repeats += 1
            continue
        if repeats:
            kept.append("[... the line above %d more times]" % repeats)
            repeats = 0
        kept.append(l)
        if not todo and re.search(r"end trace|^=+$", l) and len(kept) > 3:
            break
        if not todo and len(kept) >= MAX_LINES:
            kept.append("[...]")
            break
    if repeats:
        kept.append("[... the line above %d more times]" % repeats)
    return "\n".join(kept) + "\n"


def generate(results):
    os.makedirs(OUT, exist_ok=True)
    missing = 0
    for pid, name, pats in pitfalls():
        src = None
        for sub in ("pitfalls", "kcsan"):
            p = os.path.join(results, sub, "reports", name + ".log")
            if os.path.exists(p):
                src = p
                break
        if not src:
            print("no report for %s %s in %s" % (pid, name, results))
            missing += 1
            continue
        with open(src, errors="replace") as f:
            text = trim(f.read(), pats)
        if text is None:
            print("the report of %s %s lacks its expected pattern" % (pid, name))
            missing += 1
            continue
        with open(os.path.join(OUT, name + ".txt"), "w") as f:
            f.write(text)
        print("wrote Documentation/pitfalls/%s.txt (%d lines)" % (name, text.count("\n")))
    return 1 if missing else 0


def check():
    rst = open(RST).read() if os.path.exists(RST) else ""
    test = open(TEST).read()
    host = open(CHECK).read()
    results = []
    for pid, name, pats in pitfalls():
        # Test names in lower case: kunit.py parse reads an upper-case
        # "ERROR" in a name (OPEN_LEAKS_ON_ERROR) as its own error report.
        tname = pid.lower().replace("-", "_") + "_" + name.lower()
        doc = os.path.join(OUT, name + ".txt")
        ok = os.path.exists(doc)
        why = "no Documentation/pitfalls/%s.txt" % name
        if ok:
            text = open(doc).read()
            bad = [p for p in pats if not re.search(p, text, re.M)]
            ok = not bad
            why = "report lacks: " + "; ".join(bad)
        results.append((ok, "%s_report_in_docs" % tname, why))
        ok = ("pitfalls/%s.txt" % name) in rst
        results.append((ok, "%s_shown_in_pitfalls_rst" % tname, "not included"))
        ok = tname in test or tname in host
        results.append((ok, "%s_has_its_test" % tname, "no such test"))
    bad = 0
    print("TAP version 13")
    print("1..%d" % len(results))
    for i, (ok, desc, why) in enumerate(results, 1):
        print("%s %d %s" % ("ok" if ok else "not ok", i, desc))
        if not ok:
            print("# " + why)
            bad += 1
    return 1 if bad else 0


def main(argv):
    if argv[1:] == ["--check"]:
        return check()
    if len(argv) != 2:
        print(__doc__)
        return 2
    return generate(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
