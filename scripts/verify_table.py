#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make verify's table, from the results of one run.

    verify_table.py RESULTS_DIR

Reads RESULTS_DIR/verify (the debug VM of scripts/guest-verify.sh) and
RESULTS_DIR/host (the lint stage) and prints:
  - operations x injection points exercised, per injector set, with the
    errnos the injected failures returned (relq_failnth's "# relq-points");
  - the soak, fuzz minutes and syscalls per fuzzer, with the seed;
  - splats (per run and in the whole log) and leaks (kmemleak);
  - lint counts.
It only reports; pass or fail comes from the TAP files, which make check
counts.
"""
import glob
import os
import re
import sys


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def tap_results(path):
    """{test name: 'ok' | 'not ok' | 'skip'} of one TAP file."""
    out = {}
    for line in (read(path) or "").splitlines():
        m = re.match(r"(not ok|ok) \d+ (\S+)(.*)", line)
        if m:
            skip = "# SKIP" in m.group(3)
            out[m.group(2)] = "skip" if skip else m.group(1)
    return out


def points_table(vdir):
    text = read(os.path.join(vdir, "kselftest-relq_failnth.tap")) or ""
    results = tap_results(os.path.join(vdir, "kselftest-relq_failnth.tap"))
    rows = {}
    for line in text.splitlines():
        m = re.match(r"# relq-points (\S+) (\S+) (\S+) (\d+) enomem=(\d+) efault=(\d+) "
                     r"absorbed=(\d+)", line)
        if m:
            test, op, mode, pts, nomem, fault, absorbed = m.groups()
            rows.setdefault(op, {})[test] = (int(pts), int(nomem), int(fault), int(absorbed))
    lines = ["Fault injection: injection points exercised per operation "
             "(fail-nth, N = 1.. until a clean success)",
             "  %-10s %-32s %-26s %s" % ("operation", "slab+page+usercopy (T-ERR-1)",
                                         "usercopy only (T-UPTR-5)", "")]
    total = 0
    for op, r in rows.items():
        cells = []
        for test in ("t_err_1", "t_uptr_5"):
            key = test if test in r else ("t_open_2" if test == "t_err_1" and "t_open_2" in r
                                          else None)
            if key is None:
                cells.append("-")
                continue
            pts, nomem, fault, absorbed = r[key]
            total += pts
            cells.append("%3d (ENOMEM %d, EFAULT %d, ok %d)" % (pts, nomem, fault, absorbed))
        lines.append("  %-10s %-32s %-26s" % (op, cells[0], cells[1]))
    bad = [t for t, v in results.items() if v == "not ok"]
    lines.append("  %d injection points, %d sweeps, %d failed%s" % (
        total, len(results), len(bad), (": " + ", ".join(bad)) if bad else ""))
    m = re.search(r"# relq-soak t_err_2 seconds=(\d+) messages=(\d+) injected=(\d+) "
                  r"churn=(\d+)", text)
    if m:
        lines.append("  soak (T-ERR-2): %s s at 10 %% failures, %s messages, %s injected "
                     "failures, %s open/poll/INFO/mmap rounds" % m.groups())
    return lines


def stats(vdir):
    out = {}
    for line in (read(os.path.join(vdir, "verify-stats.txt")) or "").splitlines():
        k, _, v = line.partition(" ")
        out[k] = v
    return out


def fuzz_table(st, steps):
    lines = ["Fuzzing (seed %s)" % st.get("fuzz_seed", "?"),
             "  %-22s %8s %14s %s" % ("fuzzer", "seconds", "syscalls/ops", "result")]
    total_s = 0
    for name, test in (("trinity_root", "t_dv_2_trinity_root"),
                       ("trinity_user", "t_dv_2_trinity_user"),
                       ("stress_ng", "t_dv_3_stress_ng_dev"),
                       ("relq_fuzz", "t_dv_4_relq_fuzz")):
        key = name if name in ("stress_ng", "relq_fuzz") else "trinity_" + name.split("_")[1]
        secs = st.get("fuzz_seconds_" + key, "-")
        calls = st.get("fuzz_calls_" + key, "-")
        if secs.isdigit():
            total_s += int(secs)
        lines.append("  %-22s %8s %14s %s" % (name, secs, calls, steps.get(test, "not run")))
    lines.append("  %.1f fuzz minutes" % (total_s / 60.0))
    return lines


def findings(vdir, st, steps):
    leaks = len(re.findall(r"unreferenced object",
                           read(os.path.join(vdir, "kmemleak.txt")) or ""))
    per_run = ["%s %s" % (k[len("splats_"):], v) for k, v in st.items()
               if k.startswith("splats_") and k != "splats_total"]
    health = [t for t in steps if t.startswith("t_dv_5_")]
    healthy = sum(1 for t in health if steps[t] == "ok")
    return ["Splats: %s in the whole log (per run: %s)" % (st.get("splats_total", "?"),
                                                          ", ".join(per_run) or "-"),
            "Leaks: %d kmemleak objects after all runs" % leaks,
            "Health checks (T-DV-5): %d of %d passed" % (healthy, len(health))]


def count(path, pattern):
    text = read(path)
    if text is None:
        return "?"
    return str(len(re.findall(pattern, text, re.M)))


def lint_table(hdir):
    cp = read(os.path.join(hdir, "t_err_4_checkpatch_strict.log")) or ""
    exc = read(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "checkpatch-exceptions.txt")) or ""
    allowed = set(l.split()[0] for l in exc.splitlines()
                  if l.strip() and not l.startswith("#"))
    found = {"ERROR": 0, "WARNING": 0, "CHECK": 0}
    excepted = 0
    for line in cp.splitlines():
        m = re.match(r"([^:]+):\d+: (ERROR|WARNING|CHECK):([A-Z_]+):", line)
        if not m:
            continue
        if "%s:%s" % (m.group(1), m.group(3)) in allowed:
            excepted += 1
        else:
            found[m.group(2)] += 1
    lines = ["Lint (make lint)",
             "  checkpatch --strict: %d errors, %d warnings, %d checks (%d findings in the "
             "justified exception list)" % (found["ERROR"], found["WARNING"], found["CHECK"],
                                           excepted)]
    for t in ("6.12", "6.1", "debug"):
        lines.append("  %-6s W=1 warnings %s, sparse C=2 warnings %s" % (
            t, count(os.path.join(hdir, "build-%s.out" % t), r"warning:"),
            count(os.path.join(hdir, "sparse-%s.out" % t), r"(warning|error):")))
    lines.append("  kernel-doc -Wall: %s, coccinelle reports: %s" % (
        count(os.path.join(hdir, "t_err_4_kernel_doc.log"), r"\S"),
        count(os.path.join(hdir, "t_err_4_coccinelle.log"), r"^\S")))
    cs = read(os.path.join(hdir, "t_err_4_checkstack_debug.log")) or ""
    m = re.search(r"largest frame: (.*)", cs)
    lines.append("  checkstack: %s (limit 512 bytes)" % (m.group(1) if m else "?"))
    return lines


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    res = argv[1]
    vdir = os.path.join(res, "verify")
    st = stats(vdir)
    steps = tap_results(os.path.join(vdir, "verify.tap"))
    out = ["=== make verify: relq's Driver Verifier run (debug kernel) ==="]
    out += points_table(vdir) + [""] + fuzz_table(st, steps) + [""]
    out += findings(vdir, st, steps) + [""] + lint_table(os.path.join(res, "host"))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
