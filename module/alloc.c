// SPDX-License-Identifier: GPL-2.0
/*
 * relq's allocation and user-copy wrappers. Every allocation of relq's own
 * objects and every whole-struct copy of an ioctl argument goes through
 * one of these, so that a KUnit test can fail the N-th of them with a
 * static stub (T-ERR-5, kunit/relq_fault_kunit.c) and prove on any KUnit
 * kernel what the fail-nth sweeps of make verify prove on a
 * fault-injection kernel. Without CONFIG_KUNIT the stub points compile
 * away and each wrapper is the one call it makes.
 *
 * The copy wrappers are out of line, so copy_{from,to}_user() cannot check
 * the kernel buffer's size at build time; HARDENED_USERCOPY still checks
 * it at run time, and every caller bounds the size by the object itself
 * (its sizeof(), or the number of entries it allocated).
 */
#include "relq_internal.h"

#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/**
 * relq_kzalloc() - allocate one of relq's fixed-size objects
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: zeroed memory charged to the caller's memory cgroup, or NULL.
 */
void *relq_kzalloc(size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(relq_kzalloc, size);
	return kzalloc(size, GFP_KERNEL_ACCOUNT);
}
EXPORT_SYMBOL_IF_KUNIT(relq_kzalloc);

/**
 * relq_kvmalloc() - allocate a buffer whose size a caller chose
 * @size: bytes (a channel's ring, a LIST snapshot)
 *
 * A failure is the caller's ENOMEM, not a warning in the log that any
 * admin could trigger at will, hence __GFP_NOWARN.
 *
 * Context: process context; may sleep.
 * Return: memory from kvmalloc() (not zeroed), or NULL; kvfree() frees it.
 */
void *relq_kvmalloc(size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(relq_kvmalloc, size);
	return kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}
EXPORT_SYMBOL_IF_KUNIT(relq_kvmalloc);

/**
 * relq_alloc_page() - allocate a zeroed page to share with user space
 *
 * Context: process context; may sleep.
 * Return: the page, or NULL.
 */
struct page *relq_alloc_page(void)
{
	KUNIT_STATIC_STUB_REDIRECT(relq_alloc_page);
	return alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}
EXPORT_SYMBOL_IF_KUNIT(relq_alloc_page);

/**
 * relq_copy_from_user() - copy a whole ioctl argument in
 * @dst: kernel buffer
 * @src: the caller's argument
 * @size: bytes
 *
 * Context: process context; may fault.
 * Return: 0, or -EFAULT if any byte could not be read.
 */
int relq_copy_from_user(void *dst, const void __user *src, size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(relq_copy_from_user, dst, src, size);
	return copy_from_user(dst, src, size) ? -EFAULT : 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_copy_from_user);

/**
 * relq_copy_to_user() - copy a whole ioctl result out
 * @dst: the caller's buffer
 * @src: kernel buffer
 * @size: bytes
 *
 * Context: process context; may fault.
 * Return: 0, or -EFAULT if any byte could not be written.
 */
int relq_copy_to_user(void __user *dst, const void *src, size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(relq_copy_to_user, dst, src, size);
	return copy_to_user(dst, src, size) ? -EFAULT : 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_copy_to_user);
