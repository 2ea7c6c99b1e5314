#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# T-INST-5: build relq with DKMS (dkms add + dkms build, in private trees
# under .build/, never /var/lib/dkms) against Debian's 6.12 or 6.1
# headers, and put the module DKMS built in .build/<series>-dkms/ for the
# stock-kernel VM runs to load. Prints the module's srcversion.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: dkms-build.sh 6.12|6.1}
hdr=$(relq_headers_dir "$series") || relq_die "no Debian $series headers"
kver=${hdr#/usr/src/linux-headers-}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$RELQ_TOP/dkms.conf")
[ "$ver" = "$(cat "$RELQ_TOP/VERSION")" ] ||
	relq_die "dkms.conf PACKAGE_VERSION $ver differs from VERSION $(cat "$RELQ_TOP/VERSION")"
build=${RELQ_BUILD:-$RELQ_TOP/.build}
tree=$build/dkms-$series/tree
srcroot=$build/dkms-$series/src
out=$build/$series-dkms
rm -rf "$build/dkms-$series" "$out"
mkdir -p "$tree" "$srcroot/relq-$ver" "$out"
rsync -a "$RELQ_TOP/Kbuild" "$RELQ_TOP/VERSION" "$RELQ_TOP/dkms.conf" \
	"$RELQ_TOP/module" "$RELQ_TOP/kunit" "$RELQ_TOP/include" "$srcroot/relq-$ver/"
dk=(dkms --dkmstree "$tree" --sourcetree "$srcroot")
"${dk[@]}" add -m relq -v "$ver" >&2
"${dk[@]}" build -m relq -v "$ver" -k "$kver" --kernelsourcedir "$hdr" >&2 ||
	{ cat "$tree/relq/$ver/build/make.log" >&2 2>/dev/null; relq_die "dkms build failed"; }
ko=$(find "$tree/relq/$ver/$kver" -name 'relq.ko*' | head -n 1)
[ -n "$ko" ] || relq_die "dkms built no relq.ko for $kver"
cp "$ko" "$out/"
modinfo -F srcversion "$ko"
