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
 * A point in process context sleeps uninterruptibly: a signal that
 * arrives meanwhile is seen only by whatever the path does after the
 * window. A point in atomic context (an RCU read-side section, a
 * spinlock) must not sleep: it busy-waits instead (mdelay(), udelay()),
 * for at most %RELQ_HOOK_ATOMIC_MAX_US whatever debugfs says, so a typo
 * cannot stall a CPU for seconds. The points:
 *
 *	read_active  channel.c, a reader owns the head message, before the
 *		     copy-out; sleeps
 *	lookup       registry.c, relq_channel_lookup() found a channel in the
 *		     registry and has not taken its reference yet, under
 *		     rcu_read_lock(); busy-waits. Passed only when the lookup
 *		     found a channel, so hits minus the lookups that returned
 *		     one is the lookups refused because the count reached 0
 *
 * KUnit tests set a point through relq_hook_set() and read it through
 * relq_hook_hits() rather than through debugfs.
 */
#include "relq_internal.h"

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/random.h>

/* An atomic point's longest busy-wait: long enough for a DESTROY. */
#define RELQ_HOOK_ATOMIC_MAX_US	10000

struct relq_hook {
	const char *name;
	bool atomic;	/* passed in atomic context: busy-waits, capped */
	u32 delay_us;
	u32 jitter_us;
	atomic_t hits;
};

static struct relq_hook relq_hooks[RELQ_HOOK_NR] = {
	/* channel.c: a reader owns the head message, before the copy-out. */
	[RELQ_HOOK_READ_ACTIVE] = { .name = "read_active" },
	/* registry.c: between xa_load() and kref_get_unless_zero(), RCU. */
	[RELQ_HOOK_LOOKUP] = { .name = "lookup", .atomic = true },
};

/**
 * relq_hook() - pass a race-window hook point
 * @point: which window
 *
 * Counts the pass and waits for the point's delay plus a random part of
 * its jitter, both in microseconds, as set through debugfs or
 * relq_hook_set(): a process-context point sleeps, an atomic one
 * busy-waits, for %RELQ_HOOK_ATOMIC_MAX_US at most.
 *
 * Context: process context (may sleep) for a sleeping point; any context
 * for an atomic one.
 */
void relq_hook(enum relq_hook_point point)
{
	struct relq_hook *h = &relq_hooks[point];
	u32 us = READ_ONCE(h->delay_us);
	u32 jitter = READ_ONCE(h->jitter_us);

	if (!h->atomic)
		might_sleep();
	atomic_inc(&h->hits);
	if (jitter)
		us += get_random_u32_below(jitter + 1);
	if (!us)
		return;
	if (!h->atomic) {
		fsleep(us);
		return;
	}
	us = min_t(u32, us, RELQ_HOOK_ATOMIC_MAX_US);
	mdelay(us / 1000);
	udelay(us % 1000);
}

/**
 * relq_hook_set() - set a hook point's delay and jitter
 * @point: which window
 * @delay_us: the fixed delay, in microseconds
 * @jitter_us: the random part's maximum, in microseconds
 *
 * What debugfs's delay_us and jitter_us files set, for KUnit tests; both 0
 * make the point a counter again. Takes effect at the next pass.
 *
 * Context: any.
 */
void relq_hook_set(enum relq_hook_point point, u32 delay_us, u32 jitter_us)
{
	WRITE_ONCE(relq_hooks[point].delay_us, delay_us);
	WRITE_ONCE(relq_hooks[point].jitter_us, jitter_us);
}
EXPORT_SYMBOL_IF_KUNIT(relq_hook_set);

/**
 * relq_hook_hits() - how many times a hook point was passed
 * @point: which window
 *
 * Counted since the module was loaded (or since debugfs's hits file was
 * last written), wrapping at 2^32: tests take differences.
 *
 * Context: any.
 * Return: the point's pass count.
 */
u32 relq_hook_hits(enum relq_hook_point point)
{
	return atomic_read(&relq_hooks[point].hits);
}
EXPORT_SYMBOL_IF_KUNIT(relq_hook_hits);

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
