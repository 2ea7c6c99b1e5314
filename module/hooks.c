// SPDX-License-Identifier: GPL-2.0
/*
 * Race-window hooks: the test build only (Kbuild's RELQ_TEST_HOOKS=y, used
 * for the debug and kcsan kernels). The production module has no such
 * file, no such code and no writable debugfs file; in it relq_hook() is an
 * empty inline.
 *
 * A hook point widens one window of the message path on demand, so a test
 * can land a signal, a cancellation or a DESTROY inside it every time
 * rather than once in a million runs. It is Driver Verifier's "force
 * pending I/O" and delay fuzzing, aimed at one spot:
 *
 *	/sys/kernel/debug/relq/hooks/<point>/delay_us   fixed delay (0600)
 *	/sys/kernel/debug/relq/hooks/<point>/jitter_us  plus 0..jitter_us (0600)
 *	/sys/kernel/debug/relq/hooks/<point>/hits       times reached (0600)
 *
 * The delay sleeps uninterruptibly: a signal that arrives meanwhile is
 * seen only by whatever the path does after the window.
 */
#include "relq_internal.h"

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/random.h>

struct relq_hook {
	const char *name;
	u32 delay_us;
	u32 jitter_us;
	atomic_t hits;
};

static struct relq_hook relq_hooks[RELQ_HOOK_NR] = {
	/* channel.c: a reader owns the head message, before the copy-out. */
	[RELQ_HOOK_READ_ACTIVE] = { .name = "read_active" },
};

/**
 * relq_hook() - pass a race-window hook point
 * @point: which window
 *
 * Counts the pass and sleeps for the point's delay plus a random part of
 * its jitter, both in microseconds, as set through debugfs.
 *
 * Context: process context; may sleep.
 */
void relq_hook(enum relq_hook_point point)
{
	struct relq_hook *h = &relq_hooks[point];
	u32 us = READ_ONCE(h->delay_us);
	u32 jitter = READ_ONCE(h->jitter_us);

	might_sleep();
	atomic_inc(&h->hits);
	if (jitter)
		us += get_random_u32_below(jitter + 1);
	if (us)
		fsleep(us);
}

/**
 * relq_hooks_init() - create the hooks' debugfs files
 * @parent: relq's debugfs directory
 *
 * Context: module init.
 */
void relq_hooks_init(struct dentry *parent)
{
	struct dentry *top = debugfs_create_dir("hooks", parent);
	struct dentry *dir;
	int i;

	for (i = 0; i < RELQ_HOOK_NR; i++) {
		dir = debugfs_create_dir(relq_hooks[i].name, top);
		debugfs_create_u32("delay_us", 0600, dir, &relq_hooks[i].delay_us);
		debugfs_create_u32("jitter_us", 0600, dir, &relq_hooks[i].jitter_us);
		debugfs_create_atomic_t("hits", 0600, dir, &relq_hooks[i].hits);
	}
}

/* A module with hooks is a test module: loading it taints the kernel 'N'. */
MODULE_INFO(test, "Y");
