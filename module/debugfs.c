// SPDX-License-Identifier: GPL-2.0
/*
 * relq's debugfs directory, /sys/kernel/debug/relq/. debugfs itself is
 * mounted 0700 (root only); relq's files are 0400 on top of that.
 *
 * counters (0400): open channel files, live channels, queued messages,
 * tasks asleep in a read, write or DRAIN wait, RECVs pended, and channel
 * objects not yet freed (a destroyed channel lives on while a file, a
 * mapping or a link holds it), so tests can see that every open was
 * released, every channel freed and nothing left waiting.
 * The production module has no writable debugfs file; the test build adds
 * hooks/ (hooks.c).
 */
#include "relq_internal.h"

#include <linux/debugfs.h>
#include <linux/seq_file.h>

static struct dentry *relq_debugfs_dir;

static int relq_counters_show(struct seq_file *m, void *unused)
{
	unsigned int channels;
	u64 queued;

	relq_registry_counters(&channels, &queued);
	seq_printf(m, "open_files %ld\n", atomic_long_read(&relq_nr_open));
	seq_printf(m, "live_channels %u\n", channels);
	seq_printf(m, "queued_messages %llu\n", queued);
	seq_printf(m, "waiting_tasks %ld\n", atomic_long_read(&relq_nr_waiting));
	seq_printf(m, "pended_requests %ld\n", atomic_long_read(&relq_nr_pended));
	seq_printf(m, "channel_objects %ld\n", atomic_long_read(&relq_nr_channel_objects));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(relq_counters);

/**
 * relq_debugfs_init() - create /sys/kernel/debug/relq/
 *
 * debugfs is optional: failures are ignored, as debugfs intends.
 *
 * Context: module init.
 */
void relq_debugfs_init(void)
{
	relq_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("counters", 0400, relq_debugfs_dir, NULL,
			    &relq_counters_fops);
	relq_hooks_init(relq_debugfs_dir);
}

/**
 * relq_debugfs_exit() - remove /sys/kernel/debug/relq/
 *
 * Context: module exit.
 */
void relq_debugfs_exit(void)
{
	debugfs_remove_recursive(relq_debugfs_dir);
}
