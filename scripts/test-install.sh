#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# T-INST-4 and T-INST-7, host-side packaging checks.
#
#   test-install.sh TAPFILE    KTAP to TAPFILE, diagnostics on stdout
#
# T-INST-4: make install DESTDIR=<tmp> stages exactly the documented files,
#   root:root (when run as root), 0644 (programs 0755), directories 0755,
#   nothing writable by others, the module under updates/; make uninstall
#   removes exactly those files.
# T-INST-7: modinfo shows description, author, GPL, version and a
#   description for each parameter; a throwaway key signs the module and
#   modinfo then shows the signer and sig_id PKCS#7.
# pipefail: no "| grep -q" here (grep's early exit is a SIGPIPE upstream).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kdir=$("$RELQ_TOP/scripts/kdir.sh" 6.12)
tapfile=${1:?usage: test-install.sh TAPFILE}
rc=0
results=()
ok() { results+=("pass $1"); }
not_ok() { rc=1; results+=("fail $1"); }

if ! make -s -C "$RELQ_TOP" KDIR="$kdir" DESTDIR="$tmp/root" install > "$tmp/install.log" 2>&1; then
	sed 's/^/# /' "$tmp/install.log"
	not_ok t_inst_4_install_tree
	# Nothing was installed, so nothing can be uninstalled.
	not_ok t_inst_4_uninstall_removes_all
else
	kver=$(make -s -C "$kdir" kernelrelease)
	want="/lib/modules/$kver/updates/relq.ko
/lib/udev/rules.d/60-relq.rules
/usr/bin/relqctl
/usr/include/linux/relq.h
/usr/share/doc/relq/examples/modprobe.d/relq.conf
/usr/share/doc/relq/examples/modules-load.d/relq.conf"
	have=$(cd "$tmp/root" && find . -type f | sed 's/^\.//' | sort)
	bad=0
	if [ "$have" != "$(echo "$want" | sort)" ]; then
		echo "# installed files differ:"; diff <(echo "$want" | sort) <(echo "$have") | sed 's/^/# /'
		bad=1
	fi
	owner=$([ "$(id -u)" = 0 ] && echo "root:root" || echo "$(id -un):$(id -gn)")
	while read -r mode user path; do
		case $path in
		*/usr/bin/relqctl) expect=755 ;;
		*) [ -d "$path" ] && expect=755 || expect=644 ;;
		esac
		if [ "$mode" != "$expect" ] || [ "$user" != "$owner" ]; then
			echo "# $path: $mode $user, want $expect $owner"
			bad=1
		fi
	done < <(find "$tmp/root" -mindepth 1 -printf '%m %u:%g %p\n')
	if [ -n "$(find "$tmp/root" -perm -0002)" ]; then
		echo "# world-writable:"; find "$tmp/root" -perm -0002 | sed 's/^/# /'
		bad=1
	fi
	[ $bad -eq 0 ] && ok t_inst_4_install_tree || not_ok t_inst_4_install_tree
	make -s -C "$RELQ_TOP" KDIR="$kdir" DESTDIR="$tmp/root" uninstall > "$tmp/uninstall.log" 2>&1
	left=$(find "$tmp/root" -type f)
	if [ -z "$left" ]; then
		ok t_inst_4_uninstall_removes_all
	else
		echo "# left behind:"; echo "$left" | sed 's/^/# /'
		not_ok t_inst_4_uninstall_removes_all
	fi
fi

ko=$RELQ_TOP/relq.ko
info=$(modinfo "$ko" 2>&1)
missing=
for f in description author version; do
	grep -q "^$f: *[^ ]" <<< "$info" || missing="$missing $f"
done
grep -q '^license: *GPL$' <<< "$info" || missing="$missing license"
for p in max_channels max_capacity max_msg_size; do
	grep -q "^parm: *$p:[A-Z]" <<< "$info" || missing="$missing parm:$p"
done
if [ -z "$missing" ]; then
	ok t_inst_7_modinfo
else
	echo "# modinfo lacks:$missing"
	not_ok t_inst_7_modinfo
fi

# Sign a copy with a throwaway key, as a Secure Boot user would with a MOK.
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=relq throwaway key/" \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
cp "$ko" "$tmp/relq.ko"
if "$kdir/scripts/sign-file" sha256 "$tmp/key.pem" "$tmp/cert.pem" "$tmp/relq.ko" &&
	sinfo=$(modinfo "$tmp/relq.ko") &&
	grep -q '^signer: *relq throwaway key' <<< "$sinfo" &&
	grep -q '^sig_id: *PKCS#7' <<< "$sinfo"; then
	ok t_inst_7_signed_with_throwaway_key
else
	modinfo "$tmp/relq.ko" | sed 's/^/# /'
	not_ok t_inst_7_signed_with_throwaway_key
fi
relq_ktap_write "$tapfile" "${results[@]}"
exit $rc
