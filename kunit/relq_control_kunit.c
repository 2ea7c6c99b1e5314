// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for relq's control node and its ioctl dispatchers: the
 * node's documented defaults, the command tables, and the rejection of
 * everything that is not a command of the file it is issued on.
 *
 * Built as relq_kunit.ko where the target kernel has CONFIG_KUNIT; load
 * it after relq.ko and read /sys/kernel/debug/kunit/<suite>/results.
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <asm/ioctls.h>

/* The node must be root-only by default (T-SEC-1) and pin the module. */
static void relq_control_t_sec_1_default_mode(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, relq_control_dev.mode, 0600);
	KUNIT_EXPECT_STREQ(test, relq_control_dev.name, "relq-control");
	KUNIT_ASSERT_NOT_NULL(test, relq_control_dev.fops);
	KUNIT_EXPECT_NOT_NULL(test, relq_control_dev.fops->owner);
	KUNIT_EXPECT_NULL(test, relq_control_dev.fops->read);
	KUNIT_EXPECT_NULL(test, relq_control_dev.fops->write);
	KUNIT_EXPECT_NULL(test, relq_control_dev.fops->mmap);
	KUNIT_EXPECT_TRUE(test,
			  relq_control_dev.fops->compat_ioctl == compat_ptr_ioctl);
}

static bool relq_in_table(const struct relq_ioctl_table *t, unsigned int cmd)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ops[i].cmd == cmd)
			return true;
	return false;
}

/*
 * Every command with relq's magic that is not a control command, in every
 * direction and with several sizes, and commands of other magics, must
 * give -ENOTTY (T-IOC-1, the unit half). An unknown command is rejected
 * before the file is looked at, so a NULL file is safe here.
 */
static void relq_control_t_ioc_1_unknown_enotty(struct kunit *test)
{
	static const unsigned int sizes[] = { 0, 1, 8, 64, 16383 };
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	unsigned int nr, d, s, cmd, checked = 0, known = 0;

	for (nr = 0; nr < 256; nr++) {
		for (d = 0; d < ARRAY_SIZE(dirs); d++) {
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				cmd = _IOC(dirs[d], RELQ_IOC_MAGIC, nr, sizes[s]);
				if (relq_in_table(&relq_control_cmds, cmd)) {
					known++;
					continue;
				}
				KUNIT_EXPECT_EQ_MSG(test,
						    relq_ioctl_dispatch(&relq_control_cmds,
									NULL, cmd, 0),
						    -ENOTTY, "cmd %#x", cmd);
				checked++;
			}
		}
	}
	KUNIT_EXPECT_EQ(test, checked + known, 256 * 4 * 5);
	KUNIT_EXPECT_EQ(test, relq_ioctl_dispatch(&relq_control_cmds, NULL, 0, 0),
			-ENOTTY);
	KUNIT_EXPECT_EQ(test, relq_ioctl_dispatch(&relq_control_cmds, NULL, ~0U, 0),
			-ENOTTY);
}

/*
 * T-IOC-5: each table entry's struct size and direction match its
 * command number, its required access mode is the documented one, and a
 * command with any size or direction bit flipped reaches no handler.
 */
struct relq_cmd_expect {
	unsigned int cmd;
	unsigned int size;
	unsigned int dir;
	fmode_t fmode;
	bool admin;
};

static const struct relq_cmd_expect relq_documented_cmds[] = {
	{ RELQ_IOC_CREATE, sizeof(struct relq_create), _IOC_READ | _IOC_WRITE,
	  FMODE_WRITE, true },
	{ RELQ_IOC_DESTROY, sizeof(struct relq_destroy), _IOC_WRITE,
	  FMODE_WRITE, true },
	{ RELQ_IOC_LIST, sizeof(struct relq_list), _IOC_READ | _IOC_WRITE,
	  FMODE_READ, true },
	{ RELQ_IOC_INFO, 0, _IOC_NONE, 0, false },
	{ RELQ_IOC_LINK, sizeof(struct relq_link), _IOC_WRITE, FMODE_WRITE, false },
	{ RELQ_IOC_UNLINK, 0, _IOC_NONE, FMODE_WRITE, false },
	{ RELQ_IOC_DRAIN, 0, _IOC_NONE, FMODE_WRITE, false },
};

static void relq_check_table(struct kunit *test,
			     const struct relq_ioctl_table *table)
{
	const struct relq_ioctl_op *t = table->ops;
	unsigned int b, flipped;
	size_t i, j;

	for (i = 0; i < table->n; i++) {
		const struct relq_cmd_expect *e = NULL;

		for (j = 0; j < ARRAY_SIZE(relq_documented_cmds); j++)
			if (relq_documented_cmds[j].cmd == t[i].cmd)
				e = &relq_documented_cmds[j];
		if (t[i].cmd == FIONREAD) {
			/* Output only: nothing is copied in. */
			KUNIT_EXPECT_EQ(test, t[i].size, 0);
			KUNIT_EXPECT_EQ(test, (__force u32)t[i].fmode, 0);
			KUNIT_EXPECT_FALSE(test, t[i].admin);
			continue;
		}
		KUNIT_ASSERT_NOT_NULL_MSG(test, e, "undocumented cmd %#x", t[i].cmd);
		KUNIT_EXPECT_EQ(test, t[i].size, e->size);
		KUNIT_EXPECT_EQ(test, _IOC_SIZE(t[i].cmd), e->size);
		KUNIT_EXPECT_EQ(test, _IOC_DIR(t[i].cmd), e->dir);
		KUNIT_EXPECT_EQ(test, _IOC_TYPE(t[i].cmd), RELQ_IOC_MAGIC);
		KUNIT_EXPECT_EQ(test, (__force u32)t[i].fmode, (__force u32)e->fmode);
		KUNIT_EXPECT_EQ(test, t[i].admin, e->admin);
		KUNIT_EXPECT_NOT_NULL(test, t[i].execute);
		/* Every size and direction bit: flipped, nothing matches. */
		for (b = _IOC_SIZESHIFT; b < _IOC_DIRSHIFT + _IOC_DIRBITS; b++) {
			flipped = t[i].cmd ^ (1U << b);
			KUNIT_EXPECT_EQ_MSG(test,
					    relq_ioctl_dispatch(table, NULL, flipped, 0),
					    -ENOTTY, "cmd %#x bit %u", t[i].cmd, b);
		}
	}
}

static void relq_control_t_ioc_5_command_tables(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, relq_control_cmds.n, 3);
	KUNIT_EXPECT_EQ(test, relq_channel_cmds.n, 5);
	relq_check_table(test, &relq_control_cmds);
	relq_check_table(test, &relq_channel_cmds);
}

/* T-DEVOBJ-4: each dispatcher knows only its own file kind's commands. */
static void relq_control_t_devobj_4_cross_kind_enotty(struct kunit *test)
{
	size_t i;

	for (i = 0; i < relq_channel_cmds.n; i++)
		KUNIT_EXPECT_EQ(test,
				relq_ioctl_dispatch(&relq_control_cmds, NULL,
						    relq_channel_cmds.ops[i].cmd, 0),
				-ENOTTY);
	for (i = 0; i < relq_control_cmds.n; i++)
		KUNIT_EXPECT_EQ(test,
				relq_ioctl_dispatch(&relq_channel_cmds, NULL,
						    relq_control_cmds.ops[i].cmd, 0),
				-ENOTTY);
}

/* T-HDL-4: a file is a relq channel only if its f_op says so. */
static const struct file_operations relq_foreign_fops = {
	.owner = THIS_MODULE,
};

static void relq_control_t_hdl_4_is_channel_file(struct kunit *test)
{
	struct file *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->f_op = &relq_channel_fops;
	KUNIT_EXPECT_TRUE(test, relq_is_channel_file(f));
	f->f_op = relq_control_dev.fops;
	KUNIT_EXPECT_FALSE(test, relq_is_channel_file(f));
	f->f_op = &relq_foreign_fops;
	KUNIT_EXPECT_FALSE(test, relq_is_channel_file(f));
	f->f_op = NULL;
	KUNIT_EXPECT_FALSE(test, relq_is_channel_file(f));
	KUNIT_EXPECT_FALSE(test, relq_is_channel_file(NULL));
}

static struct kunit_case relq_control_cases[] = {
	KUNIT_CASE(relq_control_t_sec_1_default_mode),
	KUNIT_CASE(relq_control_t_ioc_1_unknown_enotty),
	KUNIT_CASE(relq_control_t_ioc_5_command_tables),
	KUNIT_CASE(relq_control_t_devobj_4_cross_kind_enotty),
	KUNIT_CASE(relq_control_t_hdl_4_is_channel_file),
	{}
};

static struct kunit_suite relq_control_suite = {
	.name = "relq_control",
	.test_cases = relq_control_cases,
};

kunit_test_suite(relq_control_suite);

MODULE_DESCRIPTION("KUnit tests for relq");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
