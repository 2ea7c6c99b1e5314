/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture and helpers shared by relq's per-channel kselftests
 * (relq_channel_test.c, relq_wait_test.c, relq_status_test.c,
 * relq_uaccess_test.c): each test gets a fresh channel (capacity 4096,
 * max_msg 256) created in the setup and destroyed in the teardown, with
 * room for a few extra channels the teardown destroys too.
 *
 * Include after kselftest_harness.h and relq_test.h.
 */
#ifndef RELQ_CHANNEL_H
#define RELQ_CHANNEL_H

#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>

#define RELQ_CH_CAPACITY	4096
#define RELQ_CH_MAX_MSG		256
#define RELQ_CH_MAX_EXTRA	4

/* Channels a test adds to the fixture's; the teardown destroys them. */
struct relq_extras {
	int n;
	char name[RELQ_CH_MAX_EXTRA][RELQ_NAME_LEN];
};

FIXTURE(channel) {
	int ctl;
	int fd;
	__u32 id;
	char name[RELQ_NAME_LEN];
	struct relq_extras x;
};

FIXTURE_SETUP(channel)
{
	int err;

	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's channel tests need root");
	self->fd = -1;
	self->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
	relq_unique_name(self->name, "c");
	err = relq_create(self->ctl, self->name, RELQ_CH_CAPACITY,
			  RELQ_CH_MAX_MSG, &self->id);
	if (err)
		close(self->ctl);
	ASSERT_EQ(0, err) TH_LOG("CREATE %s: %s", self->name, strerror(err));
	self->fd = relq_open(self->name, O_RDWR);
	if (self->fd < 0) {
		err = errno;
		relq_destroy(self->ctl, self->name);
		close(self->ctl);
		ASSERT_EQ(0, err) TH_LOG("open %s: %s", self->name, strerror(err));
	}
}

FIXTURE_TEARDOWN(channel)
{
	int i;

	if (self->fd >= 0)
		close(self->fd);
	/* ENOENT when the test destroyed it already. */
	relq_destroy(self->ctl, self->name);
	for (i = 0; i < self->x.n; i++)
		relq_destroy(self->ctl, self->x.name[i]);
	close(self->ctl);
}

/*
 * A second channel for a test that needs other limits; the teardown
 * destroys it. Returns an O_RDWR fd, or -1 with errno set.
 */
static inline int relq_extra_channel(int ctl, struct relq_extras *x,
				     __u64 capacity, __u32 max_msg,
				     char name[RELQ_NAME_LEN])
{
	int err;

	if (x->n == RELQ_CH_MAX_EXTRA) {
		errno = ENOSPC;
		return -1;
	}
	relq_unique_name(name, "x");
	err = relq_create(ctl, name, capacity, max_msg, NULL);
	if (err) {
		errno = err;
		return -1;
	}
	memcpy(x->name[x->n++], name, RELQ_NAME_LEN);
	return relq_open(name, O_RDWR);
}

/* Write one @len-byte pattern message; write()'s result. */
static inline ssize_t relq_send(int fd, size_t len, unsigned int seq)
{
	unsigned char buf[65536];

	if (len > sizeof(buf)) {
		errno = EINVAL;
		return -1;
	}
	relq_fill_pattern(buf, len, seq);
	return write(fd, buf, len);
}

/*
 * Send @len-byte messages through a non-blocking fd until EAGAIN; the
 * number sent, or -1 if a write failed otherwise or the queue never filled.
 */
static inline long relq_fill_queue(int nbfd, size_t len)
{
	long n;

	for (n = 0; n < 1000000; n++) {
		if (relq_send(nbfd, len, (unsigned int)n) != (ssize_t)len)
			return errno == EAGAIN ? n : -1;
	}
	return -1;
}

static inline int relq_poll_mask(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

static inline int relq_epoll_mask(int ep)
{
	struct epoll_event ev;
	int n;

	n = epoll_wait(ep, &ev, 1, 0);
	if (n < 0)
		return -1;
	return n ? (int)ev.events : 0;
}

/* A thread blocked in one read() or write() on a channel. */
struct relq_blocked_io {
	pthread_t thread;
	int fd;
	bool write;
	size_t len;
	ssize_t ret;
	int err;
	unsigned char buf[RELQ_CH_MAX_MSG];
};

static inline void *relq_blocked_io_fn(void *arg)
{
	struct relq_blocked_io *b = arg;

	if (b->write)
		b->ret = write(b->fd, b->buf, b->len);
	else
		b->ret = read(b->fd, b->buf, b->len);
	b->err = b->ret < 0 ? errno : 0;
	return NULL;
}

#endif /* RELQ_CHANNEL_H */
