#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs: static busybox, scripts/guest-init as /init,
# and the given kernel modules (loaded by /init in the order given).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: initramfs.sh OUT.cpio.gz [module.ko ...]}
shift
bb=/bin/busybox
[ -x "$bb" ] && "$bb" --list >/dev/null 2>&1 || relq_die "busybox-static is missing"
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || relq_die "$bb is not static (install busybox-static)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,lower,rw,newroot,lib/modules}
cp "$bb" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
install -m 0755 "$RELQ_TOP/scripts/guest-init" "$tmp/init"
: > "$tmp/lib/modules/order"
for m in "$@"; do
	base=$(basename "$m")
	case $m in
	*.ko.xz) xz -dc "$m" > "$tmp/lib/modules/${base%.xz}"; base=${base%.xz} ;;
	*.ko.zst) zstd -qdc "$m" > "$tmp/lib/modules/${base%.zst}"; base=${base%.zst} ;;
	*.ko.gz) gzip -dc "$m" > "$tmp/lib/modules/${base%.gz}"; base=${base%.gz} ;;
	*) cp "$m" "$tmp/lib/modules/$base" ;;
	esac
	echo "$base" >> "$tmp/lib/modules/order"
done
(cd "$tmp" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
