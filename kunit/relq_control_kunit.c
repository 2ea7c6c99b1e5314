// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for relq's control node: its documented defaults and the
 * ioctl dispatcher's rejection of everything that is not a command.
 *
 * Built as relq_kunit.ko where the target kernel has CONFIG_KUNIT; load
 * it after relq.ko and read /sys/kernel/debug/kunit/relq_control/results.
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <uapi/linux/relq.h>

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

/*
 * Every command with relq's magic that is not a control command, in every
 * direction and with several sizes, and commands of other magics, must
 * give -ENOTTY (T-IOC-1, the unit half).
 */
static void relq_control_t_ioc_1_unknown_enotty(struct kunit *test)
{
	static const unsigned int sizes[] = { 0, 1, 8, 64, 16383 };
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	unsigned int nr, d, s, cmd;

	for (nr = 0; nr < 256; nr++) {
		for (d = 0; d < ARRAY_SIZE(dirs); d++) {
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				cmd = _IOC(dirs[d], RELQ_IOC_MAGIC, nr, sizes[s]);
				KUNIT_EXPECT_EQ_MSG(test, relq_control_dispatch(NULL, cmd, 0),
						    -ENOTTY, "cmd %#x", cmd);
			}
		}
	}
	KUNIT_EXPECT_EQ(test, relq_control_dispatch(NULL, 0, 0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, relq_control_dispatch(NULL, ~0U, 0), -ENOTTY);
}

static struct kunit_case relq_control_cases[] = {
	KUNIT_CASE(relq_control_t_sec_1_default_mode),
	KUNIT_CASE(relq_control_t_ioc_1_unknown_enotty),
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
