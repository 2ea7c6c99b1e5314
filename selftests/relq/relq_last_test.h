/* SPDX-License-Identifier: GPL-2.0 */
/*
 * T-CLN-5: the last test of every relq kselftest program. Once the
 * program's tests, and every process and thread they started, have
 * exited, nothing is left behind in relq: no task waits in it, no RECV is
 * pended, no channel file is open, no channel lives and none waits to be
 * freed. Asynchronous
 * teardown (io_uring's ring exit) gets 10 s.
 *
 * Include it after every other test of the program, just before
 * TEST_HARNESS_MAIN: the harness runs fixtures in the order they were
 * defined, so this fixture's tests run last. T-CPL-2 rides along: the
 * errnos the program's tests saw are all documented ones.
 */
#ifndef RELQ_LAST_TEST_H
#define RELQ_LAST_TEST_H

FIXTURE(after_all) {
	int unused;
};

FIXTURE_SETUP(after_all)
{
}

FIXTURE_TEARDOWN(after_all)
{
}

TEST_F(after_all, t_cln_5_nothing_left_behind)
{
	long long end = relq_now_ms() + 10000;
	struct relq_counters c;
	int err;

	if (geteuid())
		SKIP(return, "relq's debugfs counters need root");
	err = relq_counters_read(&c);
	if (err == ENOENT)
		SKIP(return, "%s: %s", RELQ_COUNTERS_PATH, strerror(err));
	ASSERT_EQ(0, err);
	while ((c.waiting_tasks || c.pended_requests || c.open_files ||
		c.live_channels || c.channel_objects) && relq_now_ms() < end) {
		usleep(10000);
		ASSERT_EQ(0, relq_counters_read(&c));
	}
	EXPECT_EQ(0, c.waiting_tasks);
	EXPECT_EQ(0, c.pended_requests);
	EXPECT_EQ(0, c.open_files);
	EXPECT_EQ(0, c.live_channels);
	EXPECT_EQ(0, c.channel_objects);
}

/*
 * T-CPL-2: every errno this program's tests got through relq_err() is
 * one the userspace API documents, and none is a kernel-internal code
 * (512-529: ERESTARTSYS, ENOIOCTLCMD, EIOCBQUEUED, ...) that leaked out.
 */
TEST_F(after_all, t_cpl_2_errnos_documented)
{
	unsigned int e, distinct = 0, total = 0, k;
	bool documented;

	ASSERT_NE(NULL, relq_errno_seen);
	for (e = 1; e < RELQ_ERRNO_MAX; e++) {
		if (!relq_errno_seen[e])
			continue;
		distinct++;
		total += relq_errno_seen[e];
		documented = false;
		for (k = 0; k < sizeof(relq_documented_errnos) / sizeof(int); k++)
			documented |= relq_documented_errnos[k] == (int)e;
		EXPECT_FALSE(e >= 512 && e <= 529) TH_LOG("kernel-internal errno %u", e);
		EXPECT_TRUE(documented) TH_LOG("errno %u (%s), %u times, is not documented",
					       e, strerror(e), relq_errno_seen[e]);
	}
	if (!total)
		SKIP(return, "no negative result went through relq_err() in this program");
	TH_LOG("%u negative results, %u distinct errnos, all documented", total, distinct);
}

#endif /* RELQ_LAST_TEST_H */
