#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Static rules over relq's module sources that no compiler checks.

    lint_locks.py

Prints one TAP line per rule:
  t_sync_3_lock_comments_and_asserts  every spinlock_t, struct mutex and
      struct rw_semaphore (field or static) has a comment saying what it
      protects, and every __must_hold() function calls lockdep_assert_held()
      (checkpatch --strict's UNCOMMENTED_DEFINITION accepts any comment;
      this rule wants it to say what the lock protects or serialises)
  t_state_4_no_bug_and_listed_warns   no BUG()/BUG_ON(), and every WARN*()
      sits in a function listed in Documentation/locking.rst's "WARN sites"
  t_can_8_no_unbounded_waits          no wait_event(), wait_for_completion()
      or bare schedule(): every wait a user can cause is interruptible
  t_err_4_code_integrity              every file_operations table is const,
      and no filp_open()/kernel_read_file() of fixed paths
  t_ptc_2_queue_lock_sections         in the cancel-safe queue (csq.c),
      every *_locked() function is __must_hold() and asserts the lock as
      its first statement, and nothing in the unit completes an io_uring
      command, copies user memory or calls into the VFS (its callers do
      that after the lock is dropped)
  t_fwd_6_forward_through_vfs         no direct ->read(), ->write(),
      ->read_iter() or ->write_iter() call, no memcpy() or struct
      assignment of a struct kiocb or struct iov_iter, and forwarding goes
      through vfs_iocb_iter_write()
"""
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sorted(glob.glob(os.path.join(TOP, "module", "*.[ch]")))


def functions(text):
    """Yield (name, header, body) for each top-level function definition."""
    for m in re.finditer(r"^[a-zA-Z][^;{}()]*?\b(\w+)\(([^;{}]*?)\)\s*\n((?:\t__\w+\([^)]*\)\s*\n)*)\{",
                         text, re.M):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        yield m.group(1), m.group(0), text[m.end():i]


def rule_locks(problems):
    lock_decl = re.compile(r"^\s*(?:static\s+)?(spinlock_t|struct mutex|struct rw_semaphore)\s+\w+;(.*)$")
    for path in SRC:
        lines = open(path).read().splitlines()
        for n, line in enumerate(lines):
            m = lock_decl.match(line)
            if not m:
                continue
            around = m.group(2) + " ".join(lines[max(0, n - 6):n])
            if "protect" not in around and "serialise" not in around:
                problems.append("%s:%d: lock without a 'protects' comment"
                                % (os.path.basename(path), n + 1))
        text = "\n".join(lines)
        for name, header, body in functions(text):
            if "__must_hold" in header and "lockdep_assert_held" not in body:
                problems.append("%s: %s() is __must_hold but never asserts it"
                                % (os.path.basename(path), name))
        for m in re.finditer(r"DEFINE_(?:MUTEX|SPINLOCK)\((\w+)\)", text):
            start = text.rfind("\n\n", 0, m.start())
            if "protect" not in text[start:m.start()]:
                problems.append("%s: %s has no 'protects' comment"
                                % (os.path.basename(path), m.group(1)))


def rule_warns(problems):
    doc = open(os.path.join(TOP, "Documentation", "locking.rst")).read()
    listed = set(re.findall(r"``(\w+)\(\)``", doc[doc.find("WARN sites"):]))
    for path in SRC:
        text = open(path).read()
        if re.search(r"\bBUG(_ON)?\(", text):
            problems.append("%s: BUG()/BUG_ON()" % os.path.basename(path))
        for name, _header, body in functions(text):
            if re.search(r"\bWARN(_ON)?(_ONCE)?\(", body) and name not in listed:
                problems.append("%s: WARN in %s(), not in the documented list"
                                % (os.path.basename(path), name))


def rule_waits(problems):
    bad = re.compile(r"\bwait_event\(|\bwait_for_completion\(|[^_\w]schedule\(\)")
    for path in SRC:
        for n, line in enumerate(open(path), 1):
            if bad.search(line):
                problems.append("%s:%d: %s" % (os.path.basename(path), n, line.strip()))


def rule_integrity(problems):
    fops = re.compile(r"^(?!.*\bconst\b).*\bstruct file_operations\s+\w+\s*=", re.M)
    paths = re.compile(r"\b(filp_open|kernel_read_file\w*)\(")
    for path in SRC:
        text = open(path).read()
        for m in fops.finditer(text):
            problems.append("%s: writable fops: %s" % (os.path.basename(path), m.group(0)))
        for m in paths.finditer(text):
            problems.append("%s: %s()" % (os.path.basename(path), m.group(1)))


def rule_csq(problems):
    path = os.path.join(TOP, "module", "csq.c")
    if not os.path.exists(path):
        problems.append("module/csq.c is missing")
        return
    text = open(path).read()
    for name, header, body in functions(text):
        if not name.endswith("_locked"):
            continue
        if "__must_hold(" not in header:
            problems.append("csq.c: %s() is not __must_hold()" % name)
        first = [l.strip() for l in body.splitlines()
                 if l.strip() and not re.match(r"^(const |unsigned |struct |enum |bool |int |u\d+ )", l.strip())]
        if not first or not first[0].startswith("lockdep_assert_held("):
            problems.append("csq.c: %s() does not start with lockdep_assert_held()" % name)
    banned = re.compile(r"\b(io_uring_cmd_done|copy_(?:to|from)_user|put_user|get_user|"
                        r"copy_struct_from_user|vfs_\w+|kiocb_\w+)\(")
    for n, line in enumerate(text.splitlines(), 1):
        if banned.search(line) and not line.lstrip().startswith(("*", "/*")):
            problems.append("csq.c:%d: %s" % (n, line.strip()))


def rule_forward(problems):
    call = re.compile(r"->\s*(read|write|read_iter|write_iter)\s*\(")
    copy = re.compile(r"\bmem(?:cpy|move)\([^;]*\b(?:kiocb|iocb|iov_iter|iter)\b")
    decl = re.compile(r"\bstruct\s+(?:kiocb|iov_iter)\s+(\w+)\s*[;=,]")
    deref = re.compile(r"=\s*\*\s*\(?\s*\w*(?:iocb|iter)\w*\b")
    for path in SRC:
        text = open(path).read()
        name = os.path.basename(path)
        objs = set(decl.findall(text))
        for n, line in enumerate(text.splitlines(), 1):
            code = line.split("/*")[0].split("//")[0]
            if line.lstrip().startswith("*"):
                continue
            if call.search(code):
                problems.append("%s:%d: direct file-operation call: %s" % (name, n, line.strip()))
            if copy.search(code) or deref.search(code):
                problems.append("%s:%d: copies a kiocb or iov_iter: %s" % (name, n, line.strip()))
            for o in objs:
                m = re.search(r"(?<![.>\w])%s\s*=\s*(\w+)\s*;" % re.escape(o), code)
                if m and m.group(1) in objs:
                    problems.append("%s:%d: assigns a kiocb or iov_iter: %s" % (name, n, line.strip()))
    chan = os.path.join(TOP, "module", "channel.c")
    if "vfs_iocb_iter_write(" not in open(chan).read():
        problems.append("channel.c: forwarding does not use vfs_iocb_iter_write()")


def main():
    rc = 0
    for i, (name, rule) in enumerate([
            ("t_sync_3_lock_comments_and_asserts", rule_locks),
            ("t_state_4_no_bug_and_listed_warns", rule_warns),
            ("t_can_8_no_unbounded_waits", rule_waits),
            ("t_err_4_code_integrity", rule_integrity),
            ("t_ptc_2_queue_lock_sections", rule_csq),
            ("t_fwd_6_forward_through_vfs", rule_forward)], 1):
        problems = []
        rule(problems)
        for p in problems:
            print("# " + p)
        print("%s %d %s" % ("not ok" if problems else "ok", i, name))
        rc |= bool(problems)
    return rc


if __name__ == "__main__":
    print("TAP version 13")
    print("1..6")
    sys.exit(main())
