// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for the paths the coverage report (scripts/coverage.sh)
 * found no other test reaching:
 *
 * - a RECV issued from io-wq (IOSQE_ASYNC), which relq runs again in the
 *   submitter's task;
 * - a pended RECV woken for a message another reader took first: it goes
 *   back to the head of the line (a ring with IORING_SETUP_DEFER_TASKRUN
 *   holds the delivery until the test asks for completions);
 * - a ring torn down while its RECVs' file stays open: io_uring's own
 *   cancel completes them, not a close;
 * - the channel's sysfs attributes, each equal to what INFO reports;
 * - INFO's size answer (E2BIG) into a size field that cannot be written;
 * - default_group 0 (the root group).
 *
 * Each test gets a fresh channel (relq_channel.h's fixture). Run as root
 * with relq.ko loaded; without io_uring or RECV (Linux 6.7) the RECV
 * tests SKIP.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <liburing.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"
#include "relq_uring.h"

#define RELQ_REACH_ENTRIES	8

/* Wait for one completion (at most 5 s); 0 or a negative errno. */
static int relq_reach_wait(struct io_uring *ring, struct io_uring_cqe **cqe)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };

	return io_uring_wait_cqe_timeout(ring, cqe, &ts);
}

/*
 * A ring (@flags for io_uring_queue_init()) that can RECV on @fd: a
 * zero-length RECV completes with 0. NULL, or why the test must SKIP.
 */
static const char *relq_reach_ring(struct io_uring *ring, unsigned int flags,
				   int fd, int *err)
{
	struct io_uring_cqe *cqe;
	char b;

	*err = io_uring_queue_init(RELQ_REACH_ENTRIES, ring, flags);
	if (*err == -ENOSYS || *err == -EPERM)
		return "no io_uring in this kernel";
	if (*err == -EINVAL && flags)
		return "this kernel's io_uring lacks IORING_SETUP_DEFER_TASKRUN";
	if (*err)
		return NULL;
	relq_prep_recv(io_uring_get_sqe(ring), fd, &b, 0, 0, 0);
	*err = io_uring_submit(ring) == 1 ? relq_reach_wait(ring, &cqe) : -EIO;
	if (!*err) {
		*err = cqe->res;
		io_uring_cqe_seen(ring, cqe);
	}
	if (*err == -EOPNOTSUPP) {
		io_uring_queue_exit(ring);
		return "RECV needs cancelable io_uring commands (Linux 6.7)";
	}
	if (*err)
		io_uring_queue_exit(ring);
	return NULL;
}

/* Wait (at most 5 s) until relq counts @n pended RECVs; the last count. */
static long long relq_reach_pended(long long n)
{
	long long end = relq_now_ms() + 5000, got;

	while ((got = relq_pended_requests()) != n && relq_now_ms() < end)
		usleep(2000);
	return got;
}

/* relq_cancel events with ret=-125 (ECANCELED) on channel @id so far. */
static int relq_reach_cancels(__u32 id)
{
	char needle[96];

	snprintf(needle, sizeof(needle), " relq_cancel: channel=%u op=read ret=-125", id);
	return relq_trace_count(needle);
}

/* Tracing on, with relq_cancel events, and an empty buffer; true if so. */
static bool relq_reach_trace_cancels(void)
{
	return !relq_tracefs_write("trace", "") &&
	       !relq_tracefs_write("tracing_on", "1") &&
	       !relq_tracefs_write("events/relq/relq_cancel/enable", "1");
}

/*
 * T-CSQ-2's delivery, issued from io-wq: a RECV with IOSQE_ASYNC gets a
 * queued message at once, and one on an empty channel pends (counted)
 * and receives the next message whole.
 */
TEST_F(channel, t_csq_2_recv_issued_from_io_wq)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	const char *why;
	char buf[64];
	int err;

	why = relq_reach_ring(&ring, 0, self->fd, &err);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);

	ASSERT_EQ(5, write(self->fd, "first", 5));
	sqe = io_uring_get_sqe(&ring);
	relq_prep_recv(sqe, self->fd, buf, sizeof(buf), 0, 1);
	sqe->flags |= IOSQE_ASYNC;
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, relq_reach_wait(&ring, &cqe));
	EXPECT_EQ(5, cqe->res);
	EXPECT_EQ(0, memcmp(buf, "first", 5));
	io_uring_cqe_seen(&ring, cqe);

	sqe = io_uring_get_sqe(&ring);
	relq_prep_recv(sqe, self->fd, buf, sizeof(buf), 0, 2);
	sqe->flags |= IOSQE_ASYNC;
	ASSERT_EQ(1, io_uring_submit(&ring));
	EXPECT_EQ(1, relq_reach_pended(1));
	ASSERT_EQ(6, write(self->fd, "second", 6));
	ASSERT_EQ(0, relq_reach_wait(&ring, &cqe));
	EXPECT_EQ(6, cqe->res);
	EXPECT_EQ(0, memcmp(buf, "second", 6));
	EXPECT_EQ(2, cqe->user_data);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(0, relq_reach_pended(0));
	EXPECT_EQ(0, relq_fionread(self->fd));
	io_uring_queue_exit(&ring);
}

/*
 * T-CSQ-2's hand-off when the message is gone: a message wakes the pended
 * RECV, but a read(2) takes it before the RECV's delivery runs (the
 * DEFER_TASKRUN ring runs it only when asked). The RECV goes back to the
 * head of the line, still pended, and receives the next message.
 */
TEST_F(channel, t_csq_2_recv_requeued_when_message_taken)
{
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	const char *why;
	char buf[64], got[64];
	int err, nb;

	why = relq_reach_ring(&ring, IORING_SETUP_SINGLE_ISSUER |
			      IORING_SETUP_DEFER_TASKRUN, self->fd, &err);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	nb = relq_open(self->name, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, nb);

	relq_prep_recv(io_uring_get_sqe(&ring), self->fd, buf, sizeof(buf), 0, 1);
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(1, relq_reach_pended(1));
	/* The write takes the RECV for delivery; the read takes the message. */
	ASSERT_EQ(5, write(self->fd, "taken", 5));
	ASSERT_EQ(5, read(nb, got, sizeof(got)));
	EXPECT_EQ(0, memcmp(got, "taken", 5));
	/* The delivery runs now, finds nothing and requeues the RECV. */
	ASSERT_EQ(0, io_uring_get_events(&ring));
	EXPECT_EQ(-EAGAIN, io_uring_peek_cqe(&ring, &cqe))
		TH_LOG("the RECV completed with %d", cqe->res);
	EXPECT_EQ(1, relq_reach_pended(1));

	ASSERT_EQ(4, write(self->fd, "next", 4));
	ASSERT_EQ(0, relq_reach_wait(&ring, &cqe));
	EXPECT_EQ(4, cqe->res);
	EXPECT_EQ(0, memcmp(buf, "next", 4));
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(0, relq_reach_pended(0));
	EXPECT_EQ(0, relq_fionread(self->fd));
	io_uring_queue_exit(&ring);
	close(nb);
}

/*
 * T-CSQ-3's ring teardown, with the RECVs' file kept open until they are
 * gone: no close flushes them, so io_uring's own cancel takes each one
 * from the queue and relq completes it with -ECANCELED (a relq_cancel
 * event each). No message is consumed.
 */
TEST_F(channel, t_csq_3_recv_ring_teardown_file_open)
{
	struct io_uring ring;
	const char *why;
	char bufs[4][32];
	bool traced;
	int i, err;

	why = relq_reach_ring(&ring, 0, self->fd, &err);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	traced = relq_reach_trace_cancels();

	for (i = 0; i < 4; i++)
		relq_prep_recv(io_uring_get_sqe(&ring), self->fd, bufs[i],
			       sizeof(bufs[i]), 0, i);
	ASSERT_EQ(4, io_uring_submit(&ring));
	ASSERT_EQ(4, relq_reach_pended(4));
	io_uring_queue_exit(&ring);
	EXPECT_EQ(0, relq_reach_pended(0));
	EXPECT_EQ(0, relq_waiting_tasks());
	ASSERT_EQ(4, write(self->fd, "kept", 4));
	EXPECT_EQ(4, read(self->fd, bufs[0], sizeof(bufs[0])));
	if (!traced)
		SKIP(return, "no tracefs: the -ECANCELED completions cannot be counted");
	EXPECT_EQ(4, relq_reach_cancels(self->id)) TH_LOG("RECVs ended with -ECANCELED");
	relq_tracefs_write("events/relq/relq_cancel/enable", "0");
}

/* /sys/class/relq/<name>/@attr as a number; 0 or an errno. */
static int relq_reach_attr(const char *name, const char *attr,
			   unsigned long long *v)
{
	char path[160];

	snprintf(path, sizeof(path), RELQ_SYSFS_CLASS "/%s/%s", name, attr);
	return relq_read_ull(path, v);
}

/*
 * The channel's sysfs attributes (Documentation/ABI) say what INFO says:
 * id, capacity, max_msg, depth, bytes, sent, received and state, before
 * and after traffic.
 */
TEST_F(channel, sysfs_attributes_match_info)
{
	static const char *const attrs[] = {
		"id", "capacity", "max_msg", "depth", "bytes", "sent",
		"received", "state",
	};
	struct relq_info info;
	unsigned long long v[ARRAY_SIZE(attrs)];
	char buf[16];
	unsigned int i, round;

	for (round = 0; round < 2; round++) {
		if (round) {
			ASSERT_EQ(3, write(self->fd, "one", 3));
			ASSERT_EQ(5, write(self->fd, "three", 5));
			ASSERT_EQ(3, read(self->fd, buf, sizeof(buf)));
		}
		for (i = 0; i < ARRAY_SIZE(attrs); i++)
			ASSERT_EQ(0, relq_reach_attr(self->name, attrs[i], &v[i]))
				TH_LOG("attribute #%u", i);
		memset(&info, 0, sizeof(info));
		ASSERT_EQ(0, relq_info(self->fd, &info));
		EXPECT_EQ(info.id, v[0]);
		EXPECT_EQ(self->id, v[0]);
		EXPECT_EQ(info.capacity, v[1]);
		EXPECT_EQ(RELQ_CH_CAPACITY, v[1]);
		EXPECT_EQ(info.max_msg, v[2]);
		EXPECT_EQ(info.depth, v[3]);
		EXPECT_EQ(round, v[3]);
		EXPECT_EQ(info.bytes, v[4]);
		EXPECT_EQ(!round, !v[4]);
		EXPECT_EQ(info.sent, v[5]);
		EXPECT_EQ(round ? 2 : 0, v[5]);
		EXPECT_EQ(info.received, v[6]);
		EXPECT_EQ(round, v[6]);
		EXPECT_EQ(info.state, v[7]);
		EXPECT_EQ(RELQ_STATE_LIVE, v[7]);
	}
}

/*
 * T-UPTR-1's PROT_READ output, for INFO's size answer: a struct larger
 * than the kernel's, with a non-zero byte past the kernel's size, gets
 * E2BIG and the kernel's size in its size field; when that field cannot
 * be written (the page is PROT_READ), EFAULT, and the field is unchanged.
 */
TEST_F(channel, t_uptr_1_info_size_answer_read_only)
{
	size_t pg = relq_page_size();
	struct relq_info *info;
	char *p;

	p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	info = (struct relq_info *)p;
	info->size = sizeof(*info) + 8;
	p[sizeof(*info)] = 1;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(sizeof(*info), info->size);
	info->size = sizeof(*info) + 8;
	ASSERT_EQ(0, mprotect(p, pg, PROT_READ));
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(sizeof(*info) + 8, info->size);
	munmap(p, pg);
}

/*
 * default_group takes 0, the root group, like any other group id (and
 * -1 for none); the old value is put back.
 */
TEST(default_group_takes_root_group)
{
	char before[32], now[32];

	if (geteuid())
		SKIP(return, "module parameters need root");
	if (relq_param_text("default_group", before, sizeof(before)))
		SKIP(return, "%s/default_group: %s", RELQ_PARAM_DIR, strerror(errno));
	ASSERT_EQ(0, relq_param_write("default_group", "0\n"));
	ASSERT_EQ(0, relq_param_text("default_group", now, sizeof(now)));
	EXPECT_STREQ("0", now);
	EXPECT_EQ(0, relq_param_write("default_group", "-1"));
	ASSERT_EQ(0, relq_param_text("default_group", now, sizeof(now)));
	EXPECT_STREQ("-1", now);
	EXPECT_EQ(0, relq_param_write("default_group", before));
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
