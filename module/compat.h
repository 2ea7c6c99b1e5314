/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compatibility shims that let relq's 6.12-style code build against the
 * Debian 6.1 LTS kernel. This is the only file in relq that may test
 * LINUX_VERSION_CODE; everything else is written against the 6.12 API.
 */
#ifndef _RELQ_COMPAT_H
#define _RELQ_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#include <kunit/static_stub.h>
#else
/* 6.1 has no KUnit static stubs (6.2): relq's stub points compile away. */
#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...) ((void)(real_fn_name))
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
/* 6.3 made the class and devnode callbacks take const pointers. */
#define RELQ_CONST_DEV		const
#define RELQ_CONST_CLASS	const

static inline void relq_vm_flags_mod(struct vm_area_struct *vma,
				     vm_flags_t set, vm_flags_t clear)
{
	vm_flags_mod(vma, set, clear);
}
#else
#define RELQ_CONST_DEV
/* 6.1's class_register() writes into the class (dev_kobj). */
#define RELQ_CONST_CLASS

/* 6.1 has no vm_flags_mod(); vm_flags is written directly under mmap_lock. */
static inline void relq_vm_flags_mod(struct vm_area_struct *vma,
				     vm_flags_t set, vm_flags_t clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
/* Cancelable io_uring commands (6.7): RECV, in recv.c. */
#include <linux/io_uring/cmd.h>
int relq_recv_uring_cmd(struct io_uring_cmd *cmd, unsigned int issue_flags);
#else
/*
 * 6.1 has uring_cmd but no cancelable commands (6.7), so no RECV: Kbuild
 * leaves recv.c out, and every io_uring command is -EOPNOTSUPP.
 */
struct io_uring_cmd;
static inline int relq_recv_uring_cmd(struct io_uring_cmd *cmd,
				      unsigned int issue_flags)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _RELQ_COMPAT_H */
