#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kcsan kernel's boot: the suite (guest-suite.sh), then the pitfall
# gallery's KCSAN pitfall, T-PIT-8 (guest-pitfalls.sh), whose deliberate
# data race must be reported. The gallery writes a marker into the kernel
# log first; the splat scan of this boot reads up to it.
#
#	guest-kcsan.sh PITDIR MODDIR STDIR FILTER M32 PROGDIR
pitdir=$1
shift
bash "$RELQ_TOP/scripts/guest-suite.sh" "$1" "$2" "$3" "$4"
rc=$?
bash "$RELQ_TOP/scripts/guest-pitfalls.sh" "$pitdir" "$5" > "$RELQ_OUT/pitfalls.log" 2>&1
exit $rc
