// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for the I/O stack: a channel LINKed to a lower channel
 * forwards every message written to it into the lower one, through the
 * VFS, and keeps no copy (Windows: a filter driver passing an IRP down
 * with IoCallDriver()).
 *
 * Each test gets a fresh channel (relq_channel.h's fixture), the upper,
 * and makes its lower channels as extras. Run as root with relq.ko
 * loaded; the waits are watched through relq's debugfs counters.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"

/* INFO, the current layout. */
static int relq_fwd_info(int fd, struct relq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return relq_info(fd, info);
}

/*
 * T-FWD-1: LINK A -> B; messages written to A arrive in B byte-exact and
 * in order; A's readers get nothing. INFO of A counts them in sent and
 * forwarded (depth 0) and names B as its lower channel; INFO of B counts
 * them as its own; A's status page shows sent and depth 0.
 */
TEST_F(channel, t_fwd_1_link_forwards_in_order)
{
	struct relq_info ia, ib;
	struct relq_status *st, snap;
	char bname[RELQ_NAME_LEN];
	unsigned char buf[RELQ_CH_MAX_MSG];
	__u32 bid;
	int b, nb, i;

	b = relq_extra_channel(self->ctl, &self->x, RELQ_CH_CAPACITY, RELQ_CH_MAX_MSG,
			       bname);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	bid = ib.id;
	st = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, st);
	ASSERT_EQ(0, relq_link(self->fd, b));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(10 + i, relq_send(self->fd, 10 + i, i));
	/* A queues nothing: a non-blocking reader of A finds it empty. */
	nb = relq_open(self->name, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, nb);
	EXPECT_EQ(-1, read(nb, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(10 + i, read(b, buf, sizeof(buf))) TH_LOG("message %d", i);
		EXPECT_TRUE(relq_check_pattern(buf, 10 + i, i));
	}
	ASSERT_EQ(0, relq_fwd_info(self->fd, &ia));
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, ia.size);
	EXPECT_EQ(10, ia.sent);
	EXPECT_EQ(10, ia.forwarded);
	EXPECT_EQ(0, ia.depth);
	EXPECT_EQ(0, ia.received);
	EXPECT_EQ(RELQ_INFO_LINKED, ia.link_flags);
	EXPECT_EQ(bid, ia.lower_id);
	EXPECT_EQ(10, ib.sent);
	EXPECT_EQ(10, ib.received);
	EXPECT_EQ(0, ib.forwarded);
	EXPECT_EQ(0, ib.link_flags);
	ASSERT_TRUE(relq_status_snapshot(st, &snap));
	EXPECT_EQ(10, snap.sent);
	EXPECT_EQ(0, snap.depth);
	/* After UNLINK A keeps its messages itself. */
	ASSERT_EQ(0, relq_unlink(self->fd));
	ASSERT_EQ(0, relq_fwd_info(self->fd, &ia));
	EXPECT_EQ(0, ia.link_flags);
	EXPECT_EQ(0, ia.lower_id);
	ASSERT_EQ(5, write(self->fd, "local", 5));
	ASSERT_EQ(5, read(nb, buf, sizeof(buf)));
	EXPECT_EQ(0, relq_fionread(b));
	munmap(st, relq_page_size());
	close(nb);
}

/*
 * T-FWD-2: B full: a non-blocking write to A gives EAGAIN and queues
 * nothing anywhere; a blocking write to A waits in B until a read from B
 * makes room, or ends with EINTR on a signal; B destroyed gives EPIPE;
 * after UNLINK, A accepts messages itself. A message above B's max_msg
 * (but within A's) gives EMSGSIZE.
 */
TEST_F_TIMEOUT(channel, t_fwd_2_lower_errors_propagate, 60)
{
	struct relq_blocked_io w = { 0 };
	char bname[RELQ_NAME_LEN];
	struct relq_info ia, ib;
	unsigned char buf[RELQ_CH_MAX_MSG];
	int b, nbw;
	long n;

	if (relq_waiting_tasks() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	b = relq_extra_channel(self->ctl, &self->x, 256, 32, bname);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, relq_link(self->fd, b));
	nbw = relq_open(self->name, O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, nbw);
	/* EMSGSIZE: within A's max_msg, beyond B's. */
	EXPECT_EQ(-1, relq_send(nbw, 64, 0));
	EXPECT_EQ(EMSGSIZE, errno);
	n = relq_fill_queue(nbw, 16);
	ASSERT_LT(0, n);
	/* Full: EAGAIN, and nothing was queued in A or B. */
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	EXPECT_EQ(n, ib.depth);
	EXPECT_EQ(-1, relq_send(nbw, 16, 99));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, relq_fwd_info(self->fd, &ia));
	EXPECT_EQ(0, ia.depth);
	EXPECT_EQ(n, ia.forwarded);
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	EXPECT_EQ(n, ib.depth);

	/* Blocking: waits in B until a read makes room. */
	w.fd = self->fd;
	w.write = true;
	w.len = 16;
	relq_fill_pattern(w.buf, 16, 1000);
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, relq_blocked_io_fn, &w));
	ASSERT_EQ(0, relq_wait_for_waiters(1));
	ASSERT_EQ(16, read(b, buf, sizeof(buf)));
	ASSERT_EQ(0, relq_join_ms(w.thread, 10000));
	EXPECT_EQ(16, w.ret);
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	EXPECT_EQ(n, ib.depth);

	/* Blocking, then a signal: EINTR, nothing queued. */
	relq_signal_interrupts(SIGUSR1);
	memset(&w, 0, sizeof(w));
	w.fd = self->fd;
	w.write = true;
	w.len = 16;
	ASSERT_EQ(0, pthread_create(&w.thread, NULL, relq_blocked_io_fn, &w));
	ASSERT_EQ(0, relq_wait_for_waiters(1));
	pthread_kill(w.thread, SIGUSR1);
	ASSERT_EQ(0, relq_join_ms(w.thread, 10000));
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EINTR, w.err);
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	EXPECT_EQ(n, ib.depth);

	/* B destroyed: the link is broken, EPIPE. */
	ASSERT_EQ(0, relq_destroy(self->ctl, bname));
	EXPECT_EQ(-1, relq_send(self->fd, 8, 1));
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(0, relq_fwd_info(self->fd, &ia));
	EXPECT_EQ(0, ia.depth);
	/* After UNLINK A takes messages itself. */
	ASSERT_EQ(0, relq_unlink(self->fd));
	ASSERT_EQ(8, relq_send(self->fd, 8, 2));
	EXPECT_EQ(8, relq_fionread(self->fd));
	close(nbw);
	close(b);
}

/*
 * T-FWD-3 (forwarding end to end): a chain of RELQ_MAX_STACK_DEPTH
 * channels, A -> B -> C -> D: a message written to A arrives in D only;
 * A, B and C each count it as forwarded.
 */
TEST_F(channel, t_fwd_3_chain_forwards_end_to_end)
{
	char names[RELQ_MAX_STACK_DEPTH][RELQ_NAME_LEN];
	int fd[RELQ_MAX_STACK_DEPTH], i;
	unsigned char buf[RELQ_CH_MAX_MSG];
	struct relq_info info;

	ASSERT_EQ(4, RELQ_MAX_STACK_DEPTH);
	fd[0] = self->fd;
	for (i = 1; i < RELQ_MAX_STACK_DEPTH; i++) {
		fd[i] = relq_extra_channel(self->ctl, &self->x, RELQ_CH_CAPACITY,
					   RELQ_CH_MAX_MSG, names[i]);
		ASSERT_LE(0, fd[i]);
	}
	/* Linked bottom-up, so no message is ever caught half-way. */
	for (i = RELQ_MAX_STACK_DEPTH - 2; i >= 0; i--)
		ASSERT_EQ(0, relq_link(fd[i], fd[i + 1]));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(20, relq_send(fd[0], 20, i));
	for (i = 0; i < RELQ_MAX_STACK_DEPTH - 1; i++) {
		ASSERT_EQ(0, relq_fwd_info(fd[i], &info));
		EXPECT_EQ(5, info.forwarded) TH_LOG("channel %d", i);
		EXPECT_EQ(0, info.depth) TH_LOG("channel %d", i);
	}
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(20, read(fd[3], buf, sizeof(buf)));
		EXPECT_TRUE(relq_check_pattern(buf, 20, i));
	}
	EXPECT_EQ(0, relq_fionread(fd[3]));
	for (i = 1; i < RELQ_MAX_STACK_DEPTH; i++)
		close(fd[i]);
}

/*
 * T-CLOSE-5: LINK A -> B, then close every user fd of B: LINK's reference
 * keeps B's file open (relq's open-file counter does not drop) and
 * forwarding keeps working; UNLINK drops it, and the file is released.
 * The user's close of B runs B's .flush once; UNLINK's drop of LINK's
 * reference runs none (kernel references never flush; Windows' kernel
 * references likewise send no IRP_MJ_CLEANUP, only delay IRP_MJ_CLOSE).
 */
TEST_F(channel, t_close_5_link_holds_lower_file)
{
	char bname[RELQ_NAME_LEN], needle[64];
	unsigned char buf[RELQ_CH_MAX_MSG];
	struct relq_info ib;
	long long open0;
	bool traced;
	int b, rb, flushes = -1;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	b = relq_extra_channel(self->ctl, &self->x, RELQ_CH_CAPACITY, RELQ_CH_MAX_MSG,
			       bname);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, relq_fwd_info(b, &ib));
	snprintf(needle, sizeof(needle), " relq_flush: channel=%u ", ib.id);
	traced = !relq_tracefs_write("trace", "") &&
		 !relq_tracefs_write("tracing_on", "1") &&
		 !relq_tracefs_write("events/relq/relq_flush/enable", "1");
	ASSERT_EQ(0, relq_link(self->fd, b));
	open0 = relq_open_files();
	ASSERT_EQ(0, close(b));
	EXPECT_EQ(open0, relq_open_files());
	ASSERT_EQ(12, relq_send(self->fd, 12, 7));
	EXPECT_EQ(open0, relq_open_files());
	ASSERT_EQ(0, relq_unlink(self->fd));
	EXPECT_EQ(open0 - 1, relq_open_files());
	/* One flush (our close of b); UNLINK's fput of LINK's file none. */
	if (traced)
		flushes = relq_trace_count(needle);

	/* The message B got while only LINK held it is there. */
	rb = relq_open(bname, O_RDONLY);
	ASSERT_LE(0, rb);
	ASSERT_EQ(12, read(rb, buf, sizeof(buf)));
	EXPECT_TRUE(relq_check_pattern(buf, 12, 7));
	close(rb);
	if (!traced)
		SKIP(return, "no tracefs: the flushes cannot be counted");
	EXPECT_EQ(1, flushes) TH_LOG("flushes of B");
	relq_tracefs_write("events/relq/relq_flush/enable", "0");
}

/* T-FWD-4's shared state. */
struct relq_fwd_stress {
	int ctl;
	char top[RELQ_NAME_LEN];
	char bottom[RELQ_NAME_LEN];
	int stop;			/* __atomic */
	unsigned long writes, sent, eagain, epipe, enodev, bad;
	int bad_err;
	unsigned long reads, churn;
	unsigned long corrupt;
};

#define RELQ_FWD_MSG	24

/* Writers on the top: every result is the size, EAGAIN, EPIPE or ENODEV. */
static void *relq_fwd_writer(void *arg)
{
	struct relq_fwd_stress *s = arg;
	unsigned int seq = 0;
	unsigned char buf[RELQ_FWD_MSG];
	ssize_t n;
	int fd = -1;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		if (fd < 0) {
			fd = relq_open(s->top, O_WRONLY | O_NONBLOCK);
			if (fd < 0) {
				sched_yield();
				continue;
			}
		}
		relq_fill_pattern(buf, sizeof(buf), seq++);
		n = write(fd, buf, sizeof(buf));
		__atomic_add_fetch(&s->writes, 1, __ATOMIC_RELAXED);
		if (n == sizeof(buf)) {
			__atomic_add_fetch(&s->sent, 1, __ATOMIC_RELAXED);
		} else if (n < 0 && errno == EAGAIN) {
			__atomic_add_fetch(&s->eagain, 1, __ATOMIC_RELAXED);
		} else if (n < 0 && errno == EPIPE) {
			__atomic_add_fetch(&s->epipe, 1, __ATOMIC_RELAXED);
		} else if (n < 0 && errno == ENODEV) {
			__atomic_add_fetch(&s->enodev, 1, __ATOMIC_RELAXED);
			close(fd);
			fd = -1;
		} else {
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
			s->bad_err = n < 0 ? errno : 0;
		}
		if (!(seq & 15)) {
			/* Now and then the writer's own fd is the last one. */
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Readers of both channels: every message they get is whole. */
static void *relq_fwd_reader(void *arg)
{
	struct relq_fwd_stress *s = arg;
	unsigned char buf[RELQ_CH_MAX_MSG];
	int fds[2] = { -1, -1 }, i;
	const char *names[2] = { s->top, s->bottom };
	unsigned int seq;
	ssize_t n;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < 2; i++) {
			if (fds[i] < 0)
				fds[i] = relq_open(names[i], O_RDONLY | O_NONBLOCK);
			if (fds[i] < 0)
				continue;
			n = read(fds[i], buf, sizeof(buf));
			if (n < 0 && errno == ENODEV) {
				close(fds[i]);
				fds[i] = -1;
				continue;
			}
			if (n < 0)
				continue;
			s->reads++;
			/* The pattern's first byte names its sequence number. */
			for (seq = 0; seq < 256; seq++)
				if (n == RELQ_FWD_MSG && relq_check_pattern(buf, n, seq))
					break;
			if (seq == 256)
				s->corrupt++;
		}
	}
	for (i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return NULL;
}

/*
 * T-FWD-4: two writers on the top channel of a link while the main thread
 * UNLINKs, re-LINKs, DESTROYs and re-CREATEs either side and closes its
 * own last fds, for a bounded time (RELQ_FWD_SECONDS, default 3): every
 * write returns its size, EAGAIN, EPIPE or ENODEV, every message a reader
 * gets is whole, and nothing is left behind (KASAN, lockdep and KCSAN
 * watch the kernel side).
 */
TEST_F_TIMEOUT(channel, t_fwd_4_link_churn_under_writers, 300)
{
	const char *env = getenv("RELQ_FWD_SECONDS");
	unsigned int seed = relq_test_seed(), rng = seed;
	struct relq_fwd_stress *s;
	pthread_t w[2], r;
	long long end;
	int top = -1, bottom = -1, i;

	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	s->ctl = self->ctl;
	relq_unique_name(s->top, "ft");
	relq_unique_name(s->bottom, "fb");
	end = relq_now_ms() + 1000LL * (env && atoi(env) > 0 ? atoi(env) : 3);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&w[i], NULL, relq_fwd_writer, s));
	ASSERT_EQ(0, pthread_create(&r, NULL, relq_fwd_reader, s));
	while (relq_now_ms() < end) {
		s->churn++;
		switch (relq_rand(&rng) % 8) {
		case 0:
			relq_create(self->ctl, s->top, 1024, RELQ_CH_MAX_MSG, NULL);
			break;
		case 1:
			relq_create(self->ctl, s->bottom, 1024, RELQ_CH_MAX_MSG, NULL);
			break;
		case 2:
			relq_destroy(self->ctl, relq_rand(&rng) & 1 ? s->top : s->bottom);
			break;
		case 3:
		case 4:
			if (top < 0)
				top = relq_open(s->top, O_RDWR);
			if (bottom < 0)
				bottom = relq_open(s->bottom, O_WRONLY);
			if (top >= 0 && bottom >= 0)
				relq_link(top, bottom);
			break;
		case 5:
			if (top >= 0)
				relq_unlink(top);
			break;
		default:
			/* Drop our fds: LINK's reference may be the last one. */
			if (top >= 0)
				close(top);
			if (bottom >= 0)
				close(bottom);
			top = -1;
			bottom = -1;
			break;
		}
	}
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	pthread_join(r, NULL);
	if (top >= 0)
		close(top);
	if (bottom >= 0)
		close(bottom);
	relq_destroy(self->ctl, s->top);
	relq_destroy(self->ctl, s->bottom);
	TH_LOG("seed %u: %lu writes: %lu sent, %lu EAGAIN, %lu EPIPE, %lu ENODEV",
	       seed, s->writes, s->sent, s->eagain, s->epipe, s->enodev);
	TH_LOG("%lu reads, %lu churn steps", s->reads, s->churn);
	EXPECT_EQ(0, s->bad) TH_LOG("a write gave %s", strerror(s->bad_err));
	EXPECT_EQ(0, s->corrupt);
	EXPECT_LT(0, s->sent);
	free(s);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
