#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages relq needs, if any are missing.
# Idempotent and non-interactive; a no-op when everything is present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(
	# build: Debian kernel sources and headers (6.12 LTS and 6.1 LTS)
	linux-source-6.12 linux-headers-6.12-amd64 linux-headers-amd64
	build-essential gcc-multilib flex bison bc libelf-dev libssl-dev
	dwarves kmod cpio xz-utils zstd file rsync python3
	# the VM: QEMU with TCG, a static busybox for the initramfs
	qemu-system-x86 busybox-static
	# review and test tools used, not reimplemented
	sparse coccinelle stress-ng trinity liburing-dev fio udev dkms
	python3-sphinx graphviz gnuplot-nox
	# the documentation's page-width check (scripts/doc_width.sh)
	chromium
	# coverage of module/ in the debug run (scripts/coverage.sh)
	lcov
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
[ "$(id -u)" = 0 ] || relq_die "missing packages (${missing[*]}): run 'make deps' as root"
relq_log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
