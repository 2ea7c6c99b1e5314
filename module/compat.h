/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shims that let relq's 6.12-style code build against the
 * Debian 6.1 LTS kernel. This is the only file in relq that may test
 * LINUX_VERSION_CODE; everything else is written against the 6.12 API.
 */
#ifndef _RELQ_COMPAT_H
#define _RELQ_COMPAT_H

#include <linux/version.h>

#endif /* _RELQ_COMPAT_H */
