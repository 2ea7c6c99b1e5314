// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for cleanup versus close: what a close(2) does to a channel
 * file while other references to it remain, and when .release runs.
 *
 * On Linux every close(2) of an fd runs the file's .flush with the
 * closing task's file table (relq cancels that owner's RECVs, nothing
 * more), and .release runs once, when the last reference goes: the last
 * fd, the last mapping, a descriptor in flight over a socket, LINK's or
 * io_uring's reference. Windows sends IRP_MJ_CLEANUP when the last handle
 * to a file object closes and IRP_MJ_CLOSE when its last reference goes;
 * each test says which of the two it corresponds to. The RECV cases
 * (T-CLN-1, T-CLN-2) are in relq_uring_test.c.
 *
 * relq's open-file counter (debugfs) counts files whose .release has not
 * run yet; the tests watch it, so they SKIP without debugfs.
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"

/*
 * T-CLOSE-1 (IRP_MJ_CLEANUP does not come: a handle remains): after
 * fd2 = dup(fd) and close(fd), read, write, INFO, poll and mmap on fd2
 * all work, and the file is still open (no .release).
 */
TEST_F(channel, t_close_1_dup_then_close)
{
	struct relq_info info = { .size = sizeof(info) };
	struct relq_status *st;
	long long open0;
	char buf[16];
	int fd2;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	open0 = relq_open_files();
	fd2 = dup(self->fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(self->fd));
	self->fd = fd2;
	EXPECT_EQ(open0, relq_open_files());
	ASSERT_EQ(5, write(fd2, "after", 5));
	EXPECT_EQ(POLLIN | POLLOUT, relq_poll_mask(fd2));
	ASSERT_EQ(0, relq_info(fd2, &info));
	EXPECT_EQ(1, info.depth);
	st = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, st);
	EXPECT_EQ(1, st->depth);
	ASSERT_EQ(5, read(fd2, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	EXPECT_EQ(0, st->depth);
	munmap(st, relq_page_size());
}

/*
 * T-CLOSE-2 (the child's handle table closing is IRP_MJ_CLEANUP for its
 * handles only): a fork child reads one message and writes one on the
 * inherited fd, then exits; the parent's fd keeps working and holds the
 * rest, in order.
 */
TEST_F(channel, t_close_2_fork_child_exits)
{
	long long open0;
	char buf[16];
	pid_t pid;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	open0 = relq_open_files();
	ASSERT_EQ(3, write(self->fd, "one", 3));
	ASSERT_EQ(3, write(self->fd, "two", 3));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (read(self->fd, buf, sizeof(buf)) != 3 || memcmp(buf, "one", 3))
			_exit(1);
		_exit(write(self->fd, "kid", 3) == 3 ? 0 : 2);
	}
	ASSERT_EQ(0, relq_wait_child(pid));
	EXPECT_EQ(open0, relq_open_files());
	ASSERT_EQ(3, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "two", 3));
	ASSERT_EQ(3, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "kid", 3));
	ASSERT_EQ(4, write(self->fd, "more", 4));
	ASSERT_EQ(4, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "more", 4));
}

/* Thread A of T-CLOSE-3: non-blocking calls on the round's fd. */
struct relq_closer {
	int fd;		/* __atomic: the fd of this round, -2 to stop */
	unsigned int round;	/* __atomic: the round main is in */
	unsigned int seen;	/* __atomic: the last round A saw EBADF in */
	unsigned long calls, ok, ebadf, eagain, other;
	int other_err;
};

static void *relq_closer_fn(void *arg)
{
	struct relq_closer *c = arg;
	struct relq_info info;
	unsigned int round;
	char buf[16];
	ssize_t n;
	int fd, op = 0;

	for (;;) {
		/* The round first: its fd was published before it. */
		round = __atomic_load_n(&c->round, __ATOMIC_ACQUIRE);
		fd = __atomic_load_n(&c->fd, __ATOMIC_ACQUIRE);
		if (fd == -2)
			return NULL;
		switch (op++ % 3) {
		case 0:
			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			n = ioctl(fd, RELQ_IOC_INFO, &info);
			break;
		case 1:
			n = read(fd, buf, sizeof(buf));
			break;
		default:
			n = write(fd, "x", 1);
			break;
		}
		c->calls++;
		if (n >= 0) {
			c->ok++;
		} else if (errno == EBADF) {
			c->ebadf++;
			__atomic_store_n(&c->seen, round, __ATOMIC_RELEASE);
		} else if (errno == EAGAIN) {
			c->eagain++;
		} else {
			c->other++;
			c->other_err = errno;
		}
	}
}

/*
 * T-CLOSE-3 (closing a handle while I/O on it is in flight): thread A
 * loops INFO, read and write on an O_NONBLOCK fd while the main thread
 * closes it at a random moment, 10^4 rounds. Every call of A succeeds or
 * fails with EAGAIN or EBADF: a call that got the file before the close
 * finishes on it. Afterwards no file is left open.
 */
TEST_F_TIMEOUT(channel, t_close_3_close_during_calls, 600)
{
	struct relq_closer *c;
	unsigned int seed = relq_test_seed(), rng = seed, round;
	unsigned int rounds = 10000;
	long long open0, t0 = relq_now_ms();
	pthread_t a;
	int fd;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	open0 = relq_open_files();
	c = calloc(1, sizeof(*c));
	ASSERT_NE(NULL, c);
	c->fd = -1;
	ASSERT_EQ(0, pthread_create(&a, NULL, relq_closer_fn, c));
	for (round = 1; round <= rounds; round++) {
		fd = relq_open(self->name, O_RDWR | O_NONBLOCK);
		ASSERT_LE(0, fd);
		__atomic_store_n(&c->fd, fd, __ATOMIC_RELEASE);
		__atomic_store_n(&c->round, round, __ATOMIC_RELEASE);
		/* Let A make a few calls, then close under it. */
		if (relq_rand(&rng) & 1)
			sched_yield();
		ASSERT_EQ(0, close(fd));
		/* A has seen the close once it gets EBADF for this round. */
		while (__atomic_load_n(&c->seen, __ATOMIC_ACQUIRE) != round)
			sched_yield();
	}
	__atomic_store_n(&c->fd, -2, __ATOMIC_RELEASE);
	pthread_join(a, NULL);
	TH_LOG("seed %u: %u rounds in %lld ms: %lu calls, %lu ok, %lu EAGAIN, %lu EBADF",
	       seed, rounds, relq_now_ms() - t0, c->calls, c->ok, c->eagain, c->ebadf);
	EXPECT_EQ(0, c->other) TH_LOG("an unexpected errno: %s", strerror(c->other_err));
	EXPECT_LT(0, c->ok);
	EXPECT_EQ(open0, relq_open_files());
	free(c);
}

/*
 * T-CLOSE-4 (IRP_MJ_CLOSE waits for the last reference, here a mapping):
 * map the status page and close the fd; the mapping stays valid and keeps
 * following traffic made through another fd; the file is released only
 * at munmap().
 */
TEST_F(channel, t_close_4_mmap_outlives_fd)
{
	struct relq_status *st;
	long long open0;
	int fd;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	open0 = relq_open_files();
	fd = relq_open(self->name, O_RDONLY);
	ASSERT_LE(0, fd);
	st = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, st);
	ASSERT_EQ(0, close(fd));
	/* The mapping holds the file: not released yet. */
	EXPECT_EQ(open0 + 1, relq_open_files());
	ASSERT_EQ(4, write(self->fd, "page", 4));
	EXPECT_EQ(1, st->depth);
	EXPECT_EQ(1, st->sent);
	EXPECT_EQ(4, st->bytes);
	ASSERT_EQ(0, munmap(st, relq_page_size()));
	EXPECT_EQ(open0, relq_open_files());
}

/*
 * T-OPEN-3 (a handle duplicated into another process): an fd passed over
 * SCM_RIGHTS, then closed by the sender, keeps the file open while it is
 * in flight; the receiver reads, writes and closes it; .release runs
 * exactly once, at the receiver's close.
 */
TEST_F(channel, t_open_3_scm_rights_release_once)
{
	long long open0;
	char buf[16];
	int sv[2], fd, got;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	open0 = relq_open_files();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fd = relq_open(self->name, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, relq_send_fd(sv[0], fd));
	ASSERT_EQ(0, close(fd));
	/* In flight in the socket: still open. */
	EXPECT_EQ(open0 + 1, relq_open_files());
	got = relq_recv_fd(sv[1]);
	ASSERT_LE(0, got);
	ASSERT_EQ(6, write(got, "passed", 6));
	ASSERT_EQ(6, read(got, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "passed", 6));
	EXPECT_EQ(open0 + 1, relq_open_files());
	ASSERT_EQ(0, close(got));
	EXPECT_EQ(open0, relq_open_files());
	close(sv[0]);
	close(sv[1]);
	EXPECT_EQ(open0, relq_open_files());
}

/*
 * T-CLN-3 (IRP_MJ_CLEANUP with a registered wait): a channel fd in an
 * epoll set; DESTROY reports EPOLLHUP|EPOLLERR; after the last close the
 * file leaves the set, epoll reports nothing more, and the file is
 * released.
 */
TEST_F(channel, t_cln_3_epoll_destroy_close)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLERR };
	long long open0;
	int ep, mask;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	open0 = relq_open_files();
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(EPOLLOUT, relq_epoll_mask(ep));
	ASSERT_EQ(0, relq_destroy(self->ctl, self->name));
	mask = relq_epoll_mask(ep);
	EXPECT_EQ(EPOLLHUP | EPOLLERR, mask & (EPOLLHUP | EPOLLERR));
	EXPECT_EQ(0, mask & (EPOLLIN | EPOLLOUT));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	EXPECT_EQ(0, relq_epoll_mask(ep));
	EXPECT_EQ(open0 - 1, relq_open_files());
	close(ep);
}

/*
 * T-CLN-4 (close does not cancel a blocked call; Windows' CloseHandle
 * does not either): thread A blocks in read; the main thread closes A's
 * fd: close returns 0 and A stays blocked; a message written through
 * another fd completes A; the file is released only after A returns.
 */
TEST_F(channel, t_cln_4_close_under_blocked_read)
{
	struct relq_blocked_io b = { 0 };
	long long open0;
	int wfd;

	if (relq_open_files() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	ASSERT_EQ(0, relq_wait_for_waiters(0));
	wfd = relq_open(self->name, O_WRONLY);
	ASSERT_LE(0, wfd);
	open0 = relq_open_files();
	b.fd = self->fd;
	b.len = sizeof(b.buf);
	ASSERT_EQ(0, pthread_create(&b.thread, NULL, relq_blocked_io_fn, &b));
	ASSERT_EQ(0, relq_wait_for_waiters(1));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	/* A holds the file: still blocked, still open. */
	usleep(100000);
	EXPECT_EQ(1, relq_waiting_tasks());
	EXPECT_EQ(open0, relq_open_files());
	ASSERT_EQ(5, write(wfd, "wakes", 5));
	ASSERT_EQ(0, relq_join_ms(b.thread, 10000));
	EXPECT_EQ(5, b.ret);
	EXPECT_EQ(0, memcmp(b.buf, "wakes", 5));
	EXPECT_EQ(open0 - 1, relq_open_files());
	close(wfd);
}

/* Wait (at most 5 s) for channel_objects to reach @n; whether it did. */
static bool relq_objects_reach(long long n)
{
	long long end = relq_now_ms() + 5000;

	while (relq_channel_objects() != n && relq_now_ms() < end)
		usleep(5000);
	return relq_channel_objects() == n;
}

/*
 * T-OBJ-5 (a destroyed device object lives while any reference does):
 * DESTROY a channel held by an open fd, a mapping of its status page and
 * an upper's LINK, then release the three in each of the 6 orders: the
 * channel object is freed (relq's channel_objects counter drops) only
 * after the last of them, never before.
 */
TEST_F_TIMEOUT(channel, t_obj_5_destroyed_channel_lives_while_held, 120)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	static const char *const what[3] = { "fd", "mapping", "link" };
	char name[RELQ_NAME_LEN];
	struct relq_status *st;
	long long base;
	int o, k, fd, lfd;

	if (relq_channel_objects() < 0)
		SKIP(return, "relq's debugfs counters are unreadable");
	/* The fixture's channel is the upper; each round makes a lower. */
	base = relq_channel_objects();
	for (o = 0; o < 6; o++) {
		relq_unique_name(name, "o5");
		ASSERT_EQ(0, relq_create(self->ctl, name, 4096, 64, NULL));
		ASSERT_EQ(base + 1, relq_channel_objects());
		fd = relq_open(name, O_RDWR);
		ASSERT_LE(0, fd);
		st = mmap(NULL, relq_page_size(), PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, st);
		lfd = relq_open(name, O_WRONLY);
		ASSERT_LE(0, lfd);
		ASSERT_EQ(0, relq_link(self->fd, lfd));
		ASSERT_EQ(0, close(lfd));
		ASSERT_EQ(0, relq_destroy(self->ctl, name));
		EXPECT_EQ(RELQ_STATE_DEAD, st->state);
		for (k = 0; k < 3; k++) {
			switch (orders[o][k]) {
			case 0:
				ASSERT_EQ(0, close(fd));
				break;
			case 1:
				ASSERT_EQ(0, munmap(st, relq_page_size()));
				break;
			default:
				ASSERT_EQ(0, relq_unlink(self->fd));
				break;
			}
			if (k < 2) {
				/* Give a wrong early free time to show. */
				usleep(50000);
				EXPECT_EQ(base + 1, relq_channel_objects())
					TH_LOG("order %d: freed after the %s went, with %s left",
					       o, what[orders[o][k]], what[orders[o][k + 1]]);
			}
		}
		EXPECT_TRUE(relq_objects_reach(base))
			TH_LOG("order %d: not freed after the last reference", o);
	}
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
