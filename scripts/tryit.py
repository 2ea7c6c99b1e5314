#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The "Try it" boxes of relq's documentation, for the test that runs them.

    tryit.py [DOCDIR]              print every box in the boxes format
    tryit.py --check [DOCDIR]      check the boxes only (exit 1 on a defect)

A box is a ``.. tryit:: NAME`` directive in a page of Documentation/
(Documentation/sphinx/relq_docs.py renders it). Its content is a console
session: ``$ COMMAND`` lines, each followed by lines of its expected
output, where ``...`` stands for any text. An optional ``:needs: WHAT``
says what the box needs beyond relq (``fail-nth``: fault injection).

The boxes format, which selftests/relq/relq_tryit_test.sh reads:

    @box NAME PAGE
    @needs WHAT          (optional)
    $ COMMAND
    EXPECTED OUTPUT LINE
    @end

Defects --check reports: a duplicate name, a box without commands, a
content line before the first command, and a chapter of guidelines.rst
without a box (each guideline has one).
"""
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRECTIVE = re.compile(r"^\.\. tryit:: (\S+)\s*$")


def boxes(docdir):
    """[(name, page, needs, [(command, [expected line, ...])])]"""
    found = []
    pages = sorted(glob.glob(os.path.join(docdir, "**", "*.rst"), recursive=True))
    for path in pages:
        page = os.path.relpath(path, docdir)
        lines = open(path).read().splitlines()
        i = 0
        while i < len(lines):
            m = DIRECTIVE.match(lines[i])
            i += 1
            if not m:
                continue
            needs, body = "", []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
                body.append(lines[i][3:])
                i += 1
            while body and not body[-1].strip():
                body.pop()
            steps, stray = [], []
            for ln in body:
                opt = re.match(r"^:needs:\s*(\S+)", ln)
                if opt and not steps:
                    needs = opt.group(1)
                elif ln.startswith("$ "):
                    steps.append((ln[2:], []))
                elif steps:
                    if ln.strip():
                        steps[-1][1].append(ln)
                elif ln.strip():
                    stray.append(ln)
            found.append((m.group(1), page, needs, steps, stray))
    return found


def check(docdir):
    problems, seen = [], {}
    found = boxes(docdir)
    for name, page, _needs, steps, stray in found:
        if name in seen:
            problems.append("%s: box %s is also in %s" % (page, name, seen[name]))
        seen[name] = page
        if not steps:
            problems.append("%s: box %s has no command" % (page, name))
        for ln in stray:
            problems.append("%s: box %s: %r comes before its first command" % (page, name, ln))
    guide = os.path.join(docdir, "guidelines.rst")
    if os.path.exists(guide):
        text = open(guide).read()
        chapters = re.split(r"^\.\. _g(\d+):$", text, flags=re.M)
        for k in range(1, len(chapters), 2):
            if not re.search(r"^\.\. tryit:: ", chapters[k + 1], re.M):
                problems.append("guidelines.rst: section %s has no try-it box" % chapters[k])
    return found, problems


def main(argv):
    args = argv[1:]
    only_check = bool(args) and args[0] == "--check"
    if only_check:
        args = args[1:]
    docdir = args[0] if args else os.path.join(TOP, "Documentation")
    found, problems = check(docdir)
    for p in problems:
        print("tryit: " + p, file=sys.stderr)
    if problems:
        return 1
    if only_check:
        print("tryit: %d boxes, %d commands" % (len(found), sum(len(b[3]) for b in found)))
        return 0
    for name, page, needs, steps, _stray in found:
        print("@box %s %s" % (name, page))
        if needs:
            print("@needs %s" % needs)
        for cmd, expect in steps:
            print("$ " + cmd)
            for ln in expect:
                print(ln)
        print("@end")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
