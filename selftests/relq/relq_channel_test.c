// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for relq's message path on /dev/relq/<name>: whole-message
 * read and write, readv/writev, the access modes, the stream rules
 * (ESPIPE, no fsync), zero lengths, exact counts and FIONREAD.
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
	int err, map_err;

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
	map_err = map == MAP_FAILED ? errno : 0;
	if (!map_err) {
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
	if (map_err)
		SKIP(return, "no 2 GiB mapping (%s): the MAX_RW_COUNT case could not run",
		     strerror(map_err));
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

#include "relq_last_test.h"

TEST_HARNESS_MAIN
