#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""T-DOC-3: the userspace-API errno table and the kselftests match.

    errno_table.py [--tap]

Reads the errno table of Documentation/userspace-api/relq.rst (a
list-table: operation, errno, when, tests) and the kselftests in
selftests/relq/. Fails when
  - a row names no test, or a test that does not exist,
  - a named test does not mention the row's errno (it cannot assert it),
  - a kselftest asserts an errno (EXPECT/ASSERT_EQ(Exxx, ...)) that no row
    of the table documents.
"""
import errno
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(TOP, "Documentation/userspace-api/relq.rst")


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


def test_bodies():
    """Map test name -> body text, for TEST, TEST_F and TEST_F_TIMEOUT."""
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
    return bodies


def main(argv):
    rows = table_rows(DOC)
    bodies = test_bodies()
    problems = []
    documented = set()
    for op, err, _when, tests in rows:
        documented.add(err)
        names = [t.strip() for t in tests.split(",") if t.strip()]
        if not names:
            problems.append("%s %s: no test named" % (op, err))
        for name in names:
            if name not in bodies:
                problems.append("%s %s: test %s does not exist" % (op, err, name))
            elif not re.search(r"\b%s\b" % err, bodies[name]):
                problems.append("%s %s: test %s never mentions %s" % (op, err, name, err))
    asserted = re.compile(r"(?:EXPECT|ASSERT)_EQ\(\s*(E[A-Z0-9]+)\s*,")
    for name, body in bodies.items():
        for err in set(asserted.findall(body)):
            if err in errno.errorcode.values() and err not in documented:
                problems.append("test %s asserts %s, which the table does not document"
                                % (name, err))
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
