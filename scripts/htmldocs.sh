#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make htmldocs (T-DOC-2): build relq's HTML documentation with Debian's
# python3-sphinx, every warning fatal.
#
#   htmldocs.sh [OUTDIR]      default: Documentation/output/html
#
# kernel-doc comments come from relq's sources through the kernel's own
# scripts/kernel-doc and kerneldoc extension (Debian's linux-source-6.12,
# found by scripts/ksrc.sh); Graphviz figures are rendered by the kernel's
# kfigure extension with dot(1). kernel-doc -Wall over the sources is
# make lint's step t_err_4_kernel_doc, not repeated here. Before Sphinx
# runs, three checks:
#   - every non-static function in module/*.c has a kernel-doc comment;
#   - every source file with kernel-doc is pulled into kernel-api.rst;
#   - every chapter of guidelines.rst has a try-it box (scripts/tryit.py).
# The build always starts from scratch (a fresh doctree cache), so a
# warning in an unchanged page can never hide behind an incremental build.
# The last line is the verdict: "ok t_doc_2_htmldocs" or "not ok ...".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$(realpath -m "${1:-$RELQ_TOP/Documentation/output/html}")
ksrc=$("$RELQ_TOP/scripts/ksrc.sh") || relq_die "no kernel source (run scripts/deps.sh)"
kdoc=$ksrc/scripts/kernel-doc
command -v sphinx-build >/dev/null || relq_die "sphinx-build not found (apt-get install python3-sphinx)"
command -v dot >/dev/null || relq_die "dot not found (apt-get install graphviz)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$RELQ_TOP" || exit 1
rc=0
fail() { echo "htmldocs: $*" >&2; rc=1; }

# relq's kernel-doc sources: module/*.[ch] and the uapi header.
mapfile -t srcs < <(ls module/*.[ch] include/uapi/linux/relq.h)

# 1. Every non-static function defined in module/*.c has kernel-doc:
#    compare the definitions (a line at column 0 that is not static) with
#    the functions kernel-doc itself documents.
grep -hoP '^(?!static\b)[a-z][\w ]*?\**\brelq_\w+(?=\()' module/*.c |
	grep -oP 'relq_\w+$' | sort -u > "$tmp/nonstatic.txt"
perl "$kdoc" -rst module/*.c 2>/dev/null |
	sed -n 's/^\.\. c:function:: .*[ *]\(relq_[A-Za-z0-9_]*\) *(.*/\1/p' |
	sort -u > "$tmp/documented.txt"
missing=$(comm -23 "$tmp/nonstatic.txt" "$tmp/documented.txt")
if [ -n "$missing" ]; then
	echo "non-static functions without kernel-doc: $(echo "$missing" | tr '\n' ' ')" >&2
	fail "kernel-doc does not cover every non-static function"
fi
[ -s "$tmp/nonstatic.txt" ] || fail "found no non-static function in module/*.c"

# 2. Every file that has kernel-doc comments appears in kernel-api.rst.
for f in "${srcs[@]}"; do
	grep -q '^/\*\*' "$f" || continue
	grep -q "^\.\. kernel-doc:: $f\$" Documentation/kernel-api.rst ||
		fail "$f has kernel-doc but Documentation/kernel-api.rst does not include it"
done

# 3. Every chapter of the concordance has a well-formed "Try it" box
#    (selftests/relq/relq_tryit_test.sh runs them in the VM).
python3 scripts/tryit.py --check >/dev/null || fail "the try-it boxes are incomplete"

# 4. Sphinx, warnings as errors. conf.py sets KDOC_WERROR, so a kernel-doc
#    warning inside a directive fails the build too.
mkdir -p "$out"
RELQ_KSRC=$ksrc sphinx-build -b html -q -W --keep-going \
	-d "$tmp/doctrees" "$RELQ_TOP/Documentation" "$out" 2> "$tmp/sphinx.txt"
sphinx_rc=$?
cat "$tmp/sphinx.txt" >&2
# Sphinx prints kernel-doc's stderr (kerneldoc_verbosity) without counting
# it as a warning: any line from kernel-doc is a failure too.
if [ $sphinx_rc -ne 0 ] || grep -qiE 'warning|error' "$tmp/sphinx.txt"; then
	fail "sphinx-build reported warnings (exit $sphinx_rc)"
fi

if [ $rc -eq 0 ]; then
	echo "ok t_doc_2_htmldocs: $(find "$out" -name '*.html' | wc -l) pages in $out, 0 warnings"
else
	echo "not ok t_doc_2_htmldocs"
fi
exit $rc
