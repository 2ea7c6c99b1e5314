/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * relq: a reliable message queue driver.
 *
 * The control node /dev/relq-control (admin only) creates and destroys
 * named channels; each channel is a character device /dev/relq/<name>.
 *
 * Userspace use:
 *
 *	int ctl = open("/dev/relq-control", O_RDWR | O_CLOEXEC);
 *	ioctl(ctl, <command>, &arg);
 */
#ifndef _UAPI_LINUX_RELQ_H
#define _UAPI_LINUX_RELQ_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: ioctl numbering
 *
 * All relq commands use the magic %RELQ_IOC_MAGIC, which is free in
 * Documentation/userspace-api/ioctl/ioctl-number.rst. Each command encodes
 * the exact size and direction of its argument; a command whose number,
 * size or direction does not match a defined command fails with %ENOTTY
 * on every relq file.
 */
#define RELQ_IOC_MAGIC		0xB9

#endif /* _UAPI_LINUX_RELQ_H */
