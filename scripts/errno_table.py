#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""T-DOC-3: the userspace-API errno table and the kselftests match, per operation.

    errno_table.py [--tap]
    errno_table.py --self-test

Reads the errno table of Documentation/userspace-api/relq.rst (a
list-table: operation, errno, when, tests) and the kselftests in
selftests/relq/. An assertion is EXPECT_EQ or ASSERT_EQ with an errno
(or its negation) first; its operation is the call in its second
argument (an ioctl command, a helper such as relq_create(), a system call
such as write() or mmap()) or, when that is a variable, the call last
assigned to it before the assertion. Fails when
  - a row names no test, or a test that does not exist,
  - a named test has no assertion of the row's errno for the row's
    operation,
  - a kselftest asserts an errno for an operation that has no row for
    it, or asserts an errno (of no known operation) that no row has.
"""
import errno
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(TOP, "Documentation/userspace-api/relq.rst")


# The calls of each operation of the table: an ioctl command, the test
# helpers that issue it, the system calls. "control" and "channel" name
# the node and do not change the call.
OPS = {
    "CREATE": r"RELQ_IOC_CREATE|\brelq_\w*create\w*\(",
    "DESTROY": r"RELQ_IOC_DESTROY|\brelq_\w*destroy\(",
    "LIST": r"RELQ_IOC_LIST|\brelq_\w*list\w*\(",
    "INFO": r"RELQ_IOC_INFO|\brelq_info\(",
    "LINK": r"RELQ_IOC_LINK\b|\brelq_link\(",
    "UNLINK": r"RELQ_IOC_UNLINK|\brelq_unlink\(",
    "DRAIN": r"RELQ_IOC_DRAIN|\brelq_drain\w*\(",
    "FIONREAD": r"\bFIONREAD\b|\brelq_fionread\(",
    "RECV": r"RELQ_URING_RECV|\brelq_recv\w*\(|\brelq_cmd_sync\(",
    "ioctl": r"\bioctl\(",
    "open": r"\bopen(?:at)?\(|\brelq_\w*open\w*\(",
    "read": r"\b(?:read|readv|preadv2)\(",
    "write": r"\b(?:write|writev|pwritev2)\(|\brelq_send\(",
    "pread": r"\bpread\w*\(",
    "pwrite": r"\bpwrite\w*\(",
    "lseek": r"\blseek\(",
    "fsync": r"\bf(?:data)?sync\(",
    "mmap": r"\bmmap\(|\brelq_mmap_err\(|\bmprotect\(",
    "mremap": r"\bmremap\(",
    "module parameter write": r"\brelq_param_write\w*\(",
}

IOCTLS = {"CREATE", "DESTROY", "LIST", "INFO", "LINK", "UNLINK", "DRAIN", "FIONREAD"}


def row_ops(op):
    """The operations of a row's first column: 'LINK, UNLINK' is two."""
    ops = set()
    for part in re.split(r"[,/]", op):
        part = part.strip()
        for word in ("control ", "channel "):
            if part.startswith(word):
                part = part[len(word):]
        ops.add(part)
    return ops


def call_ops(expr):
    """The operations whose calls an expression makes."""
    found = {op for op, pat in OPS.items() if re.search(pat, expr)}
    # A relq command is an ioctl too (ENOTTY on the wrong node).
    if found & IOCTLS:
        found.add("ioctl")
    return found


def balanced(text, i):
    """The text from i up to the parenthesis that closes the one before i."""
    depth = 1
    for j in range(i, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if not depth:
                return text[i:j]
    return text[i:]


ASSERT = re.compile(r"\b(?:EXPECT|ASSERT)_EQ\(")
ERRNO = re.compile(r"\bE[A-Z0-9]{2,}\b")


def split_args(args):
    """The top-level comma-separated arguments of a call's argument text."""
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and not depth:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def last_call(text):
    """The operations of the last statement of text that makes a known call."""
    for stmt in reversed(re.split(r"[;{}]", text)):
        ops = call_ops(stmt)
        if ops:
            return ops
    return set()


def value_ops(value, src, pos):
    """The operations of an assigned value; errno: the call just before."""
    if value.endswith("->res"):
        return {"RECV"}
    ops = call_ops(value)
    if not ops and re.search(r"\berrno\b", value):
        ops = last_call(src[:pos])
    return ops


def trace(expr, body, src, pos):
    """The operations an assertion's value comes from (see the docstring)."""
    ops = value_ops(expr, body, pos)
    for _ in range(3):
        if ops or not re.fullmatch(r"[\w>.\[\]-]+", expr):
            break
        # The last assignment before the assertion; a member or array
        # element set elsewhere (a thread, a child): any of the file's.
        base = re.sub(r"^self->", "", expr)
        name = re.sub(r"^\w+(?:\.|->)", "", base)
        var = re.escape(base)
        last = None
        for a in re.finditer(r"(?<![\w])(?:self->)?%s\s*=(?!=)\s*" % var, body[:pos]):
            last = a
        if last:
            expr = body[last.end():body.find(";", last.end())].strip()
            ops = value_ops(expr, body, last.start())
            continue
        lead = r"(?:\.|->)" if name != base else r"(?<![\w])"
        for a in re.finditer(r"%s%s\s*=(?!=)([^;]*);" % (lead, re.escape(name)), src):
            value = a.group(1).strip()
            found = value_ops(value, "", 0)
            if not found and re.search(r"\berrno\b", value):
                # errno in a helper: every call that helper makes.
                start = src.rfind("\n}\n", 0, a.start())
                for stmt in re.split(r"[;{}]", src[start:a.start()]):
                    found |= call_ops(stmt)
            ops |= found
        break
    return ops


def headers():
    """The test headers, where helpers a test calls may set its value."""
    return "".join(open(h).read()
                   for h in sorted(glob.glob(os.path.join(TOP, "selftests/relq/*.h"))))


def assertions(body, src=""):
    """[(errno, set of operations)] for each errno assertion of a test."""
    out = []
    for m in ASSERT.finditer(body):
        args = split_args(balanced(body, m.end()))
        if len(args) < 2:
            continue
        want, expr = args[0], args[1]
        errs = set(ERRNO.findall(want))
        # EXPECT_EQ(want[i], ...), EXPECT_EQ(cases[i].err, ...): over a
        # table of expected errnos, its initialiser or its elements.
        tab = re.fullmatch(r"(\w+)\[[^\]]*\](?:\.\w+)?", want)
        if tab:
            name = re.escape(tab.group(1))
            for init in re.finditer(r"\b%s\[\w*\]\s*=\s*\{(.*?)\};" % name, body, re.S):
                errs |= set(ERRNO.findall(init.group(1)))
            for lit in re.finditer(r"\b%s\[[^\]]*\]\s*=\s*(?:\([^;]*?\)\s*)?\{([^}]*)\}"
                                   % name, body):
                errs |= set(ERRNO.findall(lit.group(1)))
        errs = {e for e in errs if isinstance(getattr(errno, e, None), int)}
        if not errs:
            continue
        ops = trace(expr, body, src, m.start())
        for err in errs:
            out.append((err, ops))
    return out


def table_rows(path):
    text = open(path).read()
    start = text.index(".. list-table::", text.index("Errno table"))
    rows, row = [], None
    for line in text[start:].splitlines()[1:]:
        if line.startswith("   * - "):
            if row:
                rows.append(row)
            row = [line[7:].strip()]
        elif line.startswith("     - ") and row is not None:
            row.append(line[7:].strip())
        elif line.strip() and not line.startswith("   "):
            break
    if row:
        rows.append(row)
    return rows[1:]  # drop the header row


SOURCES = {}
HEADERS = ""


def test_bodies():
    """Map test name -> body text, for TEST, TEST_F and TEST_F_TIMEOUT."""
    global HEADERS
    HEADERS = "\n}\n" + headers()
    bodies = {}
    head = re.compile(r"^(TEST|TEST_F|TEST_F_TIMEOUT)\(([^)]*)\)", re.M)
    for path in sorted(glob.glob(os.path.join(TOP, "selftests/relq/*.c"))):
        src = open(path).read()
        marks = list(head.finditer(src))
        for i, m in enumerate(marks):
            args = [a.strip() for a in m.group(2).split(",")]
            name = args[1] if m.group(1) != "TEST" else args[0]
            end = marks[i + 1].start() if i + 1 < len(marks) else len(src)
            bodies[name] = src[m.end():end]
            SOURCES[name] = src + HEADERS
    return bodies


def check(rows, bodies, sources):
    """The problems of a table against tests; and the documented errnos."""
    asserted = {name: assertions(body, sources.get(name, body))
                for name, body in bodies.items()}
    problems = []
    documented = set()
    rowset = set()
    for op, err, _when, tests in rows:
        documented.add(err)
        ops = row_ops(op)
        for o in ops:
            if o not in OPS:
                problems.append("%s %s: no calls are known for operation %s" % (op, err, o))
            rowset.add((o, err))
        names = [t.strip() for t in tests.split(",") if t.strip()]
        if not names:
            problems.append("%s %s: no test named" % (op, err))
        for name in names:
            if name not in bodies:
                problems.append("%s %s: test %s does not exist" % (op, err, name))
                continue
            if not any(e == err and ops & aops for e, aops in asserted[name]):
                problems.append("%s %s: test %s never asserts %s for %s"
                                % (op, err, name, err, op))
    for name, found in sorted(asserted.items()):
        for err, ops in found:
            if not ops:
                if err not in documented:
                    problems.append("test %s asserts %s, which the table does not document"
                                    % (name, err))
            elif not any((o, err) in rowset for o in ops):
                problems.append("test %s asserts %s for %s, which has no row for it"
                                % (name, err, " or ".join(sorted(ops))))
    return problems, documented


# --self-test: tables and tests the check must refuse, and one it accepts.
SELF_TESTS = {
    "t_a": "{\n\tEXPECT_EQ(ENODEV, relq_err(ioctl(fd, FIONREAD, &n)));\n}\n",
    "t_b": "{\n\terr = relq_list(ctl, e, 4, NULL);\n\tEXPECT_EQ(ENOMEM, err);\n}\n",
    "t_c": "{\n\t/* ENOMEM is only mentioned here */\n\tEXPECT_EQ(0, relq_list(ctl, e, 4, NULL));\n}\n",
    "t_d": "{\n\tEXPECT_EQ(EFAULT, relq_err(write(fd, NULL, 1)));\n}\n",
}
SELF_CASES = [
    ("accepted", [("FIONREAD", "ENODEV", "", "t_a"), ("LIST", "ENOMEM", "", "t_b"),
                  ("write", "EFAULT", "", "t_d")], 0),
    ("a test that only mentions the errno",
     [("FIONREAD", "ENODEV", "", "t_a"), ("LIST", "ENOMEM", "", "t_b, t_c"),
      ("write", "EFAULT", "", "t_d")], 1),
    ("the right errno for another operation",
     [("FIONREAD", "ENODEV", "", "t_a"), ("INFO", "ENOMEM", "", "t_b"),
      ("write", "EFAULT", "", "t_d")], 2),
    ("an asserted errno with its row missing",
     [("FIONREAD", "ENODEV", "", "t_a"), ("LIST", "ENOMEM", "", "t_b")], 1),
    ("an asserted errno documented for another operation only",
     [("FIONREAD", "ENODEV", "", "t_a"), ("LIST", "ENOMEM", "", "t_b"),
      ("read", "EFAULT", "", "t_d")], 2),
]


def self_test():
    bad = 0
    for what, rows, want in SELF_CASES:
        problems, _ = check(rows, SELF_TESTS, {})
        ok = len(problems) == want
        bad += not ok
        print("%s %s: %d problems, %d expected" % ("ok" if ok else "not ok",
                                                 what, len(problems), want))
        for p in problems if not ok else []:
            print("# " + p)
    return 1 if bad else 0


def main(argv):
    if "--self-test" in argv:
        return self_test()
    rows = table_rows(DOC)
    bodies = test_bodies()
    problems, documented = check(rows, bodies, SOURCES)
    # T-CPL-2's list in relq_test.h is the table's set of errnos.
    hdr = open(os.path.join(TOP, "selftests/relq/relq_test.h")).read()
    m = re.search(r"relq_documented_errnos\[\] = \{([^}]*)\}", hdr)
    listed = set(re.findall(r"E[A-Z0-9]+", m.group(1))) if m else set()
    if listed != documented:
        problems.append("relq_test.h's relq_documented_errnos differs from the table: "
                        "missing %s, extra %s" % (sorted(documented - listed),
                                                  sorted(listed - documented)))
    for p in problems:
        print("# " + p)
    ok = not problems
    print("%s t_doc_3_errno_table_matches_tests (%d rows, %d tests)"
          % ("ok" if ok else "not ok", len(rows), len(bodies)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
