#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the unpacked Debian linux-source-6.12 tree (unpacking it on first use).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
relq_ksrc
