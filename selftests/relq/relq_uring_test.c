// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for io_uring on a channel's plain read and write path
 * (liburing from Debian): reads and writes work, a pending read is
 * cancelled with IORING_OP_ASYNC_CANCEL and loses no message, and a ring
 * torn down with reads pending leaves no waiting task and no reference.
 *
 * Each test gets a fresh channel (relq_channel.h's fixture). Run as root
 * with relq.ko loaded; without io_uring in the kernel the tests SKIP.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <liburing.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"

#define RELQ_URING_ENTRIES	16

/* Wait for one completion (at most 5 s); 0 or a negative errno. */
static int relq_uring_wait(struct io_uring *ring, struct io_uring_cqe **cqe)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };

	return io_uring_wait_cqe_timeout(ring, cqe, &ts);
}

/* Whether a completion is ready now (after a short grace period). */
static bool relq_uring_idle(struct io_uring *ring)
{
	struct __kernel_timespec ts = { .tv_nsec = 200 * 1000 * 1000 };
	struct io_uring_cqe *cqe;

	return io_uring_wait_cqe_timeout(ring, &cqe, &ts) == -ETIME;
}

/* Whether io_uring_queue_init() failed because io_uring is off. */
static bool relq_uring_missing(int err)
{
	return err == -ENOSYS || err == -EPERM;
}

/*
 * T-CAN-6 (the plain path): an io_uring write sends one message and an
 * io_uring read receives it whole.
 */
TEST_F(channel, t_can_6_io_uring_read_write)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	char out[32] = "through io_uring", in[64];
	int err;

	err = io_uring_queue_init(RELQ_URING_ENTRIES, &ring, 0);
	if (relq_uring_missing(err))
		SKIP(return, "io_uring: %s", strerror(-err));
	ASSERT_EQ(0, err);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, self->fd, out, 16, 0);
	sqe->user_data = 1;
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, relq_uring_wait(&ring, &cqe));
	EXPECT_EQ(1, cqe->user_data);
	EXPECT_EQ(16, cqe->res);
	io_uring_cqe_seen(&ring, cqe);

	memset(in, 0, sizeof(in));
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, self->fd, in, sizeof(in), 0);
	sqe->user_data = 2;
	ASSERT_EQ(1, io_uring_submit(&ring));
	ASSERT_EQ(0, relq_uring_wait(&ring, &cqe));
	EXPECT_EQ(2, cqe->user_data);
	EXPECT_EQ(16, cqe->res);
	EXPECT_EQ(0, memcmp(in, out, 16));
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

/*
 * T-CAN-6: an io_uring read on an empty channel stays pending; an
 * ASYNC_CANCEL of it completes it with -ECANCELED (the cancel itself with
 * 0); a message written afterwards is read intact.
 */
TEST_F(channel, t_can_6_io_uring_cancel_pending_read)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int i, err, read_res = 1, cancel_res = 1;
	char in[64];

	err = io_uring_queue_init(RELQ_URING_ENTRIES, &ring, 0);
	if (relq_uring_missing(err))
		SKIP(return, "io_uring: %s", strerror(-err));
	ASSERT_EQ(0, err);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, self->fd, in, sizeof(in), 0);
	sqe->user_data = 7;
	ASSERT_EQ(1, io_uring_submit(&ring));
	EXPECT_TRUE(relq_uring_idle(&ring)) TH_LOG("the read completed on an empty channel");

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_cancel64(sqe, 7, 0);
	sqe->user_data = 8;
	ASSERT_EQ(1, io_uring_submit(&ring));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, relq_uring_wait(&ring, &cqe));
		if (cqe->user_data == 7)
			read_res = cqe->res;
		else if (cqe->user_data == 8)
			cancel_res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	EXPECT_EQ(-ECANCELED, read_res);
	EXPECT_EQ(0, cancel_res);

	/* Nothing was consumed, and the next message arrives whole. */
	ASSERT_EQ(5, write(self->fd, "later", 5));
	EXPECT_EQ(5, relq_fionread(self->fd));
	memset(in, 0, sizeof(in));
	EXPECT_EQ(5, read(self->fd, in, sizeof(in)));
	EXPECT_EQ(0, memcmp(in, "later", 5));
	io_uring_queue_exit(&ring);
}

/*
 * T-CAN-6: a ring torn down with four reads pending: the teardown
 * finishes, no task is left waiting in relq, the ring's file references
 * are gone (open_files is back where it was), and a message written
 * afterwards is still there for a plain read.
 */
TEST_F(channel, t_can_6_io_uring_teardown_pending_reads)
{
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	long long open0, end;
	char in[4][64], buf[64];
	int i, fd, err;

	open0 = relq_open_files();
	if (open0 < 0)
		SKIP(return, "relq's debugfs counters are not readable");
	err = io_uring_queue_init(RELQ_URING_ENTRIES, &ring, 0);
	if (relq_uring_missing(err))
		SKIP(return, "io_uring: %s", strerror(-err));
	ASSERT_EQ(0, err);
	/* A second fd, closed while the ring still holds it. */
	fd = relq_open(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_read(sqe, fd, in[i], sizeof(in[i]), 0);
		sqe->user_data = 100 + i;
	}
	ASSERT_EQ(4, io_uring_submit(&ring));
	EXPECT_TRUE(relq_uring_idle(&ring));
	close(fd);
	io_uring_queue_exit(&ring);

	/* The ring's references go (io_uring may finish in a worker). */
	end = relq_now_ms() + 5000;
	while (relq_open_files() != open0 && relq_now_ms() < end)
		usleep(10000);
	EXPECT_EQ(open0, relq_open_files());
	EXPECT_EQ(0, relq_waiting_tasks());
	ASSERT_EQ(4, write(self->fd, "kept", 4));
	EXPECT_EQ(4, read(self->fd, buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
