#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a relq results directory.

    summarize.py RESULTS_DIR

RESULTS_DIR holds one directory per target (host, debug, 6.12, 6.1). Every
*.tap and *.ktap file in them, kselftest TAP, KUnit KTAP from debugfs, and
relq's own harness and lint TAP, is parsed by the kernel's
tools/testing/kunit/kunit.py parse. Prints a per-target table and the
closing line "N passed, N failed, N skipped"; exits 1 on any failure, on a
file kunit.py cannot parse cleanly, or on a target that ran zero tests.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

ORDER = ["host", "debug", "verify", "kcsan", "6.12", "6.1"]


def leaves(group):
    for case in group.get("test_cases", []):
        yield case
    for sub in group.get("sub_groups", []):
        yield from leaves(sub)


def parse(kunit_py, path):
    """Return (pass, fail, skip, failed test names, parse ok)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as js:
        proc = subprocess.run([sys.executable, kunit_py, "parse",
                               "--json=" + js.name, path],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        try:
            data = json.load(open(js.name))
        except (OSError, ValueError):
            data = {}
    p = f = s = 0
    failed = []
    for case in leaves(data):
        st = case.get("status")
        if st == "PASS":
            p += 1
        elif st == "SKIP":
            s += 1
        else:
            f += 1
            failed.append(case.get("name") or "(a planned test never reported)")
    # kunit.py exits non-zero for skips too; only its own error reports
    # (missing results, crashes, bad plans) make a file unparseable.
    errs = [l for l in proc.stdout.splitlines() if "ERROR" in l or "CRASH" in l]
    ok = f > 0 or (bool(data) and not errs)
    if not ok:
        failed.append("(kunit.py could not parse %s cleanly)" % os.path.basename(path))
        for l in errs[:5]:
            failed.append("  " + l.strip())
    return p, f + (0 if ok else 1), s, failed


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ksrc = subprocess.run(["bash", os.path.join(top, "scripts/ksrc.sh")],
                          stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    kunit_py = os.path.join(ksrc, "tools/testing/kunit/kunit.py")
    res = argv[1]
    targets = [t for t in ORDER if os.path.isdir(os.path.join(res, t))]
    targets += sorted(t for t in os.listdir(res)
                      if os.path.isdir(os.path.join(res, t)) and t not in targets)
    total = [0, 0, 0]
    bad = False
    rows = []
    for t in targets:
        files = sorted(glob.glob(os.path.join(res, t, "*.tap")) +
                       glob.glob(os.path.join(res, t, "*.ktap")))
        tp = tf = ts = 0
        for path in files:
            p, f, s, failed = parse(kunit_py, path)
            tp, tf, ts = tp + p, tf + f, ts + s
            for name in failed:
                print("FAIL [%s] %s: %s" % (t, os.path.basename(path), name))
        note = ""
        if tp + tf == 0:
            note = "ran no tests"
            tf += 1
        rows.append((t, tp, tf, ts, len(files), note))
        total = [total[0] + tp, total[1] + tf, total[2] + ts]
        bad |= tf > 0
    print()
    print("%-8s %8s %8s %8s %8s  %s" % ("target", "passed", "failed", "skipped", "files", ""))
    for t, p, f, s, n, note in rows:
        print("%-8s %8d %8d %8d %8d  %s" % (t, p, f, s, n, note))
    if not rows:
        print("no results in %s" % res)
        total[1] += 1
        bad = True
    print()
    print("%d passed, %d failed, %d skipped" % tuple(total))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
