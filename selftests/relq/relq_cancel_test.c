// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for cancellation on the plain read/write path: signals and
 * SIGKILL against blocked readers, writers and DRAIN, exclusive reader
 * wake-ups and their hand-off, random exits and kills under load, and
 * AIO (io_submit) reads.
 *
 * Each test gets a fresh channel (relq_channel.h's fixture). The tests
 * watch relq's debugfs counter of tasks asleep in its waits, so they
 * SKIP without debugfs. Run as root with relq.ko loaded.
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
#include <linux/aio_abi.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"

/* A child blocked in one call; SIGKILL ends it. */
static pid_t relq_cancel_child(int op, int fd, size_t len)
{
	unsigned char buf[RELQ_CH_MAX_MSG];
	pid_t pid = fork();

	if (pid)
		return pid;
	memset(buf, 'k', sizeof(buf));
	switch (op) {
	case 'r':
		(void)!read(fd, buf, sizeof(buf));
		break;
	case 'w':
		(void)!write(fd, buf, len);
		break;
	case 'd':
		ioctl(fd, RELQ_IOC_DRAIN, 0);
		break;
	}
	_exit(0);
}

/*
 * T-CAN-2: children blocked in read (empty channel), in write (full
 * channel) and in DRAIN (a message nobody reads) get SIGKILL: all are
 * reaped within 1 s, relq's count of waiting tasks returns to 0, and
 * every channel still works.
 */
TEST_F_TIMEOUT(channel, t_can_2_sigkill_blocked, 60)
{
	long long w0;
	char full[RELQ_NAME_LEN], busy[RELQ_NAME_LEN];
	unsigned char buf[RELQ_CH_MAX_MSG];
	int ffd, fnb, bfd, status, i;
	long long t0, waited;
	pid_t pid[3];
	long n;

	w0 = relq_waiting_tasks();
	if (w0 < 0)
		SKIP(return, "relq's debugfs counters are not readable");
	ASSERT_EQ(0, w0) TH_LOG("tasks already waiting in relq");
	ffd = relq_extra_channel(self->ctl, &self->x, 512, 64, full);
	ASSERT_LE(0, ffd);
	fnb = relq_open(full, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fnb);
	n = relq_fill_queue(fnb, 64);
	ASSERT_LT(0, n);
	bfd = relq_extra_channel(self->ctl, &self->x, 512, 64, busy);
	ASSERT_LE(0, bfd);
	ASSERT_EQ(5, write(bfd, "drain", 5));

	pid[0] = relq_cancel_child('r', self->fd, 0);
	pid[1] = relq_cancel_child('w', ffd, 64);
	pid[2] = relq_cancel_child('d', bfd, 0);
	for (i = 0; i < 3; i++)
		ASSERT_LT(0, pid[i]);
	ASSERT_EQ(0, relq_wait_for_waiters(3)) TH_LOG("the three never all blocked");

	t0 = relq_now_ms();
	for (i = 0; i < 3; i++)
		kill(pid[i], SIGKILL);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	waited = relq_now_ms() - t0;
	TH_LOG("reaped after %lld ms", waited);
	EXPECT_GE(1000, waited) TH_LOG("SIGKILL took more than 1 s");
	EXPECT_EQ(0, relq_wait_for_waiters(0));

	/* Every channel still works and lost nothing. */
	ASSERT_EQ(3, write(self->fd, "abc", 3));
	EXPECT_EQ(3, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(64, read(fnb, buf, sizeof(buf)));
	EXPECT_EQ(64, write(fnb, buf, 64));
	EXPECT_EQ(5, read(bfd, buf, sizeof(buf)));
	EXPECT_EQ(0, relq_err(ioctl(bfd, RELQ_IOC_DRAIN, 0)));
	close(fnb);
	close(ffd);
	close(bfd);
}

/*
 * T-CAN-3: a writer blocked on a full queue gets a signal: EINTR, and the
 * queue holds exactly what it held before (count, bytes, the messages in
 * order).
 */
TEST_F_TIMEOUT(channel, t_can_3_write_interrupted_queue_unchanged, 60)
{
	long long w0;
	struct relq_blocked_io w = { .write = true, .len = 200 };
	struct relq_info before, after;
	unsigned char buf[RELQ_CH_MAX_MSG];
	long n, i;
	int nb;

	w0 = relq_waiting_tasks();
	if (w0 < 0)
		SKIP(return, "relq's debugfs counters are not readable");
	ASSERT_EQ(0, w0) TH_LOG("tasks already waiting in relq");
	relq_signal_interrupts(SIGUSR1);
	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	n = relq_fill_queue(nb, 200);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, relq_info(self->fd, &before));

	w.fd = self->fd;
	memset(w.buf, 'x', sizeof(w.buf));
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, relq_blocked_io_fn, &w));
	ASSERT_EQ(0, relq_wait_for_waiters(1));
	pthread_kill(w.thread, SIGUSR1);
	ASSERT_EQ(0, relq_join_ms(w.thread, 5000)) TH_LOG("the writer ignored the signal");
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EINTR, w.err);

	ASSERT_EQ(0, relq_info(self->fd, &after));
	EXPECT_EQ(before.depth, after.depth);
	EXPECT_EQ(before.bytes, after.bytes);
	EXPECT_EQ(before.sent, after.sent);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(200, read(nb, buf, sizeof(buf)));
		EXPECT_TRUE(relq_check_pattern(buf, 200, (unsigned int)i));
	}
	EXPECT_EQ(EAGAIN, relq_err(read(nb, buf, sizeof(buf))));
	close(nb);
}

/* One reader thread of T-CAN-5 and T-ERR-6. */
struct relq_reader {
	pthread_t thread;
	int fd;
	void *buf;
	size_t len;
	ssize_t ret;
	int err;
	int done;	/* __atomic */
};

static void *relq_reader_fn(void *arg)
{
	struct relq_reader *r = arg;

	r->ret = read(r->fd, r->buf, r->len);
	r->err = r->ret < 0 ? errno : 0;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

#define RELQ_CAN5_MAX_READERS	8

/*
 * T-CAN-5: N blocked readers, K of them signalled while M messages
 * arrive, with random N, K and M over 10^3 rounds. Readers wait
 * exclusively and a woken reader that leaves hands its wake-up on, so:
 * every message is delivered once; the readers that got one are exactly
 * min(M, N - E), E being those that returned EINTR (a signalled reader
 * may still take a message that was there first); no reader sleeps while
 * a message is queued.
 */
TEST_F_TIMEOUT(channel, t_can_5_exclusive_wakeups_rounds, 900)
{
	long long w0;
	struct relq_reader rd[RELQ_CAN5_MAX_READERS];
	unsigned char bufs[RELQ_CAN5_MAX_READERS][16];
	unsigned int seed = relq_test_seed(), rng, round, rounds = 1000;
	unsigned int n, k, m, i, got, eintr, seen;
	unsigned char msg[16];
	long long end;
	int nb;

	w0 = relq_waiting_tasks();
	if (w0 < 0)
		SKIP(return, "relq's debugfs counters are not readable");
	ASSERT_EQ(0, w0) TH_LOG("tasks already waiting in relq");
	relq_signal_interrupts(SIGUSR1);
	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	TH_LOG("seed %u (RELQ_SEED replays it), %u rounds", seed, rounds);
	rng = seed ? seed : 1;
	for (round = 0; round < rounds; round++) {
		n = 1 + relq_rand(&rng) % RELQ_CAN5_MAX_READERS;
		k = relq_rand(&rng) % (n + 1);
		m = relq_rand(&rng) % (n + 2);
		memset(rd, 0, sizeof(rd));
		for (i = 0; i < n; i++) {
			rd[i].fd = self->fd;
			rd[i].buf = bufs[i];
			rd[i].len = sizeof(bufs[i]);
			ASSERT_EQ(0, pthread_create(&rd[i].thread, NULL,
						    relq_reader_fn, &rd[i]));
		}
		ASSERT_EQ(0, relq_wait_for_waiters(n)) TH_LOG("round %u", round);
		/* Signals and messages race. */
		for (i = 0; i < k; i++)
			pthread_kill(rd[i].thread, SIGUSR1);
		for (i = 0; i < m; i++) {
			memset(msg, 0, sizeof(msg));
			snprintf((char *)msg, sizeof(msg), "M%u-%u", round, i);
			ASSERT_EQ((ssize_t)sizeof(msg), write(nb, msg, sizeof(msg)));
		}
		/* Settle: each reader ended or sleeps, and none beside a message. */
		end = relq_now_ms() + 10000;
		for (;;) {
			got = 0;
			eintr = 0;
			for (i = 0; i < n; i++) {
				if (!__atomic_load_n(&rd[i].done, __ATOMIC_ACQUIRE))
					continue;
				if (rd[i].ret == (ssize_t)sizeof(msg))
					got++;
				else if (rd[i].err == EINTR)
					eintr++;
			}
			/* A signalled reader always returns, one way or the other. */
			for (i = 0; i < k; i++)
				if (!__atomic_load_n(&rd[i].done, __ATOMIC_ACQUIRE))
					break;
			if (i == k && got == (m < n - eintr ? m : n - eintr) &&
			    relq_waiting_tasks() == n - got - eintr)
				break;
			ASSERT_GT(end, relq_now_ms())
				TH_LOG("round %u (N %u K %u M %u): %u got, %u EINTR, %lld waiting",
				       round, n, k, m, got, eintr, relq_waiting_tasks());
			usleep(1000);
		}
		/* Release the sleepers, then check every message once. */
		for (i = 0; i < n - got - eintr; i++)
			ASSERT_EQ((ssize_t)sizeof(msg), write(nb, "Xrelease.......", sizeof(msg)));
		seen = 0;
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, relq_join_ms(rd[i].thread, 10000));
			if (rd[i].ret == (ssize_t)sizeof(msg) && bufs[i][0] == 'M')
				seen++;
			else if (rd[i].ret < 0)
				ASSERT_EQ(EINTR, rd[i].err);
		}
		/* The M messages: each in one reader or still queued. */
		while (read(nb, msg, sizeof(msg)) == (ssize_t)sizeof(msg))
			seen += msg[0] == 'M';
		ASSERT_EQ(m, seen) TH_LOG("round %u: a message was lost or doubled", round);
	}
	close(nb);
}

/*
 * T-ERR-6: two readers block; a message arrives; the reader woken first
 * leaves without it (its buffer is too small: EMSGSIZE, or unmapped:
 * EFAULT) and the other reader receives it; no reader hangs.
 */
TEST_F_TIMEOUT(channel, t_err_6_woken_reader_hands_off, 60)
{
	long long w0;
	struct relq_reader a, b;
	unsigned char big[RELQ_CH_MAX_MSG], small[1];
	void *hole;
	int round;

	w0 = relq_waiting_tasks();
	if (w0 < 0)
		SKIP(return, "relq's debugfs counters are not readable");
	ASSERT_EQ(0, w0) TH_LOG("tasks already waiting in relq");
	hole = mmap(NULL, relq_page_size(), PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	for (round = 0; round < 2; round++) {
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		a.fd = self->fd;
		b.fd = self->fd;
		a.buf = round ? hole : small;
		a.len = round ? 64 : sizeof(small);
		b.buf = big;
		b.len = sizeof(big);
		/* A queues first, so the first exclusive wake-up is A's. */
		ASSERT_EQ(0, pthread_create(&a.thread, NULL, relq_reader_fn, &a));
		ASSERT_EQ(0, relq_wait_for_waiters(1));
		ASSERT_EQ(0, pthread_create(&b.thread, NULL, relq_reader_fn, &b));
		ASSERT_EQ(0, relq_wait_for_waiters(2));
		ASSERT_EQ(10, write(self->fd, "handed-on!", 10));
		ASSERT_EQ(0, relq_join_ms(a.thread, 5000));
		EXPECT_EQ(-1, a.ret);
		EXPECT_EQ(round ? EFAULT : EMSGSIZE, a.err);
		EXPECT_EQ(0, relq_join_ms(b.thread, 5000))
			TH_LOG("the second reader sleeps beside the message");
		if (__atomic_load_n(&b.done, __ATOMIC_ACQUIRE)) {
			EXPECT_EQ(10, b.ret);
			EXPECT_EQ(0, memcmp(big, "handed-on!", 10));
		} else {
			/* Unblock it so the test ends. */
			relq_signal_interrupts(SIGUSR1);
			pthread_kill(b.thread, SIGUSR1);
			relq_join_ms(b.thread, 5000);
			ASSERT_TRUE(false);
		}
	}
	munmap(hole, relq_page_size());
}

/* A worker process of T-CAN-4: threads looping on blocking I/O. */
struct relq_churner {
	int fd;
	unsigned int seed;
};

static void *relq_churn_fn(void *arg)
{
	struct relq_churner *c = arg;
	unsigned char buf[RELQ_CH_MAX_MSG];
	unsigned int rng = c->seed;

	memset(buf, 'c', sizeof(buf));
	for (;;) {
		if (relq_rand(&rng) & 1)
			(void)!read(c->fd, buf, sizeof(buf));
		else
			(void)!write(c->fd, buf, 1 + relq_rand(&rng) % 64);
	}
	return NULL;
}

static pid_t relq_churn_process(const char *name, unsigned int seed)
{
	struct relq_churner c[10];
	unsigned int rng = seed, n, i;
	pthread_t t;
	pid_t pid = fork();

	if (pid)
		return pid;
	n = 1 + relq_rand(&rng) % 10;
	for (i = 0; i < n; i++) {
		c[i].fd = relq_open(name, O_RDWR);
		c[i].seed = relq_rand(&rng) | 1;
		if (c[i].fd < 0 || pthread_create(&t, NULL, relq_churn_fn, &c[i]))
			_exit(1);
	}
	/* Exit on its own after a random while, unless killed first. */
	usleep(1000 * (50 + relq_rand(&rng) % 500));
	_exit(0);
}

/*
 * T-CAN-4: several processes, each with 1 to 10 threads looping on
 * blocking reads and writes, exit or are killed (SIGKILL) at random for a
 * bounded time. Afterwards nobody waits in relq, every open file was
 * released, and the channel still works (rmmod and kmemleak follow in the
 * harness).
 */
TEST_F_TIMEOUT(channel, t_can_4_random_exits_and_kills, 300)
{
	long long w0;
	unsigned int seed = relq_test_seed(), rng, spawned = 0, killed = 0;
	unsigned char buf[RELQ_CH_MAX_MSG];
	long long open0, end;
	pid_t pid[4];
	int i, status;

	w0 = relq_waiting_tasks();
	if (w0 < 0)
		SKIP(return, "relq's debugfs counters are not readable");
	ASSERT_EQ(0, w0) TH_LOG("tasks already waiting in relq");
	open0 = relq_open_files();
	ASSERT_LE(0, open0);
	rng = seed ? seed : 1;
	TH_LOG("seed %u (RELQ_SEED replays it)", seed);
	for (i = 0; i < 4; i++) {
		pid[i] = relq_churn_process(self->name, relq_rand(&rng));
		ASSERT_LT(0, pid[i]);
		spawned++;
	}
	end = relq_now_ms() + 5000;
	while (relq_now_ms() < end) {
		usleep(1000 * (10 + relq_rand(&rng) % 100));
		i = relq_rand(&rng) % 4;
		if (relq_rand(&rng) & 1) {
			kill(pid[i], SIGKILL);
			killed++;
			ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		} else if (waitpid(pid[i], &status, WNOHANG) != pid[i]) {
			continue;	/* still running: leave it */
		}
		pid[i] = relq_churn_process(self->name, relq_rand(&rng));
		ASSERT_LT(0, pid[i]);
		spawned++;
	}
	for (i = 0; i < 4; i++) {
		kill(pid[i], SIGKILL);
		waitpid(pid[i], &status, 0);
	}
	TH_LOG("%u processes, %u killed by the test", spawned, killed);
	EXPECT_EQ(0, relq_wait_for_waiters(0));
	EXPECT_EQ(open0, relq_open_files());
	/* The channel still works: empty it, then a message goes round. */
	while (relq_fionread(self->fd) > 0)
		ASSERT_LT(0, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(2, write(self->fd, "ok", 2));
	EXPECT_EQ(2, read(self->fd, buf, sizeof(buf)));
}

/*
 * T-CAN-7: io_submit() of a read with a message queued gives one event
 * carrying the message; on an O_NONBLOCK fd of an empty channel, one
 * event with -EAGAIN.
 */
TEST_F(channel, t_can_7_aio_read)
{
	struct iocb cb, *cbs[1] = { &cb };
	struct io_event ev;
	aio_context_t ctx = 0;
	char buf[64];
	int nb;

	if (syscall(__NR_io_setup, 4, &ctx))
		SKIP(return, "io_setup: %s", strerror(errno));
	ASSERT_EQ(7, write(self->fd, "aio-msg", 7));
	memset(&cb, 0, sizeof(cb));
	memset(buf, 0, sizeof(buf));
	cb.aio_fildes = self->fd;
	cb.aio_lio_opcode = IOCB_CMD_PREAD;
	cb.aio_buf = (unsigned long)buf;
	cb.aio_nbytes = sizeof(buf);
	cb.aio_data = 42;
	ASSERT_EQ(1, syscall(__NR_io_submit, ctx, 1, cbs));
	ASSERT_EQ(1, syscall(__NR_io_getevents, ctx, 1, 1, &ev, NULL));
	EXPECT_EQ(42, ev.data);
	EXPECT_EQ(7, ev.res);
	EXPECT_EQ(0, memcmp(buf, "aio-msg", 7));

	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	cb.aio_fildes = nb;
	cb.aio_data = 43;
	ASSERT_EQ(1, syscall(__NR_io_submit, ctx, 1, cbs));
	ASSERT_EQ(1, syscall(__NR_io_getevents, ctx, 1, 1, &ev, NULL));
	EXPECT_EQ(43, ev.data);
	EXPECT_EQ(-EAGAIN, ev.res);
	EXPECT_EQ(0, relq_fionread(self->fd));
	close(nb);
	syscall(__NR_io_destroy, ctx);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
