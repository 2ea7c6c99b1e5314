#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render relq_bench's JSON: a text table (absolute numbers and relq's
ratios against each peer), the design targets against the measurements,
and a PNG drawn by gnuplot.

    bench_report.py bench.json [--text bench.txt] [--png bench.png]
                    [--struct-size BYTES]

Python 3 standard library only. --struct-size is sizeof(struct
relq_channel) (scripts/bench.sh reads it from the module's BTF with
pahole) and only labels the memory breakdown.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

PEERS = ["pipe", "seqpacket", "mqueue"]
MECHS = ["relq"] + PEERS + ["null"]
PAGE = 4096
# What the guest script lifted so that no size is skipped.
DEBUG_PARAMS = ("slub_debug", "init_on_free", "page_poison")


def median(xs):
    return statistics.median(xs) if xs else None


def spread(xs):
    """(min, max) of a list, or (None, None)."""
    return (min(xs), max(xs)) if xs else (None, None)


def size_label(n):
    if n >= 1024 and n % 1024 == 0:
        return "%d KiB" % (n // 1024)
    return "%d B" % n


def si(x):
    """A rate with a k/M suffix."""
    if x is None:
        return "-"
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e3:
        return "%.1fk" % (x / 1e3)
    return "%.0f" % x


def ratio_str(r):
    if r is None or r[0] is None:
        return "-"
    return "%.2f [%.2f-%.2f]" % r


def kmalloc_bucket(n):
    """The bytes kvmalloc() really takes for n bytes (SLUB, 4 KiB pages)."""
    if n <= 8:
        return 8
    if n <= 8192:
        b = 8
        while b < n:
            b *= 2
        # kmalloc-96 and kmalloc-192 exist too.
        if 64 < n <= 96:
            return 96
        if 128 < n <= 192:
            return 192
        return b
    pages = PAGE
    while pages < n:
        pages *= 2
    return pages


class Report:
    def __init__(self, data, struct_size=None):
        self.d = data
        self.meta = data.get("meta", {})
        self.struct_size = struct_size
        self.lines = []
        self.targets = []

    def out(self, s=""):
        self.lines.append(s)

    # ---- aggregation -------------------------------------------------------

    def tp_reps(self, mech, size, placement):
        """{rep: msgs/s} of one throughput cell."""
        res = {}
        for e in self.d.get("throughput", []):
            if e.get("skip") or e["mech"] != mech or e["size"] != size:
                continue
            if mech != "null" and e.get("placement", "cross") != placement:
                continue
            res[e["rep"]] = e["msgs_per_s"]
        return res

    def tp_csw(self, mech, size, placement):
        """Median context switches per message of one throughput cell."""
        v = [e["csw_per_msg"] for e in self.d.get("throughput", [])
             if not e.get("skip") and e["mech"] == mech and
             e["size"] == size and "csw_per_msg" in e and
             e.get("placement", "cross") == placement]
        return median(v)

    def tp_skip(self, mech, size):
        for e in self.d.get("throughput", []):
            if e.get("skip") and e["mech"] == mech and e["size"] == size:
                return e["skip"]
        return None

    @staticmethod
    def paired(a, b, iqr=False):
        """Median, min and max of the per-repetition ratios a/b; with
        iqr, median and the first and third quartiles."""
        rs = []
        for rep, x in a.items():
            y = b.get(rep)
            if not x or not y:
                continue
            rs.append(x / y)
        if not rs:
            return None
        if iqr:
            if len(rs) < 2:
                return (rs[0], rs[0], rs[0])
            q1, _, q3 = statistics.quantiles(rs, n=4, method="inclusive")
            return (median(rs), q1, q3)
        return (median(rs), min(rs), max(rs))

    def pp_reps(self, mech, placement, key):
        return {e["rep"]: e[key] for e in self.d.get("pingpong", [])
                if e["mech"] == mech and e["placement"] == placement}

    def scale_reps(self, mech, pairs):
        return {e["rep"]: e["msgs_per_s"] for e in self.d.get("scaling", [])
                if e["mech"] == mech and e["pairs"] == pairs}

    # ---- sections ----------------------------------------------------------

    def header(self):
        m = self.meta
        accel = m.get("accel", "?")
        self.out("relq benchmark: %s, %s vCPUs, %s" %
                 (m.get("kernel", "?"), m.get("cpus", "?"), accel.upper()))
        self.out("%s repetitions x %s ms per measurement; the order of the "
                 "mechanisms rotates each repetition; queues sized for %s "
                 "per channel" % (m.get("reps"), m.get("duration_ms"),
                                  size_label(m.get("qbytes", 0))))
        if accel == "tcg":
            self.out("CAVEAT: under TCG (QEMU's instruction emulator) "
                     "absolute numbers are meaningless;")
            self.out("        only the ratios from one run count, and "
                     "cross-vCPU wake-ups are emulator artefacts.")
        dbg = [p for p in m.get("cmdline", "").split()
               if p.split("=")[0] in DEBUG_PARAMS]
        if dbg:
            self.out("NOTE: the VM booted with %s (scripts/vm.sh's verifier "
                     "switches):" % " ".join(dbg))
            self.out("      every slab and page allocation is slower and "
                     "larger, which penalises the peers")
            self.out("      that allocate per message (mqueue, seqpacket) "
                     "or per page (pipe), not relq.")
        self.out()

    def throughput(self):
        sizes = self.meta.get("sizes", [])
        self.out("1. Throughput, one producer and one consumer thread")
        self.out("   cross: producer on vCPU 0, consumer on vCPU 1; same: "
                 "both on vCPU 0; null has no consumer")
        self.out("   messages/s median [min-max] over the repetitions, MB/s "
                 "of the median")
        self.out()
        self.out("   %-7s %-10s %-24s %9s   %-24s %9s" %
                 ("size", "mechanism", "cross msgs/s", "MB/s",
                  "same msgs/s", "MB/s"))
        for size in sizes:
            for mech in MECHS:
                cells = []
                for pl in ("cross", "same"):
                    reps = list(self.tp_reps(mech, size, pl).values())
                    if not reps:
                        cells += ["-", "-"]
                        continue
                    lo, hi = spread(reps)
                    med = median(reps)
                    cells += ["%s [%s-%s]" % (si(med), si(lo), si(hi)),
                              "%.2f" % (med * size / 1e6)]
                skip = self.tp_skip(mech, size)
                if skip:
                    self.out("   %-7s %-10s skipped: %s" %
                             (size_label(size), mech, skip))
                    continue
                if mech == "null":
                    cells[2:] = ["(syscall floor)", ""]
                self.out("   %-7s %-10s %-24s %9s   %-24s %9s" %
                         tuple([size_label(size), mech] + cells))
            self.out()
        if any("csw_per_msg" in e for e in self.d.get("throughput", [])):
            self.out("   context switches per message (producer + consumer, "
                     "median), cross / same:")
            self.out("   %-7s " % "size" + " ".join("%-14s" % m
                                                    for m in MECHS[:-1]))
            for size in sizes:
                cells = []
                for mech in MECHS[:-1]:
                    c = [self.tp_csw(mech, size, pl)
                         for pl in ("cross", "same")]
                    cells.append("%-14s" % " / ".join(
                        "-" if x is None else "%.2f" % x for x in c))
                self.out("   %-7s " % size_label(size) + " ".join(cells))
            self.out()
        self.out("   relq / peer throughput: median of the per-repetition "
                 "ratios [min-max]; > 1 means relq is faster")
        self.out("   %-7s %-6s %-18s %-18s %-18s %-18s" %
                 ("size", "place", "vs pipe", "vs seqpacket", "vs mqueue",
                  "vs null (floor)"))
        for size in sizes:
            for pl in ("cross", "same"):
                relq = self.tp_reps("relq", size, pl)
                row = [ratio_str(self.paired(relq,
                                             self.tp_reps(p, size, pl)))
                       for p in PEERS + ["null"]]
                self.out("   %-7s %-6s %-18s %-18s %-18s %-18s" %
                         tuple([size_label(size), pl] + row))
        self.out()

    def pingpong(self):
        self.out("2. Ping-pong round trip, 64-byte messages, blocking "
                 "wake-ups (two queues per mechanism)")
        self.out("   same: both threads on vCPU 0 (no IPI: the "
                 "mechanism's own cost); cross: vCPU 0 and 1")
        self.out("   microseconds, median of the repetitions [min-max]")
        self.out()
        self.out("   %-6s %-10s %-24s %-26s %-16s %-16s" %
                 ("place", "mechanism", "p50 us", "p99 us",
                  "relq/x p50", "relq/x p99"))
        for pl in ("same", "cross"):
            rp50 = self.pp_reps("relq", pl, "p50_ns")
            rp99 = self.pp_reps("relq", pl, "p99_ns")
            for mech in MECHS[:-1]:
                p50 = self.pp_reps(mech, pl, "p50_ns")
                p99 = self.pp_reps(mech, pl, "p99_ns")
                if not p50:
                    continue
                c50 = "%.1f [%.1f-%.1f]" % tuple(
                    v / 1e3 for v in (median(list(p50.values())),)
                    + spread(list(p50.values())))
                c99 = "%.1f [%.1f-%.1f]" % tuple(
                    v / 1e3 for v in (median(list(p99.values())),)
                    + spread(list(p99.values())))
                r50 = r99 = ""
                if mech != "relq":
                    r50 = ratio_str(self.paired(rp50, p50))
                    r99 = ratio_str(self.paired(rp99, p99))
                self.out("   %-6s %-10s %-24s %-26s %-16s %-16s" %
                         (pl, mech, c50, c99, r50, r99))
            self.out()
        self.out("   relq/x < 1 means relq's round trip is shorter.")
        self.out()

    def scaling(self):
        self.out("3. Scaling: 1 vs 2 independent producer/consumer pairs "
                 "(64 B), pair k on vCPU k")
        self.out()
        self.out("   %-10s %-24s %-24s %-20s %s" %
                 ("mechanism", "1 pair msgs/s", "2 pairs msgs/s",
                  "2-pair / 1-pair", "of null's ratio"))
        ceiling = self.scale_ratio_reps("null")
        for mech in MECHS:
            one = self.scale_reps(mech, 1)
            two = self.scale_reps(mech, 2)
            if not one:
                continue
            cells = []
            for reps in (one, two):
                v = list(reps.values())
                lo, hi = spread(v)
                cells.append("%s [%s-%s]" % (si(median(v)), si(lo), si(hi)))
            eff = ""
            if mech != "null" and ceiling:
                eff = ratio_str(self.paired(self.scale_ratio_reps(mech),
                                            ceiling))
            self.out("   %-10s %-24s %-24s %-20s %s" %
                     (mech, cells[0], cells[1],
                      ratio_str(self.paired(two, one)), eff))
        self.out("   null (two writers of /dev/null, nothing shared) is the "
                 "ceiling this host gives the VM:")
        self.out("   below 2.0 when other work competes for the host's "
                 "cores; 'of null's ratio' divides that out.")
        self.out()

    def scale_ratio_reps(self, mech):
        """{rep: 2-pair/1-pair} of one mechanism."""
        one = self.scale_reps(mech, 1)
        two = self.scale_reps(mech, 2)
        return {r: two[r] / one[r] for r in one if r in two and one[r]}

    def memory(self):
        mem = self.d.get("memory", [])
        if not mem:
            return
        self.out("4. Kernel memory (guest slab accounting; 'nominal' counts "
                 "each object at the size")
        self.out("   its cache hands out without slub_debug's red zones and "
                 "tracking; 'MemFree' is every page,")
        self.out("   debug layout included, and is noisy)")
        self.out()
        for e in mem:
            if e["what"] != "channel":
                continue
            cap = e["capacity"]
            ring = e["ring_bytes"]
            bucket = kmalloc_bucket(ring)
            nominal = e["slab_nominal_b"]
            in_slab = bucket if bucket <= 8192 else 0
            struct = self.struct_size
            struct_b = kmalloc_bucket(struct) if struct else None
            meta = nominal - in_slab
            self.out("   idle channel, capacity %d B (%d channels): %.0f B "
                     "of slab per channel (no status page: the first mmap() "
                     "allocates it, %d B)" % (cap, e["count"], nominal, PAGE))
            self.out("     ring: %d B asked, %d B taken (%s)" %
                     (ring, bucket, "kmalloc bucket" if bucket <= 8192
                      else "pages"))
            if struct_b:
                self.out("     struct relq_channel: %d B asked, %d B taken "
                         "(kmalloc-cg-%s)" % (struct, struct_b,
                                              size_label(struct_b)
                                              .replace(" KiB", "k")
                                              .replace(" B", "")))
                self.out("     device model (struct device private data, "
                         "sysfs kernfs nodes, devtmpfs inode")
                self.out("       and dentry, names, xarray): %.0f B" %
                         (meta - struct_b))
            self.out("     MemFree drop %.0f B; with the debug layout the "
                     "slab share is %.0f B" %
                     (e["memfree_delta_b"], e["slab_laid_out_b"]))
            top = sorted(e["caches"], key=lambda c: -c["objs"] *
                         c["object_size"])[:8]
            self.out("     top caches: " + ", ".join(
                "%s %.2fx%d" % (c["name"], c["objs"], c["object_size"])
                for c in top))
            ad = e.get("after_destroy")
            if ad:
                self.out("     after DESTROY (+6 s for kfree_rcu): %+.0f B "
                         "nominal slab left per channel" %
                         ad["slab_nominal_b"])
            self.out()
        self.out("   per queued 64-byte message (8000 queued, no reader):")
        self.out("   %-10s %-14s %-14s %-16s %s" %
                 ("mechanism", "slab nominal", "MemFree drop",
                  "overhead/msg", "what"))
        what = {
            "relq": "4 B record header in the ring preallocated at CREATE; "
                    "nothing allocated per message",
            "pipe": "payload packed into 4 KiB pages (pipe_buffer slots "
                    "preallocated by F_SETPIPE_SZ)",
            "seqpacket": "one sk_buff head + one kmalloc'd data buffer per "
                         "message",
            "mqueue": "one msg_msg (48 B header + payload) per message",
        }
        for e in mem:
            if e["what"] != "message":
                continue
            mech = e["mech"]
            if mech == "relq":
                over = "4 B (ring)"
            elif mech == "pipe":
                over = "%.0f B" % max(e["memfree_delta_b"] - e["size"], 0)
            else:
                over = "%.0f B" % (e["slab_nominal_b"] - e["size"])
            self.out("   %-10s %-14s %-14s %-16s %s" %
                     (mech, "%.0f B" % e["slab_nominal_b"],
                      "%.0f B" % e["memfree_delta_b"], over, what[mech]))
        self.out()

    # ---- targets -----------------------------------------------------------

    def target(self, name, goal, value, ok, note=""):
        self.targets.append((name, goal, value, ok, note))

    def tp_ratio(self, size, peer, pl):
        return self.paired(self.tp_reps("relq", size, pl),
                           self.tp_reps(peer, size, pl))

    def evaluate(self):
        def fmt(r):
            return "-" if r is None else "%.2fx" % r[0]

        def verdict(r, goal, higher=True):
            if r is None:
                return "n/a"
            med, lo, hi = r
            ok = med >= goal if higher else med <= goal
            straddle = lo < goal < hi
            return ("met" if ok else "MISSED") + (" (spread straddles)"
                                                  if straddle else "")

        for size, peer, goal in ((64, "mqueue", 1.2), (64, "seqpacket", 1.0),
                                 (64, "pipe", 0.9), (65536, "pipe", 0.9)):
            for pl in ("same", "cross"):
                r = self.tp_ratio(size, peer, pl)
                self.target("%s throughput vs %s (%s)" %
                            (size_label(size), peer, pl),
                            ">= %.1fx" % goal, fmt(r), verdict(r, goal))
        for pl in ("same", "cross"):
            for key in ("p50_ns", "p99_ns"):
                r = self.paired(self.pp_reps("relq", pl, key),
                                self.pp_reps("pipe", pl, key))
                v = verdict(r, 1.0, False)
                if pl == "cross" and self.meta.get("accel") == "tcg":
                    v = "(TCG wake-up artefact; see 2.)"
                self.target("ping-pong %s vs pipe (%s)" % (key[:3], pl),
                            "<= 1.0x", fmt(r), v)
        r = self.paired(self.scale_reps("relq", 2), self.scale_reps("relq", 1))
        c = self.paired(self.scale_reps("null", 2), self.scale_reps("null", 1))
        note = ""
        if c:
            note = " (null reaches %.2fx)" % c[0]
        self.target("2-pair scaling (relq)", ">= 1.8x", fmt(r),
                    verdict(r, 1.8), note)
        mem = self.d.get("memory", [])
        msg = [e for e in mem if e["what"] == "message" and
               e["mech"] == "relq"]
        if msg:
            e = msg[0]
            self.target("kernel overhead per queued message", "<= 48 B",
                        "4 B (+%.0f B slab)" % e["slab_nominal_b"],
                        "met" if 4 + max(e["slab_nominal_b"], 0) <= 48
                        else "MISSED")
        ch = [e for e in mem if e["what"] == "channel"]
        if ch:
            e = min(ch, key=lambda c: c["capacity"])
            total = e["slab_nominal_b"]
            self.target("idle channel (capacity %d B)" % e["capacity"],
                        "<= 2 KiB", "%.1f KiB" % (total / 1024),
                        "met" if total <= 2048 else "MISSED")
            if self.struct_size:
                own = kmalloc_bucket(self.struct_size) + \
                    kmalloc_bucket(e["ring_bytes"])
                self.target("  of which relq's own (struct + ring)",
                            "", "%.1f KiB" % (own / 1024),
                            "met" if own <= 2048 else "MISSED")

    def targets_table(self):
        self.out("5. Design targets (goals, not test assertions): relq's "
                 "ratio, median of the paired repetitions")
        self.out()
        self.out("   %-40s %-9s %-20s %s" % ("target", "goal", "measured",
                                             "verdict"))
        for name, goal, value, ok, note in self.targets:
            self.out("   %-40s %-9s %-20s %s%s" % (name, goal, value, ok,
                                                   note))
        self.out()

    def render(self):
        self.header()
        self.throughput()
        self.pingpong()
        self.scaling()
        self.memory()
        self.evaluate()
        self.targets_table()
        return "\n".join(self.lines) + "\n"

    # ---- the PNG -----------------------------------------------------------

    def gnuplot(self, png):
        """A gnuplot script; panels without data show "no data"."""
        sizes = self.meta.get("sizes", [])
        blocks = []
        have = {}

        def block(name, rows):
            # Missing values are 0 in histograms (gnuplot wants numbers).
            have[name] = any(c != "0" for r in rows for c in r.split()[1:])
            blocks.append("$%s << EOD\n%s\nEOD\n" %
                          (name, "\n".join(rows) or "none 0"))

        def num(v, f="%.4f"):
            return f % v if v is not None else "0"

        for pl in ("same", "cross"):
            rows = []
            for size in sizes:
                row = [size_label(size).replace(" ", "")]
                for p in PEERS:
                    r = self.paired(self.tp_reps("relq", size, pl),
                                    self.tp_reps(p, size, pl), iqr=True)
                    row += [num(x) for x in r or (None, None, None)]
                rows.append(" ".join(row))
            block("tp_" + pl, rows)
        rows = []
        for size in sizes:
            row = [size_label(size).replace(" ", "")]
            for mech in MECHS:
                v = list(self.tp_reps(mech, size, "cross").values())
                row.append(num(median(v), "%.1f"))
            rows.append(" ".join(row))
        block("abs", rows)
        rows = []
        for mech in MECHS[:-1]:
            row = [mech]
            for pl in ("same", "cross"):
                for key in ("p50_ns", "p99_ns"):
                    v = list(self.pp_reps(mech, pl, key).values())
                    row.append(num(median(v) / 1e3 if v else None, "%.2f"))
            rows.append(" ".join(row))
        block("pp", rows)
        rows = []
        for mech in MECHS:
            r = self.paired(self.scale_reps(mech, 2), self.scale_reps(mech, 1),
                            iqr=True)
            if r:
                rows.append("%s %.4f %.4f %.4f" % ((mech,) + r))
        block("scale", rows)
        rows = []
        for e in self.d.get("memory", []):
            if e["what"] == "message":
                used = e["slab_nominal_b"]
                if e["mech"] == "pipe":
                    used = e["memfree_delta_b"]
                elif e["mech"] == "relq":
                    used = 4 + e["size"]
                rows.append("%s %.1f" % (e["mech"], max(used - e["size"], 0)))
        block("msgmem", rows)

        m = self.meta
        title = "relq vs peers on %s (%s, %s reps): only ratios count" % (
            m.get("kernel", "?"), m.get("accel", "?").upper(), m.get("reps"))
        gp = "".join(blocks) + """
set terminal pngcairo size 1600,1000 font "DejaVu Sans,10"
set output '%(png)s'
set multiplot layout 2,3 title "%(title)s"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set grid ytics
set key top left
set logscale y
set yrange [0.1:30]
set title "relq / peer msgs/s, producer and consumer on vCPU 0"
set ylabel "ratio, median and IQR (>1: relq faster)"
plot $tp_same using 2:3:4:xtic(1) title "vs pipe", \\
     '' using 5:6:7 title "vs seqpacket", \\
     '' using 8:9:10 title "vs mqueue", \\
     1 with lines dt 2 lc "black" notitle
set title "relq / peer msgs/s, producer vCPU 0, consumer vCPU 1"
plot $tp_cross using 2:3:4:xtic(1) title "vs pipe", \\
     '' using 5:6:7 title "vs seqpacket", \\
     '' using 8:9:10 title "vs mqueue", \\
     1 with lines dt 2 lc "black" notitle
set style histogram clustered gap 2
set title "msgs/s, cross-vCPU (median; absolute values meaningless)"
set ylabel "messages/s"
set yrange [1000:1e8]
set key top right horizontal maxcols 3
plot $abs using 2:xtic(1) title "relq", '' using 3 title "pipe", \\
     '' using 4 title "seqpacket", '' using 5 title "mqueue", \\
     '' using 6 title "null (floor)"
unset logscale y
set key top left vertical
set yrange [*:*]
set title "ping-pong round trip, 64 B (median of reps)"
set ylabel "microseconds"
set logscale y
plot $pp using 2:xtic(1) title "p50 same vCPU", \\
     '' using 3 title "p99 same vCPU", \\
     '' using 4 title "p50 cross vCPU", '' using 5 title "p99 cross vCPU"
unset logscale y
set yrange [0:3]
set key top right
set title "2-pair / 1-pair aggregate throughput (goal >= 1.8)"
set ylabel "ratio, median and IQR"
set style histogram errorbars gap 2 lw 1
plot $scale using 2:3:4:xtic(1) title "2/1 ratio [IQR]", \\
     1.8 with lines dt 2 lc "red" title "goal 1.8", \\
     2 with lines dt 3 lc "black" title "ideal"
set style histogram clustered gap 2
set title "kernel bytes per queued 64 B message beyond the payload"
set ylabel "bytes (nominal object sizes, log scale)"
set logscale y
set yrange [0.1:4096]
set key top left
plot $msgmem using 2:xtic(1) title "overhead", \\
     48 with lines dt 2 lc "red" title "relq goal 48 B"
unset multiplot
""" % {"png": png, "title": title}
        # Replace the plot of a panel without data by an empty frame.
        out = []
        for line in gp.split("\n"):
            for name, ok in have.items():
                if not ok and line.startswith("plot $%s " % name):
                    line = ("set label 1 'no data' at graph 0.5,0.5 center; "
                            "unset logscale y; plot [0:1] [0:1] NaN notitle; "
                            "unset label 1; plot_skip = 1")
            if line.startswith("     ") and out and "plot_skip = 1" in out[-1]:
                continue
            out.append(line)
        return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json")
    ap.add_argument("--text", help="also write the table here")
    ap.add_argument("--png", help="write the plot here (needs gnuplot)")
    ap.add_argument("--struct-size", type=int,
                    help="sizeof(struct relq_channel), for the memory "
                    "breakdown")
    args = ap.parse_args()
    with open(args.json) as f:
        data = json.load(f)
    rep = Report(data, args.struct_size)
    text = rep.render()
    sys.stdout.write(text)
    if args.text:
        with open(args.text, "w") as f:
            f.write(text)
    if args.png:
        gp_path = os.path.splitext(args.png)[0] + ".gp"
        with open(gp_path, "w") as f:
            f.write(rep.gnuplot(os.path.abspath(args.png)))
        res = subprocess.run(["gnuplot", gp_path], capture_output=True,
                             text=True)
        if res.returncode != 0 or not os.path.exists(args.png):
            sys.stderr.write(res.stderr)
            sys.exit("bench_report.py: gnuplot failed (%s)" % gp_path)
        sys.stderr.write(res.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
