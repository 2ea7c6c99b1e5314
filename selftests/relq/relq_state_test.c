// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for relq's driver state: DRAIN is one caller at a time
 * (T-STATE-1), DESTROY wakes everything that waits on a channel
 * (T-STATE-2).
 *
 * Run as root with relq.ko loaded; otherwise every test is skipped.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "relq_test.h"

#define RELQ_ST_CAP	4096
#define RELQ_ST_MSG	256

FIXTURE(state) {
	int ctl;
	int fd;
	char name[RELQ_NAME_LEN];
};

FIXTURE_SETUP(state)
{
	self->ctl = -1;
	self->fd = -1;
	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's state tests need root");
	self->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	relq_unique_name(self->name, "st");
	ASSERT_EQ(0, relq_create(self->ctl, self->name, RELQ_ST_CAP, RELQ_ST_MSG, NULL));
	self->fd = relq_open(self->name, O_RDWR);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(state)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->ctl >= 0) {
		relq_destroy(self->ctl, self->name);
		close(self->ctl);
	}
}

static void relq_on_signal(int sig)
{
	(void)sig;
}

/* One DRAIN in a thread; the result is published when it returns. */
struct relq_drainer {
	int fd;
	int go[2];	/* main -> drainer: one byte per DRAIN, EOF to stop */
	int done;	/* drainer -> main: rounds finished */
	int result;	/* 0 or the errno of the last DRAIN */
	int returns;	/* DRAIN calls that returned in this round */
};

static void *relq_drainer_fn(void *arg)
{
	struct relq_drainer *d = arg;
	char c;

	while (read(d->go[0], &c, 1) == 1) {
		d->result = relq_err(ioctl(d->fd, RELQ_IOC_DRAIN));
		__atomic_add_fetch(&d->returns, 1, __ATOMIC_RELEASE);
		__atomic_add_fetch(&d->done, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * T-STATE-1: while one DRAIN waits, a second caller gets EBUSY at once,
 * blocking or not; emptying the queue returns the first exactly once.
 * 10^4 rounds, each with a 2 s hang guard.
 */
TEST_F_TIMEOUT(state, t_state_1_drain_one_at_a_time, 300)
{
	struct relq_drainer d = { .fd = self->fd };
	int other = relq_open(self->name, O_RDWR | O_NONBLOCK);
	unsigned char buf[RELQ_ST_MSG];
	int round, rounds = 10000, err;
	long long end, start = relq_now_ms();
	pthread_t t;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, pipe2(d.go, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&t, NULL, relq_drainer_fn, &d));
	for (round = 1; round <= rounds; round++) {
		ASSERT_EQ(1, write(self->fd, "m", 1));
		__atomic_store_n(&d.returns, 0, __ATOMIC_RELEASE);
		ASSERT_EQ(1, write(d.go[1], "g", 1));

		/* Wait for the drainer's claim: a second caller sees EBUSY. */
		end = relq_now_ms() + 2000;
		do {
			err = relq_err(ioctl(other, RELQ_IOC_DRAIN));
			ASSERT_TRUE(err == EAGAIN || err == EBUSY)
				TH_LOG("round %d: second DRAIN gave %s", round, strerror(err));
			ASSERT_LT(relq_now_ms(), end) TH_LOG("round %d: no claim", round);
		} while (err != EBUSY);
		/* A blocking second caller is refused at once, too. */
		EXPECT_EQ(EBUSY, relq_err(ioctl(self->fd, RELQ_IOC_DRAIN)));
		EXPECT_EQ(0, __atomic_load_n(&d.returns, __ATOMIC_ACQUIRE))
			TH_LOG("round %d: DRAIN returned with a message queued", round);

		/* Empty the queue: the first DRAIN returns 0, exactly once. */
		ASSERT_EQ(1, read(self->fd, buf, sizeof(buf)));
		end = relq_now_ms() + 2000;
		while (__atomic_load_n(&d.done, __ATOMIC_ACQUIRE) != round) {
			ASSERT_LT(relq_now_ms(), end)
				TH_LOG("round %d: the first DRAIN was lost", round);
			sched_yield();
		}
		ASSERT_EQ(0, d.result) TH_LOG("round %d", round);
		ASSERT_EQ(1, __atomic_load_n(&d.returns, __ATOMIC_ACQUIRE));
		if (round % 1000 == 0 && relq_now_ms() - start > 200000) {
			TH_LOG("slow machine: stopping after %d rounds", round);
			break;
		}
	}
	close(d.go[1]);
	ASSERT_EQ(0, pthread_join(t, NULL));
	close(d.go[0]);
	TH_LOG("%d DRAIN rounds in %lld ms", round > rounds ? rounds : round,
	       relq_now_ms() - start);
	close(other);
}

/* T-STATE-1: O_NONBLOCK, access mode, empty queue. */
TEST_F(state, t_state_1_drain_nonblock_and_access)
{
	int nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	int ro = relq_open(self->name, O_RDONLY);
	struct relq_info info;
	unsigned char buf[RELQ_ST_MSG];

	ASSERT_LE(0, nb);
	ASSERT_LE(0, ro);
	EXPECT_EQ(0, relq_err(ioctl(nb, RELQ_IOC_DRAIN)));	/* empty */
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_DRAIN)));
	ASSERT_EQ(3, write(self->fd, "abc", 3));
	EXPECT_EQ(EAGAIN, relq_err(ioctl(nb, RELQ_IOC_DRAIN)));
	EXPECT_EQ(EBADF, relq_err(ioctl(ro, RELQ_IOC_DRAIN)));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(3, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, relq_err(ioctl(nb, RELQ_IOC_DRAIN)));
	close(nb);
	close(ro);
}

struct relq_kick {
	pthread_t target;
	int stop;
};

static void *relq_kick_fn(void *arg)
{
	struct relq_kick *k = arg;
	int i;

	for (i = 0; i < 100 && !__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE); i++) {
		usleep(50000);
		pthread_kill(k->target, SIGUSR1);
	}
	return NULL;
}

/* T-STATE-1 / T-CAN: a signal ends a waiting DRAIN with EINTR; the claim goes. */
TEST_F(state, t_state_1_drain_interrupted)
{
	struct sigaction sa = { .sa_handler = relq_on_signal };
	struct relq_kick k = { .target = pthread_self() };
	int nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	unsigned char buf[RELQ_ST_MSG];
	pthread_t t;
	int err;

	ASSERT_LE(0, nb);
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));	/* no SA_RESTART */
	ASSERT_EQ(2, write(self->fd, "hi", 2));
	ASSERT_EQ(0, pthread_create(&t, NULL, relq_kick_fn, &k));
	err = relq_err(ioctl(self->fd, RELQ_IOC_DRAIN));
	__atomic_store_n(&k.stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(EINTR, err);
	/* The claim was released: the next caller is not refused with EBUSY. */
	EXPECT_EQ(EAGAIN, relq_err(ioctl(nb, RELQ_IOC_DRAIN)));
	EXPECT_EQ(2, read(self->fd, buf, sizeof(buf)));
	close(nb);
}

/* A thread blocked in one call; it records the errno and when it woke. */
struct relq_blocked {
	int fd;
	int kind;	/* 0 read, 1 write, 2 DRAIN, 3 epoll_wait */
	int err;
	unsigned int events;
	long long woke;
};

static void *relq_blocked_fn(void *arg)
{
	struct relq_blocked *b = arg;
	unsigned char buf[RELQ_ST_MSG] = { 0 };
	struct epoll_event ev;
	long ret;

	switch (b->kind) {
	case 0:
		ret = read(b->fd, buf, sizeof(buf));
		break;
	case 1:
		ret = write(b->fd, buf, sizeof(buf));
		break;
	case 2:
		ret = ioctl(b->fd, RELQ_IOC_DRAIN);
		break;
	default:
		ret = epoll_wait(b->fd, &ev, 1, 10000);
		if (ret == 1)
			b->events = ev.events;
		ret = ret == 1 ? 0 : -1;
		break;
	}
	b->err = ret < 0 ? errno : 0;
	__atomic_store_n(&b->woke, relq_now_ms(), __ATOMIC_RELEASE);
	return NULL;
}

/*
 * T-STATE-2: a reader (empty channel), a writer on a full queue, a DRAIN
 * caller and an epoll waiter are blocked; DESTROY wakes them all within
 * 1 s with ENODEV (epoll: EPOLLHUP|EPOLLERR). Later read, write, INFO and
 * mmap give ENODEV; close succeeds.
 */
TEST_F(state, t_state_2_destroy_wakes_all)
{
	char full[RELQ_NAME_LEN];
	int ffd, wfd, ep, i;
	struct relq_blocked b[4];
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned char msg[RELQ_ST_MSG] = { 0 };
	struct relq_info info;
	pthread_t t[4];
	long long destroyed;

	relq_unique_name(full, "full");
	ASSERT_EQ(0, relq_create(self->ctl, full, RELQ_ST_CAP, RELQ_ST_MSG, NULL));
	ffd = relq_open(full, O_RDWR | O_NONBLOCK);
	wfd = relq_open(full, O_RDWR);
	ASSERT_LE(0, ffd);
	ASSERT_LE(0, wfd);
	while (write(ffd, msg, sizeof(msg)) == sizeof(msg))
		;
	ASSERT_EQ(EAGAIN, errno);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));

	b[0] = (struct relq_blocked){ .fd = self->fd, .kind = 0 };
	b[1] = (struct relq_blocked){ .fd = wfd, .kind = 1 };
	b[2] = (struct relq_blocked){ .fd = wfd, .kind = 2 };
	b[3] = (struct relq_blocked){ .fd = ep, .kind = 3 };
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, relq_blocked_fn, &b[i]));
	usleep(300000);	/* let them block; nothing may have returned */
	for (i = 0; i < 4; i++) {
		long long woke = __atomic_load_n(&b[i].woke, __ATOMIC_ACQUIRE);
		int early = b[i].err;

		ASSERT_EQ(0, woke) TH_LOG("waiter %d returned early (errno %d)", i, early);
	}

	destroyed = relq_now_ms();
	ASSERT_EQ(0, relq_destroy(self->ctl, self->name));
	ASSERT_EQ(0, relq_destroy(self->ctl, full));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	for (i = 0; i < 4; i++) {
		long long delay = b[i].woke - destroyed;

		EXPECT_GE(1000, delay) TH_LOG("waiter %d woke after %lld ms", i, delay);
	}
	EXPECT_EQ(ENODEV, b[0].err);
	EXPECT_EQ(ENODEV, b[1].err);
	EXPECT_EQ(ENODEV, b[2].err);
	EXPECT_EQ(0, b[3].err);
	EXPECT_EQ(EPOLLHUP | EPOLLERR, b[3].events & (EPOLLHUP | EPOLLERR | EPOLLIN));

	/* Every later operation on the old fds: ENODEV; close works. */
	EXPECT_EQ(ENODEV, relq_err(read(self->fd, msg, sizeof(msg))));
	EXPECT_EQ(ENODEV, relq_err(write(self->fd, msg, 1)));
	EXPECT_EQ(ENODEV, relq_err(ioctl(self->fd, RELQ_IOC_INFO, &info)));
	EXPECT_EQ(ENODEV, relq_err(ioctl(wfd, RELQ_IOC_DRAIN)));
	EXPECT_EQ(ENODEV, relq_mmap_err(mmap(NULL, relq_page_size(), PROT_READ,
					     MAP_SHARED, self->fd, 0),
					relq_page_size()));
	EXPECT_EQ(0, close(ep));
	EXPECT_EQ(0, close(ffd));
	EXPECT_EQ(0, close(wfd));
	EXPECT_EQ(0, close(self->fd));
	self->fd = -1;
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
