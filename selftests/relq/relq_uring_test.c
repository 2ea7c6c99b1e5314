// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for io_uring on a channel (liburing from Debian). The plain
 * read and write path: reads and writes work, a pending read is cancelled
 * with IORING_OP_ASYNC_CANCEL and loses no message, and a ring torn down
 * with reads pending leaves no waiting task and no reference. RECV
 * (RELQ_URING_RECV, 6.7 and later): validation, delivery across
 * processes and into a buffer that went away, random interleavings of
 * messages, cancels and DESTROY, exit with RECVs pended, close(2) of the
 * file by one owner (.flush), and EOPNOTSUPP where the kernel has no
 * cancelable commands.
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
#include "relq_uring.h"

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

/* Submit one command (a RECV SQE with @cmd_op) and wait; its result. */
static int relq_cmd_sync(struct io_uring *ring, int fd, __u32 cmd_op,
			 void *buf, __u32 len, __u32 flags)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	int res;

	relq_prep_recv(sqe, fd, buf, len, flags, 1);
	sqe->cmd_op = cmd_op;
	if (io_uring_submit(ring) != 1)
		return -EIO;
	if (relq_uring_wait(ring, &cqe))
		return -ETIME;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static int relq_recv_sync(struct io_uring *ring, int fd, void *buf,
			  __u32 len, __u32 flags)
{
	return relq_cmd_sync(ring, fd, RELQ_URING_RECV, buf, len, flags);
}

/* io_uring_queue_init() and a probe: a RECV of length 0 gives 0. */
static int relq_recv_ring(struct io_uring *ring, int fd, const char **why)
{
	char b;
	int err = io_uring_queue_init(RELQ_URING_ENTRIES, ring, 0);

	*why = NULL;
	if (err) {
		if (relq_uring_missing(err))
			*why = "no io_uring in this kernel";
		return err;
	}
	err = relq_recv_sync(ring, fd, &b, 0, 0);
	if (err == -EOPNOTSUPP) {
		*why = "RECV needs cancelable io_uring commands (Linux 6.7)";
		io_uring_queue_exit(ring);
	}
	return err;
}

/*
 * T-CSQ-4 (and T-ZERO-1's RECV case): RECV on an O_WRONLY fd is EBADF; a
 * non-zero flags field EINVAL; an unknown command ENOTTY; a kernel
 * address as the buffer EFAULT; a zero-length RECV 0. None of them
 * touches the queued message, which a last RECV then receives whole.
 */
TEST_F(channel, t_csq_4_recv_validation)
{
	struct io_uring ring;
	const char *why;
	char buf[64];
	int wfd, err;

	err = relq_recv_ring(&ring, self->fd, &why);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	ASSERT_EQ(7, write(self->fd, "message", 7));
	wfd = relq_open(self->name, O_WRONLY);
	ASSERT_LE(0, wfd);
	EXPECT_EQ(-EBADF, relq_recv_sync(&ring, wfd, buf, sizeof(buf), 0));
	EXPECT_EQ(-EINVAL, relq_recv_sync(&ring, self->fd, buf, sizeof(buf), 1));
	EXPECT_EQ(-ENOTTY, relq_cmd_sync(&ring, self->fd, RELQ_URING_RECV + 1,
					 buf, sizeof(buf), 0));
	EXPECT_EQ(-EFAULT, relq_recv_sync(&ring, self->fd,
					  (void *)0xffff888000000000ULL, 64, 0));
	EXPECT_EQ(0, relq_recv_sync(&ring, self->fd, buf, 0, 0));
	EXPECT_EQ(7, relq_fionread(self->fd));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(7, relq_recv_sync(&ring, self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "message", 7));
	close(wfd);
	io_uring_queue_exit(&ring);
}

/*
 * T-CSQ-5: where the kernel has no cancelable io_uring commands (6.1),
 * RECV completes with EOPNOTSUPP and the channel is unaffected; where it
 * has them, this test SKIPs.
 */
TEST_F(channel, t_csq_5_recv_eopnotsupp_before_6_7)
{
	struct io_uring ring;
	char buf[16];
	int err;

	err = io_uring_queue_init(RELQ_URING_ENTRIES, &ring, 0);
	if (relq_uring_missing(err))
		SKIP(return, "no io_uring in this kernel");
	ASSERT_EQ(0, err);
	ASSERT_EQ(3, write(self->fd, "old", 3));
	err = relq_recv_sync(&ring, self->fd, buf, sizeof(buf), 0);
	io_uring_queue_exit(&ring);
	if (err == 3)
		SKIP(return, "this kernel has RECV (Linux 6.7 or later)");
	EXPECT_EQ(-EOPNOTSUPP, err);
	EXPECT_EQ(3, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "old", 3));
}

/*
 * T-UPTR-8: process A pends a RECV, process B writes: A's buffer holds
 * the message. Then A pends a RECV and makes its buffer PROT_NONE before
 * B writes: A's CQE is -EFAULT and the next reader gets the message
 * intact.
 */
TEST_F_TIMEOUT(channel, t_uptr_8_recv_across_processes, 60)
{
	int *r = relq_shared_ints(4), go[2], status, round, err;
	struct io_uring ring;
	const char *why;
	char buf[64];
	pid_t pid;

	ASSERT_TRUE(!!r);
	err = relq_recv_ring(&ring, self->fd, &why);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	io_uring_queue_exit(&ring);
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			struct io_uring_cqe *cqe;
			char *page = mmap(NULL, relq_page_size(),
					  PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (page == MAP_FAILED ||
			    io_uring_queue_init(RELQ_URING_ENTRIES, &ring, 0))
				_exit(1);
			relq_prep_recv(io_uring_get_sqe(&ring), self->fd, page, 64, 0, 5);
			if (io_uring_submit(&ring) != 1)
				_exit(2);
			if (round && mprotect(page, relq_page_size(), PROT_NONE))
				_exit(3);
			/* Pended (the channel is empty): B may write now. */
			if (write(go[1], "g", 1) != 1)
				_exit(4);
			if (relq_uring_wait(&ring, &cqe))
				_exit(5);
			r[0] = cqe->res;
			if (!round && cqe->res == 6)
				r[1] = !memcmp(page, "from B", 6);
			_exit(0);
		}
		close(go[1]);
		ASSERT_EQ(1, read(go[0], buf, 1));
		close(go[0]);
		usleep(100000);
		ASSERT_EQ(6, write(self->fd, "from B", 6));
		status = relq_wait_child(pid);
		EXPECT_EQ(0, status) TH_LOG("round %d: child step %d failed", round, status);
		if (!round) {
			EXPECT_EQ(6, r[0]);
			EXPECT_EQ(1, r[1]);
		} else {
			EXPECT_EQ(-EFAULT, r[0]);
			memset(buf, 0, sizeof(buf));
			EXPECT_EQ(6, read(self->fd, buf, sizeof(buf)));
			EXPECT_EQ(0, memcmp(buf, "from B", 6));
		}
	}
	EXPECT_EQ(0, relq_pended_requests());
	munmap(r, 4 * sizeof(int));
}

/* relq_cancel events with ret=-125 (ECANCELED) on channel @id so far. */
static int relq_cancelled_recvs(__u32 id)
{
	char needle[96];

	snprintf(needle, sizeof(needle), " relq_cancel: channel=%u op=read ret=-125", id);
	return relq_trace_count(needle);
}

/*
 * T-CSQ-3: a ring torn down, and a process that exits, with four RECVs
 * pended each: io_uring cancels every one and relq completes it with
 * -ECANCELED (the CQEs die with the ring, so the test counts relq_cancel
 * trace events with ret=-125); nothing stays pended or waiting, and the
 * files' releases run.
 */
TEST_F_TIMEOUT(channel, t_csq_3_recv_exit_and_teardown, 60)
{
	struct io_uring ring;
	bool traced;
	long long open0, end;
	const char *why;
	char bufs[4][32];
	int i, err, status, fd;
	pid_t pid;

	err = relq_recv_ring(&ring, self->fd, &why);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	open0 = relq_open_files();
	ASSERT_LE(0, open0);
	traced = !relq_tracefs_write("trace", "") &&
		 !relq_tracefs_write("tracing_on", "1") &&
		 !relq_tracefs_write("events/relq/relq_cancel/enable", "1");

	/* A ring torn down with four RECVs pended on a second fd. */
	fd = relq_open(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	for (i = 0; i < 4; i++)
		relq_prep_recv(io_uring_get_sqe(&ring), fd, bufs[i], 32, 0, i);
	ASSERT_EQ(4, io_uring_submit(&ring));
	end = relq_now_ms() + 5000;
	while (relq_pended_requests() != 4 && relq_now_ms() < end)
		usleep(5000);
	EXPECT_EQ(4, relq_pended_requests());
	/* The ring goes first: a close would flush them (T-CLN-2). */
	io_uring_queue_exit(&ring);
	close(fd);
	end = relq_now_ms() + 5000;
	while ((relq_pended_requests() || relq_open_files() != open0) &&
	       relq_now_ms() < end)
		usleep(10000);
	EXPECT_EQ(0, relq_pended_requests());
	EXPECT_EQ(open0, relq_open_files());

	/* A process that exits with RECVs pended. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (io_uring_queue_init(RELQ_URING_ENTRIES, &ring, 0))
			_exit(1);
		for (i = 0; i < 4; i++)
			relq_prep_recv(io_uring_get_sqe(&ring), self->fd, bufs[i],
				       32, 0, i);
		if (io_uring_submit(&ring) != 4)
			_exit(2);
		usleep(200000);
		_exit(0);
	}
	status = relq_wait_child(pid);
	EXPECT_EQ(0, status);
	end = relq_now_ms() + 5000;
	while (relq_pended_requests() && relq_now_ms() < end)
		usleep(10000);
	EXPECT_EQ(0, relq_pended_requests());
	EXPECT_EQ(0, relq_waiting_tasks());
	/* Nothing was consumed; the channel still works. */
	ASSERT_EQ(2, write(self->fd, "ok", 2));
	EXPECT_EQ(2, read(self->fd, bufs[0], 32));
	if (!traced)
		SKIP(return, "no tracefs: the -ECANCELED completions cannot be counted");
	EXPECT_EQ(8, relq_cancelled_recvs(self->id))
		TH_LOG("RECVs completed with -ECANCELED");
	relq_tracefs_write("events/relq/relq_cancel/enable", "0");
}

/*
 * T-CSQ-2: K RECVs pended, then M messages, ASYNC_CANCELs of RECVs and
 * finally DESTROY, in a random order, for many rounds. Every RECV gets
 * exactly one CQE, with a message's length or -ENODEV (io_uring's
 * ASYNC_CANCEL does not reach uring_cmds: it answers -ENOENT and the RECV
 * stays), and every message is in exactly one CQE or still readable
 * before the DESTROY.
 */
TEST_F_TIMEOUT(channel, t_csq_2_recv_random_interleavings, 300)
{
	unsigned int seed = relq_test_seed(), rng, round, rounds = 100;
	char name[RELQ_NAME_LEN], bufs[8][16], msg[16];
	unsigned int k, m, i, got, enodev, cqes, sent, readable;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	const char *why;
	int fd, err;

	err = relq_recv_ring(&ring, self->fd, &why);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	rng = seed ? seed : 1;
	TH_LOG("seed %u (RELQ_SEED replays it), %u rounds", seed, rounds);
	for (round = 0; round < rounds; round++) {
		fd = relq_extra_channel(self->ctl, &self->x, 4096, 16, name);
		ASSERT_LE(0, fd);
		k = 1 + relq_rand(&rng) % 8;
		m = relq_rand(&rng) % (k + 3);
		for (i = 0; i < k; i++)
			relq_prep_recv(io_uring_get_sqe(&ring), fd, bufs[i], 16, 0, i);
		ASSERT_EQ((int)k, io_uring_submit(&ring));
		sent = 0;
		cqes = 0;
		got = 0;
		enodev = 0;
		while (sent < m) {
			if (relq_rand(&rng) % 3 == 0) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

				io_uring_prep_cancel64(sqe, relq_rand(&rng) % k, 0);
				sqe->user_data = 1000;
				ASSERT_EQ(1, io_uring_submit(&ring));
			}
			memset(msg, 0, sizeof(msg));
			snprintf(msg, sizeof(msg), "r%u-%u", round, sent);
			ASSERT_EQ(16, write(fd, msg, 16));
			sent++;
		}
		/* Drain the CQEs the messages produced, then DESTROY. */
		readable = 0;
		while (!io_uring_peek_cqe(&ring, &cqe) || !relq_uring_idle(&ring)) {
			if (io_uring_peek_cqe(&ring, &cqe))
				continue;
			if (cqe->user_data == 1000) {
				EXPECT_TRUE(cqe->res == -ENOENT || cqe->res == -EALREADY)
					TH_LOG("ASYNC_CANCEL: %d", cqe->res);
			} else {
				cqes++;
				EXPECT_EQ(16, cqe->res);
				got += cqe->res == 16;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		while (relq_fionread(fd) > 0 && read(fd, msg, sizeof(msg)) == 16)
			readable++;
		EXPECT_EQ(m, got + readable) TH_LOG("round %u: a message lost or doubled", round);
		ASSERT_EQ(0, relq_destroy(self->ctl, name));
		while (cqes < k) {
			ASSERT_EQ(0, relq_uring_wait(&ring, &cqe))
				TH_LOG("round %u: a RECV never completed", round);
			if (cqe->user_data != 1000) {
				cqes++;
				EXPECT_EQ(-ENODEV, cqe->res);
				enodev++;
			}
			io_uring_cqe_seen(&ring, cqe);
		}
		EXPECT_EQ(k, got + enodev);
		close(fd);
		self->x.n = 0;
	}
	io_uring_queue_exit(&ring);
	EXPECT_EQ(0, relq_pended_requests());
}

/* Wait (at most 5 s) until @n RECVs are pended in relq; whether they are. */
static bool relq_pended_reach(long long n)
{
	long long end = relq_now_ms() + 5000;

	while (relq_pended_requests() != n && relq_now_ms() < end)
		usleep(5000);
	return relq_pended_requests() == n;
}

/* relq_flush events of channel @id reporting @cancelled RECVs, so far. */
static int relq_flushes(__u32 id, int cancelled)
{
	char needle[96];

	snprintf(needle, sizeof(needle), " relq_flush: channel=%u cancelled=%d\n", id,
		 cancelled);
	return relq_trace_count(needle);
}

/*
 * T-CLN-2 (close of one of two handles: Windows sends no IRP_MJ_CLEANUP
 * until the last handle of the file object closes; Linux runs .flush at
 * every close, and relq's flush is per owner): fd2 = dup(fd), three RECVs
 * pended on fd, close(fd) returns 0 and the three complete with
 * -ECANCELED, though fd2 still holds the file; read, write, INFO and poll
 * on fd2 keep working. The close emits one relq_flush event; io_uring's
 * own reference to the file, dropped when a later RECV completes, emits
 * none (kernel references never flush).
 */
TEST_F_TIMEOUT(channel, t_cln_2_dup_close_flushes_owner, 60)
{
	struct relq_info info = { .size = sizeof(info) };
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	char bufs[3][32], buf[32];
	const char *why;
	bool traced;
	int i, err, fd2;

	err = relq_recv_ring(&ring, self->fd, &why);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	if (relq_pended_requests() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	traced = !relq_tracefs_write("trace", "") &&
		 !relq_tracefs_write("tracing_on", "1") &&
		 !relq_tracefs_write("events/relq/relq_flush/enable", "1");
	fd2 = dup(self->fd);
	ASSERT_LE(0, fd2);
	for (i = 0; i < 3; i++)
		relq_prep_recv(io_uring_get_sqe(&ring), self->fd, bufs[i], 32, 0, i);
	ASSERT_EQ(3, io_uring_submit(&ring));
	ASSERT_TRUE(relq_pended_reach(3));
	ASSERT_EQ(0, close(self->fd));
	self->fd = fd2;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, relq_uring_wait(&ring, &cqe)) TH_LOG("CQE %d never came", i);
		EXPECT_EQ(-ECANCELED, cqe->res) TH_LOG("RECV %llu", cqe->user_data);
		io_uring_cqe_seen(&ring, cqe);
	}
	EXPECT_EQ(0, relq_pended_requests());
	ASSERT_EQ(5, write(fd2, "after", 5));
	EXPECT_EQ(POLLIN | POLLOUT, relq_poll_mask(fd2));
	ASSERT_EQ(0, relq_info(fd2, &info));
	EXPECT_EQ(1, info.depth);
	ASSERT_EQ(5, read(fd2, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	/* A RECV on fd2 completes; io_uring then drops its file reference. */
	ASSERT_EQ(3, write(fd2, "end", 3));
	EXPECT_EQ(3, relq_recv_sync(&ring, fd2, buf, sizeof(buf), 0));
	io_uring_queue_exit(&ring);
	if (!traced)
		SKIP(return, "no tracefs: the flushes cannot be counted");
	EXPECT_EQ(1, relq_flushes(self->id, 3));
	EXPECT_EQ(0, relq_flushes(self->id, 0));
	relq_tracefs_write("events/relq/relq_flush/enable", "0");
}

/*
 * T-CLN-1 (two processes, one file: each close flushes only its owner's
 * requests): a process and its fork child each pend two RECVs on the same
 * file through their own rings; the child closes its fd: its two RECVs
 * complete with -ECANCELED, the parent's stay pended and receive the next
 * two messages; nothing is lost.
 */
TEST_F_TIMEOUT(channel, t_cln_1_fork_child_close_flushes_its_own, 60)
{
	int *r = relq_shared_ints(4), go[2], done[2], status, i, err;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	char bufs[2][32], b;
	const char *why;
	pid_t pid;

	ASSERT_TRUE(!!r);
	err = relq_recv_ring(&ring, self->fd, &why);
	if (why)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, err);
	if (relq_pended_requests() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	for (i = 0; i < 2; i++)
		relq_prep_recv(io_uring_get_sqe(&ring), self->fd, bufs[i], 32, 0, i);
	ASSERT_EQ(2, io_uring_submit(&ring));
	ASSERT_TRUE(relq_pended_reach(2));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(done, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct io_uring cring;
		char cb[2][32];

		if (io_uring_queue_init(RELQ_URING_ENTRIES, &cring, 0))
			_exit(1);
		for (i = 0; i < 2; i++)
			relq_prep_recv(io_uring_get_sqe(&cring), self->fd, cb[i], 32, 0, i);
		if (io_uring_submit(&cring) != 2)
			_exit(2);
		if (write(done[1], "p", 1) != 1 || read(go[0], &b, 1) != 1)
			_exit(3);
		if (close(self->fd))
			_exit(4);
		for (i = 0; i < 2; i++) {
			if (relq_uring_wait(&cring, &cqe))
				_exit(5);
			r[i] = cqe->res;
			io_uring_cqe_seen(&cring, cqe);
		}
		_exit(0);
	}
	ASSERT_EQ(1, read(done[0], &b, 1));
	EXPECT_TRUE(relq_pended_reach(4));
	ASSERT_EQ(1, write(go[1], "g", 1));
	status = relq_wait_child(pid);
	ASSERT_EQ(0, status) TH_LOG("child step %d failed", status);
	EXPECT_EQ(-ECANCELED, r[0]);
	EXPECT_EQ(-ECANCELED, r[1]);
	/* The parent's two are still pended, and get the next messages. */
	EXPECT_EQ(2, relq_pended_requests());
	ASSERT_EQ(2, write(self->fd, "m1", 2));
	ASSERT_EQ(2, write(self->fd, "m2", 2));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, relq_uring_wait(&ring, &cqe));
		EXPECT_EQ(2, cqe->res);
		EXPECT_EQ(0, memcmp(bufs[cqe->user_data], cqe->user_data ? "m2" : "m1", 2));
		io_uring_cqe_seen(&ring, cqe);
	}
	EXPECT_EQ(0, relq_fionread(self->fd));
	EXPECT_EQ(0, relq_pended_requests());
	io_uring_queue_exit(&ring);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	munmap(r, 4 * sizeof(int));
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
