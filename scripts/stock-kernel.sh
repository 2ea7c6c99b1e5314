#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's stock kernel image matching an installed headers tree
# (6.12 or 6.1), unpack it into the cache (never into /boot) and build an
# initramfs that loads the virtio/9p/overlay modules the guest needs.
# Prints the cache directory; it holds vmlinuz and initramfs.cpio.gz.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${1:?usage: stock-kernel.sh 6.12|6.1}
hdr=$(relq_headers_dir "$series") || relq_die "no Debian $series headers installed"
release=${hdr#/usr/src/linux-headers-}
pkg=linux-image-$release
ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$ver" ] || relq_die "apt knows no package $pkg (run apt-get update)"
ihash=$(cat "$RELQ_TOP/scripts/initramfs.sh" "$RELQ_TOP/scripts/guest-init" | sha256sum | cut -c1-12)
dir=$RELQ_CACHE/kernels/stock-$release-$ver
if [ -f "$dir/.relq-done-$ihash" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir/deb"
relq_log "downloading $pkg $ver"
(cd "$dir/deb" && apt-get download "$pkg=$ver" >/dev/null 2>&1) ||
	relq_die "apt-get download $pkg=$ver failed"
dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
rm -rf "$dir/deb"
cp "$dir/root/boot/vmlinuz-$release" "$dir/vmlinuz"
depmod -b "$dir/root" "$release"

# The modules the guest needs before it can reach its root over 9p, in
# dependency order; Debian 6.12 compresses modules, so decompress them for
# busybox insmod.
mods=$(for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$dir/root" -S "$release" --show-depends "$m" 2>/dev/null
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++')
"$RELQ_TOP/scripts/initramfs.sh" "$dir/initramfs.cpio.gz" $mods
touch "$dir/.relq-done-$ihash"
echo "$dir"
