#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse from the cache) one of relq's kernels from Debian's
# linux-source-6.12: x86_64 tinyconfig + scripts/kconfig/debug.config
# (flavour "debug", the default) or + kcsan.config on top (flavour
# "kcsan"). Prints the build directory (a valid KDIR) on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:-debug}
frags=$(relq_fragments "$flavour")
out=$(relq_built_kdir "$flavour")
# One builder per flavour: a second caller waits, then reuses the result.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9
if [ -f "$out/.relq-done" ]; then
	echo "$out"
	exit 0
fi
ksrc=$(relq_ksrc)
jobs=${RELQ_JOBS:-$(( $(nproc) + 1 ))}
rm -rf "$out"
mkdir -p "$out"
relq_log "configuring the $flavour kernel in $out"
make -s -C "$ksrc" O="$out" ARCH=x86_64 tinyconfig >/dev/null
# shellcheck disable=SC2086
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" $frags >/dev/null
make -s -C "$ksrc" O="$out" ARCH=x86_64 olddefconfig >/dev/null

# Every option the fragments ask for (a later fragment overriding an
# earlier one) must have survived olddefconfig.
# shellcheck disable=SC2086
want=$(cat $frags | sed -n -e 's/^\(CONFIG_[A-Z0-9_]*\)=\(.*\)/\1 \2/p' \
	-e 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1 n/p' |
	awk '{ v[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
	     END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }')
missing=0
while read -r opt val; do
	if [ "$val" = n ]; then
		if grep -q "^$opt=" "$out/.config"; then
			relq_log "config option should be off: $opt"
			missing=1
		fi
	elif ! grep -qxF "$opt=$val" "$out/.config"; then
		relq_log "config option dropped: $opt=$val (got: $(grep -E "^(# )?$opt[= ]" "$out/.config" || echo unset))"
		missing=1
	fi
done <<< "$want"
[ $missing -eq 0 ] || relq_die "the $flavour kernel's config is incomplete"

relq_log "building the $flavour kernel with -j$jobs (about 6-8 minutes cold)"
make -s -C "$ksrc" O="$out" ARCH=x86_64 -j"$jobs" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; relq_die "the $flavour kernel build failed"; }
touch "$out/.relq-done"
echo "$out"
