#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse from the cache) relq's debug kernel from Debian's
# linux-source-6.12: x86_64 tinyconfig + scripts/kconfig/debug.config.
# Prints the build directory (a valid KDIR) on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(relq_debug_kdir)
if [ -f "$out/.relq-done" ]; then
	echo "$out"
	exit 0
fi
ksrc=$(relq_ksrc)
frag=$RELQ_TOP/scripts/kconfig/debug.config
jobs=${RELQ_JOBS:-$(( $(nproc) + 1 ))}
rm -rf "$out"
mkdir -p "$out"
relq_log "configuring debug kernel in $out"
make -s -C "$ksrc" O="$out" ARCH=x86_64 tinyconfig >/dev/null
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >/dev/null
make -s -C "$ksrc" O="$out" ARCH=x86_64 olddefconfig >/dev/null

# Every option the fragment asks for must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		if ! grep -qxF "$line" "$out/.config"; then
			relq_log "config option dropped: $line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$out/.config" || echo unset))"
			missing=1
		fi ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		if grep -q "^$opt=" "$out/.config"; then
			relq_log "config option should be off: $opt"
			missing=1
		fi ;;
	esac
done < "$frag"
[ $missing -eq 0 ] || relq_die "debug kernel config is incomplete"

relq_log "building debug kernel with -j$jobs (about 6-8 minutes cold)"
make -s -C "$ksrc" O="$out" ARCH=x86_64 -j"$jobs" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; relq_die "debug kernel build failed"; }
touch "$out/.relq-done"
echo "$out"
