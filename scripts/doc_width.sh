#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# T-DOC-2: no page of the HTML documentation is wider than a 1280-pixel
# browser window. Each page is loaded in headless Chromium with a
# 1280x900 window; a page passes when document.documentElement.scrollWidth
# is at most the window's width (a wider page scrolls sideways).
#
#   doc_width.sh [HTMLDIR [WIDTH]]   default: Documentation/output/html 1280
#
# One line per page ("<width> px <page>"), then the verdict:
# "ok t_doc_2_page_width" or "not ok t_doc_2_page_width".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$(realpath -m "${1:-$RELQ_TOP/Documentation/output/html}")
width=${2:-1280}
browser=$(command -v chromium || command -v chromium-browser) ||
	relq_die "chromium not found (apt-get install chromium)"
[ -d "$dir" ] || relq_die "$dir: no such directory (run make htmldocs first)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0 n=0
# The script runs after the page's load event and writes its result into
# the DOM, which --dump-dom prints.
js='<script>window.addEventListener("load",function(){var d=document.createElement("div");d.id="relq-width";d.textContent="RELQWIDTH="+document.documentElement.scrollWidth;document.body.appendChild(d);});</script>'
while IFS= read -r page; do
	rel=${page#"$dir"/}
	# A copy beside the original, so relative links (CSS, images) resolve.
	probe=$(dirname "$page")/.relq-width-probe.html
	sed "s|</head>|$js</head>|" "$page" > "$probe"
	got=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --window-size="$width,900" \
		--virtual-time-budget=2000 --user-data-dir="$tmp/profile" \
		--dump-dom "file://$probe" 2>/dev/null |
		grep -o "RELQWIDTH=[0-9][0-9]*" | cut -d= -f2 | head -1)
	rm -f "$probe"
	n=$((n + 1))
	if [ -z "$got" ]; then
		echo "?    px $rel (no measurement)"
		rc=1
	elif [ "$got" -gt "$width" ]; then
		echo "$got px $rel: wider than $width"
		rc=1
	else
		echo "$got px $rel"
	fi
done < <(find "$dir" -name '*.html' ! -name '.relq-width-probe.html' | sort)

if [ "$n" -eq 0 ]; then
	echo "no HTML page in $dir"
	rc=1
fi
if [ $rc -eq 0 ]; then
	echo "ok t_doc_2_page_width: $n pages, none wider than $width px"
else
	echo "not ok t_doc_2_page_width"
fi
exit $rc
