// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for relq's control node, /dev/relq-control: its node
 * attributes and the operations it does not support.
 *
 * Run as root with relq.ko loaded; without the module or without root,
 * every test is skipped.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include "relq_test.h"

FIXTURE(control) {
	int fd;
};

FIXTURE_SETUP(control)
{
	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's control tests need root");
	self->fd = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(control)
{
	close(self->fd);
}

/* T-SEC-1 (control half): a root-only character device, never o+w. */
TEST_F(control, t_sec_1_control_node_mode)
{
	struct stat st;
	char sysdev[64];
	unsigned int maj, min;
	FILE *f;

	ASSERT_EQ(0, stat(RELQ_CONTROL_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);

	/* The node is the misc device the kernel registered, not a stray. */
	f = fopen("/sys/class/misc/relq-control/dev", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(2, fscanf(f, "%u:%u", &maj, &min));
	fclose(f);
	snprintf(sysdev, sizeof(sysdev), "%u:%u", maj, min);
	EXPECT_EQ(maj, major(st.st_rdev)) TH_LOG("sysfs says %s", sysdev);
	EXPECT_EQ(min, minor(st.st_rdev));
}

/*
 * T-IOC-1 (control half): every command with relq's magic that is not a
 * control command, in every direction and with sizes around typical
 * structs, and random 32-bit commands, give ENOTTY. The argument points
 * at a real buffer, so a handler that wrongly accepted the command could
 * not hide behind EFAULT.
 */
TEST_F(control, t_ioc_1_unknown_ioctl_enotty)
{
	static const unsigned int sizes[] = { 0, 1, 8, 64, 16383 };
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	static char buf[16384];
	unsigned int nr, d, s, i, seed;
	unsigned int state;

	for (nr = 0; nr < 256; nr++)
		for (d = 0; d < 4; d++)
			for (s = 0; s < 5; s++) {
				unsigned long cmd = _IOC(dirs[d], RELQ_IOC_MAGIC,
							 nr, sizes[s]);

				errno = 0;
				ASSERT_EQ(-1, ioctl(self->fd, cmd, buf))
					TH_LOG("cmd %#lx", cmd);
				ASSERT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", cmd);
			}

	seed = relq_test_seed();
	state = seed ? seed : 1;
	TH_LOG("random commands: RELQ_SEED=%u", seed);
	for (i = 0; i < 100000; i++) {
		unsigned int cmd = relq_rand(&state);

		/* Generic VFS ioctls are handled before the driver sees them. */
		if (_IOC_TYPE(cmd) != RELQ_IOC_MAGIC)
			cmd = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
			      RELQ_IOC_MAGIC << _IOC_TYPESHIFT;
		errno = 0;
		ASSERT_EQ(-1, ioctl(self->fd, cmd, buf)) TH_LOG("cmd %#x", cmd);
		ASSERT_EQ(ENOTTY, errno) TH_LOG("cmd %#x", cmd);
	}
}

/*
 * T-CPL-1 (control half): the control node has no read, write, mmap or
 * seek; the kernel's answer for a missing operation is returned, never a
 * fake success.
 */
TEST_F(control, t_cpl_1_control_unsupported_ops)
{
	char buf[16] = { 0 };
	void *p;

	errno = 0;
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(ENODEV, errno);
	errno = 0;
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
}

TEST_HARNESS_MAIN
