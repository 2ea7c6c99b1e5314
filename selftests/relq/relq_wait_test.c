// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for waiting on a channel: O_NONBLOCK, poll and epoll, reads
 * interrupted by a signal, and what blocked readers and writers see when
 * the channel is destroyed under them.
 *
 * Each test gets a fresh channel (relq_channel.h's fixture). Run as root
 * with relq.ko loaded; without the module or without root, every test
 * is skipped.
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

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"

/*
 * T-RW-4: O_NONBLOCK gives EAGAIN on an empty read and on a write that
 * does not fit; poll and epoll report EPOLLIN exactly when a read would
 * succeed and EPOLLOUT exactly when a max_msg write would, over random
 * steps checked against a model of the queue.
 */
TEST_F_TIMEOUT(channel, t_rw_4_nonblock_poll, 300)
{
	static unsigned int model_seq[8192];
	static size_t model_len[8192];
	unsigned int head = 0, tail = 0, seq = 1000, seed, state, i;
	unsigned char buf[4096];
	struct epoll_event ev;
	long n, steps_in = 0, steps_out = 0;
	int nb, ep, pm, em;

	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.fd = nb;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, nb, &ev));

	EXPECT_EQ(EAGAIN, relq_err(read(nb, buf, sizeof(buf))));
	EXPECT_EQ(POLLOUT, relq_poll_mask(nb) & (POLLIN | POLLOUT));
	EXPECT_EQ(EPOLLOUT, relq_epoll_mask(ep) & (EPOLLIN | EPOLLOUT));

	n = relq_fill_queue(nb, RELQ_CH_MAX_MSG);
	ASSERT_LT(0, n);
	TH_LOG("%ld max_msg messages filled the queue", n);
	EXPECT_EQ(EAGAIN, relq_err(write(nb, buf, RELQ_CH_MAX_MSG)));
	EXPECT_EQ(POLLIN, relq_poll_mask(nb) & (POLLIN | POLLOUT));
	EXPECT_EQ(EPOLLIN, relq_epoll_mask(ep) & (EPOLLIN | EPOLLOUT));
	while (n--)
		ASSERT_EQ(RELQ_CH_MAX_MSG, read(nb, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, relq_err(read(nb, buf, sizeof(buf))));

	seed = relq_test_seed();
	state = seed ? seed : 1;
	TH_LOG("random steps: RELQ_SEED=%u", seed);
	for (i = 0; i < 10000; i++) {
		unsigned int r = relq_rand(&state);
		/* Alternate phases that tend to fill and to drain the queue. */
		unsigned int read_pct = (i / 500) & 1 ? 25 : 65;
		size_t len;
		ssize_t ret;

		pm = relq_poll_mask(nb);
		em = relq_epoll_mask(ep);
		ASSERT_LE(0, pm);
		ASSERT_LE(0, em);
		pm &= POLLIN | POLLOUT;
		ASSERT_EQ(pm, em & (EPOLLIN | EPOLLOUT)) TH_LOG("step %u", i);
		ASSERT_EQ(head != tail, !!(pm & POLLIN)) TH_LOG("step %u", i);
		steps_in += !!(pm & POLLIN);
		steps_out += !!(pm & POLLOUT);

		if (r % 100 < read_pct) {
			ret = read(nb, buf, sizeof(buf));
			if (pm & POLLIN) {
				ASSERT_EQ((ssize_t)model_len[head % 8192], ret)
					TH_LOG("step %u: %s", i, strerror(errno));
				ASSERT_TRUE(relq_check_pattern(buf, ret,
							       model_seq[head % 8192]));
				head++;
			} else {
				ASSERT_EQ(-1, ret) TH_LOG("step %u", i);
				ASSERT_EQ(EAGAIN, errno);
			}
			continue;
		}
		len = (r >> 8) & 1 ? RELQ_CH_MAX_MSG :
		      1 + (r >> 9) % RELQ_CH_MAX_MSG;
		ret = relq_send(nb, len, seq);
		if (len == RELQ_CH_MAX_MSG)
			ASSERT_EQ(!!(pm & POLLOUT), ret == (ssize_t)len)
				TH_LOG("step %u: POLLOUT %d, write %zd", i,
				       !!(pm & POLLOUT), ret);
		if (ret == (ssize_t)len) {
			ASSERT_GT(8192, tail - head);
			model_seq[tail % 8192] = seq;
			model_len[tail % 8192] = len;
			tail++;
		} else {
			ASSERT_EQ(-1, ret);
			ASSERT_EQ(EAGAIN, errno) TH_LOG("step %u", i);
		}
		seq++;
	}
	TH_LOG("POLLIN in %ld steps, POLLOUT in %ld", steps_in, steps_out);
	close(ep);
	close(nb);
}

static int relq_sigusr1_count;

static void relq_on_sigusr1(int sig)
{
	__atomic_fetch_add(&relq_sigusr1_count, 1, __ATOMIC_RELAXED);
}

/* Sends SIGUSR1 to a blocked reader, then writes a message as a hang guard. */
struct relq_kicker {
	pthread_t target;
	int fd;
	int signals;
	int done;
	int wrote;
	long long first_ms;	/* when the first signal went out */
};

static void *relq_kicker_fn(void *arg)
{
	struct relq_kicker *k = arg;
	int i;

	usleep(100000);
	for (i = 0; i < k->signals; i++) {
		if (__atomic_load_n(&k->done, __ATOMIC_ACQUIRE))
			return NULL;
		if (!i)
			k->first_ms = relq_now_ms();
		pthread_kill(k->target, SIGUSR1);
		usleep(50000);
	}
	if (!__atomic_load_n(&k->done, __ATOMIC_ACQUIRE))
		k->wrote = write(k->fd, "late", 4) == 4;
	return NULL;
}

/*
 * T-CAN-1: a reader blocked on an empty channel gets SIGUSR1 without
 * SA_RESTART: EINTR within 1 s of the first signal, nothing consumed.
 * With SA_RESTART the read restarts, stays blocked and returns a message
 * written later.
 */
TEST_F_TIMEOUT(channel, t_can_1_read_interrupted, 60)
{
	struct relq_kicker k = { .target = pthread_self() };
	struct sigaction sa = { .sa_handler = relq_on_sigusr1 };
	struct relq_info info;
	unsigned char buf[64];
	pthread_t kicker;
	long long t0, t1;
	ssize_t ret;
	int err;

	k.fd = relq_open(self->name, O_WRONLY);
	ASSERT_LE(0, k.fd);

	/* Without SA_RESTART: EINTR. */
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	k.signals = 40;
	ASSERT_EQ(0, pthread_create(&kicker, NULL, relq_kicker_fn, &k));
	t0 = relq_now_ms();
	ret = read(self->fd, buf, sizeof(buf));
	err = errno;
	t1 = relq_now_ms();
	__atomic_store_n(&k.done, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(kicker, NULL));
	TH_LOG("read returned after %lld ms, %lld ms after the first of %d signals",
	       t1 - t0, t1 - k.first_ms,
	       __atomic_load_n(&relq_sigusr1_count, __ATOMIC_RELAXED));
	EXPECT_NE(0, k.first_ms) TH_LOG("the read returned before any signal");
	EXPECT_GE(1000, t1 - k.first_ms) TH_LOG("EINTR took more than 1 s");
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EINTR, err);
	EXPECT_EQ(0, k.wrote) TH_LOG("the read ignored the signals");
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, info.received);
	EXPECT_EQ((__u64)k.wrote, info.sent);

	/* Nothing was consumed: a later message arrives whole. */
	if (!k.wrote)
		ASSERT_EQ(5, write(k.fd, "after", 5));
	EXPECT_EQ(k.wrote ? 4 : 5, read(self->fd, buf, sizeof(buf)));

	/* With SA_RESTART: the read restarts and gets the later message. */
	sa.sa_flags = SA_RESTART;
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	__atomic_store_n(&relq_sigusr1_count, 0, __ATOMIC_RELAXED);
	k.done = 0;
	k.wrote = 0;
	k.signals = 4;
	ASSERT_EQ(0, pthread_create(&kicker, NULL, relq_kicker_fn, &k));
	ret = read(self->fd, buf, sizeof(buf));
	err = errno;
	__atomic_store_n(&k.done, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(kicker, NULL));
	EXPECT_EQ(4, ret) TH_LOG("read: %s", ret < 0 ? strerror(err) : "short");
	EXPECT_EQ(0, memcmp(buf, "late", 4));
	EXPECT_LT(0, __atomic_load_n(&relq_sigusr1_count, __ATOMIC_RELAXED));
	EXPECT_EQ(1, k.wrote);

	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
	close(k.fd);
}

/*
 * T-DEVOBJ-5: after DESTROY, blocked readers and writers wake with
 * ENODEV; read, write, INFO, FIONREAD and mmap on the old fd give ENODEV
 * and poll reports EPOLLHUP | EPOLLERR; close works. A new channel of
 * the same name has a different id and the old fd cannot touch it.
 */
TEST_F_TIMEOUT(channel, t_devobj_5_destroyed_channel_enodev, 60)
{
	static struct relq_blocked_io wr, rd;
	char xname[RELQ_NAME_LEN];
	size_t pg = relq_page_size();
	struct relq_status st;
	struct relq_info info;
	unsigned char buf[RELQ_CH_MAX_MSG];
	struct relq_status *page;
	__u32 newid;
	int nb, xfd, nfd, rev;

	page = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(page != MAP_FAILED);
	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	ASSERT_LT(0, relq_fill_queue(nb, RELQ_CH_MAX_MSG));

	/* A writer blocked on the full channel ... */
	wr.fd = self->fd;
	wr.write = true;
	wr.len = RELQ_CH_MAX_MSG;
	ASSERT_EQ(0, pthread_create(&wr.thread, NULL, relq_blocked_io_fn, &wr));
	/* ... and a reader blocked on an empty one. */
	xfd = relq_extra_channel(self->ctl, &self->x, 1024, 64, xname);
	ASSERT_LE(0, xfd);
	rd.fd = xfd;
	rd.len = sizeof(rd.buf);
	ASSERT_EQ(0, pthread_create(&rd.thread, NULL, relq_blocked_io_fn, &rd));
	usleep(300000);

	ASSERT_EQ(0, relq_destroy(self->ctl, self->name));
	ASSERT_EQ(0, relq_destroy(self->ctl, xname));
	ASSERT_EQ(0, relq_join_ms(wr.thread, 5000)) TH_LOG("writer never woke");
	EXPECT_EQ(-1, wr.ret);
	EXPECT_EQ(ENODEV, wr.err);
	ASSERT_EQ(0, relq_join_ms(rd.thread, 5000)) TH_LOG("reader never woke");
	EXPECT_EQ(-1, rd.ret);
	EXPECT_EQ(ENODEV, rd.err);
	EXPECT_EQ(0, close(xfd));

	/* The old fd sees a dead object, queued messages or not. */
	EXPECT_EQ(ENODEV, relq_err(read(self->fd, buf, sizeof(buf))));
	EXPECT_EQ(ENODEV, relq_err(read(nb, buf, sizeof(buf))));
	EXPECT_EQ(ENODEV, relq_err(write(self->fd, buf, 1)));
	EXPECT_EQ(ENODEV, relq_err(write(nb, buf, 1)));
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	EXPECT_EQ(ENODEV, relq_err(ioctl(self->fd, RELQ_IOC_INFO, &info)));
	EXPECT_EQ(-1, relq_fionread(self->fd));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(ENODEV, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_SHARED,
					     self->fd, 0), pg));
	rev = relq_poll_mask(self->fd);
	EXPECT_EQ(POLLHUP | POLLERR, rev & (POLLHUP | POLLERR))
		TH_LOG("revents %#x", rev);

	/* The old mapping still reads; the name and the node are gone. */
	EXPECT_TRUE(relq_status_snapshot(page, &st));
	TH_LOG("status page after DESTROY: state %u sent %llu", st.state,
	       (unsigned long long)st.sent);
	EXPECT_FALSE(relq_node_exists(self->name));
	EXPECT_FALSE(relq_list_has(self->ctl, self->name, NULL));

	/* A new channel of the same name is another object. */
	ASSERT_EQ(0, relq_create(self->ctl, self->name, RELQ_CH_CAPACITY,
				 RELQ_CH_MAX_MSG, &newid));
	EXPECT_NE(self->id, newid);
	nfd = relq_open(self->name, O_RDWR);
	ASSERT_LE(0, nfd);
	EXPECT_EQ(ENODEV, relq_err(write(self->fd, buf, 1)));
	ASSERT_EQ(0, relq_info(nfd, &info));
	EXPECT_EQ(newid, info.id);
	EXPECT_EQ(0, info.sent);
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(RELQ_STATE_LIVE, info.state);

	EXPECT_EQ(0, close(self->fd));
	self->fd = nfd;
	EXPECT_EQ(0, close(nb));
	munmap(page, pg);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
