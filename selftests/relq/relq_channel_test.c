// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for relq's channels, /dev/relq/<name>: whole-message read
 * and write, readv/writev, poll, O_NONBLOCK, interruptible waits, the
 * stream rules (ESPIPE, no fsync), FIONREAD, INFO, the status page and
 * what an fd of a destroyed channel sees.
 *
 * Each test gets a fresh channel (capacity 4096, max_msg 256) created in
 * the fixture and destroyed in its teardown. Run as root with relq.ko
 * loaded; without the module or without root, every test is skipped.
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
static int relq_extra_channel(int ctl, struct relq_extras *x, __u64 capacity,
			      __u32 max_msg, char name[RELQ_NAME_LEN])
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
static ssize_t relq_send(int fd, size_t len, unsigned int seq)
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
static long relq_fill_queue(int nbfd, size_t len)
{
	long n;

	for (n = 0; n < 1000000; n++) {
		if (relq_send(nbfd, len, (unsigned int)n) != (ssize_t)len)
			return errno == EAGAIN ? n : -1;
	}
	return -1;
}

static int relq_poll_mask(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

static int relq_epoll_mask(int ep)
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

static void *relq_blocked_io_fn(void *arg)
{
	struct relq_blocked_io *b = arg;

	if (b->write)
		b->ret = write(b->fd, b->buf, b->len);
	else
		b->ret = read(b->fd, b->buf, b->len);
	b->err = b->ret < 0 ? errno : 0;
	return NULL;
}

/*
 * T-IOC-1 (channel half): every command with relq's magic other than
 * INFO, in every direction and with sizes around relq's structs, and
 * random commands, give ENOTTY on a channel fd; control commands too.
 */
TEST_F(channel, t_ioc_1_channel_unknown_ioctl_enotty)
{
	static const unsigned int sizes[] = {
		0, 1, 8, 64, 16383,
		sizeof(struct relq_create) - 1, sizeof(struct relq_create),
		sizeof(struct relq_create) + 1,
		sizeof(struct relq_destroy) - 1, sizeof(struct relq_destroy),
		sizeof(struct relq_list) - 1, sizeof(struct relq_list),
		sizeof(struct relq_list) + 1,
		sizeof(struct relq_info) - 1, sizeof(struct relq_info),
		sizeof(struct relq_info) + 1,
	};
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE,
	};
	static char buf[16384];
	unsigned int nr, d, s, i, seed, state, checked = 0;
	struct relq_info info;

	for (nr = 0; nr < 256; nr++)
		for (d = 0; d < ARRAY_SIZE(dirs); d++)
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				unsigned long cmd = _IOC(dirs[d], RELQ_IOC_MAGIC,
							 nr, sizes[s]);

				if (relq_is_channel_cmd(cmd))
					continue;
				ASSERT_EQ(ENOTTY,
					  relq_err(ioctl(self->fd, cmd, buf)))
					TH_LOG("cmd %#lx", cmd);
				checked++;
			}

	seed = relq_test_seed();
	state = seed ? seed : 1;
	TH_LOG("%u swept commands; random commands: RELQ_SEED=%u", checked,
	       seed);
	for (i = 0; i < 100000; i++) {
		unsigned int cmd = relq_rand(&state);

		/* Generic VFS ioctls are handled before the driver sees them. */
		cmd = (cmd & ~(_IOC_TYPEMASK << _IOC_TYPESHIFT)) |
		      RELQ_IOC_MAGIC << _IOC_TYPESHIFT;
		if (relq_is_channel_cmd(cmd))
			continue;
		ASSERT_EQ(ENOTTY, relq_err(ioctl(self->fd, cmd, buf)))
			TH_LOG("cmd %#x", cmd);
	}

	/* The channel is untouched and INFO still works. */
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(self->id, info.id);
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.sent);
}

/*
 * T-RW-1: read returns one whole message or EMSGSIZE, never a part; the
 * buffer beyond the message is untouched; count 0 consumes nothing.
 */
TEST_F(channel, t_rw_1_read_sizes)
{
	static const size_t counts[] = { 100, 101, 1 << 20 };
	const size_t big = 1 << 20;
	struct relq_info info;
	unsigned char *buf;
	unsigned int seq;

	buf = malloc(big);
	ASSERT_TRUE(!!buf);
	for (seq = 1; seq <= 3; seq++)
		ASSERT_EQ(100, relq_send(self->fd, 100, seq));

	relq_fill(buf, big);
	EXPECT_EQ(0, read(self->fd, buf, 0));
	EXPECT_EQ(EMSGSIZE, relq_err(read(self->fd, buf, 1)));
	EXPECT_EQ(EMSGSIZE, relq_err(read(self->fd, buf, 99)));
	EXPECT_TRUE(relq_is_fill(buf, big)) TH_LOG("a failed read wrote");
	EXPECT_EQ(100, relq_fionread(self->fd));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(3, info.depth);
	EXPECT_EQ(300, info.bytes);
	EXPECT_EQ(0, info.received);
	EXPECT_EQ(100, info.next_size);

	for (seq = 1; seq <= 3; seq++) {
		size_t count = counts[seq - 1];

		relq_fill(buf, big);
		EXPECT_EQ(100, read(self->fd, buf, count)) TH_LOG("count %zu", count);
		EXPECT_TRUE(relq_check_pattern(buf, 100, seq))
			TH_LOG("message %u corrupted", seq);
		EXPECT_TRUE(relq_is_fill(buf + 100, big - 100))
			TH_LOG("read wrote past the message (count %zu)", count);
	}
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(3, info.received);
	free(buf);
}

/*
 * T-RW-2: write sends all or nothing: 0 bytes is a no-op, up to max_msg
 * is accepted whole, above it EMSGSIZE; a failed write queues nothing.
 */
TEST_F(channel, t_rw_2_write_sizes)
{
	const size_t huge = (size_t)1 << 31;
	unsigned char buf[RELQ_CH_MAX_MSG + 1], rbuf[1024];
	struct relq_info info;
	void *map;
	int err;

	relq_fill_pattern(buf, sizeof(buf), 5);
	EXPECT_EQ(0, write(self->fd, buf, 0));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.sent);

	EXPECT_EQ(1, write(self->fd, buf, 1));
	EXPECT_EQ(RELQ_CH_MAX_MSG - 1, write(self->fd, buf, RELQ_CH_MAX_MSG - 1));
	EXPECT_EQ(RELQ_CH_MAX_MSG, write(self->fd, buf, RELQ_CH_MAX_MSG));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(3, info.depth);

	EXPECT_EQ(EMSGSIZE, relq_err(write(self->fd, buf, RELQ_CH_MAX_MSG + 1)));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(3, info.depth);

	/* Through syscall(): libc's write() prototype rejects the size. */
	err = relq_err(syscall(SYS_write, self->fd, buf, SIZE_MAX));
#if UINTPTR_MAX > 0xffffffffUL
	EXPECT_EQ(EFAULT, err);
#else
	/*
	 * A compat task's 4 GiB range passes the VFS's access_ok() on a
	 * 64-bit kernel; the capped count then exceeds max_msg.
	 */
	EXPECT_TRUE(err == EFAULT || err == EMSGSIZE) TH_LOG("errno %d", err);
#endif
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(3, info.depth);

	/* A count the VFS caps at MAX_RW_COUNT, over a valid mapping. */
	map = mmap(NULL, huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED) {
		TH_LOG("no 2 GiB mapping (%s): MAX_RW_COUNT case skipped",
		       strerror(errno));
	} else {
		EXPECT_EQ(EMSGSIZE, relq_err(syscall(SYS_write, self->fd, map, huge)));
		munmap(map, huge);
	}
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(3, info.depth);
	EXPECT_EQ(3, info.sent);

	EXPECT_EQ(1, read(self->fd, rbuf, sizeof(rbuf)));
	EXPECT_EQ(RELQ_CH_MAX_MSG - 1, read(self->fd, rbuf, sizeof(rbuf)));
	EXPECT_TRUE(relq_check_pattern(rbuf, RELQ_CH_MAX_MSG - 1, 5));
	EXPECT_EQ(RELQ_CH_MAX_MSG, read(self->fd, rbuf, sizeof(rbuf)));
	EXPECT_TRUE(relq_check_pattern(rbuf, RELQ_CH_MAX_MSG, 5));
}

/* T-RW-3: channels are streams: pread, pwrite and lseek give ESPIPE. */
TEST_F(channel, t_rw_3_espipe)
{
	char buf[8] = "message";

	EXPECT_EQ(ESPIPE, relq_err(pwrite(self->fd, buf, sizeof(buf), 0)));
	EXPECT_EQ(0, relq_fionread(self->fd)) TH_LOG("pwrite queued a message");
	ASSERT_EQ(sizeof(buf), write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(ESPIPE, relq_err(pread(self->fd, buf, sizeof(buf), 0)));
	EXPECT_EQ(ESPIPE, relq_err(lseek(self->fd, 0, SEEK_SET)));
	EXPECT_EQ(ESPIPE, relq_err(lseek(self->fd, 0, SEEK_CUR)));
	EXPECT_EQ(ESPIPE, relq_err(lseek(self->fd, 0, SEEK_END)));
	EXPECT_EQ(sizeof(buf), relq_fionread(self->fd))
		TH_LOG("pread consumed the message");
}

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

/*
 * T-RW-5: writev sends its iovecs as one message, zero-length iovecs
 * included; readv scatters one message; a bad iovec in the middle gives
 * EFAULT with nothing queued, or with the message kept.
 */
TEST_F(channel, t_rw_5_writev_one_message)
{
	unsigned char src[RELQ_CH_MAX_MSG], dst[RELQ_CH_MAX_MSG + 64];
	unsigned char *bad;
	struct iovec iov[16];
	unsigned int n, i;
	size_t total;

	for (n = 1; n <= 16; n++) {
		relq_fill_pattern(src, sizeof(src), n);
		total = 0;
		for (i = 0; i < n; i++) {
			iov[i].iov_base = src + total;
			iov[i].iov_len = i % 3 == 1 ? 0 : (n + i) % 13 + 1;
			total += iov[i].iov_len;
		}
		ASSERT_GE(sizeof(src), total);
		EXPECT_EQ((ssize_t)total, writev(self->fd, iov, n))
			TH_LOG("%u iovecs", n);
		relq_fill(dst, sizeof(dst));
		EXPECT_EQ((ssize_t)total, read(self->fd, dst, sizeof(dst)))
			TH_LOG("%u iovecs", n);
		EXPECT_TRUE(relq_check_pattern(dst, total, n));
		EXPECT_TRUE(relq_is_fill(dst + total, sizeof(dst) - total));
	}

	/* writev totals above max_msg are one oversized message. */
	iov[0].iov_base = src;
	iov[0].iov_len = RELQ_CH_MAX_MSG;
	iov[1].iov_base = src;
	iov[1].iov_len = 1;
	EXPECT_EQ(EMSGSIZE, relq_err(writev(self->fd, iov, 2)));

	/* readv scatters one message. */
	relq_fill_pattern(src, 100, 77);
	ASSERT_EQ(100, write(self->fd, src, 100));
	relq_fill(dst, sizeof(dst));
	iov[0].iov_base = dst;
	iov[0].iov_len = 10;
	iov[1].iov_base = dst + 20;
	iov[1].iov_len = 0;
	iov[2].iov_base = dst + 30;
	iov[2].iov_len = 200;
	EXPECT_EQ(100, readv(self->fd, iov, 3));
	EXPECT_EQ(0, memcmp(dst, src, 10));
	EXPECT_TRUE(relq_is_fill(dst + 10, 20));
	EXPECT_EQ(0, memcmp(dst + 30, src + 10, 90));
	EXPECT_TRUE(relq_is_fill(dst + 120, sizeof(dst) - 120));

	/* A PROT_NONE iovec in the middle. */
	bad = relq_guard_alloc(0);
	ASSERT_TRUE(!!bad);
	iov[0].iov_base = src;
	iov[0].iov_len = 10;
	iov[1].iov_base = bad;
	iov[1].iov_len = 10;
	iov[2].iov_base = src + 10;
	iov[2].iov_len = 10;
	EXPECT_EQ(EFAULT, relq_err(writev(self->fd, iov, 3)));
	EXPECT_EQ(0, relq_fionread(self->fd)) TH_LOG("writev queued a message");

	relq_fill_pattern(src, 30, 78);
	ASSERT_EQ(30, write(self->fd, src, 30));
	iov[0].iov_base = dst;
	iov[2].iov_base = dst + 20;
	iov[2].iov_len = 20;
	EXPECT_EQ(EFAULT, relq_err(readv(self->fd, iov, 3)));
	EXPECT_EQ(30, relq_fionread(self->fd)) TH_LOG("the message was lost");
	relq_fill(dst, sizeof(dst));
	EXPECT_EQ(30, read(self->fd, dst, sizeof(dst)));
	EXPECT_TRUE(relq_check_pattern(dst, 30, 78));
	relq_guard_free(bad, 0);
}

/*
 * T-RW-6: a message is visible to readers when write returns, so there
 * is no fsync: fsync and fdatasync give EINVAL.
 */
TEST_F(channel, t_rw_6_visible_at_once_no_fsync)
{
	unsigned char buf[64];
	int rd;

	rd = relq_open(self->name, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, rd);
	ASSERT_EQ(40, relq_send(self->fd, 40, 6));
	EXPECT_EQ(40, read(rd, buf, sizeof(buf)));
	EXPECT_TRUE(relq_check_pattern(buf, 40, 6));

	EXPECT_EQ(EINVAL, relq_err(fsync(self->fd)));
	EXPECT_EQ(EINVAL, relq_err(fdatasync(self->fd)));
	EXPECT_EQ(EINVAL, relq_err(fsync(rd)));
	close(rd);
}

/*
 * T-RW-7: after EMSGSIZE on read, FIONREAD and INFO's next_size give the
 * next message's size, and a read of that size gets the same bytes.
 */
TEST_F(channel, t_rw_7_emsgsize_next_size)
{
	unsigned char buf[RELQ_CH_MAX_MSG];
	struct relq_info info;
	int size;

	EXPECT_EQ(0, relq_fionread(self->fd));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, info.next_size);

	ASSERT_EQ(200, relq_send(self->fd, 200, 7));
	ASSERT_EQ(10, relq_send(self->fd, 10, 8));
	EXPECT_EQ(EMSGSIZE, relq_err(read(self->fd, buf, 50)));
	size = relq_fionread(self->fd);
	EXPECT_EQ(200, size);
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(200, info.next_size);
	EXPECT_EQ(2, info.depth);
	EXPECT_EQ(0, info.received);

	ASSERT_LT(0, size);
	ASSERT_GE((int)sizeof(buf), size);
	EXPECT_EQ(200, read(self->fd, buf, size));
	EXPECT_TRUE(relq_check_pattern(buf, 200, 7));
	EXPECT_EQ(10, relq_fionread(self->fd));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(10, info.next_size);
	EXPECT_EQ(10, read(self->fd, buf, sizeof(buf)));
	EXPECT_TRUE(relq_check_pattern(buf, 10, 8));
	EXPECT_EQ(0, relq_fionread(self->fd));
}

/*
 * T-OPEN-1: every access mode opens; O_APPEND and O_TRUNC have no
 * effect; O_CREAT|O_EXCL gives EEXIST; read on an O_WRONLY fd and write
 * on an O_RDONLY fd give EBADF; INFO and FIONREAD need neither mode.
 */
TEST_F(channel, t_open_1_access_modes)
{
	static const int flags[] = {
		O_RDONLY, O_WRONLY, O_RDWR, O_RDWR | O_NONBLOCK,
		O_RDWR | O_APPEND, O_RDWR | O_TRUNC, O_WRONLY | O_APPEND,
		O_RDONLY | O_NONBLOCK, O_RDWR | O_CREAT,
	};
	unsigned char buf[64];
	struct relq_info info;
	char path[64];
	unsigned int i;
	int fd, ro, wo;

	ASSERT_EQ(20, relq_send(self->fd, 20, 1));
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		fd = relq_open(self->name, flags[i]);
		ASSERT_LE(0, fd) TH_LOG("flags %#x: %s", flags[i], strerror(errno));
		EXPECT_EQ(0, relq_info(fd, &info)) TH_LOG("flags %#x", flags[i]);
		EXPECT_EQ(self->id, info.id);
		EXPECT_EQ(20, relq_fionread(fd)) TH_LOG("flags %#x", flags[i]);
		EXPECT_EQ(0, close(fd));
	}
	relq_channel_path(path, sizeof(path), self->name);
	EXPECT_EQ(EEXIST, relq_err(open(path, O_RDWR | O_CREAT | O_EXCL |
					 O_CLOEXEC, 0600)));

	ro = relq_open(self->name, O_RDONLY);
	ASSERT_LE(0, ro);
	wo = relq_open(self->name, O_WRONLY | O_APPEND);
	ASSERT_LE(0, wo);
	EXPECT_EQ(EBADF, relq_err(read(wo, buf, sizeof(buf))));
	EXPECT_EQ(EBADF, relq_err(write(ro, buf, 5)));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(1, info.sent);
	EXPECT_EQ(0, info.received);

	EXPECT_EQ(20, read(ro, buf, sizeof(buf)));
	EXPECT_TRUE(relq_check_pattern(buf, 20, 1));
	EXPECT_EQ(30, relq_send(wo, 30, 2));
	EXPECT_EQ(30, read(ro, buf, sizeof(buf)));
	EXPECT_TRUE(relq_check_pattern(buf, 30, 2));
	close(wo);
	close(ro);
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
};

static void *relq_kicker_fn(void *arg)
{
	struct relq_kicker *k = arg;
	int i;

	usleep(100000);
	for (i = 0; i < k->signals; i++) {
		if (__atomic_load_n(&k->done, __ATOMIC_ACQUIRE))
			return NULL;
		pthread_kill(k->target, SIGUSR1);
		usleep(50000);
	}
	if (!__atomic_load_n(&k->done, __ATOMIC_ACQUIRE))
		k->wrote = write(k->fd, "late", 4) == 4;
	return NULL;
}

/*
 * T-CAN-1: a reader blocked on an empty channel gets SIGUSR1 without
 * SA_RESTART: EINTR, nothing consumed. With SA_RESTART the read restarts,
 * stays blocked and returns a message written later.
 */
TEST_F_TIMEOUT(channel, t_can_1_read_interrupted, 60)
{
	struct relq_kicker k = { .target = pthread_self() };
	struct sigaction sa = { .sa_handler = relq_on_sigusr1 };
	struct relq_info info;
	unsigned char buf[64];
	pthread_t kicker;
	long long t0;
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
	__atomic_store_n(&k.done, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, pthread_join(kicker, NULL));
	TH_LOG("read returned after %lld ms, %d signals",
	       relq_now_ms() - t0, __atomic_load_n(&relq_sigusr1_count,
						   __ATOMIC_RELAXED));
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

/*
 * T-BUF-2: INFO is size-first: below VER0 EINVAL, exactly VER0 writes
 * only VER0 bytes, a zero tail is accepted, a non-zero tail is E2BIG with
 * the kernel's size reported, above a page E2BIG; non-zero flags EINVAL.
 */
TEST_F(channel, t_buf_2_info_sizes)
{
	static const __u32 small[] = { 0, 1, 4, 8, RELQ_INFO_SIZE_VER0 - 1 };
	static const __u32 flags[] = { 1, 2, 0x80, 1U << 31 };
	size_t pg = relq_page_size();
	struct relq_info *info;
	unsigned char *buf;
	unsigned int i;

	buf = calloc(1, 2 * pg);
	ASSERT_TRUE(!!buf);
	info = (struct relq_info *)buf;
	ASSERT_EQ(20, relq_send(self->fd, 20, 2));

	for (i = 0; i < ARRAY_SIZE(small); i++) {
		relq_fill(buf, 2 * pg);
		info->size = small[i];
		info->flags = 0;
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
			TH_LOG("size %u", small[i]);
	}

	/* Exactly VER0: the old fields, nothing after them. */
	relq_fill(buf, 2 * pg);
	info->size = RELQ_INFO_SIZE_VER0;
	info->flags = 0;
	ASSERT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER1, info->size);
	EXPECT_EQ(0, info->flags);
	EXPECT_EQ(self->id, info->id);
	EXPECT_EQ(RELQ_STATE_LIVE, info->state);
	EXPECT_EQ(RELQ_CH_CAPACITY, info->capacity);
	EXPECT_EQ(RELQ_CH_MAX_MSG, info->max_msg);
	EXPECT_EQ(1, info->depth);
	EXPECT_EQ(20, info->bytes);
	EXPECT_EQ(1, info->sent);
	EXPECT_EQ(0, info->received);
	EXPECT_TRUE(relq_is_fill(buf + RELQ_INFO_SIZE_VER0,
				 2 * pg - RELQ_INFO_SIZE_VER0))
		TH_LOG("INFO wrote past a VER0 caller's struct");

	/* Exactly VER1. */
	relq_fill(buf, 2 * pg);
	info->size = RELQ_INFO_SIZE_VER1;
	info->flags = 0;
	ASSERT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER1, info->size);
	EXPECT_EQ(20, info->next_size);
	EXPECT_EQ(0600, info->mode);
	EXPECT_EQ(0, strncmp(self->name, info->name, RELQ_NAME_LEN));
	EXPECT_TRUE(relq_name_padded(info->name));
	EXPECT_TRUE(relq_is_fill(buf + RELQ_INFO_SIZE_VER1,
				 2 * pg - RELQ_INFO_SIZE_VER1));

	/* Larger with a zero tail: accepted, the tail stays as it was. */
	relq_fill(buf, 2 * pg);
	memset(buf + RELQ_INFO_SIZE_VER1, 0, 128 - RELQ_INFO_SIZE_VER1);
	info->size = 128;
	info->flags = 0;
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER1, info->size);
	EXPECT_EQ(self->id, info->id);
	EXPECT_TRUE(relq_is_zero(buf + RELQ_INFO_SIZE_VER1,
				 128 - RELQ_INFO_SIZE_VER1));
	EXPECT_TRUE(relq_is_fill(buf + 128, 2 * pg - 128));

	relq_fill(buf, 2 * pg);
	memset(buf + RELQ_INFO_SIZE_VER1, 0, pg - RELQ_INFO_SIZE_VER1);
	info->size = pg;
	info->flags = 0;
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
		TH_LOG("size = a page with a zero tail");
	EXPECT_EQ(RELQ_INFO_SIZE_VER1, info->size);
	EXPECT_TRUE(relq_is_fill(buf + pg, pg));

	/* A non-zero tail: E2BIG, the kernel's size, nothing else written. */
	for (i = RELQ_INFO_SIZE_VER1; i < 128; i += 31) {
		relq_fill(buf, 2 * pg);
		memset(buf + RELQ_INFO_SIZE_VER1, 0, 128 - RELQ_INFO_SIZE_VER1);
		buf[i] = 1;
		info->size = 128;
		info->flags = 0;
		EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
			TH_LOG("non-zero byte %u", i);
		EXPECT_EQ(RELQ_INFO_SIZE_VER1, info->size);
		EXPECT_EQ(0, info->flags);
		EXPECT_TRUE(relq_is_fill(buf + 8, RELQ_INFO_SIZE_VER1 - 8))
			TH_LOG("a failed INFO wrote its fields");
	}
	relq_fill(buf, 2 * pg);
	memset(buf + RELQ_INFO_SIZE_VER1, 0, pg - RELQ_INFO_SIZE_VER1);
	buf[pg - 1] = 0x80;
	info->size = pg;
	info->flags = 0;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER1, info->size);

	/* Above a page. */
	memset(buf, 0, 2 * pg);
	info->size = pg + 1;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	info->size = 1U << 31;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	info->size = UINT_MAX;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));

	/* Flags. */
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		memset(buf, 0, 2 * pg);
		info->size = RELQ_INFO_SIZE_VER1;
		info->flags = flags[i];
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
			TH_LOG("flags %#x", flags[i]);
	}
	free(buf);
}

/*
 * T-MAP-1: one page at offset 0 maps read-only, shared or private; after
 * known traffic its counters equal INFO's, and a seqcount reader never
 * sees a torn snapshot during concurrent traffic.
 */
struct relq_pinger {
	int fd;
	long rounds;
	int stop;
	int err;
};

static void *relq_pinger_fn(void *arg)
{
	struct relq_pinger *p = arg;
	long long end = relq_now_ms() + 10000;
	unsigned char c = 0x11;

	/* A round counts once both its write and its read are done. */
	for (p->rounds = 0; p->rounds < 100000; ) {
		if (write(p->fd, &c, 1) != 1 || read(p->fd, &c, 1) != 1) {
			p->err = errno;
			break;
		}
		p->rounds++;
		if (!(p->rounds & 255) && relq_now_ms() > end)
			break;
	}
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F_TIMEOUT(channel, t_map_1_status_page_counters, 120)
{
	static const size_t lens[] = { 10, 20, 30, 40, 50 };
	size_t pg = relq_page_size();
	struct relq_status *sh, *pr, s1, s2, prev = { 0 };
	struct relq_pinger p = { .fd = self->fd };
	struct relq_info info;
	unsigned char buf[RELQ_CH_MAX_MSG];
	long snaps = 0, torn = 0;
	pthread_t t;
	unsigned int i;

	sh = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(sh != MAP_FAILED) TH_LOG("%s", strerror(errno));
	pr = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, self->fd, 0);
	ASSERT_TRUE(pr != MAP_FAILED) TH_LOG("%s", strerror(errno));

	ASSERT_TRUE(relq_status_snapshot(sh, &s1));
	EXPECT_EQ(0, s1.seq & 1);
	EXPECT_EQ(RELQ_STATE_LIVE, s1.state);
	EXPECT_EQ(0, s1.sent);
	EXPECT_EQ(0, s1.received);
	EXPECT_EQ(0, s1.depth);
	EXPECT_EQ(0, s1.bytes);
	EXPECT_EQ(0, s1.reserved);

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ASSERT_EQ((ssize_t)lens[i], relq_send(self->fd, lens[i], i));
	for (i = 0; i < 2; i++)
		ASSERT_EQ((ssize_t)lens[i], read(self->fd, buf, sizeof(buf)));

	ASSERT_TRUE(relq_status_snapshot(sh, &s1));
	ASSERT_TRUE(relq_status_snapshot(pr, &s2));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(5, s1.sent);
	EXPECT_EQ(2, s1.received);
	EXPECT_EQ(3, s1.depth);
	EXPECT_EQ(120, s1.bytes);
	EXPECT_EQ(info.sent, s1.sent);
	EXPECT_EQ(info.received, s1.received);
	EXPECT_EQ(info.depth, s1.depth);
	EXPECT_EQ(info.bytes, s1.bytes);
	EXPECT_EQ(info.state, s1.state);
	EXPECT_EQ(0, s1.reserved);
	EXPECT_EQ(s1.sent, s2.sent);
	EXPECT_EQ(s1.received, s2.received);
	EXPECT_EQ(s1.depth, s2.depth);
	EXPECT_EQ(s1.bytes, s2.bytes);

	for (i = 2; i < ARRAY_SIZE(lens); i++)
		ASSERT_EQ((ssize_t)lens[i], read(self->fd, buf, sizeof(buf)));

	/* Snapshots during 1-byte ping-pong traffic. */
	ASSERT_EQ(0, pthread_create(&t, NULL, relq_pinger_fn, &p));
	while (!__atomic_load_n(&p.stop, __ATOMIC_ACQUIRE)) {
		if (!relq_status_snapshot(sh, &s1)) {
			torn++;
			break;
		}
		snaps++;
		if (s1.received > s1.sent || s1.depth != s1.sent - s1.received ||
		    s1.depth > 1 || s1.bytes != s1.depth ||
		    s1.sent < prev.sent || s1.received < prev.received) {
			if (!torn++)
				TH_LOG("torn: sent %llu received %llu depth %u bytes %llu",
				       (unsigned long long)s1.sent,
				       (unsigned long long)s1.received,
				       s1.depth, (unsigned long long)s1.bytes);
		}
		prev = s1;
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("%ld ping-pong rounds, %ld snapshots", p.rounds, snaps);
	EXPECT_EQ(0, p.err);
	EXPECT_EQ(0, torn);

	ASSERT_TRUE(relq_status_snapshot(sh, &s1));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(info.sent, s1.sent);
	EXPECT_EQ(info.received, s1.received);
	EXPECT_EQ(5 + p.rounds, s1.sent);
	EXPECT_EQ(0, s1.depth);
	munmap(pr, pg);
	munmap(sh, pg);
}

/*
 * T-MAP-1 (first mapping): the status page is created by the first
 * mmap(), so it must start from the traffic that came before it, and
 * every later mapping, through any fd, must show the same page.
 */
TEST_F(channel, t_map_1_first_map_after_traffic)
{
	static const size_t lens[] = { 7, 70, 200 };
	size_t pg = relq_page_size();
	unsigned char buf[RELQ_CH_MAX_MSG];
	struct relq_status *a, *b, s1, s2;
	struct relq_info info;
	unsigned int i;
	int fd2;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ASSERT_EQ((ssize_t)lens[i], relq_send(self->fd, lens[i], i));
	ASSERT_EQ((ssize_t)lens[0], read(self->fd, buf, sizeof(buf)));

	a = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(a != MAP_FAILED) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(relq_status_snapshot(a, &s1));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, s1.seq & 1);
	EXPECT_NE(0, s1.seq);
	EXPECT_EQ(RELQ_STATE_LIVE, s1.state);
	EXPECT_EQ(3, s1.sent);
	EXPECT_EQ(1, s1.received);
	EXPECT_EQ(2, s1.depth);
	EXPECT_EQ(270, s1.bytes);
	EXPECT_EQ(info.sent, s1.sent);
	EXPECT_EQ(info.depth, s1.depth);

	/* A second fd maps the same page, which keeps following traffic. */
	fd2 = relq_open(self->name, O_RDONLY);
	ASSERT_LE(0, fd2);
	b = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_TRUE(b != MAP_FAILED) TH_LOG("%s", strerror(errno));
	ASSERT_EQ((ssize_t)lens[1], read(fd2, buf, sizeof(buf)));
	ASSERT_TRUE(relq_status_snapshot(a, &s1));
	ASSERT_TRUE(relq_status_snapshot(b, &s2));
	EXPECT_EQ(s1.seq, s2.seq);
	EXPECT_EQ(2, s1.received);
	EXPECT_EQ(1, s1.depth);
	EXPECT_EQ(200, s1.bytes);
	EXPECT_EQ(s1.received, s2.received);
	EXPECT_EQ(s1.bytes, s2.bytes);
	munmap(b, pg);
	close(fd2);
	munmap(a, pg);
}

/*
 * T-MAP-2: anything but one read-only page at offset 0 fails: other
 * lengths or offsets EINVAL, PROT_WRITE or PROT_EXEC EPERM; mprotect
 * cannot add write or exec (EACCES) and mremap cannot grow (EFAULT).
 */
TEST_F(channel, t_map_2_bad_mappings)
{
	static const int shared[] = { MAP_SHARED, MAP_PRIVATE };
	size_t pg = relq_page_size();
	unsigned long far = (ULONG_MAX >> __builtin_ctzl(pg)) - 1;
	unsigned int i;
	void *p, *q;

	for (i = 0; i < ARRAY_SIZE(shared); i++) {
		int m = shared[i];

		EXPECT_EQ(EINVAL, relq_mmap_err(mmap(NULL, 2 * pg, PROT_READ, m,
						     self->fd, 0), 2 * pg));
		EXPECT_EQ(EINVAL, relq_mmap_err(mmap(NULL, pg, PROT_READ, m,
						     self->fd, pg), pg));
		EXPECT_EQ(EINVAL, relq_mmap_err(mmap64(NULL, pg, PROT_READ, m,
						       self->fd, (off64_t)((__u64)far * pg)),
						pg))
			TH_LOG("pgoff %#lx", far);
		EXPECT_EQ(EPERM, relq_mmap_err(mmap(NULL, pg, PROT_READ | PROT_WRITE,
						    m, self->fd, 0), pg));
		EXPECT_EQ(EPERM, relq_mmap_err(mmap(NULL, pg, PROT_WRITE, m,
						    self->fd, 0), pg));
		EXPECT_EQ(EPERM, relq_mmap_err(mmap(NULL, pg, PROT_READ | PROT_EXEC,
						    m, self->fd, 0), pg));

		p = mmap(NULL, pg, PROT_READ, m, self->fd, 0);
		ASSERT_TRUE(p != MAP_FAILED);
		EXPECT_EQ(EACCES, relq_err(mprotect(p, pg, PROT_READ | PROT_WRITE)));
		EXPECT_EQ(EACCES, relq_err(mprotect(p, pg, PROT_READ | PROT_EXEC)));
		q = mremap(p, pg, 2 * pg, MREMAP_MAYMOVE);
		EXPECT_TRUE(q == MAP_FAILED);
		if (q == MAP_FAILED) {
			EXPECT_EQ(EFAULT, errno);
			q = p;
		}
		/* The mapping is still the status page and still readable. */
		EXPECT_EQ(0, ((struct relq_status *)q)->sent);
		munmap(q, q == p ? pg : 2 * pg);
	}
}

/*
 * T-MAP-3: an fd without read access cannot map the page (EACCES from
 * the VFS); the control node has no mmap (ENODEV).
 */
TEST_F(channel, t_map_3_wronly_and_control)
{
	size_t pg = relq_page_size();
	int wo;

	wo = relq_open(self->name, O_WRONLY);
	ASSERT_LE(0, wo);
	EXPECT_EQ(EACCES, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_SHARED,
					     wo, 0), pg));
	EXPECT_EQ(EACCES, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_PRIVATE,
					     wo, 0), pg));
	EXPECT_EQ(ENODEV, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_SHARED,
					     self->ctl, 0), pg));
	close(wo);
}

/*
 * T-ZERO-1: zero lengths everywhere: read and write of 0 bytes (NULL
 * buffers included) and readv/writev of zero-length iovecs return 0 and
 * change nothing; LIST capacity 0 returns the count only; CREATE with
 * capacity or max_msg 0 is EINVAL.
 */
TEST_F(channel, t_zero_1_zero_lengths)
{
	struct iovec iov[2] = { { NULL, 0 }, { NULL, 0 } };
	char name[RELQ_NAME_LEN];
	unsigned char buf[16];
	struct relq_info info;
	struct relq_list l;
	long before;

	iov[1].iov_base = buf;
	EXPECT_EQ(0, write(self->fd, NULL, 0));
	EXPECT_EQ(0, writev(self->fd, iov, 2));
	EXPECT_EQ(0, writev(self->fd, iov, 0));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, info.depth);
	EXPECT_EQ(0, info.sent);

	ASSERT_EQ(5, relq_send(self->fd, 5, 3));
	EXPECT_EQ(0, read(self->fd, NULL, 0));
	EXPECT_EQ(0, readv(self->fd, iov, 2));
	EXPECT_EQ(0, readv(self->fd, iov, 0));
	EXPECT_EQ(5, relq_fionread(self->fd));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(0, info.received);

	memset(&l, 0, sizeof(l));
	l.count = 0xA5A5A5A5;
	EXPECT_EQ(0, relq_err(ioctl(self->ctl, RELQ_IOC_LIST, &l)));
	EXPECT_LE(1, l.count);
	EXPECT_GE(RELQ_MAX_CHANNELS_LIMIT, l.count);
	before = l.count;

	relq_unique_name(name, "z");
	EXPECT_EQ(EINVAL, relq_create(self->ctl, name, 0, 1, NULL));
	EXPECT_EQ(EINVAL, relq_create(self->ctl, name, 4096, 0, NULL));
	EXPECT_EQ(EINVAL, relq_create(self->ctl, name, 0, 0, NULL));
	EXPECT_FALSE(relq_node_exists(name));
	EXPECT_EQ(before, relq_list_count(self->ctl));

	EXPECT_EQ(5, read(self->fd, buf, sizeof(buf)));
	EXPECT_TRUE(relq_check_pattern(buf, 5, 3));
}

/*
 * T-DIO-1: write from a read-only mapping works and leaves the source
 * unchanged; read into a read-only mapping is EFAULT with the message
 * kept.
 */
TEST_F(channel, t_dio_1_readonly_mappings)
{
	size_t pg = relq_page_size();
	unsigned char copy[200], buf[RELQ_CH_MAX_MSG];
	unsigned char *src, *ro;
	struct relq_info info;

	src = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(src != MAP_FAILED);
	relq_fill_pattern(src, pg, 11);
	memcpy(copy, src, sizeof(copy));
	ASSERT_EQ(0, mprotect(src, pg, PROT_READ));
	EXPECT_EQ(200, write(self->fd, src, 200));
	EXPECT_EQ(0, memcmp(copy, src, sizeof(copy)));

	ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	EXPECT_EQ(EFAULT, relq_err(read(self->fd, ro, pg)));
	EXPECT_EQ(200, relq_fionread(self->fd));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(0, info.received);

	EXPECT_EQ(200, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(copy, buf, 200));
	munmap(ro, pg);
	munmap(src, pg);
}

/*
 * T-DIO-2: readv of one message into iovecs at odd offsets, ending
 * exactly at page ends and crossing pages, in a 0xA5 region: the data is
 * exact and every byte outside the iovecs stays 0xA5; writev gathers
 * from the same layout.
 */
TEST_F(channel, t_dio_2_readv_odd_iovecs)
{
	size_t pg = relq_page_size(), region = 6 * pg, total = 0, off;
	unsigned char *base, *msg, *mask;
	char xname[RELQ_NAME_LEN];
	struct iovec iov[7];
	unsigned int i;
	int xfd;

	xfd = relq_extra_channel(self->ctl, &self->x, 65536, 16384, xname);
	ASSERT_LE(0, xfd) TH_LOG("%s", strerror(errno));
	base = mmap(NULL, region, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(base != MAP_FAILED);
	msg = malloc(region);
	mask = calloc(1, region);
	ASSERT_TRUE(!!msg);
	ASSERT_TRUE(!!mask);

	iov[0] = (struct iovec){ base + 1, 7 };
	iov[1] = (struct iovec){ base + pg - 5, 10 };
	iov[2] = (struct iovec){ base + 2 * pg - 100, 100 };
	iov[3] = (struct iovec){ base + 2 * pg + 3, pg + 50 };
	iov[4] = (struct iovec){ base + 4 * pg - 1, 1 };
	iov[5] = (struct iovec){ base + 4 * pg + 17, 333 };
	iov[6] = (struct iovec){ base + 6 * pg - 64, 64 };
	for (i = 0; i < ARRAY_SIZE(iov); i++) {
		memset(mask + ((unsigned char *)iov[i].iov_base - base), 1,
		       iov[i].iov_len);
		total += iov[i].iov_len;
	}
	ASSERT_GE(16384, total);

	relq_fill_pattern(msg, total, 21);
	ASSERT_EQ((ssize_t)total, write(xfd, msg, total));
	relq_fill(base, region);
	EXPECT_EQ((ssize_t)total, readv(xfd, iov, ARRAY_SIZE(iov)));
	for (i = 0, off = 0; i < ARRAY_SIZE(iov); off += iov[i].iov_len, i++)
		EXPECT_EQ(0, memcmp(iov[i].iov_base, msg + off, iov[i].iov_len))
			TH_LOG("iovec %u", i);
	for (off = 0; off < region; off++)
		if (!mask[off] && base[off] != RELQ_FILL)
			break;
	EXPECT_EQ(region, off) TH_LOG("readv wrote outside its iovecs");

	/* writev gathers the same layout back into one message. */
	relq_fill_pattern(msg, total, 22);
	for (i = 0, off = 0; i < ARRAY_SIZE(iov); off += iov[i].iov_len, i++)
		memcpy(iov[i].iov_base, msg + off, iov[i].iov_len);
	EXPECT_EQ((ssize_t)total, writev(xfd, iov, ARRAY_SIZE(iov)));
	memset(mask, 0, region);
	EXPECT_EQ((ssize_t)total, read(xfd, mask, region));
	EXPECT_EQ(0, memcmp(mask, msg, total));

	free(mask);
	free(msg);
	munmap(base, region);
	close(xfd);
}

/*
 * T-CPL-3: read returns exactly the message length and write exactly
 * count or -1, never a short count; read returns 0 only for count 0.
 */
TEST_F(channel, t_cpl_3_exact_counts)
{
	unsigned char buf[4096];
	size_t len;
	long n, i;
	ssize_t ret;
	int nb;

	for (len = 1; len <= RELQ_CH_MAX_MSG; len++) {
		ASSERT_EQ((ssize_t)len, relq_send(self->fd, len, len));
		ASSERT_EQ((ssize_t)len, read(self->fd, buf, sizeof(buf)));
		ASSERT_TRUE(relq_check_pattern(buf, len, len));
	}

	nb = relq_open(self->name, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	n = relq_fill_queue(nb, RELQ_CH_MAX_MSG);
	ASSERT_LT(0, n);
	/* On a full queue every size is all or nothing. */
	for (len = 1; len <= RELQ_CH_MAX_MSG; len++) {
		ret = relq_send(nb, len, 0);
		if (ret == (ssize_t)len) {
			n++;
			continue;
		}
		ASSERT_EQ(-1, ret) TH_LOG("short write of %zu: %zd", len, ret);
		ASSERT_EQ(EAGAIN, errno);
	}
	for (i = 0; i < n; i++) {
		ret = read(nb, buf, sizeof(buf));
		ASSERT_LT(0, ret);
		ASSERT_GE(RELQ_CH_MAX_MSG, ret);
	}
	EXPECT_EQ(-1, read(nb, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, read(nb, buf, 0));
	close(nb);
}

/* The bad user pointers of T-UPTR-1 that fault for any access. */
struct relq_bad_ptr {
	const char *what;
	void *p;
};

static unsigned int relq_bad_ptrs(struct relq_bad_ptr *b, void *unmapped,
				  void *prot_none)
{
	unsigned int n = 0;

	b[n++] = (struct relq_bad_ptr){ "NULL", NULL };
	b[n++] = (struct relq_bad_ptr){ "0x1", (void *)1 };
	b[n++] = (struct relq_bad_ptr){ "-1", (void *)UINTPTR_MAX };
#if UINTPTR_MAX > 0xffffffffUL
	b[n++] = (struct relq_bad_ptr){ "kernel text",
					(void *)0xffffffff81000000UL };
#endif
	b[n++] = (struct relq_bad_ptr){ "unmapped", unmapped };
	b[n++] = (struct relq_bad_ptr){ "PROT_NONE", prot_none };
	/* A 16-byte range that wraps around the top of the address space. */
	b[n++] = (struct relq_bad_ptr){ "wrapping", (void *)(UINTPTR_MAX - 7) };
	return n;
}

/*
 * T-UPTR-1: read and write buffers and every ioctl argument at NULL, 0x1,
 * -1, a kernel address, an unmapped page, PROT_NONE, a read-only page
 * (outputs) and a wrapping range give EFAULT with nothing queued and
 * nothing consumed; a misaligned valid pointer works.
 */
TEST_F(channel, t_uptr_1_rw_bad_pointers)
{
	size_t pg = relq_page_size();
	struct relq_bad_ptr bad[8];
	unsigned char buf[256], *unmapped, *none, *ro;
	struct relq_info info, *pinfo;
	char name[RELQ_NAME_LEN];
	unsigned int i, n;
	long count;
	int v;

	unmapped = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(unmapped != MAP_FAILED);
	munmap(unmapped, pg);
	none = relq_guard_alloc(0);
	ASSERT_TRUE(!!none);
	ro = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	/* A valid INFO request and a valid CREATE in the read-only page. */
	pinfo = (struct relq_info *)ro;
	pinfo->size = sizeof(*pinfo);
	relq_unique_name(name, "u");
	memcpy(ro + 1024, name, RELQ_NAME_LEN);
	((struct relq_create *)(ro + 1024))->capacity = 4096;
	((struct relq_create *)(ro + 1024))->max_msg = 16;
	ASSERT_EQ(0, mprotect(ro, pg, PROT_READ));
	n = relq_bad_ptrs(bad, unmapped, none);
	count = relq_list_count(self->ctl);
	ASSERT_LE(1, count);

	for (i = 0; i < n; i++)
		EXPECT_EQ(EFAULT, relq_err(write(self->fd, bad[i].p, 16)))
			TH_LOG("write from %s", bad[i].what);
	EXPECT_EQ(0, relq_fionread(self->fd)) TH_LOG("a failed write queued");

	ASSERT_EQ(16, relq_send(self->fd, 16, 9));
	for (i = 0; i < n; i++)
		EXPECT_EQ(EFAULT, relq_err(read(self->fd, bad[i].p, 16)))
			TH_LOG("read into %s", bad[i].what);
	EXPECT_EQ(EFAULT, relq_err(read(self->fd, ro, 16)));
	EXPECT_EQ(16, relq_fionread(self->fd)) TH_LOG("a failed read consumed");

	/* ioctl arguments. */
	for (i = 0; i < n; i++) {
		EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_INFO, bad[i].p)))
			TH_LOG("INFO at %s", bad[i].what);
		EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, FIONREAD, bad[i].p)))
			TH_LOG("FIONREAD at %s", bad[i].what);
		EXPECT_EQ(EFAULT, relq_err(ioctl(self->ctl, RELQ_IOC_CREATE, bad[i].p)))
			TH_LOG("CREATE at %s", bad[i].what);
		EXPECT_EQ(EFAULT, relq_err(ioctl(self->ctl, RELQ_IOC_DESTROY, bad[i].p)))
			TH_LOG("DESTROY at %s", bad[i].what);
		EXPECT_EQ(EFAULT, relq_err(ioctl(self->ctl, RELQ_IOC_LIST, bad[i].p)))
			TH_LOG("LIST at %s", bad[i].what);
	}
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, RELQ_IOC_INFO, ro)));
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->fd, FIONREAD, ro)));
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->ctl, RELQ_IOC_CREATE, ro + 1024)));
	EXPECT_EQ(EFAULT, relq_err(ioctl(self->ctl, RELQ_IOC_LIST, ro + 2048)));
	EXPECT_FALSE(relq_node_exists(name)) TH_LOG("a faulting CREATE left %s",
						    name);
	if (relq_node_exists(name))
		relq_destroy(self->ctl, name);
	EXPECT_EQ(count, relq_list_count(self->ctl));
	EXPECT_TRUE(relq_list_has(self->ctl, self->name, NULL));

	/* Misaligned but valid pointers work. */
	EXPECT_EQ(16, read(self->fd, buf + 1, 16));
	EXPECT_TRUE(relq_check_pattern(buf + 1, 16, 9));
	relq_fill_pattern(buf + 3, 16, 10);
	EXPECT_EQ(16, write(self->fd, buf + 3, 16));
	memset(buf, 0, sizeof(buf));
	((struct relq_info *)(buf + 1))->size = RELQ_INFO_SIZE_VER0;
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, buf + 1)));
	memcpy(&info, buf + 1, RELQ_INFO_SIZE_VER0);
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(0, relq_err(ioctl(self->fd, FIONREAD, buf + 3)));
	memcpy(&v, buf + 3, sizeof(v));
	EXPECT_EQ(16, v);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(0, relq_err(ioctl(self->ctl, RELQ_IOC_LIST, buf + 1)));
	EXPECT_EQ(count, ((struct relq_list *)(buf + 1))->count);

	munmap(ro, pg);
	relq_guard_free(none, 0);
}

/* Whether @len bytes hold a run of four 0x5E bytes (a stale payload). */
static bool relq_has_5e_run(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		run = p[i] == 0x5E ? run + 1 : 0;
		if (run >= 4)
			return true;
	}
	return false;
}

/*
 * T-BUF-5: after 0x5E payloads pass through the channel, every output
 * read into a 0xA5 buffer (read, INFO, LIST, CREATE, the status page)
 * has zero padding and reserved bytes, leaves the bytes past the
 * returned length as 0xA5, and holds no 0x5E run outside message data.
 */
TEST_F(channel, t_buf_5_no_stale_bytes)
{
	size_t pg = relq_page_size();
	unsigned char payload[RELQ_CH_MAX_MSG], buf[4096];
	struct relq_list_entry e[RELQ_MAX_CHANNELS_LIMIT + 1];
	char name[RELQ_NAME_LEN];
	struct relq_info info;
	struct relq_create c;
	struct relq_status *page;
	unsigned long long max = 0;
	__u32 count, i;

	memset(payload, 0x5E, sizeof(payload));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(RELQ_CH_MAX_MSG, write(self->fd, payload, sizeof(payload)));
	for (i = 0; i < 7; i++)
		ASSERT_EQ(RELQ_CH_MAX_MSG, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(3, write(self->fd, payload, 3));

	/* CREATE and DESTROY a channel: only id is written back. */
	memset(&c, 0, sizeof(c));
	relq_unique_name(name, "b");
	memcpy(c.name, name, RELQ_NAME_LEN);
	c.capacity = 4096;
	c.max_msg = 64;
	ASSERT_EQ(0, relq_create_raw(self->ctl, &c));
	EXPECT_TRUE(relq_name_padded(c.name));
	EXPECT_EQ(0, c.flags);
	EXPECT_EQ(0, c.uid);
	EXPECT_EQ(0, c.gid);
	EXPECT_EQ(0, c.mode);
	EXPECT_EQ(0, c.reserved[0]);
	EXPECT_EQ(0, c.reserved[1]);
	EXPECT_EQ(0, relq_destroy(self->ctl, name));

	/* read: the message, then 0xA5. */
	relq_fill(buf, sizeof(buf));
	EXPECT_EQ(RELQ_CH_MAX_MSG, read(self->fd, buf, sizeof(buf)));
	EXPECT_TRUE(relq_is_fill(buf + RELQ_CH_MAX_MSG,
				 sizeof(buf) - RELQ_CH_MAX_MSG));

	/* INFO. */
	relq_fill(&info, sizeof(info));
	info.size = sizeof(info);
	info.flags = 0;
	ASSERT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, &info)));
	EXPECT_TRUE(relq_name_padded(info.name));
	EXPECT_FALSE(relq_has_5e_run(&info, sizeof(info)));
	EXPECT_EQ(1, info.depth);
	EXPECT_EQ(3, info.bytes);

	/* LIST. */
	ASSERT_EQ(0, relq_param_read("max_channels", &max));
	if (max > RELQ_MAX_CHANNELS_LIMIT)
		max = RELQ_MAX_CHANNELS_LIMIT;
	relq_fill(e, sizeof(e));
	ASSERT_EQ(0, relq_list(self->ctl, e, max, &count));
	ASSERT_GE(max, count);
	for (i = 0; i < count; i++) {
		EXPECT_TRUE(relq_name_padded(e[i].name)) TH_LOG("entry %u", i);
		EXPECT_EQ(0, e[i].reserved) TH_LOG("entry %u", i);
	}
	EXPECT_TRUE(relq_is_fill(&e[count], (ARRAY_SIZE(e) - count) * sizeof(e[0])));
	EXPECT_FALSE(relq_has_5e_run(e, count * sizeof(e[0])));

	/* The status page: reserved and the rest of the page are zero. */
	page = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(page != MAP_FAILED);
	EXPECT_EQ(0, page->reserved);
	EXPECT_TRUE(relq_is_zero((char *)page + sizeof(*page),
				 pg - sizeof(*page)))
		TH_LOG("the status page leaks bytes after its struct");
	EXPECT_FALSE(relq_has_5e_run(page, pg));
	munmap(page, pg);
}

TEST_HARNESS_MAIN
